/* synack CLI — recording a run: events, calls, relative sequence numbers, losses, retransmissions.
 */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

void trace_init(struct trace *t)
{
    memset(t, 0, sizeof(*t));
    t->rto_at[0] = t->rto_at[1] = SYNACK_TIME_NEVER;
}

void trace_free(struct trace *t)
{
    free(t->e);
    memset(t, 0, sizeof(*t));
}

static struct trace_entry *push(struct trace *t)
{
    if (t->len == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        struct trace_entry *e = realloc(t->e, cap * sizeof(*e));
        if (!e) {
            t->oom = true;
            return NULL;
        }
        t->e = e;
        t->cap = cap;
    }
    struct trace_entry *e = &t->e[t->len++];
    memset(e, 0, sizeof(*e));
    return e;
}

uint32_t trace_seg_space(const struct synack_segment_info *seg)
{
    return seg->len + ((seg->flags & SYNACK_TH_SYN) ? 1u : 0u) +
           ((seg->flags & SYNACK_TH_FIN) ? 1u : 0u);
}

static bool seq_before(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

/* The ISN of each direction comes from the first SYN it sends (or, for a stack that never sends
 * one, such as a RST answering a SYN to a closed port, from its first segment). */
static void learn_isn(struct trace *t, int sender, const struct synack_segment_info *seg)
{
    if (t->have_isn[sender]) return;
    t->have_isn[sender] = true;
    t->isn[sender] = seg->seq;
    t->snd_max[sender] = seg->seq;
}

static void set_relative(const struct trace *t, struct trace_entry *e, int sender)
{
    const struct synack_segment_info *seg = &e->ev.seg;
    if (!t->have_isn[sender]) return;
    e->has_rel = true;
    e->rel_seq = seg->seq - t->isn[sender];
    /* The ack counts the peer's sequence space; before the peer's ISN is known, leave it raw. */
    e->rel_ack = t->have_isn[1 - sender] ? seg->ack - t->isn[1 - sender] : seg->ack;
}

static void on_segment_out(struct trace *t, struct trace_entry *e)
{
    const struct synack_segment_info *seg = &e->ev.seg;
    int side = e->side;
    learn_isn(t, side, seg);
    set_relative(t, e, side);
    uint32_t space = trace_seg_space(seg);
    /* Resent after a timeout: a segment that occupies sequence space already sent. */
    if (space && t->rto_at[side] == e->now && seq_before(seg->seq, t->snd_max[side]))
        e->retransmission = true;
    if (space && seq_before(t->snd_max[side], seg->seq + space))
        t->snd_max[side] = seg->seq + space;
    if ((seg->flags & SYNACK_TH_RST) && t->len >= 2) {
        const struct trace_entry *prev = &t->e[t->len - 2];
        if (prev->kind == TRACE_EVENT && prev->side == side &&
            prev->ev.type == SYNACK_EV_RST_SENT && prev->now == e->now) {
            e->has_rst_reason = true;
            e->rst_reason = prev->ev.rst;
        }
    }
}

void trace_event(struct trace *t, int side, const struct synack_event *ev)
{
    struct trace_entry *e = push(t);
    if (!e) return;
    e->kind = TRACE_EVENT;
    e->side = side;
    e->now = ev->now;
    e->ev = *ev;
    switch (ev->type) {
    case SYNACK_EV_SEGMENT_OUT: on_segment_out(t, e); break;
    case SYNACK_EV_SEGMENT_IN: set_relative(t, e, 1 - side); break;
    case SYNACK_EV_RST_SENT:
        if (t->have_isn[side]) set_relative(t, e, side);
        break;
    case SYNACK_EV_RETRANSMIT:
        t->rto_at[side] = ev->now;
        set_relative(t, e, side);
        break;
    case SYNACK_EV_STATE:
    case SYNACK_EV_READABLE:
    case SYNACK_EV_WRITABLE:
    case SYNACK_EV_ACCEPTABLE:
    case SYNACK_EV_ERROR:
    case SYNACK_EV_DELIVERY_PROBLEM: set_relative(t, e, side); break;
    case SYNACK_EV_ICMP:
    case SYNACK_EV_URGENT:
    case SYNACK_EV_DROP:
    case SYNACK_EV_TYPE_COUNT: break;
    }
}

void trace_note(struct trace *t, synack_time_t now, const char *text)
{
    struct trace_entry *e = push(t);
    if (!e) return;
    e->kind = TRACE_NOTE;
    e->now = now;
    e->text = text;
}

size_t trace_call(struct trace *t, int side, synack_time_t now, enum demo_call call)
{
    struct trace_entry *e = push(t);
    if (!e) return TRACE_NONE;
    e->kind = TRACE_CALL;
    e->side = side;
    e->now = now;
    e->call = call;
    return t->len - 1;
}

void trace_call_done(struct trace *t, size_t i, long result, const void *data, size_t len)
{
    if (i >= t->len) return;
    struct trace_entry *e = &t->e[i];
    e->result = result;
    if (data && len) {
        e->data_len = len < TRACE_DATA_MAX ? len : TRACE_DATA_MAX;
        memcpy(e->data, data, e->data_len);
    }
}

void trace_call_ports(struct trace *t, size_t i, uint16_t port, uint16_t peer_port)
{
    if (i >= t->len) return;
    t->e[i].port = port;
    t->e[i].peer_port = peer_port;
}

void trace_call_forget(struct trace *t, size_t i)
{
    if (i != TRACE_NONE && i + 1 == t->len) t->len--;
}

void trace_mark_lost(struct trace *t, int side, uint32_t seq, uint8_t flags)
{
    for (size_t i = t->len; i-- > 0;) {
        struct trace_entry *e = &t->e[i];
        if (e->kind != TRACE_EVENT || e->side != side || e->ev.type != SYNACK_EV_SEGMENT_OUT)
            continue;
        if (e->ev.seg.seq == seq && e->ev.seg.flags == flags) e->lost = true;
        return;
    }
}
