/* LAST-ACK: the peer's FIN came first, ours is out. RFC 9293 §3.10.7.4: the ACK of our FIN
 * -> CLOSED and the TCB is deleted; RST -> CLOSED; the FIN is retransmitted until ACKed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static void test_last_ack_ack_of_fin_closes_and_frees_after_close(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0); /* the handle goes, the TCB stays */
    fsm_expect_none(&f);
    f.conn = NULL;
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(f.ev[f.nev - 1].type, SYNACK_EV_STATE);
    assert_int_equal(f.ev[f.nev - 1].old_state, SYNACK_LAST_ACK);
    assert_int_equal(f.ev[f.nev - 1].cause, SYNACK_CAUSE_RCV_ACK);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    /* Nothing is left: a further segment is answered as for no connection (§3.10.7.1). */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect(&f, RST, f.iss + 2, 0);
    fsm_free(&f);
}

static void test_last_ack_ack_of_fin_closes_then_close_frees(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_conn_error(f.conn), 0);     /* a clean close */
    assert_int_equal(synack_stack_conn_count(f.st), 1); /* the handle keeps it */
    assert_int_equal(synack_close(f.conn, f.now), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_last_ack_ack_not_covering_fin_stays(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_LAST_ACK);
    fsm_free(&f);
}

static void test_last_ack_fin_retransmitted_on_rto(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rto_min = SYNACK_SEC(1);
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_last_ack(&f);
    const synack_time_t at[] = {SYNACK_SEC(1), SYNACK_SEC(3), SYNACK_SEC(7)};
    for (size_t i = 0; i < 3; i++) {
        fsm_at(&f, at[i] - 1);
        fsm_expect_none(&f);
        fsm_at(&f, at[i]);
        fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
        fsm_expect_none(&f);
        assert_int_equal(synack_conn_state(f.conn), SYNACK_LAST_ACK);
    }
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    fsm_free(&f);
}

static void test_last_ack_gives_up_after_data_retries(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rto_min = SYNACK_SEC(1);
    cfg.data_retries = 2;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_last_ack(&f);
    fsm_at(&f, SYNACK_SEC(1));
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_at(&f, SYNACK_SEC(3));
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_at(&f, SYNACK_SEC(7));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    fsm_free(&f);
}

static void test_last_ack_rst_closes(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_last_ack_retransmitted_fin_is_acked_again(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    fsm_send(&f, FIN | ACK, f.peer_nxt - 1, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_LAST_ACK);
    fsm_free(&f);
}

static void test_last_ack_syn_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    fsm_send(&f, SYN, f.peer_nxt, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_LAST_ACK);
    fsm_free(&f);
}

static void test_last_ack_send_reports_connection_closing(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -EPIPE);
    assert_int_equal(synack_shutdown(f.conn, f.now), -EPIPE);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_last_ack_abort_sends_no_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    fsm_expect_none(&f); /* §3.10.5: "respond with ok and delete the TCB" */
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_ack_ack_of_fin_closes_and_frees_after_close),
        cmocka_unit_test(test_last_ack_ack_of_fin_closes_then_close_frees),
        cmocka_unit_test(test_last_ack_ack_not_covering_fin_stays),
        cmocka_unit_test(test_last_ack_fin_retransmitted_on_rto),
        cmocka_unit_test(test_last_ack_gives_up_after_data_retries),
        cmocka_unit_test(test_last_ack_rst_closes),
        cmocka_unit_test(test_last_ack_retransmitted_fin_is_acked_again),
        cmocka_unit_test(test_last_ack_syn_gets_challenge_ack),
        cmocka_unit_test(test_last_ack_send_reports_connection_closing),
        cmocka_unit_test(test_last_ack_abort_sends_no_rst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
