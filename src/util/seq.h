/* util — sequence number arithmetic modulo 2^32 (RFC 9293 §3.4; FreeBSD tcp_seq.h). */
#ifndef SY_UTIL_SEQ_H
#define SY_UTIL_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool sy_seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}
static inline bool sy_seq_leq(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}
static inline bool sy_seq_gt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}
static inline bool sy_seq_geq(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) >= 0;
}
/* lo <= x < hi, in sequence space. */
static inline bool sy_seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
    return sy_seq_leq(lo, x) && sy_seq_lt(x, hi);
}
static inline uint32_t sy_seq_max(uint32_t a, uint32_t b)
{
    return sy_seq_gt(a, b) ? a : b;
}
static inline uint32_t sy_seq_min(uint32_t a, uint32_t b)
{
    return sy_seq_lt(a, b) ? a : b;
}

#endif
