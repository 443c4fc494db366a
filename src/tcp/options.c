/* tcp — options in the handshake and on every segment: MSS (RFC 9293 §3.7.1), window scale and
 * timestamps (RFC 7323), SACK-permitted (RFC 2018). Each is in use only when both SYNs carry it. */
#include "ip/ipv4.h"
#include "tcp/tcb.h"
#include "util/seq.h"

/* The shift that lets our receive buffer be advertised in 16 bits (RFC 7323 §2.3). */
static uint8_t our_wscale(const struct synack_conn *c)
{
    uint32_t buf = c->stack->cfg.max_sockbuf ? c->stack->cfg.max_sockbuf : c->prm.rcvbuf;
    uint8_t ws = 0;
    while (ws < SY_TCP_MAX_WSCALE && ((uint32_t)0xffff << ws) < buf)
        ws++;
    return ws;
}

/* RFC 7323 §5.4: a 1 ms clock, offset per connection (§7.1) so values reveal no uptime. */
static uint32_t ts_now(const struct synack_conn *c, synack_time_t now)
{
    return (uint32_t)(now / 1000) + c->ts_offset;
}

void sy_opts_for_syn(const struct synack_conn *c, struct sy_tcp_opts *o, synack_time_t now)
{
    const struct synack_config *cfg = &c->stack->cfg;
    *o = (struct sy_tcp_opts){0};
    /* TCP_NOOPT: no options at all, as FreeBSD; the MSS option is a SHOULD (SHLD-5). */
    if (c->prm.noopt) return;
    o->layout = (uint8_t)cfg->opt_layout;
    o->has = SY_OPT_MSS;
    o->mss = c->our_mss;
    /* On a SYN,ACK, offer only what the peer's SYN offered (RFC 7323 §2.2, §3.2; RFC 2018 §2). */
    bool reply = c->rcv_syn;
    /* cfg.syn_rtx_drop_options: from the third retransmission of a SYN on, the MSS alone. */
    if (!reply && cfg->syn_rtx_drop_options && c->rtx_count >= 3) return;
    if (cfg->opt_wscale && (!reply || c->ws_ok)) {
        o->has |= SY_OPT_WSCALE;
        o->wscale = c->rcv_wscale;
    }
    if (cfg->opt_sack && (!reply || c->sack_ok)) o->has |= SY_OPT_SACK_PERM;
    if (cfg->opt_timestamps && (!reply || c->ts_ok)) {
        o->has |= SY_OPT_TS;
        o->ts_val = ts_now(c, now);
        o->ts_ecr = reply ? c->ts_recent : 0;
    }
}

/* A buffer grown to whole segments, within max_sockbuf (FreeBSD's tcp_mss()). */
static void round_buffer(struct sy_ring *r, uint32_t *size, uint32_t mss, uint32_t max)
{
    if (r->buf == NULL || *size <= mss) return;
    uint32_t want = (uint32_t)(((uint64_t)*size + mss - 1) / mss * mss);
    if (max && want > max) want = max;
    if (want > *size && sy_ring_grow(r, want) == 0) *size = want;
}

void sy_opts_round_buffers(struct synack_conn *c)
{
    uint32_t max = c->stack->cfg.max_sockbuf;
    round_buffer(&c->sndbuf, &c->prm.sndbuf, c->snd_mss, max);
    round_buffer(&c->rcvbuf, &c->prm.rcvbuf, c->snd_mss, max);
}

/* Record what the peer's SYN (or SYN,ACK) offers: an option is on only if we offer it too. */
void sy_opts_from_syn(struct synack_conn *c, const struct sy_tcp *syn, synack_time_t now)
{
    const struct synack_config *cfg = &c->stack->cfg;
    const struct sy_tcp_opts *o = &syn->opts;
    /* RFC 9293 §3.7.1: 536 when absent; never above what our device can carry. */
    uint32_t mss = (o->has & SY_OPT_MSS) ? o->mss : SY_TCP_DEFAULT_MSS;
    uint32_t dev_mss = (uint32_t)sy_ip_payload_mtu(c->stack, c->dev) - SY_TCP_HDR_LEN;
    if (mss > dev_mss) mss = dev_mss;
    if (c->prm.mss && mss > c->prm.mss) mss = c->prm.mss; /* TCP_MAXSEG clamps both ways */
    if (mss < 64) mss = 64; /* a floor against absurd values, as Linux's tcp_min_snd_mss */
    c->snd_mss = (uint16_t)mss;
    /* Actively when the SYN,ACK comes; passively once ESTABLISHED (ack.c), as FreeBSD. */
    if (c->stack->cfg.buf_round_mss && !c->passive) sy_opts_round_buffers(c);

    bool opts = !c->prm.noopt; /* TCP_NOOPT: none of the peer's offers is taken up */
    /* Once we have sent a SYN, only what one of our SYNs offered can be taken up (RFC 7323 §1.3,
     * RFC 2018 §2): retransmissions may offer less than the settings do (syn_rtx_drop_options),
     * and the SYN,ACK may answer an earlier one. */
    uint8_t offered = c->passive ? UINT8_MAX : c->syn_opts;
    c->ws_ok = opts && cfg->opt_wscale && (o->has & offered & SY_OPT_WSCALE);
    if (c->ws_ok) {
        c->snd_wscale = o->wscale > SY_TCP_MAX_WSCALE ? SY_TCP_MAX_WSCALE : o->wscale;
        c->rcv_wscale = our_wscale(c);
    } else {
        c->snd_wscale = c->rcv_wscale = 0;
    }
    c->ts_ok = opts && cfg->opt_timestamps && (o->has & offered & SY_OPT_TS);
    if (c->ts_ok) {
        c->ts_recent = o->ts_val;
        c->ts_recent_age = now;
    }
    c->sack_ok = opts && cfg->opt_sack && (o->has & offered & SY_OPT_SACK_PERM);
}

/* The held range containing offset off from RCV.NXT, or a->n. */
static unsigned range_at(const struct sy_assembler *a, uint32_t off)
{
    for (unsigned i = 0; i < a->n; i++)
        if (a->r[i].start <= off && off < a->r[i].end) return i;
    return a->n;
}

static void add_block(const struct synack_conn *c, struct sy_tcp_opts *o, unsigned i, bool *used)
{
    used[i] = true;
    const struct sy_asm_range *r = &c->reasm.r[i];
    o->sack[o->sack_count++] = (struct sy_sack_block){c->rcv_nxt + r->start, c->rcv_nxt + r->end};
}

/* RFC 2018 §4: the first block is the range holding the newest segment (MUST), after a D-SACK
 * block when a duplicate arrived (RFC 2883 §4); the others repeat the most recently reported
 * blocks first (SHOULD), then any never reported, in sequence order. Three blocks fit beside
 * timestamps, four without. */
static void sack_blocks(const struct synack_conn *c, struct sy_tcp_opts *o)
{
    const struct sy_assembler *a = &c->reasm;
    unsigned max = (o->has & SY_OPT_TS) ? 3 : 4;
    unsigned first = c->sack_newest ? range_at(a, c->sack_newest_seq - c->rcv_nxt) : a->n;
    bool used[SY_ASM_RANGES] = {false};
    o->has |= SY_OPT_SACK;
    o->sack_count = 0;
    if (c->dsack) o->sack[o->sack_count++] = (struct sy_sack_block){c->dsack_left, c->dsack_right};
    if (first < a->n) add_block(c, o, first, used);
    for (unsigned k = 0; k < c->sack_sent_n && o->sack_count < max; k++) {
        unsigned i = range_at(a, c->sack_sent[k] - c->rcv_nxt);
        if (i < a->n && !used[i]) add_block(c, o, i, used);
    }
    for (unsigned i = 0; i < a->n && o->sack_count < max; i++)
        if (!used[i]) add_block(c, o, i, used);
}

void sy_opts_sack_sent(struct synack_conn *c, const struct sy_tcp_opts *o)
{
    if (!(o->has & SY_OPT_SACK)) return;
    unsigned skip = c->dsack ? 1 : 0; /* a D-SACK block is reported once (RFC 2883 §4) */
    c->dsack = false;
    c->sack_sent_n = (uint8_t)(o->sack_count - skip);
    for (unsigned k = skip; k < o->sack_count; k++)
        c->sack_sent[k - skip] = o->sack[k].left;
}

void sy_opts_for_segment(const struct synack_conn *c, struct sy_tcp_opts *o, synack_time_t now)
{
    *o = (struct sy_tcp_opts){.layout = (uint8_t)c->stack->cfg.opt_layout};
    if (c->ts_ok) {
        o->has = SY_OPT_TS;
        o->ts_val = ts_now(c, now);
        o->ts_ecr = c->ts_recent;
    }
    if (c->sack_ok && (c->dsack || !sy_asm_empty(&c->reasm))) sack_blocks(c, o);
}

uint32_t sy_opts_payload_mss(const struct synack_conn *c)
{
    uint32_t mss = c->snd_mss;
    uint32_t own = (uint32_t)sy_ip_payload_mtu(c->stack, c->dev) - SY_TCP_HDR_LEN;
    if (mss > own) mss = own;
    if (c->ts_ok) mss -= 12; /* RFC 6691 §2: the MSS excludes options; TS takes 12 bytes */
    return mss;
}

/* SACK blocks ride on every segment while data is held out of order (RFC 2018 §4): NOP, NOP,
 * kind, length and 8 bytes a block, as many as sack_blocks() sends. */
static uint32_t sack_space(const struct synack_conn *c)
{
    if (!c->sack_ok || (!c->dsack && sy_asm_empty(&c->reasm))) return 0;
    unsigned max = c->ts_ok ? 3 : 4, held = c->reasm.n + (c->dsack ? 1 : 0);
    unsigned n = held < max ? held : max;
    return 4 + 8 * n;
}

uint32_t sy_opts_segment_room(const struct synack_conn *c)
{
    return sy_opts_payload_mss(c) - sack_space(c);
}

/* Called when a connection is made: our MSS, window scale and timestamp offset. */
void sy_opts_init(struct synack_conn *c)
{
    const struct synack_config *cfg = &c->stack->cfg;
    uint32_t dev_mss = (uint32_t)sy_ip_payload_mtu(c->stack, c->dev) - SY_TCP_HDR_LEN;
    uint32_t want = c->prm.mss ? c->prm.mss : cfg->mss;
    c->our_mss = (uint16_t)(want && want < dev_mss ? want : dev_mss);
    c->rcv_wscale = cfg->opt_wscale && !c->prm.noopt ? our_wscale(c) : 0;
    c->ts_offset = sy_isn(c->stack, &c->remote, &c->local, 0) * 2654435761u;
}

uint32_t sy_opts_ts_now(const struct synack_conn *c, synack_time_t now)
{
    return ts_now(c, now);
}
