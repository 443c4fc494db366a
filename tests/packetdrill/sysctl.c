/* packetdrill runner — FreeBSD's `sysctl -w KEY=VALUE` as synack settings: ONE table (also
 * printed by --list-sysctls and copied into README.md). Each key either sets a field of struct
 * synack_config (before the stack is created: the first event that is not a command creates it),
 * is a no-op (with the reason), or has no synack knob yet: then the value that matches what
 * synack does anyway passes silently and any other is noted in a failure's reason. */
#include "sysctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pd_sysctl_kind { PD_SYSCTL_SET, PD_SYSCTL_NOOP, PD_SYSCTL_NOT_YET };

struct pd_sysctl {
    const char *key;
    enum pd_sysctl_kind kind;
    int (*set)(struct pd_run *r, long v); /* PD_SYSCTL_SET; -1 on a bad value */
    long native[2];                       /* PD_SYSCTL_NOT_YET: values synack already acts on */
    const char *what;                     /* what it maps to, or why not */
};

#define NONE (-1L)

static int set_rfc1323(struct pd_run *r, long v)
{
    if (v < 0 || v > 3) return -1;
    r->cfg.opt_wscale = v == 1 || v == 2;
    r->cfg.opt_timestamps = v == 1 || v == 3;
    return 0;
}

static int set_sack(struct pd_run *r, long v)
{
    r->cfg.opt_sack = v != 0;
    return 0;
}

static int set_rto_slop(struct pd_run *r, long v)
{
    if (v < 0 || v > 60000) return -1;
    r->cfg.rto_slop = SYNACK_MSEC((synack_time_t)v);
    return 0;
}

static int set_rto_min(struct pd_run *r, long v)
{
    if (v <= 0 || v > 60000) return -1;
    r->cfg.rto_min = SYNACK_MSEC((synack_time_t)v);
    return 0;
}

static int set_drop_synfin(struct pd_run *r, long v)
{
    r->cfg.drop_synfin = v != 0;
    return 0;
}

static int set_maxsockbuf(struct pd_run *r, long v)
{
    if (v < 0 || v > (1L << 30)) return -1;
    r->cfg.max_sockbuf = (uint32_t)v;
    return 0;
}

static int set_rcvbuf(struct pd_run *r, long v)
{
    if (v <= 0 || v > (1L << 30)) return -1;
    r->cfg.rcvbuf = (uint32_t)v;
    return 0;
}

static int set_sndbuf(struct pd_run *r, long v)
{
    if (v <= 0 || v > (1L << 30)) return -1;
    r->cfg.sndbuf = (uint32_t)v;
    return 0;
}

static int set_insecure_rst(struct pd_run *r, long v)
{
    r->cfg.rfc5961_rst = v == 0;
    return 0;
}

static int set_insecure_syn(struct pd_run *r, long v)
{
    r->cfg.rfc5961_syn = v == 0;
    return 0;
}

static int set_rto_initial(struct pd_run *r, long ms)
{
    if (ms <= 0) return -1;
    r->cfg.rto_initial = SYNACK_MSEC(ms);
    return 0;
}

static int set_keepidle(struct pd_run *r, long ms)
{
    if (ms <= 0) return -1;
    r->cfg.keepidle = SYNACK_MSEC(ms);
    return 0;
}

static int set_keepintvl(struct pd_run *r, long ms)
{
    if (ms <= 0) return -1;
    r->cfg.keepintvl = SYNACK_MSEC(ms);
    return 0;
}

static int set_keepcnt(struct pd_run *r, long v)
{
    if (v <= 0) return -1;
    r->cfg.keepcnt = (unsigned)v;
    return 0;
}

static int set_delack(struct pd_run *r, long ms)
{
    if (ms < 0) return -1;
    r->cfg.delack_timeout = SYNACK_MSEC(ms);
    return 0;
}

static int set_tolerate_ts(struct pd_run *r, long v)
{
    r->cfg.ts_tolerate_missing = v != 0;
    return 0;
}

static int set_ecn(struct pd_run *r, long v)
{
    if (v < 0 || v > 2) return -1;
    r->cfg.ecn = (enum synack_ecn)v; /* the same numbering */
    return 0;
}

static int set_ecn_retries(struct pd_run *r, long v)
{
    if (v < 0) return -1;
    r->cfg.ecn_syn_retries = (unsigned)v;
    return 0;
}

static int set_drop_options(struct pd_run *r, long v)
{
    r->cfg.syn_rtx_drop_options = v != 0;
    return 0;
}

static int set_keepinit(struct pd_run *r, long ms)
{
    if (ms < 0) return -1;
    r->cfg.connect_timeout = SYNACK_MSEC((synack_time_t)ms);
    return 0;
}

#define T "net.inet.tcp."
static const struct pd_sysctl table[] = {
    {T "rfc1323",
     PD_SYSCTL_SET,
     set_rfc1323,
     {NONE, NONE},
     "cfg.opt_wscale, cfg.opt_timestamps (1 both, 2 window scale, 3 timestamps, 0 none)"},
    {T "sack.enable", PD_SYSCTL_SET, set_sack, {NONE, NONE}, "cfg.opt_sack"},
    {T "recvspace", PD_SYSCTL_SET, set_rcvbuf, {NONE, NONE}, "cfg.rcvbuf (bytes)"},
    {T "sendspace", PD_SYSCTL_SET, set_sndbuf, {NONE, NONE}, "cfg.sndbuf (bytes)"},
    {T "insecure_rst",
     PD_SYSCTL_SET,
     set_insecure_rst,
     {NONE, NONE},
     "cfg.rfc5961_rst = !value (RFC 5961 §3.2: challenge ACK for a RST in the window)"},
    {T "insecure_syn",
     PD_SYSCTL_SET,
     set_insecure_syn,
     {NONE, NONE},
     "cfg.rfc5961_syn = !value (RFC 5961 §4.2: challenge ACK for a SYN when synchronized)"},
    {T "rexmit_initial", PD_SYSCTL_SET, set_rto_initial, {NONE, NONE}, "cfg.rto_initial (ms)"},
    {T "keepidle", PD_SYSCTL_SET, set_keepidle, {NONE, NONE}, "cfg.keepidle (ms)"},
    {T "keepintvl", PD_SYSCTL_SET, set_keepintvl, {NONE, NONE}, "cfg.keepintvl (ms)"},
    {T "keepcnt", PD_SYSCTL_SET, set_keepcnt, {NONE, NONE}, "cfg.keepcnt"},
    {T "delacktime", PD_SYSCTL_SET, set_delack, {NONE, NONE}, "cfg.delack_timeout (ms)"},
    {T "tolerate_missing_ts",
     PD_SYSCTL_SET,
     set_tolerate_ts,
     {NONE, NONE},
     "cfg.ts_tolerate_missing"},
    {T "hostcache.purgenow", PD_SYSCTL_NOOP, NULL, {NONE, NONE}, "synack keeps no host cache"},
    {T "ecn.enable",
     PD_SYSCTL_SET,
     set_ecn,
     {NONE, NONE},
     "cfg.ecn (RFC 3168): 0 off, 1 ask in our SYNs and answer, 2 answer only"},
    {T "ecn.maxretries",
     PD_SYSCTL_SET,
     set_ecn_retries,
     {NONE, NONE},
     "cfg.ecn_syn_retries: SYN retransmissions that still ask for ECN"},
    {"kern.ipc.maxsockbuf",
     PD_SYSCTL_SET,
     set_maxsockbuf,
     {NONE, NONE},
     "cfg.max_sockbuf (bytes): the largest socket buffer; the window scale offered covers it"},
    {T "rexmit_slop", PD_SYSCTL_SET, set_rto_slop, {NONE, NONE}, "cfg.rto_slop (ms)"},
    {T "rexmit_min", PD_SYSCTL_SET, set_rto_min, {NONE, NONE}, "cfg.rto_min (ms)"},
    {T "rexmit_drop_options",
     PD_SYSCTL_SET,
     set_drop_options,
     {NONE, NONE},
     "cfg.syn_rtx_drop_options: the third and later SYN retransmissions carry the MSS alone"},
    {T "drop_synfin",
     PD_SYSCTL_SET,
     set_drop_synfin,
     {NONE, NONE},
     "cfg.drop_synfin (a SYN with FIN at a listener or in SYN-SENT is dropped)"},
    {T "keepinit",
     PD_SYSCTL_SET,
     set_keepinit,
     {NONE, NONE},
     "cfg.connect_timeout (ms): an open not established by then fails (TCP_KEEPINIT)"},
    {T "icmp_may_rst",
     PD_SYSCTL_NOT_YET,
     NULL,
     {1, NONE},
     "1 (an ICMP unreachable may abort a connection in SYN-SENT) is what synack does"},
    {T "syncookies", PD_SYSCTL_NOT_YET, NULL, {0, NONE}, "SYN cookies"},
    {T "syncookies_only", PD_SYSCTL_NOT_YET, NULL, {0, NONE}, "SYN cookies"},
    {T "blackhole",
     PD_SYSCTL_NOT_YET,
     NULL,
     {0, NONE},
     "drop segments to closed ports without a RST"},
    {T "udp_tunneling_port", PD_SYSCTL_NOT_YET, NULL, {0, NONE}, "TCP over UDP (RFC 6951)"},
    {T "udp_tunneling_overhead", PD_SYSCTL_NOT_YET, NULL, {NONE, NONE}, "TCP over UDP (RFC 6951)"},
};
#undef T

static const struct pd_sysctl *find(const char *key)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcmp(table[i].key, key)) return &table[i];
    return NULL;
}

static int apply_set(struct pd_run *r, const struct pd_sysctl *e, long v, const char *text)
{
    struct synack_config before = r->cfg;
    if (e->set(r, v) < 0) return pd_fail(r, "sysctl %s: bad value %s", e->key, text);
    if (r->stack && memcmp(&before, &r->cfg, sizeof before) != 0) {
        const char *why = NULL;
        if (synack_stack_set_config(r->stack, &r->cfg, &why) != 0) {
            r->cfg = before;
            return pd_fail(r, "sysctl %s=%s: %s", e->key, text, why ? why : "refused");
        }
    }
    return 0;
}

int pd_sysctl_apply(struct pd_run *r, const char *key, const char *value)
{
    const struct pd_sysctl *e = find(key);
    if (!e)
        return pd_fail(r, "sysctl %s: not in the settings table (tests/packetdrill/sysctl.c)", key);
    char *end;
    long v = strtol(value, &end, 0);
    if (end == value || *end) return pd_fail(r, "sysctl %s: bad value '%s'", key, value);
    switch (e->kind) {
    case PD_SYSCTL_SET: return apply_set(r, e, v, value);
    case PD_SYSCTL_NOOP: return 0;
    case PD_SYSCTL_NOT_YET:
        if (v != e->native[0] && v != e->native[1]) pd_note(r, "not yet: %s=%s", key, value);
        return 0;
    }
    return 0;
}

void pd_sysctl_print(FILE *out)
{
    static const char *const kinds[] = {"set", "no-op", "not yet"};
    fprintf(out, "| sysctl | kind | maps to / why |\n| --- | --- | --- |\n");
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        fprintf(out, "| %s | %s | %s |\n", table[i].key, kinds[table[i].kind], table[i].what);
}
