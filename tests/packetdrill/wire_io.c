/* packetdrill runner — building and taking apart packets on the virtual wire. */
#include "wire_io.h"

#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

static size_t ip_header(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint8_t tos,
                        uint8_t ttl, size_t total, uint8_t *buf, size_t cap)
{
    struct sy_ipv4 ip = {.tos = tos, .total_len = (uint16_t)total, .ttl = ttl, .proto = proto};
    memcpy(ip.src, src, 4);
    memcpy(ip.dst, dst, 4);
    return sy_ipv4_emit(&ip, buf, cap);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

size_t pd_build_tcp(const struct pd_seg *s, uint8_t *buf, size_t cap)
{
    size_t hl = SY_TCP_HDR_LEN + s->opts_len, total = SY_IPV4_HDR_LEN + hl + s->payload_len;
    if (total > cap || total > PD_MAX_PACKET || s->opts_len % 4) return 0;
    uint8_t *t = buf + SY_IPV4_HDR_LEN;
    memset(t, 0, hl);
    put16(t, s->sport);
    put16(t + 2, s->dport);
    put32(t + 4, s->seq);
    put32(t + 8, s->ack);
    t[12] = (uint8_t)((hl / 4) << 4);
    t[13] = s->flags;
    put16(t + 14, s->win);
    put16(t + 18, s->urg);
    memcpy(t + SY_TCP_HDR_LEN, s->opts, s->opts_len);
    if (s->payload)
        memcpy(t + hl, s->payload, s->payload_len);
    else
        memset(t + hl, 0, s->payload_len);
    size_t tlen = hl + s->payload_len;
    uint32_t sum = sy_csum_pseudo_v4(s->src, s->dst, SY_IPPROTO_TCP, (uint16_t)tlen);
    put16(t + 16, sy_csum_finish(sy_csum_add(sum, t, tlen)));
    ip_header(s->src, s->dst, SY_IPPROTO_TCP, s->tos, s->ttl, total, buf, cap);
    return total;
}

size_t pd_build_icmp(const struct pd_icmp_out *m, uint8_t *buf, size_t cap)
{
    uint8_t quote[SY_IPV4_HDR_LEN + SY_TCP_HDR_LEN] = {0};
    ip_header(m->quoted_src, m->quoted_dst, SY_IPPROTO_TCP, 0, 64,
              SY_IPV4_HDR_LEN + SY_TCP_HDR_LEN + m->len, quote, sizeof quote);
    uint8_t *t = quote + SY_IPV4_HDR_LEN;
    put16(t, m->sport);
    put16(t + 2, m->dport);
    put32(t + 4, m->seq);
    t[12] = 5 << 4;
    t[13] = SY_TH_ACK;
    struct sy_icmp ic = {.type = m->type,
                         .code = m->code,
                         .next_mtu = m->mtu,
                         .payload = quote,
                         .payload_len = sizeof quote};
    if (cap < SY_IPV4_HDR_LEN) return 0;
    size_t n = sy_icmp_emit(&ic, buf + SY_IPV4_HDR_LEN, cap - SY_IPV4_HDR_LEN);
    if (!n) return 0;
    ip_header(m->src, m->dst, SY_IPPROTO_ICMP, 0, 64, SY_IPV4_HDR_LEN + n, buf, cap);
    return SY_IPV4_HDR_LEN + n;
}

int pd_opt_len(const uint8_t *opts, size_t len, size_t off)
{
    if (off >= len) return 0;
    if (opts[off] == 0 || opts[off] == 1) return 1;
    if (off + 1 >= len || opts[off + 1] < 2 || off + opts[off + 1] > len) return -1;
    return opts[off + 1];
}

static enum pd_parsed tcp_out(const struct sy_ipv4 *ip, struct pd_seg *seg, const char **why)
{
    struct sy_tcp t;
    enum sy_wire_err e = sy_tcp_parse_v4(ip->payload, ip->payload_len, ip->src, ip->dst, &t);
    if (e != SY_WIRE_OK) {
        *why = sy_wire_err_name(e);
        return PD_PARSED_BAD;
    }
    const uint8_t *h = ip->payload;
    seg->sport = t.sport;
    seg->dport = t.dport;
    seg->seq = t.seq;
    seg->ack = t.ack;
    seg->flags = h[13];
    seg->win = t.wnd;
    seg->urg = t.urp;
    seg->opts_len = (uint8_t)(t.doff - SY_TCP_HDR_LEN);
    memcpy(seg->opts, h + SY_TCP_HDR_LEN, seg->opts_len);
    seg->payload = t.payload;
    seg->payload_len = t.payload_len;
    return PD_PARSED_TCP;
}

enum pd_parsed pd_parse_out(const uint8_t *pkt, size_t len, struct pd_seg *seg, const char **why)
{
    struct sy_ipv4 ip;
    memset(seg, 0, sizeof(*seg));
    enum sy_wire_err e = sy_ipv4_parse(pkt, len, &ip);
    if (e != SY_WIRE_OK) {
        *why = sy_wire_err_name(e);
        return PD_PARSED_BAD;
    }
    memcpy(seg->src, ip.src, 4);
    memcpy(seg->dst, ip.dst, 4);
    seg->tos = ip.tos;
    seg->ttl = ip.ttl;
    if (ip.proto == SY_IPPROTO_ICMP) return PD_PARSED_ICMP;
    if (ip.proto != SY_IPPROTO_TCP) return PD_PARSED_OTHER;
    return tcp_out(&ip, seg, why);
}
