/* wire — ICMP for IPv4 (RFC 792): echo, and the errors that quote a datagram we sent. Parse into
 * a value, emit from one. No state, no allocation. */
#ifndef SY_WIRE_ICMP_H
#define SY_WIRE_ICMP_H

#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define SY_ICMP_HDR_LEN 8

enum sy_icmp_type {
    SY_ICMP_ECHO_REPLY = 0,
    SY_ICMP_DEST_UNREACH = 3,
    SY_ICMP_SOURCE_QUENCH = 4,
    SY_ICMP_ECHO_REQUEST = 8,
    SY_ICMP_TIME_EXCEEDED = 11,
    SY_ICMP_PARAM_PROBLEM = 12,
};

/* Destination Unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1). */
enum sy_icmp_unreach {
    SY_ICMP_NET_UNREACH = 0,
    SY_ICMP_HOST_UNREACH = 1,
    SY_ICMP_PROTO_UNREACH = 2,
    SY_ICMP_PORT_UNREACH = 3,
    SY_ICMP_FRAG_NEEDED = 4,
    SY_ICMP_SRC_ROUTE_FAILED = 5,
    SY_ICMP_NET_PROHIBITED = 9,
    SY_ICMP_HOST_PROHIBITED = 10,
    SY_ICMP_ADMIN_PROHIBITED = 13,
};

struct sy_icmp {
    uint8_t type, code;
    uint16_t id, seq;       /* echo request and reply */
    uint16_t next_mtu;      /* Destination Unreachable, fragmentation needed (RFC 1191 §4) */
    const uint8_t *payload; /* echo data, or the quoted datagram of an error; in the buffer */
    size_t payload_len;
};

/* Checks the length (8 bytes at least) and the checksum over the whole message. */
enum sy_wire_err sy_icmp_parse(const uint8_t *buf, size_t len, struct sy_icmp *out);
/* Header and payload with their checksum into buf; returns bytes written, 0 if cap is short. */
size_t sy_icmp_emit(const struct sy_icmp *h, uint8_t *buf, size_t cap);

/* What an ICMP error quotes of the datagram that caused it (RFC 792: its IP header and at least
 * 64 bits of its data): enough of a TCP segment for ports and sequence number. */
struct sy_icmp_quote {
    uint8_t proto;
    uint8_t src[4], dst[4];
    uint16_t sport, dport;
    uint32_t seq;
};

/* Parse a quoted IPv4 header (version 4, IHL within the quote) and the first 8 bytes after it.
 * The quote is cut short by design, so lengths and checksums are not checked. */
enum sy_wire_err sy_icmp_parse_quote(const uint8_t *buf, size_t len, struct sy_icmp_quote *out);

#endif
