/* tcp — finding a connection by its 4-tuple: a chained hash table keyed with SipHash so that a
 * remote host cannot aim its segments at one bucket (DESIGN rule 6). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/tcb.h"

#define SY_DEMUX_INITIAL 256

int sy_demux_init(struct sy_demux *d)
{
    d->buckets = calloc(SY_DEMUX_INITIAL, sizeof(*d->buckets));
    if (!d->buckets) return -ENOMEM;
    d->mask = SY_DEMUX_INITIAL - 1;
    d->count = 0;
    d->last = NULL;
    return 0;
}

void sy_demux_free(struct sy_demux *d)
{
    free(d->buckets);
    d->buckets = NULL;
}

/* The bytes of an address its family uses: 4 for IPv4 (an unspecified address has none). */
static size_t addr_len(const struct synack_addr *a)
{
    return a->family == SYNACK_AF_INET ? 4 : a->family == SYNACK_AF_NONE ? 0 : 16;
}

/* SipHash of ports, families and addresses: 14 bytes for an IPv4 4-tuple, so one short message
 * per packet. */
static uint64_t tuple_hash(const struct synack_stack *s, const struct synack_endpoint *local,
                           const struct synack_endpoint *remote)
{
    uint8_t key[38];
    size_t n = 0, ll = addr_len(&local->addr), rl = addr_len(&remote->addr);
    key[n++] = (uint8_t)(local->port >> 8);
    key[n++] = (uint8_t)local->port;
    key[n++] = (uint8_t)(remote->port >> 8);
    key[n++] = (uint8_t)remote->port;
    key[n++] = local->addr.family;
    key[n++] = remote->addr.family;
    memcpy(key + n, local->addr.bytes, ll);
    n += ll;
    memcpy(key + n, remote->addr.bytes, rl);
    n += rl;
    return sy_siphash24(&s->hash_key, key, n);
}

static bool endpoint_eq(const struct synack_endpoint *a, const struct synack_endpoint *b)
{
    return a->port == b->port && synack_addr_equal(&a->addr, &b->addr);
}

static void demux_grow(struct synack_stack *s)
{
    struct sy_demux *d = &s->demux;
    size_t n = (d->mask + 1) * 2;
    struct synack_conn **nb = calloc(n, sizeof(*nb));
    if (!nb) return; /* keep the old table: longer chains, still correct */
    for (size_t i = 0; i <= d->mask; i++) {
        struct synack_conn *c = d->buckets[i];
        while (c) {
            struct synack_conn *next = c->hnext;
            size_t b = (size_t)tuple_hash(s, &c->local, &c->remote) & (n - 1);
            c->hnext = nb[b];
            nb[b] = c;
            c = next;
        }
    }
    free(d->buckets);
    d->buckets = nb;
    d->mask = n - 1;
}

void sy_demux_insert(struct synack_stack *s, struct synack_conn *c)
{
    struct sy_demux *d = &s->demux;
    if (d->count >= 2 * (d->mask + 1)) demux_grow(s);
    size_t b = (size_t)tuple_hash(s, &c->local, &c->remote) & d->mask;
    c->hnext = d->buckets[b];
    d->buckets[b] = c;
    c->hashed = true;
    d->count++;
}

void sy_demux_remove(struct synack_stack *s, struct synack_conn *c)
{
    struct sy_demux *d = &s->demux;
    if (d->last == c) d->last = NULL;
    size_t b = (size_t)tuple_hash(s, &c->local, &c->remote) & d->mask;
    for (struct synack_conn **p = &d->buckets[b]; *p; p = &(*p)->hnext) {
        if (*p == c) {
            *p = c->hnext;
            c->hnext = NULL;
            c->hashed = false;
            d->count--;
            return;
        }
    }
}

struct synack_conn *sy_demux_find_exact(struct synack_stack *s, const struct synack_endpoint *local,
                                        const struct synack_endpoint *remote)
{
    /* A bulk transfer's segments all belong to one connection: try the last one found first. */
    struct synack_conn *c = s->demux.last;
    if (c && endpoint_eq(&c->local, local) && endpoint_eq(&c->remote, remote)) return c;
    size_t b = (size_t)tuple_hash(s, local, remote) & s->demux.mask;
    for (c = s->demux.buckets[b]; c; c = c->hnext)
        if (endpoint_eq(&c->local, local) && endpoint_eq(&c->remote, remote))
            return s->demux.last = c;
    return NULL;
}

struct synack_conn *sy_demux_listener(struct synack_stack *s, const struct synack_endpoint *local)
{
    /* Listeners are keyed with an unspecified remote: first bound to this address, then any. */
    const struct synack_endpoint any_remote = {{0}, 0};
    struct synack_conn *c = sy_demux_find_exact(s, local, &any_remote);
    if (c) return c;
    const struct synack_endpoint any_local = {{0}, local->port};
    return sy_demux_find_exact(s, &any_local, &any_remote);
}

struct synack_conn *sy_demux_lookup(struct synack_stack *s, const struct synack_endpoint *local,
                                    const struct synack_endpoint *remote)
{
    struct synack_conn *c = sy_demux_find_exact(s, local, remote);
    return c ? c : sy_demux_listener(s, local);
}
