/* tcp — building and sending segments: SYN, data, FIN, ACK and RST (RFC 9293 §3.8, §3.10). */
#include <string.h>

#include "ip/ipv4.h"
#include "tcp/tcb.h"
#include "util/seq.h"
#include "wire/ipv4.h"

static void seg_info(struct synack_segment_info *si, const struct synack_endpoint *src,
                     const struct synack_endpoint *dst, const struct sy_tcp *h)
{
    *si = (struct synack_segment_info){.src = *src,
                                       .dst = *dst,
                                       .seq = h->seq,
                                       .ack = h->ack,
                                       .wnd = h->wnd,
                                       .len = (uint32_t)h->payload_len,
                                       .flags = h->flags,
                                       .wscale = -1};
    if (h->opts.has & SY_OPT_MSS) si->mss = h->opts.mss;
    if (h->opts.has & SY_OPT_WSCALE) si->wscale = (int8_t)h->opts.wscale;
    si->sack_ok = (h->opts.has & SY_OPT_SACK_PERM) != 0;
    si->has_ts = (h->opts.has & SY_OPT_TS) != 0;
    si->ts_val = h->opts.ts_val;
    si->ts_ecr = h->opts.ts_ecr;
}

/* Emit one segment from local to remote through dev, and report it. */
static int send_segment(struct synack_stack *s, struct synack_conn *c, int dev,
                        const struct synack_endpoint *local, const struct synack_endpoint *remote,
                        const struct sy_tcp *h, synack_time_t now)
{
    uint8_t *tcp = s->txbuf + SY_IPV4_HDR_LEN;
    size_t n = sy_tcp_emit_v4(h, local->addr.bytes, remote->addr.bytes, tcp,
                              sizeof(s->txbuf) - SY_IPV4_HDR_LEN);
    if (n == 0) return -1;
    struct synack_event ev = {.type = SYNACK_EV_SEGMENT_OUT, .conn = c};
    seg_info(&ev.seg, local, remote, h);
    s->counters.segments_out++;
    sy_stack_emit(s, &ev, now);
    return sy_ip_output(s, dev, &local->addr, &remote->addr, SY_IPPROTO_TCP, n, now);
}

uint16_t sy_rcv_window_update(struct synack_conn *c, bool syn)
{
    uint32_t space = (uint32_t)sy_ring_space(&c->rcvbuf);
    if (syn) { /* RFC 7323 §2.2: the window in a SYN is never scaled */
        c->rcv_adv = c->rcv_nxt + (space > 0xffff ? 0xffff : space);
        return (uint16_t)(space > 0xffff ? 0xffff : space);
    }
    uint32_t wnd = space >> c->rcv_wscale;
    if (wnd > 0xffff) wnd = 0xffff;
    uint32_t edge = c->rcv_nxt + (wnd << c->rcv_wscale);
    if (sy_seq_lt(edge, c->rcv_adv)) {
        /* RFC 9293 §3.8.6.2.1: never shrink the window we offered; round up to keep the edge. */
        uint32_t keep = c->rcv_adv - c->rcv_nxt;
        wnd = (keep + (1u << c->rcv_wscale) - 1) >> c->rcv_wscale;
        if (wnd > 0xffff) wnd = 0xffff;
        edge = c->rcv_nxt + (wnd << c->rcv_wscale);
    }
    if (sy_seq_gt(edge, c->rcv_adv)) c->rcv_adv = edge;
    return (uint16_t)wnd;
}

/* A segment of this connection: seq, flags, payload (len bytes of the send buffer at off). */
static void conn_emit(struct synack_conn *c, uint32_t seq, uint8_t flags, size_t off, size_t len,
                      synack_time_t now)
{
    struct synack_stack *s = c->stack;
    bool syn = (flags & SY_TH_SYN) != 0;
    struct sy_tcp h = {.sport = c->local.port, .dport = c->remote.port, .seq = seq, .flags = flags};
    if (flags & SY_TH_ACK) h.ack = c->rcv_nxt;
    h.wnd = sy_rcv_window_update(c, syn);
    if (syn)
        sy_opts_for_syn(c, &h.opts, now);
    else
        sy_opts_for_segment(c, &h.opts, now);
    if (len) {
        h.payload_len = sy_ring_peek(&c->sndbuf, off, s->scratch, len);
        h.payload = s->scratch;
    }
    send_segment(s, c, c->dev, &c->local, &c->remote, &h, now);
}

void sy_send_ack(struct synack_conn *c, synack_time_t now)
{
    conn_emit(c, c->snd_nxt, SY_TH_ACK, 0, 0, now);
}

bool sy_delack_expired(struct synack_conn *c, synack_time_t now)
{
    sy_send_ack(c, now);
    return false;
}

void sy_send_rst_conn(struct synack_conn *c, enum synack_rst_reason why, synack_time_t now)
{
    struct synack_stack *s = c->stack;
    s->counters.rst_sent[why]++;
    struct sy_tcp h = {
        .sport = c->local.port, .dport = c->remote.port, .seq = c->snd_nxt, .flags = SY_TH_RST};
    struct synack_event ev = {.type = SYNACK_EV_RST_SENT, .conn = c, .rst = why};
    seg_info(&ev.seg, &c->local, &c->remote, &h);
    sy_stack_emit(s, &ev, now);
    send_segment(s, c, c->dev, &c->local, &c->remote, &h, now);
}

void sy_send_rst_reply(struct synack_stack *s, const struct sy_seg *seg, enum synack_rst_reason why,
                       synack_time_t now)
{
    const struct sy_tcp *in = &seg->tcp;
    if (in->flags & SY_TH_RST) return; /* §3.10.7.1: never answer a RST */
    struct sy_tcp h = {.sport = in->dport, .dport = in->sport};
    if (in->flags & SY_TH_ACK) {
        h.seq = in->ack; /* <SEQ=SEG.ACK><CTL=RST> */
        h.flags = SY_TH_RST;
    } else {
        h.seq = 0; /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
        h.ack = in->seq + seg->len;
        h.flags = SY_TH_RST | SY_TH_ACK;
    }
    s->counters.rst_sent[why]++;
    struct synack_event ev = {.type = SYNACK_EV_RST_SENT, .rst = why};
    seg_info(&ev.seg, &seg->dst, &seg->src, &h);
    sy_stack_emit(s, &ev, now);
    send_segment(s, NULL, seg->dev, &seg->dst, &seg->src, &h, now);
}

static bool fin_due(const struct synack_conn *c)
{
    return c->state == SYNACK_FIN_WAIT_1 || c->state == SYNACK_CLOSING ||
           c->state == SYNACK_LAST_ACK;
}

static void send_syn(struct synack_conn *c, synack_time_t now)
{
    conn_emit(c, c->iss, SY_TH_SYN | (c->rcv_syn ? SY_TH_ACK : 0), 0, 0, now);
    if (c->snd_nxt == c->iss && c->snd_max == c->iss) sy_rtt_on_send(c, c->iss, now);
    c->snd_nxt = c->iss + 1;
}

/* Data (and the FIN after it) within the peer's window, MSS-sized. Nagle and congestion control
 * come with the data-transfer work; this sends whatever the window allows. */
static void send_data(struct synack_conn *c, synack_time_t now)
{
    uint32_t data_seq = sy_snd_data_seq(c);
    size_t total = sy_ring_len(&c->sndbuf);
    uint32_t mss = sy_opts_payload_mss(c);
    uint32_t wnd_end = c->snd_una + c->snd_wnd;
    bool syn_acked = c->snd_una != c->iss;
    for (;;) {
        size_t off = c->snd_nxt - data_seq;
        if (off > total) return; /* the FIN is out */
        /* Nothing follows our FIN (§3.10.4). Once it is acknowledged SND.UNA is past it and
         * off is 0 again: without this, FIN-WAIT-1 receiving FIN+ACK-of-our-FIN sent a
         * second FIN at FIN+1 before the FIN step moved to TIME-WAIT. */
        if (c->fin_sent && sy_seq_gt(c->snd_nxt, c->fin_seq)) return;
        size_t n = total - off;
        uint32_t usable = sy_seq_gt(wnd_end, c->snd_nxt) ? wnd_end - c->snd_nxt : 0;
        if (!syn_acked) n = 0; /* data waits for ESTABLISHED (§3.10.2) */
        if (n > usable) n = usable;
        if (n > mss) n = mss;
        bool fin = fin_due(c) && off + n == total;
        if (n == 0 && !fin) return;
        uint8_t flags = SY_TH_ACK | (n && off + n == total ? SY_TH_PSH : 0) | (fin ? SY_TH_FIN : 0);
        conn_emit(c, c->snd_nxt, flags, off, n, now);
        if (sy_seq_geq(c->snd_nxt, c->snd_max)) sy_rtt_on_send(c, c->snd_nxt, now); /* Karn */
        c->snd_nxt += (uint32_t)n + (fin ? 1u : 0u);
        if (fin) {
            c->fin_sent = true;
            c->fin_seq = c->snd_nxt - 1;
            return;
        }
    }
}

void sy_output(struct synack_conn *c, synack_time_t now)
{
    switch (c->state) {
    case SYNACK_CLOSED:
    case SYNACK_LISTEN:
    case SYNACK_TIME_WAIT:
    case SYNACK_STATE_COUNT: return;
    case SYNACK_SYN_SENT:
    case SYNACK_SYN_RECEIVED:
    case SYNACK_ESTABLISHED:
    case SYNACK_CLOSE_WAIT:
    case SYNACK_FIN_WAIT_1:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_FIN_WAIT_2: break;
    }
    if (c->snd_nxt == c->iss) send_syn(c, now);
    if (c->state != SYNACK_SYN_SENT) send_data(c, now);
    if (sy_seq_gt(c->snd_nxt, c->snd_max)) c->snd_max = c->snd_nxt;
    bool unsent = sy_ring_len(&c->sndbuf) > (size_t)(c->snd_nxt - sy_snd_data_seq(c));
    /* RFC 6298 §5.1: run the timer while data is outstanding; also while the peer's window is
     * zero and data waits, so that a probe follows (§3.8.6.1). */
    if (!sy_timer_armed(c, SY_TIMER_RTX) && (c->snd_nxt != c->snd_una || unsent))
        sy_timer_rtx_arm(c, now);
}

void sy_output_retransmit(struct synack_conn *c, synack_time_t now)
{
    struct synack_event ev = {.type = SYNACK_EV_RETRANSMIT, .conn = c};
    ev.seg.seq = c->snd_una;
    sy_stack_emit(c->stack, &ev, now);
    c->snd_nxt = c->snd_una; /* go back: resend from the oldest unacknowledged byte */
    uint32_t data_seq = sy_snd_data_seq(c);
    bool syn_acked = c->snd_una != c->iss;
    if (syn_acked && c->snd_wnd == 0 && sy_ring_len(&c->sndbuf) > (size_t)(c->snd_nxt - data_seq)) {
        /* §3.8.6.1: a zero-window probe carries one byte beyond the window. */
        conn_emit(c, c->snd_nxt, SY_TH_ACK, c->snd_nxt - data_seq, 1, now);
        /* SND.MAX covers the byte (an ACK of it is acceptable) but SND.NXT stays: a receiver
         * with a zero window does not take it (§3.10.7.4), so when the window opens the next
         * segment must start at SND.UNA again, not leave a hole until the next RTO. */
        if (sy_seq_gt(c->snd_nxt + 1, c->snd_max)) c->snd_max = c->snd_nxt + 1;
    } else {
        sy_output(c, now);
    }
    sy_timer_rtx_arm(c, now);
}
