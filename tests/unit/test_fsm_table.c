/* The legal-transition table against RFC 9293 Figure 5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/tcb.h"

#define S(x) SYNACK_##x

struct arc {
    enum synack_state from, to;
};

/* Every arc drawn in Figure 5, plus FIN-WAIT-1 -> TIME-WAIT from §3.10.7.4's FIN step. */
static const struct arc figure5[] = {
    {S(CLOSED), S(LISTEN)},
    {S(CLOSED), S(SYN_SENT)},
    {S(LISTEN), S(SYN_RECEIVED)},
    {S(LISTEN), S(SYN_SENT)},
    {S(LISTEN), S(CLOSED)},
    {S(SYN_SENT), S(SYN_RECEIVED)},
    {S(SYN_SENT), S(ESTABLISHED)},
    {S(SYN_SENT), S(CLOSED)},
    {S(SYN_RECEIVED), S(ESTABLISHED)},
    {S(SYN_RECEIVED), S(FIN_WAIT_1)},
    {S(SYN_RECEIVED), S(LISTEN)},
    {S(ESTABLISHED), S(FIN_WAIT_1)},
    {S(ESTABLISHED), S(CLOSE_WAIT)},
    {S(FIN_WAIT_1), S(FIN_WAIT_2)},
    {S(FIN_WAIT_1), S(CLOSING)},
    {S(FIN_WAIT_1), S(TIME_WAIT)},
    {S(FIN_WAIT_2), S(TIME_WAIT)},
    {S(CLOSING), S(TIME_WAIT)},
    {S(CLOSE_WAIT), S(LAST_ACK)},
    {S(LAST_ACK), S(CLOSED)},
    {S(TIME_WAIT), S(CLOSED)},
};

static bool in_figure(enum synack_state from, enum synack_state to)
{
    for (size_t i = 0; i < sizeof(figure5) / sizeof(figure5[0]); i++)
        if (figure5[i].from == from && figure5[i].to == to) return true;
    return false;
}

static void test_every_figure5_arc_is_legal(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(figure5) / sizeof(figure5[0]); i++)
        assert_true(sy_state_legal(figure5[i].from, figure5[i].to));
}

/* Beyond Figure 5 only the arcs to CLOSED (RST, ABORT, timeout: §3.10.5, §3.10.7.4) are legal. */
static void test_only_figure5_arcs_and_resets_are_legal(void **state)
{
    (void)state;
    for (int a = 0; a < SYNACK_STATE_COUNT; a++)
        for (int b = 0; b < SYNACK_STATE_COUNT; b++) {
            bool expect = in_figure(a, b) || (b == S(CLOSED) && a != S(CLOSED));
            if (sy_state_legal(a, b) != expect)
                fail_msg("%s -> %s: table says %d", synack_state_name(a), synack_state_name(b),
                         sy_state_legal(a, b));
        }
}

static void test_state_names_match_rfc(void **state)
{
    (void)state;
    assert_string_equal(synack_state_name(S(SYN_RECEIVED)), "SYN-RECEIVED");
    assert_string_equal(synack_state_name(S(TIME_WAIT)), "TIME-WAIT");
    assert_string_equal(synack_state_name(S(FIN_WAIT_2)), "FIN-WAIT-2");
    assert_string_equal(synack_state_name(SYNACK_STATE_COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_figure5_arc_is_legal),
        cmocka_unit_test(test_only_figure5_arcs_and_resets_are_legal),
        cmocka_unit_test(test_state_names_match_rfc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
