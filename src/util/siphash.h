/* util — SipHash-2-4 (Aumasson & Bernstein), the keyed hash behind ISNs (RFC 6528) and the
 * connection table. */
#ifndef SY_UTIL_SIPHASH_H
#define SY_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct sy_siphash_key {
    uint64_t k0, k1;
};

uint64_t sy_siphash24(const struct sy_siphash_key *key, const void *data, size_t len);

#endif
