/* Unit tests: TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/tcp_options.h"
#include "wire_samples.h"

#define SYN_OPTS     (linux_syn + 40)
#define SYN_OPTS_LEN 20

static enum sy_wire_err parse(const uint8_t *b, size_t len, struct sy_tcp_opts *o)
{
    return sy_tcp_options_parse(b, len, o);
}

/* RFC9293: MUST-4 */
static void test_opts_parse_linux_syn(void **state)
{
    (void)state;
    struct sy_tcp_opts o;
    assert_int_equal(parse(SYN_OPTS, SYN_OPTS_LEN, &o), SY_WIRE_OK);
    assert_int_equal(o.has, SY_OPT_MSS | SY_OPT_SACK_PERM | SY_OPT_TS | SY_OPT_WSCALE);
    assert_int_equal(o.mss, 1460);
    assert_int_equal(o.ts_val, 0x002d6b9c);
    assert_int_equal(o.ts_ecr, 0);
    assert_int_equal(o.wscale, 7);
    assert_int_equal(o.sack_count, 0);
}

/* RFC9293: MUST-4 */
static void test_opts_empty_and_nop_only(void **state)
{
    (void)state;
    const uint8_t nops[4] = {1, 1, 1, 1};
    struct sy_tcp_opts o;
    assert_int_equal(parse(nops, 0, &o), SY_WIRE_OK);
    assert_int_equal(o.has, 0);
    assert_int_equal(parse(nops, sizeof(nops), &o), SY_WIRE_OK);
    assert_int_equal(o.has, 0);
}

/* RFC 9293 §3.2: End of Option List; whatever follows it is not parsed, even garbage. */
/* RFC9293: MUST-4 */
static void test_opts_eol_ends_parsing(void **state)
{
    (void)state;
    const uint8_t b[8] = {SY_TCPOPT_MSS, 4, 0x05, 0xb4, SY_TCPOPT_EOL, SY_TCPOPT_MSS, 0, 0xff};
    struct sy_tcp_opts o;
    assert_int_equal(parse(b, sizeof(b), &o), SY_WIRE_OK);
    assert_int_equal(o.has, SY_OPT_MSS);
    assert_int_equal(o.mss, 1460);

    const uint8_t first[4] = {SY_TCPOPT_EOL, SY_TCPOPT_WSCALE, 3, 9};
    assert_int_equal(parse(first, sizeof(first), &o), SY_WIRE_OK);
    assert_int_equal(o.has, 0);
}

/* RFC 9293 §3.2: unknown kinds are skipped by their length field. */
/* RFC9293: MUST-6 */
static void test_opts_unknown_kind_skipped(void **state)
{
    (void)state;
    const uint8_t b[12] = {30, 6, 0xde, 0xad, 0xbe, 0xef, 253, 2, SY_TCPOPT_WSCALE, 3, 14, 0};
    struct sy_tcp_opts o;
    assert_int_equal(parse(b, sizeof(b), &o), SY_WIRE_OK);
    assert_int_equal(o.has, SY_OPT_WSCALE);
    assert_int_equal(o.wscale, 14);
}

/* Options need not begin on a word boundary (RFC 9293 §3.2): MSS after one NOP, timestamps
 * after an odd-length unknown option, window scale right behind them. */
/* RFC9293: MUST-64 */
static void test_opts_parse_unaligned(void **state)
{
    (void)state;
    const uint8_t b[24] = {SY_TCPOPT_NOP,
                           SY_TCPOPT_MSS,
                           4,
                           0x02,
                           0x18,
                           30,
                           3,
                           0xaa,
                           SY_TCPOPT_TS,
                           10,
                           0,
                           0,
                           0,
                           7,
                           0,
                           0,
                           0,
                           9,
                           SY_TCPOPT_WSCALE,
                           3,
                           2,
                           SY_TCPOPT_EOL,
                           0,
                           0};
    struct sy_tcp_opts o;
    assert_int_equal(parse(b, sizeof(b), &o), SY_WIRE_OK);
    assert_int_equal(o.has, SY_OPT_MSS | SY_OPT_TS | SY_OPT_WSCALE);
    assert_int_equal(o.mss, 536);
    assert_int_equal(o.ts_val, 7);
    assert_int_equal(o.ts_ecr, 9);
    assert_int_equal(o.wscale, 2);
}

static void test_opts_stale_fields_cleared(void **state)
{
    (void)state;
    struct sy_tcp_opts o;
    memset(&o, 0xff, sizeof(o));
    assert_int_equal(parse(SYN_OPTS, 0, &o), SY_WIRE_OK);
    assert_int_equal(o.has, 0);
    assert_int_equal(o.sack_count, 0);
    assert_int_equal(o.mss, 0);
}

/* RFC9293: MUST-7 */
static void test_opts_length_zero_or_one(void **state)
{
    (void)state;
    const uint8_t len0[4] = {30, 0, 1, 1};
    const uint8_t len1[4] = {30, 1, 1, 1};
    const uint8_t mss0[4] = {SY_TCPOPT_MSS, 0, 1, 1};
    struct sy_tcp_opts o;
    assert_int_equal(parse(len0, sizeof(len0), &o), SY_WIRE_BAD_OPTION);
    assert_int_equal(parse(len1, sizeof(len1), &o), SY_WIRE_BAD_OPTION);
    assert_int_equal(parse(mss0, sizeof(mss0), &o), SY_WIRE_BAD_OPTION);
}

/* RFC9293: MUST-7 */
static void test_opts_overrun(void **state)
{
    (void)state;
    const uint8_t no_len[4] = {1, 1, 1, SY_TCPOPT_MSS}; /* kind in the last byte */
    const uint8_t mss_short[3] = {SY_TCPOPT_MSS, 4, 0x05};
    const uint8_t unknown_long[4] = {30, 8, 0, 0};
    const uint8_t ts_short[8] = {1, 1, SY_TCPOPT_TS, 10, 0, 0, 0, 1};
    struct sy_tcp_opts o;
    assert_int_equal(parse(no_len, sizeof(no_len), &o), SY_WIRE_BAD_OPTION);
    assert_int_equal(parse(mss_short, sizeof(mss_short), &o), SY_WIRE_BAD_OPTION);
    assert_int_equal(parse(unknown_long, sizeof(unknown_long), &o), SY_WIRE_BAD_OPTION);
    assert_int_equal(parse(ts_short, sizeof(ts_short), &o), SY_WIRE_BAD_OPTION);
}

/* Each known option at a length other than its own; the buffer is big enough for the claim. */
/* RFC9293: MUST-7 */
static void test_opts_wrong_length_for_kind(void **state)
{
    (void)state;
    static const struct {
        uint8_t kind, len;
    } bad[] = {
        {SY_TCPOPT_MSS, 3},    {SY_TCPOPT_MSS, 5},       {SY_TCPOPT_WSCALE, 2},
        {SY_TCPOPT_WSCALE, 4}, {SY_TCPOPT_SACK_PERM, 3}, {SY_TCPOPT_SACK_PERM, 4},
        {SY_TCPOPT_TS, 8},     {SY_TCPOPT_TS, 12},       {SY_TCPOPT_SACK, 2},
        {SY_TCPOPT_SACK, 9},   {SY_TCPOPT_SACK, 11},     {SY_TCPOPT_SACK, 17},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t b[40] = {0};
        struct sy_tcp_opts o;
        b[0] = bad[i].kind;
        b[1] = bad[i].len;
        assert_int_equal(parse(b, sizeof(b), &o), SY_WIRE_BAD_OPTION);
    }
}

static void test_opts_sack_blocks(void **state)
{
    (void)state;
    const uint8_t b[28] = {1,    1,    SY_TCPOPT_SACK, 26,   0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
                           0x00, 0x20, 0xff,           0xff, 0xff, 0xf0, 0x00, 0x00, 0x00, 0x10,
                           0x80, 0x00, 0x00,           0x00, 0x80, 0x00, 0x01, 0x00};
    struct sy_tcp_opts o;
    assert_int_equal(parse(b, sizeof(b), &o), SY_WIRE_OK);
    assert_int_equal(o.has, SY_OPT_SACK);
    assert_int_equal(o.sack_count, 3);
    assert_int_equal(o.sack[0].left, 0x10);
    assert_int_equal(o.sack[0].right, 0x20);
    assert_int_equal(o.sack[1].left, 0xfffffff0u);
    assert_int_equal(o.sack[1].right, 0x10);
    assert_int_equal(o.sack[2].left, 0x80000000u);
    assert_int_equal(o.sack[2].right, 0x80000100u);
}

/* Five blocks (42 bytes) cannot occur with a real header; if handed them, keep four. */
static void test_opts_sack_more_than_max_ignored(void **state)
{
    (void)state;
    uint8_t b[42] = {SY_TCPOPT_SACK, 42};
    struct sy_tcp_opts o;
    for (uint8_t i = 0; i < 10; i++)
        b[2 + 4 * i + 3] = i; /* edges 0,1,2,...,9 */
    assert_int_equal(parse(b, sizeof(b), &o), SY_WIRE_OK);
    assert_int_equal(o.sack_count, SY_TCP_MAX_SACK);
    assert_int_equal(o.sack[3].left, 6);
    assert_int_equal(o.sack[3].right, 7);
}

/* Emitting the SYN's option set gives Linux's exact bytes. */
/* RFC9293: MUST-68 */
static void test_opts_emit_matches_linux_syn(void **state)
{
    (void)state;
    struct sy_tcp_opts o = {
        .has = SY_OPT_MSS | SY_OPT_SACK_PERM | SY_OPT_TS | SY_OPT_WSCALE,
        .mss = 1460,
        .wscale = 7,
        .ts_val = 0x002d6b9c,
        .ts_ecr = 0,
    };
    uint8_t out[40];
    assert_int_equal(sy_tcp_options_len(&o), 20);
    assert_int_equal(sy_tcp_options_emit(&o, out, sizeof(out)), 20);
    assert_memory_equal(out, SYN_OPTS, 20);
}

/* RFC9293: MUST-68, MUST-69 */
static void test_opts_emit_layouts(void **state)
{
    (void)state;
    uint8_t out[40];
    struct sy_tcp_opts ts = {.has = SY_OPT_TS, .ts_val = 0x01020304, .ts_ecr = 0x05060708};
    const uint8_t want_ts[12] = {1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(sy_tcp_options_emit(&ts, out, sizeof(out)), 12);
    assert_memory_equal(out, want_ts, 12);

    struct sy_tcp_opts sp = {.has = SY_OPT_SACK_PERM};
    const uint8_t want_sp[4] = {1, 1, 4, 2};
    assert_int_equal(sy_tcp_options_emit(&sp, out, sizeof(out)), 4);
    assert_memory_equal(out, want_sp, 4);

    struct sy_tcp_opts sack = {.has = SY_OPT_SACK, .sack_count = 1, .sack = {{0x10, 0x20}}};
    const uint8_t want_sack[12] = {1, 1, 5, 10, 0, 0, 0, 0x10, 0, 0, 0, 0x20};
    assert_int_equal(sy_tcp_options_emit(&sack, out, sizeof(out)), 12);
    assert_memory_equal(out, want_sack, 12);

    struct sy_tcp_opts none = {0};
    assert_int_equal(sy_tcp_options_len(&none), 0);
    assert_int_equal(sy_tcp_options_emit(&none, out, 0), 0);
}

/* TS (12) + 3 SACK blocks (28) is exactly 40; a fourth block or MSS on top does not fit. */
static void test_opts_emit_forty_byte_limit(void **state)
{
    (void)state;
    uint8_t out[64];
    struct sy_tcp_opts o = {.has = SY_OPT_TS | SY_OPT_SACK, .sack_count = 3};
    assert_int_equal(sy_tcp_options_emit(&o, out, sizeof(out)), 40);
    o.sack_count = 4;
    assert_int_equal(sy_tcp_options_len(&o), 48);
    assert_int_equal(sy_tcp_options_emit(&o, out, sizeof(out)), (size_t)-1);
    o.sack_count = 3;
    o.has |= SY_OPT_MSS;
    assert_int_equal(sy_tcp_options_emit(&o, out, sizeof(out)), (size_t)-1);
}

static void test_opts_emit_too_small_writes_nothing(void **state)
{
    (void)state;
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_TS, .mss = 536};
    uint8_t out[24];
    memset(out, 0xaa, sizeof(out));
    assert_int_equal(sy_tcp_options_emit(&o, out, 15), (size_t)-1);
    assert_int_equal(sy_tcp_options_emit(&o, out, 0), (size_t)-1);
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 0xaa);
    assert_int_equal(sy_tcp_options_emit(&o, out, 16), 16);
    assert_int_equal(out[16], 0xaa);
}

static void assert_round_trip(const struct sy_tcp_opts *in)
{
    uint8_t buf[40];
    struct sy_tcp_opts got;
    size_t n = sy_tcp_options_emit(in, buf, sizeof(buf));
    assert_int_equal(n, sy_tcp_options_len(in));
    assert_int_equal(n % 4, 0);
    assert_int_equal(parse(buf, n, &got), SY_WIRE_OK);
    assert_int_equal(got.has, in->has);
    if (in->has & SY_OPT_MSS) assert_int_equal(got.mss, in->mss);
    if (in->has & SY_OPT_WSCALE) assert_int_equal(got.wscale, in->wscale);
    if (in->has & SY_OPT_TS) {
        assert_int_equal(got.ts_val, in->ts_val);
        assert_int_equal(got.ts_ecr, in->ts_ecr);
    }
    assert_int_equal(got.sack_count, (in->has & SY_OPT_SACK) ? in->sack_count : 0);
    for (size_t i = 0; i < got.sack_count; i++) {
        assert_int_equal(got.sack[i].left, in->sack[i].left);
        assert_int_equal(got.sack[i].right, in->sack[i].right);
    }
}

static void test_opts_emit_parse_round_trip(void **state)
{
    (void)state;
    const struct sy_tcp_opts cases[] = {
        {.has = SY_OPT_MSS, .mss = 65535},
        {.has = SY_OPT_WSCALE, .wscale = 14},
        {.has = SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM, .mss = 1220, .wscale = 0},
        {.has = SY_OPT_TS, .ts_val = 0xffffffffu, .ts_ecr = 0x80000000u},
        {.has = SY_OPT_TS | SY_OPT_SACK,
         .ts_val = 7,
         .ts_ecr = 9,
         .sack_count = 3,
         .sack = {{1, 2}, {0xfffffff0u, 0x10}, {100, 200}}},
        {.has = SY_OPT_SACK, .sack_count = 4, .sack = {{1, 2}, {3, 4}, {5, 6}, {7, 8}}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_round_trip(&cases[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opts_parse_linux_syn),
        cmocka_unit_test(test_opts_empty_and_nop_only),
        cmocka_unit_test(test_opts_eol_ends_parsing),
        cmocka_unit_test(test_opts_unknown_kind_skipped),
        cmocka_unit_test(test_opts_parse_unaligned),
        cmocka_unit_test(test_opts_stale_fields_cleared),
        cmocka_unit_test(test_opts_length_zero_or_one),
        cmocka_unit_test(test_opts_overrun),
        cmocka_unit_test(test_opts_wrong_length_for_kind),
        cmocka_unit_test(test_opts_sack_blocks),
        cmocka_unit_test(test_opts_sack_more_than_max_ignored),
        cmocka_unit_test(test_opts_emit_matches_linux_syn),
        cmocka_unit_test(test_opts_emit_layouts),
        cmocka_unit_test(test_opts_emit_forty_byte_limit),
        cmocka_unit_test(test_opts_emit_too_small_writes_nothing),
        cmocka_unit_test(test_opts_emit_parse_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
