/* Unit tests: the IPv4 header (RFC 791 §3.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire_samples.h"

/* Recompute the header checksum after a test edits a field. */
static void fix_csum(uint8_t *hdr, size_t ihl)
{
    sy_put16(hdr + 10, 0);
    sy_put16(hdr + 10, sy_csum_finish(sy_csum_add(0, hdr, ihl)));
}

static void test_ipv4_parse_linux_syn(void **state)
{
    (void)state;
    struct sy_ipv4 ip;
    assert_int_equal(sy_ipv4_parse(linux_syn, sizeof(linux_syn), &ip), SY_WIRE_OK);
    assert_int_equal(ip.ihl, 20);
    assert_int_equal(ip.tos, 0);
    assert_int_equal(ip.total_len, 60);
    assert_int_equal(ip.id, 0xb31e);
    assert_int_equal(ip.frag, SY_IPV4_DF);
    assert_false(sy_ipv4_is_fragment(&ip));
    assert_int_equal(ip.ttl, 64);
    assert_int_equal(ip.proto, SY_IPPROTO_TCP);
    assert_memory_equal(ip.src, linux_syn_src, 4);
    assert_memory_equal(ip.dst, linux_syn_dst, 4);
    assert_ptr_equal(ip.payload, linux_syn + 20);
    assert_int_equal(ip.payload_len, 40);
}

static void test_ipv4_truncated(void **state)
{
    (void)state;
    struct sy_ipv4 ip;
    assert_int_equal(sy_ipv4_parse(linux_syn, 19, &ip), SY_WIRE_TRUNCATED);
    assert_int_equal(sy_ipv4_parse(linux_syn, 0, &ip), SY_WIRE_TRUNCATED);
}

static void test_ipv4_bad_version(void **state)
{
    (void)state;
    uint8_t p[60];
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, sizeof(p));
    p[0] = 0x65; /* version 6, IHL 5 */
    fix_csum(p, 20);
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_VERSION);
}

static void test_ipv4_ihl_below_five(void **state)
{
    (void)state;
    uint8_t p[60];
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, sizeof(p));
    p[0] = 0x44;
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_IHL);
    p[0] = 0x40;
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_IHL);
}

/* IHL 15 claims 60 header bytes; a 24-byte buffer cannot hold them. */
static void test_ipv4_ihl_past_end(void **state)
{
    (void)state;
    uint8_t p[24];
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, sizeof(p));
    p[0] = 0x4f;
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_IHL);
    p[0] = 0x46; /* 24 bytes: exactly fits, so the next check (checksum) decides */
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_CHECKSUM);
}

/* A header with options (IHL 6: four NOP bytes): payload starts after them. */
/* RFC9293: MUST-50 */
static void test_ipv4_with_options(void **state)
{
    (void)state;
    uint8_t p[28] = {0};
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, 20);
    p[0] = 0x46;
    sy_put16(p + 2, 28);
    memset(p + 20, 1, 4);
    memcpy(p + 24, "data", 4);
    fix_csum(p, 24);
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_OK);
    assert_int_equal(ip.ihl, 24);
    assert_ptr_equal(ip.payload, p + 24);
    assert_int_equal(ip.payload_len, 4);
}

static void test_ipv4_bad_checksum(void **state)
{
    (void)state;
    uint8_t p[60];
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, sizeof(p));
    p[11] ^= 0x01;
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_CHECKSUM);
    memcpy(p, linux_syn, sizeof(p));
    p[8] = 63; /* TTL changed without updating the checksum */
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_CHECKSUM);
}

/* The checksum covers the header only: corrupting the payload does not matter here. */
static void test_ipv4_checksum_ignores_payload(void **state)
{
    (void)state;
    uint8_t p[60];
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, sizeof(p));
    p[59] ^= 0xff;
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_OK);
}

static void test_ipv4_total_len_above_buffer(void **state)
{
    (void)state;
    uint8_t p[60];
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, sizeof(p));
    sy_put16(p + 2, 61);
    fix_csum(p, 20);
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_TOTAL_LEN);
    assert_int_equal(sy_ipv4_parse(linux_syn, 59, &ip), SY_WIRE_BAD_TOTAL_LEN);
}

static void test_ipv4_total_len_below_header(void **state)
{
    (void)state;
    uint8_t p[60];
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, sizeof(p));
    sy_put16(p + 2, 19);
    fix_csum(p, 20);
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_BAD_TOTAL_LEN);
    sy_put16(p + 2, 20); /* header only: fine, empty payload */
    fix_csum(p, 20);
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_OK);
    assert_int_equal(ip.payload_len, 0);
}

/* Link-layer padding after total length is not payload. */
static void test_ipv4_trailing_bytes_ignored(void **state)
{
    (void)state;
    uint8_t p[64] = {0};
    struct sy_ipv4 ip;
    memcpy(p, linux_syn, sizeof(linux_syn));
    assert_int_equal(sy_ipv4_parse(p, sizeof(p), &ip), SY_WIRE_OK);
    assert_int_equal(ip.total_len, 60);
    assert_int_equal(ip.payload_len, 40);
}

static void test_ipv4_fragment_flags(void **state)
{
    (void)state;
    struct sy_ipv4 ip = {.frag = SY_IPV4_DF};
    assert_false(sy_ipv4_is_fragment(&ip));
    ip.frag = SY_IPV4_MF;
    assert_true(sy_ipv4_is_fragment(&ip));
    ip.frag = 0x0001; /* offset 8 bytes, last fragment */
    assert_true(sy_ipv4_is_fragment(&ip));
}

/* Emitting the SYN's header fields reproduces the captured bytes, checksum included. */
static void test_ipv4_emit_matches_capture(void **state)
{
    (void)state;
    struct sy_ipv4 h = {
        .tos = 0,
        .total_len = 60,
        .id = 0xb31e,
        .frag = SY_IPV4_DF,
        .ttl = 64,
        .proto = SY_IPPROTO_TCP,
        .src = {10, 0, 0, 1},
        .dst = {10, 0, 0, 2},
    };
    uint8_t out[20];
    assert_int_equal(sy_ipv4_emit(&h, out, sizeof(out)), 20);
    assert_memory_equal(out, linux_syn, 20);
}

static void test_ipv4_emit_parse_round_trip(void **state)
{
    (void)state;
    struct sy_ipv4 h = {
        .tos = 0x10,
        .total_len = 28,
        .id = 0xbeef,
        .frag = SY_IPV4_MF | 0x0123,
        .ttl = 1,
        .proto = SY_IPPROTO_ICMP,
        .src = {192, 0, 2, 1},
        .dst = {198, 51, 100, 7},
    };
    uint8_t buf[28] = {0};
    struct sy_ipv4 got;
    assert_int_equal(sy_ipv4_emit(&h, buf, sizeof(buf)), 20);
    assert_int_equal(sy_ipv4_parse(buf, sizeof(buf), &got), SY_WIRE_OK);
    assert_int_equal(got.ihl, 20);
    assert_int_equal(got.tos, h.tos);
    assert_int_equal(got.total_len, h.total_len);
    assert_int_equal(got.id, h.id);
    assert_int_equal(got.frag, h.frag);
    assert_int_equal(got.ttl, h.ttl);
    assert_int_equal(got.proto, h.proto);
    assert_memory_equal(got.src, h.src, 4);
    assert_memory_equal(got.dst, h.dst, 4);
    assert_int_equal(got.payload_len, 8);
}

static void test_ipv4_emit_too_small_writes_nothing(void **state)
{
    (void)state;
    struct sy_ipv4 h = {.total_len = 20, .ttl = 64, .proto = SY_IPPROTO_TCP};
    uint8_t buf[20];
    memset(buf, 0xaa, sizeof(buf));
    assert_int_equal(sy_ipv4_emit(&h, buf, 19), 0);
    assert_int_equal(sy_ipv4_emit(&h, buf, 0), 0);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0xaa);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_parse_linux_syn),
        cmocka_unit_test(test_ipv4_truncated),
        cmocka_unit_test(test_ipv4_bad_version),
        cmocka_unit_test(test_ipv4_ihl_below_five),
        cmocka_unit_test(test_ipv4_ihl_past_end),
        cmocka_unit_test(test_ipv4_with_options),
        cmocka_unit_test(test_ipv4_bad_checksum),
        cmocka_unit_test(test_ipv4_checksum_ignores_payload),
        cmocka_unit_test(test_ipv4_total_len_above_buffer),
        cmocka_unit_test(test_ipv4_total_len_below_header),
        cmocka_unit_test(test_ipv4_trailing_bytes_ignored),
        cmocka_unit_test(test_ipv4_fragment_flags),
        cmocka_unit_test(test_ipv4_emit_matches_capture),
        cmocka_unit_test(test_ipv4_emit_parse_round_trip),
        cmocka_unit_test(test_ipv4_emit_too_small_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
