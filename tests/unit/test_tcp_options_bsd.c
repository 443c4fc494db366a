/* wire — TCP options in BSD's layout (SY_OPT_LAYOUT_BSD): the bytes FreeBSD sends, which the
 * public packetdrill scripts expect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wire/tcp_options.h"

#define NOP 1
#define EOL 0

static size_t emit(uint8_t has, uint8_t *buf)
{
    struct sy_tcp_opts o = {.has = has,
                            .layout = SY_OPT_LAYOUT_BSD,
                            .mss = 1460,
                            .wscale = 6,
                            .ts_val = 0x01020304,
                            .ts_ecr = 0};
    size_t n = sy_tcp_options_emit(&o, buf, 40);
    assert_int_equal(n, sy_tcp_options_len(&o));
    struct sy_tcp_opts back;
    assert_int_equal(sy_tcp_options_parse(buf, n, &back), SY_WIRE_OK);
    assert_int_equal(back.has, has);
    return n;
}

/* <mss 1460,nop,wscale 6,sackOK,TS val X ecr 0>: 20 bytes, no padding. */
static void test_bsd_syn_all_options(void **state)
{
    (void)state;
    uint8_t b[40];
    static const uint8_t want[] = {2, 4,  0x05, 0xb4, NOP, 3, 3, 6, 4, 2,
                                   8, 10, 1,    2,    3,   4, 0, 0, 0, 0};
    assert_int_equal(emit(SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM | SY_OPT_TS, b),
                     sizeof want);
    assert_memory_equal(b, want, sizeof want);
}

/* <mss 1460,sackOK,eol,eol>: EOL pads the end. */
static void test_bsd_mss_sackok_pads_with_eol(void **state)
{
    (void)state;
    uint8_t b[40];
    static const uint8_t want[] = {2, 4, 0x05, 0xb4, 4, 2, EOL, EOL};
    assert_int_equal(emit(SY_OPT_MSS | SY_OPT_SACK_PERM, b), sizeof want);
    assert_memory_equal(b, want, sizeof want);
}

/* <mss 1460,nop,wscale 6,nop,nop,TS ...>: TS two bytes past a word. */
static void test_bsd_mss_ws_ts(void **state)
{
    (void)state;
    uint8_t b[40];
    static const uint8_t want[] = {2, 4,  0x05, 0xb4, NOP, 3, 3, 6, NOP, NOP,
                                   8, 10, 1,    2,    3,   4, 0, 0, 0,   0};
    assert_int_equal(emit(SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_TS, b), sizeof want);
    assert_memory_equal(b, want, sizeof want);
}

/* <nop,nop,sack a:b> on an ACK, and <nop,nop,TS,nop,nop,sack> with timestamps. */
static void test_bsd_sack_blocks(void **state)
{
    (void)state;
    uint8_t b[40];
    struct sy_tcp_opts o = {
        .has = SY_OPT_SACK, .layout = SY_OPT_LAYOUT_BSD, .sack_count = 1, .sack = {{200, 300}}};
    assert_int_equal(sy_tcp_options_emit(&o, b, sizeof b), 12);
    assert_int_equal(b[0], NOP);
    assert_int_equal(b[1], NOP);
    assert_int_equal(b[2], 5);
    o.has |= SY_OPT_TS;
    assert_int_equal(sy_tcp_options_emit(&o, b, sizeof b), 24);
    assert_int_equal(b[2], 8);
    assert_int_equal(b[12], NOP);
    assert_int_equal(b[14], 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bsd_syn_all_options),
        cmocka_unit_test(test_bsd_mss_sackok_pads_with_eol),
        cmocka_unit_test(test_bsd_mss_ws_ts),
        cmocka_unit_test(test_bsd_sack_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
