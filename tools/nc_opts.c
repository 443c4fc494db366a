/* synack CLI — `synack listen` and `synack connect`: options, help, usage errors. */
#include "nc_opts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "wrap.h"

static const char *mode_name(enum nc_mode m)
{
    return m == NC_LISTEN ? "listen" : "connect";
}

/* The message names the culprit; exit status 2. */
static int usage_error(const struct nc_opts *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "synack %s: ", mode_name(o->mode));
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'synack %s --help'.\n", mode_name(o->mode));
    return 2;
}

void nc_usage(FILE *f, enum nc_mode mode)
{
    fprintf(f, "usage: synack listen PORT [options]\n"
               "       synack connect HOST PORT [options]\n\n");
    wrap_print(f, "",
               "Like netcat, over the synack stack on a TUN device. Standard input goes to the "
               "connection and what arrives goes to standard output; at the end of the input the "
               "sending side is shut down (a FIN: half-close) and the program reads on until the "
               "peer's FIN, then exits. listen serves one connection on PORT and exits (with "
               "--keep-open, it serves connections until interrupted); connect opens one to "
               "HOST:PORT. The kernel reaches the stack through the TUN device: synack0 is "
               "created if missing, its kernel side gets 10.7.0.1/24 and the stack answers at "
               "10.7.0.2, so that 'socat - TCP:10.7.0.2:PORT' talks to 'synack listen PORT'. "
               "Needs CAP_NET_ADMIN (root) and /dev/net/tun.",
               96);
    fputs("\nconnections:\n"
          "  -k, --keep-open        listen: serve connections, many at once, until SIGINT or\n"
          "                         SIGTERM; what arrives on any goes to standard output, and\n"
          "                         standard input goes to every connection open\n"
          "  --echo                 send back what arrives, instead of using standard input\n"
          "                         and output\n"
          "  --backlog N            listen: connections waiting to be accepted (default 128)\n"
          "  --source-port N        connect: our port (default: an ephemeral one)\n"
          "  --urgent TEXT          send TEXT as urgent data (RFC 9293 section 3.8.5, like\n"
          "                         MSG_OOB) first on each connection, before standard input:\n"
          "                         the urgent pointer follows its last octet, which a BSD-style\n"
          "                         receiver (Linux by default) takes out of the stream. Urgent\n"
          "                         data that arrives stays in line on standard output, and\n"
          "                         standard error says \"urgent data: N octets unread, up to\n"
          "                         octet M of the stream\"\n"
          "\nthe device:\n"
          "  --tun NAME             the TUN device (default synack0); created if missing, and\n"
          "                         then removed at the end\n"
          "  --addr A.B.C.D         the stack's address (default 10.7.0.2)\n"
          "  --host-addr A.B.C.D/N  the kernel side's address and prefix (default 10.7.0.1/24)\n"
          "  --mtu N                the device's MTU (default 1500)\n"
          "  --no-config            leave the device's address, MTU and state to the user\n"
          "  --tap                  a TAP device (Ethernet frames, ARP) instead of a TUN device\n"
          "  --pcap FILE            write every packet in and out to FILE (pcap, raw IPv4;\n"
          "                         tcpdump -r FILE, Wireshark)\n"
          "  --trace                draw each connection on standard error as it happens, as a\n"
          "                         ladder diagram like synack demo's\n"
          "  --stats                print the stack's and the device's counters at the end\n"
          "                         (with ECN: connections that used it, CE marks received,\n"
          "                         window cuts for an ECN-Echo; urgent data received)\n"
          "\nTCP:\n"
          "  --mss N                the MSS we announce (default: the MTU less 40)\n"
          "  --msl DURATION         maximum segment lifetime; TIME-WAIT lasts twice it\n"
          "                         (default 30s)\n"
          "  --sndbuf SIZE          send buffer of each connection (default 64K)\n"
          "  --rcvbuf SIZE          receive buffer of each connection (default 64K)\n"
          "  --cc NAME              congestion control: cubic (default) or newreno\n"
          "  --nodelay              turn Nagle's algorithm off\n"
          "  --ecn on|off|passive   ECN (RFC 3168): on asks for it in our SYN and agrees when\n"
          "                         the peer's SYN asks; passive (default) only agrees; off\n"
          "                         neither. --stats tells whether it was used\n"
          "  --no-sack, --no-timestamps, --no-wscale\n"
          "                         do not offer SACK, timestamps, window scaling\n"
          "  --syn-retries N        SYNs sent again before \"connection timed out\" (default 7,\n"
          "                         over 3 minutes)\n"
          "  --delack DURATION      the delayed-ACK timer (default 40ms; 0: ACK at once)\n"
          "  --keepalive            send keepalive probes (two hours idle, by default)\n"
          "  --user-timeout DURATION\n"
          "                         give up when data stays unacknowledged this long\n"
          "  --seed N               the secret of ISNs and ephemeral ports (default: random)\n"
          "  -h, --help             show this help and exit\n"
          "\nDURATION is a number with us, ms or s (a bare number is seconds); SIZE is bytes, or\n"
          "a number with K, M or G (binary units).\n"
          "\nexit status: 0 when every connection ended with both FINs; 1 when a connection was\n"
          "refused, timed out or reset, or the device could not be opened; 2 for a wrong\n"
          "option; 128+N after signal N (SIGINT, SIGTERM, SIGHUP) - except with --keep-open,\n"
          "where an interrupt is the normal end (0). Connections still open at a signal are\n"
          "reset.\n",
          f);
    (void)mode;
}

/* The value of "--opt VALUE" or "--opt=VALUE"; NULL when argv[*i] is not this option, "" when
 * the value is missing. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') return argv[*i] + n + 1;
    if (strcmp(argv[*i], name) != 0) return NULL;
    if (*i + 1 >= argc) return "";
    return argv[++*i];
}

static bool parse_uint(const char *v, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || v[0] == '+' || n > max) return false;
    *out = n;
    return true;
}

/* A number with us, ms or s; a bare number is seconds. */
static bool parse_duration(const char *v, synack_time_t *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || v[0] == '-' || !(d >= 0)) return false;
    double unit = 1e6;
    if (strcmp(end, "us") == 0)
        unit = 1;
    else if (strcmp(end, "ms") == 0)
        unit = 1e3;
    else if (*end && strcmp(end, "s") != 0)
        return false;
    if (d * unit > 1e15) return false;
    *out = (synack_time_t)(d * unit + 0.5);
    return true;
}

static bool parse_size32(const char *v, uint32_t *out)
{
    uint64_t n;
    if (!parse_size(v, 1ull << 30, &n)) return false;
    *out = (uint32_t)n;
    return true;
}

/* "A.B.C.D/N" */
static bool parse_prefix(const char *v, struct synack_addr *addr, unsigned *prefix)
{
    const char *slash = strchr(v, '/');
    char a[32];
    unsigned long long n;
    if (!slash || (size_t)(slash - v) >= sizeof(a) || !parse_uint(slash + 1, 32, &n)) return false;
    memcpy(a, v, (size_t)(slash - v));
    a[slash - v] = '\0';
    *prefix = (unsigned)n;
    return synack_addr_parse(a, addr) == 0;
}

/* Options with a value: the device's and the connection's. 1 when argv[*i] is none of them. */
static int parse_value_option(int argc, char **argv, int *i, struct nc_opts *o)
{
    const char *a = argv[*i], *v;
    unsigned long long n;
    if ((v = option_value(argc, argv, i, "--tun"))) {
        if (!*v) return usage_error(o, "%s needs a device name", a);
        o->tun.name = v;
    } else if ((v = option_value(argc, argv, i, "--addr"))) {
        if (synack_addr_parse(v, &o->addr) != 0)
            return usage_error(o, "--addr wants an IPv4 address A.B.C.D, not '%s'", v);
    } else if ((v = option_value(argc, argv, i, "--host-addr"))) {
        if (!parse_prefix(v, &o->tun.host_addr, &o->tun.host_prefix) || o->tun.host_prefix == 0)
            return usage_error(o, "--host-addr wants A.B.C.D/N (N from 1 to 32), not '%s'", v);
    } else if ((v = option_value(argc, argv, i, "--mtu"))) {
        if (!parse_uint(v, 65535, &n) || n < 68)
            return usage_error(o, "--mtu wants a number from 68 to 65535, not '%s'", v);
        o->tun.mtu = (uint16_t)n;
        o->mtu_set = true;
    } else if ((v = option_value(argc, argv, i, "--pcap"))) {
        if (!*v) return usage_error(o, "%s needs a file name", a);
        o->pcap_path = v;
    } else if ((v = option_value(argc, argv, i, "--backlog"))) {
        if (!parse_uint(v, 65535, &n) || n == 0)
            return usage_error(o, "--backlog wants a number from 1 to 65535, not '%s'", v);
        o->backlog = (unsigned)n;
    } else if ((v = option_value(argc, argv, i, "--source-port"))) {
        if (!parse_uint(v, 65535, &n) || n == 0)
            return usage_error(o, "--source-port wants a port from 1 to 65535, not '%s'", v);
        o->source_port = (uint16_t)n;
    } else if ((v = option_value(argc, argv, i, "--urgent"))) {
        /* §3.8.5: "the user must also send at least one data octet". */
        if (!*v) return usage_error(o, "%s needs TEXT: at least one octet of urgent data", a);
        o->urgent = v;
        o->urgent_len = strlen(v);
    } else {
        return 1;
    }
    return 0;
}

/* RFC 3168 §6.1.1: off; on (ask in our SYNs, answer theirs); passive (answer only). */
static int parse_ecn(const char *v, struct nc_opts *o)
{
    if (strcmp(v, "on") == 0)
        o->cfg.ecn = SYNACK_ECN_ON;
    else if (strcmp(v, "off") == 0)
        o->cfg.ecn = SYNACK_ECN_OFF;
    else if (strcmp(v, "passive") == 0)
        o->cfg.ecn = SYNACK_ECN_PASSIVE;
    else
        return usage_error(o, "--ecn wants on, off or passive, not '%s'", v);
    return 0;
}

static int parse_cc(const char *v, struct nc_opts *o)
{
    if (strcmp(v, "cubic") == 0)
        o->cfg.cc = SYNACK_CC_CUBIC;
    else if (strcmp(v, "newreno") == 0)
        o->cfg.cc = SYNACK_CC_NEWRENO;
    else
        return usage_error(o, "--cc wants cubic or newreno, not '%s'", v);
    return 0;
}

/* A stack setting with a duration. 1 when argv[*i] is none of them. */
static int parse_time_option(int argc, char **argv, int *i, struct nc_opts *o)
{
    static const struct {
        const char *name;
        size_t offset;
    } opts[] = {
        {"--msl", offsetof(struct synack_config, msl)},
        {"--delack", offsetof(struct synack_config, delack_timeout)},
        {"--user-timeout", offsetof(struct synack_config, user_timeout)},
    };
    for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
        const char *v = option_value(argc, argv, i, opts[k].name);
        if (!v) continue;
        synack_time_t t;
        if (!parse_duration(v, &t))
            return usage_error(o, "%s wants a duration (30s, 500ms, 100us), not '%s'", opts[k].name,
                               v);
        /* RFC 9293 §3.8.6.3 (MUST-40): a delayed ACK comes within 0.5 s. */
        if (opts[k].offset == offsetof(struct synack_config, delack_timeout) &&
            t >= SYNACK_MSEC(500))
            return usage_error(o,
                               "--delack must be below 500ms (RFC 9293 section 3.8.6.3), "
                               "not '%s'",
                               v);
        if (opts[k].offset == offsetof(struct synack_config, msl) && t == 0)
            return usage_error(o, "--msl must be more than 0, not '%s'", v);
        memcpy((char *)&o->cfg + opts[k].offset, &t, sizeof(t));
        return 0;
    }
    return 1;
}

/* The other stack settings. 1 when argv[*i] is none of them. */
static int parse_stack_option(int argc, char **argv, int *i, struct nc_opts *o)
{
    const char *a = argv[*i], *v;
    unsigned long long n;
    int rc = parse_time_option(argc, argv, i, o);
    if (rc != 1) return rc;
    if ((v = option_value(argc, argv, i, "--mss"))) {
        if (!parse_uint(v, 65495, &n) || n < 64)
            return usage_error(o, "--mss wants a number from 64 to 65495, not '%s'", v);
        o->cfg.mss = (uint16_t)n;
    } else if ((v = option_value(argc, argv, i, "--sndbuf"))) {
        if (!parse_size32(v, &o->cfg.sndbuf))
            return usage_error(o, "--sndbuf wants a size from 1 to 1G, not '%s'", v);
    } else if ((v = option_value(argc, argv, i, "--rcvbuf"))) {
        if (!parse_size32(v, &o->cfg.rcvbuf))
            return usage_error(o, "--rcvbuf wants a size from 1 to 1G, not '%s'", v);
    } else if ((v = option_value(argc, argv, i, "--cc"))) {
        return parse_cc(v, o);
    } else if ((v = option_value(argc, argv, i, "--ecn"))) {
        return parse_ecn(v, o);
    } else if ((v = option_value(argc, argv, i, "--syn-retries"))) {
        if (!parse_uint(v, 30, &n))
            return usage_error(o, "--syn-retries wants a number from 0 to 30, not '%s'", v);
        o->cfg.syn_retries = (unsigned)n;
    } else if ((v = option_value(argc, argv, i, "--seed"))) {
        if (!parse_uint(v, UINT64_MAX, &n))
            return usage_error(o, "--seed wants a non-negative integer, not '%s'", v);
        o->cfg.seed = n;
        o->seed_set = true;
    } else if (strcmp(a, "--nodelay") == 0) {
        o->cfg.nodelay = true;
    } else if (strcmp(a, "--no-sack") == 0) {
        o->cfg.opt_sack = false;
    } else if (strcmp(a, "--no-timestamps") == 0) {
        o->cfg.opt_timestamps = false;
    } else if (strcmp(a, "--no-wscale") == 0) {
        o->cfg.opt_wscale = false;
    } else if (strcmp(a, "--keepalive") == 0) {
        o->cfg.keepalive = true;
    } else {
        return 1;
    }
    return 0;
}

/* Options without a value. 1 when argv[*i] is none of them. */
static int parse_flag(const char *a, struct nc_opts *o)
{
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
        o->help = true;
    else if (strcmp(a, "-k") == 0 || strcmp(a, "--keep-open") == 0)
        o->keep_open = true;
    else if (strcmp(a, "--echo") == 0)
        o->echo = true;
    else if (strcmp(a, "--no-config") == 0)
        o->tun.configure = false;
    else if (strcmp(a, "--tap") == 0)
        o->tun.tap = true;
    else if (strcmp(a, "--trace") == 0)
        o->trace = true;
    else if (strcmp(a, "--stats") == 0)
        o->stats = true;
    else
        return 1;
    return 0;
}

static int parse_positional(struct nc_opts *o, const char *a, int *npos)
{
    unsigned long long n;
    bool want_host = o->mode == NC_CONNECT && *npos == 0;
    if (*npos >= (o->mode == NC_CONNECT ? 2 : 1))
        return usage_error(o, "unexpected argument '%s'", a);
    (*npos)++;
    if (want_host) {
        if (synack_addr_parse(a, &o->host) != 0)
            return usage_error(o, "HOST must be an IPv4 address A.B.C.D, not '%s'", a);
        return 0;
    }
    if (!parse_uint(a, 65535, &n) || n == 0)
        return usage_error(o, "PORT must be a number from 1 to 65535, not '%s'", a);
    o->port = (uint16_t)n;
    return 0;
}

static void defaults(struct nc_opts *o, enum nc_mode mode)
{
    memset(o, 0, sizeof(*o));
    o->mode = mode;
    synack_tun_config_init(&o->tun);
    o->addr = synack_addr_v4(10, 7, 0, 2);
    o->backlog = 128;
    synack_config_init(&o->cfg);
}

/* What only makes sense together, once everything is read. */
static int check(struct nc_opts *o, int npos)
{
    const char *why;
    if (npos < (o->mode == NC_CONNECT ? 2 : 1))
        return usage_error(o, "%s",
                           o->mode == NC_CONNECT ? "HOST and PORT are missing" : "PORT is missing");
    if (o->keep_open && o->mode == NC_CONNECT)
        return usage_error(o, "%s", "--keep-open goes with listen");
    if (!o->tun.configure && !o->mtu_set) o->tun.mtu = 0; /* the device's own */
    if (o->cfg.mss && o->tun.mtu && o->cfg.mss + 40 > o->tun.mtu)
        return usage_error(o, "%s", "--mss is larger than the --mtu allows (MTU less 40)");
    if (o->urgent && o->urgent_len > o->cfg.sndbuf)
        return usage_error(o, "--urgent TEXT (%zu octets) does not fit in the send buffer (%u)",
                           o->urgent_len, (unsigned)o->cfg.sndbuf);
    if (synack_config_check(&o->cfg, &why) != 0)
        return usage_error(o, "the TCP settings do not go together: %s", why);
    return 0;
}

int nc_parse(int argc, char **argv, struct nc_opts *o)
{
    defaults(o, strcmp(argv[0], "connect") == 0 ? NC_CONNECT : NC_LISTEN);
    int npos = 0, rc;
    bool options_end = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_end || a[0] != '-' || strcmp(a, "-") == 0) {
            if ((rc = parse_positional(o, a, &npos))) return rc;
        } else if (strcmp(a, "--") == 0) {
            options_end = true;
        } else if ((rc = parse_flag(a, o)) != 1 ||
                   (rc = parse_value_option(argc, argv, &i, o)) != 1 ||
                   (rc = parse_stack_option(argc, argv, &i, o)) != 1) {
            if (rc) return rc;
        } else {
            return usage_error(o, "unknown option '%s'", a);
        }
    }
    if (o->help) return 0;
    return check(o, npos);
}
