/* SYN-RECEIVED, reached passively (LISTEN + SYN: a listener's child) and actively (SYN-SENT +
 * SYN: simultaneous open): RFC 9293 §3.10.7.4 in this state (acceptability, RST with RFC 5961 §3,
 * SYN, the ACK that completes the handshake), SYN,ACK retransmission, and the user calls
 * (§3.10.2-§3.10.5). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static struct synack_conn *last_conn_into(const struct fsm *f, enum synack_state st)
{
    for (size_t i = f->nev; i-- > 0;)
        if (f->ev[i].type == SYNACK_EV_STATE && f->ev[i].new_state == st) return f->ev[i].conn;
    return NULL;
}

/* The receive window the SYN,ACK offered: the 64 KiB buffer, capped to 16 bits. */
#define SYN_WND 65535u

/* ---- the ACK of our SYN ---- */

static void test_syn_received_ack_establishes_passive_child_and_it_is_acceptable(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    struct synack_conn *c = NULL;
    assert_int_equal(synack_accept(f.listener, &c), -EAGAIN);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ACCEPTABLE), 0);
    fsm_at(&f, SYNACK_MSEC(40));
    fsm_send_opts(&f, ACK, f.peer_nxt, f.iss + 1, 4000, NULL, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    const struct synack_event *ev = fsm_last_state_event(&f);
    assert_ptr_equal(ev->conn, f.conn);
    assert_int_equal(ev->old_state, SYNACK_SYN_RECEIVED);
    assert_int_equal(ev->cause, SYNACK_CAUSE_RCV_ACK);
    /* The listener is told, and accept hands over exactly this child. */
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ACCEPTABLE), 1);
    assert_ptr_equal(f.ev[f.nev - 1].conn, f.listener);
    assert_int_equal(synack_accept(f.listener, &c), 0);
    assert_ptr_equal(c, f.conn);
    assert_int_equal(synack_accept(f.listener, &c), -EAGAIN);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.snd_una, f.iss + 1);
    assert_int_equal(st.snd_wnd, 4000);         /* SND.WND from the ACK (SND.WL1/WL2 set) */
    assert_int_equal(st.rto, SYNACK_MSEC(200)); /* 40 ms sample: 40 + 4*20 = 120 -> rto_min */
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

static void test_syn_received_ack_establishes_active_open(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_last_state_event(&f)->old_state, SYNACK_SYN_RECEIVED);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ACCEPTABLE), 0);
    fsm_free(&f);
}

/* RFC9293: MUST-10 */
static void test_syn_received_peer_syn_ack_completes_simultaneous_open(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    /* RFC 9293 Figure 8 line 6: the peer's SYN,ACK <SEQ=IRS><ACK=ISS+1> -> ESTABLISHED, and
     * nothing more is sent (line 7 is our SYN,ACK already on its way). */
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_status(&f).rcv_nxt, FSM_PEER_ISS + 1);
    fsm_free(&f);
}

static void test_syn_received_ack_with_data_establishes_and_acks_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "hello", 5);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 5);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    struct synack_conn *c;
    assert_int_equal(synack_accept(f.listener, &c), 0);
    char buf[8];
    assert_int_equal(synack_recv(c, buf, sizeof buf, f.now), 5);
    assert_memory_equal(buf, "hello", 5);
    fsm_free(&f);
}

static void test_syn_received_ack_with_fin_goes_through_established_to_close_wait(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    fsm_send(&f, FIN | ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 1);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_ESTABLISHED), 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    fsm_free(&f);
}

static void test_syn_received_ack_window_is_scaled_when_negotiated(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_WSCALE, .mss = 1460, .wscale = 3};
    fsm_send_opts(&f, SYN, FSM_PEER_ISS, 0, 5000, &o, NULL, 0);
    f.conn = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    f.iss = fsm_status(&f).iss;
    fsm_expect(&f, SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    assert_int_equal(fsm_status(&f).snd_wnd, 5000); /* the SYN's window: unscaled */
    fsm_send_opts(&f, ACK, FSM_PEER_ISS + 1, f.iss + 1, 100, NULL, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_status(&f).snd_wnd, 800); /* RFC 7323 §2.2: scaled from now on */
    fsm_free(&f);
}

static void test_syn_received_bad_ack_gets_rst_seq_seg_ack(void **state)
{
    (void)state;
    for (int active = 0; active < 2; active++) {
        struct fsm f;
        fsm_init(&f, NULL);
        if (active)
            fsm_syn_received_active(&f);
        else
            fsm_syn_received(&f);
        /* "If the segment acknowledgment is not acceptable, form a reset segment
         * <SEQ=SEG.ACK><CTL=RST> and send it": SEG.ACK = SND.UNA and SEG.ACK > SND.NXT. */
        fsm_send(&f, ACK, f.peer_nxt, f.iss, NULL, 0);
        fsm_expect(&f, RST, f.iss, 0);
        fsm_expect_none(&f);
        fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
        fsm_expect(&f, RST, f.iss + 2, 0);
        fsm_expect_none(&f);
        assert_int_equal(fsm_rsts(&f, SYNACK_RST_BAD_ACK), 2);
        assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED);
        /* The connection stays: the right ACK still completes it. */
        fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
        fsm_expect_none(&f);
        assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
        fsm_free(&f);
    }
}

static void test_syn_received_segment_without_ack_bit_is_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    fsm_send(&f, PSH, f.peer_nxt, 0, "data", 4); /* "if the ACK bit is off, drop" */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_ACK), 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED);
    assert_int_equal(fsm_status(&f).rcv_nxt, f.peer_nxt);
    fsm_free(&f);
}

/* ---- RST ---- */

/* RFC9293: MUST-11 */
static void test_syn_received_rst_in_window_returns_to_listen(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    struct synack_conn *child = f.conn;
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    /* "return this connection to LISTEN state and return. The user need not be informed." */
    const struct synack_event *ev = fsm_last_state_event(&f);
    assert_ptr_equal(ev->conn, child);
    assert_int_equal(ev->old_state, SYNACK_SYN_RECEIVED);
    assert_int_equal(ev->new_state, SYNACK_LISTEN);
    assert_int_equal(ev->cause, SYNACK_CAUSE_RCV_RST);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ERROR), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 1); /* the half-open child is gone */
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    /* "the retransmission queue should be flushed": no SYN,ACK later. */
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_at(&f, SYNACK_SEC(5));
    fsm_expect_none(&f);
    /* The listener still takes the next SYN. */
    fsm_send(&f, SYN, FSM_PEER_ISS + 50000, 0, NULL, 0);
    struct synack_conn *again = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    struct synack_status st;
    assert_int_equal(synack_status(again, &st), 0);
    fsm_expect(&f, SYN | ACK, st.iss, FSM_PEER_ISS + 50001);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 2);
    fsm_free(&f);
}

/* RFC9293: MUST-11 */
static void test_syn_received_active_rst_in_window_is_connection_refused(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    /* "came from SYN-SENT state: the connection was refused; signal 'connection refused'...
     * enter the CLOSED state and delete the TCB" */
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNREFUSED);
    assert_int_equal(synack_conn_error(f.conn), -ECONNREFUSED);
    assert_int_equal(fsm_last_state_event(&f)->old_state, SYNACK_SYN_RECEIVED);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

static void test_syn_received_rst_in_window_not_at_rcv_nxt_gets_challenge_ack(void **state)
{
    (void)state;
    for (int active = 0; active < 2; active++) {
        struct fsm f;
        fsm_init(&f, NULL);
        if (active)
            fsm_syn_received_active(&f);
        else
            fsm_syn_received(&f);
        /* RFC 5961 §3.2: in window but not exactly RCV.NXT: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
        fsm_send(&f, RST, f.peer_nxt + 1, 0, NULL, 0);
        fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
        fsm_expect_none(&f);
        fsm_send(&f, RST, f.peer_nxt + SYN_WND - 1, 0, NULL, 0); /* the window's last number */
        fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
        fsm_expect_none(&f);
        assert_int_equal(fsm_drops(&f, SYNACK_DROP_RST_CHALLENGED), 2);
        assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED);
        assert_int_equal(fsm_last_error(&f), 0);
        fsm_free(&f);
    }
}

static void test_syn_received_rst_in_window_resets_without_rfc5961(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rfc5961_rst = false;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_syn_received(&f);
    fsm_send(&f, RST, f.peer_nxt + 1000, 0, NULL, 0); /* RFC 9293 alone: any in-window RST */
    fsm_expect_none(&f);
    assert_int_equal(fsm_last_state_event(&f)->new_state, SYNACK_LISTEN);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_free(&f);

    fsm_init(&f, &cfg);
    fsm_syn_received_active(&f);
    fsm_send(&f, RST, f.peer_nxt + 1000, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNREFUSED);
    fsm_free(&f);
}

static void test_syn_received_rst_outside_window_is_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    fsm_send(&f, RST, f.peer_nxt - 1, 0, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST, f.peer_nxt + SYN_WND, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_RST_OUT_OF_WINDOW), 2);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED);
    assert_int_equal(synack_stack_conn_count(f.st), 2);
    fsm_free(&f);
}

/* ---- SYN ---- */

static void test_syn_received_retransmitted_syn_gets_syn_ack_again(void **state)
{
    (void)state;
    for (int active = 0; active < 2; active++) {
        struct fsm f;
        fsm_init(&f, NULL);
        if (active)
            fsm_syn_received_active(&f);
        else
            fsm_syn_received(&f);
        /* The peer's SYN again (our SYN,ACK was lost): it lies before RCV.NXT, unacceptable;
         * the answer that moves the peer on is our SYN,ACK <SEQ=ISS><ACK=RCV.NXT>. */
        fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
        fsm_expect(&f, SYN | ACK, f.iss, FSM_PEER_ISS + 1);
        fsm_expect_none(&f);
        assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 1);
        struct synack_status st = fsm_status(&f);
        assert_int_equal(st.state, SYNACK_SYN_RECEIVED);
        assert_int_equal(st.snd_nxt, f.iss + 1);
        fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
        fsm_expect_none(&f);
        assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
        fsm_free(&f);
    }
}

static void test_syn_received_unacceptable_segment_gets_syn_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    /* §3.10.7.4: an unacceptable segment draws an acknowledgment; our SYN is still
     * unacknowledged, so it is the SYN,ACK that carries it. */
    fsm_send(&f, ACK, f.peer_nxt + SYN_WND, f.iss + 1, "x", 1);
    fsm_expect(&f, SYN | ACK, f.iss, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED); /* its ACK not taken */
    fsm_free(&f);
}

/* RFC9293: MUST-11 */
static void test_syn_received_passive_in_window_syn_returns_to_listen(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    /* §3.10.7.4 fourth, SYN-RECEIVED: "If the connection was initiated with a passive OPEN,
     * then return this connection to the LISTEN state and return." */
    fsm_send(&f, SYN, f.peer_nxt + 10, 0, NULL, 0);
    fsm_expect_none(&f);
    const struct synack_event *ev = fsm_last_state_event(&f);
    assert_int_equal(ev->old_state, SYNACK_SYN_RECEIVED);
    assert_int_equal(ev->new_state, SYNACK_LISTEN);
    assert_int_equal(ev->cause, SYNACK_CAUSE_RCV_SYN);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    fsm_free(&f);
}

/* RFC9293: MUST-11 */
static void test_syn_received_active_in_window_syn_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    /* Not from LISTEN: the synchronized-state rule, RFC 5961 §4 challenge ACK. */
    fsm_send(&f, SYN, f.peer_nxt + 10, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_SYN_CHALLENGED), 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED);
    fsm_free(&f);
}

static void test_syn_received_recovers_from_old_duplicate_syn_figure_9(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    /* RFC 9293 Figure 9, line 3: an old duplicate SYN <SEQ=90> reaches the listener. */
    fsm_send(&f, SYN, 90, 0, NULL, 0);
    struct synack_conn *old = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    struct synack_status st;
    assert_int_equal(synack_status(old, &st), 0);
    fsm_expect(&f, SYN | ACK, st.iss, 91); /* line 4 */
    /* Line 5: the peer, in SYN-SENT with ISS 100, finds ACK 91 unacceptable: <SEQ=91><RST>. */
    fsm_send(&f, RST, 91, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_last_state_event(&f)->new_state, SYNACK_LISTEN);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    /* Lines 6-8: the real SYN <SEQ=100> gets its own SYN,ACK and the ACK establishes. */
    fsm_send(&f, SYN, 100, 0, NULL, 0);
    f.conn = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    f.iss = fsm_status(&f).iss;
    fsm_expect(&f, SYN | ACK, f.iss, 101);
    fsm_expect_none(&f);
    fsm_send(&f, ACK, 101, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    struct synack_conn *c;
    assert_int_equal(synack_accept(f.listener, &c), 0);
    assert_ptr_equal(c, f.conn);
    fsm_free(&f);
}

/* ---- timers ---- */

static void test_syn_received_syn_ack_retransmitted_on_timeout(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(1)); /* RFC 6298 §2.1 */
    fsm_at(&f, SYNACK_SEC(1) - 1);
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_SEC(1));
    fsm_expect(&f, SYN | ACK, f.iss, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_RETRANSMIT), 1);
    assert_int_equal(fsm_status(&f).retransmits, 1);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(3)); /* backed off: 2 s */
    /* The ACK still completes it; RFC 6298 §5.7: RTO 3 s once data transfer begins. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_status(&f).rto, SYNACK_SEC(3));
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

/* ---- user calls ---- */

static void test_syn_received_close_sends_fin_and_enters_fin_wait_1(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    /* §3.10.4: "If no SENDs have been issued and there is no pending data to send, then form a
     * FIN segment and send it, and enter FIN-WAIT-1 state". */
    assert_int_equal(synack_shutdown(f.conn, f.now), 0);
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    assert_int_equal(fsm_last_state_event(&f)->old_state, SYNACK_SYN_RECEIVED);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_USER_CLOSE);
    /* The peer ACKs our SYN and our FIN together: FIN-WAIT-2. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_2);
    fsm_free(&f);
}

static void test_syn_received_close_with_queued_data_waits_for_established(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    fsm_expect_none(&f); /* §3.10.2: queued until ESTABLISHED */
    assert_int_equal(synack_shutdown(f.conn, f.now), 0);
    fsm_expect_none(&f); /* §3.10.4: "otherwise, queue for processing after ESTABLISHED" */
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_RECEIVED);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH | FIN, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 3);
    assert_memory_equal(s->data, "abc", 3);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_ESTABLISHED), 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    fsm_free(&f);
}

static void test_syn_received_send_and_recv_wait_for_established(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -EAGAIN);
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    fsm_expect_none(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 3);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_syn_received_abort_sends_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    /* §3.10.5 SYN-RECEIVED: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>". */
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    const struct fsm_seg *s = fsm_expect(&f, RST | ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_ABORT), 1);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_at(&f, SYNACK_SEC(5));
    fsm_expect_none(&f);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syn_received_ack_establishes_passive_child_and_it_is_acceptable),
        cmocka_unit_test(test_syn_received_ack_establishes_active_open),
        cmocka_unit_test(test_syn_received_peer_syn_ack_completes_simultaneous_open),
        cmocka_unit_test(test_syn_received_ack_with_data_establishes_and_acks_data),
        cmocka_unit_test(test_syn_received_ack_with_fin_goes_through_established_to_close_wait),
        cmocka_unit_test(test_syn_received_ack_window_is_scaled_when_negotiated),
        cmocka_unit_test(test_syn_received_bad_ack_gets_rst_seq_seg_ack),
        cmocka_unit_test(test_syn_received_segment_without_ack_bit_is_dropped),
        cmocka_unit_test(test_syn_received_rst_in_window_returns_to_listen),
        cmocka_unit_test(test_syn_received_active_rst_in_window_is_connection_refused),
        cmocka_unit_test(test_syn_received_rst_in_window_not_at_rcv_nxt_gets_challenge_ack),
        cmocka_unit_test(test_syn_received_rst_in_window_resets_without_rfc5961),
        cmocka_unit_test(test_syn_received_rst_outside_window_is_dropped),
        cmocka_unit_test(test_syn_received_retransmitted_syn_gets_syn_ack_again),
        cmocka_unit_test(test_syn_received_unacceptable_segment_gets_syn_ack),
        cmocka_unit_test(test_syn_received_passive_in_window_syn_returns_to_listen),
        cmocka_unit_test(test_syn_received_active_in_window_syn_gets_challenge_ack),
        cmocka_unit_test(test_syn_received_recovers_from_old_duplicate_syn_figure_9),
        cmocka_unit_test(test_syn_received_syn_ack_retransmitted_on_timeout),
        cmocka_unit_test(test_syn_received_close_sends_fin_and_enters_fin_wait_1),
        cmocka_unit_test(test_syn_received_close_with_queued_data_waits_for_established),
        cmocka_unit_test(test_syn_received_send_and_recv_wait_for_established),
        cmocka_unit_test(test_syn_received_abort_sends_rst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
