/* Sending: Nagle's algorithm (RFC 9293 §3.7.4, RFC 1122 §4.2.3.4) and TCP_NODELAY. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

/* RFC9293: MUST-60, MUST-61, SHLD-7, SHLD-27, MAY-16 */
static void test_send_nagle_holds_small_segment_while_data_is_unacked(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "a", 1, f.now), 1);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt); /* nothing outstanding: goes */
    assert_int_equal(synack_send(f.conn, "bc", 2, f.now), 2);
    assert_int_equal(synack_send(f.conn, "d", 1, f.now), 1);
    fsm_expect_none(&f); /* "a" unacknowledged: "bcd" waits */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 2, f.peer_nxt);
    assert_int_equal(s->len, 3); /* coalesced */
    assert_memory_equal(s->data, "bcd", 3);
    fsm_free(&f);
}

/* RFC9293: SHLD-7 */
static void test_send_nagle_lets_full_segments_go(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "a", 1, f.now), 1);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    static uint8_t data[600];
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), 600);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt)->len, 536);
    fsm_expect_none(&f); /* the 64-byte tail waits */
    fsm_free(&f);
}

/* RFC9293: MUST-17 */
static void test_send_nodelay_sends_small_segments_at_once(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.nodelay = true;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "a", 1, f.now), 1);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(synack_send(f.conn, "b", 1, f.now), 1);
    fsm_expect(&f, ACK | PSH, f.iss + 2, f.peer_nxt);
    fsm_free(&f);
}

/* RFC9293: MUST-17 */
static void test_send_set_nodelay_pushes_held_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    synack_send(f.conn, "a", 1, f.now);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    synack_send(f.conn, "b", 1, f.now);
    fsm_expect_none(&f);
    assert_int_equal(synack_set_nodelay(f.conn, true, f.now), 0);
    fsm_expect(&f, ACK | PSH, f.iss + 2, f.peer_nxt);
    fsm_free(&f);
}

/* RFC9293: MUST-60 */
static void test_send_close_pushes_held_data_with_the_fin(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    synack_send(f.conn, "a", 1, f.now);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    synack_send(f.conn, "b", 1, f.now);
    fsm_expect_none(&f);
    assert_int_equal(synack_shutdown(f.conn, f.now), 0);
    const struct fsm_seg *s = fsm_expect(&f, FIN | ACK | PSH, f.iss + 2, f.peer_nxt);
    assert_int_equal(s->len, 1);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_nagle_holds_small_segment_while_data_is_unacked),
        cmocka_unit_test(test_send_nagle_lets_full_segments_go),
        cmocka_unit_test(test_send_nodelay_sends_small_segments_at_once),
        cmocka_unit_test(test_send_set_nodelay_pushes_held_data),
        cmocka_unit_test(test_send_close_pushes_held_data_with_the_fin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
