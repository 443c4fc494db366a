/* Unit tests: CUBIC (RFC 9438) against values worked by hand. C = 0.4, beta_cubic = 0.7,
 * alpha_cubic = 3 * (1 - 0.7) / (1 + 0.7) = 0.9 / 1.7 = 0.529412. SMSS 1000 bytes, so a window
 * of N segments is N * 1000 bytes and cwnd in segments is cwnd / 1000 (the module keeps cwnd in
 * bytes; its fractional segments are the bytes below 1000, truncated). Times in microseconds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/cc.h"

#define MSS   1000u
#define ALPHA (0.9 / 1.7)
#define T0    SYNACK_SEC(1) /* the first ACK of congestion avoidance: the epoch starts here */

static struct sy_cc cubic(void)
{
    struct sy_cc cc = {.ops = sy_cc_lookup(SYNACK_CC_CUBIC)};
    cc.ops->init(&cc, MSS, 10, 0);
    return cc;
}

/* A fast retransmit at cwnd = FlightSize = `segs` segments, then the full ACK. */
static void loss_at(struct sy_cc *cc, uint32_t segs)
{
    cc->cwnd = segs * MSS;
    cc->flight = segs * MSS;
    cc->ops->cong_signal(cc, SY_CC_NDUPACK, 0);
    cc->ops->post_recovery(cc, 0);
}

static void test_cubic_init_is_rfc6928(void **state)
{
    (void)state;
    struct sy_cc cc = {.ops = sy_cc_cubic_ops()};
    cc.ops->init(&cc, 1460, 10, 0);
    assert_int_equal(cc.cwnd, 14600); /* min(14600, max(2920, 14600)) */
    assert_int_equal(cc.ssthresh, UINT32_MAX);
    assert_false(cc.u.cubic.in_epoch);
    cc.ops->ack_received(&cc, 1460, 0); /* slow start as RFC 5681 (§4.10): +min(1460, 2920) */
    assert_int_equal(cc.cwnd, 16060);
}

/* §4.6: ssthresh = max(FlightSize * 0.7, 2 SMSS); §4.7: W_max = cwnd. cwnd 100 segments with
 * 60 in flight (application-limited): ssthresh = 60 * 0.7 = 42 segments = 42000, W_max = 100,
 * and the sender's window after recovery is ssthresh (§4.6). FlightSize 2000: 1400 < 2000. */
static void test_cubic_ssthresh_from_flight_size(void **state)
{
    (void)state;
    struct sy_cc cc = cubic();
    cc.cwnd = 100 * MSS;
    cc.flight = 60 * MSS;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    assert_int_equal(cc.ssthresh, 42000);
    assert_true(fabs(cc.u.cubic.w_max - 100.0) < 1e-9);
    assert_true(fabs(cc.u.cubic.cwnd_prior - 100.0) < 1e-9);
    cc.ops->post_recovery(&cc, 0);
    assert_int_equal(cc.cwnd, 42000);
    cc.flight = 2000;
    cc.ops->cong_signal(&cc, SY_CC_NDUPACK, 0);
    assert_int_equal(cc.ssthresh, 2000); /* max(1400, 2000) */
}

/* §4.7 both ways: first loss at 100 -> W_max 100, ssthresh 70000; a loss at 80 < W_max 100 ->
 * W_max = 80 * (1 + 0.7) / 2 = 68, ssthresh 80 * 0.7 = 56 segments; then a loss at 120 > 68 ->
 * W_max = 120, ssthresh 84 segments. */
static void test_cubic_fast_convergence_lowers_w_max(void **state)
{
    (void)state;
    struct sy_cc cc = cubic();
    loss_at(&cc, 100);
    assert_int_equal(cc.ssthresh, 70000);
    assert_true(fabs(cc.u.cubic.w_max - 100.0) < 1e-9);
    loss_at(&cc, 80);
    assert_true(fabs(cc.u.cubic.w_max - 68.0) < 1e-9);
    assert_int_equal(cc.ssthresh, 56000);
    loss_at(&cc, 120);
    assert_true(fabs(cc.u.cubic.w_max - 120.0) < 1e-9);
    assert_int_equal(cc.ssthresh, 84000);
}

/* After a loss at W_max = 100 the window restarts at 70 segments and K = cbrt(100 * (1 - 0.7) /
 * 0.4) = cbrt(75) = 4.217163 s (§4.2 eq. 2). RTT 100 ms.
 * ACK 1 at t = 0: W_est = 70 + 0.529412 * 1 / 70 = 70.007563 (§4.3); W_cubic(0) = 100 - 0.4 * K^3
 * = 100 - 30 = 70 < W_est: Reno-friendly, cwnd = 70.007563 segments -> 70007 bytes.
 * ACK 2 at t = K - RTT = 4.117163 s: W_est = 70.007563 + 0.529412 / 70.007 = 70.015125, and
 * W_cubic(t) = 100 - 0.4 * 0.1^3 = 99.9996 > W_est: the cubic region; target = W_cubic(t + RTT) =
 * W_cubic(K) = W_max = 100 (inside [cwnd, 1.5 cwnd]); cwnd += (100 - 70.007) / 70.007 * 1 =
 * 0.428429 -> 70.435429 -> 70435 bytes (§4.4).
 * ACK 3, of 2 segments, at t = 100 s (convex, §4.5): W_cubic(100.1) = 0.4 * 95.88^3 + 100 =
 * 352,690 > 1.5 * 70.435 = 105.65, so target = 105.65 and cwnd += (0.5 * 70.435) / 70.435 * 2 =
 * 1 segment -> 71435 bytes. */
/* RFC9293: MAY-18 */
static void test_cubic_k_target_at_k_and_convex_cap(void **state)
{
    (void)state;
    struct sy_cc cc = cubic();
    loss_at(&cc, 100);
    assert_int_equal(cc.cwnd, 70000);
    cc.srtt = SYNACK_MSEC(100);
    cc.ops->ack_received(&cc, MSS, T0);
    assert_true(cc.u.cubic.in_epoch);
    assert_true(fabs(cc.u.cubic.k - 4.217163) < 1e-6);
    assert_true(fabs(cc.u.cubic.w_est - (70.0 + ALPHA / 70.0)) < 1e-9);
    assert_int_equal(cc.cwnd, 70007);
    cc.ops->ack_received(&cc, MSS, T0 + SYNACK_USEC(4117163));
    assert_true(fabs(cc.u.cubic.w_est - 70.015125) < 1e-6);
    assert_int_equal(cc.cwnd, 70435);
    cc.ops->ack_received(&cc, 2 * MSS, T0 + SYNACK_SEC(100));
    assert_int_equal(cc.cwnd, 71435);
}

/* Before the first RTT sample (srtt 0) the module looks ahead by 100 ms: the same two ACKs as
 * above give the same 70435 bytes. */
static void test_cubic_unknown_rtt_is_100ms(void **state)
{
    (void)state;
    struct sy_cc cc = cubic();
    loss_at(&cc, 100);
    cc.srtt = 0;
    cc.ops->ack_received(&cc, MSS, T0);
    cc.ops->ack_received(&cc, MSS, T0 + SYNACK_USEC(4117163));
    assert_int_equal(cc.cwnd, 70435);
}

/* Small RTT * cwnd: a loss at W_max = 10 segments (cwnd 7 after it, K = cbrt(3 / 0.4) = 1.957 s)
 * with a 1 ms RTT. ACK 1 at t = 0: W_est = 7 + 0.529412 / 7 = 7.075630 > W_cubic(0) = 7 ->
 * 7075 bytes. ACK 2 at t = 1 ms: W_est = 7.075630 + 0.529412 / 7.075 = 7.150459; W_cubic(0.001)
 * = 0.4 * (0.001 - 1.957434)^3 + 10 = 7.0046 < W_est -> 7150 bytes (§4.3). A second of ACKs,
 * one window per ms: W_est reaches cwnd_prior = 10 in about 6 RTTs, then grows by 1 segment per
 * RTT (alpha 1), near 999 segments, while W_cubic(1 s) = 0.4 * (1 - 1.957)^3 + 10 = 9.65: cwnd
 * is W_est throughout, and each ACK now adds 1 / cwnd. */
static void test_cubic_reno_friendly_dominates_small_bdp(void **state)
{
    (void)state;
    struct sy_cc cc = cubic();
    loss_at(&cc, 10);
    assert_int_equal(cc.cwnd, 7000);
    cc.srtt = SYNACK_MSEC(1);
    cc.ops->ack_received(&cc, MSS, T0);
    assert_true(fabs(cc.u.cubic.k - 1.957434) < 1e-6);
    assert_int_equal(cc.cwnd, 7075);
    cc.ops->ack_received(&cc, MSS, T0 + SYNACK_MSEC(1));
    assert_int_equal(cc.cwnd, 7150);
    synack_time_t now = T0 + SYNACK_MSEC(1);
    for (int rtt = 0; rtt < 999; rtt++) {
        now += SYNACK_MSEC(1);
        for (uint32_t i = 0, n = cc.cwnd / MSS; i < n; i++)
            cc.ops->ack_received(&cc, MSS, now);
    }
    assert_true(cc.cwnd > 990 * MSS && cc.cwnd < 1010 * MSS);
    assert_int_equal(cc.cwnd, (uint32_t)(cc.u.cubic.w_est * MSS));
    double w_est = cc.u.cubic.w_est, cwnd = (double)cc.cwnd / MSS;
    cc.ops->ack_received(&cc, MSS, now);
    assert_true(fabs(cc.u.cubic.w_est - w_est - 1.0 / cwnd) < 1e-12); /* alpha = 1 */
}

/* §4.8: a timeout at cwnd = FlightSize = 100 segments -> ssthresh 70000, cwnd 1000. The timer
 * expires again on the same retransmission (cwnd 1000, FlightSize unchanged): ssthresh stays
 * 70000 (RFC 5681 §3.1), not max(0.7, 2) segments. Slow start: 1000 + 34 * 2000 + 1000 = 70000.
 * The first ACK of congestion avoidance starts an epoch with K = 0 and W_max = 70 (the window
 * then), and W_est = 70 + 0.529412 / 70 = 70.007563: alpha is still 0.53 because W_est is below
 * cwnd_prior = 100, the window before the first timeout. W_cubic(0) = 70 -> cwnd 70007. */
static void test_cubic_timeout_then_k_zero_epoch(void **state)
{
    (void)state;
    struct sy_cc cc = cubic();
    cc.cwnd = 100 * MSS;
    cc.flight = 100 * MSS;
    cc.ops->cong_signal(&cc, SY_CC_RTO, 0);
    assert_int_equal(cc.ssthresh, 70000);
    assert_int_equal(cc.cwnd, 1000);
    cc.ops->cong_signal(&cc, SY_CC_RTO, SYNACK_SEC(1));
    assert_int_equal(cc.ssthresh, 70000);
    assert_int_equal(cc.cwnd, 1000);
    for (int i = 0; i < 34; i++)
        cc.ops->ack_received(&cc, 2 * MSS, SYNACK_SEC(2));
    cc.ops->ack_received(&cc, MSS, SYNACK_SEC(2));
    assert_int_equal(cc.cwnd, 70000);
    assert_false(cc.u.cubic.in_epoch);
    cc.srtt = SYNACK_MSEC(100);
    cc.ops->ack_received(&cc, MSS, SYNACK_SEC(3));
    assert_true(cc.u.cubic.k == 0.0);
    assert_true(fabs(cc.u.cubic.w_max - 70.0) < 1e-9);
    assert_true(fabs(cc.u.cubic.w_est - (70.0 + ALPHA / 70.0)) < 1e-9);
    assert_int_equal(cc.cwnd, 70007);
}

/* The convex region near the largest window: cwnd 2^30 - 1000 bytes, K = 0 after leaving slow
 * start without loss (§4.10). At t = 1000 s the target is 1.5 cwnd and 4 segments acknowledged
 * add 0.5 * 4 = 2 segments, 2000 bytes: past 2^30, so cwnd saturates there (SY_CC_CWND_MAX). */
static void test_cubic_cwnd_saturates(void **state)
{
    (void)state;
    struct sy_cc cc = cubic();
    cc.cwnd = SY_CC_CWND_MAX - 1000;
    cc.ssthresh = 2 * MSS;
    cc.srtt = SYNACK_MSEC(100);
    cc.ops->ack_received(&cc, MSS, T0);
    assert_true(cc.u.cubic.k == 0.0);
    assert_int_equal(cc.cwnd, SY_CC_CWND_MAX - 1000); /* W_est grows by 1/1073740: not a byte */
    cc.ops->ack_received(&cc, 4 * MSS, T0 + SYNACK_SEC(1000));
    assert_int_equal(cc.cwnd, SY_CC_CWND_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cubic_init_is_rfc6928),
        cmocka_unit_test(test_cubic_ssthresh_from_flight_size),
        cmocka_unit_test(test_cubic_fast_convergence_lowers_w_max),
        cmocka_unit_test(test_cubic_k_target_at_k_and_convex_cap),
        cmocka_unit_test(test_cubic_unknown_rtt_is_100ms),
        cmocka_unit_test(test_cubic_reno_friendly_dominates_small_bdp),
        cmocka_unit_test(test_cubic_timeout_then_k_zero_epoch),
        cmocka_unit_test(test_cubic_cwnd_saturates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
