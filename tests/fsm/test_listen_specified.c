/* LISTEN with a fully specified foreign socket (RFC 9293 §3.10.1): the TCB itself goes
 * LISTEN -> SYN-RECEIVED, back to LISTEN on a RST, and SEND makes it active (LISTEN -> SYN-SENT,
 * §3.10.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static void listen_for(struct fsm *f)
{
    struct synack_endpoint lo = {f->local, FSM_LPORT}, re = {f->remote, FSM_RPORT};
    assert_int_equal(synack_listen_for(f->st, &lo, &re, f->now, &f->conn), 0);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_LISTEN);
    fsm_expect_none(f);
}

static void test_listen_specified_syn_then_ack_establishes_same_handle(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    listen_for(&f);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    struct synack_status st;
    synack_status(f.conn, &st);
    f.iss = st.iss;
    fsm_expect(&f, SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED);
    fsm_send(&f, ACK, FSM_PEER_ISS + 1, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    struct synack_conn *c;
    assert_int_equal(synack_accept(f.conn, &c), -EINVAL); /* nothing to accept: it is the conn */
    fsm_free(&f);
}

static void test_listen_specified_rst_returns_to_listen_then_syn_again(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    listen_for(&f);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    assert_true(fsm_pop(&f, NULL));
    fsm_send(&f, RST, FSM_PEER_ISS + 1, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_LISTEN);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER); /* no SYN,ACK timer */
    /* The same TCB takes the next SYN. */
    fsm_send(&f, SYN, 5000, 0, NULL, 0);
    fsm_expect(&f, SYN | ACK, f.out[0].seq, 5001);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED);
    fsm_free(&f);
}

static void test_listen_specified_send_turns_active(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    listen_for(&f);
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    struct fsm_seg syn;
    assert_true(fsm_pop(&f, &syn));
    assert_int_equal(syn.flags, SYN);
    fsm_expect_none(&f);
    assert_int_equal(f.ev[f.nev - 1].type, SYNACK_EV_SEGMENT_OUT);
    assert_int_equal(fsm_count_state(&f, SYNACK_SYN_SENT), 1);
    /* The queued data follows the handshake. */
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, syn.seq + 1, NULL, 0);
    fsm_expect(&f, ACK, syn.seq + 1, FSM_PEER_ISS + 1);
    const struct fsm_seg *d = fsm_expect(&f, ACK | PSH, syn.seq + 1, FSM_PEER_ISS + 1);
    assert_int_equal(d->len, 3);
    assert_memory_equal(d->data, "abc", 3);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

static void test_listen_specified_ignores_other_peers(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT + 1};
    assert_int_equal(synack_listen_for(f.st, &lo, &re, f.now, &f.conn), 0);
    /* A SYN from FSM_RPORT is for no connection: RST,ACK (§3.10.7.1). */
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    fsm_expect(&f, RST | ACK, 0, FSM_PEER_ISS + 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_LISTEN);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_specified_syn_then_ack_establishes_same_handle),
        cmocka_unit_test(test_listen_specified_rst_returns_to_listen_then_syn_again),
        cmocka_unit_test(test_listen_specified_send_turns_active),
        cmocka_unit_test(test_listen_specified_ignores_other_peers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
