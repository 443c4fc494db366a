/* Unit tests: sequence number comparisons modulo 2^32 (RFC 9293 §3.4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/seq.h"

static void test_seq_ordinary_order(void **state)
{
    (void)state;
    assert_true(sy_seq_lt(1, 2));
    assert_false(sy_seq_lt(2, 1));
    assert_false(sy_seq_lt(5, 5));
    assert_true(sy_seq_leq(5, 5));
    assert_true(sy_seq_gt(2, 1));
    assert_false(sy_seq_gt(5, 5));
    assert_true(sy_seq_geq(5, 5));
    assert_false(sy_seq_geq(4, 5));
}

/* Just before the wrap is less than just after it. */
static void test_seq_wraps_around_zero(void **state)
{
    (void)state;
    assert_true(sy_seq_lt(0xfffffff0u, 0x10u));
    assert_true(sy_seq_gt(0x10u, 0xfffffff0u));
    assert_true(sy_seq_leq(0xffffffffu, 0u));
    assert_true(sy_seq_geq(0u, 0xffffffffu));
    assert_false(sy_seq_lt(0x10u, 0xfffffff0u));
}

/* Up to 2^31 - 1 ahead counts as later; 2^31 + 1 ahead is behind. */
static void test_seq_half_space_boundary(void **state)
{
    (void)state;
    assert_true(sy_seq_lt(0, 0x7fffffffu));
    assert_true(sy_seq_gt(0, 0x80000001u));
    assert_true(sy_seq_lt(0x80000000u, 0xfffffffeu));
    assert_true(sy_seq_gt(0x7fffffffu + 100u, 100u));
}

static void test_seq_in_window_across_wrap(void **state)
{
    (void)state;
    const uint32_t lo = 0xfffffff0u, hi = 0x10u; /* a window of 32 spanning zero */
    assert_true(sy_seq_in(lo, lo, hi));
    assert_true(sy_seq_in(0xffffffffu, lo, hi));
    assert_true(sy_seq_in(0u, lo, hi));
    assert_true(sy_seq_in(0x0fu, lo, hi));
    assert_false(sy_seq_in(hi, lo, hi)); /* hi is excluded */
    assert_false(sy_seq_in(lo - 1, lo, hi));
    assert_false(sy_seq_in(7, 7, 7)); /* empty window */
}

static void test_seq_min_max_across_wrap(void **state)
{
    (void)state;
    assert_int_equal(sy_seq_max(0xfffffffeu, 3u), 3u);
    assert_int_equal(sy_seq_min(0xfffffffeu, 3u), 0xfffffffeu);
    assert_int_equal(sy_seq_max(10u, 20u), 20u);
    assert_int_equal(sy_seq_min(10u, 20u), 10u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seq_ordinary_order),
        cmocka_unit_test(test_seq_wraps_around_zero),
        cmocka_unit_test(test_seq_half_space_boundary),
        cmocka_unit_test(test_seq_in_window_across_wrap),
        cmocka_unit_test(test_seq_min_max_across_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
