/* ip — IPv4 in and out (RFC 791; RFC 1122 §3.2.1). */
#include <errno.h>
#include <string.h>

#include "ip/ipv4.h"

#include "ip/icmp.h"
#include "tcp/tcb.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

static enum synack_drop_reason ip_drop_reason(enum sy_wire_err e)
{
    return e == SY_WIRE_BAD_CHECKSUM ? SYNACK_DROP_IP_CHECKSUM : SYNACK_DROP_IP_MALFORMED;
}

static int tcp_dispatch(struct synack_stack *s, int dev, const struct sy_ipv4 *ip,
                        synack_time_t now)
{
    struct sy_seg seg = {.dev = dev};
    enum sy_wire_err e = sy_tcp_parse_v4(ip->payload, ip->payload_len, ip->src, ip->dst, &seg.tcp);
    if (e != SY_WIRE_OK) {
        sy_stack_drop(
            s, NULL,
            e == SY_WIRE_BAD_CHECKSUM ? SYNACK_DROP_TCP_CHECKSUM : SYNACK_DROP_TCP_MALFORMED, now);
        return -EINVAL;
    }
    seg.src.addr = synack_addr_v4(ip->src[0], ip->src[1], ip->src[2], ip->src[3]);
    seg.dst.addr = synack_addr_v4(ip->dst[0], ip->dst[1], ip->dst[2], ip->dst[3]);
    seg.src.port = seg.tcp.sport;
    seg.dst.port = seg.tcp.dport;
    seg.len = sy_tcp_seg_len(&seg.tcp);
    seg.ecn = ip->tos & 3; /* RFC 3168 §5 */
    sy_tcp_input(s, &seg, now);
    return 0;
}

static int dispatch(struct synack_stack *s, int dev, const struct sy_ipv4 *ip, synack_time_t now)
{
    if (ip->proto == SY_IPPROTO_TCP) return tcp_dispatch(s, dev, ip, now);
    if (ip->proto == SY_IPPROTO_ICMP) return sy_icmp_input(s, dev, ip, now);
    sy_stack_drop(s, NULL, SYNACK_DROP_IP_PROTOCOL, now);
    return -EPROTONOSUPPORT;
}

int sy_ip_input(struct synack_stack *s, int dev, const uint8_t *pkt, size_t len, synack_time_t now)
{
    struct sy_ipv4 ip;
    enum sy_wire_err e = sy_ipv4_parse(pkt, len, &ip);
    if (e != SY_WIRE_OK) {
        sy_stack_drop(s, NULL, ip_drop_reason(e), now);
        return -EINVAL;
    }
    struct synack_addr dst = synack_addr_v4(ip.dst[0], ip.dst[1], ip.dst[2], ip.dst[3]);
    if (!sy_stack_is_local(s, &dst)) {
        sy_stack_drop(s, NULL, SYNACK_DROP_IP_NOT_OURS, now);
        return -EINVAL;
    }
    if (!sy_ipv4_is_fragment(&ip)) return dispatch(s, dev, &ip, now);
    /* RFC 1122 §3.3.2: a host MUST reassemble. */
    struct sy_ipv4 whole;
    int r = sy_reasm_add(s, &ip, &whole, now);
    if (r <= 0) return r;
    r = dispatch(s, dev, &whole, now);
    sy_reasm_done(s, &whole);
    return r;
}

int sy_ip_output(struct synack_stack *s, int dev, const struct synack_addr *src,
                 const struct synack_addr *dst, uint8_t proto, size_t len, uint8_t ttl, uint8_t tos,
                 synack_time_t now)
{
    struct sy_ip_tx tx = {.ttl = ttl, .tos = tos, .df = true};
    return sy_ip_output_tx(s, dev, src, dst, proto, len, &tx, now);
}

/* The neighbour a packet to dst goes to on an Ethernet device: dst itself when it is on one of
 * the device's prefixes (or there is no gateway), else the gateway. */
static void next_hop(const struct synack_stack *s, int dev, const struct synack_addr *dst,
                     uint8_t out[4])
{
    memcpy(out, dst->bytes, 4);
    if (s->gateway.family != SYNACK_AF_INET) return;
    for (int i = 0; i < s->naddrs; i++)
        if (s->addrs[i].dev == dev && sy_stack_on_prefix(&s->addrs[i], dst)) return;
    memcpy(out, s->gateway.bytes, 4);
}

/* One datagram (or fragment) whose payload sits at sy_ip_tx_payload(s) + at: its header
 * before it, then the device; an Ethernet device's frame goes through ARP. */
static int emit(struct synack_stack *s, int dev, struct sy_ipv4 *h, size_t at, size_t len,
                synack_time_t now)
{
    struct sy_device *d = &s->devs[dev];
    uint8_t *pkt = s->txbuf + SY_TX_HEADROOM + at;
    h->total_len = (uint16_t)(len + SY_IPV4_HDR_LEN);
    sy_ipv4_emit(h, pkt, SY_IPV4_HDR_LEN);
    s->counters.packets_out++;
    if (!d->ether) return d->ops.transmit(d->ctx, pkt, len + SY_IPV4_HDR_LEN, now);
    uint8_t hop[4];
    struct synack_addr dst = synack_addr_v4(h->dst[0], h->dst[1], h->dst[2], h->dst[3]);
    next_hop(s, dev, &dst, hop);
    return sy_arp_output(s, dev, hop, pkt, len + SY_IPV4_HDR_LEN, now);
}

/* TCP sets DF for path MTU discovery (RFC 1191); ICMP replies do not, and a reply too large for
 * the link leaves in fragments (RFC 791 §3.2): each fragment's header is written over the tail
 * of the piece sent before it, so the payload is never moved. */
struct sy_ip_tx sy_ip_tx_default(const struct synack_stack *s)
{
    return (struct sy_ip_tx){.ttl = s->cfg.ip_ttl, .tos = 0, .df = false};
}

int sy_ip_output_tx(struct synack_stack *s, int dev, const struct synack_addr *src,
                    const struct synack_addr *dst, uint8_t proto, size_t len,
                    const struct sy_ip_tx *tx, synack_time_t now)
{
    if (dev < 0 || dev >= s->ndevs) return -ENETUNREACH;
    struct sy_device *d = &s->devs[dev];
    bool df = tx->df;
    struct sy_ipv4 h = {.id = s->ip_id++, .ttl = tx->ttl, .tos = tx->tos, .proto = proto};
    memcpy(h.src, src->bytes, 4);
    memcpy(h.dst, dst->bytes, 4);
    if (len + SY_IPV4_HDR_LEN <= d->mtu) {
        h.frag = df ? SY_IPV4_DF : 0;
        return emit(s, dev, &h, 0, len, now);
    }
    if (df) return -EMSGSIZE;
    size_t piece = ((size_t)d->mtu - SY_IPV4_HDR_LEN) & ~(size_t)7;
    for (size_t off = 0; off < len; off += piece) {
        size_t n = len - off < piece ? len - off : piece;
        h.frag = (uint16_t)((off / 8) | (off + n < len ? SY_IPV4_MF : 0));
        s->counters.ip_fragments_out++;
        int err = emit(s, dev, &h, off, n, now);
        if (err) return err;
    }
    return 0;
}

bool sy_ip_negative_advice(struct synack_stack *s, int dev, const struct synack_addr *dst,
                           synack_time_t now)
{
    s->counters.negative_advice++;
    bool done = false;
    if (dev >= 0 && dev < s->ndevs && s->devs[dev].ether && dst->family == SYNACK_AF_INET) {
        uint8_t hop[4];
        next_hop(s, dev, dst, hop);
        done = sy_arp_negative_advice(s, dev, hop, now);
    }
    if (!done) s->counters.negative_advice_noop++;
    return done;
}

size_t sy_ip_payload_mtu(const struct synack_stack *s, int dev)
{
    if (dev < 0 || dev >= s->ndevs) return 576 - SY_IPV4_HDR_LEN;
    return (size_t)s->devs[dev].mtu - SY_IPV4_HDR_LEN;
}
