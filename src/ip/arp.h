/* ip — the neighbours of Ethernet devices: ARP (RFC 826) and its cache (RFC 1122 §2.3.2). */
#ifndef SY_IP_ARP_H
#define SY_IP_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synack/types.h>

#define SY_ARP_ENTRIES  32             /* neighbours remembered (DESIGN: bounded) */
#define SY_ARP_LIFETIME SYNACK_SEC(60) /* RFC 1122 §2.3.2.1: entries time out */
#define SY_ARP_RETRY    SYNACK_SEC(1)  /* between requests for an address */
#define SY_ARP_TRIES    3              /* requests before the waiting packet is dropped */

/* PROBE: reachability in question (negative advice, RFC 1122 §3.3.1.4): the address is still
 * used while unicast requests ask the neighbour to confirm it (RFC 1122 §2.3.2.1 "unicast
 * poll"); an answer makes it REACHABLE again, SY_ARP_TRIES unanswered ones forget it. */
enum sy_arp_state { SY_ARP_FREE, SY_ARP_INCOMPLETE, SY_ARP_REACHABLE, SY_ARP_PROBE };

struct sy_arp_entry {
    enum sy_arp_state state;
    int dev;
    uint8_t ip[4], mac[6];
    synack_time_t expires; /* REACHABLE: when to forget; INCOMPLETE, PROBE: when to ask again */
    unsigned tries;
    uint8_t *pending; /* RFC 1122 §2.3.2.2: the latest packet waiting for the address (IP) */
    size_t pending_len;
};

struct sy_arp_cache {
    struct sy_arp_entry e[SY_ARP_ENTRIES];
};

struct synack_stack;
struct sy_ether;

void sy_arp_free(struct sy_arp_cache *c);
synack_time_t sy_arp_next(const struct sy_arp_cache *c);
/* Retries and expiry. */
void sy_arp_expire(struct synack_stack *s, synack_time_t now);
/* An ARP packet arrived on Ethernet device dev. */
void sy_arp_input(struct synack_stack *s, int dev, const struct sy_ether *frame, synack_time_t now);
/* Send the IPv4 packet at pkt (with SY_ETH_HDR_LEN bytes of room before it) to next_hop on
 * Ethernet device dev: at once when its address is known, else after ARP resolves it. */
int sy_arp_output(struct synack_stack *s, int dev, const uint8_t next_hop[4], uint8_t *pkt,
                  size_t len, synack_time_t now);

/* Negative advice about next_hop on dev (RFC 1122 §3.3.1.4): a REACHABLE entry goes to PROBE
 * and the first unicast request leaves now. False when there is no such entry, or it is being
 * resolved or probed already. */
bool sy_arp_negative_advice(struct synack_stack *s, int dev, const uint8_t next_hop[4],
                            synack_time_t now);

#endif
