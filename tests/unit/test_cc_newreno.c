/* Unit tests: NewReno congestion control and the shared arithmetic of cc.c, against values worked
 * by hand from RFC 5681 (slow start, congestion avoidance, eq. 4), RFC 3465 (appropriate byte
 * counting, L = 2), RFC 6582 §3.2 (exit from fast recovery, option 1) and RFC 6928 (IW).
 * SMSS is 1000 bytes unless a test says otherwise; the arithmetic is beside each value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/cc.h"

#define MSS 1000u

/* A NewReno controller as the sender makes one: ops from the registry, then init. */
static struct sy_cc newreno(uint32_t mss, unsigned iw)
{
    struct sy_cc cc = {.ops = sy_cc_lookup(SYNACK_CC_NEWRENO)};
    cc.ops->init(&cc, mss, iw, 0);
    return cc;
}

static void ack_n(struct sy_cc *cc, int n, uint32_t bytes)
{
    for (int i = 0; i < n; i++)
        cc->ops->ack_received(cc, bytes, 0);
}

/* The registry: each enum value names its module; CUBIC is the default (issue 3 item 4), so an
 * out-of-range value falls back to it. */
/* RFC9293: MAY-18 */
static void test_cc_lookup_names_each_algorithm(void **state)
{
    (void)state;
    assert_ptr_equal(sy_cc_lookup(SYNACK_CC_NEWRENO), sy_cc_newreno_ops());
    assert_ptr_equal(sy_cc_lookup(SYNACK_CC_CUBIC), sy_cc_cubic_ops());
    assert_ptr_equal(sy_cc_lookup(SYNACK_CC_COUNT), sy_cc_cubic_ops());
    assert_string_equal(sy_cc_newreno_ops()->name, "newreno");
    assert_string_equal(sy_cc_cubic_ops()->name, "cubic");
}

/* RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)) for ten segments; another count is taken as
 * iw*MSS (RFC 5681 §3.1); zero is read as one segment; the product saturates. */
static void test_cc_initial_window_other_sizes(void **state)
{
    (void)state;
    assert_int_equal(sy_cc_initial_window(536, 10), 5360);   /* min(5360, max(1072, 14600)) */
    assert_int_equal(sy_cc_initial_window(1460, 10), 14600); /* min(14600, max(2920, 14600)) */
    assert_int_equal(sy_cc_initial_window(8960, 10), 17920); /* min(89600, max(17920, 14600)) */
    assert_int_equal(sy_cc_initial_window(1460, 4), 5840);   /* 4 * 1460 */
    assert_int_equal(sy_cc_initial_window(1460, 1), 1460);   /* 1 * 1460 */
    assert_int_equal(sy_cc_initial_window(1460, 0), 1460);   /* read as 1 segment */
    assert_int_equal(sy_cc_initial_window(1000, 5000000), SY_CC_CWND_MAX); /* 5e9 > 2^30 */
}

/* init: cwnd = IW, ssthresh "arbitrarily high" (RFC 5681 §3.1), no bytes counted yet. */
static void test_newreno_init_state(void **state)
{
    (void)state;
    struct sy_cc cc = newreno(1460, 10);
    assert_int_equal(cc.cwnd, 14600);
    assert_int_equal(cc.ssthresh, UINT32_MAX);
    assert_int_equal(cc.mss, 1460);
    assert_int_equal(cc.bytes_acked, 0);
}

/* RFC 3465 §2.2: slow start counts bytes, not ACKs: an ACK of 500 bytes adds 500, not an SMSS;
 * an ACK of 3000 adds L*SMSS = 2000. 10000 + 500 + 2000 = 12500. */
/* RFC9293: MUST-19 */
static void test_newreno_slow_start_counts_bytes_not_acks(void **state)
{
    (void)state;
    struct sy_cc cc = newreno(MSS, 10);
    cc.ops->ack_received(&cc, 500, 0);
    assert_int_equal(cc.cwnd, 10500); /* 10000 + min(500, 2000) */
    cc.ops->ack_received(&cc, 3000, 0);
    assert_int_equal(cc.cwnd, 12500); /* 10500 + min(3000, 2000) */
}

/* A whole cycle: IW 10000; 5 ACKs of 2000 in slow start -> 20000; fast retransmit at FlightSize
 * 20000 -> ssthresh = max(20000/2, 2000) = 10000 (RFC 5681 eq. 4) and cwnd untouched (the sender
 * sets ssthresh + 3*SMSS = 13000 itself, RFC 6582 §3.2 step 2); the full ACK with 9000 bytes
 * still in flight -> cwnd = min(10000, max(9000, 1000) + 1000) = 10000 (RFC 6582 §3.2 step 3,
 * option 1); then congestion avoidance at cwnd = ssthresh. */
static void test_newreno_slow_start_loss_recovery_cycle(void **state)
{
    (void)state;
    struct sy_cc cc = newreno(MSS, 10);
    ack_n(&cc, 5, 2000);
    assert_int_equal(cc.cwnd, 20000); /* 10000 + 5 * 2000 */
    cc.flight = 20000;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    assert_int_equal(cc.ssthresh, 10000);
    assert_int_equal(cc.cwnd, 20000);
    cc.cwnd = cc.ssthresh + 3 * MSS; /* what the sender does on entry */
    cc.flight = 9000;
    cc.ops->post_recovery(&cc, 0);
    assert_int_equal(cc.cwnd, 10000);
    ack_n(&cc, 10, 1000); /* cwnd == ssthresh: congestion avoidance, 10000 bytes -> +1 SMSS */
    assert_int_equal(cc.cwnd, 11000);
    assert_int_equal(cc.bytes_acked, 0); /* 10000 - 10000 */
}

/* RFC 3465 §2.1 with a stretch ACK: cwnd 10000, one ACK of 12000 bytes adds one SMSS only and
 * keeps 12000 - 10000 = 2000 counted; an ACK of 9000 then makes 11000 >= 11000 -> 12000, 0 kept. */
/* RFC9293: MUST-19 */
static void test_newreno_avoidance_stretch_ack_one_smss(void **state)
{
    (void)state;
    struct sy_cc cc = newreno(MSS, 10);
    cc.ssthresh = 10000;
    cc.ops->ack_received(&cc, 12000, 0);
    assert_int_equal(cc.cwnd, 11000);
    assert_int_equal(cc.bytes_acked, 2000);
    cc.ops->ack_received(&cc, 9000, 0);
    assert_int_equal(cc.cwnd, 12000);
    assert_int_equal(cc.bytes_acked, 0);
}

/* A congestion signal starts the byte count afresh: 9000 bytes counted at cwnd 10000, a fast
 * retransmit at FlightSize 10000 -> ssthresh 5000, count 0; back at cwnd 5000 in congestion
 * avoidance, 4 ACKs of 1000 (4000 < 5000) grow nothing and the 5th makes 6000. */
static void test_newreno_signal_resets_byte_count(void **state)
{
    (void)state;
    struct sy_cc cc = newreno(MSS, 10);
    cc.ssthresh = 10000;
    ack_n(&cc, 9, 1000);
    assert_int_equal(cc.bytes_acked, 9000);
    cc.flight = 10000;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    assert_int_equal(cc.ssthresh, 5000); /* max(10000 / 2, 2000) */
    assert_int_equal(cc.bytes_acked, 0);
    cc.flight = 5000;
    cc.ops->post_recovery(&cc, 0); /* min(5000, 5000 + 1000) */
    assert_int_equal(cc.cwnd, 5000);
    ack_n(&cc, 4, 1000);
    assert_int_equal(cc.cwnd, 5000);
    ack_n(&cc, 1, 1000);
    assert_int_equal(cc.cwnd, 6000);
}

/* RTO (RFC 5681 §3.1 (4)): FlightSize 20000 -> ssthresh 10000, cwnd = LW = 1 SMSS. The timer
 * expiring again on the same retransmission (FlightSize unchanged, cwnd 1000) keeps ssthresh
 * 10000 ("held constant"). Slow start then: 1000 + 9 * 1000 = 10000 = ssthresh; the next ACK is
 * congestion avoidance (counted, cwnd stays 10000). */
static void test_newreno_rto_loss_window_then_slow_start(void **state)
{
    (void)state;
    struct sy_cc cc = newreno(MSS, 10);
    cc.cwnd = 20000;
    cc.flight = 20000;
    cc.ops->cong_signal(&cc, SY_CC_RTO, 0);
    assert_int_equal(cc.ssthresh, 10000);
    assert_int_equal(cc.cwnd, 1000);
    cc.ops->cong_signal(&cc, SY_CC_RTO, 0);
    assert_int_equal(cc.ssthresh, 10000);
    assert_int_equal(cc.cwnd, 1000);
    ack_n(&cc, 9, 1000);
    assert_int_equal(cc.cwnd, 10000);
    ack_n(&cc, 1, 1000);
    assert_int_equal(cc.cwnd, 10000);
    assert_int_equal(cc.bytes_acked, 1000);
}

/* RFC 5681 eq. 4's floor: FlightSize 3000 -> max(1500, 2000) = 2000, for either signal. */
static void test_newreno_ssthresh_floor_two_smss(void **state)
{
    (void)state;
    struct sy_cc cc = newreno(MSS, 10);
    cc.flight = 3000;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    assert_int_equal(cc.ssthresh, 2000);
    cc.flight = 1000;
    cc.ops->cong_signal(&cc, SY_CC_RTO, 0);
    assert_int_equal(cc.ssthresh, 2000); /* max(500, 2000) */
}

/* cwnd saturates at 2^30, the largest window (a cwnd past 2^31 broke sequence comparisons and
 * stalled a 2 GiB transfer): slow start at 2^30 - 500 plus min(2000, 2000) stays at 2^30; so does
 * congestion avoidance's +SMSS. The byte counter is 64-bit wide before it is stored. */
static void test_newreno_cwnd_saturates(void **state)
{
    (void)state;
    struct sy_cc cc = newreno(MSS, 10);
    cc.cwnd = SY_CC_CWND_MAX - 500;
    cc.ops->ack_received(&cc, 2000, 0);
    assert_int_equal(cc.cwnd, SY_CC_CWND_MAX);
    for (int i = 0; i < 1000; i++)
        cc.ops->ack_received(&cc, 2000, 0);
    assert_int_equal(cc.cwnd, SY_CC_CWND_MAX);
    cc.cwnd = SY_CC_CWND_MAX - 500;
    cc.ssthresh = 1000;
    cc.bytes_acked = UINT32_MAX - 1000;
    cc.ops->ack_received(&cc, 2000, 0); /* 2^32 + 999 counted >= cwnd: +SMSS, saturated */
    assert_int_equal(cc.cwnd, SY_CC_CWND_MAX);
    assert_int_equal(cc.bytes_acked, 3221226971u); /* (2^32 + 999) - (2^30 - 500) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cc_lookup_names_each_algorithm),
        cmocka_unit_test(test_cc_initial_window_other_sizes),
        cmocka_unit_test(test_newreno_init_state),
        cmocka_unit_test(test_newreno_slow_start_counts_bytes_not_acks),
        cmocka_unit_test(test_newreno_slow_start_loss_recovery_cycle),
        cmocka_unit_test(test_newreno_avoidance_stretch_ack_one_smss),
        cmocka_unit_test(test_newreno_signal_resets_byte_count),
        cmocka_unit_test(test_newreno_rto_loss_window_then_slow_start),
        cmocka_unit_test(test_newreno_ssthresh_floor_two_smss),
        cmocka_unit_test(test_newreno_cwnd_saturates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
