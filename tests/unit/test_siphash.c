/* Unit tests: SipHash-2-4 against the reference vectors (Aumasson & Bernstein, vectors.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/siphash.h"

/* The paper's key: bytes 00..0f read as two little-endian words. */
static const struct sy_siphash_key ref_key = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};

static void fill_ref_msg(uint8_t *msg, size_t n)
{
    for (size_t i = 0; i < n; i++)
        msg[i] = (uint8_t)i;
}

static void test_siphash_paper_vector_15_bytes(void **state)
{
    (void)state;
    uint8_t msg[15];
    fill_ref_msg(msg, sizeof(msg));
    assert_int_equal(sy_siphash24(&ref_key, msg, sizeof(msg)), 0xa129ca6149be45e5ull);
}

/* Lengths around the 8-byte word boundary: empty, one byte, 7, 8 and 12. */
static void test_siphash_reference_vectors_by_length(void **state)
{
    (void)state;
    static const struct {
        size_t len;
        uint64_t want;
    } v[] = {
        {0, 0x726fdb47dd0e0e31ull}, {1, 0x74f839c593dc67fdull},  {7, 0xab0200f58b01d137ull},
        {8, 0x93f5f5799a932462ull}, {12, 0x751e8fbc860ee5fbull}, {15, 0xa129ca6149be45e5ull},
    };
    uint8_t msg[16];
    fill_ref_msg(msg, sizeof(msg));
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        assert_int_equal(sy_siphash24(&ref_key, msg, v[i].len), v[i].want);
}

static void test_siphash_key_changes_result(void **state)
{
    (void)state;
    const struct sy_siphash_key other = {ref_key.k0 ^ 1, ref_key.k1};
    uint8_t msg[15];
    fill_ref_msg(msg, sizeof(msg));
    assert_int_not_equal(sy_siphash24(&ref_key, msg, sizeof(msg)),
                         sy_siphash24(&other, msg, sizeof(msg)));
}

/* The length byte is mixed in: a trailing zero byte changes the hash. */
static void test_siphash_trailing_zero_changes_result(void **state)
{
    (void)state;
    const uint8_t msg[4] = {1, 2, 3, 0};
    assert_int_not_equal(sy_siphash24(&ref_key, msg, 3), sy_siphash24(&ref_key, msg, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_paper_vector_15_bytes),
        cmocka_unit_test(test_siphash_reference_vectors_by_length),
        cmocka_unit_test(test_siphash_key_changes_result),
        cmocka_unit_test(test_siphash_trailing_zero_changes_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
