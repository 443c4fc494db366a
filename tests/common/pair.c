#include "pair.h"

#include <stdlib.h>
#include <string.h>

static void log_event(struct pair *p, int side, const struct synack_event *ev)
{
    if (p->nlog < PAIR_MAX_EVENTS) p->log[p->nlog++] = (struct pair_event){side, *ev};
}
static void ev_client(void *ctx, const struct synack_event *ev)
{
    log_event(ctx, 0, ev);
}
static void ev_server(void *ctx, const struct synack_event *ev)
{
    log_event(ctx, 1, ev);
}

static enum synack_sim_verdict hook(void *ctx, int side, const uint8_t *pkt, size_t len,
                                    synack_time_t now, synack_time_t *extra)
{
    struct pair *p = ctx;
    (void)now;
    (void)extra;
    if (p->drop_count > 0 && side == p->drop_side && len >= 40 && pkt[20 + 13] == p->drop_flags) {
        p->drop_count--;
        return SYNACK_SIM_DROP;
    }
    return SYNACK_SIM_PASS;
}

void pair_init(struct pair *p, const struct synack_config *cfg, synack_time_t delay)
{
    memset(p, 0, sizeof(*p));
    p->st[0] = synack_stack_new(cfg);
    p->st[1] = synack_stack_new(cfg);
    int da, db;
    p->link = synack_simlink_new(p->st[0], p->st[1], delay, &da, &db);
    p->addr[0] = synack_addr_v4(10, 0, 0, 1);
    p->addr[1] = synack_addr_v4(10, 0, 0, 2);
    synack_stack_add_addr(p->st[0], da, &p->addr[0], 24);
    synack_stack_add_addr(p->st[1], db, &p->addr[1], 24);
    synack_stack_set_event_fn(p->st[0], ev_client, p);
    synack_stack_set_event_fn(p->st[1], ev_server, p);
    synack_simlink_set_hook(p->link, hook, p);
}

void pair_free(struct pair *p)
{
    synack_simlink_free(p->link);
    synack_stack_free(p->st[0]);
    synack_stack_free(p->st[1]);
}

void pair_run(struct pair *p, synack_time_t until)
{
    p->now = synack_simlink_run(p->link, p->now, until);
}

size_t pair_count_state(const struct pair *p, int side, enum synack_state st)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nlog; i++)
        if (p->log[i].side == side && p->log[i].ev.type == SYNACK_EV_STATE &&
            p->log[i].ev.new_state == st)
            n++;
    return n;
}

size_t pair_count_segments(const struct pair *p, int side, uint8_t flags)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nlog; i++)
        if (p->log[i].side == side && p->log[i].ev.type == SYNACK_EV_SEGMENT_OUT &&
            p->log[i].ev.seg.flags == flags)
            n++;
    return n;
}

size_t pair_find_state(const struct pair *p, size_t from, int side, enum synack_state st)
{
    for (size_t i = from; i < p->nlog; i++)
        if (p->log[i].side == side && p->log[i].ev.type == SYNACK_EV_STATE &&
            p->log[i].ev.new_state == st)
            return i;
    return SIZE_MAX;
}
