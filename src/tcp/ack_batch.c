/* tcp — the ACKs of a batch of packets (RFC 9293 §3.10.7.4, MUST-58 and MUST-59): "if the TCP
 * endpoint is processing a series of queued segments, it MUST process them all before sending
 * any ACK segments". While the stack takes a batch (synack_stack_input_batch), an ACK without
 * data is noted on its connection instead of sent; any segment of ours that carries the ACK
 * meanwhile makes the note moot; at the end of the batch each connection still owed one gets a
 * single ACK of everything it took. */
#include "tcp/tcb.h"

bool sy_ack_batch_defer(struct synack_conn *c)
{
    struct synack_stack *s = c->stack;
    if (!s->batch) return false;
    if (!c->ack_listed) {
        if (s->nack_deferred == SY_ACK_BATCH_MAX) return false; /* full: this one goes now */
        s->ack_deferred[s->nack_deferred++] = c;
        c->ack_listed = true;
    }
    c->ack_deferred = true;
    return true;
}

void sy_ack_batch_forget(struct synack_conn *c)
{
    struct synack_stack *s = c->stack;
    for (size_t i = 0; i < s->nack_deferred; i++)
        if (s->ack_deferred[i] == c) s->ack_deferred[i] = NULL;
    c->ack_listed = c->ack_deferred = false;
}

void sy_ack_batch_flush(struct synack_stack *s, synack_time_t now)
{
    s->batch = false;
    for (size_t i = 0; i < s->nack_deferred; i++) {
        struct synack_conn *c = s->ack_deferred[i];
        if (!c) continue;
        c->ack_listed = false;
        /* unless a segment of ours carried it, or the connection was reset meanwhile */
        if (c->ack_deferred && sy_state_synchronized(c->state)) sy_send_ack(c, now);
        c->ack_deferred = false;
    }
    s->nack_deferred = 0;
}
