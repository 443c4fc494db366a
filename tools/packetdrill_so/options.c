/* libsynack_packetdrill.so — settings: defaults, packetdrill's own command line, --so_flags.
 *
 * --so_flags is a list of key=value separated by spaces or commas (a leading "--" is allowed):
 *   local_ip=A.B.C.D[/N]  the stack's address (default: packetdrill's --local_ip)
 *   mtu=N                 the device's MTU (default: packetdrill's --mtu, else 1500)
 *   clock_step_us=N       microseconds each gettimeofday moves the clock on (default 1)
 *   idle_limit_ms=N       virtual time netdev_receive waits with nothing queued and no timer
 *                         pending before it fails the script (default 10000)
 *   seed=N mss=N rcvbuf=N sndbuf=N initial_window=N delack_ms=N rto_initial_ms=N rto_min_ms=N
 *   msl_ms=N syn_retries=N sack=0|1 timestamps=0|1 wscale=0|1 nodelay=0|1
 *   rfc5961_rst=0|1 rfc5961_syn=0|1 rfc5961_ack=0|1 cc=cubic|newreno opt_layout=linux|bsd
 *                         the stack's settings (struct synack_config)
 */
#include "adapter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PD_CMDLINE_MAX 65536

static int parse_u64(const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || end == text || *end || text[0] == '-' || v > max) return -EINVAL;
    *out = v;
    return 0;
}

/* "a.b.c.d" or "a.b.c.d/n". */
static int parse_addr(const char *text, struct synack_addr *addr, unsigned *prefix_len)
{
    char buf[32];
    if (strlen(text) >= sizeof(buf)) return -EINVAL;
    strcpy(buf, text);
    char *slash = strchr(buf, '/');
    if (slash) {
        uint64_t n;
        *slash = '\0';
        if (parse_u64(slash + 1, 32, &n)) return -EINVAL;
        *prefix_len = (unsigned)n;
    }
    return synack_addr_parse(buf, addr);
}

static int netmask_len(const char *text, unsigned *prefix_len)
{
    struct synack_addr mask;
    if (synack_addr_parse(text, &mask)) return -EINVAL;
    uint32_t m = (uint32_t)mask.bytes[0] << 24 | (uint32_t)mask.bytes[1] << 16 |
                 (uint32_t)mask.bytes[2] << 8 | mask.bytes[3];
    unsigned n = 0;
    while (n < 32 && (m & (UINT32_C(1) << (31 - n))))
        n++;
    *prefix_len = n;
    return 0;
}

/* The stack settings a flag may change: each names a field of struct synack_config. */
enum pd_kind { PD_U16, PD_U32, PD_UINT, PD_U64, PD_MS, PD_BOOL };
struct pd_setting {
    const char *key;
    enum pd_kind kind;
    size_t offset;
};
#define CFG(field) offsetof(struct synack_config, field)
static const struct pd_setting settings[] = {
    {"seed", PD_U64, CFG(seed)},
    {"mss", PD_U16, CFG(mss)},
    {"rcvbuf", PD_U32, CFG(rcvbuf)},
    {"sndbuf", PD_U32, CFG(sndbuf)},
    {"initial_window", PD_UINT, CFG(initial_window)},
    {"syn_retries", PD_UINT, CFG(syn_retries)},
    {"delack_ms", PD_MS, CFG(delack_timeout)},
    {"rto_initial_ms", PD_MS, CFG(rto_initial)},
    {"rto_min_ms", PD_MS, CFG(rto_min)},
    {"msl_ms", PD_MS, CFG(msl)},
    {"sack", PD_BOOL, CFG(opt_sack)},
    {"timestamps", PD_BOOL, CFG(opt_timestamps)},
    {"wscale", PD_BOOL, CFG(opt_wscale)},
    {"rfc5961_rst", PD_BOOL, CFG(rfc5961_rst)},
    {"rfc5961_syn", PD_BOOL, CFG(rfc5961_syn)},
    {"rfc5961_ack", PD_BOOL, CFG(rfc5961_ack)},
    {"nodelay", PD_BOOL, CFG(nodelay)},
};

static int set_config(struct synack_config *cfg, const struct pd_setting *s, const char *value)
{
    static const uint64_t max[] = {
        [PD_U16] = UINT16_MAX, [PD_U32] = UINT32_MAX,       [PD_UINT] = UINT32_MAX,
        [PD_U64] = UINT64_MAX, [PD_MS] = UINT64_MAX / 1000, [PD_BOOL] = 1};
    uint64_t v;
    if (parse_u64(value, max[s->kind], &v)) return -EINVAL;
    char *field = (char *)cfg + s->offset;
    switch (s->kind) {
    case PD_U16: *(uint16_t *)(void *)field = (uint16_t)v; break;
    case PD_U32: *(uint32_t *)(void *)field = (uint32_t)v; break;
    case PD_UINT: *(unsigned *)(void *)field = (unsigned)v; break;
    case PD_U64: *(uint64_t *)(void *)field = v; break;
    case PD_MS: *(synack_time_t *)(void *)field = SYNACK_MSEC(v); break;
    case PD_BOOL: *(bool *)(void *)field = v != 0; break;
    }
    return 0;
}

static int set_own(struct pd_options *opt, const char *key, const char *value)
{
    uint64_t v;
    if (!strcmp(key, "local_ip")) return parse_addr(value, &opt->local, &opt->prefix_len);
    if (!strcmp(key, "cc")) {
        if (!strcmp(value, "cubic"))
            opt->cfg.cc = SYNACK_CC_CUBIC;
        else if (!strcmp(value, "newreno"))
            opt->cfg.cc = SYNACK_CC_NEWRENO;
        else
            return -EINVAL;
        return 0;
    }
    if (!strcmp(key, "opt_layout")) {
        if (!strcmp(value, "linux"))
            opt->cfg.opt_layout = SYNACK_OPTS_LINUX;
        else if (!strcmp(value, "bsd"))
            opt->cfg.opt_layout = SYNACK_OPTS_BSD;
        else
            return -EINVAL;
        return 0;
    }
    if (!strcmp(key, "mtu")) {
        if (parse_u64(value, UINT16_MAX, &v) || v < 68) return -EINVAL;
        opt->mtu = (uint16_t)v;
        return 0;
    }
    if (!strcmp(key, "clock_step_us")) {
        if (parse_u64(value, SYNACK_SEC(1), &v)) return -EINVAL;
        opt->step = SYNACK_USEC(v);
        return 0;
    }
    if (!strcmp(key, "idle_limit_ms")) {
        if (parse_u64(value, UINT64_MAX / 1000, &v)) return -EINVAL;
        opt->idle_limit = SYNACK_MSEC(v);
        return 0;
    }
    return -ENOENT;
}

static int set_flag(struct pd_options *opt, const char *key, const char *value)
{
    int r = set_own(opt, key, value);
    if (r != -ENOENT) return r;
    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
        if (!strcmp(key, settings[i].key)) return set_config(&opt->cfg, &settings[i], value);
    return -ENOENT;
}

static int parse_flags(struct pd_options *opt, const char *flags)
{
    char *copy = strdup(flags);
    if (!copy) return -ENOMEM;
    int err = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, " ,\t", &save); tok && !err;
         tok = strtok_r(NULL, " ,\t", &save)) {
        const char *key = tok[0] == '-' && tok[1] == '-' ? tok + 2 : tok;
        char *eq = strchr(tok, '=');
        if (!eq) {
            fprintf(stderr, "libsynack_packetdrill: --so_flags: '%s' is not key=value\n", tok);
            err = -EINVAL;
            break;
        }
        *eq = '\0';
        err = set_flag(opt, key, eq + 1);
        if (err == -ENOENT)
            fprintf(stderr, "libsynack_packetdrill: --so_flags: unknown key '%s'\n", key);
        else if (err)
            fprintf(stderr, "libsynack_packetdrill: --so_flags: bad value '%s' for %s\n", eq + 1,
                    key);
    }
    free(copy);
    return err;
}

/* The value of packetdrill's option --name, as "--name=V" or "--name V", or NULL. */
static const char *cmdline_value(const char *args, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (const char *a = args; a < args + len; a += strlen(a) + 1) {
        if (strncmp(a, "--", 2) || strncmp(a + 2, name, n)) continue;
        if (a[2 + n] == '=') return a + 3 + n;
        if (a[2 + n] == '\0' && a + strlen(a) + 1 < args + len) return a + strlen(a) + 1;
    }
    return NULL;
}

/* packetdrill's --local_ip, --netmask_ip and --mtu, when it was started with them. */
static void read_cmdline(struct pd_options *opt)
{
    FILE *f = fopen("/proc/self/cmdline", "rb");
    if (!f) return;
    char *args = malloc(PD_CMDLINE_MAX + 1);
    size_t len = args ? fread(args, 1, PD_CMDLINE_MAX, f) : 0;
    fclose(f);
    if (!args) return;
    args[len] = '\0';
    const char *v;
    if ((v = cmdline_value(args, len, "local_ip")) && parse_addr(v, &opt->local, &opt->prefix_len))
        fprintf(stderr, "libsynack_packetdrill: cannot use --local_ip=%s (IPv4 only)\n", v);
    if ((v = cmdline_value(args, len, "netmask_ip"))) netmask_len(v, &opt->prefix_len);
    uint64_t mtu;
    if ((v = cmdline_value(args, len, "mtu")) && !parse_u64(v, UINT16_MAX, &mtu) && mtu >= 68)
        opt->mtu = (uint16_t)mtu;
    free(args);
}

int pd_options_parse(struct pd_options *opt, const char *flags)
{
    memset(opt, 0, sizeof(*opt));
    synack_config_init(&opt->cfg);
    opt->prefix_len = 16; /* packetdrill's default --netmask_ip=255.255.0.0 */
    opt->mtu = 1500;
    opt->step = SYNACK_USEC(1);
    opt->idle_step = SYNACK_MSEC(1);
    opt->idle_limit = SYNACK_SEC(10);
    read_cmdline(opt);
    int err = flags ? parse_flags(opt, flags) : 0;
    if (err) return err == -ENOENT ? -EINVAL : err;
    const char *why = NULL;
    if (synack_config_check(&opt->cfg, &why)) {
        fprintf(stderr, "libsynack_packetdrill: --so_flags: %s\n", why ? why : "bad setting");
        return -EINVAL;
    }
    return 0;
}
