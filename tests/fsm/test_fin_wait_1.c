/* FIN-WAIT-1: our FIN is out (SND.NXT = ISS+2), not yet acknowledged. RFC 9293 §3.10.7.4
 * (ACK and FIN steps), §3.10.2-§3.10.5 (user calls), RFC 6298 (the FIN's retransmission). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

/* FIN-WAIT-1 where the RTO after the handshake is exactly rto_min. */
static void fin_wait_1_rto(struct fsm *f, synack_time_t rto_min, unsigned data_retries)
{
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rto_min = rto_min;
    cfg.data_retries = data_retries;
    fsm_init(f, &cfg);
    fsm_fin_wait_1(f);
    struct synack_status st;
    assert_int_equal(synack_status(f->conn, &st), 0);
    assert_int_equal(st.rto, rto_min);
}

static void test_fin_wait_1_ack_of_fin_enters_fin_wait_2(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER); /* timer off */
    fsm_free(&f);
}

static void test_fin_wait_1_ack_of_data_only_stays(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "data", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(synack_shutdown(f.conn, f.now), 0);
    fsm_expect(&f, FIN | ACK, f.iss + 5, f.peer_nxt);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 5, NULL, 0); /* the data, not the FIN */
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 6, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    fsm_free(&f);
}

static void test_fin_wait_1_fin_without_ack_of_ours_enters_closing(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    fsm_send(&f, FIN | ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSING);
    assert_int_equal(fsm_count_state(&f, SYNACK_FIN_WAIT_2), 0);
    fsm_free(&f);
}

static void test_fin_wait_1_fin_with_ack_of_ours_enters_time_wait_directly(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    size_t ev0 = f.nev;
    fsm_send(&f, FIN | ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    /* One state event, FIN-WAIT-1 -> TIME-WAIT: neither FIN-WAIT-2 nor CLOSING in between. */
    size_t nstate = 0;
    for (size_t i = ev0; i < f.nev; i++) {
        if (f.ev[i].type != SYNACK_EV_STATE) continue;
        nstate++;
        assert_int_equal(f.ev[i].old_state, SYNACK_FIN_WAIT_1);
        assert_int_equal(f.ev[i].new_state, SYNACK_TIME_WAIT);
        assert_int_equal(f.ev[i].cause, SYNACK_CAUSE_RCV_FIN);
    }
    assert_int_equal(nstate, 1);
    assert_int_equal(synack_stack_next_deadline(f.st), f.now + SYNACK_SEC(60));
    fsm_free(&f);
}

static void test_fin_wait_1_data_still_received_and_acked(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "half", 4);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 4);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    char buf[8];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 4);
    assert_memory_equal(buf, "half", 4);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -EAGAIN);
    fsm_free(&f);
}

static void test_fin_wait_1_send_and_shutdown_report_connection_closing(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    assert_int_equal(synack_send(f.conn, "late", 4, f.now), -EPIPE);
    assert_int_equal(synack_shutdown(f.conn, f.now), -EPIPE);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    fsm_free(&f);
}

static void test_fin_wait_1_fin_retransmitted_with_backoff(void **state)
{
    (void)state;
    struct fsm f;
    fin_wait_1_rto(&f, SYNACK_SEC(1), 15);
    /* RFC 6298 §5.5: 1 s, then 2 s, 4 s, 8 s between tries. */
    const synack_time_t at[] = {SYNACK_SEC(1), SYNACK_SEC(3), SYNACK_SEC(7), SYNACK_SEC(15)};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(synack_stack_next_deadline(f.st), at[i]);
        fsm_at(&f, at[i] - 1);
        fsm_expect_none(&f);
        fsm_at(&f, at[i]);
        fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
        fsm_expect_none(&f);
        assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    }
    /* The retransmitted FIN is acknowledged: FIN-WAIT-2, no more retransmissions. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    fsm_at(&f, SYNACK_SEC(100));
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_fin_wait_1_fin_retransmitted_at_default_rto(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    /* A handshake that took no time leaves RTO at its 200 ms floor. */
    fsm_at(&f, SYNACK_MSEC(200) - 1);
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_MSEC(200));
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_at(&f, SYNACK_MSEC(600) - 1);
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_MSEC(600));
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* RFC9293: MUST-20, MUST-21 */
static void test_fin_wait_1_gives_up_after_data_retries_with_etimedout(void **state)
{
    (void)state;
    struct fsm f;
    fin_wait_1_rto(&f, SYNACK_SEC(1), 3);
    const synack_time_t at[] = {SYNACK_SEC(1), SYNACK_SEC(3), SYNACK_SEC(7)};
    for (size_t i = 0; i < 3; i++) {
        fsm_at(&f, at[i]);
        fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    }
    fsm_at(&f, SYNACK_SEC(15) - 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    fsm_at(&f, SYNACK_SEC(15)); /* the fourth timeout: give up (RFC 9293 §3.8.3, R2) */
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    assert_int_equal(synack_stack_counters(f.st)->conns_timed_out, 1);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

static void test_fin_wait_1_rst_resets(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -ECONNRESET);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

static void test_fin_wait_1_rst_in_window_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    fsm_send(&f, RST, f.peer_nxt + 1, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    fsm_free(&f);
}

static void test_fin_wait_1_syn_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    fsm_send(&f, SYN, f.peer_nxt, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    fsm_free(&f);
}

static void test_fin_wait_1_abort_sends_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    fsm_expect(&f, RST | ACK, f.iss + 2, f.peer_nxt); /* <SEQ=SND.NXT><CTL=RST> (§3.10.5), ACK */
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_fin_wait_1_close_finishes_without_the_handle(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect_none(&f); /* the FIN is already out */
    f.conn = NULL;
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_send(&f, FIN | ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt + 1);
    assert_int_equal(fsm_count_state(&f, SYNACK_TIME_WAIT), 1);
    fsm_at(&f, SYNACK_SEC(60));
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

/* RFC9293: SHLD-3 */
/* §3.6.1: data after CLOSE while our FIN is still unacknowledged: RST <SEQ=SEG.ACK>, the
 * connection gone; with the handle kept (SHUTDOWN) the same data is taken (test above). */
static void test_fin_wait_1_data_after_close_is_reset(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_fin_wait_1(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    f.conn = NULL;
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "late", 4);
    const struct fsm_seg *s = fsm_expect(&f, RST, f.iss + 1, 0);
    assert_int_equal(s->len, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_DATA_AFTER_CLOSE), 1);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fin_wait_1_ack_of_fin_enters_fin_wait_2),
        cmocka_unit_test(test_fin_wait_1_ack_of_data_only_stays),
        cmocka_unit_test(test_fin_wait_1_fin_without_ack_of_ours_enters_closing),
        cmocka_unit_test(test_fin_wait_1_fin_with_ack_of_ours_enters_time_wait_directly),
        cmocka_unit_test(test_fin_wait_1_data_still_received_and_acked),
        cmocka_unit_test(test_fin_wait_1_send_and_shutdown_report_connection_closing),
        cmocka_unit_test(test_fin_wait_1_fin_retransmitted_with_backoff),
        cmocka_unit_test(test_fin_wait_1_fin_retransmitted_at_default_rto),
        cmocka_unit_test(test_fin_wait_1_gives_up_after_data_retries_with_etimedout),
        cmocka_unit_test(test_fin_wait_1_rst_resets),
        cmocka_unit_test(test_fin_wait_1_rst_in_window_gets_challenge_ack),
        cmocka_unit_test(test_fin_wait_1_syn_gets_challenge_ack),
        cmocka_unit_test(test_fin_wait_1_abort_sends_rst),
        cmocka_unit_test(test_fin_wait_1_close_finishes_without_the_handle),
        cmocka_unit_test(test_fin_wait_1_data_after_close_is_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
