/* FIN-WAIT-2: our FIN is acknowledged; the peer may still send (half-close) until its FIN.
 * RFC 9293 §3.10.7.4 and the user calls of §3.10.2-§3.10.5. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static void test_fin_wait_2_fin_enters_time_wait_with_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_at(&f, SYNACK_SEC(3));
    fsm_send(&f, FIN | ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(3) + SYNACK_SEC(60));
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    fsm_free(&f);
}

static void test_fin_wait_2_data_is_acked_and_readable(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 2, "still here", 10);
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 10);
    assert_int_equal(s->wnd, 65535 - 10); /* the right edge offered before stays put */
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    char buf[16];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 10);
    assert_memory_equal(buf, "still here", 10);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -EAGAIN);
    fsm_free(&f);
}

static void test_fin_wait_2_data_with_fin_enters_time_wait(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_send(&f, FIN | ACK | PSH, f.peer_nxt, f.iss + 2, "last", 4);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 5);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    char buf[8];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 4);
    assert_memory_equal(buf, "last", 4);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    fsm_free(&f);
}

static void test_fin_wait_2_out_of_order_fin_is_not_taken(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_send(&f, FIN | ACK, f.peer_nxt + 3, f.iss + 2, NULL, 0); /* data before it is missing */
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    fsm_free(&f);
}

static void test_fin_wait_2_has_no_timer_while_the_handle_is_held(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_at(&f, SYNACK_SEC(3600));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    fsm_free(&f);
}

static void test_fin_wait_2_rst_resets(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_send(&f, RST | ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    fsm_free(&f);
}

static void test_fin_wait_2_rst_out_of_window_is_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_send(&f, RST, f.peer_nxt - 1, 0, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST, f.peer_nxt + 2, 0, NULL, 0); /* in window, not RCV.NXT: challenge */
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    fsm_free(&f);
}

static void test_fin_wait_2_shutdown_and_send_report_connection_closing(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    assert_int_equal(synack_shutdown(f.conn, f.now), -EPIPE);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -EPIPE);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    fsm_free(&f);
}

static void test_fin_wait_2_syn_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_send(&f, SYN, f.peer_nxt, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    fsm_free(&f);
}

static void test_fin_wait_2_abort_sends_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    fsm_expect(&f, RST | ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

/* A closed handle in FIN-WAIT-2 whose peer never sends its FIN is bounded by
 * cfg.fin_wait_2_timeout (as Linux's tcp_fin_timeout), counted from the close. */
static void test_fin_wait_2_orphan_times_out_and_is_freed(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_at(&f, SYNACK_SEC(5));
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(65));
    fsm_at(&f, SYNACK_SEC(65) - 1);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_at(&f, SYNACK_SEC(65));
    fsm_expect_none(&f); /* quietly: no RST, as Linux */
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    assert_int_equal(f.ev[f.nev - 1].type, SYNACK_EV_STATE);
    assert_int_equal(f.ev[f.nev - 1].new_state, SYNACK_CLOSED);
    assert_int_equal(f.ev[f.nev - 1].cause, SYNACK_CAUSE_TIMEOUT);
    fsm_free(&f);
}

/* Closed before the ACK of its FIN came: the timeout starts on entering FIN-WAIT-2; the peer's
 * FIN before it still leads to TIME-WAIT. fin_wait_2_timeout = 0 waits forever (RFC 9293). */
static void test_fin_wait_2_orphan_entered_late_still_takes_fin(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_at(&f, SYNACK_MSEC(100));
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_MSEC(100) + SYNACK_SEC(60));
    fsm_at(&f, SYNACK_SEC(30));
    fsm_send(&f, FIN | ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 1);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(30) + SYNACK_SEC(60));
    assert_int_equal(fsm_count_state(&f, SYNACK_TIME_WAIT), 1);
    fsm_free(&f);

    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.fin_wait_2_timeout = 0;
    fsm_init(&f, &cfg);
    fsm_fin_wait_2(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

/* RFC9293: SHLD-3 */
/* §3.6.1: new data after CLOSE (the handle released) is answered by <SEQ=SEG.ACK><CTL=RST>, as
 * Linux and the BSDs, and the connection is gone; a retransmission of data already taken is
 * only ACKed, and a half-close (SHUTDOWN, handle kept) takes the data (test above). */
static void test_fin_wait_2_data_after_close_is_reset(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, "ab", 2);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 2);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 2);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    f.conn = NULL;
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, "ab", 2); /* old: only ACKed */
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 2);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_send(&f, ACK | PSH, f.peer_nxt + 1, f.iss + 2, "bcd", 3); /* partly new */
    const struct fsm_seg *s = fsm_expect(&f, RST, f.iss + 2, 0);
    assert_int_equal(s->len, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_DATA_AFTER_CLOSE), 1);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_DATA_AFTER_CLOSE), 1);
    const struct synack_event *ev = fsm_last_state_event(&f);
    assert_non_null(ev);
    assert_int_equal(ev->new_state, SYNACK_CLOSED);
    assert_int_equal(ev->cause, SYNACK_CAUSE_DATA_AFTER_CLOSE);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fin_wait_2_fin_enters_time_wait_with_ack),
        cmocka_unit_test(test_fin_wait_2_data_is_acked_and_readable),
        cmocka_unit_test(test_fin_wait_2_data_with_fin_enters_time_wait),
        cmocka_unit_test(test_fin_wait_2_out_of_order_fin_is_not_taken),
        cmocka_unit_test(test_fin_wait_2_has_no_timer_while_the_handle_is_held),
        cmocka_unit_test(test_fin_wait_2_rst_resets),
        cmocka_unit_test(test_fin_wait_2_rst_out_of_window_is_dropped),
        cmocka_unit_test(test_fin_wait_2_shutdown_and_send_report_connection_closing),
        cmocka_unit_test(test_fin_wait_2_syn_gets_challenge_ack),
        cmocka_unit_test(test_fin_wait_2_abort_sends_rst),
        cmocka_unit_test(test_fin_wait_2_orphan_times_out_and_is_freed),
        cmocka_unit_test(test_fin_wait_2_orphan_entered_late_still_takes_fin),
        cmocka_unit_test(test_fin_wait_2_data_after_close_is_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
