/* tcp — LISTEN: a segment for a listener (RFC 9293 §3.10.7.2), its bounded queue of half-open
 * children and its accept backlog (DESIGN rule 5). SYN cookies, for when the queue is full, come
 * with the hardening work; today such a SYN is dropped and counted. */
#include <stdlib.h>

#include "tcp/tcb.h"
#include "util/seq.h"

static void list_push(struct synack_conn **head, struct synack_conn *c)
{
    c->qprev = NULL;
    c->qnext = *head;
    if (*head) (*head)->qprev = c;
    *head = c;
}

static void list_unlink(struct synack_conn **head, struct synack_conn **tail, struct synack_conn *c)
{
    if (c->qprev)
        c->qprev->qnext = c->qnext;
    else
        *head = c->qnext;
    if (c->qnext)
        c->qnext->qprev = c->qprev;
    else if (tail)
        *tail = c->qprev;
    c->qnext = c->qprev = NULL;
}

void sy_listen_child_gone(struct synack_conn *child)
{
    struct synack_conn *l = child->parent;
    if (!l || !l->listen) return;
    struct sy_listen *q = l->listen;
    if (child->in_accept_queue) {
        list_unlink(&q->accept_head, &q->accept_tail, child);
        q->accept_count--;
    } else {
        list_unlink(&q->syn_head, NULL, child);
        q->syn_count--;
    }
    child->in_accept_queue = false;
    child->parent = NULL;
}

void sy_listen_child_established(struct synack_conn *child, synack_time_t now)
{
    struct synack_conn *l = child->parent;
    if (!l || !l->listen || child->in_accept_queue) return;
    struct sy_listen *q = l->listen;
    list_unlink(&q->syn_head, NULL, child);
    q->syn_count--;
    /* Append to the accept queue, oldest first. */
    child->qnext = NULL;
    child->qprev = q->accept_tail;
    if (q->accept_tail)
        q->accept_tail->qnext = child;
    else
        q->accept_head = child;
    q->accept_tail = child;
    q->accept_count++;
    child->in_accept_queue = true;
    sy_conn_notify(l, SYNACK_EV_ACCEPTABLE, now);
}

struct synack_conn *sy_listen_pop(struct synack_conn *l)
{
    struct sy_listen *q = l->listen;
    struct synack_conn *c = q ? q->accept_head : NULL;
    if (c) sy_listen_child_gone(c);
    return c;
}

/* CLOSE or ABORT of a listener: children still queued are reset (§3.10.4: "any outstanding
 * RECEIVEs are returned with 'error: closing'"; Linux and FreeBSD reset them). */
void sy_listen_close(struct synack_conn *l, synack_time_t now)
{
    struct sy_listen *q = l->listen;
    while (q && (q->syn_head || q->accept_head)) {
        struct synack_conn *child = q->syn_head ? q->syn_head : q->accept_head;
        sy_listen_child_gone(child);
        sy_send_rst_conn(child, SYNACK_RST_ABORT, now);
        sy_set_state(child, SYNACK_CLOSED, SYNACK_CAUSE_USER_ABORT, now);
        sy_conn_reap(child);
    }
}

void sy_listen_take_syn(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    struct synack_stack *s = c->stack;
    c->passive = true;
    c->ecn = 0;
    c->opened = now;
    /* §3.10.7.2: RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ, ISS selected, SND.NXT = ISS+1, SND.UNA = ISS.
     * Data on the SYN is not acknowledged: the peer sends it again (no TCP Fast Open). */
    sy_take_syn(c, seg, now);
    c->iss = seg->reopen ? seg->reopen_iss : sy_isn(s, &c->local, &c->remote, now);
    c->snd_una = c->snd_nxt = c->snd_max = c->iss;
    s->counters.conns_opened_passive++;
    sy_set_state(c, SYNACK_SYN_RECEIVED, SYNACK_CAUSE_RCV_SYN, now);
    sy_output(c, now);
}

/* A new child in SYN-RECEIVED for this SYN: ISS chosen, options recorded, SYN,ACK sent. */
static void listen_spawn(struct synack_conn *l, const struct sy_seg *seg, synack_time_t now)
{
    struct synack_stack *s = l->stack;
    struct synack_conn *c = sy_conn_new(s, &l->prm, true);
    if (!c) {
        sy_stack_drop(s, l, SYNACK_DROP_NO_BUFFER, now);
        return;
    }
    c->local = seg->dst;
    c->remote = seg->src;
    c->dev = seg->dev;
    c->state = SYNACK_LISTEN; /* born a copy of the listening TCB: its first arc is LISTEN ->
                               * SYN-RECEIVED, reported below */
    c->parent = l;
    list_push(&l->listen->syn_head, c);
    l->listen->syn_count++;
    sy_opts_init(c);
    sy_demux_insert(s, c);
    sy_listen_take_syn(c, seg, now);
}

void sy_listen_return(struct synack_conn *c, enum synack_cause why, synack_time_t now)
{
    sy_set_state(c, SYNACK_LISTEN, why, now);
    if (!c->listen_tcb) {
        sy_conn_free(c);
        return;
    }
    /* Forget the half-synchronized connection; keep the user's data queued. */
    c->rcv_syn = c->passive = c->syn_rtx = false;
    c->ecn = 0;
    c->rtx_count = 0;
    sy_rtt_est_init(&c->rtt, c->stack->cfg.rto_initial);
    c->rtt_timing = false;
    sy_timer_rtx_stop(c);
}

void sy_input_listen(struct synack_conn *l, const struct sy_seg *seg, synack_time_t now)
{
    struct synack_stack *s = l->stack;
    uint8_t f = seg->tcp.flags;
    if (f & SY_TH_RST) { /* "first check for an RST: an incoming RST should be ignored" */
        sy_stack_drop(s, l, SYNACK_DROP_LISTEN_BAD, now);
        return;
    }
    if (f & SY_TH_ACK) { /* "second check for an ACK": <SEQ=SEG.ACK><CTL=RST> */
        sy_stack_drop(s, l, SYNACK_DROP_LISTEN_BAD, now);
        sy_send_rst_reply(s, seg, SYNACK_RST_LISTEN_ACK, now);
        return;
    }
    if ((f & SY_TH_FIN) && s->cfg.drop_synfin) { /* SYN with FIN: dropped by choice */
        sy_stack_drop(s, l, SYNACK_DROP_LISTEN_BAD, now);
        return;
    }
    if (!(f & SY_TH_SYN)) { /* "fourth, other control or text-bearing segment: drop" */
        sy_stack_drop(s, l, SYNACK_DROP_LISTEN_BAD, now);
        return;
    }
    struct sy_listen *q = l->listen;
    if (!q) { /* a fully specified passive OPEN: this TCB takes the SYN itself */
        sy_listen_take_syn(l, seg, now);
        return;
    }
    if (q->syn_count >= s->cfg.syn_backlog) {
        sy_stack_drop(s, l, SYNACK_DROP_SYN_QUEUE_FULL, now);
        return;
    }
    if (q->accept_count >= q->backlog) {
        sy_stack_drop(s, l, SYNACK_DROP_ACCEPT_QUEUE_FULL, now);
        return;
    }
    listen_spawn(l, seg, now);
}
