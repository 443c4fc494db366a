/* wire — the Internet checksum (RFC 1071) and the IPv4 pseudo-header (RFC 9293 §3.1). */
#include "wire/checksum.h"

#include "wire/bytes.h"

/* Fold a wide one's-complement sum into 32 bits, carrying the high part around (RFC 1071 §2(B)). */
static uint32_t fold32(uint64_t sum)
{
    while (sum >> 32)
        sum = (sum & 0xffffffffu) + (sum >> 32);
    return (uint32_t)sum;
}

/* RFC 1071 §4.1: sum 16-bit big-endian words; a trailing odd byte is the high half of a word
 * whose low half is zero. The 64-bit accumulator cannot overflow for any realistic len. */
uint32_t sy_csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
    uint64_t acc = sum;
    size_t i = 0;

    for (; i + 1 < len; i += 2)
        acc += sy_get16(data + i);
    if (i < len) acc += (uint32_t)data[i] << 8;
    return fold32(acc);
}

uint16_t sy_csum_finish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

/* RFC 9293 §3.1: source address, destination address, zero, PTCL, TCP length. */
uint32_t sy_csum_pseudo_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint16_t len)
{
    uint32_t sum = 0;

    sum = sy_csum_add(sum, src, 4);
    sum = sy_csum_add(sum, dst, 4);
    return fold32((uint64_t)sum + proto + len);
}
