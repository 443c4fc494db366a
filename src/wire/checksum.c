/* wire — the Internet checksum (RFC 1071) and the IPv4 pseudo-header (RFC 9293 §3.1). */
#include "wire/checksum.h"

#include <stdbool.h>
#include <string.h>

#include "wire/bytes.h"

/* Fold a wide one's-complement sum into 32 bits, carrying the high part around (RFC 1071 §2(B)). */
static uint32_t fold32(uint64_t sum)
{
    while (sum >> 32)
        sum = (sum & 0xffffffffu) + (sum >> 32);
    return (uint32_t)sum;
}

/* Is this host little-endian? Asked of memory, not of compiler macros. */
static bool little_endian(void)
{
    const uint16_t one = 1;
    uint8_t first;
    memcpy(&first, &one, 1);
    return first == 1;
}

/* The sum of len bytes as 16-bit words in the host's byte order, folded to 16 bits. RFC 1071
 * §2(A)-(C): the one's-complement sum does not care about byte order (swapping the result gives
 * the big-endian sum) and can be taken eight bytes at a time with the carries added back in.
 * Four accumulators keep the additions independent; each word's carry is counted apart. */
static uint32_t sum_native(const uint8_t *data, size_t len)
{
    uint64_t a[4] = {0, 0, 0, 0}, carries = 0;
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        uint64_t w[4];
        memcpy(w, data + i, sizeof w);
        for (int k = 0; k < 4; k++) {
            a[k] += w[k];
            carries += a[k] < w[k];
        }
    }
    uint64_t acc = carries; /* 32-bit halves: no overflow for any len below 2^32 * 8 */
    for (int k = 0; k < 4; k++)
        acc += (a[k] & 0xffffffffu) + (a[k] >> 32);
    for (; i + 4 <= len; i += 4) {
        uint32_t w;
        memcpy(&w, data + i, sizeof w);
        acc += w;
    }
    uint32_t tail = 0; /* the last 0-3 bytes, the missing ones zero (an odd byte's low half) */
    memcpy(&tail, data + i, len - i);
    acc += tail;
    uint32_t s = fold32(acc);
    s = (s & 0xffffu) + (s >> 16);
    return (s & 0xffffu) + (s >> 16);
}

/* RFC 1071 §4.1: the sum of 16-bit big-endian words; a trailing odd byte is the high half of a
 * word whose low half is zero. Computed on native words (sum_native), swapped once. */
uint32_t sy_csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
    uint32_t s = sum_native(data, len);
    if (little_endian()) s = ((s << 8) | (s >> 8)) & 0xffffu;
    return fold32((uint64_t)sum + s);
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
