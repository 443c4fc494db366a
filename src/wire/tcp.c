/* wire — the TCP header (RFC 9293 §3.1). */
#include "wire/tcp.h"

#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"

/* RFC 9293 §3.1 field offsets. */
enum {
    OFF_SPORT = 0,
    OFF_DPORT = 2,
    OFF_SEQ = 4,
    OFF_ACK = 8,
    OFF_DOFF = 12, /* data offset in the high nibble; the low nibble is reserved */
    OFF_FLAGS = 13,
    OFF_WND = 14,
    OFF_CSUM = 16,
    OFF_URP = 18,
};

/* The pseudo-header length is 16 bits, so no longer segment can be checksummed. */
#define TCP_MAX_SEG_LEN 0xffffu

static uint16_t tcp_csum(const uint8_t *seg, size_t len, const uint8_t src[4], const uint8_t dst[4])
{
    uint32_t sum = sy_csum_pseudo_v4(src, dst, SY_IPPROTO_TCP, (uint16_t)len);
    return sy_csum_finish(sy_csum_add(sum, seg, len));
}

static void read_fixed(const uint8_t *buf, struct sy_tcp *out)
{
    out->sport = sy_get16(buf + OFF_SPORT);
    out->dport = sy_get16(buf + OFF_DPORT);
    out->seq = sy_get32(buf + OFF_SEQ);
    out->ack = sy_get32(buf + OFF_ACK);
    out->doff = (uint8_t)((buf[OFF_DOFF] >> 4) * 4);
    out->flags = buf[OFF_FLAGS];
    out->wnd = sy_get16(buf + OFF_WND);
    out->csum = sy_get16(buf + OFF_CSUM);
    out->urp = sy_get16(buf + OFF_URP);
}

/* Checks in order: fixed header present, data offset (RFC 9293 §3.1) within [20, len],
 * checksum over pseudo-header + segment, then the options. */
enum sy_wire_err sy_tcp_parse_v4(const uint8_t *buf, size_t len, const uint8_t src[4],
                                 const uint8_t dst[4], struct sy_tcp *out)
{
    if (len < SY_TCP_HDR_LEN) return SY_WIRE_TRUNCATED;
    size_t doff = (size_t)(buf[OFF_DOFF] >> 4) * 4;
    if (doff < SY_TCP_HDR_LEN || doff > len) return SY_WIRE_BAD_DATA_OFF;
    /* A segment that verifies sums to zero, its own checksum field included. */
    if (len > TCP_MAX_SEG_LEN || tcp_csum(buf, len, src, dst) != 0) return SY_WIRE_BAD_CHECKSUM;

    enum sy_wire_err err =
        sy_tcp_options_parse(buf + SY_TCP_HDR_LEN, doff - SY_TCP_HDR_LEN, &out->opts);
    if (err != SY_WIRE_OK) return err;
    read_fixed(buf, out);
    out->payload = buf + doff;
    out->payload_len = len - doff;
    return SY_WIRE_OK;
}

static void write_fixed(const struct sy_tcp *h, size_t doff, uint8_t *buf)
{
    sy_put16(buf + OFF_SPORT, h->sport);
    sy_put16(buf + OFF_DPORT, h->dport);
    sy_put32(buf + OFF_SEQ, h->seq);
    sy_put32(buf + OFF_ACK, h->ack);
    buf[OFF_DOFF] = (uint8_t)(doff / 4 << 4);
    buf[OFF_FLAGS] = h->flags;
    sy_put16(buf + OFF_WND, h->wnd);
    sy_put16(buf + OFF_CSUM, 0);
    sy_put16(buf + OFF_URP, h->urp);
}

size_t sy_tcp_emit_v4(const struct sy_tcp *h, const uint8_t src[4], const uint8_t dst[4],
                      uint8_t *buf, size_t cap)
{
    return sy_tcp_emit_v4_gather(h, NULL, 0, src, dst, buf, cap);
}

size_t sy_tcp_emit_v4_gather(const struct sy_tcp *h, const uint8_t *tail, size_t tail_len,
                             const uint8_t src[4], const uint8_t dst[4], uint8_t *buf, size_t cap)
{
    size_t olen = sy_tcp_options_len(&h->opts);
    if (olen > SY_TCPOPT_MAX_LEN) return 0;
    size_t doff = SY_TCP_HDR_LEN + olen, plen = h->payload_len + tail_len;
    if (plen > TCP_MAX_SEG_LEN - doff || doff + plen > cap) return 0;

    write_fixed(h, doff, buf);
    if (sy_tcp_options_emit(&h->opts, buf + SY_TCP_HDR_LEN, olen) != olen) return 0;
    if (h->payload_len > 0) memcpy(buf + doff, h->payload, h->payload_len);
    if (tail_len > 0) memcpy(buf + doff + h->payload_len, tail, tail_len);

    size_t len = doff + plen;
    sy_put16(buf + OFF_CSUM, tcp_csum(buf, len, src, dst));
    return len;
}
