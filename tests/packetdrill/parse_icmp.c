/* packetdrill runner — an ICMP line after "icmp": TYPE CODE [mtu N] [start:end(len)]. The
 * bracket quotes a segment of the stack's (its sequence numbers in the stack's space). Types and
 * codes by their packetdrill names (RFC 792, RFC 1812 §5.2.7.1); ICMPv6-only names are parsed and
 * marked, so that the script fails as an IPv6 one. */
#include <string.h>

#include "parse.h"
#include "wire/icmp.h"

struct name_value {
    const char *name;
    int value;
};

static const struct name_value types[] = {
    {"echo_reply", 0},   {"unreachable", 3},    {"source_quench", 4},      {"redirect", 5},
    {"echo_request", 8}, {"time_exceeded", 11}, {"parameter_problem", 12},
};

static const struct name_value unreach_codes[] = {
    {"net_unreachable", 0},
    {"host_unreachable", 1},
    {"protocol_unreachable", 2},
    {"port_unreachable", 3},
    {"frag_needed", 4},
    {"source_route_failed", 5},
    {"net_unknown", 6},
    {"host_unknown", 7},
    {"source_host_isolated", 8},
    {"net_prohibited", 9},
    {"host_prohibited", 10},
    {"net_unreachable_for_tos", 11},
    {"host_unreachable_for_tos", 12},
    {"packet_filtered", 13},
    {"precedence_violation", 14},
    {"precedence_cutoff", 15},
};

static const struct name_value time_codes[] = {
    {"ttl_exceeded_in_transit", 0},
    {"fragment_reassembly_time_exceeded", 1},
};

/* Names that exist only in ICMPv6 (RFC 4443). */
static const char *const v6_only[] = {
    "exceeded_hop_limit",  "unknown_next_header",      "admin_prohibited",      "beyond_scope",
    "address_unreachable", "unrecognized_ipv6_option", "erroneous_header_field"};

static int lookup(const struct name_value *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].name, name)) return t[i].value;
    return -1;
}

static bool is_v6_only(const char *name)
{
    for (size_t i = 0; i < sizeof v6_only / sizeof v6_only[0]; i++)
        if (!strcmp(v6_only[i], name)) return true;
    return false;
}

static int code_of(int type, const char *name)
{
    if (type == SY_ICMP_DEST_UNREACH)
        return lookup(unreach_codes, sizeof unreach_codes / sizeof unreach_codes[0], name);
    if (type == SY_ICMP_TIME_EXCEEDED)
        return lookup(time_codes, sizeof time_codes / sizeof time_codes[0], name);
    return -1;
}

static int quote(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err)
{
    uint64_t start, end, len;
    if (!pd_accept(c, '[')) return 0; /* no quote: sequence number 0 */
    if (!pd_uint(c, UINT32_MAX, &start) || !pd_accept(c, ':') || !pd_uint(c, UINT32_MAX, &end) ||
        !pd_accept(c, '(') || !pd_uint(c, 65535, &len) || !pd_accept(c, ')') || !pd_accept(c, ']'))
        return pd_error_set(err, line, "bad quoted segment (want [start:end(len)])");
    p->seq = (uint32_t)start;
    p->len = (uint16_t)len;
    return 0;
}

int pd_parse_icmp(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err)
{
    char names[2][48] = {"", ""};
    p->icmp = PD_ICMP_V4;
    p->win = -1;
    if (!pd_ident(c, names[0], sizeof names[0])) return pd_error_set(err, line, "bad ICMP type");
    int type = lookup(types, sizeof types / sizeof types[0], names[0]);
    if (type < 0) return pd_error_set(err, line, "unknown ICMP type '%s'", names[0]);
    p->icmp_type = (uint8_t)type;
    if (pd_ident(c, names[1], sizeof names[1])) {
        int code = code_of(type, names[1]);
        if (code < 0 && !is_v6_only(names[1]))
            return pd_error_set(err, line, "unknown ICMP code '%s' for %s", names[1], names[0]);
        p->icmp_ipv6_only = code < 0;
        p->icmp_code = code < 0 ? 0 : (uint8_t)code;
    }
    uint64_t mtu;
    if (pd_accept_word(c, "mtu")) {
        if (!pd_uint(c, 65535, &mtu)) return pd_error_set(err, line, "bad ICMP mtu");
        p->icmp_mtu = (uint16_t)mtu;
    }
    if (quote(c, p, line, err) < 0) return -1;
    if (!pd_at_end(c)) return pd_error_set(err, line, "unexpected text after ICMP: '%s'", c->p);
    return 0;
}
