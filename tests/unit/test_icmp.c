/* ICMP on the wire (RFC 792): echo and errors parsed and emitted, checksums, the quoted datagram
 * of an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/icmp.h"

/* An echo request as `ping` sends it: type 8, code 0, id 0x1234, seq 1, "abcd". The checksum
 * worked by hand: 0x0800 + 0x1234 + 0x0001 + 0x6162 + 0x6364 = 0xdefb; ~ = 0x2104. */
static const uint8_t echo_req[] = {0x08, 0x00, 0x21, 0x04, 0x12, 0x34,
                                   0x00, 0x01, 'a',  'b',  'c',  'd'};

static void test_icmp_parse_echo_request(void **state)
{
    (void)state;
    struct sy_icmp m;
    assert_int_equal(sy_icmp_parse(echo_req, sizeof echo_req, &m), SY_WIRE_OK);
    assert_int_equal(m.type, SY_ICMP_ECHO_REQUEST);
    assert_int_equal(m.code, 0);
    assert_int_equal(m.id, 0x1234);
    assert_int_equal(m.seq, 1);
    assert_int_equal(m.payload_len, 4);
    assert_memory_equal(m.payload, "abcd", 4);
}

static void test_icmp_emit_echo_reply_round_trip(void **state)
{
    (void)state;
    struct sy_icmp rep = {.type = SY_ICMP_ECHO_REPLY,
                          .id = 0x1234,
                          .seq = 1,
                          .payload = (const uint8_t *)"abcd",
                          .payload_len = 4};
    uint8_t buf[64];
    assert_int_equal(sy_icmp_emit(&rep, buf, sizeof buf), 12);
    /* Type 0 instead of 8: the sum is 0x0800 lower, 0xd6fb; ~ = 0x2904. */
    const uint8_t want[] = {0x00, 0x00, 0x29, 0x04, 0x12, 0x34, 0x00, 0x01, 'a', 'b', 'c', 'd'};
    assert_memory_equal(buf, want, sizeof want);
    struct sy_icmp back;
    assert_int_equal(sy_icmp_parse(buf, 12, &back), SY_WIRE_OK);
    assert_int_equal(back.type, SY_ICMP_ECHO_REPLY);
    assert_int_equal(sy_icmp_emit(&rep, buf, 11), 0); /* no room */
}

static void test_icmp_rejects_short_and_bad_checksum(void **state)
{
    (void)state;
    struct sy_icmp m;
    assert_int_equal(sy_icmp_parse(echo_req, 7, &m), SY_WIRE_TRUNCATED);
    uint8_t bad[sizeof echo_req];
    memcpy(bad, echo_req, sizeof bad);
    bad[9] ^= 1;
    assert_int_equal(sy_icmp_parse(bad, sizeof bad, &m), SY_WIRE_BAD_CHECKSUM);
}

/* Fragmentation needed with the next hop's MTU (RFC 1191 §4), quoting a TCP segment:
 * 10.0.0.1:49152 -> 10.0.0.2:80, seq 0x01020304. */
static void test_icmp_frag_needed_and_its_quote(void **state)
{
    (void)state;
    uint8_t quote[28] = {0x45, 0, 0x05, 0xdc, 0, 0, 0x40, 0,    64,   6,    0, 0, 10, 0,
                         0,    1, 10,   0,    0, 2, 0xc0, 0x00, 0x00, 0x50, 1, 2, 3,  4};
    struct sy_icmp e = {.type = SY_ICMP_DEST_UNREACH,
                        .code = SY_ICMP_FRAG_NEEDED,
                        .next_mtu = 1400,
                        .payload = quote,
                        .payload_len = sizeof quote};
    uint8_t buf[64];
    size_t n = sy_icmp_emit(&e, buf, sizeof buf);
    assert_int_equal(n, 36);
    assert_int_equal(buf[6] << 8 | buf[7], 1400);
    struct sy_icmp m;
    assert_int_equal(sy_icmp_parse(buf, n, &m), SY_WIRE_OK);
    assert_int_equal(m.next_mtu, 1400);
    struct sy_icmp_quote q;
    assert_int_equal(sy_icmp_parse_quote(m.payload, m.payload_len, &q), SY_WIRE_OK);
    assert_int_equal(q.proto, 6);
    assert_memory_equal(q.src, ((uint8_t[]){10, 0, 0, 1}), 4);
    assert_memory_equal(q.dst, ((uint8_t[]){10, 0, 0, 2}), 4);
    assert_int_equal(q.sport, 49152);
    assert_int_equal(q.dport, 80);
    assert_int_equal(q.seq, 0x01020304);
    /* A quote cut before the 8 transport bytes, a wrong version, a short IHL. */
    assert_int_equal(sy_icmp_parse_quote(quote, 27, &q), SY_WIRE_TRUNCATED);
    quote[0] = 0x65;
    assert_int_equal(sy_icmp_parse_quote(quote, 28, &q), SY_WIRE_BAD_VERSION);
    quote[0] = 0x44;
    assert_int_equal(sy_icmp_parse_quote(quote, 28, &q), SY_WIRE_BAD_IHL);
    quote[0] = 0x46; /* 24-byte header: the ports are past the 28 bytes */
    assert_int_equal(sy_icmp_parse_quote(quote, 28, &q), SY_WIRE_TRUNCATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icmp_parse_echo_request),
        cmocka_unit_test(test_icmp_emit_echo_reply_round_trip),
        cmocka_unit_test(test_icmp_rejects_short_and_bad_checksum),
        cmocka_unit_test(test_icmp_frag_needed_and_its_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
