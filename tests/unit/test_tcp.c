/* Unit tests: the TCP header (RFC 9293 §3.1) with the IPv4 pseudo-header checksum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire_samples.h"

#define SYN_TCP (linux_syn + LINUX_SYN_IP_LEN)

/* The server's answer to the SYN's peer, ACK|PSH with the odd-length payload "hello";
 * checksum 0x8429 computed independently. 10.0.0.2:80 -> 10.0.0.1:41922. */
static const uint8_t hello_seg[25] = {0x00, 0x50, 0xa3, 0xc2, 0x11, 0x22, 0x33, 0x44, 0x5f,
                                      0x3e, 0x8a, 0x1c, 0x50, 0x18, 0x01, 0xf6, 0x84, 0x29,
                                      0x00, 0x00, 'h',  'e',  'l',  'l',  'o'};

/* Recompute the checksum after a test edits a segment. */
static void fix_csum(uint8_t *seg, size_t len)
{
    sy_put16(seg + 16, 0);
    uint32_t sum = sy_csum_pseudo_v4(linux_syn_src, linux_syn_dst, SY_IPPROTO_TCP, (uint16_t)len);
    sy_put16(seg + 16, sy_csum_finish(sy_csum_add(sum, seg, len)));
}

static void test_tcp_parse_linux_syn(void **state)
{
    (void)state;
    struct sy_tcp t;
    assert_int_equal(sy_tcp_parse_v4(SYN_TCP, LINUX_SYN_TCP_LEN, linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_OK);
    assert_int_equal(t.sport, 41922);
    assert_int_equal(t.dport, 80);
    assert_int_equal(t.seq, 0x5f3e8a1b);
    assert_int_equal(t.ack, 0);
    assert_int_equal(t.doff, 40);
    assert_int_equal(t.flags, SY_TH_SYN);
    assert_int_equal(t.wnd, 64240);
    assert_int_equal(t.csum, 0x3fd7);
    assert_int_equal(t.urp, 0);
    assert_int_equal(t.opts.has, SY_OPT_MSS | SY_OPT_SACK_PERM | SY_OPT_TS | SY_OPT_WSCALE);
    assert_int_equal(t.opts.mss, 1460);
    assert_int_equal(t.opts.wscale, 7);
    assert_int_equal(t.opts.ts_val, 0x002d6b9c);
    assert_int_equal(t.opts.ts_ecr, 0);
    assert_int_equal(t.payload_len, 0);
    assert_int_equal(sy_tcp_seg_len(&t), 1);
}

static void test_tcp_parse_data_segment(void **state)
{
    (void)state;
    struct sy_tcp t;
    assert_int_equal(
        sy_tcp_parse_v4(hello_seg, sizeof(hello_seg), linux_syn_dst, linux_syn_src, &t),
        SY_WIRE_OK);
    assert_int_equal(t.sport, 80);
    assert_int_equal(t.dport, 41922);
    assert_int_equal(t.seq, 0x11223344);
    assert_int_equal(t.ack, 0x5f3e8a1c);
    assert_int_equal(t.doff, 20);
    assert_int_equal(t.flags, SY_TH_ACK | SY_TH_PSH);
    assert_int_equal(t.wnd, 502);
    assert_int_equal(t.opts.has, 0);
    assert_int_equal(t.payload_len, 5);
    assert_ptr_equal(t.payload, hello_seg + 20);
    assert_int_equal(sy_tcp_seg_len(&t), 5);
}

/* IPv4 + TCP of the captured SYN, end to end. */
static void test_tcp_parse_inside_ipv4(void **state)
{
    (void)state;
    struct sy_ipv4 ip;
    struct sy_tcp t;
    assert_int_equal(sy_ipv4_parse(linux_syn, sizeof(linux_syn), &ip), SY_WIRE_OK);
    assert_int_equal(sy_tcp_parse_v4(ip.payload, ip.payload_len, ip.src, ip.dst, &t), SY_WIRE_OK);
    assert_int_equal(t.opts.mss, 1460);
}

static void test_tcp_truncated(void **state)
{
    (void)state;
    struct sy_tcp t;
    assert_int_equal(sy_tcp_parse_v4(SYN_TCP, 19, linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_TRUNCATED);
    assert_int_equal(sy_tcp_parse_v4(SYN_TCP, 0, linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_TRUNCATED);
}

static void test_tcp_data_offset_below_five(void **state)
{
    (void)state;
    uint8_t s[40];
    struct sy_tcp t;
    memcpy(s, SYN_TCP, sizeof(s));
    s[12] = 0x40;
    fix_csum(s, sizeof(s));
    assert_int_equal(sy_tcp_parse_v4(s, sizeof(s), linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_BAD_DATA_OFF);
    s[12] = 0x00;
    assert_int_equal(sy_tcp_parse_v4(s, sizeof(s), linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_BAD_DATA_OFF);
}

static void test_tcp_data_offset_past_end(void **state)
{
    (void)state;
    uint8_t s[40];
    struct sy_tcp t;
    memcpy(s, SYN_TCP, sizeof(s));
    s[12] = 0xb0; /* 44 bytes in a 40-byte segment */
    fix_csum(s, sizeof(s));
    assert_int_equal(sy_tcp_parse_v4(s, sizeof(s), linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_BAD_DATA_OFF);
    /* The real SYN cut short of its options. */
    assert_int_equal(sy_tcp_parse_v4(SYN_TCP, 39, linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_BAD_DATA_OFF);
}

/* RFC9293: MUST-3 */
static void test_tcp_bad_checksum(void **state)
{
    (void)state;
    uint8_t s[25];
    struct sy_tcp t;
    const uint8_t other[4] = {10, 0, 0, 3};
    memcpy(s, hello_seg, sizeof(s));
    s[24] = 'O'; /* payload is covered */
    assert_int_equal(sy_tcp_parse_v4(s, sizeof(s), linux_syn_dst, linux_syn_src, &t),
                     SY_WIRE_BAD_CHECKSUM);
    /* The pseudo-header is covered: a different address fails. */
    assert_int_equal(sy_tcp_parse_v4(hello_seg, sizeof(hello_seg), other, linux_syn_src, &t),
                     SY_WIRE_BAD_CHECKSUM);
    /* So is the length: the same bytes minus the last one fail. */
    assert_int_equal(sy_tcp_parse_v4(hello_seg, 24, linux_syn_dst, linux_syn_src, &t),
                     SY_WIRE_BAD_CHECKSUM);
}

/* A checksum-valid segment with a malformed option area is still rejected. */
/* RFC9293: MUST-7 */
static void test_tcp_bad_option_in_valid_segment(void **state)
{
    (void)state;
    uint8_t s[40];
    struct sy_tcp t;
    memcpy(s, SYN_TCP, sizeof(s));
    s[21] = 3; /* MSS with length 3 */
    fix_csum(s, sizeof(s));
    assert_int_equal(sy_tcp_parse_v4(s, sizeof(s), linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_BAD_OPTION);
    memcpy(s, SYN_TCP, sizeof(s));
    s[38] = 4; /* WS (kind at 37) with length 4 runs past the 20-byte option area */
    fix_csum(s, sizeof(s));
    assert_int_equal(sy_tcp_parse_v4(s, sizeof(s), linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_BAD_OPTION);
}

/* Emitting the parsed SYN reproduces the captured bytes, checksum included. */
/* RFC9293: MUST-2, MUST-69 */
static void test_tcp_emit_matches_linux_syn(void **state)
{
    (void)state;
    struct sy_tcp t;
    uint8_t out[60];
    assert_int_equal(sy_tcp_parse_v4(SYN_TCP, LINUX_SYN_TCP_LEN, linux_syn_src, linux_syn_dst, &t),
                     SY_WIRE_OK);
    t.csum = 0; /* ignored by emit */
    t.doff = 0;
    assert_int_equal(sy_tcp_emit_v4(&t, linux_syn_src, linux_syn_dst, out, sizeof(out)), 40);
    assert_memory_equal(out, SYN_TCP, 40);
}

/* RFC9293: MUST-2 */
static void test_tcp_emit_data_segment_known_answer(void **state)
{
    (void)state;
    struct sy_tcp t = {
        .sport = 80,
        .dport = 41922,
        .seq = 0x11223344,
        .ack = 0x5f3e8a1c,
        .flags = SY_TH_ACK | SY_TH_PSH,
        .wnd = 502,
        .payload = (const uint8_t *)"hello",
        .payload_len = 5,
    };
    uint8_t out[25];
    assert_int_equal(sy_tcp_emit_v4(&t, linux_syn_dst, linux_syn_src, out, sizeof(out)), 25);
    assert_memory_equal(out, hello_seg, sizeof(hello_seg));
}

static void test_tcp_emit_parse_round_trip(void **state)
{
    (void)state;
    const uint8_t src[4] = {192, 0, 2, 1}, dst[4] = {198, 51, 100, 2};
    const uint8_t data[7] = "payload";
    struct sy_tcp in = {
        .sport = 1,
        .dport = 65535,
        .seq = 0xffffffffu,
        .ack = 0x80000000u,
        .flags = SY_TH_ACK | SY_TH_FIN | SY_TH_URG | SY_TH_ECE | SY_TH_CWR,
        .wnd = 0,
        .urp = 3,
        .opts = {.has = SY_OPT_TS | SY_OPT_SACK,
                 .ts_val = 42,
                 .ts_ecr = 41,
                 .sack_count = 2,
                 .sack = {{10, 20}, {30, 40}}},
        .payload = data,
        .payload_len = sizeof(data),
    };
    uint8_t buf[100];
    struct sy_tcp out;
    size_t n = sy_tcp_emit_v4(&in, src, dst, buf, sizeof(buf));
    assert_int_equal(n, 20 + 32 + 7);
    assert_int_equal(sy_tcp_parse_v4(buf, n, src, dst, &out), SY_WIRE_OK);
    assert_int_equal(out.sport, in.sport);
    assert_int_equal(out.dport, in.dport);
    assert_int_equal(out.seq, in.seq);
    assert_int_equal(out.ack, in.ack);
    assert_int_equal(out.doff, 52);
    assert_int_equal(out.flags, in.flags);
    assert_int_equal(out.wnd, in.wnd);
    assert_int_equal(out.urp, in.urp);
    assert_int_equal(out.opts.has, in.opts.has);
    assert_int_equal(out.opts.ts_val, 42);
    assert_int_equal(out.opts.ts_ecr, 41);
    assert_int_equal(out.opts.sack_count, 2);
    assert_int_equal(out.opts.sack[1].left, 30);
    assert_int_equal(out.opts.sack[1].right, 40);
    assert_int_equal(out.payload_len, 7);
    assert_memory_equal(out.payload, data, 7);
    assert_int_equal(sy_tcp_seg_len(&out), 8); /* payload + FIN */
}

/* A bare header with no payload pointer: a RST. */
static void test_tcp_emit_header_only_null_payload(void **state)
{
    (void)state;
    struct sy_tcp in = {.sport = 7, .dport = 9, .seq = 5, .flags = SY_TH_RST};
    uint8_t buf[20];
    struct sy_tcp out;
    assert_int_equal(sy_tcp_emit_v4(&in, linux_syn_src, linux_syn_dst, buf, sizeof(buf)), 20);
    assert_int_equal(buf[12], 0x50);
    assert_int_equal(sy_tcp_parse_v4(buf, 20, linux_syn_src, linux_syn_dst, &out), SY_WIRE_OK);
    assert_int_equal(out.flags, SY_TH_RST);
    assert_int_equal(sy_tcp_seg_len(&out), 0);
}

static void test_tcp_emit_too_small_writes_nothing(void **state)
{
    (void)state;
    struct sy_tcp in = {
        .flags = SY_TH_ACK,
        .opts = {.has = SY_OPT_TS},
        .payload = (const uint8_t *)"abc",
        .payload_len = 3,
    };
    uint8_t buf[40];
    memset(buf, 0xaa, sizeof(buf));
    assert_int_equal(sy_tcp_emit_v4(&in, linux_syn_src, linux_syn_dst, buf, 34), 0);
    assert_int_equal(sy_tcp_emit_v4(&in, linux_syn_src, linux_syn_dst, buf, 19), 0);
    assert_int_equal(sy_tcp_emit_v4(&in, linux_syn_src, linux_syn_dst, buf, 0), 0);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0xaa);
    assert_int_equal(sy_tcp_emit_v4(&in, linux_syn_src, linux_syn_dst, buf, 35), 35);
    assert_int_equal(buf[35], 0xaa);
}

static void test_tcp_emit_options_over_forty_fails(void **state)
{
    (void)state;
    struct sy_tcp in = {.opts = {.has = SY_OPT_MSS | SY_OPT_TS | SY_OPT_SACK, .sack_count = 4}};
    uint8_t buf[128];
    memset(buf, 0xaa, sizeof(buf));
    assert_int_equal(sy_tcp_emit_v4(&in, linux_syn_src, linux_syn_dst, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], 0xaa);
}

static void test_tcp_seg_len_counts_syn_and_fin(void **state)
{
    (void)state;
    struct sy_tcp t = {.flags = SY_TH_SYN | SY_TH_FIN, .payload_len = 5};
    assert_int_equal(sy_tcp_seg_len(&t), 7);
    t.flags = SY_TH_ACK;
    assert_int_equal(sy_tcp_seg_len(&t), 5);
}

/* Gathering the payload from two pieces gives the same bytes as one contiguous payload. */
static void test_tcp_emit_gather_equals_contiguous(void **state)
{
    (void)state;
    const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
    struct sy_tcp h = {.sport = 1,
                       .dport = 2,
                       .seq = 3,
                       .ack = 4,
                       .flags = SY_TH_ACK,
                       .wnd = 5,
                       .payload = (const uint8_t *)"hello",
                       .payload_len = 5};
    uint8_t a[64], b[64];
    size_t na = sy_tcp_emit_v4(&h, src, dst, a, sizeof a);
    h.payload_len = 3;
    size_t nb = sy_tcp_emit_v4_gather(&h, (const uint8_t *)"lo", 2, src, dst, b, sizeof b);
    assert_int_equal(na, 25);
    assert_int_equal(nb, na);
    assert_memory_equal(a, b, na);
    assert_int_equal(sy_tcp_emit_v4_gather(&h, (const uint8_t *)"lo", 2, src, dst, b, 24), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_parse_linux_syn),
        cmocka_unit_test(test_tcp_parse_data_segment),
        cmocka_unit_test(test_tcp_parse_inside_ipv4),
        cmocka_unit_test(test_tcp_truncated),
        cmocka_unit_test(test_tcp_data_offset_below_five),
        cmocka_unit_test(test_tcp_data_offset_past_end),
        cmocka_unit_test(test_tcp_bad_checksum),
        cmocka_unit_test(test_tcp_bad_option_in_valid_segment),
        cmocka_unit_test(test_tcp_emit_matches_linux_syn),
        cmocka_unit_test(test_tcp_emit_data_segment_known_answer),
        cmocka_unit_test(test_tcp_emit_parse_round_trip),
        cmocka_unit_test(test_tcp_emit_header_only_null_payload),
        cmocka_unit_test(test_tcp_emit_too_small_writes_nothing),
        cmocka_unit_test(test_tcp_emit_options_over_forty_fails),
        cmocka_unit_test(test_tcp_seg_len_counts_syn_and_fin),
        cmocka_unit_test(test_tcp_emit_gather_equals_contiguous),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
