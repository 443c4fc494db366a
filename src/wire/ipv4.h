/* wire — the IPv4 header (RFC 791): parse into a value, emit from one. No state, no allocation. */
#ifndef SY_WIRE_IPV4_H
#define SY_WIRE_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define SY_IPV4_HDR_LEN 20
#define SY_IPPROTO_ICMP 1
#define SY_IPPROTO_TCP  6
#define SY_IPV4_DF      0x4000
#define SY_IPV4_MF      0x2000
#define SY_IPV4_OFFMASK 0x1fff

struct sy_ipv4 {
    uint8_t ihl; /* header length in bytes (20..60) */
    uint8_t tos;
    uint16_t total_len; /* header + payload */
    uint16_t id;
    uint16_t frag; /* flags (DF, MF) and fragment offset, as on the wire */
    uint8_t ttl;
    uint8_t proto;
    uint8_t src[4], dst[4];
    const uint8_t *payload; /* inside the parsed buffer */
    uint16_t payload_len;   /* total_len - ihl: bytes past total length are ignored */
};

/* Checks version 4, IHL >= 5 and within len, header checksum, total length within [ihl, len].
 * On success fills *out and returns SY_WIRE_OK. */
enum sy_wire_err sy_ipv4_parse(const uint8_t *buf, size_t len, struct sy_ipv4 *out);

static inline bool sy_ipv4_is_fragment(const struct sy_ipv4 *ip)
{
    return (ip->frag & (SY_IPV4_MF | SY_IPV4_OFFMASK)) != 0;
}

/* Write a 20-byte header (no options) for h, with total length h->total_len and its checksum.
 * payload/ihl of h are ignored. Returns bytes written (20) or 0 if cap < 20. */
size_t sy_ipv4_emit(const struct sy_ipv4 *h, uint8_t *buf, size_t cap);

#endif
