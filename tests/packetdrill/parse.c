/* packetdrill runner — a whole script: header options, then one event per logical line. */
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PD_MAX_SCRIPT_BYTES (4u << 20)

static void options_init(struct pd_options *o)
{
    memset(o, 0, sizeof(*o));
    o->ip_version = 4;
    o->tolerance_usecs = 4000; /* packetdrill's default */
    o->bind_port = 8080;
    o->connect_port = 8080;
}

static int int_value(const char *v, int64_t max, int64_t *out)
{
    struct pd_cursor c = {v};
    return pd_int(&c, out) && pd_at_end(&c) && *out >= 0 && *out <= max ? 0 : -1;
}

/* Options that change nothing for a runner on a virtual clock. */
static bool is_harmless(const char *name)
{
    static const char *const names[] = {
        "verbose",           "debug",           "dry_run", "speed",      "init_scripts",
        "tolerance_percent", "strict_segments", "define",  "gateway_ip", "netmask_ip",
        "tcp_ts_ecr_scaled"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i], name)) return true;
    return false;
}

static int numeric_option(const char *name, const char *value, struct pd_options *o, int line,
                          struct pd_error *err)
{
    int64_t v;
    if (int_value(value, 10000000000, &v) < 0)
        return pd_error_set(err, line, "bad value for --%s: %s", name, value);
    if (!strcmp(name, "tolerance_usecs"))
        o->tolerance_usecs = v;
    else if (!strcmp(name, "mss") && v <= 65535)
        o->mss = (int)v;
    else if (!strcmp(name, "mtu") && v >= 68 && v <= 65535)
        o->mtu = (int)v;
    else if (!strcmp(name, "bind_port") && v && v <= 65535)
        o->bind_port = (int)v;
    else if (!strcmp(name, "connect_port") && v && v <= 65535)
        o->connect_port = (int)v;
    else if (!strcmp(name, "tcp_ts_tick_usecs"))
        o->ts_tick_usecs = v;
    else
        return pd_error_set(err, line, "bad value for --%s: %s", name, value);
    return 0;
}

int pd_parse_header_option(const char *text, struct pd_options *o, struct pd_arena *a, int line,
                           struct pd_error *err)
{
    char name[64];
    const char *eq = strchr(text, '=');
    size_t n = eq ? (size_t)(eq - text - 2) : strlen(text) - 2;
    if (n == 0 || n >= sizeof name) return pd_error_set(err, line, "bad option line: %s", text);
    memcpy(name, text + 2, n);
    name[n] = '\0';
    const char *value = eq ? eq + 1 : "";
    if (!strcmp(name, "ip_version")) {
        if (strcmp(value, "ipv4") && strcmp(value, "ipv6") && strcmp(value, "ipv4-mapped-ipv6"))
            return pd_error_set(err, line, "bad --ip_version: %s", value);
        o->ip_version = strcmp(value, "ipv4") ? 6 : 4;
    } else if (!strcmp(name, "non_fatal")) {
        o->non_fatal_syscall = strstr(value, "syscall") != NULL;
        o->non_fatal_packet = strstr(value, "packet") != NULL;
    } else if (!strcmp(name, "tcp_md5_secret")) {
        o->md5 = true;
    } else if (!strcmp(name, "udp_encapsulation")) {
        o->udp_encap = true;
    } else if (!strcmp(name, "local_ip") || !strcmp(name, "remote_ip")) {
        const char *ip = pd_arena_strndup(a, value, strlen(value));
        *(!strcmp(name, "local_ip") ? &o->local_ip : &o->remote_ip) = ip;
    } else if (!is_harmless(name)) {
        return numeric_option(name, value, o, line, err);
    }
    return 0;
}

/* Backquoted command, %{ code }%, packet or system call, after the time. */
static int event_body(struct pd_script *s, struct pd_cursor *c, struct pd_event *ev,
                      struct pd_error *err)
{
    char ch = pd_peek(c);
    if (ch == '`') {
        const char *e = strrchr(c->p, '`');
        if (e == c->p || e[1] != '\0') return pd_error_set(err, ev->line, "bad backquoted command");
        ev->kind = PD_EV_COMMAND;
        ev->command = pd_arena_strndup(&s->arena, c->p + 1, (size_t)(e - c->p - 1));
        return 0;
    }
    if (ch == '%' && c->p[1] == '{') {
        size_t n = strlen(c->p);
        if (n < 4 || strcmp(c->p + n - 2, "}%") != 0)
            return pd_error_set(err, ev->line, "text after }%%");
        ev->kind = PD_EV_CODE;
        ev->code = pd_arena_strndup(&s->arena, c->p + 2, n - 4);
        return 0;
    }
    if (ch == '<' || ch == '>') {
        ev->kind = PD_EV_PACKET;
        ev->packet = pd_arena_alloc(&s->arena, sizeof(*ev->packet));
        return ev->packet ? pd_parse_packet(c, ev->packet, ev->line, err) : -1;
    }
    ev->kind = PD_EV_SYSCALL;
    ev->syscall = pd_arena_alloc(&s->arena, sizeof(*ev->syscall));
    if (!ev->syscall) return pd_error_set(err, ev->line, "out of memory");
    return pd_parse_syscall(&s->arena, c, ev->syscall, ev->line, err);
}

static int event_line(struct pd_script *s, const struct pd_line *l, struct pd_event *ev,
                      struct pd_error *err)
{
    struct pd_cursor c = {l->text};
    int64_t end = -1;
    ev->line = l->line;
    if (c.p[0] == '`') {
        ev->time.kind = PD_TIME_REL; /* a command without a time runs right after the last event */
    } else if (pd_parse_time(&c, &ev->time, &end, l->line, err) < 0) {
        return -1;
    }
    if (event_body(s, &c, ev, err) < 0) return -1;
    if (end >= 0) {
        if (ev->kind != PD_EV_SYSCALL)
            return pd_error_set(err, l->line, "'...' end time on something not a system call");
        ev->syscall->end_usecs = end;
    }
    return 0;
}

static int parse_lines(struct pd_script *s, const struct pd_line *lines, size_t n,
                       struct pd_error *err)
{
    struct pd_event **tail = &s->events;
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(lines[i].text, "--", 2)) {
            if (s->nevents)
                return pd_error_set(err, lines[i].line, "option line after the first event");
            if (pd_parse_header_option(lines[i].text, &s->opts, &s->arena, lines[i].line, err))
                return -1;
            continue;
        }
        struct pd_event *ev = pd_arena_alloc(&s->arena, sizeof(*ev));
        if (!ev) return pd_error_set(err, lines[i].line, "out of memory");
        if (event_line(s, &lines[i], ev, err) < 0) return -1;
        *tail = ev;
        tail = &ev->next;
        s->nevents++;
    }
    return 0;
}

int pd_script_parse(const char *buf, size_t len, struct pd_script *s, struct pd_error *err)
{
    memset(s, 0, sizeof(*s));
    options_init(&s->opts);
    struct pd_line *lines;
    size_t n;
    if (pd_lines_split(&s->arena, buf, len, &lines, &n, err) < 0) return -1;
    return parse_lines(s, lines, n, err);
}

int pd_script_load(const char *path, struct pd_script *s, struct pd_error *err)
{
    memset(s, 0, sizeof(*s));
    FILE *f = fopen(path, "rb");
    if (!f) return pd_error_set(err, 0, "cannot open: %s", strerror(errno));
    char *buf = malloc(PD_MAX_SCRIPT_BYTES);
    size_t len = buf ? fread(buf, 1, PD_MAX_SCRIPT_BYTES, f) : 0;
    bool too_big = buf && len == PD_MAX_SCRIPT_BYTES;
    fclose(f);
    int r;
    if (!buf)
        r = pd_error_set(err, 0, "out of memory");
    else if (too_big)
        r = pd_error_set(err, 0, "script larger than %u bytes", PD_MAX_SCRIPT_BYTES);
    else
        r = pd_script_parse(buf, len, s, err);
    free(buf);
    return r;
}

void pd_script_free(struct pd_script *s)
{
    pd_arena_free(&s->arena);
    memset(s, 0, sizeof(*s));
}
