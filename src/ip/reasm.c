/* ip — IPv4 reassembly (RFC 791 §3.2, RFC 815, RFC 1122 §3.3.2). Fragments are kept by (source,
 * destination, protocol, identification) in a few bounded queues; a bitmap of 8-octet blocks
 * says what has come. A piece that partly overlaps what came before discards the datagram (the
 * overlap attacks of RFC 1858 §3 and their kin); an exact repeat is ignored. A datagram not
 * complete within 60 s is dropped, with an ICMP Time Exceeded to its source if fragment zero
 * came (RFC 1122 §3.3.2: MUST). */
#include "ip/reasm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ip/ipv4.h"
#include "stack/stack.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

#define HDR_ROOM 60

static bool bit(const struct sy_reasm_q *q, size_t i)
{
    return (q->have[i / 8] >> (i % 8)) & 1;
}

static void clear(struct sy_reasm_q *q)
{
    free(q->buf);
    memset(q, 0, sizeof(*q));
}

void sy_reasm_free(struct sy_reasm *r)
{
    for (int i = 0; i < SY_REASM_QUEUES; i++)
        clear(&r->q[i]);
}

synack_time_t sy_reasm_next(const struct sy_reasm *r)
{
    synack_time_t t = SYNACK_TIME_NEVER;
    for (int i = 0; i < SY_REASM_QUEUES; i++)
        if (r->q[i].used && r->q[i].expires < t) t = r->q[i].expires;
    return t;
}

static bool same(const struct sy_reasm_q *q, const struct sy_ipv4 *ip)
{
    return q->used && q->id == ip->id && q->proto == ip->proto && !memcmp(q->src, ip->src, 4) &&
           !memcmp(q->dst, ip->dst, 4);
}

/* The queue of this datagram, or a new one; NULL when all are busy. */
static struct sy_reasm_q *queue_of(struct sy_reasm *r, const struct sy_ipv4 *ip, synack_time_t now)
{
    struct sy_reasm_q *free_q = NULL;
    for (int i = 0; i < SY_REASM_QUEUES; i++) {
        if (same(&r->q[i], ip)) return &r->q[i];
        if (!r->q[i].used && !free_q) free_q = &r->q[i];
    }
    if (!free_q) return NULL;
    free_q->buf = malloc(HDR_ROOM + SY_REASM_PAYLOAD);
    if (!free_q->buf) return NULL;
    free_q->used = true;
    free_q->id = ip->id;
    free_q->proto = ip->proto;
    memcpy(free_q->src, ip->src, 4);
    memcpy(free_q->dst, ip->dst, 4);
    free_q->expires = now + SY_REASM_TIMEOUT;
    return free_q;
}

/* -1: a partial overlap (discard all), 0: new data, 1: an exact repeat. */
static int overlap(const struct sy_reasm_q *q, size_t first, size_t end)
{
    size_t have = 0;
    for (size_t i = first; i < end; i++)
        have += bit(q, i);
    return have == 0 ? 0 : have == end - first ? 1 : -1;
}

static bool complete(const struct sy_reasm_q *q)
{
    if (!q->have_first || q->total == 0) return false;
    for (size_t i = 0; i < (q->total + 7) / 8; i++)
        if (!bit(q, i)) return false;
    return true;
}

int sy_reasm_add(struct synack_stack *s, const struct sy_ipv4 *ip, struct sy_ipv4 *whole,
                 synack_time_t now)
{
    size_t off = (size_t)(ip->frag & SY_IPV4_OFFMASK) * 8, len = ip->payload_len;
    bool more = (ip->frag & SY_IPV4_MF) != 0;
    /* RFC 791: all but the last piece hold a multiple of 8 octets; the whole fits in 65535.
     * RFC 1858 §3.2: a TCP fragment at offset 8 octets could rewrite the header's flags. */
    if (len == 0 || (more && len % 8) || off + len > (size_t)SY_REASM_PAYLOAD - ip->ihl ||
        (ip->proto == SY_IPPROTO_TCP && off == 8)) {
        sy_stack_drop(s, NULL, SYNACK_DROP_IP_FRAGMENT, now);
        return -EINVAL;
    }
    struct sy_reasm_q *q = queue_of(&s->reasm, ip, now);
    if (!q) {
        sy_stack_drop(s, NULL, SYNACK_DROP_IP_FRAGMENT, now);
        return -ENOBUFS;
    }
    size_t first = off / 8, end = (off + len + 7) / 8;
    int o = overlap(q, first, end);
    if (o == 1) return 0; /* a copy of what came: nothing new */
    if (o < 0 || (!more && q->total && q->total != off + len) ||
        (more && q->total && off + len > q->total)) {
        clear(q);
        sy_stack_drop(s, NULL, SYNACK_DROP_IP_FRAGMENT, now);
        return -EINVAL;
    }
    memcpy(q->buf + HDR_ROOM + off, ip->payload, len);
    for (size_t i = first; i < end; i++)
        q->have[i / 8] |= (uint8_t)(1u << (i % 8));
    if (!more) q->total = (uint32_t)(off + len);
    if (off == 0) {
        q->have_first = true;
        q->hdr_len = ip->ihl;
        memcpy(q->buf + HDR_ROOM - ip->ihl, ip->payload - ip->ihl, ip->ihl);
    }
    if (!complete(q)) return 0;
    if ((size_t)q->hdr_len + q->total > 65535) { /* fragment zero's options made it too long */
        clear(q);
        sy_stack_drop(s, NULL, SYNACK_DROP_IP_FRAGMENT, now);
        return -EMSGSIZE;
    }
    *whole = *ip;
    whole->ihl = q->hdr_len;
    whole->total_len = (uint16_t)(q->hdr_len + q->total);
    whole->frag = 0;
    whole->payload = q->buf + HDR_ROOM;
    whole->payload_len = (uint16_t)q->total;
    s->counters.ip_reassembled++;
    return 1;
}

void sy_reasm_done(struct synack_stack *s, const struct sy_ipv4 *whole)
{
    for (int i = 0; i < SY_REASM_QUEUES; i++)
        if (s->reasm.q[i].used && s->reasm.q[i].buf + HDR_ROOM == whole->payload)
            clear(&s->reasm.q[i]);
}

/* RFC 792 Time Exceeded, code 1 (fragment reassembly time exceeded), quoting fragment zero's
 * header and its first 8 octets. */
static void time_exceeded(struct synack_stack *s, const struct sy_reasm_q *q, synack_time_t now)
{
    struct sy_icmp m = {.type = SY_ICMP_TIME_EXCEEDED,
                        .code = 1,
                        .payload = q->buf + HDR_ROOM - q->hdr_len,
                        .payload_len = (size_t)q->hdr_len + 8};
    size_t n = sy_icmp_emit(&m, sy_ip_tx_payload(s), SY_IP_TX_PAYLOAD_CAP);
    struct synack_addr src = synack_addr_v4(q->dst[0], q->dst[1], q->dst[2], q->dst[3]);
    struct synack_addr dst = synack_addr_v4(q->src[0], q->src[1], q->src[2], q->src[3]);
    int dev;
    struct synack_addr via;
    struct sy_ip_tx tx = sy_ip_tx_default(s);
    if (n && sy_stack_route(s, &dst, &dev, &via) == 0)
        sy_ip_output_tx(s, dev, &src, &dst, SY_IPPROTO_ICMP, n, &tx, now);
}

void sy_reasm_expire(struct synack_stack *s, synack_time_t now)
{
    for (int i = 0; i < SY_REASM_QUEUES; i++) {
        struct sy_reasm_q *q = &s->reasm.q[i];
        if (!q->used || q->expires > now) continue;
        if (q->have_first) time_exceeded(s, q, now);
        sy_stack_drop(s, NULL, SYNACK_DROP_IP_FRAGMENT, now);
        clear(q);
    }
}
