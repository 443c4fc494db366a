/* TIME-WAIT: 2 MSL before the TCB is deleted (RFC 9293 §3.10.7.4, eighth step and the
 * timeouts of §3.10.8); a retransmitted FIN is ACKed again and restarts the timer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

/* RFC9293: MUST-13 */
static void test_time_wait_lasts_exactly_two_msl(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f); /* entered at t = 0 */
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(60));
    fsm_at(&f, SYNACK_SEC(60) - 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    fsm_at(&f, SYNACK_SEC(60));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(f.ev[f.nev - 1].cause, SYNACK_CAUSE_TIME_WAIT_END);
    assert_int_equal(synack_conn_error(f.conn), 0);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_time_wait_counts_from_entry(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    fsm_at(&f, SYNACK_MSEC(1234));
    fsm_send(&f, FIN | ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    f.peer_nxt++;
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    synack_time_t end = SYNACK_MSEC(1234) + SYNACK_SEC(60);
    assert_int_equal(synack_stack_next_deadline(f.st), end);
    fsm_at(&f, end - 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    fsm_at(&f, end);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    fsm_free(&f);
}

/* RFC9293: MUST-13 */
static void test_time_wait_uses_configured_msl(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.msl = SYNACK_SEC(2);
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_time_wait(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(4));
    fsm_at(&f, SYNACK_SEC(4) - 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    fsm_at(&f, SYNACK_SEC(4));
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_time_wait_frees_a_closed_handle_at_expiry(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect_none(&f);
    f.conn = NULL;
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_at(&f, SYNACK_SEC(60) - 1);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_at(&f, SYNACK_SEC(60));
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

/* RFC9293: MUST-13 */
static void test_time_wait_retransmitted_fin_restarts_timer(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    fsm_at(&f, SYNACK_SEC(30));
    /* The peer lost our ACK and sends its FIN again. */
    fsm_send(&f, FIN | ACK, f.peer_nxt - 1, f.iss + 2, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(90));
    fsm_at(&f, SYNACK_SEC(60));
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    fsm_at(&f, SYNACK_SEC(90) - 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    fsm_at(&f, SYNACK_SEC(90));
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_count_state(&f, SYNACK_TIME_WAIT), 1); /* never left and re-entered */
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_time_wait_other_segments_do_not_restart_timer(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    fsm_at(&f, SYNACK_SEC(30));
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0); /* a plain ACK: nothing to do */
    fsm_expect_none(&f);
    fsm_send(&f, ACK, f.peer_nxt - 1, f.iss + 2, NULL, 0); /* old: ACKed, no restart */
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(60));
    fsm_at(&f, SYNACK_SEC(60));
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    fsm_free(&f);
}

static void test_time_wait_rst_closes(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

static void test_time_wait_syn_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    fsm_at(&f, SYNACK_SEC(10));
    fsm_send(&f, SYN, f.peer_nxt, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(60));
    fsm_free(&f);
}

static void test_time_wait_recv_returns_end_of_stream(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    fsm_free(&f);
}

static void test_time_wait_send_and_shutdown_report_connection_closing(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -EPIPE);
    assert_int_equal(synack_shutdown(f.conn, f.now), -EPIPE);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    fsm_free(&f);
}

static void test_time_wait_abort_sends_no_rst_and_closes(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    fsm_expect_none(&f); /* §3.10.5: "respond with ok and delete the TCB" */
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_wait_lasts_exactly_two_msl),
        cmocka_unit_test(test_time_wait_counts_from_entry),
        cmocka_unit_test(test_time_wait_uses_configured_msl),
        cmocka_unit_test(test_time_wait_frees_a_closed_handle_at_expiry),
        cmocka_unit_test(test_time_wait_retransmitted_fin_restarts_timer),
        cmocka_unit_test(test_time_wait_other_segments_do_not_restart_timer),
        cmocka_unit_test(test_time_wait_rst_closes),
        cmocka_unit_test(test_time_wait_syn_gets_challenge_ack),
        cmocka_unit_test(test_time_wait_recv_returns_end_of_stream),
        cmocka_unit_test(test_time_wait_send_and_shutdown_report_connection_closing),
        cmocka_unit_test(test_time_wait_abort_sends_no_rst_and_closes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
