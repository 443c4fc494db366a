/* tcp — §3.10.7.4 fifth: the ACK field. SYN-RECEIVED completes the handshake; then SND.UNA
 * advances, the send buffer is freed, the window is updated, and our FIN's ACK moves the closing
 * states on. */
#include <errno.h>

#include "tcp/tcb.h"
#include "util/seq.h"

/* SND.UNA < SEG.ACK =< SND.NXT: enter ESTABLISHED (SND.WND, WL1, WL2 set below). */
static bool ack_syn_received(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    uint32_t ack = seg->tcp.ack;
    if (!(sy_seq_lt(c->snd_una, ack) && sy_seq_leq(ack, c->snd_max))) {
        /* "If the segment acknowledgment is not acceptable, form a reset segment
         * <SEQ=SEG.ACK><CTL=RST> and send it." */
        sy_stack_drop(c->stack, c, SYNACK_DROP_ACK_UNSENT, now);
        sy_send_rst_reply(c->stack, seg, SYNACK_RST_BAD_ACK, now);
        return false;
    }
    /* DESIGN rule 5: the accept backlog is a bound. Children admitted while the queue had room
     * may complete together; one that completes while it is full stays in SYN-RECEIVED (as
     * Linux): the ACK is dropped and counted, and the SYN,ACK timer draws it again later. */
    const struct sy_listen *q = c->parent ? c->parent->listen : NULL;
    if (q && q->accept_count >= q->backlog) {
        sy_stack_drop(c->stack, c, SYNACK_DROP_ACCEPT_QUEUE_FULL, now);
        return false;
    }
    c->snd_wnd = (uint32_t)seg->tcp.wnd << c->snd_wscale;
    c->snd_wl1 = seg->tcp.seq;
    c->snd_wl2 = ack;
    if (c->stack->cfg.buf_round_mss && c->passive) sy_opts_round_buffers(c);
    sy_set_state(c, SYNACK_ESTABLISHED, SYNACK_CAUSE_RCV_ACK, now);
    sy_text_release_syn(c, now);
    if (c->parent) sy_listen_child_established(c, now);
    /* §3.10.4: a CLOSE queued in SYN-RECEIVED behind data is processed now. */
    if (c->fin_queued) sy_set_state(c, SYNACK_FIN_WAIT_1, SYNACK_CAUSE_USER_CLOSE, now);
    return true;
}

/* Remove acknowledged data from the send buffer; SYN and FIN occupy no buffer bytes. */
static void ack_advance(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    uint32_t ack = seg->tcp.ack;
    uint32_t data_seq = sy_snd_data_seq(c);
    uint32_t data_end = data_seq + (uint32_t)sy_ring_len(&c->sndbuf);
    uint32_t upto = sy_seq_min(ack, data_end), flight = c->snd_max - c->snd_una;
    size_t freed = sy_seq_gt(upto, data_seq) ? upto - data_seq : 0;
    if (freed) sy_ring_read(&c->sndbuf, NULL, freed);
    c->snd_una = ack;
    c->una_since = now;
    if (sy_seq_lt(c->snd_nxt, ack)) c->snd_nxt = ack;
    const struct sy_tcp_opts *o = &seg->tcp.opts;
    if (c->ts_ok && (o->has & SY_OPT_TS) && o->ts_ecr != 0)
        sy_rtt_on_ack_ts(c, o->ts_ecr, flight, now);
    else
        sy_rtt_on_ack(c, ack, now);
    c->rtx_count = 0;
    c->soft_error = 0; /* the path works again */
    /* RFC 6298 §5.2-5.3: stop the timer when all is acknowledged, else restart it. */
    if (c->snd_una == c->snd_max)
        sy_timer_rtx_stop(c);
    else
        sy_timer_rtx_arm(c, now);
    if (freed && c->user_ref) sy_conn_notify(c, SYNACK_EV_WRITABLE, now);
}

/* "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated" when the segment is
 * newer than the last update (SND.WL1, SND.WL2). */
static void window_update(struct synack_conn *c, const struct sy_seg *seg)
{
    const struct sy_tcp *t = &seg->tcp;
    if (!(sy_seq_lt(c->snd_wl1, t->seq) ||
          (c->snd_wl1 == t->seq && sy_seq_leq(c->snd_wl2, t->ack))))
        return;
    c->snd_wnd = (uint32_t)t->wnd << c->snd_wscale;
    if (c->snd_wnd > c->max_snd_wnd) c->max_snd_wnd = c->snd_wnd;
    c->snd_wl1 = t->seq;
    c->snd_wl2 = t->ack;
}

/* Our FIN acknowledged: FIN-WAIT-1 waits for the FIN step when this segment carries the peer's
 * FIN too (FIN-WAIT-1 -> TIME-WAIT); CLOSING -> TIME-WAIT; LAST-ACK -> CLOSED. */
static bool ack_closing_states(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    if (!sy_fin_acked(c)) return true;
    switch (c->state) {
    case SYNACK_FIN_WAIT_1:
        if (!(seg->tcp.flags & SY_TH_FIN))
            sy_set_state(c, SYNACK_FIN_WAIT_2, SYNACK_CAUSE_RCV_ACK, now);
        return true;
    case SYNACK_CLOSING: sy_set_state(c, SYNACK_TIME_WAIT, SYNACK_CAUSE_RCV_ACK, now); return true;
    case SYNACK_LAST_ACK:
        sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_RCV_ACK, now);
        sy_conn_reap(c);
        return false;
    case SYNACK_CLOSED:
    case SYNACK_LISTEN:
    case SYNACK_SYN_SENT:
    case SYNACK_SYN_RECEIVED:
    case SYNACK_ESTABLISHED:
    case SYNACK_CLOSE_WAIT:
    case SYNACK_FIN_WAIT_2:
    case SYNACK_TIME_WAIT:
    case SYNACK_STATE_COUNT: return true;
    }
    return true;
}

bool sy_input_ack(struct synack_conn *c, struct sy_seg *seg, synack_time_t now)
{
    struct synack_stack *s = c->stack;
    uint32_t ack = seg->tcp.ack;
    bool echo = sy_ecn_echo_new(c, seg); /* before SYN-RECEIVED becomes ESTABLISHED */
    if (c->state == SYNACK_SYN_RECEIVED && !ack_syn_received(c, seg, now)) return false;
    /* RFC 5961 §5.2: acceptable only within (SND.UNA - MAX.SND.WND) =< SEG.ACK. */
    if (s->cfg.rfc5961_ack && sy_seq_lt(ack, c->snd_una - c->max_snd_wnd)) {
        sy_stack_drop(s, c, SYNACK_DROP_ACK_OLD, now);
        sy_send_ack(c, now);
        return false;
    }
    /* "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the
     * segment, and return." SND.MAX: after a go-back retransmission SND.NXT may lag. */
    if (sy_seq_gt(ack, c->snd_max)) {
        sy_stack_drop(s, c, SYNACK_DROP_ACK_UNSENT, now);
        sy_send_ack(c, now);
        return false;
    }
    if (c->state == SYNACK_TIME_WAIT) return true; /* only a FIN can matter: eighth step */
    uint32_t wnd_before = c->snd_wnd;
    bool new_sack =
        c->sack_ok && c->cc.ops && sy_sack_update(&c->sb, &seg->tcp.opts, c->snd_una, c->snd_max);
    if (echo) sy_recovery_on_ece(c, now); /* before the ACK may grow cwnd */
    if (sy_seq_lt(c->snd_una, ack)) {
        uint32_t acked = ack - c->snd_una;
        ack_advance(c, seg, now);
        sy_recovery_on_ack(c, acked, now);
    } else if (sy_recovery_is_dupack(c, seg, wnd_before) ||
               (new_sack && ack == c->snd_una && c->snd_nxt != c->snd_una)) {
        /* RFC 6675 §2: an ACK with new SACK information counts as a duplicate even when it
         * changes the window or carries data (Linux widens its window in nearly every ACK). */
        sy_recovery_on_dupack(c, now);
    }
    /* Old ACKs (SEG.ACK < SND.UNA) are ignored. */
    if (sy_seq_leq(c->snd_una, ack)) window_update(c, seg);
    sy_persist_on_ack(c);
    if (!ack_closing_states(c, seg, now)) return false;
    sy_output(c, now); /* the window may have opened */
    return true;
}
