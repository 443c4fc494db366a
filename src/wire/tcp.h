/* wire — the TCP header (RFC 9293 §3.1): parse into a value, emit from one. */
#ifndef SY_WIRE_TCP_H
#define SY_WIRE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/tcp_options.h"
#include "wire/wire.h"

#define SY_TCP_HDR_LEN 20

#define SY_TH_FIN 0x01
#define SY_TH_SYN 0x02
#define SY_TH_RST 0x04
#define SY_TH_PSH 0x08
#define SY_TH_ACK 0x10
#define SY_TH_URG 0x20
#define SY_TH_ECE 0x40
#define SY_TH_CWR 0x80

struct sy_tcp {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t doff;  /* header length in bytes (20..60) */
    uint8_t flags; /* SY_TH_* */
    uint16_t wnd;  /* as on the wire, unscaled */
    uint16_t csum;
    uint16_t urp;
    struct sy_tcp_opts opts;
    const uint8_t *payload; /* inside the parsed buffer (NULL when payload_len is 0 on emit) */
    size_t payload_len;
};

/* Parse a TCP segment of exactly len bytes (the IP payload). Checks header length, data offset,
 * options, and the checksum with the IPv4 pseudo-header built from src/dst. */
enum sy_wire_err sy_tcp_parse_v4(const uint8_t *buf, size_t len, const uint8_t src[4],
                                 const uint8_t dst[4], struct sy_tcp *out);

/* Write header, options (from h->opts) and payload (h->payload, h->payload_len) into buf, with
 * the checksum computed over the IPv4 pseudo-header. h->doff and h->csum are ignored.
 * Returns bytes written, or 0 when cap is too small. */
size_t sy_tcp_emit_v4(const struct sy_tcp *h, const uint8_t src[4], const uint8_t dst[4],
                      uint8_t *buf, size_t cap);

/* The same, with the payload in two pieces: h->payload (h->payload_len bytes) then tail
 * (tail_len bytes), as a ring buffer holds it across its wrap. One copy into buf. */
size_t sy_tcp_emit_v4_gather(const struct sy_tcp *h, const uint8_t *tail, size_t tail_len,
                             const uint8_t src[4], const uint8_t dst[4], uint8_t *buf, size_t cap);

/* SEG.LEN (RFC 9293 §3.4): payload plus one for SYN and one for FIN. */
static inline uint32_t sy_tcp_seg_len(const struct sy_tcp *t)
{
    return (uint32_t)t->payload_len + ((t->flags & SY_TH_SYN) ? 1u : 0u) +
           ((t->flags & SY_TH_FIN) ? 1u : 0u);
}

#endif
