/* Unit tests: the Internet checksum (RFC 1071) and the IPv4 pseudo-header (RFC 9293 §3.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wire/checksum.h"

/* RFC 1071 §3 numerical example: these bytes sum to ddf2, so the checksum is ~ddf2 = 220d. */
static const uint8_t rfc1071_bytes[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

static void test_csum_rfc1071_example(void **state)
{
    (void)state;
    assert_int_equal(sy_csum_finish(sy_csum_add(0, rfc1071_bytes, sizeof(rfc1071_bytes))), 0x220d);
}

/* Summing in pieces of even length gives the same result as summing once. */
static void test_csum_incremental_even_pieces(void **state)
{
    (void)state;
    uint32_t sum = sy_csum_add(0, rfc1071_bytes, 2);
    sum = sy_csum_add(sum, rfc1071_bytes + 2, 4);
    sum = sy_csum_add(sum, rfc1071_bytes + 6, 2);
    assert_int_equal(sy_csum_finish(sum), 0x220d);
}

/* An odd trailing byte is the high half of a word padded with zero (RFC 1071 §4.1). */
static void test_csum_odd_length_pads_low_byte(void **state)
{
    (void)state;
    const uint8_t odd[3] = {0x12, 0x34, 0x56};
    const uint8_t even[4] = {0x12, 0x34, 0x56, 0x00};
    assert_int_equal(sy_csum_finish(sy_csum_add(0, odd, 3)), 0xffff - (0x1234 + 0x5600));
    assert_int_equal(sy_csum_finish(sy_csum_add(0, odd, 3)),
                     sy_csum_finish(sy_csum_add(0, even, 4)));
}

/* The classic IPv4 header example (checksum field zeroed) yields b861; with it, zero. */
static void test_csum_ipv4_header_known_answer(void **state)
{
    (void)state;
    uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(sy_csum_finish(sy_csum_add(0, hdr, sizeof(hdr))), 0xb861);
    hdr[10] = 0xb8;
    hdr[11] = 0x61;
    assert_int_equal(sy_csum_finish(sy_csum_add(0, hdr, sizeof(hdr))), 0);
}

/* End-around carry: ffff + 0001 folds to 0001, whose complement is fffe. */
static void test_csum_carry_wraps_around(void **state)
{
    (void)state;
    const uint8_t b[4] = {0xff, 0xff, 0x00, 0x01};
    assert_int_equal(sy_csum_finish(sy_csum_add(0, b, 4)), 0xfffe);
    assert_int_equal(sy_csum_finish(0x0001ffffu), (uint16_t)~0x0001u);
    assert_int_equal(sy_csum_finish(0xffffffffu), 0x0000);
}

/* A long buffer of ff bytes must not overflow the running sum. */
static void test_csum_long_buffer_does_not_overflow(void **state)
{
    (void)state;
    static uint8_t big[200000];
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = 0xff;
    /* Any number of ffff words sums to ffff in one's complement, so the checksum is 0. */
    assert_int_equal(sy_csum_finish(sy_csum_add(0, big, sizeof(big))), 0x0000);
    big[1] = 0xfe; /* first word fffe: fffe + n*ffff == fffe, checksum 0001 */
    assert_int_equal(sy_csum_finish(sy_csum_add(0, big, sizeof(big))), 0x0001);
}

/* Pseudo-header: 10.0.0.1 + 10.0.0.2 + 0006 + 0028 = 0a00+0001+0a00+0002+0006+0028. */
static void test_csum_pseudo_v4_sum(void **state)
{
    (void)state;
    const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
    uint32_t sum = sy_csum_pseudo_v4(src, dst, 6, 40);
    assert_int_equal(sy_csum_finish(sum), (uint16_t) ~(0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + 40));
}

/* The word-at-a-time sum against RFC 1071 §4.1 written out byte pair by byte pair, for every
 * length 0-300 at every alignment 0-7, on seeded random bytes and on all-0xff (every carry). */
static uint16_t reference(const uint8_t *p, size_t len)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 1 < len; i += 2)
        acc += (uint32_t)p[i] << 8 | p[i + 1];
    if (i < len) acc += (uint32_t)p[i] << 8;
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

static void test_csum_wide_matches_reference(void **state)
{
    (void)state;
    static uint8_t buf[320];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int fill = 0; fill < 2; fill++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[i] = fill ? 0xff : (uint8_t)x;
        }
        for (size_t off = 0; off < 8; off++)
            for (size_t len = 0; len <= 300; len++)
                assert_int_equal(sy_csum_finish(sy_csum_add(0, buf + off, len)),
                                 reference(buf + off, len));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csum_rfc1071_example),
        cmocka_unit_test(test_csum_incremental_even_pieces),
        cmocka_unit_test(test_csum_odd_length_pads_low_byte),
        cmocka_unit_test(test_csum_ipv4_header_known_answer),
        cmocka_unit_test(test_csum_carry_wraps_around),
        cmocka_unit_test(test_csum_long_buffer_does_not_overflow),
        cmocka_unit_test(test_csum_pseudo_v4_sum),
        cmocka_unit_test(test_csum_wide_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
