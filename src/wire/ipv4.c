/* wire — the IPv4 header (RFC 791 §3.1). */
#include "wire/ipv4.h"

#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"

/* RFC 791 §3.1 field offsets. */
enum {
    OFF_VER_IHL = 0,
    OFF_TOS = 1,
    OFF_TOTAL_LEN = 2,
    OFF_ID = 4,
    OFF_FRAG = 6,
    OFF_TTL = 8,
    OFF_PROTO = 9,
    OFF_CSUM = 10,
    OFF_SRC = 12,
    OFF_DST = 16,
};

/* Validate in the documented order: length, version, IHL, checksum, total length. */
static enum sy_wire_err check(const uint8_t *buf, size_t len)
{
    if (len < SY_IPV4_HDR_LEN) return SY_WIRE_TRUNCATED;
    if (buf[OFF_VER_IHL] >> 4 != 4) return SY_WIRE_BAD_VERSION;

    size_t ihl = (size_t)(buf[OFF_VER_IHL] & 0x0f) * 4;
    if (ihl < SY_IPV4_HDR_LEN || ihl > len) return SY_WIRE_BAD_IHL;
    /* RFC 791 §3.1: the checksum covers the header only; a valid header sums to zero. */
    if (sy_csum_finish(sy_csum_add(0, buf, ihl)) != 0) return SY_WIRE_BAD_CHECKSUM;

    size_t total = sy_get16(buf + OFF_TOTAL_LEN);
    if (total < ihl || total > len) return SY_WIRE_BAD_TOTAL_LEN;
    return SY_WIRE_OK;
}

enum sy_wire_err sy_ipv4_parse(const uint8_t *buf, size_t len, struct sy_ipv4 *out)
{
    enum sy_wire_err err = check(buf, len);
    if (err != SY_WIRE_OK) return err;

    out->ihl = (uint8_t)((buf[OFF_VER_IHL] & 0x0f) * 4);
    out->tos = buf[OFF_TOS];
    out->total_len = sy_get16(buf + OFF_TOTAL_LEN);
    out->id = sy_get16(buf + OFF_ID);
    out->frag = sy_get16(buf + OFF_FRAG);
    out->ttl = buf[OFF_TTL];
    out->proto = buf[OFF_PROTO];
    memcpy(out->src, buf + OFF_SRC, 4);
    memcpy(out->dst, buf + OFF_DST, 4);
    /* Bytes past total length (e.g. Ethernet padding) are not payload. */
    out->payload = buf + out->ihl;
    out->payload_len = (uint16_t)(out->total_len - out->ihl);
    return SY_WIRE_OK;
}

size_t sy_ipv4_emit(const struct sy_ipv4 *h, uint8_t *buf, size_t cap)
{
    if (cap < SY_IPV4_HDR_LEN) return 0;

    buf[OFF_VER_IHL] = 0x45; /* version 4, IHL 5: no options */
    buf[OFF_TOS] = h->tos;
    sy_put16(buf + OFF_TOTAL_LEN, h->total_len);
    sy_put16(buf + OFF_ID, h->id);
    sy_put16(buf + OFF_FRAG, h->frag);
    buf[OFF_TTL] = h->ttl;
    buf[OFF_PROTO] = h->proto;
    sy_put16(buf + OFF_CSUM, 0);
    memcpy(buf + OFF_SRC, h->src, 4);
    memcpy(buf + OFF_DST, h->dst, 4);
    sy_put16(buf + OFF_CSUM, sy_csum_finish(sy_csum_add(0, buf, SY_IPV4_HDR_LEN)));
    return SY_IPV4_HDR_LEN;
}
