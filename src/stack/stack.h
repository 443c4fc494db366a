/* stack — the one struct that holds everything: devices, addresses, connections, timers, counters.
 * Internal to the library. */
#ifndef SY_STACK_STACK_H
#define SY_STACK_STACK_H

#include <synack/event.h>
#include <synack/stack.h>

#include "ip/arp.h"
#include "ip/reasm.h"
#include "util/siphash.h"

#define SY_MAX_DEVICES 8
#define SY_MAX_ADDRS   16
#define SY_TXBUF_LEN   65600
#define SY_TX_HEADROOM 16 /* room before the IP header for a link header (Ethernet: 14) */

struct synack_conn;

struct sy_device {
    struct synack_device_ops ops;
    void *ctx;
    uint16_t mtu;   /* the largest IP packet */
    bool ether;     /* frames in and out, neighbours by ARP */
    uint8_t mac[6]; /* its Ethernet address */
};

struct sy_ifaddr {
    int dev;
    struct synack_addr addr;
    unsigned prefix_len;
};

/* Connections by 4-tuple: chained hash table keyed with SipHash (DESIGN rule 6). */
struct sy_demux {
    struct synack_conn **buckets;
    size_t mask;              /* bucket count - 1 */
    size_t count;             /* connections in the table */
    struct synack_conn *last; /* the connection found last (cleared when it leaves) */
};

/* Timers: a binary min-heap of connections keyed by their earliest deadline. */
struct sy_timers {
    struct synack_conn **heap;
    size_t len, cap;
};

#define SY_ACK_BATCH_MAX 64 /* connections whose ACK a batch can hold back */

struct synack_stack {
    struct synack_config cfg;
    struct sy_siphash_key isn_key;  /* RFC 6528 secret */
    struct sy_siphash_key hash_key; /* demux hash secret */
    struct sy_device devs[SY_MAX_DEVICES];
    int ndevs;
    struct sy_ifaddr addrs[SY_MAX_ADDRS];
    int naddrs;
    struct sy_demux demux;
    struct sy_timers timers;
    struct sy_reasm reasm;      /* IPv4 datagrams in pieces */
    struct sy_arp_cache arp;    /* neighbours on Ethernet devices */
    struct synack_addr gateway; /* next hop off every prefix (family NONE: the destination) */
    synack_event_fn event_fn;
    void *event_ctx;
    uint32_t event_mask; /* SYNACK_EV_BIT of the types event_fn gets */
    struct synack_counters counters;
    size_t nconns;
    struct synack_conn *all; /* every connection, for freeing the stack */
    uint32_t ephemeral_next;
    uint16_t ip_id;
    uint8_t txbuf[SY_TX_HEADROOM + SY_TXBUF_LEN]; /* the packet being sent, after headroom */
    /* a batch of packets being taken: the connections owed an ACK at its end (ack_batch.c) */
    bool batch;
    size_t nack_deferred;
    struct synack_conn *ack_deferred[SY_ACK_BATCH_MAX];
};

/* Report an event (fills ev->now). */
void sy_stack_emit(struct synack_stack *s, struct synack_event *ev, synack_time_t now);
/* Count a dropped packet and report it. */
void sy_stack_drop(struct synack_stack *s, struct synack_conn *c, enum synack_drop_reason why,
                   synack_time_t now);
uint64_t sy_stack_random_seed(void);
/* Can addr be a TCP peer: unicast, not loopback, not a broadcast of our subnets? */
bool sy_stack_addr_unicast(const struct synack_stack *s, const struct synack_addr *a);
/* Is addr one of this stack's addresses? */
bool sy_stack_is_local(const struct synack_stack *s, const struct synack_addr *addr);
/* Is dst within the prefix of this address? */
bool sy_stack_on_prefix(const struct sy_ifaddr *ia, const struct synack_addr *dst);
/* The device and source address to reach dst, or -ENETUNREACH. */
int sy_stack_route(const struct synack_stack *s, const struct synack_addr *dst, int *dev,
                   struct synack_addr *src);

#endif
