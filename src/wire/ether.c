/* wire — Ethernet II and ARP (RFC 826). */
#include "wire/ether.h"

#include <string.h>

#include "wire/bytes.h"

enum sy_wire_err sy_ether_parse(const uint8_t *buf, size_t len, struct sy_ether *out)
{
    if (len < SY_ETH_HDR_LEN) return SY_WIRE_TRUNCATED;
    memcpy(out->dst, buf, 6);
    memcpy(out->src, buf + 6, 6);
    out->type = sy_get16(buf + 12);
    out->payload = buf + SY_ETH_HDR_LEN;
    out->payload_len = len - SY_ETH_HDR_LEN;
    return SY_WIRE_OK;
}

size_t sy_ether_emit(const struct sy_ether *h, uint8_t *buf, size_t cap)
{
    if (cap < SY_ETH_HDR_LEN) return 0;
    memcpy(buf, h->dst, 6);
    memcpy(buf + 6, h->src, 6);
    sy_put16(buf + 12, h->type);
    return SY_ETH_HDR_LEN;
}

/* RFC 826 packet format: ar$hrd, ar$pro, ar$hln, ar$pln, ar$op, then sha, spa, tha, tpa. */
enum sy_wire_err sy_arp_parse(const uint8_t *buf, size_t len, struct sy_arp *out)
{
    if (len < SY_ARP_LEN) return SY_WIRE_TRUNCATED;
    if (sy_get16(buf) != 1 || sy_get16(buf + 2) != SY_ETH_TYPE_IPV4 || buf[4] != 6 || buf[5] != 4)
        return SY_WIRE_BAD_OPTION;
    out->op = sy_get16(buf + 6);
    memcpy(out->sha, buf + 8, 6);
    memcpy(out->spa, buf + 14, 4);
    memcpy(out->tha, buf + 18, 6);
    memcpy(out->tpa, buf + 24, 4);
    return SY_WIRE_OK;
}

size_t sy_arp_emit(const struct sy_arp *a, uint8_t *buf, size_t cap)
{
    if (cap < SY_ARP_LEN) return 0;
    sy_put16(buf, 1);
    sy_put16(buf + 2, SY_ETH_TYPE_IPV4);
    buf[4] = 6;
    buf[5] = 4;
    sy_put16(buf + 6, a->op);
    memcpy(buf + 8, a->sha, 6);
    memcpy(buf + 14, a->spa, 4);
    memcpy(buf + 18, a->tha, 6);
    memcpy(buf + 24, a->tpa, 4);
    return SY_ARP_LEN;
}
