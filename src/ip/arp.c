/* ip — ARP (RFC 826) for IPv4 over Ethernet, and the neighbour cache (RFC 1122 §2.3.2). A packet
 * for an address not yet resolved waits in its entry (the latest one, RFC 1122 §2.3.2.2) while a
 * broadcast request is repeated every second, three times at most; then it is dropped (TCP sends
 * again later). A resolved entry is trusted for 60 s (RFC 1122 §2.3.2.1), then asked again.
 * TCP's negative advice (RFC 1122 §3.3.1.4) puts a resolved entry in question: still used, it is
 * polled by unicast requests (§2.3.2.1) and forgotten when three go unanswered. */
#include "ip/arp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/stack.h"
#include "wire/ether.h"

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void forget(struct sy_arp_entry *e)
{
    free(e->pending);
    memset(e, 0, sizeof(*e));
}

void sy_arp_free(struct sy_arp_cache *c)
{
    for (int i = 0; i < SY_ARP_ENTRIES; i++)
        forget(&c->e[i]);
}

synack_time_t sy_arp_next(const struct sy_arp_cache *c)
{
    synack_time_t t = SYNACK_TIME_NEVER;
    for (int i = 0; i < SY_ARP_ENTRIES; i++)
        if (c->e[i].state != SY_ARP_FREE && c->e[i].expires < t) t = c->e[i].expires;
    return t;
}

static struct sy_arp_entry *find(struct sy_arp_cache *c, int dev, const uint8_t ip[4])
{
    for (int i = 0; i < SY_ARP_ENTRIES; i++)
        if (c->e[i].state != SY_ARP_FREE && c->e[i].dev == dev && !memcmp(c->e[i].ip, ip, 4))
            return &c->e[i];
    return NULL;
}

/* A free entry, else the one closest to its deadline (its waiting packet is lost). */
static struct sy_arp_entry *take(struct sy_arp_cache *c, int dev, const uint8_t ip[4])
{
    struct sy_arp_entry *best = &c->e[0];
    for (int i = 0; i < SY_ARP_ENTRIES; i++) {
        if (c->e[i].state == SY_ARP_FREE) {
            best = &c->e[i];
            break;
        }
        if (c->e[i].expires < best->expires) best = &c->e[i];
    }
    forget(best);
    best->dev = dev;
    memcpy(best->ip, ip, 4);
    return best;
}

/* A frame to dst of the given type whose payload (len bytes) sits at payload, with room for the
 * Ethernet header before it. */
static int send_frame(struct synack_stack *s, int dev, const uint8_t dst[6], uint16_t type,
                      uint8_t *payload, size_t len, synack_time_t now)
{
    struct sy_device *d = &s->devs[dev];
    struct sy_ether h = {.type = type};
    memcpy(h.dst, dst, 6);
    memcpy(h.src, d->mac, 6);
    sy_ether_emit(&h, payload - SY_ETH_HDR_LEN, SY_ETH_HDR_LEN);
    return d->ops.transmit(d->ctx, payload - SY_ETH_HDR_LEN, len + SY_ETH_HDR_LEN, now);
}

/* Our IPv4 address on dev that asks, or NULL. */
static const struct synack_addr *addr_on(const struct synack_stack *s, int dev)
{
    for (int i = 0; i < s->naddrs; i++)
        if (s->addrs[i].dev == dev && s->addrs[i].addr.family == SYNACK_AF_INET)
            return &s->addrs[i].addr;
    return NULL;
}

static int send_arp(struct synack_stack *s, int dev, uint16_t op, const uint8_t spa[4],
                    const uint8_t tha[6], const uint8_t tpa[4], const uint8_t to[6],
                    synack_time_t now)
{
    uint8_t frame[SY_ETH_HDR_LEN + SY_ARP_LEN];
    struct sy_arp a = {.op = op};
    memcpy(a.sha, s->devs[dev].mac, 6);
    memcpy(a.spa, spa, 4);
    memcpy(a.tha, tha, 6);
    memcpy(a.tpa, tpa, 4);
    sy_arp_emit(&a, frame + SY_ETH_HDR_LEN, SY_ARP_LEN);
    if (op == SY_ARP_REQUEST)
        s->counters.arp_requests++;
    else
        s->counters.arp_replies++;
    return send_frame(s, dev, to, SY_ETH_TYPE_ARP, frame + SY_ETH_HDR_LEN, SY_ARP_LEN, now);
}

/* A request for the entry's address: broadcast while it is being resolved, to the address we
 * hold while it is in question (RFC 1122 §2.3.2.1 "unicast poll"). */
static int request(struct synack_stack *s, struct sy_arp_entry *e, synack_time_t now)
{
    const struct synack_addr *me = addr_on(s, e->dev);
    static const uint8_t unknown[6];
    e->tries++;
    e->expires = now + SY_ARP_RETRY;
    if (!me) return -EADDRNOTAVAIL;
    const uint8_t *to = e->state == SY_ARP_PROBE ? e->mac : broadcast;
    return send_arp(s, e->dev, SY_ARP_REQUEST, me->bytes, unknown, e->ip, to, now);
}

bool sy_arp_negative_advice(struct synack_stack *s, int dev, const uint8_t next_hop[4],
                            synack_time_t now)
{
    struct sy_arp_entry *e = find(&s->arp, dev, next_hop);
    if (!e || e->state != SY_ARP_REACHABLE) return false;
    e->state = SY_ARP_PROBE;
    e->tries = 0;
    request(s, e, now);
    return true;
}

int sy_arp_output(struct synack_stack *s, int dev, const uint8_t next_hop[4], uint8_t *pkt,
                  size_t len, synack_time_t now)
{
    struct sy_arp_entry *e = find(&s->arp, dev, next_hop);
    if (e && (e->state == SY_ARP_REACHABLE || e->state == SY_ARP_PROBE))
        return send_frame(s, dev, e->mac, SY_ETH_TYPE_IPV4, pkt, len, now);
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return -ENOMEM;
    memcpy(copy, pkt, len);
    if (!e) {
        e = take(&s->arp, dev, next_hop);
        e->state = SY_ARP_INCOMPLETE;
        free(e->pending);
        e->pending = copy;
        e->pending_len = len;
        return request(s, e, now) < 0 ? -EHOSTUNREACH : 0;
    }
    if (e->pending) sy_stack_drop(s, NULL, SYNACK_DROP_ARP_UNRESOLVED, now); /* replaced */
    free(e->pending);
    e->pending = copy;
    e->pending_len = len;
    return 0;
}

/* The address is known now: send what waited for it. The packet is copied into the transmit
 * buffer (after the link header's room) and the entry lets go of it first. */
static void resolved(struct synack_stack *s, struct sy_arp_entry *e, const uint8_t mac[6],
                     synack_time_t now)
{
    memcpy(e->mac, mac, 6);
    e->state = SY_ARP_REACHABLE;
    e->expires = now + SY_ARP_LIFETIME;
    e->tries = 0;
    if (!e->pending) return;
    uint8_t *pkt = e->pending;
    size_t len = e->pending_len;
    e->pending = NULL;
    uint8_t *at = s->txbuf + SY_TX_HEADROOM;
    memcpy(at, pkt, len);
    free(pkt);
    send_frame(s, e->dev, mac, SY_ETH_TYPE_IPV4, at, len, now);
}

/* RFC 826 "Packet Reception": merge the sender into an entry we have; if we are the target, add
 * it when new; answer a request. */
void sy_arp_input(struct synack_stack *s, int dev, const struct sy_ether *frame, synack_time_t now)
{
    struct sy_arp a;
    if (sy_arp_parse(frame->payload, frame->payload_len, &a) != SY_WIRE_OK ||
        (a.op != SY_ARP_REQUEST && a.op != SY_ARP_REPLY) || sy_ether_is_broadcast(a.sha)) {
        sy_stack_drop(s, NULL, SYNACK_DROP_LINK, now);
        return;
    }
    static const uint8_t zero[4];
    bool probe = memcmp(a.spa, zero, 4) == 0; /* RFC 5227 §2.1.1: learn nothing from it */
    struct sy_arp_entry *e = probe ? NULL : find(&s->arp, dev, a.spa);
    bool merged = e != NULL;
    if (e) resolved(s, e, a.sha, now);
    struct synack_addr target = synack_addr_v4(a.tpa[0], a.tpa[1], a.tpa[2], a.tpa[3]);
    if (!sy_stack_is_local(s, &target)) return;
    if (!merged && !probe) resolved(s, take(&s->arp, dev, a.spa), a.sha, now);
    if (a.op == SY_ARP_REQUEST) send_arp(s, dev, SY_ARP_REPLY, a.tpa, a.sha, a.spa, a.sha, now);
}

void sy_arp_expire(struct synack_stack *s, synack_time_t now)
{
    for (int i = 0; i < SY_ARP_ENTRIES; i++) {
        struct sy_arp_entry *e = &s->arp.e[i];
        if (e->state == SY_ARP_FREE || e->expires > now) continue;
        if (e->state == SY_ARP_REACHABLE) {
            forget(e); /* the next packet asks again */
        } else if (e->tries >= SY_ARP_TRIES) {
            /* unresolved: its packet is lost; in question: the next packet asks by broadcast */
            if (e->pending) sy_stack_drop(s, NULL, SYNACK_DROP_ARP_UNRESOLVED, now);
            forget(e);
        } else {
            request(s, e, now);
        }
    }
}
