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

/* Emit one segment from local to remote through dev, and report it. The payload is h->payload
 * followed by `tail` (a send ring's wrap): copied once, straight into the packet. */
static int send_segment(struct synack_stack *s, struct synack_conn *c, int dev,
                        const struct synack_endpoint *local, const struct synack_endpoint *remote,
                        const struct sy_tcp *h, const uint8_t *tail, size_t tail_len, uint8_t ect,
                        synack_time_t now)
{
    size_t n = sy_tcp_emit_v4_gather(h, tail, tail_len, local->addr.bytes, remote->addr.bytes,
                                     sy_ip_tx_payload(s), SY_IP_TX_PAYLOAD_CAP);
    if (n == 0) return -1;
    struct synack_event ev = {.type = SYNACK_EV_SEGMENT_OUT, .conn = c};
    seg_info(&ev.seg, local, remote, h);
    ev.seg.len += (uint32_t)tail_len;
    s->counters.segments_out++;
    sy_stack_emit(s, &ev, now);
    /* MUST-48/49: the connection's TOS and TTL; a reply of no connection gets the stack's */
    uint8_t ttl = c ? c->prm.ttl : s->cfg.ip_ttl, tos = c ? c->prm.tos : 0;
    tos = (uint8_t)((tos & ~3) | ect); /* RFC 3168 §5: the low two bits are the ECN field */
    return sy_ip_output(s, dev, &local->addr, &remote->addr, SY_IPPROTO_TCP, n, ttl, tos, now);
}

/* The largest window the header can offer (RFC 7323 §2.3). */
static uint32_t rcv_wnd_max(const struct synack_conn *c)
{
    return (uint32_t)0xffff << c->rcv_wscale;
}

uint32_t sy_rcv_window_target(const struct synack_conn *c)
{
    uint32_t space = (uint32_t)sy_ring_space(&c->rcvbuf), max = rcv_wnd_max(c);
    uint32_t offered = sy_rcv_wnd(c), cap = (uint32_t)c->rcvbuf.cap;
    if (c->stack->cfg.rcv_wnd_bsd) {
        /* BSD: all the free space, but no window below min(buffer/4, MSS) (RFC 1122
         * §4.2.3.3's receiver SWS avoidance in BSD's form). */
        if (space < cap / 4 && space < c->our_mss) space = 0;
        space = space < max ? space : max;
        return space > offered ? space : offered;
    }
    uint32_t step = c->our_mss < cap / 2 ? c->our_mss : cap / 2;
    uint32_t target = space >= offered + step ? space : offered;
    return target < max ? target : (offered > max ? offered : max);
}

bool sy_rcv_window_update_due(const struct synack_conn *c)
{
    uint32_t target = sy_rcv_window_target(c), offered = sy_rcv_wnd(c);
    if (target <= offered) return false;
    if (!c->stack->cfg.rcv_wnd_bsd) return true; /* the target already moved by a step */
    /* BSD's tcp_output(): a window update once it opens by two segments and a quarter of the
     * buffer (or the buffer is small), or by half the buffer. */
    uint32_t grow = target - offered, cap = (uint32_t)c->rcvbuf.cap, mss = c->our_mss;
    return (grow >= 2 * mss && (grow >= cap / 4 || cap <= 8 * mss)) || 2 * grow >= cap;
}

uint16_t sy_rcv_window_update(struct synack_conn *c, bool syn)
{
    if (syn) { /* RFC 7323 §2.2: the window in a SYN is never scaled */
        uint32_t space = (uint32_t)sy_ring_space(&c->rcvbuf);
        c->rcv_adv = c->rcv_nxt + (space > 0xffff ? 0xffff : space);
        return (uint16_t)(space > 0xffff ? 0xffff : space);
    }
    uint32_t wnd = sy_rcv_window_target(c) >> c->rcv_wscale;
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

void sy_emit(struct synack_conn *c, uint32_t seq, uint8_t flags, size_t off, size_t len,
             synack_time_t now)
{
    struct synack_stack *s = c->stack;
    bool syn = (flags & SY_TH_SYN) != 0;
    uint8_t ect;
    flags |= sy_ecn_flags_out(c, seq, flags, len, &ect);
    struct sy_tcp h = {.sport = c->local.port, .dport = c->remote.port, .seq = seq, .flags = flags};
    if (flags & SY_TH_ACK) {
        h.ack = c->last_ack_sent = c->rcv_nxt;
        c->ack_deferred = false;              /* this carries what a deferred ACK would (MUST-59) */
        c->delack_bytes = c->delack_segs = 0; /* this carries the ACK a delayed one would */
        if (sy_timer_armed(c, SY_TIMER_DELACK)) sy_timer_set(c, SY_TIMER_DELACK, SYNACK_TIME_NEVER);
    }
    h.wnd = sy_rcv_window_update(c, syn);
    if (syn) {
        sy_opts_for_syn(c, &h.opts, now);
        c->syn_opts |= h.opts.has; /* what any SYN of this open offered */
    } else
        sy_opts_for_segment(c, &h.opts, now);
    sy_opts_sack_sent(c, &h.opts);
    sy_urg_out(c, &h, len);
    const uint8_t *tail = NULL;
    size_t tail_len = 0;
    if (len) sy_ring_span(&c->sndbuf, off, len, &h.payload, &h.payload_len, &tail, &tail_len);
    send_segment(s, c, c->dev, &c->local, &c->remote, &h, tail, tail_len, ect, now);
}

void sy_send_ack_of_fin(struct synack_conn *c, synack_time_t now)
{
    if (c->stack->cfg.ack_resends_fin && c->fin_sent && c->snd_una == c->fin_seq &&
        !sy_fin_acked(c)) {
        sy_emit(c, c->fin_seq, SY_TH_ACK | SY_TH_FIN, 0, 0, now); /* BSD: our FIN again */
        return;
    }
    sy_send_ack(c, now);
}

void sy_send_ack(struct synack_conn *c, synack_time_t now)
{
    if (sy_ack_batch_defer(c)) return; /* MUST-59: after the whole batch */
    /* <SEQ=SND.NXT>: the RFC's SND.NXT never moves back; ours does during a go-back
     * retransmission, so segments without data carry SND.MAX, as BSD's tcp_output does. An older
     * sequence number would be unacceptable to a peer past it (§3.10.7.4). */
    sy_emit(c, c->snd_max, SY_TH_ACK, 0, 0, now);
}

void sy_emit_at(struct synack_conn *c, uint32_t seq, synack_time_t now)
{
    sy_emit(c, seq, SY_TH_ACK, 0, 0, now);
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
    /* §3.10.5 <SEQ=SND.NXT><CTL=RST>; once the peer's SYN is in, with <ACK=RCV.NXT> as Linux
     * and FreeBSD send it (the ACK lets a peer behind on our sequence numbers still take it).
     * The window is zero: there is no more room. */
    struct sy_tcp h = {.sport = c->local.port,
                       .dport = c->remote.port,
                       .seq = c->snd_max,
                       .ack = c->rcv_syn ? c->rcv_nxt : 0,
                       .flags = (uint8_t)(SY_TH_RST | (c->rcv_syn ? SY_TH_ACK : 0))};
    struct synack_event ev = {.type = SYNACK_EV_RST_SENT, .conn = c, .rst = why};
    seg_info(&ev.seg, &c->local, &c->remote, &h);
    sy_stack_emit(s, &ev, now);
    send_segment(s, c, c->dev, &c->local, &c->remote, &h, NULL, 0, SY_ECN_NOT_ECT, now);
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
    send_segment(s, NULL, seg->dev, &seg->dst, &seg->src, &h, NULL, 0, SY_ECN_NOT_ECT, now);
}
