/* The RTT estimator against values worked by hand from RFC 6298 §2 (alpha 1/8, beta 1/4, K 4,
 * G 1 ms) and RFC 7323 Appendix G (alpha and beta divided by ExpectedSamples). Microseconds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/rtt_est.h"

static const struct sy_rtt_bounds linuxish = {SYNACK_MSEC(200), SYNACK_SEC(60)};
static const struct sy_rtt_bounds rfc = {SYNACK_SEC(1), SYNACK_SEC(60)}; /* §2.4's 1 s */
static const struct sy_rtt_bounds open_bounds = {0, SYNACK_SEC(60)};

static void test_rtt_initial_rto_before_any_sample(void **state)
{
    (void)state;
    struct sy_rtt_est e;
    sy_rtt_est_init(&e, SYNACK_SEC(1)); /* §2.1 */
    assert_int_equal(e.rto, 1000000);
    assert_int_equal(e.srtt, 0);
    assert_int_equal(e.rttvar, 0);
}

/* §2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4 RTTVAR). */
/* RFC9293: MUST-18 */
static void test_rtt_first_sample(void **state)
{
    (void)state;
    struct sy_rtt_est e;
    sy_rtt_est_init(&e, SYNACK_SEC(1));
    sy_rtt_est_sample(&e, SYNACK_MSEC(100), 1, &linuxish);
    assert_int_equal(e.srtt, 100000);
    assert_int_equal(e.rttvar, 50000);
    assert_int_equal(e.rto, 100000 + 4 * 50000); /* 300 ms */
    /* With RFC 6298's 1 s floor (§2.4) the same sample gives 1 s. */
    sy_rtt_est_init(&e, SYNACK_SEC(1));
    sy_rtt_est_sample(&e, SYNACK_MSEC(100), 1, &rfc);
    assert_int_equal(e.rto, 1000000);
}

/* §2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'| (old SRTT), then SRTT = 7/8 SRTT + 1/8 R'. */
/* RFC9293: MUST-18 */
static void test_rtt_subsequent_samples(void **state)
{
    (void)state;
    struct sy_rtt_est e;
    sy_rtt_est_init(&e, SYNACK_SEC(1));
    sy_rtt_est_sample(&e, SYNACK_MSEC(100), 1, &linuxish);
    sy_rtt_est_sample(&e, SYNACK_MSEC(200), 1, &linuxish);
    /* RTTVAR = 37.5 + 25 = 62.5 ms; SRTT = 87.5 + 25 = 112.5 ms; RTO = 112.5 + 250 ms. */
    assert_int_equal(e.rttvar, 62500);
    assert_int_equal(e.srtt, 112500);
    assert_int_equal(e.rto, 362500);
    sy_rtt_est_sample(&e, SYNACK_MSEC(100), 1, &linuxish);
    /* RTTVAR = 46875 + 12500/4 = 50000; SRTT = 98437.5 + 12500 = 110937 (truncated). */
    assert_int_equal(e.rttvar, 50000);
    assert_int_equal(e.srtt, 110937);
    assert_int_equal(e.rto, 110937 + 200000);
}

/* A steady RTT: RTTVAR decays by 3/4 each sample until G, the clock granularity, is the
 * larger term; below rto_min the floor holds. */
static void test_rtt_steady_samples_decay_to_granularity(void **state)
{
    (void)state;
    struct sy_rtt_est e;
    sy_rtt_est_init(&e, SYNACK_SEC(1));
    sy_rtt_est_sample(&e, SYNACK_MSEC(10), 1, &open_bounds);
    assert_int_equal(e.rto, 10000 + 20000);
    for (int i = 0; i < 40; i++)
        sy_rtt_est_sample(&e, SYNACK_MSEC(10), 1, &open_bounds);
    assert_int_equal(e.srtt, 10000);
    assert_true(4 * e.rttvar < SYNACK_MSEC(1));
    assert_int_equal(e.rto, 10000 + 1000); /* SRTT + G */
    sy_rtt_est_sample(&e, SYNACK_MSEC(10), 1, &linuxish);
    assert_int_equal(e.rto, 200000); /* rto_min */
}

/* A zero sample (same-millisecond echo) still leaves a positive SRTT. */
static void test_rtt_zero_sample(void **state)
{
    (void)state;
    struct sy_rtt_est e;
    sy_rtt_est_init(&e, SYNACK_SEC(1));
    sy_rtt_est_sample(&e, 0, 1, &open_bounds);
    assert_int_equal(e.srtt, 1);
    assert_int_equal(e.rttvar, 0);
    assert_int_equal(e.rto, 1 + 1000);
}

/* RFC 7323 Appendix G: with ExpectedSamples N, alpha' = 1/(8N) and beta' = 1/(4N). N = 5:
 * RTTVAR = (19 * 50 + 100) / 20 = 52.5 ms; SRTT = (39 * 100 + 200) / 40 = 102.5 ms. */
static void test_rtt_timestamp_samples_weigh_less(void **state)
{
    (void)state;
    struct sy_rtt_est e;
    sy_rtt_est_init(&e, SYNACK_SEC(1));
    sy_rtt_est_sample(&e, SYNACK_MSEC(100), 5, &linuxish); /* the first is taken whole */
    assert_int_equal(e.srtt, 100000);
    sy_rtt_est_sample(&e, SYNACK_MSEC(200), 5, &linuxish);
    assert_int_equal(e.rttvar, 52500);
    assert_int_equal(e.srtt, 102500);
    assert_int_equal(e.rto, 102500 + 210000);
    /* samples 0 is taken as 1. */
    sy_rtt_est_init(&e, SYNACK_SEC(1));
    sy_rtt_est_sample(&e, SYNACK_MSEC(100), 0, &linuxish);
    sy_rtt_est_sample(&e, SYNACK_MSEC(200), 0, &linuxish);
    assert_int_equal(e.srtt, 112500);
}

/* §5.5: each timeout doubles the RTO, up to the maximum (§2.5). */
/* RFC9293: MUST-19 */
static void test_rtt_backoff_doubles_to_max(void **state)
{
    (void)state;
    struct sy_rtt_est e;
    sy_rtt_est_init(&e, SYNACK_SEC(1));
    const synack_time_t want[] = {2, 4, 8, 16, 32, 60, 60};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sy_rtt_est_backoff(&e, &rfc);
        assert_int_equal(e.rto, SYNACK_SEC(want[i]));
    }
    /* The first sample after the backoff recomputes the RTO from it (§2.2). */
    sy_rtt_est_sample(&e, SYNACK_MSEC(300), 1, &linuxish);
    assert_int_equal(e.rto, 300000 + 4 * 150000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rtt_initial_rto_before_any_sample),
        cmocka_unit_test(test_rtt_first_sample),
        cmocka_unit_test(test_rtt_subsequent_samples),
        cmocka_unit_test(test_rtt_steady_samples_decay_to_granularity),
        cmocka_unit_test(test_rtt_zero_sample),
        cmocka_unit_test(test_rtt_timestamp_samples_weigh_less),
        cmocka_unit_test(test_rtt_backoff_doubles_to_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
