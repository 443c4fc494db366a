/* LISTEN: RFC 9293 §3.10.7.2 (RST ignored, ACK answered by RST, SYN answered by SYN,ACK, the
 * rest dropped), the handshake options of the SYN,ACK (RFC 9293 §3.7.1, RFC 7323 §2.2/§3.2,
 * RFC 2018 §2), the bounded half-open queue and accept backlog (DESIGN rule 5), and the user
 * calls on a listener (§3.10.1-§3.10.5). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"

/* A segment from the peer's address but source port sport (fsm_send always uses FSM_RPORT). */
static void send_from(struct fsm *f, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack,
                      const struct sy_tcp_opts *opts)
{
    uint8_t pkt[SY_IPV4_HDR_LEN + 60];
    struct sy_tcp t = {.sport = sport,
                       .dport = FSM_LPORT,
                       .seq = seq,
                       .ack = ack,
                       .flags = flags,
                       .wnd = FSM_PEER_WND};
    if (opts) t.opts = *opts;
    fsm_send_raw(f, pkt, fsm_build(f, &t, pkt, sizeof pkt));
}

/* The connection of the newest state event into `st`. */
static struct synack_conn *last_conn_into(const struct fsm *f, enum synack_state st)
{
    for (size_t i = f->nev; i-- > 0;)
        if (f->ev[i].type == SYNACK_EV_STATE && f->ev[i].new_state == st) return f->ev[i].conn;
    return NULL;
}

/* A SYN from sport answered by a SYN,ACK: returns the child's ISS. */
static uint32_t syn_from(struct fsm *f, uint16_t sport, uint32_t seq)
{
    send_from(f, sport, SYN, seq, 0, NULL);
    struct fsm_seg s;
    assert_true(fsm_pop(f, &s));
    assert_int_equal(s.flags, SYN | ACK);
    assert_int_equal(s.ack, seq + 1);
    fsm_expect_none(f);
    return s.seq;
}

static void listen_backlog(struct fsm *f, unsigned backlog)
{
    struct synack_endpoint ep = {f->local, FSM_LPORT};
    assert_int_equal(synack_listen(f->st, &ep, backlog, f->now, &f->listener), 0);
}

/* ---- §3.10.7.2 first: RST ---- */

static void test_listen_rst_is_ignored(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    fsm_send(&f, RST, 5000, 0, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST | ACK, 5000, 6000, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST | SYN, 5000, 0, NULL, 0); /* RST is checked before SYN */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_LISTEN_BAD), 3);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_free(&f);
}

/* ---- second: ACK ---- */

static void test_listen_ack_gets_rst_with_seq_seg_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    fsm_send(&f, ACK, 5000, 777, NULL, 0);
    const struct fsm_seg *s = fsm_expect(&f, RST, 777, 0);
    assert_int_equal(s->len, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_LISTEN_ACK), 1);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_LISTEN_BAD), 1);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_free(&f);
}

static void test_listen_ack_bearing_segments_get_rst_even_with_syn(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    fsm_send(&f, SYN | ACK, 5000, 1234, NULL, 0); /* ACK is checked before SYN */
    fsm_expect(&f, RST, 1234, 0);
    fsm_expect_none(&f);
    fsm_send(&f, FIN | ACK, 5000, 99, NULL, 0);
    fsm_expect(&f, RST, 99, 0);
    fsm_expect_none(&f);
    fsm_send(&f, ACK | PSH, 5000, 0, "data", 4);
    fsm_expect(&f, RST, 0, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_LISTEN_ACK), 3);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_free(&f);
}

/* ---- third: SYN ---- */

static void test_listen_syn_gets_syn_ack_and_child_enters_syn_received(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    assert_non_null(child);
    assert_ptr_not_equal(child, f.listener);
    uint32_t iss = fsm_conn_status(child).iss;
    /* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, RCV.NXT = SEG.SEQ+1. */
    const struct fsm_seg *s = fsm_expect(&f, SYN | ACK, iss, FSM_PEER_ISS + 1);
    assert_int_equal(s->len, 0);
    assert_int_equal(s->wnd, 65535); /* 64 KiB buffer; a SYN's window is never scaled */
    fsm_expect_none(&f);
    struct synack_status st = fsm_conn_status(child);
    assert_int_equal(st.state, SYNACK_SYN_RECEIVED);
    assert_int_equal(st.irs, FSM_PEER_ISS);
    assert_int_equal(st.rcv_nxt, FSM_PEER_ISS + 1);
    assert_int_equal(st.snd_una, iss);
    assert_int_equal(st.snd_nxt, iss + 1);
    assert_int_equal(st.snd_wnd, FSM_PEER_WND);
    assert_int_equal(st.remote.port, FSM_RPORT);
    /* The child's first arc is LISTEN -> SYN-RECEIVED; the listener stays in LISTEN. */
    const struct synack_event *ev = NULL;
    for (size_t i = 0; i < f.nev; i++)
        if (f.ev[i].type == SYNACK_EV_STATE && f.ev[i].conn == child) ev = &f.ev[i];
    assert_non_null(ev);
    assert_int_equal(ev->old_state, SYNACK_LISTEN);
    assert_int_equal(ev->cause, SYNACK_CAUSE_RCV_SYN);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    assert_int_equal(synack_stack_conn_count(f.st), 2);
    assert_int_equal(synack_stack_counters(f.st)->conns_opened_passive, 1);
    fsm_free(&f);
}

/* RFC9293: MUST-15, SHLD-5, MAY-3 */
static void test_listen_syn_without_options_gets_mss_only_and_snd_mss_536(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    const struct fsm_seg *s =
        fsm_expect(&f, SYN | ACK, fsm_conn_status(child).iss, FSM_PEER_ISS + 1);
    /* MSS always (RFC 9293 §3.7.1: 1500 - 20 - 20); nothing the peer did not offer. */
    assert_int_equal(s->opts.has, SY_OPT_MSS);
    assert_int_equal(s->opts.mss, 1460);
    struct synack_status st = fsm_conn_status(child);
    assert_int_equal(st.snd_mss, 536); /* §3.7.1: the default when the SYN has no MSS */
    assert_int_equal(st.snd_wscale, -1);
    assert_int_equal(st.rcv_wscale, -1);
    assert_false(st.timestamps);
    assert_false(st.sack_permitted);
    fsm_free(&f);
}

/* RFC9293: MUST-1, MUST-14 */
static void test_listen_syn_with_all_options_gets_them_back(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM | SY_OPT_TS,
                            .mss = 1200,
                            .wscale = 7,
                            .ts_val = 123456,
                            .ts_ecr = 0};
    fsm_send_opts(&f, SYN, FSM_PEER_ISS, 0, 65535, &o, NULL, 0);
    struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    const struct fsm_seg *s =
        fsm_expect(&f, SYN | ACK, fsm_conn_status(child).iss, FSM_PEER_ISS + 1);
    assert_int_equal(s->opts.has, SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM | SY_OPT_TS);
    assert_int_equal(s->opts.mss, 1460);
    assert_int_equal(s->opts.wscale, 1);      /* 64 KiB needs a shift of 1 (RFC 7323 §2.3) */
    assert_int_equal(s->opts.ts_ecr, 123456); /* RFC 7323 §3.2: TSecr echoes the SYN's TSval */
    assert_int_equal(s->wnd, 65535);          /* unscaled in a SYN (RFC 7323 §2.2) */
    fsm_expect_none(&f);
    struct synack_status st = fsm_conn_status(child);
    assert_int_equal(st.snd_mss, 1200);
    assert_int_equal(st.snd_wscale, 7);
    assert_int_equal(st.rcv_wscale, 1);
    assert_true(st.timestamps);
    assert_true(st.sack_permitted);
    assert_int_equal(st.snd_wnd, 65535); /* the SYN's window is taken unscaled */
    fsm_free(&f);
}

static void test_listen_syn_options_are_answered_one_by_one(void **state)
{
    (void)state;
    const uint8_t offer[] = {SY_OPT_WSCALE, SY_OPT_SACK_PERM, SY_OPT_TS};
    for (size_t i = 0; i < 3; i++) {
        struct fsm f;
        fsm_init(&f, NULL);
        fsm_listen(&f);
        struct sy_tcp_opts o = {.has = (uint8_t)(SY_OPT_MSS | offer[i]),
                                .mss = 1000,
                                .wscale = 3,
                                .ts_val = 77,
                                .ts_ecr = 0};
        fsm_send_opts(&f, SYN, FSM_PEER_ISS, 0, 4096, &o, NULL, 0);
        struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
        const struct fsm_seg *s =
            fsm_expect(&f, SYN | ACK, fsm_conn_status(child).iss, FSM_PEER_ISS + 1);
        assert_int_equal(s->opts.has, SY_OPT_MSS | offer[i]);
        if (offer[i] == SY_OPT_TS) assert_int_equal(s->opts.ts_ecr, 77);
        struct synack_status st = fsm_conn_status(child);
        assert_int_equal(st.snd_mss, 1000);
        assert_int_equal(st.snd_wscale, offer[i] == SY_OPT_WSCALE ? 3 : -1);
        assert_int_equal(st.sack_permitted, offer[i] == SY_OPT_SACK_PERM);
        assert_int_equal(st.timestamps, offer[i] == SY_OPT_TS);
        fsm_free(&f);
    }
}

/* RFC9293: MUST-67 */
static void test_listen_options_we_do_not_offer_are_not_answered(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.opt_wscale = cfg.opt_sack = cfg.opt_timestamps = false;
    cfg.mss = 1000;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_listen(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM | SY_OPT_TS,
                            .mss = 1400,
                            .wscale = 7,
                            .ts_val = 5};
    fsm_send_opts(&f, SYN, FSM_PEER_ISS, 0, 65535, &o, NULL, 0);
    struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    const struct fsm_seg *s =
        fsm_expect(&f, SYN | ACK, fsm_conn_status(child).iss, FSM_PEER_ISS + 1);
    assert_int_equal(s->opts.has, SY_OPT_MSS);
    assert_int_equal(s->opts.mss, 1000); /* cfg.mss */
    struct synack_status st = fsm_conn_status(child);
    assert_int_equal(st.snd_mss, 1400);
    assert_int_equal(st.snd_wscale, -1);
    assert_int_equal(st.rcv_wscale, -1);
    assert_false(st.timestamps);
    assert_false(st.sack_permitted);
    fsm_free(&f);
}

static void test_listen_syn_with_data_or_fin_acks_the_syn_only(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    /* "Set RCV.NXT to SEG.SEQ+1": text on the SYN is not acknowledged here (no TFO). */
    fsm_send(&f, SYN | PSH, FSM_PEER_ISS, 0, "early", 5);
    struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    fsm_expect(&f, SYN | ACK, fsm_conn_status(child).iss, FSM_PEER_ISS + 1);
    fsm_expect_none(&f);
    assert_int_equal(fsm_conn_status(child).recv_queued, 0);
    send_from(&f, FSM_RPORT + 1, SYN | FIN, 9000, 0, NULL);
    child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    fsm_expect(&f, SYN | ACK, fsm_conn_status(child).iss, 9001);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(child), SYNACK_SYN_RECEIVED);
    fsm_free(&f);
}

/* RFC9293: MUST-16 */
static void test_listen_peer_mss_is_clamped_to_what_our_device_carries(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS, .mss = 9000};
    fsm_send_opts(&f, SYN, FSM_PEER_ISS, 0, 4096, &o, NULL, 0);
    struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    fsm_expect(&f, SYN | ACK, fsm_conn_status(child).iss, FSM_PEER_ISS + 1);
    /* RFC 9293 §3.7.1: Eff.snd.MSS = min(SendMSS+20, MMS_S) - 20; MMS_S = 1500 - 20. */
    assert_int_equal(fsm_conn_status(child).snd_mss, 1460);
    fsm_free(&f);
}

/* ---- fourth: anything else ---- */

static void test_listen_segment_without_syn_ack_rst_is_dropped_silently(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    fsm_send(&f, FIN, 5000, 0, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, PSH, 5000, 0, "data", 4);
    fsm_expect_none(&f);
    fsm_send(&f, 0, 5000, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_LISTEN_BAD), 3);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_LISTEN_ACK), 0);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_free(&f);
}

/* ---- the queues ---- */

static void test_listen_syn_queue_full_drops_syn_without_reply(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.syn_backlog = 2;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_listen(&f);
    uint32_t iss1 = syn_from(&f, 40001, 100);
    syn_from(&f, 40002, 200);
    send_from(&f, 40003, SYN, 300, 0, NULL);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_SYN_QUEUE_FULL), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 3);
    /* One half-open child completes: its place in the queue is free again. */
    send_from(&f, 40001, ACK, 101, iss1 + 1, NULL);
    fsm_expect_none(&f);
    syn_from(&f, 40003, 300);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_SYN_QUEUE_FULL), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 4);
    fsm_free(&f);
}

static void test_listen_accept_queue_full_drops_syn_without_reply(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    listen_backlog(&f, 1);
    uint32_t iss = syn_from(&f, 40001, 100);
    send_from(&f, 40001, ACK, 101, iss + 1, NULL);
    fsm_expect_none(&f);
    send_from(&f, 40002, SYN, 200, 0, NULL);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ACCEPT_QUEUE_FULL), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 2);
    /* Accepting makes room. */
    struct synack_conn *c;
    assert_int_equal(synack_accept(f.listener, &c), 0);
    assert_int_equal(synack_conn_state(c), SYNACK_ESTABLISHED);
    syn_from(&f, 40002, 200);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ACCEPT_QUEUE_FULL), 1);
    fsm_free(&f);
}

static void test_listen_accept_backlog_holds_when_children_complete_together(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    listen_backlog(&f, 1);
    /* Both SYNs arrive while the accept queue is empty, so both get a SYN,ACK. */
    uint32_t iss1 = syn_from(&f, 40001, 100);
    uint32_t iss2 = syn_from(&f, 40002, 200);
    send_from(&f, 40001, ACK, 101, iss1 + 1, NULL);
    fsm_expect_none(&f);
    struct synack_conn *second = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    assert_int_equal(fsm_conn_status(second).iss, iss2);
    /* The second completes while the queue is full: its ACK is dropped and counted, the child
     * stays half-open (as Linux), and the queue never holds more than the backlog. */
    send_from(&f, 40002, ACK, 201, iss2 + 1, NULL);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ACCEPT_QUEUE_FULL), 1);
    assert_int_equal(synack_conn_state(second), SYNACK_SYN_RECEIVED);
    struct synack_conn *c;
    assert_int_equal(synack_accept(f.listener, &c), 0);
    assert_int_equal(synack_accept(f.listener, &c), -EAGAIN);
    /* Room again: the SYN,ACK timer draws the peer's ACK once more, and it completes. */
    fsm_at(&f, SYNACK_SEC(1));
    fsm_expect(&f, SYN | ACK, iss2, 201);
    fsm_expect_none(&f);
    send_from(&f, 40002, ACK, 201, iss2 + 1, NULL);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(second), SYNACK_ESTABLISHED);
    assert_int_equal(synack_accept(f.listener, &c), 0);
    assert_ptr_equal(c, second);
    fsm_free(&f);
}

/* ---- user calls ---- */

static void test_listen_send_and_recv_are_not_connected(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    /* §3.10.2: "If the foreign socket is unspecified, then return 'error: foreign socket
     * unspecified'"; §3.10.3 RECEIVE in LISTEN queues, here non-blocking: not connected. */
    assert_int_equal(synack_send(f.listener, "x", 1, f.now), -ENOTCONN);
    char buf[4];
    assert_int_equal(synack_recv(f.listener, buf, sizeof buf, f.now), -ENOTCONN);
    assert_int_equal(synack_shutdown(f.listener, f.now), -ENOTCONN);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    fsm_free(&f);
}

static void test_listen_accept_with_empty_queue_is_eagain(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    struct synack_conn *c = NULL;
    assert_int_equal(synack_accept(f.listener, &c), -EAGAIN);
    assert_null(c);
    /* A child still in SYN-RECEIVED is not acceptable either. */
    syn_from(&f, 40001, 100);
    assert_int_equal(synack_accept(f.listener, &c), -EAGAIN);
    fsm_free(&f);
}

static void test_listen_close_enters_closed_and_port_answers_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    assert_int_equal(synack_close(f.listener, f.now), 0);
    fsm_expect_none(&f); /* §3.10.4 LISTEN: "Any outstanding RECEIVEs ... delete TCB" */
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(f.ev[f.nev - 1].old_state, SYNACK_LISTEN);
    assert_int_equal(f.ev[f.nev - 1].cause, SYNACK_CAUSE_USER_CLOSE);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    fsm_expect(&f, RST | ACK, 0, FSM_PEER_ISS + 1);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_listen_abort_enters_closed_without_segment(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    assert_int_equal(synack_abort(f.listener, f.now), 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

/* RFC9293: MUST-41 */
static void test_listen_twice_on_same_port_is_eaddrinuse(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    struct synack_endpoint ep = {f.local, FSM_LPORT};
    struct synack_conn *second = NULL;
    assert_int_equal(synack_listen(f.st, &ep, 8, f.now, &second), -EADDRINUSE);
    assert_null(second);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    /* Once closed, the port is free again. */
    assert_int_equal(synack_close(f.listener, f.now), 0);
    assert_int_equal(synack_listen(f.st, &ep, 8, f.now, &second), 0);
    assert_int_equal(synack_conn_state(second), SYNACK_LISTEN);
    fsm_free(&f);
}

static void test_listen_close_resets_queued_children(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    uint32_t iss1 = syn_from(&f, 40001, 100); /* will be established, in the accept queue */
    send_from(&f, 40001, ACK, 101, iss1 + 1, NULL);
    fsm_expect_none(&f);
    uint32_t iss2 = syn_from(&f, 40002, 200); /* stays in SYN-RECEIVED */
    assert_int_equal(synack_stack_conn_count(f.st), 3);
    assert_int_equal(synack_close(f.listener, f.now), 0);
    /* Each child is reset: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> (§3.10.5), the half-open one
     * first. */
    fsm_expect(&f, RST | ACK, iss2 + 1, 201);
    fsm_expect(&f, RST | ACK, iss1 + 1, 101);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_counters(f.st)->rst_sent[SYNACK_RST_ABORT], 2);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 3);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    /* The children are gone: their peers' segments find no connection (§3.10.7.1). */
    send_from(&f, 40001, ACK, 101, iss1 + 1, NULL);
    fsm_expect(&f, RST, iss1 + 1, 0);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* ---- addresses (RFC 9293 §3.9.1.1, §3.9.2.3) ---- */

/* A passive OPEN on a port that connections in SYN-SENT and SYN-RECEIVED already use is allowed
 * (MUST-42), and it takes nothing from them (MUST-41): their segments still reach them. */
/* RFC9293: MUST-41, MUST-42 */
static void test_listen_beside_connections_opening_on_the_same_port(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f); /* FSM_LPORT -> the peer's FSM_RPORT, SYN-SENT */
    struct synack_conn *active = f.conn;
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT + 1};
    struct synack_conn *half = NULL;
    assert_int_equal(synack_listen_for(f.st, &lo, &re, f.now, &half), 0);
    send_from(&f, FSM_RPORT + 1, SYN, 7000, 0, NULL);
    uint32_t half_iss = fsm_conn_status(half).iss;
    fsm_expect(&f, SYN | ACK, half_iss, 7001);
    assert_int_equal(synack_conn_state(half), SYNACK_SYN_RECEIVED);

    fsm_listen(&f); /* the same local port: no error */
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(active), SYNACK_SYN_SENT);
    assert_int_equal(synack_conn_state(half), SYNACK_SYN_RECEIVED);
    assert_int_equal(synack_stack_conn_count(f.st), 3);

    /* Each opening connection completes on its own segments. */
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(synack_conn_state(active), SYNACK_ESTABLISHED);
    send_from(&f, FSM_RPORT + 1, ACK, 7001, half_iss + 1, NULL);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(half), SYNACK_ESTABLISHED);
    /* The listener takes what is new: a SYN from a third port. */
    syn_from(&f, FSM_RPORT + 2, 9000);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    assert_int_equal(synack_stack_conn_count(f.st), 4);
    fsm_free(&f);
}

/* A listener on any address answers from the address the SYN was sent to and keeps it for the
 * connection (MUST-45); a listener given a local address takes only SYNs to it (MUST-43). */
/* RFC9293: MUST-43, MUST-45 */
static void test_listen_local_address_unspecified_or_given(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    const struct synack_addr second = synack_addr_v4(10, 0, 0, 3);
    assert_int_equal(synack_stack_add_addr(f.st, f.dev, &second, 24), 0);
    struct synack_endpoint any = {{0}, FSM_LPORT}, only = {f.local, FSM_LPORT + 1};
    struct synack_conn *l_any = NULL, *l_one = NULL;
    assert_int_equal(synack_listen(f.st, &any, 8, f.now, &l_any), 0);
    assert_int_equal(synack_listen(f.st, &only, 8, f.now, &l_one), 0);

    fsm_send_between(&f, f.remote.bytes, second.bytes, FSM_RPORT, FSM_LPORT, SYN, 100, 0);
    struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    assert_non_null(child);
    uint32_t iss = fsm_conn_status(child).iss;
    fsm_expect(&f, SYN | ACK, iss, 101);
    assert_true(fsm_last_out_from(&f, &second));
    struct synack_status st = fsm_conn_status(child);
    assert_true(synack_addr_equal(&st.local.addr, &second));
    fsm_send_between(&f, f.remote.bytes, second.bytes, FSM_RPORT, FSM_LPORT, ACK, 101, iss + 1);
    assert_int_equal(synack_conn_state(child), SYNACK_ESTABLISHED);
    assert_int_equal(synack_send(child, "x", 1, f.now), 1);
    fsm_expect(&f, ACK | PSH, iss + 1, 101);
    assert_true(fsm_last_out_from(&f, &second)); /* later segments too */

    /* The listener bound to 10.0.0.1 does not take a SYN to 10.0.0.3: no connection, a RST. */
    fsm_send_between(&f, f.remote.bytes, second.bytes, FSM_RPORT, FSM_LPORT + 1, SYN, 500, 0);
    fsm_expect(&f, RST | ACK, 0, 501);
    fsm_send_between(&f, f.remote.bytes, f.local.bytes, FSM_RPORT, FSM_LPORT + 1, SYN, 500, 0);
    struct synack_conn *other = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    assert_ptr_not_equal(other, child);
    fsm_expect(&f, SYN | ACK, fsm_conn_status(other).iss, 501);
    assert_true(fsm_last_out_from(&f, &f.local));
    fsm_free(&f);
}

/* RFC 1122 §4.2.3.10: a SYN sent to a broadcast or multicast address is discarded without a
 * word, even by a listener on any address. */
/* RFC9293: MUST-57 */
static void test_listen_syn_to_broadcast_or_multicast_is_dropped_silently(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct synack_endpoint any = {{0}, FSM_LPORT};
    assert_int_equal(synack_listen(f.st, &any, 8, f.now, &f.listener), 0);
    static const uint8_t dsts[][4] = {{255, 255, 255, 255}, {10, 0, 0, 255}, {224, 0, 0, 1}};
    for (size_t i = 0; i < 3; i++)
        fsm_send_between(&f, f.remote.bytes, dsts[i], FSM_RPORT, FSM_LPORT, SYN, 100, 0);
    fsm_expect_none(&f);
    assert_int_equal(f.nother, 0);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_NOT_OURS), 3);
    assert_int_equal(synack_stack_conn_count(f.st), 1); /* no child */
    assert_int_equal(synack_stack_counters(f.st)->conns_opened_passive, 0);
    fsm_free(&f);
}

/* RFC 1122 §4.2.3.10: a SYN from a multicast, broadcast or unspecified source is ignored. */
/* RFC9293: MUST-63 */
static void test_listen_syn_from_invalid_source_is_dropped_silently(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    /* multicast, limited broadcast, "this host", our subnet's broadcast (10.0.0.0/24), loopback
     * arriving on a device, class E (RFC 1122 §3.2.1.3) */
    static const uint8_t srcs[][4] = {{224, 0, 0, 5}, {239, 1, 2, 3},  {255, 255, 255, 255},
                                      {0, 0, 0, 0},   {10, 0, 0, 255}, {127, 0, 0, 1},
                                      {240, 0, 0, 9}};
    for (size_t i = 0; i < 7; i++)
        fsm_send_between(&f, srcs[i], f.local.bytes, FSM_RPORT, FSM_LPORT, SYN, 100, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TCP_BAD_ADDR), 7);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    assert_int_equal(synack_stack_counters(f.st)->conns_opened_passive, 0);
    fsm_free(&f);
}

/* IP options TCP does not understand (here Record Route, RFC 791) are ignored: the SYN is
 * taken as if they were not there. */
/* RFC9293: MUST-50 */
static void test_listen_syn_with_ip_options_is_answered(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    uint8_t pkt[28 + 20];
    struct sy_tcp t = {
        .sport = FSM_RPORT, .dport = FSM_LPORT, .seq = 100, .flags = SYN, .wnd = FSM_PEER_WND};
    assert_int_equal(sy_tcp_emit_v4(&t, f.remote.bytes, f.local.bytes, pkt + 28, 20), 20);
    struct sy_ipv4 ip = {.total_len = sizeof pkt, .ttl = 64, .proto = SY_IPPROTO_TCP};
    memcpy(ip.src, f.remote.bytes, 4);
    memcpy(ip.dst, f.local.bytes, 4);
    uint8_t hdr[SY_IPV4_HDR_LEN];
    sy_ipv4_emit(&ip, hdr, sizeof hdr);
    memcpy(pkt, hdr, SY_IPV4_HDR_LEN);
    pkt[0] = 0x47;                                  /* IHL 7: 8 octets of options */
    const uint8_t rr[8] = {7, 7, 4, 0, 0, 0, 0, 0}; /* Record Route, one empty slot; EOL */
    memcpy(pkt + SY_IPV4_HDR_LEN, rr, sizeof rr);
    sy_put16(pkt + 2, sizeof pkt);
    sy_put16(pkt + 10, 0);
    sy_put16(pkt + 10, sy_csum_finish(sy_csum_add(0, pkt, 28)));
    fsm_send_raw(&f, pkt, sizeof pkt);
    struct synack_conn *child = last_conn_into(&f, SYNACK_SYN_RECEIVED);
    assert_non_null(child);
    fsm_expect(&f, SYN | ACK, fsm_conn_status(child).iss, 101);
    fsm_expect_none(&f);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_rst_is_ignored),
        cmocka_unit_test(test_listen_ack_gets_rst_with_seq_seg_ack),
        cmocka_unit_test(test_listen_ack_bearing_segments_get_rst_even_with_syn),
        cmocka_unit_test(test_listen_syn_gets_syn_ack_and_child_enters_syn_received),
        cmocka_unit_test(test_listen_syn_without_options_gets_mss_only_and_snd_mss_536),
        cmocka_unit_test(test_listen_syn_with_all_options_gets_them_back),
        cmocka_unit_test(test_listen_syn_options_are_answered_one_by_one),
        cmocka_unit_test(test_listen_options_we_do_not_offer_are_not_answered),
        cmocka_unit_test(test_listen_syn_with_data_or_fin_acks_the_syn_only),
        cmocka_unit_test(test_listen_peer_mss_is_clamped_to_what_our_device_carries),
        cmocka_unit_test(test_listen_segment_without_syn_ack_rst_is_dropped_silently),
        cmocka_unit_test(test_listen_syn_queue_full_drops_syn_without_reply),
        cmocka_unit_test(test_listen_accept_queue_full_drops_syn_without_reply),
        cmocka_unit_test(test_listen_accept_backlog_holds_when_children_complete_together),
        cmocka_unit_test(test_listen_send_and_recv_are_not_connected),
        cmocka_unit_test(test_listen_accept_with_empty_queue_is_eagain),
        cmocka_unit_test(test_listen_close_enters_closed_and_port_answers_rst),
        cmocka_unit_test(test_listen_abort_enters_closed_without_segment),
        cmocka_unit_test(test_listen_twice_on_same_port_is_eaddrinuse),
        cmocka_unit_test(test_listen_close_resets_queued_children),
        cmocka_unit_test(test_listen_beside_connections_opening_on_the_same_port),
        cmocka_unit_test(test_listen_local_address_unspecified_or_given),
        cmocka_unit_test(test_listen_syn_to_broadcast_or_multicast_is_dropped_silently),
        cmocka_unit_test(test_listen_syn_from_invalid_source_is_dropped_silently),
        cmocka_unit_test(test_listen_syn_with_ip_options_is_answered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
