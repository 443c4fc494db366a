/* Unit tests: names of wire parser results (wire/wire.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/wire.h"

static void test_wire_err_names_are_distinct(void **state)
{
    (void)state;
    for (int a = 0; a < SY_WIRE_ERR_COUNT; a++) {
        const char *na = sy_wire_err_name((enum sy_wire_err)a);
        assert_non_null(na);
        assert_string_not_equal(na, "unknown");
        for (int b = a + 1; b < SY_WIRE_ERR_COUNT; b++)
            assert_string_not_equal(na, sy_wire_err_name((enum sy_wire_err)b));
    }
}

static void test_wire_err_name_known_values(void **state)
{
    (void)state;
    assert_string_equal(sy_wire_err_name(SY_WIRE_OK), "ok");
    assert_string_equal(sy_wire_err_name(SY_WIRE_BAD_CHECKSUM), "bad_checksum");
    assert_string_equal(sy_wire_err_name(SY_WIRE_ERR_COUNT), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_err_names_are_distinct),
        cmocka_unit_test(test_wire_err_name_known_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
