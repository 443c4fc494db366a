/* Out-of-order ranges: merging, overlaps, duplicates, filling holes, capacity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/assembler.h"

static void test_asm_merges_overlapping_and_touching(void **state)
{
    (void)state;
    struct sy_assembler a;
    sy_asm_init(&a);
    assert_true(sy_asm_add(&a, 100, 200));
    assert_true(sy_asm_add(&a, 300, 400));
    assert_true(sy_asm_add(&a, 150, 250)); /* overlaps the first */
    assert_true(sy_asm_add(&a, 250, 300)); /* touches both: one range */
    assert_int_equal(a.n, 1);
    assert_int_equal(a.r[0].start, 100);
    assert_int_equal(a.r[0].end, 400);
    assert_true(sy_asm_add(&a, 120, 130)); /* a duplicate inside */
    assert_int_equal(a.n, 1);
    assert_int_equal(a.last_start, 100);
}

static void test_asm_advance_fills_the_hole(void **state)
{
    (void)state;
    struct sy_assembler a;
    sy_asm_init(&a);
    sy_asm_add(&a, 100, 200);
    sy_asm_add(&a, 300, 350);
    assert_int_equal(sy_asm_advance(&a, 50), 0); /* hole [50,100) remains */
    assert_int_equal(a.r[0].start, 50);
    assert_int_equal(sy_asm_advance(&a, 50), 100); /* [0,100) now follows in order */
    assert_int_equal(a.n, 1);
    assert_int_equal(a.r[0].start, 100);           /* the old [300,350) */
    assert_int_equal(sy_asm_advance(&a, 120), 30); /* overlapping in-order data */
    assert_true(sy_asm_empty(&a));
}

static void test_asm_full_array_refuses_new_ranges(void **state)
{
    (void)state;
    struct sy_assembler a;
    sy_asm_init(&a);
    for (uint32_t i = 0; i < SY_ASM_RANGES; i++)
        assert_true(sy_asm_add(&a, 10 + 20 * i, 20 + 20 * i));
    assert_false(sy_asm_add(&a, 1000, 1010));
    assert_true(sy_asm_add(&a, 15, 35)); /* merging still works when full */
    assert_int_equal(a.n, SY_ASM_RANGES - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asm_merges_overlapping_and_touching),
        cmocka_unit_test(test_asm_advance_fills_the_hole),
        cmocka_unit_test(test_asm_full_array_refuses_new_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
