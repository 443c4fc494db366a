/* packetdrill runner — packets as script text. */
#include "format.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wire/tcp.h"
#include "wire_io.h"

struct out {
    char *buf;
    size_t cap, len;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    if (o->len >= o->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n > 0) o->len += (size_t)n < o->cap - o->len ? (size_t)n : o->cap - o->len - 1;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void one_option(struct out *o, const uint8_t *p, int n)
{
    switch (p[0]) {
    case SY_TCPOPT_EOL: put(o, "eol"); return;
    case SY_TCPOPT_NOP: put(o, "nop"); return;
    case SY_TCPOPT_MSS:
        if (n == 4) {
            put(o, "mss %u", (unsigned)(p[2] << 8 | p[3]));
            return;
        }
        break;
    case SY_TCPOPT_WSCALE:
        if (n == 3) {
            put(o, "wscale %u", p[2]);
            return;
        }
        break;
    case SY_TCPOPT_SACK_PERM:
        if (n == 2) {
            put(o, "sackOK");
            return;
        }
        break;
    case SY_TCPOPT_TS:
        if (n == 10) {
            put(o, "TS val %u ecr %u", be32(p + 2), be32(p + 6));
            return;
        }
        break;
    case SY_TCPOPT_SACK:
        if (n >= 10 && (n - 2) % 8 == 0) {
            put(o, "sack");
            for (int k = 2; k < n; k += 8)
                put(o, " %u:%u", be32(p + k), be32(p + k + 4));
            return;
        }
        break;
    case 19: put(o, "md5"); return;
    default: break;
    }
    put(o, "opt %u len %d", p[0], n);
}

void pd_format_options(const uint8_t *opts, size_t len, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    buf[0] = '\0';
    size_t off = 0;
    for (int n; (n = pd_opt_len(opts, len, off)) != 0; off += (size_t)n) {
        if (off) put(&o, ",");
        if (n < 0) {
            put(&o, "<malformed>");
            return;
        }
        one_option(&o, opts + off, n);
    }
}

void pd_format_flags(uint8_t flags, char *buf, size_t cap)
{
    static const struct {
        uint8_t bit;
        char ch;
    } order[] = {{SY_TH_SYN, 'S'}, {SY_TH_FIN, 'F'}, {SY_TH_RST, 'R'}, {SY_TH_PSH, 'P'},
                 {SY_TH_URG, 'U'}, {SY_TH_ECE, 'E'}, {SY_TH_CWR, 'W'}, {SY_TH_ACK, '.'}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0] && n + 1 < cap; i++)
        if (flags & order[i].bit) buf[n++] = order[i].ch;
    buf[n] = '\0';
}

static void ip_part(struct out *o, const struct pd_ip_info *ip)
{
    static const char *const ecn[] = {"noecn", "ect1", "ect0", "ce", "ect01"};
    if (ip->ecn >= 0 && ip->ecn <= PD_ECN_ECT01) put(o, "[%s] ", ecn[ip->ecn]);
    if (ip->tos >= 0 && ip->ttl >= 0)
        put(o, "(tos 0x%x, ttl %d) ", ip->tos, ip->ttl);
    else if (ip->tos >= 0)
        put(o, "(tos 0x%x) ", ip->tos);
    else if (ip->ttl >= 0)
        put(o, "(ttl %d) ", ip->ttl);
}

const char *pd_format_packet(const struct pd_packet *p, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0};
    buf[0] = '\0';
    ip_part(&o, &p->ip);
    if (p->icmp) {
        put(&o, "icmp type %u code %u [%u:%u(%u)]", p->icmp_type, p->icmp_code, p->seq,
            p->seq + p->len, p->len);
        return buf;
    }
    char f[12];
    pd_format_flags(p->flags, f, sizeof f);
    if (p->seq_any)
        put(&o, "%s ...(%u)", f, p->len);
    else
        put(&o, "%s %u:%u(%u)%s", f, p->seq, p->seq + p->len, p->len, p->seq_absolute ? "!" : "");
    if (p->has_ack || (p->flags & SY_TH_ACK)) put(&o, " ack %u", p->ack);
    if (p->win >= 0) put(&o, " win %d", p->win);
    if (p->urg) put(&o, " urg %u", p->urg);
    if (p->opts_any) {
        put(&o, " <...>");
    } else if (p->opts_len) {
        char opts[256];
        pd_format_options(p->opts, p->opts_len, opts, sizeof opts);
        put(&o, " <%s>", opts);
    }
    return buf;
}
