/* packetdrill runner — a TCP option list: "<mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>",
 * "<nop,nop,sack 1:100 200:300>", "<...>" (not checked). The list becomes the option area as it
 * goes on the wire, in the script's order. */
#include <string.h>

#include "parse.h"
#include "wire/tcp_options.h"

#define PD_TCPOPT_MD5 19 /* RFC 2385 */

struct optbuf {
    uint8_t *b;
    uint8_t *len;
};

static int put(struct optbuf *o, const uint8_t *bytes, size_t n, int line, struct pd_error *err)
{
    if (*o->len + n > PD_MAX_OPT_BYTES)
        return pd_error_set(err, line, "TCP options longer than %d bytes", PD_MAX_OPT_BYTES);
    memcpy(o->b + *o->len, bytes, n);
    *o->len += (uint8_t)n;
    return 0;
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int opt_sack(struct pd_cursor *c, struct optbuf *o, int line, struct pd_error *err)
{
    uint8_t b[2 + 8 * SY_TCP_MAX_SACK] = {SY_TCPOPT_SACK, 2};
    uint64_t l, r;
    int n = 0;
    for (; n < SY_TCP_MAX_SACK && pd_uint(c, UINT32_MAX, &l); n++) {
        if (!pd_accept(c, ':') || !pd_uint(c, UINT32_MAX, &r))
            return pd_error_set(err, line, "bad SACK block (want left:right)");
        be32(b + 2 + 8 * n, (uint32_t)l);
        be32(b + 6 + 8 * n, (uint32_t)r);
    }
    if (n == 0) return pd_error_set(err, line, "sack option without blocks");
    b[1] = (uint8_t)(2 + 8 * n);
    return put(o, b, b[1], line, err);
}

static int opt_ts(struct pd_cursor *c, struct optbuf *o, int line, struct pd_error *err)
{
    uint64_t val, ecr;
    if (!pd_accept_word(c, "val") || !pd_uint(c, UINT32_MAX, &val) || !pd_accept_word(c, "ecr") ||
        !pd_uint(c, UINT32_MAX, &ecr))
        return pd_error_set(err, line, "bad TS option (want TS val N ecr N)");
    uint8_t b[10] = {SY_TCPOPT_TS, 10};
    be32(b + 2, (uint32_t)val);
    be32(b + 6, (uint32_t)ecr);
    return put(o, b, sizeof b, line, err);
}

static int opt_numeric(struct pd_cursor *c, struct optbuf *o, uint8_t kind, int line,
                       struct pd_error *err)
{
    uint64_t v;
    if (kind == SY_TCPOPT_MSS) {
        if (!pd_uint(c, UINT16_MAX, &v)) return pd_error_set(err, line, "bad mss value");
        uint8_t b[4] = {SY_TCPOPT_MSS, 4, (uint8_t)(v >> 8), (uint8_t)v};
        return put(o, b, sizeof b, line, err);
    }
    if (!pd_uint(c, UINT8_MAX, &v)) return pd_error_set(err, line, "bad wscale value");
    uint8_t b[3] = {SY_TCPOPT_WSCALE, 3, (uint8_t)v};
    return put(o, b, sizeof b, line, err);
}

/* "md5 valid" and the like: the option's room, its digest not computed (see README). */
static int opt_md5(struct pd_cursor *c, struct pd_packet *p, struct optbuf *o, int line,
                   struct pd_error *err)
{
    char word[32];
    if (!pd_ident(c, word, sizeof word)) return pd_error_set(err, line, "bad md5 option");
    uint8_t b[18] = {PD_TCPOPT_MD5, 18};
    p->has_md5 = true;
    return put(o, b, sizeof b, line, err);
}

static int one_option(struct pd_cursor *c, struct pd_packet *p, struct optbuf *o, int line,
                      struct pd_error *err)
{
    static const uint8_t eol = SY_TCPOPT_EOL, nop = SY_TCPOPT_NOP;
    static const uint8_t sack_ok[2] = {SY_TCPOPT_SACK_PERM, 2};
    char name[32];
    if (!pd_ident(c, name, sizeof name)) return pd_error_set(err, line, "bad TCP option");
    if (!strcmp(name, "nop")) return put(o, &nop, 1, line, err);
    if (!strcmp(name, "eol")) return put(o, &eol, 1, line, err);
    if (!strcmp(name, "mss")) return opt_numeric(c, o, SY_TCPOPT_MSS, line, err);
    if (!strcmp(name, "wscale")) return opt_numeric(c, o, SY_TCPOPT_WSCALE, line, err);
    if (!strcmp(name, "sackOK")) return put(o, sack_ok, sizeof sack_ok, line, err);
    if (!strcmp(name, "sack")) return opt_sack(c, o, line, err);
    if (!strcmp(name, "TS")) return opt_ts(c, o, line, err);
    if (!strcmp(name, "md5")) return opt_md5(c, p, o, line, err);
    return pd_error_set(err, line, "unsupported TCP option '%s'", name);
}

int pd_parse_tcp_options(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err)
{
    if (!pd_accept(c, '<')) return pd_error_set(err, line, "expected '<' before TCP options");
    p->opts_given = true;
    if (pd_accept_str(c, "...")) {
        p->opts_any = true;
        return pd_accept(c, '>') ? 0 : pd_error_set(err, line, "expected '>' after '<...'");
    }
    struct optbuf o = {p->opts, &p->opts_len};
    if (pd_accept(c, '>')) return 0;
    do {
        if (one_option(c, p, &o, line, err) < 0) return -1;
    } while (pd_accept(c, ','));
    if (!pd_accept(c, '>')) return pd_error_set(err, line, "expected ',' or '>' in TCP options");
    if (p->opts_len % 4)
        return pd_error_set(err, line, "TCP options are %u bytes, not a multiple of 4",
                            p->opts_len);
    return 0;
}
