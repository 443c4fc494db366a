/* wire — ICMP messages (RFC 792). */
#include "wire/icmp.h"

#include <string.h>

#include "wire/bytes.h"
#include "wire/checksum.h"

enum { OFF_TYPE = 0, OFF_CODE = 1, OFF_CSUM = 2, OFF_ID = 4, OFF_SEQ = 6, OFF_MTU = 6 };

enum sy_wire_err sy_icmp_parse(const uint8_t *buf, size_t len, struct sy_icmp *out)
{
    if (len < SY_ICMP_HDR_LEN) return SY_WIRE_TRUNCATED;
    /* RFC 792: the checksum covers the ICMP message; a valid one sums to zero. */
    if (sy_csum_finish(sy_csum_add(0, buf, len)) != 0) return SY_WIRE_BAD_CHECKSUM;
    *out = (struct sy_icmp){.type = buf[OFF_TYPE],
                            .code = buf[OFF_CODE],
                            .payload = buf + SY_ICMP_HDR_LEN,
                            .payload_len = len - SY_ICMP_HDR_LEN};
    if (out->type == SY_ICMP_ECHO_REQUEST || out->type == SY_ICMP_ECHO_REPLY) {
        out->id = sy_get16(buf + OFF_ID);
        out->seq = sy_get16(buf + OFF_SEQ);
    } else if (out->type == SY_ICMP_DEST_UNREACH && out->code == SY_ICMP_FRAG_NEEDED) {
        out->next_mtu = sy_get16(buf + OFF_MTU); /* RFC 1191 §4; 0 from older routers */
    }
    return SY_WIRE_OK;
}

size_t sy_icmp_emit(const struct sy_icmp *h, uint8_t *buf, size_t cap)
{
    size_t len = SY_ICMP_HDR_LEN + h->payload_len;
    if (cap < len) return 0;
    memset(buf, 0, SY_ICMP_HDR_LEN);
    buf[OFF_TYPE] = h->type;
    buf[OFF_CODE] = h->code;
    if (h->type == SY_ICMP_ECHO_REQUEST || h->type == SY_ICMP_ECHO_REPLY) {
        sy_put16(buf + OFF_ID, h->id);
        sy_put16(buf + OFF_SEQ, h->seq);
    } else if (h->type == SY_ICMP_DEST_UNREACH && h->code == SY_ICMP_FRAG_NEEDED) {
        sy_put16(buf + OFF_MTU, h->next_mtu);
    }
    if (h->payload_len) memmove(buf + SY_ICMP_HDR_LEN, h->payload, h->payload_len);
    sy_put16(buf + OFF_CSUM, sy_csum_finish(sy_csum_add(0, buf, len)));
    return len;
}

enum sy_wire_err sy_icmp_parse_quote(const uint8_t *buf, size_t len, struct sy_icmp_quote *out)
{
    if (len < 20) return SY_WIRE_TRUNCATED;
    if (buf[0] >> 4 != 4) return SY_WIRE_BAD_VERSION;
    size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
    if (ihl < 20) return SY_WIRE_BAD_IHL;
    if (len < ihl + 8) return SY_WIRE_TRUNCATED;
    out->proto = buf[9];
    memcpy(out->src, buf + 12, 4);
    memcpy(out->dst, buf + 16, 4);
    out->sport = sy_get16(buf + ihl);
    out->dport = sy_get16(buf + ihl + 2);
    out->seq = sy_get32(buf + ihl + 4);
    return SY_WIRE_OK;
}
