/* tcp — connection blocks: allocation, freeing, errors and notifications. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "tcp/tcb.h"

struct synack_conn *sy_conn_new(struct synack_stack *s, const struct synack_conn_params *p,
                                bool with_buffers)
{
    if (s->cfg.max_conns && s->nconns >= s->cfg.max_conns) return NULL;
    struct synack_conn *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    if (p)
        c->prm = *p;
    else
        synack_conn_params_init(s, &c->prm);
    if (with_buffers && (sy_ring_init(&c->sndbuf, c->prm.sndbuf) < 0 ||
                         sy_ring_init(&c->rcvbuf, c->prm.rcvbuf) < 0)) {
        sy_ring_free(&c->sndbuf);
        free(c);
        return NULL;
    }
    c->stack = s;
    c->state = SYNACK_CLOSED;
    c->heap_idx = SIZE_MAX;
    c->deadline = SYNACK_TIME_NEVER;
    for (int i = 0; i < SY_TIMER_COUNT; i++)
        c->timer[i] = SYNACK_TIME_NEVER;
    sy_rtt_est_init(&c->rtt, s->cfg.rto_initial);
    c->snd_mss = SY_TCP_DEFAULT_MSS;
    c->all_next = s->all;
    if (s->all) s->all->all_prev = c;
    s->all = c;
    s->nconns++;
    return c;
}

void sy_conn_free(struct synack_conn *c)
{
    struct synack_stack *s = c->stack;
    if (c->listen) {
        /* Orphan any children left (sy_listen_close normally reset them first). */
        struct sy_listen *l = c->listen;
        while (l->syn_head)
            sy_listen_child_gone(l->syn_head);
        while (l->accept_head)
            sy_listen_child_gone(l->accept_head);
        free(l);
        c->listen = NULL;
    }
    if (c->parent) sy_listen_child_gone(c);
    if (c->ack_listed) sy_ack_batch_forget(c);
    if (c->hashed) sy_demux_remove(s, c);
    sy_timer_remove(c);
    if (c->all_prev)
        c->all_prev->all_next = c->all_next;
    else
        s->all = c->all_next;
    if (c->all_next) c->all_next->all_prev = c->all_prev;
    sy_ring_free(&c->sndbuf);
    sy_ring_free(&c->rcvbuf);
    s->nconns--;
    free(c);
}

bool sy_conn_reap(struct synack_conn *c)
{
    if (c->state != SYNACK_CLOSED || c->user_ref) return false;
    sy_conn_free(c);
    return true;
}

void sy_conn_error(struct synack_conn *c, int err, synack_time_t now)
{
    c->error = err;
    struct synack_event ev = {.type = SYNACK_EV_ERROR, .conn = c, .error = err};
    sy_stack_emit(c->stack, &ev, now);
}

void sy_conn_notify(struct synack_conn *c, enum synack_event_type t, synack_time_t now)
{
    struct synack_event ev = {.type = t, .conn = c};
    sy_stack_emit(c->stack, &ev, now);
}

size_t synack_stack_conns(struct synack_stack *s, struct synack_conn **out, size_t max)
{
    size_t n = 0;
    for (struct synack_conn *c = s ? s->all : NULL; c; c = c->all_next, n++)
        if (n < max) out[n] = c;
    return n;
}
