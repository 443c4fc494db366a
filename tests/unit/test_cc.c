/* Congestion controllers against values worked by hand: NewReno from RFC 5681, RFC 3465 and
 * RFC 6582; CUBIC from RFC 9438. SMSS 1000 throughout. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/cc.h"

#define MSS 1000u

static struct sy_cc make(const struct sy_cc_ops *ops)
{
    struct sy_cc cc = {.ops = ops};
    ops->init(&cc, MSS, 10, 0);
    return cc;
}

static void test_cc_initial_window_rfc6928(void **state)
{
    (void)state;
    assert_int_equal(sy_cc_initial_window(1000, 10), 10000); /* min(10000, 14600) */
    assert_int_equal(sy_cc_initial_window(1460, 10), 14600); /* min(14600, 14600) */
    assert_int_equal(sy_cc_initial_window(9000, 10), 18000); /* min(90000, max(18000, 14600)) */
    assert_int_equal(sy_cc_initial_window(1000, 4), 4000);
    struct sy_cc cc = make(sy_cc_newreno_ops());
    assert_int_equal(cc.ssthresh, UINT32_MAX);
}

/* Slow start with L = 2*SMSS (RFC 3465 §2.2): five ACKs of 2000 bytes: 10000 + 5*2000 = 20000;
 * one ACK of 5000 bytes counts only 2000. */
static void test_newreno_slow_start_abc(void **state)
{
    (void)state;
    struct sy_cc cc = make(sy_cc_newreno_ops());
    for (int i = 0; i < 5; i++)
        cc.ops->ack_received(&cc, 2000, 0);
    assert_int_equal(cc.cwnd, 20000);
    cc.ops->ack_received(&cc, 5000, 0);
    assert_int_equal(cc.cwnd, 22000);
}

/* Loss at FlightSize 20000: ssthresh = 10000 (RFC 5681 eq. 4). In congestion avoidance
 * (cwnd 10000) one SMSS is added per 10000 bytes acknowledged (RFC 3465 §2.1): after 9 ACKs of
 * 1000 nothing, the 10th makes 11000; the next needs 11000 more. */
static void test_newreno_congestion_avoidance_byte_counting(void **state)
{
    (void)state;
    struct sy_cc cc = make(sy_cc_newreno_ops());
    cc.flight = 20000;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    assert_int_equal(cc.ssthresh, 10000);
    cc.cwnd = 10000;
    for (int i = 0; i < 9; i++)
        cc.ops->ack_received(&cc, 1000, 0);
    assert_int_equal(cc.cwnd, 10000);
    cc.ops->ack_received(&cc, 1000, 0);
    assert_int_equal(cc.cwnd, 11000);
    for (int i = 0; i < 10; i++)
        cc.ops->ack_received(&cc, 1000, 0);
    assert_int_equal(cc.cwnd, 11000);
    cc.ops->ack_received(&cc, 1000, 0);
    assert_int_equal(cc.cwnd, 12000);
}

/* RTO (RFC 5681 §3.1 (4)): ssthresh = max(FlightSize/2, 2*SMSS), cwnd = 1 SMSS. A tiny flight
 * still leaves ssthresh at 2*SMSS. Recovery exit (RFC 6582 §3.2 step 4, option 1):
 * cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS). */
static void test_newreno_rto_and_post_recovery(void **state)
{
    (void)state;
    struct sy_cc cc = make(sy_cc_newreno_ops());
    cc.flight = 3000;
    cc.ops->cong_signal(&cc, SY_CC_RTO, 0);
    assert_int_equal(cc.ssthresh, 2000);
    assert_int_equal(cc.cwnd, 1000);
    cc.ssthresh = 8000;
    cc.flight = 0;
    cc.ops->post_recovery(&cc, 0);
    assert_int_equal(cc.cwnd, 2000); /* min(8000, 1000 + 1000) */
    cc.flight = 20000;
    cc.ops->post_recovery(&cc, 0);
    assert_int_equal(cc.cwnd, 8000); /* min(8000, 21000) */
}

/* CUBIC's reduction (RFC 9438 §4.6): cwnd 100 segments -> ssthresh 70 segments, W_max 100.
 * A second loss at 80 < W_max 100: fast convergence (§4.7) W_max = 80 * (1 + 0.7) / 2 = 68. */
static void test_cubic_reduction_and_fast_convergence(void **state)
{
    (void)state;
    struct sy_cc cc = make(sy_cc_cubic_ops());
    cc.cwnd = 100 * MSS;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    assert_int_equal(cc.ssthresh, 70 * MSS);
    assert_true(fabs(cc.u.cubic.w_max - 100.0) < 1e-9);
    cc.ops->post_recovery(&cc, 0);
    assert_int_equal(cc.cwnd, 70 * MSS);
    cc.cwnd = 80 * MSS;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    assert_true(fabs(cc.u.cubic.w_max - 68.0) < 1e-9);
    assert_int_equal(cc.ssthresh, 56 * MSS); /* 80 * 0.7 */
    cc.ops->cong_signal(&cc, SY_CC_RTO, 0);
    assert_int_equal(cc.cwnd, MSS); /* §4.8 */
}

/* After the reduction from W_max = 100 to cwnd 70: K = cbrt(100 * 0.3 / 0.4) = 4.2172 s (§4.2,
 * eq. 2). The window grows concavely toward W_max and plateaus there near t = K; with a 100 ms
 * RTT the Reno-friendly estimate stays below W_cubic. We ACK one window per RTT. */
static void test_cubic_concave_growth_toward_w_max(void **state)
{
    (void)state;
    struct sy_cc cc = make(sy_cc_cubic_ops());
    cc.cwnd = 100 * MSS;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    cc.ops->post_recovery(&cc, 0);
    cc.srtt = SYNACK_MSEC(100);
    synack_time_t now = SYNACK_SEC(1);
    cc.ops->ack_received(&cc, MSS, now); /* the epoch begins */
    assert_true(fabs(cc.u.cubic.k - cbrt(100.0 * 0.3 / 0.4)) < 1e-9);
    uint32_t prev = cc.cwnd, grew_first = 0, grew_last = 0;
    for (int rtt = 0; rtt < 42; rtt++) { /* 4.2 s: up to about K */
        now += SYNACK_MSEC(100);
        uint32_t segs = cc.cwnd / MSS;
        for (uint32_t i = 0; i < segs; i++)
            cc.ops->ack_received(&cc, MSS, now);
        if (rtt == 0) grew_first = cc.cwnd - prev;
        if (rtt == 41) grew_last = cc.cwnd - prev;
        assert_true(cc.cwnd >= prev);
        prev = cc.cwnd;
    }
    /* W_cubic(K + RTT) = 0.4 * 0.1^3 + 100 = 100.0004: cwnd ends within a segment of W_max. */
    assert_true(cc.cwnd >= 99 * MSS && cc.cwnd <= 101 * MSS);
    /* Concave: in the first RTT the target is W_cubic(0.2) = 0.4 * (0.2 - 4.217)^3 + 100 = 74.07;
     * each of the 70 ACKs adds (target - cwnd) / cwnd, closing the gap by a factor e^-1 over the
     * window: 74.07 - 4.07 * 0.368 = 72.57 segments, 2.57 grown. Near K the slope
     * 3 * 0.4 * (t - K)^2 is nearly 0. */
    assert_true(grew_first > 2450 && grew_first < 2650);
    assert_true(grew_last < MSS / 2);
}

/* Below W_max after a reduction, at a tiny RTT and early in the epoch, W_cubic(t) is still near
 * 70 while the Reno-friendly W_est grows by alpha = 3 * 0.3 / 1.7 = 0.529 segments per window:
 * cwnd follows W_est (§4.3). */
static void test_cubic_reno_friendly_region(void **state)
{
    (void)state;
    struct sy_cc cc = make(sy_cc_cubic_ops());
    cc.cwnd = 100 * MSS;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    cc.ops->post_recovery(&cc, 0);
    cc.srtt = SYNACK_USEC(100);
    cc.ops->ack_received(&cc, MSS, 0); /* epoch at t = 0: W_cubic(0) = 100 - 0.4 K^3 = 70 */
    double w_est = cc.u.cubic.w_est;
    for (int i = 0; i < 70; i++)
        cc.ops->ack_received(&cc, MSS, 0);
    /* One window (70 segments) later W_est grew by 70 * 0.529 / 70 ~ 0.53 segments. */
    assert_true(fabs(cc.u.cubic.w_est - w_est - 70 * (0.9 / 1.7) / 70.0) < 0.02);
    assert_true(cc.cwnd >= 70 * MSS + 500 && cc.cwnd <= 70 * MSS + 560);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cc_initial_window_rfc6928),
        cmocka_unit_test(test_newreno_slow_start_abc),
        cmocka_unit_test(test_newreno_congestion_avoidance_byte_counting),
        cmocka_unit_test(test_newreno_rto_and_post_recovery),
        cmocka_unit_test(test_cubic_reduction_and_fast_convergence),
        cmocka_unit_test(test_cubic_concave_growth_toward_w_max),
        cmocka_unit_test(test_cubic_reno_friendly_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
