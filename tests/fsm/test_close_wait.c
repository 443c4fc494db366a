/* CLOSE-WAIT: the peer's FIN is in; we may still send until the application closes.
 * RFC 9293 §3.10.4 (CLOSE -> LAST-ACK), §3.10.3 (RECEIVE at the end), §3.10.7.4. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static void test_close_wait_close_sends_fin_and_enters_last_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_LAST_ACK), 1);
    assert_int_equal(f.ev[f.nev - 2].old_state, SYNACK_CLOSE_WAIT); /* state, then segment */
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_free(&f);
}

static void test_close_wait_shutdown_sends_fin_and_enters_last_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    assert_int_equal(synack_shutdown(f.conn, f.now), 0);
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_LAST_ACK);
    fsm_free(&f);
}

static void test_close_wait_data_can_still_be_sent(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    assert_int_equal(synack_send(f.conn, "reply", 5, f.now), 5);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 5);
    assert_memory_equal(s->data, "reply", 5);
    fsm_expect_none(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 6, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    /* The FIN follows the data. */
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect(&f, FIN | ACK, f.iss + 6, f.peer_nxt);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_close_wait_recv_returns_zero_after_remaining_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "rest", 4);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 4);
    fsm_send(&f, FIN | ACK, f.peer_nxt + 4, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 5);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    char buf[8];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 4);
    assert_memory_equal(buf, "rest", 4);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_close_wait_peer_data_after_its_fin_is_ignored(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "zombie", 6);
    fsm_expect_none(&f); /* §3.10.7.4 seventh: "Ignore the segment text" */
    struct synack_status st;
    assert_int_equal(synack_status(f.conn, &st), 0);
    assert_int_equal(st.rcv_nxt, f.peer_nxt);
    assert_int_equal(st.recv_queued, 0);
    char buf[8];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    fsm_free(&f);
}

static void test_close_wait_retransmitted_fin_is_acked_again(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    fsm_send(&f, FIN | ACK, f.peer_nxt - 1, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    fsm_free(&f);
}

static void test_close_wait_rst_resets(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -ECONNRESET);
    fsm_free(&f);
}

static void test_close_wait_syn_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    fsm_send(&f, SYN, f.peer_nxt, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    fsm_free(&f);
}

static void test_close_wait_abort_sends_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    fsm_expect(&f, RST | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_wait_close_sends_fin_and_enters_last_ack),
        cmocka_unit_test(test_close_wait_shutdown_sends_fin_and_enters_last_ack),
        cmocka_unit_test(test_close_wait_data_can_still_be_sent),
        cmocka_unit_test(test_close_wait_recv_returns_zero_after_remaining_data),
        cmocka_unit_test(test_close_wait_peer_data_after_its_fin_is_ignored),
        cmocka_unit_test(test_close_wait_retransmitted_fin_is_acked_again),
        cmocka_unit_test(test_close_wait_rst_resets),
        cmocka_unit_test(test_close_wait_syn_gets_challenge_ack),
        cmocka_unit_test(test_close_wait_abort_sends_rst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
