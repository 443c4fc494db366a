/* Keepalive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) and the user timeout (§3.8.3, RFC 5482), on the
 * virtual clock. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static void keepalive_cfg(struct synack_config *cfg)
{
    synack_config_init(cfg);
    cfg->keepalive = true;
    cfg->keepidle = SYNACK_SEC(10);
    cfg->keepintvl = SYNACK_SEC(2);
    cfg->keepcnt = 3;
}

/* RFC9293: MUST-25 */
static void test_keepalive_off_by_default_sends_nothing(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_at(&f, SYNACK_SEC(3 * 3600));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

/* RFC9293: MUST-26, MUST-27, SHLD-12, MAY-5 */
static void test_keepalive_probe_after_idle_and_answer_resets(void **state)
{
    (void)state;
    struct synack_config cfg;
    keepalive_cfg(&cfg);
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(10));
    fsm_at(&f, SYNACK_SEC(10) - 1);
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_SEC(10));
    /* <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK>, no data */
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss, f.peer_nxt);
    assert_int_equal(s->len, 0);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0); /* the peer answers */
    fsm_at(&f, SYNACK_SEC(19));
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_SEC(20)); /* idle again for keepidle since the answer */
    fsm_expect(&f, ACK, f.iss, f.peer_nxt);
    fsm_free(&f);
}

/* RFC9293: MUST-29 */
static void test_keepalive_unanswered_probes_time_out_with_rst(void **state)
{
    (void)state;
    struct synack_config cfg;
    keepalive_cfg(&cfg);
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    for (int i = 0; i < 3; i++) { /* probes at 10, 12 and 14 s */
        fsm_at(&f, SYNACK_SEC(10 + 2 * i));
        fsm_expect(&f, ACK, f.iss, f.peer_nxt);
        fsm_expect_none(&f);
    }
    fsm_at(&f, SYNACK_SEC(16));
    fsm_expect(&f, RST | ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    fsm_free(&f);
}

/* RFC9293: MUST-24 */
static void test_keepalive_per_connection_switch(void **state)
{
    (void)state;
    struct synack_config cfg;
    keepalive_cfg(&cfg);
    cfg.keepalive = false;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    fsm_at(&f, SYNACK_SEC(5));
    assert_int_equal(synack_set_keepalive(f.conn, true, f.now), 0);
    fsm_at(&f, SYNACK_SEC(15));
    fsm_expect(&f, ACK, f.iss, f.peer_nxt);
    assert_int_equal(synack_set_keepalive(f.conn, false, f.now), 0);
    fsm_at(&f, SYNACK_SEC(100));
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* Switched on with the default settings, the first probe waits two hours of silence (§3.8.4:
 * the interval "MUST default to no less than two hours"). */
/* RFC9293: MUST-28 */
static void test_keepalive_default_idle_is_two_hours(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_set_keepalive(f.conn, true, f.now), 0);
    fsm_at(&f, SYNACK_SEC(2 * 3600) - 1);
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_SEC(2 * 3600));
    assert_int_equal(fsm_expect(&f, ACK, f.iss, f.peer_nxt)->len, 0);
    fsm_free(&f);
}

/* No probe while sent data is outstanding: the retransmission timer watches the peer then
 * (§3.8.4: "only ... when no sent data is outstanding"). Once all is acknowledged, the idle time
 * counts from the peer's last segment. */
/* RFC9293: MUST-26 */
static void test_keepalive_not_sent_while_data_is_outstanding(void **state)
{
    (void)state;
    struct synack_config cfg;
    keepalive_cfg(&cfg);
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    fsm_at(&f, SYNACK_SEC(9));
    assert_int_equal(synack_send(f.conn, "data", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    while (synack_stack_next_deadline(f.st) <= SYNACK_SEC(14)) { /* the keepalive was due at 10 */
        fsm_at(&f, synack_stack_next_deadline(f.st));
        struct fsm_seg s;
        while (fsm_pop(&f, &s)) { /* retransmissions only, never a probe */
            assert_int_equal(s.seq, f.iss + 1);
            assert_int_equal(s.len, 4);
        }
    }
    fsm_at(&f, SYNACK_SEC(14));
    while (fsm_pop(&f, NULL)) {
    }
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 5, NULL, 0); /* all acknowledged at 14 s */
    fsm_at(&f, SYNACK_SEC(24) - 1);
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_SEC(24));
    fsm_expect(&f, ACK, f.iss + 4, f.peer_nxt); /* <SEQ=SND.UNA-1> */
    fsm_free(&f);
}

/* Unacknowledged data for user_timeout ends the connection, even between two backed-off RTOs. */
/* RFC9293: MUST-21 */
static void test_user_timeout_ends_connection_with_unacked_data(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.user_timeout = SYNACK_SEC(5);
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), 1);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    synack_time_t t = 0;
    while (synack_conn_state(f.conn) == SYNACK_ESTABLISHED && t < SYNACK_SEC(60)) {
        t = synack_stack_next_deadline(f.st);
        fsm_at(&f, t);
        while (fsm_pop(&f, NULL)) {
        }
    }
    assert_int_equal(t, SYNACK_SEC(5));
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keepalive_off_by_default_sends_nothing),
        cmocka_unit_test(test_keepalive_probe_after_idle_and_answer_resets),
        cmocka_unit_test(test_keepalive_unanswered_probes_time_out_with_rst),
        cmocka_unit_test(test_keepalive_per_connection_switch),
        cmocka_unit_test(test_keepalive_default_idle_is_two_hours),
        cmocka_unit_test(test_keepalive_not_sent_while_data_is_outstanding),
        cmocka_unit_test(test_user_timeout_ends_connection_with_unacked_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
