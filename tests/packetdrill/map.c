/* packetdrill runner — sequence and timestamp mapping (map.h). */
#include "map.h"

#include <string.h>

#include "wire/tcp.h"

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t pd_local_offset(const struct pd_sock *s, bool syn)
{
    if (!s) return 0;
    return syn ? s->local_isn - s->script_local_isn : s->local_isn;
}

uint32_t pd_remote_offset(const struct pd_sock *s, bool syn)
{
    return s && !syn ? s->remote_isn : 0;
}

int pd_find_ts(const uint8_t *opts, size_t len)
{
    size_t off = 0;
    for (int n; (n = pd_opt_len(opts, len, off)) > 0; off += (size_t)n)
        if (opts[off] == SY_TCPOPT_TS && n == 10) return (int)off;
    return -1;
}

/* Add delta to every SACK block edge. */
static void shift_sack(uint8_t *opts, size_t len, uint32_t delta)
{
    size_t off = 0;
    for (int n; (n = pd_opt_len(opts, len, off)) > 0; off += (size_t)n) {
        if (opts[off] != SY_TCPOPT_SACK) continue;
        for (int k = 2; k + 4 <= n; k += 4)
            put32(opts + off + k, get32(opts + off + k) + delta);
    }
}

static uint32_t ts_script_to_live(const struct pd_sock *s, uint32_t script)
{
    for (size_t i = 0; i < s->nts; i++)
        if (s->ts_map[i].script == script) return s->ts_map[i].live;
    return s->ts_known ? s->ts_first_live + (script - s->ts_first_script) : script;
}

void pd_map_ts_learn(struct pd_sock *s, uint32_t script, uint32_t live)
{
    if (!s->ts_known) {
        s->ts_known = true;
        s->ts_first_script = script;
        s->ts_first_live = live;
    }
    for (size_t i = 0; i < s->nts; i++)
        if (s->ts_map[i].script == script) {
            s->ts_map[i].live = live;
            return;
        }
    if (s->nts < PD_MAX_TS_MAP) {
        s->ts_map[s->nts].script = script;
        s->ts_map[s->nts++].live = live;
    }
}

void pd_map_inbound(const struct pd_sock *s, const struct pd_packet *p, struct pd_seg *seg)
{
    bool syn = p->flags & SY_TH_SYN, ack = p->flags & SY_TH_ACK;
    seg->flags = p->flags;
    seg->seq = p->seq_absolute ? p->seq : p->seq + pd_remote_offset(s, syn);
    seg->ack = ack ? p->ack + pd_local_offset(s, syn) : p->ack;
    seg->win = (uint16_t)(p->win < 0 ? 0 : p->win);
    seg->urg = p->urg;
    memcpy(seg->opts, p->opts, p->opts_len);
    seg->opts_len = p->opts_len;
    seg->payload = NULL;
    seg->payload_len = p->len;
    shift_sack(seg->opts, seg->opts_len, pd_local_offset(s, syn));
    int ts = pd_find_ts(seg->opts, seg->opts_len);
    if (ts >= 0 && ack && s)
        put32(seg->opts + ts + 6, ts_script_to_live(s, get32(p->opts + ts + 6)));
}

static void map_ts_val(const struct pd_sock *s, uint8_t *opts, size_t len)
{
    int ts = pd_find_ts(opts, len);
    if (ts >= 0 && s && s->ts_known)
        put32(opts + ts + 2, s->ts_first_script + (get32(opts + ts + 2) - s->ts_first_live));
}

void pd_map_outbound(const struct pd_sock *s, const struct pd_seg *seg,
                     const struct pd_packet *want, struct pd_packet *act)
{
    bool syn = seg->flags & SY_TH_SYN, ack = seg->flags & SY_TH_ACK;
    memset(act, 0, sizeof(*act));
    act->ip.tos = act->ip.ttl = act->ip.ecn = -1;
    if (want && want->ip.tos >= 0) act->ip.tos = seg->tos;
    if (want && want->ip.ttl >= 0) act->ip.ttl = seg->ttl;
    if (want && want->ip.ecn >= 0) act->ip.ecn = seg->tos & 3;
    act->flags = seg->flags;
    act->seq_absolute = want && want->seq_absolute;
    act->seq = act->seq_absolute ? seg->seq : seg->seq - pd_local_offset(s, syn);
    act->len = (uint16_t)seg->payload_len;
    act->has_ack = ack || seg->ack;
    act->ack = ack ? seg->ack - pd_remote_offset(s, syn) : seg->ack;
    act->win = seg->win;
    act->urg = seg->urg;
    memcpy(act->opts, seg->opts, seg->opts_len);
    act->opts_len = seg->opts_len;
    act->opts_given = true;
    shift_sack(act->opts, act->opts_len, (uint32_t)0 - pd_remote_offset(s, syn));
    map_ts_val(s, act->opts, act->opts_len);
}
