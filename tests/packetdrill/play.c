/* packetdrill runner — playing the events in order: when each is due, what happens before it
 * (timers, packets nobody expected), and the checks that apply to the whole script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define PD_BASE_TIME SYNACK_SEC(1)    /* live time of script time 0 */
#define PD_ANY_WAIT  SYNACK_SEC(3600) /* how long "*" waits for an outbound packet */

static bool is_inbound(const struct pd_event *ev)
{
    return ev->kind == PD_EV_PACKET && ev->packet->inbound;
}

/* When the event is due, in script time: [*start, *end]. Relative times count from the clock,
 * except that consecutive inbound packets count from each other's due time (packetdrill). */
static void due(const struct pd_run *r, const struct pd_event *ev, int64_t *start, int64_t *end)
{
    int64_t anchor = pd_script_now(r);
    if (r->last_inbound && is_inbound(ev)) anchor = r->last_start;
    switch (ev->time.kind) {
    case PD_TIME_ABS: *start = *end = ev->time.usecs; return;
    case PD_TIME_ABS_RANGE:
        *start = ev->time.usecs;
        *end = ev->time.end_usecs;
        return;
    case PD_TIME_REL: *start = *end = anchor + ev->time.usecs; return;
    case PD_TIME_REL_RANGE:
        *start = anchor + ev->time.usecs;
        *end = anchor + ev->time.end_usecs;
        return;
    case PD_TIME_ANY: *start = *end = anchor; return;
    }
}

static synack_time_t live(const struct pd_run *r, int64_t script_usecs)
{
    return script_usecs <= -(int64_t)r->base ? 0 : r->base + (synack_time_t)script_usecs;
}

/* An event we perform (inbound packet, call, command, code): at its time, after the timers. */
static int perform(struct pd_run *r, const struct pd_event *ev, int64_t start)
{
    int64_t tol = r->script->opts.tolerance_usecs;
    if (ev->time.kind != PD_TIME_ANY && pd_script_now(r) > start + tol)
        return pd_fail(r, "timing error: due at %.6f s but the clock is already at %.6f s",
                       (double)start / 1e6, (double)pd_script_now(r) / 1e6);
    if (ev->kind != PD_EV_COMMAND && pd_ensure_stack(r) < 0) return -1;
    if (pd_advance(r, live(r, start)) < 0) return -1;
    if (pd_check_unexpected(r, live(r, start - tol)) < 0) return -1;
    switch (ev->kind) {
    case PD_EV_PACKET: return pd_inbound(r, ev->packet);
    case PD_EV_SYSCALL: return pd_syscall(r, ev);
    case PD_EV_COMMAND: return pd_command(r, ev->command);
    case PD_EV_CODE: return pd_code(r, ev->code);
    }
    return 0;
}

static int play_event(struct pd_run *r, const struct pd_event *ev)
{
    int64_t start = 0, end = 0, tol = r->script->opts.tolerance_usecs;
    due(r, ev, &start, &end);
    r->ev = ev;
    if (r->verbose) fprintf(stderr, "%9.6f line %d\n", (double)pd_script_now(r) / 1e6, ev->line);
    int rc;
    if (ev->kind == PD_EV_PACKET && !ev->packet->inbound) {
        if (pd_ensure_stack(r) < 0) return -1;
        synack_time_t lo = ev->time.kind == PD_TIME_ANY ? 0 : live(r, start - tol);
        synack_time_t hi = ev->time.kind == PD_TIME_ANY ? r->now + PD_ANY_WAIT : live(r, end + tol);
        rc = pd_outbound(r, ev->packet, lo, hi);
    } else {
        rc = perform(r, ev, start);
    }
    r->last_start = start;
    r->last_inbound = is_inbound(ev);
    if (rc == 0 && r->pending.ev) rc = pd_retry_pending(r);
    return rc;
}

/* What the script cannot be played for, before anything runs. */
static const char *unsupported(const struct pd_script *s, int *line)
{
    *line = 0;
    if (s->opts.ip_version == 6) return "IPv6 not yet";
    if (s->opts.md5) return "TCP MD5 (RFC 2385) not supported";
    if (s->opts.udp_encap) return "TCP over UDP encapsulation (RFC 6951) not supported";
    for (const struct pd_event *ev = s->events; ev; ev = ev->next) {
        const struct pd_packet *p = ev->kind == PD_EV_PACKET ? ev->packet : NULL;
        *line = ev->line;
        if (p && (p->ip.ipv6_only || p->icmp_ipv6_only)) return "IPv6 not yet";
        if (p && p->has_md5) return "TCP MD5 (RFC 2385) not supported";
        if (p && p->udp_encap) return "TCP over UDP encapsulation (RFC 6951) not supported";
    }
    return NULL;
}

static int setup(struct pd_run *r, const struct pd_script *s, const struct pd_run_opts *o)
{
    memset(r, 0, sizeof(*r));
    r->script = s;
    if (o->freebsd)
        synack_config_init_freebsd(&r->cfg);
    else
        synack_config_init(&r->cfg);
    r->verbose = o->verbose;
    r->base = r->now = PD_BASE_TIME;
    r->next_remote_port = 40000;
    const char *lip = s->opts.local_ip ? s->opts.local_ip : "192.168.0.1";
    const char *rip = s->opts.remote_ip ? s->opts.remote_ip : "192.0.2.1";
    if (synack_addr_parse(lip, &r->local) < 0 || synack_addr_parse(rip, &r->remote) < 0)
        return pd_fail(r, "bad --local_ip or --remote_ip");
    return 0;
}

static void teardown(struct pd_run *r)
{
    if (r->set) synack_sockets_free(r->set);
    if (r->stack) synack_stack_free(r->stack);
    for (size_t i = 0; i < r->qlen; i++)
        free(r->queue[(r->qhead + i) % PD_MAX_QUEUE].bytes);
}

static int finish(struct pd_run *r)
{
    if (r->pending.ev) {
        r->ev = r->pending.ev;
        return pd_fail(r, "blocking %s() never returned", r->pending.ev->syscall->name);
    }
    if (r->queue_overflow) return pd_fail(r, "more than %d packets queued", PD_MAX_QUEUE);
    int64_t tol = r->script->opts.tolerance_usecs;
    return pd_check_unexpected(r, live(r, r->last_start - tol));
}

int pd_run_script(const struct pd_script *s, const struct pd_run_opts *o, char *reason, size_t cap)
{
    struct pd_run *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(reason, cap, "out of memory");
        return -1;
    }
    int line, rc = setup(r, s, o);
    const char *why = unsupported(s, &line);
    if (why) {
        if (line)
            snprintf(reason, cap, "script line %d: %s", line, why);
        else
            snprintf(reason, cap, "%s", why);
        teardown(r);
        free(r);
        return -1;
    }
    for (const struct pd_event *ev = s->events; rc == 0 && ev; ev = ev->next)
        rc = play_event(r, ev);
    if (rc == 0) rc = finish(r);
    if (rc < 0)
        snprintf(reason, cap, "%s%s%s%s", r->reason, r->notes[0] ? " [" : "", r->notes,
                 r->notes[0] ? "]" : "");
    teardown(r);
    free(r);
    return rc;
}
