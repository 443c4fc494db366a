/* packetdrill runner — the event loop: a fresh stack per script, a virtual clock, one event at a
 * time (run.h). */
#include "run.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PD_MAX_POLLS 100000 /* timer runs per step: a bound against a stuck stack */

int pd_fail(struct pd_run *r, const char *fmt, ...)
{
    if (r->failed) return -1;
    r->failed = true;
    int n = snprintf(r->reason, sizeof r->reason, "script line %d: ", r->ev ? r->ev->line : 0);
    if (n < 0 || (size_t)n >= sizeof r->reason) n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason + n, sizeof r->reason - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

void pd_note(struct pd_run *r, const char *fmt, ...)
{
    char note[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    size_t n = strlen(r->notes);
    if (strstr(r->notes, note) || n + strlen(note) + 3 >= sizeof r->notes) return;
    snprintf(r->notes + n, sizeof r->notes - n, "%s%s", n ? "; " : "", note);
}

int64_t pd_script_now(const struct pd_run *r)
{
    return (int64_t)(r->now - r->base);
}

static synack_time_t clock_fn(void *ctx)
{
    return ((struct pd_run *)ctx)->now;
}

/* The device: every packet the stack sends is queued with its time. */
static int transmit(void *ctx, const uint8_t *pkt, size_t len, synack_time_t now)
{
    struct pd_run *r = ctx;
    if (r->qlen == PD_MAX_QUEUE) {
        r->queue_overflow = true;
        return -ENOBUFS;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return -ENOMEM;
    memcpy(copy, pkt, len);
    struct pd_out_pkt *q = &r->queue[(r->qhead + r->qlen++) % PD_MAX_QUEUE];
    *q = (struct pd_out_pkt){.time = now, .len = len, .bytes = copy};
    return 0;
}

static const struct synack_device_ops device_ops = {.transmit = transmit};

static int mtu_of(const struct pd_options *o)
{
    if (o->mtu) return o->mtu;
    if (o->mss) return o->mss + 40;
    return 1500;
}

int pd_ensure_stack(struct pd_run *r)
{
    if (r->stack) return 0;
    const char *why = NULL;
    if (synack_config_check(&r->cfg, &why) < 0)
        return pd_fail(r, "the settings give an invalid stack config: %s", why ? why : "?");
    r->stack = synack_stack_new(&r->cfg);
    if (!r->stack) return pd_fail(r, "cannot create the stack");
    r->dev = synack_stack_add_device(r->stack, &device_ops, r, (uint16_t)mtu_of(&r->script->opts));
    if (r->dev < 0 || synack_stack_add_addr(r->stack, r->dev, &r->local, 16) < 0)
        return pd_fail(r, "cannot set up the device");
    struct synack_sockets_config sc = {.clock = clock_fn, .clock_ctx = r, .threads = false};
    r->set = synack_sockets_new(r->stack, &sc);
    return r->set ? 0 : pd_fail(r, "cannot create the socket set");
}

int pd_advance(struct pd_run *r, synack_time_t t)
{
    if (!r->stack) {
        if (t > r->now) r->now = t;
        return 0;
    }
    for (int polls = 0;; polls++) {
        synack_time_t d = synack_stack_next_deadline(r->stack);
        if (d == SYNACK_TIME_NEVER || d > t) break;
        if (polls == PD_MAX_POLLS) return pd_fail(r, "the stack's timers do not advance");
        if (d > r->now) r->now = d;
        synack_stack_poll(r->stack, r->now);
    }
    if (t > r->now) r->now = t;
    return 0;
}
