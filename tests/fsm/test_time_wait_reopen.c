/* A SYN that reopens a closed connection from TIME-WAIT (RFC 9293 §3.6.1, MAY-2) when RFC 6191's
 * rules (SHLD-4) say it is of a new incarnation: a newer timestamp, or with timestamps equal or
 * not in use a sequence number beyond the old one's. The listener on the port takes it; the new
 * ISS lies beyond every sequence number of the old connection. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

#define PEER_TS0 100u

static void send_ts(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t ts_val)
{
    struct sy_tcp_opts o = {.has = SY_OPT_TS, .ts_val = ts_val, .ts_ecr = ack ? 1 : 0};
    fsm_send_opts(f, flags, seq, ack, FSM_PEER_WND, &o, NULL, 0);
}

/* Our close first, then the peer's FIN (with timestamps from PEER_TS0 when ts), the handle
 * released in TIME-WAIT, and a listener on our port. */
static void closed_time_wait(struct fsm *f, bool ts, struct synack_conn **listener)
{
    fsm_init(f, NULL);
    if (ts) {
        fsm_syn_sent(f);
        send_ts(f, SYN | ACK, FSM_PEER_ISS, f->iss + 1, PEER_TS0);
        f->peer_nxt = FSM_PEER_ISS + 1;
        fsm_expect(f, ACK, f->iss + 1, f->peer_nxt);
        assert_true(fsm_status(f).timestamps);
        assert_int_equal(synack_shutdown(f->conn, f->now), 0);
        fsm_expect(f, FIN | ACK, f->iss + 1, f->peer_nxt);
        send_ts(f, FIN | ACK, f->peer_nxt, f->iss + 2, PEER_TS0 + 10);
        f->peer_nxt++;
        fsm_expect(f, ACK, f->iss + 2, f->peer_nxt);
    } else {
        fsm_time_wait(f);
    }
    assert_int_equal(synack_close(f->conn, f->now), 0);
    f->conn = NULL;
    assert_int_equal(fsm_count_state(f, SYNACK_TIME_WAIT), 1);
    struct synack_endpoint ep = {f->local, FSM_LPORT};
    assert_int_equal(synack_listen(f->st, &ep, 8, f->now, listener), 0);
}

/* RFC9293: MAY-2 */
static void test_time_wait_reopen_by_newer_sequence_number(void **state)
{
    (void)state;
    struct fsm f;
    struct synack_conn *l, *c;
    closed_time_wait(&f, false, &l);
    fsm_at(&f, SYNACK_SEC(5));
    uint32_t peer_iss = f.peer_nxt + 100000;
    fsm_send(&f, SYN, peer_iss, 0, NULL, 0);
    /* §3.6.1 (1): the new ISS is beyond the old SND.NXT (here by 64 KiB + 2, as Linux). */
    fsm_expect(&f, SYN | ACK, f.iss + 2 + 65537, peer_iss + 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_counters(f.st)->time_wait_reopened, 1);
    const struct synack_event *ev = &f.ev[0];
    for (size_t i = 0; i < f.nev; i++)
        if (f.ev[i].type == SYNACK_EV_STATE && f.ev[i].old_state == SYNACK_TIME_WAIT) ev = &f.ev[i];
    assert_int_equal(ev->new_state, SYNACK_CLOSED);
    assert_int_equal(ev->cause, SYNACK_CAUSE_RCV_SYN);
    fsm_send(&f, ACK, peer_iss + 1, f.iss + 2 + 65538, NULL, 0);
    assert_int_equal(synack_accept(l, &c), 0);
    assert_int_equal(synack_conn_state(c), SYNACK_ESTABLISHED);
    assert_int_equal(synack_stack_conn_count(f.st), 2); /* the listener and the new one */
    fsm_free(&f);
}

/* An old duplicate (not beyond RCV.NXT) leaves TIME-WAIT as it was (MUST-13): it draws the
 * challenge ACK of RFC 5961 §4; without a listener, or with the switch off, nothing reopens. */
/* RFC9293: MAY-2, MUST-13 */
static void test_time_wait_reopen_not_for_old_syn_or_without_listener(void **state)
{
    (void)state;
    struct fsm f;
    struct synack_conn *l;
    closed_time_wait(&f, false, &l);
    fsm_send(&f, SYN, f.peer_nxt, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 0);
    assert_int_equal(synack_close(l, f.now), 0); /* no listener now */
    fsm_send(&f, SYN, f.peer_nxt + 5000, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_counters(f.st)->time_wait_reopened, 0);
    fsm_free(&f);

    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.time_wait_reopen = false;
    fsm_init(&f, &cfg);
    fsm_time_wait(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    struct synack_endpoint ep = {f.local, FSM_LPORT};
    assert_int_equal(synack_listen(f.st, &ep, 8, f.now, &l), 0);
    fsm_send(&f, SYN, f.peer_nxt + 5000, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    assert_int_equal(synack_stack_counters(f.st)->time_wait_reopened, 0);
    fsm_free(&f);
}

/* With timestamps (RFC 6191 §2): a newer TSval reopens whatever the sequence number; an equal
 * one needs a newer sequence number; an older one never (PAWS drops it, with an ACK). */
/* RFC9293: SHLD-4, MAY-2 */
static void test_time_wait_reopen_by_timestamps(void **state)
{
    (void)state;
    struct fsm f;
    struct synack_conn *l;
    closed_time_wait(&f, true, &l);
    send_ts(&f, SYN, f.peer_nxt + 5000, 0, PEER_TS0 + 9); /* older TSval, newer sequence */
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    send_ts(&f, SYN, f.peer_nxt, 0, PEER_TS0 + 10); /* equal TSval, old sequence */
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_counters(f.st)->time_wait_reopened, 0);
    send_ts(&f, SYN, f.peer_nxt - 50, 0, PEER_TS0 + 11); /* newer TSval, older sequence */
    const struct fsm_seg *s = fsm_expect(&f, SYN | ACK, f.iss + 2 + 65537, f.peer_nxt - 49);
    assert_int_equal(s->opts.ts_ecr, PEER_TS0 + 11);
    assert_int_equal(synack_stack_counters(f.st)->time_wait_reopened, 1);
    fsm_free(&f);

    closed_time_wait(&f, true, &l);
    send_ts(&f, SYN, f.peer_nxt + 1, 0, PEER_TS0 + 10); /* equal TSval, newer sequence */
    fsm_expect(&f, SYN | ACK, f.iss + 2 + 65537, f.peer_nxt + 2);
    assert_int_equal(synack_stack_counters(f.st)->time_wait_reopened, 1);
    fsm_free(&f);
}

/* A connection whose handle is still held (closed with SHUTDOWN only) is not reopened: its
 * owner may still look at it (a SYN draws the challenge ACK, test_time_wait.c). */
/* RFC9293: MAY-2 */
static void test_time_wait_reopen_not_while_the_handle_is_held(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_time_wait(&f);
    struct synack_conn *l;
    struct synack_endpoint ep = {f.local, FSM_LPORT};
    assert_int_equal(synack_listen(f.st, &ep, 8, f.now, &l), 0);
    fsm_send(&f, SYN, f.peer_nxt + 5000, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 2, f.peer_nxt);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_TIME_WAIT);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_wait_reopen_by_newer_sequence_number),
        cmocka_unit_test(test_time_wait_reopen_not_for_old_syn_or_without_listener),
        cmocka_unit_test(test_time_wait_reopen_by_timestamps),
        cmocka_unit_test(test_time_wait_reopen_not_while_the_handle_is_held),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
