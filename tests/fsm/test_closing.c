/* CLOSING: both FINs sent, ours not yet acknowledged (simultaneous close). RFC 9293
 * §3.10.7.4: the ACK of our FIN -> TIME-WAIT; RST -> CLOSED; §3.10.5 ABORT sends nothing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static void test_closing_ack_of_fin_enters_time_wait(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    fsm_at(&f, SYNACK_MSEC(50));
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_MSEC(50) + SYNACK_SEC(60));
    fsm_free(&f);
}

static void test_closing_ack_not_covering_fin_stays(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSING);
    fsm_free(&f);
}

static void test_closing_rst_closes(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

static void test_closing_retransmitted_fin_is_acked_again(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    fsm_send(&f, FIN | ACK, f.peer_nxt - 1, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSING);
    fsm_free(&f);
}

static void test_closing_old_fin_carrying_our_ack_is_only_acked(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    /* The peer's retransmitted FIN now acknowledges ours: the sequence check answers it with
     * an ACK; its ACK field is not processed (§3.10.7.4 first step drops it). */
    fsm_send(&f, FIN | ACK, f.peer_nxt - 1, f.iss + 2, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSING);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    fsm_free(&f);
}

static void test_closing_data_is_ignored(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, "junk", 4);
    fsm_expect_none(&f);
    struct synack_status st;
    assert_int_equal(synack_status(f.conn, &st), 0);
    assert_int_equal(st.rcv_nxt, f.peer_nxt);
    assert_int_equal(st.recv_queued, 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSING);
    fsm_free(&f);
}

static void test_closing_syn_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    fsm_send(&f, SYN, f.peer_nxt, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSING);
    fsm_free(&f);
}

static void test_closing_fin_retransmitted_on_rto(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    fsm_at(&f, SYNACK_MSEC(200) - 1);
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_MSEC(200));
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSING);
    fsm_free(&f);
}

static void test_closing_send_reports_connection_closing(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -EPIPE);
    assert_int_equal(synack_shutdown(f.conn, f.now), -EPIPE);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_closing_abort_sends_no_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_closing(&f);
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    fsm_expect_none(&f); /* §3.10.5: "respond with ok and delete the TCB" */
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closing_ack_of_fin_enters_time_wait),
        cmocka_unit_test(test_closing_ack_not_covering_fin_stays),
        cmocka_unit_test(test_closing_rst_closes),
        cmocka_unit_test(test_closing_retransmitted_fin_is_acked_again),
        cmocka_unit_test(test_closing_old_fin_carrying_our_ack_is_only_acked),
        cmocka_unit_test(test_closing_data_is_ignored),
        cmocka_unit_test(test_closing_syn_gets_challenge_ack),
        cmocka_unit_test(test_closing_fin_retransmitted_on_rto),
        cmocka_unit_test(test_closing_send_reports_connection_closing),
        cmocka_unit_test(test_closing_abort_sends_no_rst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
