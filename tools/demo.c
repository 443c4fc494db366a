/* synack CLI — `synack demo`: options, help, the list of scenarios, and the run. */
#include "demo.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "events_json.h"
#include "ladder.h"
#include "parse.h"
#include "run.h"
#include "transfer.h"
#include "wrap.h"

enum demo_format { FORMAT_TEXT, FORMAT_JSON };

struct demo_opts {
    const char *scenario;
    enum demo_format format;
    bool list, help;
    struct transfer_opts xfer;
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "synack demo: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'synack demo --help'.\n");
    return 2;
}

static void list_scenarios(FILE *f, const char *indent)
{
    size_t n;
    const struct scenario *sc = scenario_all(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%-20s %s\n", indent, sc[i].name, sc[i].summary);
}

void demo_usage(FILE *f)
{
    fputs("usage: synack demo [--scenario NAME] [--format text|json] [--list] [--help]\n"
          "       synack demo --scenario transfer [--bytes N] [--loss P] [--reorder P] "
          "[--seed S]\n\n",
          f);
    wrap_print(f, "",
               "Runs a TCP client and a TCP server - two synack stacks in this process, 10.0.0.1 "
               "and 10.0.0.2, joined by a simulated link with 10 ms of delay each way - and "
               "draws what they do as a ladder diagram: each segment an arrow between the Client "
               "and Server columns with its flags (SYN, SYN,ACK, ACK, FIN, RST), its relative seq "
               "and ack and its data length; beside each side the calls its application makes "
               "and the TCP states it enters (RFC 9293 Figure 5). A summary of each phase "
               "follows. The clock is virtual and the seed fixed, so every run prints the same.",
               96);
    fputs("\noptions:\n"
          "  -s, --scenario NAME   the scenario to run (default: handshake); see below\n"
          "  -f, --format FORMAT   text: the ladder diagram (default)\n"
          "                        json: one JSON object per line for each event and call\n"
          "  -l, --list            list the scenarios and exit\n"
          "  -h, --help            show this help and exit\n"
          "\nthe transfer scenario:\n"
          "  --bytes N             bytes the client sends (default 1M; K, M, G: binary units;\n"
          "                        at most 1G)\n"
          "  --loss P              percent of packets lost, each way (default 0; at most 50)\n"
          "  --reorder P           percent of packets held back 20 ms, each way (default 0;\n"
          "                        at most 50)\n"
          "  --seed S              the seed of the link's faults and of the data (default 1)\n"
          "\nscenarios:\n",
          f);
    list_scenarios(f, "  ");
    fputs("\nreading the diagram:\n"
          "  seq and ack are relative: each side's initial sequence number (ISN) counts as 0,\n"
          "  as Wireshark shows them; len is the number of data bytes. An arrow that ends in X\n"
          "  was lost on the link; \"retransmission\" marks a segment sent again after its\n"
          "  retransmission timeout. Times are milliseconds on the virtual clock.\n"
          "\njson lines:\n"
          "  every object has time_us, side (client or server) and type; the first line, type\n"
          "  \"scenario\", describes the setup. By type: state: old, new, cause; segment_out and\n"
          "  segment_in: flags, seq and ack (relative; ack is null without ACK), len, win,\n"
          "  seq_raw, ack_raw, src, dst and the options (mss, wscale, sack_ok, ts_val, ts_ecr);\n"
          "  segment_out also retransmission and lost (and rst_reason for a RST); rst_sent:\n"
          "  reason and the segment; error: error (negative errno), errno, message; drop:\n"
          "  reason; retransmit: seq; call: call, result (errno and message when negative),\n"
          "  data; readable, writable, acceptable: nothing more.\n"
          "\nexit status: 0 when the scenario ran, 1 when it could not run, 2 for a wrong option\n"
          "or scenario name.\n",
          f);
}

/* The value of an option given as "--opt VALUE", "--opt=VALUE" or "-o VALUE"; NULL if absent. */
static const char *option_value(int argc, char **argv, int *i, const char *lng, const char *shrt)
{
    size_t n = strlen(lng);
    if (strncmp(argv[*i], lng, n) == 0 && argv[*i][n] == '=') return argv[*i] + n + 1;
    if (strcmp(argv[*i], lng) != 0 && strcmp(argv[*i], shrt) != 0) return NULL;
    if (*i + 1 >= argc) return "";
    return argv[++*i];
}

static int parse_format(const char *v, struct demo_opts *o)
{
    if (strcmp(v, "text") == 0)
        o->format = FORMAT_TEXT;
    else if (strcmp(v, "json") == 0)
        o->format = FORMAT_JSON;
    else
        return usage_error("unknown format '%s' (text or json)", v);
    return 0;
}

/* N, NK, NM or NG (binary units), 1 to TRANSFER_MAX_BYTES. */
static int parse_bytes(const char *v, struct transfer_opts *o)
{
    if (!parse_size(v, TRANSFER_MAX_BYTES, &o->bytes))
        return usage_error("--bytes wants a size from 1 to 1G, not '%s'", v);
    o->bytes_set = true;
    return 0;
}

/* A percentage P or P%, 0 to 50. */
static int parse_percent(const char *v, const char *opt, double *out)
{
    char *end;
    double p = strtod(v, &end);
    if (end != v && *end == '%') end++;
    if (end == v || *end || !(p >= 0 && p <= TRANSFER_MAX_LOSS * 100)) {
        fprintf(stderr, "synack demo: %s wants a percentage from 0 to 50, not '%s'\n", opt, v);
        fprintf(stderr, "Try 'synack demo --help'.\n");
        return 2;
    }
    *out = p / 100;
    return 0;
}

static int parse_seed(const char *v, struct transfer_opts *o)
{
    char *end;
    errno = 0;
    unsigned long long s = strtoull(v, &end, 0);
    if (errno || end == v || *end || v[0] == '-')
        return usage_error("--seed wants a non-negative integer, not '%s'", v);
    o->seed = s;
    o->seed_set = true;
    return 0;
}

/* The transfer scenario's options; 1 when argv[*i] is none of them, else 0 or 2. */
static int parse_transfer(int argc, char **argv, int *i, struct transfer_opts *x)
{
    const char *a = argv[*i], *v;
    if ((v = option_value(argc, argv, i, "--bytes", "--bytes")))
        return *v ? parse_bytes(v, x) : usage_error("%s needs a size", a);
    if ((v = option_value(argc, argv, i, "--loss", "--loss"))) {
        x->loss_set = true;
        return *v ? parse_percent(v, "--loss", &x->loss) : usage_error("%s needs a percentage", a);
    }
    if ((v = option_value(argc, argv, i, "--reorder", "--reorder"))) {
        x->reorder_set = true;
        return *v ? parse_percent(v, "--reorder", &x->reorder)
                  : usage_error("%s needs a percentage", a);
    }
    if ((v = option_value(argc, argv, i, "--seed", "--seed")))
        return *v ? parse_seed(v, x) : usage_error("%s needs a number", a);
    return 1;
}

static int parse(int argc, char **argv, struct demo_opts *o)
{
    int rc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = true;
        } else if (strcmp(a, "-l") == 0 || strcmp(a, "--list") == 0) {
            o->list = true;
        } else if ((v = option_value(argc, argv, &i, "--scenario", "-s"))) {
            if (!*v) return usage_error("%s needs a scenario name", a);
            o->scenario = v;
        } else if ((v = option_value(argc, argv, &i, "--format", "-f"))) {
            if (!*v) return usage_error("%s needs a format (text or json)", a);
            if (parse_format(v, o)) return 2;
        } else if (a[0] == '-' && (rc = parse_transfer(argc, argv, &i, &o->xfer)) != 1) {
            if (rc) return rc;
        } else if (a[0] == '-') {
            return usage_error("unknown option '%s'", a);
        } else {
            return usage_error("unexpected argument '%s' (use --scenario NAME)", a);
        }
    }
    return 0;
}

static int unknown_scenario(const char *name)
{
    fprintf(stderr, "synack demo: no scenario named '%s'. The scenarios are:\n", name);
    list_scenarios(stderr, "  ");
    return 2;
}

static int run(const struct scenario *sc, enum demo_format format)
{
    struct demo_setup setup;
    struct trace t;
    demo_setup_init(&setup);
    trace_init(&t);
    int err = demo_run(sc, &setup, &t);
    if (err) {
        fprintf(stderr, "synack demo: the scenario could not run: %s\n", synack_strerror(err));
        trace_free(&t);
        return 1;
    }
    if (format == FORMAT_JSON)
        events_json_print(stdout, sc, &setup, &t);
    else
        ladder_print(stdout, sc, &setup, &t);
    trace_free(&t);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("synack demo: stdout");
        return 1;
    }
    return 0;
}

int demo_main(int argc, char **argv)
{
    struct demo_opts o = {.scenario = "handshake", .format = FORMAT_TEXT};
    transfer_opts_init(&o.xfer);
    int rc = parse(argc, argv, &o);
    if (rc) return rc;
    if (o.help) {
        demo_usage(stdout);
        return 0;
    }
    if (o.list) {
        list_scenarios(stdout, "");
        return 0;
    }
    const struct scenario *sc = scenario_find(o.scenario);
    if (!sc) return unknown_scenario(o.scenario);
    bool xfer = strcmp(sc->name, "transfer") == 0;
    const struct transfer_opts *x = &o.xfer;
    if (!xfer && (x->bytes_set || x->loss_set || x->reorder_set || x->seed_set))
        return usage_error("--bytes, --loss, --reorder and --seed go with --scenario transfer, "
                           "not '%s'",
                           sc->name);
    if (xfer) return transfer_demo(sc, x, o.format == FORMAT_JSON, stdout);
    return run(sc, o.format);
}
