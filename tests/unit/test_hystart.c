/* HyStart++ (RFC 9406) against values worked by hand. SMSS 1000, IW 10 segments (10000 bytes),
 * NewReno's slow start (RFC 3465, one segment per ACK here). The sender keeps 16 segments
 * ahead of SND.UNA, so a round is 15 ACKs: the ACK of a round's window end opens the next, and
 * its sample counts there. Round 1 is ACKs 1-15, round 2 ACKs 16-30, round k 15k-14 .. 15k. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/cc.h"

#define MSS 1000u

static struct sy_cc start(bool hystart)
{
    struct sy_cc cc = {.ops = sy_cc_lookup(SYNACK_CC_NEWRENO)};
    cc.ops->init(&cc, MSS, 10, 0);
    sy_hystart_init(&cc.hs, hystart);
    return cc;
}

/* One ACK of one segment with this RTT sample (0: none). */
static void ack(struct sy_cc *cc, synack_time_t rtt)
{
    cc->nxt = cc->una + 16 * MSS;
    cc->una += MSS;
    cc->rtt = rtt;
    cc->ops->ack_received(cc, MSS, 0);
}

/* ACKs number from..to (1-based, inclusive); ACK i is in round (i - 1) / 15 + 1, whose RTT is
 * rtt_by_round[round - 1]. */
static void run(struct sy_cc *cc, int from, int to, const synack_time_t *rtt_by_round)
{
    for (int i = from; i <= to; i++)
        ack(cc, rtt_by_round[(i - 1) / 15]);
}

/* RTTs that do not rise: slow start as without HyStart++. */
static void test_hystart_steady_rtt_is_plain_slow_start(void **state)
{
    (void)state;
    struct sy_cc cc = start(true);
    const synack_time_t rtt[] = {SYNACK_MSEC(20), SYNACK_MSEC(20), SYNACK_MSEC(21), SYNACK_MSEC(23),
                                 SYNACK_MSEC(20)};
    run(&cc, 1, 75, rtt);
    assert_int_equal(cc.cwnd, 10000 + 75 * 1000);
    assert_int_equal(cc.ssthresh, UINT32_MAX);
    assert_false(cc.hs.in_css);
}

/* Round 1 at 20 ms, then 24 ms: RttThresh = max(4 ms, min(20/8, 16) ms) = 4 ms, and
 * 24 >= 20 + 4. The 8th sample of round 2 (ACK 23) enters CSS: from it on cwnd grows a quarter
 * segment per ACK. CSS rounds end at ACKs 31, 46, 61, 76 and 91; at the fifth, ssthresh =
 * cwnd: 10000 + 22 * 1000 + 68 * 250 = 49000. */
static void test_hystart_rtt_rise_enters_css_then_avoidance(void **state)
{
    (void)state;
    struct sy_cc cc = start(true);
    const synack_time_t rtt[] = {SYNACK_MSEC(20), SYNACK_MSEC(24), SYNACK_MSEC(24), SYNACK_MSEC(24),
                                 SYNACK_MSEC(24), SYNACK_MSEC(24), SYNACK_MSEC(24)};
    run(&cc, 1, 22, rtt);
    assert_int_equal(cc.cwnd, 32000);
    assert_false(cc.hs.in_css);
    run(&cc, 23, 23, rtt);
    assert_true(cc.hs.in_css);
    assert_int_equal(cc.cwnd, 32250);
    run(&cc, 24, 90, rtt);
    assert_int_equal(cc.cwnd, 49000);
    assert_int_equal(cc.ssthresh, UINT32_MAX);
    run(&cc, 91, 91, rtt);
    assert_int_equal(cc.ssthresh, 49000);
    assert_int_equal(cc.cwnd, 49000);
    /* Congestion avoidance now: one segment per cwnd of bytes (RFC 3465 §2.1). */
    run(&cc, 92, 92, rtt);
    assert_int_equal(cc.cwnd, 49000);
}

/* Just below the threshold: 23.9 ms after 20 ms does not end slow start. */
static void test_hystart_rise_below_threshold_stays(void **state)
{
    (void)state;
    struct sy_cc cc = start(true);
    const synack_time_t rtt[] = {SYNACK_MSEC(20), SYNACK_USEC(23900), SYNACK_USEC(23900)};
    run(&cc, 1, 45, rtt);
    assert_false(cc.hs.in_css);
    assert_int_equal(cc.cwnd, 10000 + 45 * 1000);
}

/* A large base RTT: RttThresh = min(200 / 8, 16) = 16 ms. 215 ms does not exit, 216 ms does. */
static void test_hystart_threshold_capped_at_16ms(void **state)
{
    (void)state;
    struct sy_cc cc = start(true);
    const synack_time_t rtt[] = {SYNACK_MSEC(200), SYNACK_MSEC(215), SYNACK_MSEC(231)};
    run(&cc, 1, 30, rtt);
    assert_false(cc.hs.in_css);
    run(&cc, 31, 45, rtt); /* round 3 against round 2's 215: 231 >= 215 + 16 */
    assert_true(cc.hs.in_css);
}

/* In CSS a round whose minimum falls below the baseline was a false alarm: back to slow start,
 * at the 8th sample of round 3 (ACK 38). */
static void test_hystart_css_false_alarm_resumes_slow_start(void **state)
{
    (void)state;
    struct sy_cc cc = start(true);
    const synack_time_t rtt[] = {SYNACK_MSEC(20), SYNACK_MSEC(24), SYNACK_MSEC(19),
                                 SYNACK_MSEC(19)};
    run(&cc, 1, 23, rtt);
    assert_true(cc.hs.in_css);
    run(&cc, 24, 37, rtt);
    assert_true(cc.hs.in_css);
    uint32_t before = cc.cwnd;
    run(&cc, 38, 38, rtt);
    assert_false(cc.hs.in_css);
    assert_int_equal(cc.cwnd, before + 1000);
    assert_int_equal(cc.ssthresh, UINT32_MAX);
}

/* Fewer than N_RTT_SAMPLE = 8 samples in a round: no decision. */
static void test_hystart_needs_eight_samples(void **state)
{
    (void)state;
    struct sy_cc cc = start(true);
    for (int i = 1; i <= 15; i++)
        ack(&cc, SYNACK_MSEC(20));
    for (int i = 16; i <= 45; i++) /* 7 samples a round, 60 ms: would exit with 8 */
        ack(&cc, (i % 15) < 7 ? SYNACK_MSEC(60) : 0);
    assert_false(cc.hs.in_css);
}

/* Off, or after a loss (ssthresh set: not the initial slow start, §4.3): no HyStart++. */
static void test_hystart_off_and_after_loss(void **state)
{
    (void)state;
    const synack_time_t rtt[] = {SYNACK_MSEC(20), SYNACK_MSEC(40), SYNACK_MSEC(40)};
    struct sy_cc cc = start(false);
    run(&cc, 1, 45, rtt);
    assert_int_equal(cc.cwnd, 10000 + 45 * 1000);
    cc = start(true);
    cc.ssthresh = 1000000;
    run(&cc, 1, 45, rtt);
    assert_false(cc.hs.in_css);
    assert_int_equal(cc.cwnd, 10000 + 45 * 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hystart_steady_rtt_is_plain_slow_start),
        cmocka_unit_test(test_hystart_rtt_rise_enters_css_then_avoidance),
        cmocka_unit_test(test_hystart_rise_below_threshold_stays),
        cmocka_unit_test(test_hystart_threshold_capped_at_16ms),
        cmocka_unit_test(test_hystart_css_false_alarm_resumes_slow_start),
        cmocka_unit_test(test_hystart_needs_eight_samples),
        cmocka_unit_test(test_hystart_off_and_after_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
