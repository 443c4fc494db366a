/* tcp — segment arrival (RFC 9293 §3.10.7): find the connection, then by state. For the
 * synchronized states (and SYN-RECEIVED) a fixed pipeline of §3.10.7.4's steps: sequence
 * number, RST, SYN, ACK, text, FIN (DESIGN rule 4). */
#include <errno.h>

#include "tcp/tcb.h"
#include "util/seq.h"

/* RFC 1122 §4.2.3.10, MUST-63: no connection with a broadcast, multicast, loopback or
 * unspecified source, nor with port 0. */
static bool bad_source(const struct synack_stack *s, const struct sy_seg *seg)
{
    if (seg->src.port == 0 || seg->dst.port == 0) return true;
    return !sy_stack_addr_unicast(s, &seg->src.addr);
}

void sy_tcp_input(struct synack_stack *s, struct sy_seg *seg, synack_time_t now)
{
    s->counters.segments_in++;
    if (bad_source(s, seg)) {
        sy_stack_drop(s, NULL, SYNACK_DROP_TCP_BAD_ADDR, now);
        return;
    }
    struct synack_conn *c = sy_demux_lookup(s, &seg->dst, &seg->src);
    struct synack_event ev = {.type = SYNACK_EV_SEGMENT_IN, .conn = c};
    ev.seg = (struct synack_segment_info){
        .src = seg->src,
        .dst = seg->dst,
        .seq = seg->tcp.seq,
        .ack = seg->tcp.ack,
        .wnd = seg->tcp.wnd,
        .len = (uint32_t)seg->tcp.payload_len,
        .flags = seg->tcp.flags,
        .mss = (seg->tcp.opts.has & SY_OPT_MSS) ? seg->tcp.opts.mss : 0,
        .wscale = (seg->tcp.opts.has & SY_OPT_WSCALE) ? (int8_t)seg->tcp.opts.wscale : -1,
        .sack_ok = (seg->tcp.opts.has & SY_OPT_SACK_PERM) != 0,
        .has_ts = (seg->tcp.opts.has & SY_OPT_TS) != 0,
        .ts_val = seg->tcp.opts.ts_val,
        .ts_ecr = seg->tcp.opts.ts_ecr};
    sy_stack_emit(s, &ev, now);
    if (!c) {
        sy_input_closed(s, seg, now);
        return;
    }
    switch (c->state) {
    case SYNACK_CLOSED:
    case SYNACK_STATE_COUNT: sy_input_closed(s, seg, now); return;
    case SYNACK_LISTEN: sy_input_listen(c, seg, now); return;
    case SYNACK_SYN_SENT: sy_input_syn_sent(c, seg, now); return;
    case SYNACK_SYN_RECEIVED:
    case SYNACK_ESTABLISHED:
    case SYNACK_CLOSE_WAIT:
    case SYNACK_FIN_WAIT_1:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_FIN_WAIT_2:
    case SYNACK_TIME_WAIT: sy_input_synchronized(c, seg, now); return;
    }
}

/* §3.10.7.4 first: the four cases of segment length and window. A zero window still takes a
 * segment at RCV.NXT for its ACK and RST ("special allowance"); its text is trimmed away. */
static bool seq_acceptable(const struct synack_conn *c, const struct sy_seg *seg)
{
    uint32_t wnd = sy_rcv_wnd_accept(c), seq = seg->tcp.seq, lo = c->rcv_nxt, hi = lo + wnd;
    if (seg->len == 0) return wnd == 0 ? seq == lo : sy_seq_in(seq, lo, hi);
    if (wnd == 0) return seq == lo;
    return sy_seq_in(seq, lo, hi) || sy_seq_in(seq + seg->len - 1, lo, hi);
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; in SYN-RECEIVED our SYN is not yet acknowledged, so
 * the SYN,ACK itself is what the peer needs again. */
static void send_ack_or_synack(struct synack_conn *c, synack_time_t now)
{
    if (c->state == SYNACK_SYN_RECEIVED) {
        uint32_t nxt = c->snd_nxt;
        c->snd_nxt = c->iss;
        sy_output(c, now);
        if (sy_seq_gt(nxt, c->snd_nxt)) c->snd_nxt = nxt;
        return;
    }
    sy_send_ack(c, now);
}

static bool check_sequence(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    if (seq_acceptable(c, seg)) return true;
    if (seg->tcp.flags & SY_TH_RST) { /* "If the RST bit is set ... drop it and return" */
        sy_stack_drop(c->stack, c, SYNACK_DROP_RST_OUT_OF_WINDOW, now);
        return false;
    }
    sy_stack_drop(c->stack, c, SYNACK_DROP_UNACCEPTABLE, now);
    /* A duplicate (all before RCV.NXT: a retransmission whose first copy arrived) that passed
     * PAWS lies at or before Last.ACK.sent: RFC 7323 §4.3's rule takes its TSval, so the ACK it
     * draws echoes this copy and the sender's RTT sample measures one round trip, not the time
     * since the first copy (as BSD, which trims such a segment to an empty one at RCV.NXT). */
    if (sy_seq_leq(seg->tcp.seq + seg->len, c->rcv_nxt)) sy_paws_record(c, seg, now);
    sy_dsack_note(c, seg); /* RFC 2883 §4: the ACK reports the duplicate */
    send_ack_or_synack(c, now);
    /* TIME-WAIT: a retransmission of the peer's FIN is ACKed again and restarts the 2 MSL
     * timer (§3.10.7.4, eighth step). */
    if (c->state == SYNACK_TIME_WAIT && (seg->tcp.flags & SY_TH_FIN) &&
        seg->tcp.seq + seg->len == c->rcv_nxt)
        sy_timer_time_wait(c, now);
    return false;
}

/* §3.10.7.4 second: the RST bit (with RFC 5961 §3's exact-match rule when enabled). */
static void check_rst(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    struct synack_stack *s = c->stack;
    if (s->cfg.rfc5961_rst && seg->tcp.seq != c->rcv_nxt) {
        sy_stack_drop(s, c, SYNACK_DROP_RST_CHALLENGED, now);
        sy_send_ack(c, now); /* challenge ACK */
        return;
    }
    switch (c->state) {
    case SYNACK_SYN_RECEIVED:
        if (c->passive) { /* "return this connection to the LISTEN state" */
            sy_listen_return(c, SYNACK_CAUSE_RCV_RST, now);
            return;
        }
        sy_conn_error(c, -ECONNREFUSED, now); /* "connection refused" */
        break;
    case SYNACK_ESTABLISHED:
    case SYNACK_FIN_WAIT_1:
    case SYNACK_FIN_WAIT_2:
    case SYNACK_CLOSE_WAIT:
        s->counters.conns_reset++;
        if (c->user_ref || c->parent) sy_conn_error(c, -ECONNRESET, now); /* "connection reset" */
        break;
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK: /* "enter the CLOSED state, delete the TCB, and return"; an application
                           * still holding the socket hears ECONNRESET, as Linux and FreeBSD */
        if (c->user_ref) sy_conn_error(c, -ECONNRESET, now);
        break;
    case SYNACK_TIME_WAIT: break;
    case SYNACK_CLOSED:
    case SYNACK_LISTEN:
    case SYNACK_SYN_SENT:
    case SYNACK_STATE_COUNT: return;
    }
    sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_RCV_RST, now);
    sy_conn_reap(c);
}

/* §3.10.7.4 fourth: a SYN in SYN-RECEIVED (passive) returns to LISTEN; in a synchronized state
 * it draws a challenge ACK (RFC 5961 §4), or, with RFC 5961 off, resets the connection. */
static void check_syn(struct synack_conn *c, synack_time_t now)
{
    struct synack_stack *s = c->stack;
    if (c->state == SYNACK_SYN_RECEIVED && c->passive) {
        sy_listen_return(c, SYNACK_CAUSE_RCV_SYN, now);
        return;
    }
    if (s->cfg.rfc5961_syn) {
        sy_stack_drop(s, c, SYNACK_DROP_SYN_CHALLENGED, now);
        sy_send_ack(c, now);
        return;
    }
    sy_send_rst_conn(c, SYNACK_RST_SYN_IN_WINDOW, now);
    s->counters.conns_reset++;
    if (c->user_ref || c->parent) sy_conn_error(c, -ECONNRESET, now);
    sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_RCV_SYN, now);
    sy_conn_reap(c);
}

/* Simultaneous open (RFC 9293 Figure 8, line 6): in SYN-RECEIVED the peer's SYN,ACK repeats its
 * SYN at IRS = RCV.NXT-1. §3.10.7.4 allows "trimming off any portions that lie outside the window
 * (including SYN and FIN)": without the old SYN the segment begins at RCV.NXT and its ACK
 * completes the handshake. Unacceptable, it drew a SYN,ACK back, and the two sides traded
 * SYN,ACKs forever. */
static void trim_old_syn(const struct synack_conn *c, struct sy_seg *seg)
{
    struct sy_tcp *t = &seg->tcp;
    if (c->state != SYNACK_SYN_RECEIVED || !c->rcv_syn || t->seq != c->irs) return;
    if ((t->flags & (SY_TH_SYN | SY_TH_ACK | SY_TH_RST)) != (SY_TH_SYN | SY_TH_ACK)) return;
    t->seq += 1;
    seg->len -= 1;
    t->flags &= (uint8_t)~SY_TH_SYN;
}

/* §3.6.1 (SHLD-3): "if new data is received after CLOSE is called, its TCP implementation
 * SHOULD send a RST to show that data was lost" — nobody will read it. As Linux and the BSDs,
 * in reply to the segment (<SEQ=SEG.ACK><CTL=RST>), and the connection is gone. A half-close
 * (SHUTDOWN) keeps the handle and the data. True when the connection was reset. */
static bool data_after_close(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    const struct sy_tcp *t = &seg->tcp;
    bool closing = c->state == SYNACK_FIN_WAIT_1 || c->state == SYNACK_FIN_WAIT_2;
    if (c->user_ref || c->parent || !closing || t->payload_len == 0 ||
        !sy_seq_gt(t->seq + (uint32_t)t->payload_len, c->rcv_nxt))
        return false;
    sy_stack_drop(c->stack, c, SYNACK_DROP_DATA_AFTER_CLOSE, now);
    sy_send_rst_reply(c->stack, seg, SYNACK_RST_DATA_AFTER_CLOSE, now);
    c->stack->counters.conns_reset++;
    sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_DATA_AFTER_CLOSE, now);
    sy_conn_reap(c);
    return true;
}

/* cfg.time_wait_bsd, before the RFC pipeline: true when the segment was dealt with. */
static bool time_wait_bsd(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    uint8_t f = seg->tcp.flags;
    if (c->state != SYNACK_TIME_WAIT || !c->stack->cfg.time_wait_bsd) return false;
    if (f & SY_TH_SYN) {
        if (!sy_seq_lt(seg->tcp.seq, c->rcv_nxt)) return false; /* §3.10.7.4 fourth (RFC 5961) */
        sy_stack_drop(c->stack, c, SYNACK_DROP_UNACCEPTABLE, now); /* an old SYN: ACKed */
        sy_send_ack(c, now);
        return true;
    }
    if ((f & SY_TH_RST) || !(f & SY_TH_ACK)) { /* RFC 1337 §3: no TIME-WAIT assassination */
        sy_stack_drop(c->stack, c, SYNACK_DROP_TIME_WAIT, now);
        return true;
    }
    bool dup_ack = !(f & SY_TH_FIN) && seg->len == 0 && seg->tcp.seq == c->rcv_nxt &&
                   seg->tcp.ack == c->snd_max;
    if (dup_ack) return false; /* nothing to answer */
    /* A FIN again restarts the 2 MSL; it and anything else draws an ACK (no window test). */
    if ((f & SY_TH_FIN) && seg->tcp.seq + seg->len == c->rcv_nxt) sy_timer_time_wait(c, now);
    sy_stack_drop(c->stack, c, SYNACK_DROP_UNACCEPTABLE, now);
    sy_send_ack(c, now);
    return true;
}

/* §3.10.7.4: of an acceptable segment "only the new parts are processed": a SYN that lies before
 * RCV.NXT (a SYN,FIN straddling it, say) is an old part and is trimmed away. */
static void trim_syn_before_window(const struct synack_conn *c, struct sy_seg *seg)
{
    struct sy_tcp *t = &seg->tcp;
    if (!(t->flags & SY_TH_SYN) || !sy_seq_lt(t->seq, c->rcv_nxt)) return;
    t->seq += 1;
    seg->len -= 1;
    t->flags &= (uint8_t)~SY_TH_SYN;
}

void sy_input_synchronized(struct synack_conn *c, struct sy_seg *seg, synack_time_t now)
{
    if (sy_tw_reopen(c, seg, now) || time_wait_bsd(c, seg, now)) return;
    sy_ecn_on_syn_again(c, seg);
    trim_old_syn(c, seg);
    enum synack_drop_reason why;
    if (!sy_paws_ok(c, seg, &why, now)) { /* RFC 7323 §5.3 R1 comes before the window (R2) */
        sy_stack_drop(c->stack, c, why, now);
        if (why == SYNACK_DROP_PAWS) send_ack_or_synack(c, now);
        return;
    }
    if (!check_sequence(c, seg, now)) return;
    trim_syn_before_window(c, seg);
    sy_keepalive_on_segment(c, now);
    sy_paws_record(c, seg, now); /* R3 */
    if (seg->tcp.flags & SY_TH_RST) {
        check_rst(c, seg, now);
        return;
    }
    if (seg->tcp.flags & SY_TH_SYN) {
        check_syn(c, now);
        return;
    }
    if (!(seg->tcp.flags & SY_TH_ACK)) { /* fifth: "if the ACK bit is off, drop" */
        sy_stack_drop(c->stack, c, SYNACK_DROP_NO_ACK, now);
        return;
    }
    sy_ecn_on_segment(c, seg); /* before the ACK step sends anything: its ECE is due now */
    if (!sy_input_ack(c, seg, now)) return;
    if (data_after_close(c, seg, now)) return;
    sy_input_text_and_fin(c, seg, now);
}
