/* SYN-SENT: RFC 9293 §3.10.7.3 step by step (ACK check, RST check, SYN, neither), simultaneous
 * open (SYN-SENT -> SYN-RECEIVED), the options of the handshake (RFC 9293 §3.7.1, RFC 7323,
 * RFC 2018), and the user calls of §3.10.2-§3.10.5 in SYN-SENT. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "wire/ipv4.h"

/* Active open; returns our SYN (the fixture's fsm_syn_sent drops it). */
static struct fsm_seg connect_syn(struct fsm *f)
{
    struct synack_endpoint lo = {f->local, FSM_LPORT}, re = {f->remote, FSM_RPORT};
    assert_int_equal(synack_connect(f->st, &lo, &re, f->now, &f->conn), 0);
    struct fsm_seg s;
    assert_true(fsm_pop(f, &s));
    fsm_expect_none(f);
    f->iss = s.seq;
    return s;
}

/* RFC9293: MUST-14, MUST-67, SHLD-5 */
static void test_syn_sent_connect_sends_syn_with_our_options(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct fsm_seg syn = connect_syn(&f);
    /* §3.10.1: <SEQ=ISS><CTL=SYN>, SND.UNA = ISS, SND.NXT = ISS+1. */
    assert_int_equal(syn.flags, SYN);
    assert_int_equal(syn.len, 0);
    assert_int_equal(syn.wnd, 65535); /* unscaled in a SYN (RFC 7323 §2.2) */
    assert_int_equal(syn.opts.has, SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM | SY_OPT_TS);
    assert_int_equal(syn.opts.mss, 1460);
    assert_int_equal(syn.opts.wscale, 1);
    assert_int_equal(syn.opts.ts_ecr, 0);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.state, SYNACK_SYN_SENT);
    assert_int_equal(st.iss, syn.seq);
    assert_int_equal(st.snd_una, syn.seq);
    assert_int_equal(st.snd_nxt, syn.seq + 1);
    assert_int_equal(fsm_last_state_event(&f)->old_state, SYNACK_CLOSED);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_USER_OPEN);
    fsm_free(&f);
}

/* ---- fourth step, our SYN ACKed: ESTABLISHED ---- */

/* RFC9293: MUST-65 */
static void test_syn_sent_syn_ack_establishes_and_sends_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_at(&f, SYNACK_MSEC(100));
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, SND.NXT = ISS+1, RCV.NXT = SEG.SEQ+1. */
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(s->len, 0);
    assert_int_equal(s->wnd, 65535); /* no window scaling: the peer offered none */
    assert_int_equal(s->opts.has, 0);
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.state, SYNACK_ESTABLISHED);
    assert_int_equal(st.snd_una, f.iss + 1);
    assert_int_equal(st.snd_nxt, f.iss + 1);
    assert_int_equal(st.irs, FSM_PEER_ISS);
    assert_int_equal(st.rcv_nxt, FSM_PEER_ISS + 1);
    assert_int_equal(st.snd_wnd, FSM_PEER_WND);
    assert_int_equal(st.snd_mss, 536); /* no MSS option (§3.7.1) */
    /* RFC 6298 §2.2: the SYN's round trip (100 ms) is the first sample: 100 + 4 * 50 ms. */
    assert_int_equal(st.rto, SYNACK_MSEC(300));
    assert_int_equal(fsm_last_state_event(&f)->old_state, SYNACK_SYN_SENT);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_RCV_SYNACK);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER); /* nothing in flight */
    assert_int_equal(synack_stack_counters(f.st)->conns_established, 1);
    fsm_free(&f);
}

static void test_syn_sent_syn_ack_with_data_acks_syn_then_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_send(&f, SYN | ACK | PSH, FSM_PEER_ISS, f.iss + 1, "hello", 5);
    /* The ACK of the SYN, then (sixth step of §3.10.7.4 on) the ACK of the text. */
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 6);
    fsm_expect_none(&f);
    char buf[8];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

static void test_syn_sent_syn_ack_with_fin_goes_to_close_wait(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_send(&f, SYN | ACK | FIN, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 2); /* the FIN: eighth step */
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    assert_int_equal(fsm_count_state(&f, SYNACK_ESTABLISHED), 1);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    fsm_free(&f);
}

/* ---- first step: the ACK bit ---- */

static void test_syn_sent_ack_at_or_below_iss_gets_rst_seq_seg_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    /* "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset <SEQ=SEG.ACK><CTL=RST>". */
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss, NULL, 0);
    fsm_expect(&f, RST, f.iss, 0);
    fsm_expect_none(&f);
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss - 1000, NULL, 0);
    fsm_expect(&f, RST, f.iss - 1000, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_SYN_SENT_ACK), 2);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_SYN_SENT_BAD), 2);
    /* The connection is untouched: the right SYN,ACK still completes it. */
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

static void test_syn_sent_ack_beyond_snd_nxt_gets_rst_seq_seg_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 2, NULL, 0);
    fsm_expect(&f, RST, f.iss + 2, 0);
    fsm_expect_none(&f);
    fsm_send(&f, ACK, FSM_PEER_ISS, f.iss + 100000, "x", 1); /* without SYN too */
    fsm_expect(&f, RST, f.iss + 100000, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    assert_int_equal(fsm_status(&f).snd_una, f.iss);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_SYN_SENT_ACK), 2);
    fsm_free(&f);
}

static void test_syn_sent_bad_ack_with_rst_is_dropped_without_reply(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    /* "(unless the RST bit is set, if so drop the segment and return)" */
    fsm_send(&f, RST | ACK, 0, f.iss, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST | ACK, 0, f.iss + 2, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_SYN_SENT_ACK), 0);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_SYN_SENT_BAD), 2);
    assert_int_equal(fsm_last_error(&f), 0);
    fsm_free(&f);
}

/* ---- second step: the RST bit ---- */

static void test_syn_sent_rst_with_acceptable_ack_is_connection_refused(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_at(&f, SYNACK_MSEC(5));
    /* What a closed port answers (§3.10.7.1): <SEQ=0><ACK=ISS+1><CTL=RST,ACK>. The sequence
     * number does not matter in SYN-SENT (RFC 5961 §3.2: the ACK must acknowledge the SYN). */
    fsm_send(&f, RST | ACK, 0, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNREFUSED);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ERROR), 1);
    assert_int_equal(fsm_last_state_event(&f)->old_state, SYNACK_SYN_SENT);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_RCV_RST);
    assert_int_equal(synack_conn_error(f.conn), -ECONNREFUSED);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER); /* no SYN timer */
    fsm_at(&f, SYNACK_SEC(10));
    fsm_expect_none(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_syn_sent_rst_without_ack_is_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_send(&f, RST, 0, 0, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST, FSM_PEER_ISS, f.iss + 1, NULL, 0); /* the ack field, but no ACK bit */
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    assert_int_equal(fsm_last_error(&f), 0);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_SYN_SENT_BAD), 2);
    fsm_free(&f);
}

static void test_syn_sent_rst_with_syn_and_acceptable_ack_is_refused(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_send(&f, RST | SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0); /* RST before SYN */
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNREFUSED);
    fsm_free(&f);
}

/* ---- fourth step, our SYN not ACKed: simultaneous open ---- */

/* RFC9293: MUST-10 */
static void test_syn_sent_bare_syn_enters_syn_received_with_syn_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    /* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
    const struct fsm_seg *s = fsm_expect(&f, SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    assert_int_equal(s->opts.has, SY_OPT_MSS); /* the peer's SYN offered nothing */
    assert_int_equal(s->opts.mss, 1460);
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.state, SYNACK_SYN_RECEIVED);
    assert_int_equal(st.irs, FSM_PEER_ISS);
    assert_int_equal(st.rcv_nxt, FSM_PEER_ISS + 1);
    assert_int_equal(st.snd_una, f.iss);
    assert_int_equal(st.snd_nxt, f.iss + 1);
    assert_int_equal(st.snd_wnd, FSM_PEER_WND); /* SND.WND <- SEG.WND */
    assert_int_equal(fsm_last_state_event(&f)->old_state, SYNACK_SYN_SENT);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_RCV_SYN);
    /* The ACK of our SYN completes it (SYN-RECEIVED -> ESTABLISHED), with nothing sent. */
    fsm_send(&f, ACK, FSM_PEER_ISS + 1, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

static void test_syn_sent_bare_syn_answers_only_offered_options(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_TS, .mss = 1000, .ts_val = 4242};
    fsm_send_opts(&f, SYN, FSM_PEER_ISS, 0, 4000, &o, NULL, 0);
    const struct fsm_seg *s = fsm_expect(&f, SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    assert_int_equal(s->opts.has, SY_OPT_MSS | SY_OPT_TS);
    assert_int_equal(s->opts.ts_ecr, 4242);
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.snd_mss, 1000);
    assert_true(st.timestamps);
    assert_false(st.sack_permitted);
    assert_int_equal(st.snd_wscale, -1);
    fsm_free(&f);
}

/* ---- fifth step: neither SYN nor RST ---- */

static void test_syn_sent_segment_without_syn_or_rst_is_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_send(&f, ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0); /* acceptable ACK, no SYN */
    fsm_expect_none(&f);
    fsm_send(&f, FIN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, PSH, FSM_PEER_ISS, 0, "data", 4); /* no ACK bit at all */
    fsm_expect_none(&f);
    fsm_send(&f, FIN, FSM_PEER_ISS, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_SYN_SENT_BAD), 4);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.state, SYNACK_SYN_SENT);
    assert_int_equal(st.snd_una, f.iss); /* the bare ACK did not advance SND.UNA */
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_RST_SENT), 0);
    fsm_free(&f);
}

/* ---- options: on only when both SYNs carry them ---- */

/* RFC9293: MUST-65 */
static void test_syn_sent_all_options_negotiated_when_both_offer(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct fsm_seg syn = connect_syn(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM | SY_OPT_TS,
                            .mss = 1000,
                            .wscale = 5,
                            .ts_val = 9999,
                            .ts_ecr = syn.opts.ts_val};
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, 1000, &o, NULL, 0);
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(s->opts.has, SY_OPT_TS); /* every segment carries TS now (RFC 7323 §3.2) */
    assert_int_equal(s->opts.ts_ecr, 9999);
    assert_int_equal(s->wnd, 32768); /* 64 KiB >> our shift of 1 */
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.snd_wscale, 5);
    assert_int_equal(st.rcv_wscale, 1);
    assert_true(st.timestamps);
    assert_true(st.sack_permitted);
    assert_int_equal(st.snd_mss, 1000);
    assert_int_equal(st.snd_wnd, 1000); /* the SYN,ACK's window is not scaled (§2.2) */
    fsm_free(&f);
}

/* RFC9293: MUST-65 */
static void test_syn_sent_options_off_when_peer_does_not_offer(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS, .mss = 1400};
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, 1000, &o, NULL, 0);
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(s->opts.has, 0);
    assert_int_equal(s->wnd, 65535); /* no scaling: the real window, capped at 16 bits */
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.snd_wscale, -1);
    assert_int_equal(st.rcv_wscale, -1);
    assert_false(st.timestamps);
    assert_false(st.sack_permitted);
    assert_int_equal(st.snd_mss, 1400);
    fsm_free(&f);
}

static void test_syn_sent_options_off_when_we_do_not_offer(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.opt_wscale = cfg.opt_sack = cfg.opt_timestamps = false;
    struct fsm f;
    fsm_init(&f, &cfg);
    struct fsm_seg syn = connect_syn(&f);
    assert_int_equal(syn.opts.has, SY_OPT_MSS);
    /* A peer that offers everything anyway (RFC 7323 §2.2 forbids WS in its SYN,ACK, but it
     * must not switch scaling on here). */
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM | SY_OPT_TS,
                            .mss = 1400,
                            .wscale = 5,
                            .ts_val = 1};
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, 1000, &o, NULL, 0);
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(s->opts.has, 0);
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.snd_wscale, -1);
    assert_int_equal(st.rcv_wscale, -1);
    assert_false(st.timestamps);
    assert_false(st.sack_permitted);
    assert_int_equal(st.snd_wnd, 1000);
    fsm_free(&f);
}

static void test_syn_sent_peer_wscale_above_14_is_taken_as_14(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_WSCALE, .mss = 1460, .wscale = 15};
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, 1, &o, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(fsm_status(&f).snd_wscale, 14); /* RFC 7323 §2.3 */
    fsm_free(&f);
}

/* ---- user calls ---- */

static void test_syn_sent_send_queues_data_until_established(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    /* §3.10.2 SYN-SENT: "Queue the data for transmission after entering ESTABLISHED state". */
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).send_queued, 3);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -EAGAIN); /* §3.10.3 queues */
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    const struct fsm_seg *d = fsm_expect(&f, ACK | PSH, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(d->len, 3);
    assert_memory_equal(d->data, "abc", 3);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).snd_nxt, f.iss + 4);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

static void test_syn_sent_close_enters_closed_without_segment(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    /* §3.10.4 SYN-SENT: "Delete the TCB and return 'error: closing' responses". */
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_USER_CLOSE);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    /* The peer's late SYN,ACK finds no connection: <SEQ=SEG.ACK><CTL=RST> (§3.10.7.1). */
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect(&f, RST, f.iss + 1, 0);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_syn_sent_abort_enters_closed_without_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    /* §3.10.5 SYN-SENT: "All queued SENDs and RECEIVEs should be given 'connection reset'
     * notification. Delete the TCB" - no RST: the peer has nothing to reset. */
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_USER_ABORT);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_RST_SENT), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_at(&f, SYNACK_SEC(5));
    fsm_expect_none(&f); /* no SYN retransmission either */
    fsm_free(&f);
}

static void test_syn_sent_connect_twice_on_same_tuple_is_eaddrinuse(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT};
    struct synack_conn *c2 = NULL;
    /* §3.10.1: "error: connection already exists". */
    assert_int_equal(synack_connect(f.st, &lo, &re, f.now, &c2), -EADDRINUSE);
    assert_null(c2);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* ---- the ISN (RFC 9293 §3.4.1) and the local address (§3.9.1.1) ---- */

/* ISN = M + F(localip, localport, remoteip, remoteport, secretkey): M ticks every 4 us, so the
 * same 4-tuple 4 ms later starts 1000 higher (MUST-8); F differs by 4-tuple (SHLD-1) and by the
 * stack's secret, so the ISN of one connection tells nothing of another's (MUST-9). */
/* RFC9293: MUST-8, MUST-9, SHLD-1 */
static void test_syn_sent_isn_is_a_clock_plus_a_keyed_hash(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct fsm_seg syn = connect_syn(&f);
    uint32_t iss0 = syn.seq;
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    fsm_at(&f, SYNACK_MSEC(4));
    syn = connect_syn(&f);
    assert_int_equal(syn.seq, iss0 + 1000);
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    /* Another remote port at the same moment: another offset, not iss0 + 1000 + 1. */
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT + 1};
    struct synack_conn *c;
    assert_int_equal(synack_connect(f.st, &lo, &re, f.now, &c), 0);
    struct fsm_seg other;
    assert_true(fsm_pop(&f, &other));
    uint32_t d = other.seq - (iss0 + 1000);
    assert_true(d > 1000 && d < 0u - 1000); /* not a neighbour of the first series */
    fsm_free(&f);

    /* Another secret, the same 4-tuple and time: an unrelated ISN. */
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.seed ^= 0x5eed;
    fsm_init(&f, &cfg);
    syn = connect_syn(&f);
    d = syn.seq - iss0;
    assert_true(d > 1000 && d < 0u - 1000);
    fsm_free(&f);
}

/* With the default configuration each stack draws its own secret (seed 0 = random): two stacks
 * opening the same 4-tuple at the same moment choose unrelated ISNs, so the published source
 * does not give them away. */
/* RFC9293: MUST-9 */
static void test_syn_sent_default_secret_differs_per_stack(void **state)
{
    (void)state;
    struct fsm a, b;
    fsm_init(&a, NULL);
    fsm_init(&b, NULL);
    uint32_t d = connect_syn(&a).seq - connect_syn(&b).seq;
    assert_true(d > 1000 && d < 0u - 1000);
    fsm_free(&a);
    fsm_free(&b);
}

/* An OPEN to an address that cannot be a TCP peer is refused at once, and nothing is sent:
 * limited and subnet broadcast, multicast, 0.0.0.0, loopback and class E (RFC 1122 §3.2.1.3). */
/* RFC9293: MUST-46 */
static void test_syn_sent_open_to_broadcast_or_multicast_is_refused(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    static const uint8_t bad[][4] = {{255, 255, 255, 255}, {10, 0, 0, 255}, {224, 0, 0, 1},
                                     {239, 255, 0, 1},     {0, 0, 0, 0},    {127, 0, 0, 1},
                                     {240, 0, 0, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct synack_endpoint re = {synack_addr_v4(bad[i][0], bad[i][1], bad[i][2], bad[i][3]),
                                     FSM_RPORT};
        struct synack_conn *c = NULL;
        assert_int_equal(synack_connect(f.st, NULL, &re, f.now, &c), -ENETUNREACH);
    }
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

/* The SYN leaves from the local address the caller named (MUST-43) or, if none, from the one
 * the route chooses (MUST-44); every later segment keeps it (MUST-45). */
/* RFC9293: MUST-43, MUST-44, MUST-45 */
static void test_syn_sent_local_address_named_or_chosen_by_route(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    const struct synack_addr lan = synack_addr_v4(192, 168, 7, 1);
    assert_int_equal(synack_stack_add_addr(f.st, f.dev, &lan, 24), 0);
    struct synack_conn *c;

    /* No local address: 192.168.7.9 is on the second prefix, so the SYN comes from 192.168.7.1. */
    struct synack_endpoint far = {synack_addr_v4(192, 168, 7, 9), 443};
    assert_int_equal(synack_connect(f.st, NULL, &far, f.now, &c), 0);
    assert_int_equal(fsm_expect(&f, SYN, fsm_conn_status(c).iss, 0)->len, 0);
    assert_true(fsm_last_out_from(&f, &lan));
    struct synack_status st = fsm_conn_status(c);
    assert_true(synack_addr_equal(&st.local.addr, &lan));
    assert_true(st.local.port != 0); /* an ephemeral port */

    /* Named: 192.168.7.1 toward 10.0.0.2, although the route would pick 10.0.0.1. */
    struct synack_endpoint lo = {lan, 5555}, re = {f.remote, FSM_RPORT};
    assert_int_equal(synack_connect(f.st, &lo, &re, f.now, &f.conn), 0);
    f.iss = fsm_status(&f).iss;
    fsm_expect(&f, SYN, f.iss, 0);
    assert_true(fsm_last_out_from(&f, &lan));
    fsm_send_between(&f, f.remote.bytes, lan.bytes, FSM_RPORT, 5555, SYN | ACK, FSM_PEER_ISS,
                     f.iss + 1);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), 1);
    fsm_expect(&f, ACK | PSH, f.iss + 1, FSM_PEER_ISS + 1);
    assert_true(fsm_last_out_from(&f, &lan));

    /* An address that is not ours cannot be named. */
    struct synack_endpoint bogus = {synack_addr_v4(10, 0, 0, 77), 0};
    assert_int_equal(synack_connect(f.st, &bogus, &re, f.now, &c), -EADDRNOTAVAIL);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syn_sent_connect_sends_syn_with_our_options),
        cmocka_unit_test(test_syn_sent_default_secret_differs_per_stack),
        cmocka_unit_test(test_syn_sent_open_to_broadcast_or_multicast_is_refused),
        cmocka_unit_test(test_syn_sent_syn_ack_establishes_and_sends_ack),
        cmocka_unit_test(test_syn_sent_syn_ack_with_data_acks_syn_then_data),
        cmocka_unit_test(test_syn_sent_syn_ack_with_fin_goes_to_close_wait),
        cmocka_unit_test(test_syn_sent_ack_at_or_below_iss_gets_rst_seq_seg_ack),
        cmocka_unit_test(test_syn_sent_ack_beyond_snd_nxt_gets_rst_seq_seg_ack),
        cmocka_unit_test(test_syn_sent_bad_ack_with_rst_is_dropped_without_reply),
        cmocka_unit_test(test_syn_sent_rst_with_acceptable_ack_is_connection_refused),
        cmocka_unit_test(test_syn_sent_rst_without_ack_is_dropped),
        cmocka_unit_test(test_syn_sent_rst_with_syn_and_acceptable_ack_is_refused),
        cmocka_unit_test(test_syn_sent_bare_syn_enters_syn_received_with_syn_ack),
        cmocka_unit_test(test_syn_sent_bare_syn_answers_only_offered_options),
        cmocka_unit_test(test_syn_sent_segment_without_syn_or_rst_is_dropped),
        cmocka_unit_test(test_syn_sent_all_options_negotiated_when_both_offer),
        cmocka_unit_test(test_syn_sent_options_off_when_peer_does_not_offer),
        cmocka_unit_test(test_syn_sent_options_off_when_we_do_not_offer),
        cmocka_unit_test(test_syn_sent_peer_wscale_above_14_is_taken_as_14),
        cmocka_unit_test(test_syn_sent_send_queues_data_until_established),
        cmocka_unit_test(test_syn_sent_close_enters_closed_without_segment),
        cmocka_unit_test(test_syn_sent_abort_enters_closed_without_rst),
        cmocka_unit_test(test_syn_sent_connect_twice_on_same_tuple_is_eaddrinuse),
        cmocka_unit_test(test_syn_sent_isn_is_a_clock_plus_a_keyed_hash),
        cmocka_unit_test(test_syn_sent_local_address_named_or_chosen_by_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
