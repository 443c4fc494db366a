/* packetdrill runner — a packet line after its time:
 *   < [ect0] (tos 0x28, ttl 3) S. 0:0(0) ack 1 win 65535 <mss 1460,...> /udp(1 > 9811)
 *   > R. 0:0(0)! ack 1 win 0          ("!": the sequence number is not mapped through the ISN)
 *   > S. ...(0) ack 1 win 65535 <...> ("...": the sequence number is not checked)
 *   < icmp unreachable port_unreachable [1:1(0)]                                      */
#include <string.h>

#include "parse.h"
#include "wire/tcp.h"

static int ecn_mark(struct pd_cursor *c, struct pd_ip_info *ip, int line, struct pd_error *err)
{
    static const struct {
        const char *name;
        int ecn;
    } marks[] = {{"noecn", 0}, {"ect1", 1}, {"ect0", 2}, {"ce", 3}, {"ect01", PD_ECN_ECT01}};
    char name[16];
    if (!pd_ident(c, name, sizeof name) || !pd_accept(c, ']'))
        return pd_error_set(err, line, "bad ECN mark (want [noecn], [ect0], [ect1], [ce])");
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (!strcmp(name, marks[i].name)) {
            ip->ecn = marks[i].ecn;
            return 0;
        }
    return pd_error_set(err, line, "unknown ECN mark [%s]", name);
}

/* "(tos 0x28)", "(ttl 3)", "(class 0x..)", "(hlim 3)", several separated by commas. */
static int ip_fields(struct pd_cursor *c, struct pd_ip_info *ip, int line, struct pd_error *err)
{
    do {
        char name[16];
        uint64_t v;
        if (!pd_ident(c, name, sizeof name) || !pd_uint(c, 0xfffff, &v))
            return pd_error_set(err, line, "bad IP field (want tos N, ttl N, class N, hlim N)");
        if (!strcmp(name, "tos"))
            ip->tos = (int)(v & 0xff);
        else if (!strcmp(name, "ttl"))
            ip->ttl = (int)(v & 0xff);
        else if (!strcmp(name, "class") || !strcmp(name, "hlim") || !strcmp(name, "flowlabel"))
            ip->ipv6_only = true;
        else
            return pd_error_set(err, line, "unknown IP field '%s'", name);
    } while (pd_accept(c, ','));
    return pd_accept(c, ')') ? 0 : pd_error_set(err, line, "expected ')' after IP fields");
}

static int ip_info(struct pd_cursor *c, struct pd_ip_info *ip, int line, struct pd_error *err)
{
    ip->tos = ip->ttl = ip->ecn = -1;
    for (;;) {
        if (pd_accept(c, '[')) {
            if (ecn_mark(c, ip, line, err) < 0) return -1;
        } else if (pd_peek(c) == '(') {
            pd_accept(c, '(');
            if (ip_fields(c, ip, line, err) < 0) return -1;
        } else {
            return 0;
        }
    }
}

static int flags(struct pd_cursor *c, uint8_t *out, int line, struct pd_error *err)
{
    static const char letters[] = ".FSRPUEW";
    static const uint8_t bits[] = {SY_TH_ACK, SY_TH_FIN, SY_TH_SYN, SY_TH_RST,
                                   SY_TH_PSH, SY_TH_URG, SY_TH_ECE, SY_TH_CWR};
    pd_skip_blank(c);
    const char *s = c->p;
    *out = 0;
    for (; *s && *s != ' ' && *s != '\t'; s++) {
        const char *k = strchr(letters, *s);
        if (*s == 'A' || (*s >= '0' && *s <= '7'))
            return pd_error_set(err, line, "AccECN flags are not supported");
        if (!k) return pd_error_set(err, line, "bad TCP flag '%c'", *s);
        *out |= bits[k - letters];
    }
    if (s == c->p) return pd_error_set(err, line, "expected TCP flags");
    c->p = s;
    return 0;
}

/* "start:end(len)" or "...(len)", then an optional "!". */
static int sequence(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err)
{
    uint64_t start = 0, end = 0, len;
    if (pd_accept_str(c, "...")) {
        p->seq_any = true;
    } else if (!pd_uint(c, UINT32_MAX, &start) || !pd_accept(c, ':') ||
               !pd_uint(c, UINT32_MAX, &end)) {
        return pd_error_set(err, line, "bad sequence numbers (want start:end(len))");
    }
    if (!pd_accept(c, '(') || !pd_uint(c, 65535, &len) || !pd_accept(c, ')'))
        return pd_error_set(err, line, "bad payload length (want (len))");
    if (!p->seq_any && (uint32_t)(start + len) != (uint32_t)end)
        return pd_error_set(err, line, "inconsistent sequence numbers %llu:%llu(%llu)",
                            (unsigned long long)start, (unsigned long long)end,
                            (unsigned long long)len);
    p->seq = (uint32_t)start;
    p->len = (uint16_t)len;
    p->seq_absolute = pd_accept(c, '!');
    return 0;
}

static int udp_suffix(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err)
{
    uint64_t a, b;
    if (!pd_accept_word(c, "udp") || !pd_accept(c, '(') || !pd_uint(c, 65535, &a) ||
        !pd_accept(c, '>') || !pd_uint(c, 65535, &b) || !pd_accept(c, ')'))
        return pd_error_set(err, line, "bad UDP encapsulation (want /udp(sport > dport))");
    p->udp_encap = true;
    return 0;
}

/* ack N, win N, urg N, <options>, /udp(...), in any order. */
static int tcp_fields(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err)
{
    uint64_t v;
    p->win = -1;
    while (!pd_at_end(c)) {
        if (pd_accept_word(c, "ack")) {
            if (!pd_uint(c, UINT32_MAX, &v)) return pd_error_set(err, line, "bad ack number");
            p->has_ack = true;
            p->ack = (uint32_t)v;
        } else if (pd_accept_word(c, "win")) {
            if (!pd_uint(c, UINT16_MAX, &v)) return pd_error_set(err, line, "bad window");
            p->win = (int32_t)v;
        } else if (pd_accept_word(c, "urg")) {
            if (!pd_uint(c, UINT16_MAX, &v)) return pd_error_set(err, line, "bad urgent pointer");
            p->urg = (uint16_t)v;
        } else if (pd_peek(c) == '<') {
            if (p->opts_given) return pd_error_set(err, line, "two TCP option lists");
            if (pd_parse_tcp_options(c, p, line, err) < 0) return -1;
        } else if (pd_accept(c, '/')) {
            if (udp_suffix(c, p, line, err) < 0) return -1;
        } else {
            return pd_error_set(err, line, "unexpected text in packet: '%s'", c->p);
        }
    }
    return 0;
}

int pd_parse_packet(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err)
{
    memset(p, 0, sizeof(*p));
    if (pd_accept(c, '<'))
        p->inbound = true;
    else if (!pd_accept(c, '>'))
        return pd_error_set(err, line, "expected '<' or '>'");
    /* "<[noecn] ." has the mark glued to the direction. */
    if (ip_info(c, &p->ip, line, err) < 0) return -1;
    if (pd_accept_word(c, "icmp")) return pd_parse_icmp(c, p, line, err);
    if (flags(c, &p->flags, line, err) < 0 || sequence(c, p, line, err) < 0 ||
        tcp_fields(c, p, line, err) < 0)
        return -1;
    if (p->inbound && p->win < 0) return pd_error_set(err, line, "inbound packet without win");
    if (p->inbound && (p->opts_any || p->seq_any))
        return pd_error_set(err, line, "'...' in an inbound packet");
    return 0;
}
