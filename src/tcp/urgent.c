/* tcp — the urgent mechanism (RFC 9293 §3.8.5, §3.10.2 SEND, §3.10.7.4 sixth; RFC 6093). The
 * urgent pointer points to the octet following the urgent data (MUST-62); urgent data of any
 * length is delivered in line, in sequence (MUST-31, RFC 6093 §5), and the application learns
 * of it by an event and by how much of it is still unread (MUST-32, MUST-33). */
#include "tcp/tcb.h"
#include "util/seq.h"

/* The sequence number of the next octet the application reads. */
static uint32_t read_seq(const struct synack_conn *c)
{
    return c->rcv_nxt - (uint32_t)sy_ring_len(&c->rcvbuf) - (c->fin_rcvd ? 1u : 0u);
}

void sy_urg_mark_sent(struct synack_conn *c, uint32_t end)
{
    /* §3.10.2: "If the urgent flag is set, then SND.UP <- SND.NXT" (the queued data's end). */
    c->snd_up = end;
    c->snd_up_on = true;
}

void sy_urg_out(struct synack_conn *c, struct sy_tcp *h, size_t len)
{
    if (!c->snd_up_on || (h->flags & (SY_TH_SYN | SY_TH_RST))) return;
    if (sy_seq_geq(c->snd_una, c->snd_up)) { /* all urgent data acknowledged: urgent mode ends */
        c->snd_up_on = false;
        return;
    }
    if (!sy_seq_lt(h->seq, c->snd_up)) return;
    /* Every segment before SND.UP says so, pure ACKs and window probes too: the peer learns of
     * urgent data even while its window is closed (MUST-66). Beyond what 16 bits reach, the
     * pointer says "at least this far" and moves on with the segments (MUST-31), but only
     * while that lies beyond all we have sent: a BSD-style receiver would take the octet
     * before it, already in its hands, for the urgent one (as Linux's tcp_transmit_skb). */
    uint32_t up = c->snd_up - h->seq;
    uint32_t sent = sy_seq_max(c->snd_max, h->seq + (uint32_t)len);
    if (up > 0xffff && !sy_seq_gt(h->seq + 0xffff, sent)) return;
    h->flags |= SY_TH_URG;
    h->urp = (uint16_t)(up > 0xffff ? 0xffff : up);
}

void sy_urg_in(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    const struct sy_tcp *t = &seg->tcp;
    if (!(t->flags & SY_TH_URG)) return;
    uint32_t up = t->seq + t->urp, read = read_seq(c); /* SEG.UP, after RFC 6093 §4 */
    bool urgent_mode = c->rcv_up_on && sy_seq_gt(c->rcv_up, read);
    /* "RCV.UP <- max(RCV.UP,SEG.UP)" */
    if (!sy_seq_gt(up, read) || (urgent_mode && !sy_seq_gt(up, c->rcv_up))) return;
    c->rcv_up = up;
    c->rcv_up_on = true;
    c->stack->counters.urgent_in++;
    /* "signal the user ... if the urgent pointer is in advance of the data consumed", once for
     * a continuous sequence of urgent data. */
    if (!urgent_mode) sy_conn_notify(c, SYNACK_EV_URGENT, now);
}

uint32_t sy_urg_unread(const struct synack_conn *c)
{
    if (!c->rcv_up_on) return 0;
    uint32_t read = read_seq(c);
    return sy_seq_gt(c->rcv_up, read) ? c->rcv_up - read : 0;
}

void sy_urg_after_read(struct synack_conn *c)
{
    if (c->rcv_up_on && sy_urg_unread(c) == 0) c->rcv_up_on = false; /* out of urgent mode */
}
