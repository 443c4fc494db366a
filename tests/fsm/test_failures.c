/* Connection failures (RFC 9293 §3.8.3) on the virtual clock: R1, where the retransmissions of
 * one segment give the IP layer negative advice and the application a distinct event before R2;
 * and R2 set per connection (data retries, SYN retries, the user timeout), inherited by a
 * listener's children. The fsm device is raw IPv4: negative advice there finds no link layer and
 * is counted as a no-op (tests/fsm/test_arp.c shows what it does on Ethernet). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static const struct synack_counters *counters(const struct fsm *f)
{
    return synack_stack_counters(f->st);
}

/* The delivery-problem events so far, and the last one. */
static size_t problems(const struct fsm *f, const struct synack_event **last)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nev; i++)
        if (f->ev[i].type == SYNACK_EV_DELIVERY_PROBLEM) {
            n++;
            if (last) *last = &f->ev[i];
        }
    return n;
}

/* Run the next timer; returns how many segments it sent. */
static unsigned next_timeout(struct fsm *f)
{
    synack_time_t t = synack_stack_next_deadline(f->st);
    assert_true(t != SYNACK_TIME_NEVER);
    fsm_at(f, t);
    unsigned n = 0;
    while (fsm_pop(f, NULL))
        n++;
    return n;
}

/* Established, with "lost" sent and never acknowledged. */
static void established_with_lost_data(struct fsm *f, const struct synack_config *cfg)
{
    fsm_init(f, cfg);
    fsm_established(f);
    assert_int_equal(synack_send(f->conn, "lost", 4, f->now), 4);
    fsm_expect(f, ACK | PSH, f->iss + 1, f->peer_nxt);
}

/* §3.8.3: R1 is 3 retransmissions by default (SHLD-10). Until the third one has gone unanswered
 * nothing is said; at the next timeout the application hears of the delivery problem once
 * (SHLD-9) and IP gets negative advice, and again at every timeout after it (b: "reaches or
 * exceeds"), until R2 closes the connection (MUST-20). */
/* RFC9293: MUST-20, MUST-47, SHLD-9, SHLD-10 */
static void test_failures_data_r1_reported_once_before_r2(void **state)
{
    (void)state;
    struct fsm f;
    established_with_lost_data(&f, NULL);
    const struct synack_config *cfg = synack_stack_config(f.st);
    assert_int_equal(cfg->r1_retries, 3);
    for (unsigned i = 1; i <= 3; i++) {
        assert_int_equal(next_timeout(&f), 1);
        assert_int_equal(fsm_status(&f).retransmits, i);
        assert_int_equal(problems(&f, NULL), 0);
        assert_int_equal(counters(&f)->negative_advice, 0);
    }
    size_t before = f.nev;
    assert_int_equal(next_timeout(&f), 1); /* the fourth retransmission, after the report */
    const struct synack_event *ev = NULL;
    assert_int_equal(problems(&f, &ev), 1);
    assert_ptr_equal(ev->conn, f.conn);
    assert_int_equal(ev->seg.seq, f.iss + 1);
    assert_int_equal(ev->seg.flags, 0);
    assert_int_equal(ev->error, 0);
    assert_true(ev >= &f.ev[before]);
    assert_int_equal(counters(&f)->negative_advice, 1);
    assert_int_equal(counters(&f)->negative_advice_noop, 1); /* raw IPv4: no link layer */
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    while (synack_conn_state(f.conn) == SYNACK_ESTABLISHED)
        next_timeout(&f);
    assert_int_equal(problems(&f, NULL), 1);
    /* Advice at each timeout from the fourth to the last retransmission (R2 = 15). */
    assert_int_equal(counters(&f)->negative_advice, cfg->data_retries - cfg->r1_retries);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    fsm_free(&f);
}

/* Once per reaching: an ACK of new data starts the count again, and a later loss that reaches R1
 * is reported again. r1_retries is a setting (1 here). */
/* RFC9293: SHLD-9 */
static void test_failures_r1_reported_again_after_an_ack(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.r1_retries = 1;
    struct fsm f;
    established_with_lost_data(&f, &cfg);
    next_timeout(&f); /* the first retransmission */
    assert_int_equal(problems(&f, NULL), 0);
    next_timeout(&f); /* unanswered: R1 */
    next_timeout(&f);
    assert_int_equal(problems(&f, NULL), 1);
    assert_int_equal(counters(&f)->negative_advice, 2);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 5, NULL, 0); /* the path works again */
    assert_int_equal(fsm_status(&f).retransmits, 0);
    assert_int_equal(synack_send(f.conn, "more", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 5, f.peer_nxt);
    next_timeout(&f);
    assert_int_equal(problems(&f, NULL), 1);
    next_timeout(&f);
    const struct synack_event *ev = NULL;
    assert_int_equal(problems(&f, &ev), 2);
    assert_int_equal(ev->seg.seq, f.iss + 5);
    fsm_free(&f);
}

/* §3.8.3: "SYN retransmissions MUST be handled in the general way ... including notification of
 * the application layer": R1 for a SYN is reached after three unanswered retransmissions (at
 * 1, 3, 7 s: the timeout at 15 s), well before R2 (7 SYN retransmissions, 183 s). */
/* RFC9293: MUST-20, SHLD-9, SHLD-10 */
static void test_failures_syn_r1_reported_before_r2(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    const synack_time_t at[] = {SYNACK_SEC(1), SYNACK_SEC(3), SYNACK_SEC(7)};
    for (size_t i = 0; i < 3; i++) {
        fsm_at(&f, at[i]);
        fsm_expect(&f, SYN, f.iss, 0);
        assert_int_equal(problems(&f, NULL), 0);
    }
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(15));
    fsm_at(&f, SYNACK_SEC(15));
    fsm_expect(&f, SYN, f.iss, 0);
    const struct synack_event *ev = NULL;
    assert_int_equal(problems(&f, &ev), 1);
    assert_int_equal(ev->seg.flags, SYNACK_TH_SYN);
    assert_int_equal(ev->seg.seq, f.iss);
    assert_int_equal(ev->now, SYNACK_SEC(15));
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    while (synack_conn_state(f.conn) == SYNACK_SYN_SENT)
        next_timeout(&f);
    assert_int_equal(problems(&f, NULL), 1);
    assert_int_equal(counters(&f)->negative_advice, 7 - 3);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    fsm_free(&f);
}

/* With R2 at or below R1 the connection ends without an R1 report: nothing reached R1. */
/* RFC9293: SHLD-9 */
static void test_failures_r2_below_r1_gives_up_without_a_report(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.data_retries = 3;
    struct fsm f;
    established_with_lost_data(&f, &cfg);
    while (synack_conn_state(f.conn) == SYNACK_ESTABLISHED)
        next_timeout(&f);
    assert_int_equal(fsm_status(&f).retransmits, 3);
    assert_int_equal(problems(&f, NULL), 0);
    assert_int_equal(counters(&f)->negative_advice, 0);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    fsm_free(&f);
}

/* MUST-21: R2 for one connection. The stack says 15 data retransmissions; this connection's
 * own setting (2) ends it after two, and another connection of the stack keeps the default. */
/* RFC9293: MUST-21 */
static void test_failures_data_retries_per_connection(void **state)
{
    (void)state;
    struct fsm f;
    established_with_lost_data(&f, NULL);
    struct synack_conn_params p;
    assert_int_equal(synack_conn_params(f.conn, &p), 0);
    assert_int_equal(p.data_retries, 15);
    assert_int_equal(p.syn_retries, 7);
    assert_int_equal(p.user_timeout, 0);
    p.data_retries = 2;
    assert_int_equal(synack_conn_set_params(f.conn, &p, f.now), 0);
    unsigned sent = 0;
    while (synack_conn_state(f.conn) == SYNACK_ESTABLISHED)
        sent += next_timeout(&f);
    assert_int_equal(sent, 2);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    assert_int_equal(synack_stack_config(f.st)->data_retries, 15);
    struct synack_conn_params q;
    synack_conn_params_init(f.st, &q);
    assert_int_equal(q.data_retries, 15);
    fsm_free(&f);
}

/* MUST-21: the user timeout set on an open connection takes effect at once: the backed-off
 * retransmission timer is brought forward to it (a second after the data was sent). Out of
 * range values are refused. */
/* RFC9293: MUST-21 */
static void test_failures_user_timeout_set_during_the_connection(void **state)
{
    (void)state;
    struct fsm f;
    established_with_lost_data(&f, NULL);
    synack_time_t sent_at = f.now;
    next_timeout(&f);
    next_timeout(&f); /* the next timeout lies 0.8 s on, at 1.4 s */
    assert_true(synack_stack_next_deadline(f.st) > sent_at + SYNACK_SEC(1));
    struct synack_conn_params p;
    assert_int_equal(synack_conn_params(f.conn, &p), 0);
    p.user_timeout = SYNACK_USER_TIMEOUT_MAX + 1;
    assert_int_equal(synack_conn_params_check(&p), -EINVAL);
    assert_int_equal(synack_conn_set_params(f.conn, &p, f.now), -EINVAL);
    p.user_timeout = SYNACK_SEC(1);
    assert_int_equal(synack_conn_set_params(f.conn, &p, f.now), 0);
    assert_int_equal(synack_stack_next_deadline(f.st), sent_at + SYNACK_SEC(1));
    fsm_at(&f, sent_at + SYNACK_SEC(1));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    fsm_free(&f);
}

/* MUST-21 for an open (TCP_SYNCNT): one SYN retransmission, then ETIMEDOUT at 3 s. */
/* RFC9293: MUST-21 */
static void test_failures_syn_retries_per_connection(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct synack_conn_params p;
    synack_conn_params_init(f.st, &p);
    p.syn_retries = 1;
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT};
    assert_int_equal(synack_connect_with(f.st, &lo, &re, &p, f.now, &f.conn), 0);
    struct fsm_seg s;
    assert_true(fsm_pop(&f, &s));
    assert_int_equal(next_timeout(&f), 1);
    assert_int_equal(f.now, SYNACK_SEC(1));
    assert_int_equal(next_timeout(&f), 0);
    assert_int_equal(f.now, SYNACK_SEC(3));
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    fsm_free(&f);
}

/* A listener's settings reach its children: an accepted connection gives up after the
 * listener's one data retransmission, and its user timeout is the listener's. */
/* RFC9293: MUST-21 */
static void test_failures_r2_inherited_from_the_listener(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    struct synack_conn_params p;
    assert_int_equal(synack_conn_params(f.listener, &p), 0);
    p.data_retries = 1;
    p.user_timeout = SYNACK_SEC(600);
    assert_int_equal(synack_conn_set_params(f.listener, &p, f.now), 0);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    struct fsm_seg synack;
    assert_true(fsm_pop(&f, &synack));
    assert_int_equal(synack.flags, SYN | ACK);
    f.iss = synack.seq;
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    assert_int_equal(synack_accept(f.listener, &f.conn), 0);
    struct synack_conn_params q;
    assert_int_equal(synack_conn_params(f.conn, &q), 0);
    assert_int_equal(q.data_retries, 1);
    assert_int_equal(q.user_timeout, SYNACK_SEC(600));
    assert_int_equal(synack_send(f.conn, "lost", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    unsigned sent = 0;
    while (synack_conn_state(f.conn) == SYNACK_ESTABLISHED)
        sent += next_timeout(&f);
    assert_int_equal(sent, 1);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failures_data_r1_reported_once_before_r2),
        cmocka_unit_test(test_failures_r1_reported_again_after_an_ack),
        cmocka_unit_test(test_failures_syn_r1_reported_before_r2),
        cmocka_unit_test(test_failures_r2_below_r1_gives_up_without_a_report),
        cmocka_unit_test(test_failures_data_retries_per_connection),
        cmocka_unit_test(test_failures_user_timeout_set_during_the_connection),
        cmocka_unit_test(test_failures_syn_retries_per_connection),
        cmocka_unit_test(test_failures_r2_inherited_from_the_listener),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
