/* tcp — §3.10.7.4 sixth to eighth: URG (urgent.c: the data stays in line, RFC 6093 §5),
 * segment text, and the FIN bit. Text beyond RCV.NXT is held in place in the receive buffer and
 * joins the stream when the hole before it fills; so is a FIN that arrives early. */
#include "tcp/tcb.h"
#include "util/seq.h"

static bool takes_text(enum synack_state s)
{
    return s == SYNACK_ESTABLISHED || s == SYNACK_FIN_WAIT_1 || s == SYNACK_FIN_WAIT_2;
}

/* Cut what lies before RCV.NXT or beyond the window we offered (§3.3 "trimmed"). */
static void trim(const struct synack_conn *c, struct sy_seg *seg)
{
    struct sy_tcp *t = &seg->tcp;
    if (sy_seq_lt(t->seq, c->rcv_nxt)) {
        uint32_t cut = c->rcv_nxt - t->seq;
        if (cut > t->payload_len) cut = (uint32_t)t->payload_len;
        t->payload += cut;
        t->payload_len -= cut;
        t->seq += cut;
    }
    uint32_t edge = c->rcv_nxt + sy_rcv_wnd_accept(c);
    uint32_t room = sy_seq_gt(edge, t->seq) ? edge - t->seq : 0;
    if (t->payload_len > room) {
        t->payload_len = room;
        t->flags &= (uint8_t)~SY_TH_FIN; /* the FIN lies beyond the window */
    }
}

void sy_dsack_note(struct synack_conn *c, const struct sy_seg *seg)
{
    const struct sy_tcp *t = &seg->tcp;
    if (!c->sack_ok || t->payload_len == 0) return;
    uint32_t lo = t->seq, hi = t->seq + (uint32_t)t->payload_len;
    if (sy_seq_lt(lo, c->rcv_nxt)) {
        c->dsack = true;
        c->dsack_left = lo;
        c->dsack_right = sy_seq_lt(hi, c->rcv_nxt) ? hi : c->rcv_nxt;
        return;
    }
    const struct sy_assembler *a = &c->reasm;
    for (unsigned i = 0; i < a->n; i++) {
        uint32_t rs = c->rcv_nxt + a->r[i].start, re = c->rcv_nxt + a->r[i].end;
        uint32_t l = sy_seq_gt(rs, lo) ? rs : lo, r = sy_seq_lt(re, hi) ? re : hi;
        if (sy_seq_lt(l, r)) {
            c->dsack = true;
            c->dsack_left = l;
            c->dsack_right = r;
            return;
        }
    }
}

void sy_text_queue_syn(struct synack_conn *c, const struct sy_seg *seg)
{
    const struct sy_tcp *t = &seg->tcp;
    size_t n =
        t->payload_len < sy_ring_space(&c->rcvbuf) ? t->payload_len : sy_ring_space(&c->rcvbuf);
    if (n && sy_ring_write_at(&c->rcvbuf, 0, t->payload, n)) sy_asm_add(&c->reasm, 0, (uint32_t)n);
}

static void ack_later(struct synack_conn *c, synack_time_t now);

void sy_text_release_syn(struct synack_conn *c, synack_time_t now)
{
    uint32_t more = sy_asm_advance(&c->reasm, 0);
    if (more == 0) return;
    sy_ring_commit(&c->rcvbuf, more);
    c->rcv_nxt += more;
    c->delack_bytes += more;
    sy_conn_notify(c, SYNACK_EV_READABLE, now);
    ack_later(c, now);
}

/* Data beyond RCV.NXT (within the window) is written in place into the receive buffer at its
 * offset and its range remembered (RFC 9293 §3.10.7.4 seventh: segments beyond RCV.NXT "may be
 * held for later processing"). */
static void hold_early(struct synack_conn *c, const struct sy_tcp *t)
{
    uint32_t off = t->seq - c->rcv_nxt;
    if (sy_ring_write_at(&c->rcvbuf, off, t->payload, t->payload_len)) {
        sy_asm_add(&c->reasm, off, off + (uint32_t)t->payload_len);
        c->sack_newest = true; /* RFC 2018 §4: its block goes first */
        c->sack_newest_seq = t->seq;
    }
}

enum ack_need { ACK_NONE, ACK_DELAYED, ACK_NOW };

/* Seventh: take the text into the receive buffer. An ACK is owed at once for data out of order,
 * for data that fills (part of) a hole or leaves one open (RFC 5681 §4.2), and for trimmed data;
 * plain in-order data may be acknowledged later (§3.8.6.3). */
static enum ack_need take_text(struct synack_conn *c, struct sy_seg *seg, synack_time_t now)
{
    struct sy_tcp *t = &seg->tcp;
    size_t before = t->payload_len;
    sy_dsack_note(c, seg);
    trim(c, seg);
    enum ack_need owed = before != t->payload_len ? ACK_NOW : ACK_NONE;
    if (t->payload_len == 0) return owed;
    if (t->seq != c->rcv_nxt) {
        hold_early(c, t);
        return ACK_NOW;
    }
    c->sack_newest = false;
    bool gap = !sy_asm_empty(&c->reasm); /* this segment fills (part of) a hole */
    size_t n = sy_ring_write(&c->rcvbuf, t->payload, t->payload_len);
    uint32_t more = sy_asm_advance(&c->reasm, (uint32_t)n); /* held data now in order */
    sy_ring_commit(&c->rcvbuf, more);
    c->rcv_nxt += (uint32_t)n + more;
    if (n < t->payload_len) t->flags &= (uint8_t)~SY_TH_FIN;
    sy_conn_notify(c, SYNACK_EV_READABLE, now);
    c->delack_bytes += (uint32_t)n + more;
    c->delack_segs++;
    if (more || gap || !sy_asm_empty(&c->reasm)) return ACK_NOW;
    return owed == ACK_NOW ? ACK_NOW : ACK_DELAYED;
}

/* §3.8.6.3 and RFC 1122 §4.2.3.2: delay the ACK of in-order data, but ACK at least every second
 * full-sized segment (with cfg.delack_two_segments every second segment of any size, as BSD)
 * and within delack_timeout (< 500 ms); 0 acknowledges every segment. */
static void ack_later(struct synack_conn *c, synack_time_t now)
{
    const struct synack_config *cfg = &c->stack->cfg;
    uint32_t full = c->our_mss - (c->ts_ok ? 12u : 0u);
    bool two = cfg->delack_two_segments && c->delack_segs >= 2;
    if (cfg->delack_timeout == 0 || c->delack_bytes >= 2 * full || two) {
        sy_send_ack(c, now);
        return;
    }
    if (!sy_timer_armed(c, SY_TIMER_DELACK))
        sy_timer_set(c, SY_TIMER_DELACK, now + cfg->delack_timeout);
}

/* Eighth: the FIN, once everything before it has been taken. */
static void take_fin(struct synack_conn *c, synack_time_t now)
{
    c->rcv_nxt += 1;
    c->fin_rcvd = true;
    /* The state changes first, then the ACK goes out: "rcv FIN / snd ACK" of Figure 5. */
    switch (c->state) {
    case SYNACK_SYN_RECEIVED:
    case SYNACK_ESTABLISHED: sy_set_state(c, SYNACK_CLOSE_WAIT, SYNACK_CAUSE_RCV_FIN, now); break;
    case SYNACK_FIN_WAIT_1:
        /* "If our FIN has been ACKed (perhaps in this segment), then enter TIME-WAIT ...;
         * otherwise, enter the CLOSING state." */
        sy_set_state(c, sy_fin_acked(c) ? SYNACK_TIME_WAIT : SYNACK_CLOSING, SYNACK_CAUSE_RCV_FIN,
                     now);
        break;
    case SYNACK_FIN_WAIT_2: sy_set_state(c, SYNACK_TIME_WAIT, SYNACK_CAUSE_RCV_FIN, now); break;
    case SYNACK_TIME_WAIT: sy_timer_time_wait(c, now); break; /* restart 2 MSL */
    case SYNACK_CLOSE_WAIT:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_CLOSED:
    case SYNACK_LISTEN:
    case SYNACK_SYN_SENT:
    case SYNACK_STATE_COUNT: break;
    }
    sy_send_ack_of_fin(c, now);
    sy_conn_notify(c, SYNACK_EV_READABLE, now);
}

void sy_input_text_and_fin(struct synack_conn *c, struct sy_seg *seg, synack_time_t now)
{
    enum ack_need owed = ACK_NONE;
    if (takes_text(c->state)) {
        sy_urg_in(c, seg, now); /* sixth; in the other states "ignore the URG" */
        owed = take_text(c, seg, now);
    } else {
        /* "This should not occur, since a FIN has been received": ignore the text. */
        trim(c, seg);
        seg->tcp.payload_len = 0;
    }
    if (sy_ecn_ack_now(c) && owed == ACK_DELAYED) owed = ACK_NOW; /* a CE mark: RFC 3168 */
    struct sy_tcp *t = &seg->tcp;
    bool fin = !c->fin_rcvd && (((t->flags & SY_TH_FIN) && t->seq + t->payload_len == c->rcv_nxt) ||
                                (c->fin_early && c->fin_early_seq == c->rcv_nxt));
    /* A FIN beyond RCV.NXT is an out-of-order segment too: an immediate ACK (RFC 5681 §4.2); it
     * is remembered and taken when the data before it has arrived. */
    if (!fin && (t->flags & SY_TH_FIN) && !c->fin_rcvd) {
        owed = ACK_NOW;
        c->fin_early = true;
        c->fin_early_seq = t->seq + (uint32_t)t->payload_len;
    }
    if (fin)
        take_fin(c, now);
    else if (owed == ACK_NOW)
        sy_send_ack(c, now);
    else if (owed == ACK_DELAYED)
        ack_later(c, now);
    /* Our FIN's ACK came with a FIN we could not take yet: FIN-WAIT-2 after all. */
    if (c->state == SYNACK_FIN_WAIT_1 && sy_fin_acked(c))
        sy_set_state(c, SYNACK_FIN_WAIT_2, SYNACK_CAUSE_RCV_ACK, now);
}
