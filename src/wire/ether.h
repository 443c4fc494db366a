/* wire — Ethernet II frames (IEEE 802.3 with an EtherType) and ARP for IPv4 over Ethernet
 * (RFC 826). Parse into values, emit from them. No state, no allocation. */
#ifndef SY_WIRE_ETHER_H
#define SY_WIRE_ETHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define SY_ETH_HDR_LEN   14
#define SY_ETH_TYPE_IPV4 0x0800
#define SY_ETH_TYPE_ARP  0x0806
#define SY_ARP_LEN       28 /* Ethernet/IPv4 ARP: 8 + 2 * (6 + 4) */
#define SY_ARP_REQUEST   1
#define SY_ARP_REPLY     2

struct sy_ether {
    uint8_t dst[6], src[6];
    uint16_t type;
    const uint8_t *payload;
    size_t payload_len;
};

struct sy_arp {
    uint16_t op;
    uint8_t sha[6], spa[4]; /* sender hardware and protocol addresses */
    uint8_t tha[6], tpa[4]; /* target */
};

enum sy_wire_err sy_ether_parse(const uint8_t *buf, size_t len, struct sy_ether *out);
/* Write the 14-byte header; returns 14, or 0 if cap is short. payload fields are ignored. */
size_t sy_ether_emit(const struct sy_ether *h, uint8_t *buf, size_t cap);

/* Only Ethernet (1) / IPv4 (0x0800) with lengths 6 and 4 is taken (else SY_WIRE_BAD_OPTION);
 * ops other than request and reply are the caller's to ignore. */
enum sy_wire_err sy_arp_parse(const uint8_t *buf, size_t len, struct sy_arp *out);
size_t sy_arp_emit(const struct sy_arp *a, uint8_t *buf, size_t cap);

static inline bool sy_ether_is_broadcast(const uint8_t mac[6])
{
    return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

#endif
