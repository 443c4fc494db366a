/* packetdrill runner — bytes on the virtual wire: the packets the script injects (built here
 * from live values) and the ones the stack sends (taken apart here, options kept in their order
 * as the script must match them). IPv4 only. */
#ifndef PD_WIRE_IO_H
#define PD_WIRE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "script.h"

#define PD_MAX_PACKET 65535

/* A TCP segment with live values: what the stack sent, or what to inject. */
struct pd_seg {
    uint8_t src[4], dst[4];
    uint8_t tos, ttl;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* SY_TH_* with ECE and CWR */
    uint16_t win, urg;
    uint8_t opts[PD_MAX_OPT_BYTES];
    uint8_t opts_len;
    const uint8_t *payload; /* into the parsed packet; NULL means zeros on build */
    size_t payload_len;
};

/* Build an IPv4 packet carrying seg into buf; returns its length or 0 when cap is short. */
size_t pd_build_tcp(const struct pd_seg *seg, uint8_t *buf, size_t cap);

/* An ICMP error from src to dst quoting a TCP segment of ours (quoted_src -> quoted_dst). */
struct pd_icmp_out {
    uint8_t src[4], dst[4];
    uint8_t type, code;
    uint16_t mtu;
    uint8_t quoted_src[4], quoted_dst[4];
    uint16_t sport, dport;
    uint32_t seq;
    uint16_t len; /* quoted payload length, for the quoted header's total length */
};
size_t pd_build_icmp(const struct pd_icmp_out *m, uint8_t *buf, size_t cap);

enum pd_parsed { PD_PARSED_TCP, PD_PARSED_ICMP, PD_PARSED_OTHER, PD_PARSED_BAD };
/* Take an outbound packet apart. TCP: checksums verified, *seg filled. */
enum pd_parsed pd_parse_out(const uint8_t *pkt, size_t len, struct pd_seg *seg, const char **why);

/* Walk an option area: returns the length of the option at off (1 for EOL and NOP), 0 at the
 * end, or -1 when it is malformed. */
int pd_opt_len(const uint8_t *opts, size_t len, size_t off);

#endif
