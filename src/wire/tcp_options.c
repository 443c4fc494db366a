/* wire — TCP options: MSS (RFC 9293 §3.2), window scale and timestamps (RFC 7323),
 * SACK-permitted and SACK (RFC 2018). */
#include "wire/tcp_options.h"

#include <string.h>

#include "wire/bytes.h"

/* Option lengths, kind and length bytes included. */
enum {
    LEN_MSS = 4,       /* RFC 9293 §3.2 */
    LEN_WSCALE = 3,    /* RFC 7323 §2.2 */
    LEN_SACK_PERM = 2, /* RFC 2018 §2 */
    LEN_TS = 10,       /* RFC 7323 §3.2 */
    LEN_SACK_BLOCK = 8 /* RFC 2018 §3: each block is two 32-bit edges */
};

/* RFC 2018 §3: length 2 + 8n for n >= 1 blocks; extra blocks past our array are ignored. */
static enum sy_wire_err parse_sack(const uint8_t *p, size_t olen, struct sy_tcp_opts *out)
{
    if (olen < 2 + LEN_SACK_BLOCK || (olen - 2) % LEN_SACK_BLOCK != 0) return SY_WIRE_BAD_OPTION;

    size_t n = (olen - 2) / LEN_SACK_BLOCK;
    if (n > SY_TCP_MAX_SACK) n = SY_TCP_MAX_SACK;
    for (size_t i = 0; i < n; i++) {
        out->sack[i].left = sy_get32(p + 2 + i * LEN_SACK_BLOCK);
        out->sack[i].right = sy_get32(p + 6 + i * LEN_SACK_BLOCK);
    }
    out->sack_count = (uint8_t)n;
    out->has |= SY_OPT_SACK;
    return SY_WIRE_OK;
}

/* One option of kind p[0] and length olen (already known to lie within the area). */
static enum sy_wire_err parse_one(const uint8_t *p, size_t olen, struct sy_tcp_opts *out)
{
    switch (p[0]) {
    case SY_TCPOPT_MSS:
        if (olen != LEN_MSS) return SY_WIRE_BAD_OPTION;
        out->mss = sy_get16(p + 2);
        out->has |= SY_OPT_MSS;
        return SY_WIRE_OK;
    case SY_TCPOPT_WSCALE:
        if (olen != LEN_WSCALE) return SY_WIRE_BAD_OPTION;
        out->wscale = p[2];
        out->has |= SY_OPT_WSCALE;
        return SY_WIRE_OK;
    case SY_TCPOPT_SACK_PERM:
        if (olen != LEN_SACK_PERM) return SY_WIRE_BAD_OPTION;
        out->has |= SY_OPT_SACK_PERM;
        return SY_WIRE_OK;
    case SY_TCPOPT_TS:
        if (olen != LEN_TS) return SY_WIRE_BAD_OPTION;
        out->ts_val = sy_get32(p + 2);
        out->ts_ecr = sy_get32(p + 6);
        out->has |= SY_OPT_TS;
        return SY_WIRE_OK;
    case SY_TCPOPT_SACK: return parse_sack(p, olen, out);
    default:
        /* RFC 9293 §3.2: an unknown option is skipped by its length. */
        return SY_WIRE_OK;
    }
}

/* RFC 9293 §3.2: EOL ends the list, NOP is one byte, every other kind carries a length of at
 * least 2 that must stay inside the option area; an illegal length rejects the whole area. */
enum sy_wire_err sy_tcp_options_parse(const uint8_t *buf, size_t len, struct sy_tcp_opts *out)
{
    memset(out, 0, sizeof(*out));
    size_t i = 0;
    while (i < len) {
        uint8_t kind = buf[i];
        if (kind == SY_TCPOPT_EOL) break;
        if (kind == SY_TCPOPT_NOP) {
            i++;
            continue;
        }
        if (len - i < 2) return SY_WIRE_BAD_OPTION;
        size_t olen = buf[i + 1];
        if (olen < 2 || olen > len - i) return SY_WIRE_BAD_OPTION;
        enum sy_wire_err err = parse_one(buf + i, olen, out);
        if (err != SY_WIRE_OK) return err;
        i += olen;
    }
    return SY_WIRE_OK;
}

static size_t sack_blocks(const struct sy_tcp_opts *o)
{
    if (!(o->has & SY_OPT_SACK)) return 0;
    return o->sack_count > SY_TCP_MAX_SACK ? SY_TCP_MAX_SACK : o->sack_count;
}

/* BSD's layout: each option after NOPs that align it (MSS on a word, WS at an odd offset,
 * SACK-perm at an even one, TS and SACK two bytes past a word), the end padded with EOLs.
 * Writes to buf (at least 60 bytes) and returns the length. */
static size_t emit_bsd(const struct sy_tcp_opts *o, uint8_t *buf)
{
    size_t n = 0;
#define PAD_UNTIL(cond)                                                                            \
    while (!(cond))                                                                                \
    buf[n++] = SY_TCPOPT_NOP
    if (o->has & SY_OPT_MSS) {
        PAD_UNTIL(n % 4 == 0);
        buf[n++] = SY_TCPOPT_MSS;
        buf[n++] = LEN_MSS;
        sy_put16(buf + n, o->mss);
        n += 2;
    }
    if (o->has & SY_OPT_WSCALE) {
        PAD_UNTIL(n % 2 == 1);
        buf[n++] = SY_TCPOPT_WSCALE;
        buf[n++] = LEN_WSCALE;
        buf[n++] = o->wscale;
    }
    if (o->has & SY_OPT_SACK_PERM) {
        PAD_UNTIL(n % 2 == 0);
        buf[n++] = SY_TCPOPT_SACK_PERM;
        buf[n++] = LEN_SACK_PERM;
    }
    if (o->has & SY_OPT_TS) {
        PAD_UNTIL(n % 4 == 2);
        buf[n++] = SY_TCPOPT_TS;
        buf[n++] = LEN_TS;
        sy_put32(buf + n, o->ts_val);
        sy_put32(buf + n + 4, o->ts_ecr);
        n += 8;
    }
    size_t blocks = sack_blocks(o);
    if (blocks) {
        PAD_UNTIL(n % 4 == 2);
        buf[n++] = SY_TCPOPT_SACK;
        buf[n++] = (uint8_t)(2 + blocks * LEN_SACK_BLOCK);
        for (size_t i = 0; i < blocks; i++, n += LEN_SACK_BLOCK) {
            sy_put32(buf + n, o->sack[i].left);
            sy_put32(buf + n + 4, o->sack[i].right);
        }
    }
#undef PAD_UNTIL
    while (n % 4)
        buf[n++] = SY_TCPOPT_EOL;
    return n;
}

/* Linux's groups below are each a multiple of 4 bytes, so no trailing padding is needed. */
size_t sy_tcp_options_len(const struct sy_tcp_opts *o)
{
    if (o->layout == SY_OPT_LAYOUT_BSD) {
        uint8_t scratch[64];
        return emit_bsd(o, scratch);
    }
    size_t len = 0;
    if (o->has & SY_OPT_MSS) len += 4;
    if (o->has & (SY_OPT_TS | SY_OPT_SACK_PERM))
        len += (o->has & SY_OPT_TS) ? 12 : 4; /* SACKP+TS, NOP NOP TS or NOP NOP SACKP */
    if (o->has & SY_OPT_WSCALE) len += 4;
    size_t n = sack_blocks(o);
    if (n > 0) len += 4 + n * LEN_SACK_BLOCK;
    return len;
}

/* SACK-permitted and timestamps share one 12-byte word group the way Linux sends them. */
static uint8_t *emit_sackp_ts(const struct sy_tcp_opts *o, uint8_t *p)
{
    bool sackp = o->has & SY_OPT_SACK_PERM;
    bool ts = o->has & SY_OPT_TS;

    if (sackp && ts) {
        *p++ = SY_TCPOPT_SACK_PERM;
        *p++ = LEN_SACK_PERM;
    } else if (sackp || ts) {
        *p++ = SY_TCPOPT_NOP;
        *p++ = SY_TCPOPT_NOP;
        if (sackp) {
            *p++ = SY_TCPOPT_SACK_PERM;
            *p++ = LEN_SACK_PERM;
        }
    }
    if (ts) {
        *p++ = SY_TCPOPT_TS;
        *p++ = LEN_TS;
        sy_put32(p, o->ts_val);
        sy_put32(p + 4, o->ts_ecr);
        p += 8;
    }
    return p;
}

static uint8_t *emit_sack(const struct sy_tcp_opts *o, uint8_t *p)
{
    size_t n = sack_blocks(o);
    if (n == 0) return p;
    *p++ = SY_TCPOPT_NOP;
    *p++ = SY_TCPOPT_NOP;
    *p++ = SY_TCPOPT_SACK;
    *p++ = (uint8_t)(2 + n * LEN_SACK_BLOCK);
    for (size_t i = 0; i < n; i++) {
        sy_put32(p, o->sack[i].left);
        sy_put32(p + 4, o->sack[i].right);
        p += LEN_SACK_BLOCK;
    }
    return p;
}

size_t sy_tcp_options_emit(const struct sy_tcp_opts *o, uint8_t *buf, size_t cap)
{
    size_t len = sy_tcp_options_len(o);
    if (len > SY_TCPOPT_MAX_LEN || len > cap) return (size_t)-1;

    if (o->layout == SY_OPT_LAYOUT_BSD) {
        uint8_t scratch[64];
        memcpy(buf, scratch, emit_bsd(o, scratch));
        return len;
    }
    uint8_t *p = buf;
    if (o->has & SY_OPT_MSS) {
        *p++ = SY_TCPOPT_MSS;
        *p++ = LEN_MSS;
        sy_put16(p, o->mss);
        p += 2;
    }
    p = emit_sackp_ts(o, p);
    if (o->has & SY_OPT_WSCALE) {
        *p++ = SY_TCPOPT_NOP;
        *p++ = SY_TCPOPT_WSCALE;
        *p++ = LEN_WSCALE;
        *p++ = o->wscale;
    }
    p = emit_sack(o, p);
    return (size_t)(p - buf);
}
