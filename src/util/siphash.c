/* util — SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF", 2012). */
#include "util/siphash.h"

#include <stdint.h>

static uint64_t rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

/* Little-endian read of n <= 8 bytes: the paper's message words are little-endian. */
static uint64_t get_le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

struct sip_state {
    uint64_t v0, v1, v2, v3;
};

/* One SipRound (paper §2.2). */
static void sip_round(struct sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = rotl(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = rotl(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = rotl(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = rotl(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = rotl(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = rotl(s->v2, 32);
}

/* Compression: c = 2 SipRounds per message word. */
static void sip_compress(struct sip_state *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    sip_round(s);
    s->v0 ^= m;
}

uint64_t sy_siphash24(const struct sy_siphash_key *key, const void *data, size_t len)
{
    const uint8_t *p = data;
    struct sip_state s = {
        .v0 = key->k0 ^ 0x736f6d6570736575ull, /* "somepseudorandomlygeneratedbytes" */
        .v1 = key->k1 ^ 0x646f72616e646f6dull,
        .v2 = key->k0 ^ 0x6c7967656e657261ull,
        .v3 = key->k1 ^ 0x7465646279746573ull,
    };
    size_t full = len - len % 8;

    for (size_t i = 0; i < full; i += 8)
        sip_compress(&s, get_le(p + i, 8));
    /* Last word: the remaining bytes, with len mod 256 in the top byte. */
    sip_compress(&s, get_le(p + full, len % 8) | (uint64_t)(len & 0xff) << 56);

    /* Finalization: d = 4 SipRounds. */
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
