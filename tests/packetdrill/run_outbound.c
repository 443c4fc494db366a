/* packetdrill runner — the stack's packets: taking the next one for the socket under test
 * (waiting on the virtual clock if none has left yet), learning the stack's ISN, comparing it
 * field by field with the script's, and catching packets that nobody expected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "format.h"
#include "map.h"
#include "run.h"
#include "wire/tcp.h"

static const char *show(const struct pd_run *r, const struct pd_seg *seg,
                        const struct pd_packet *want, char *buf, size_t cap);

/* A packet of the socket under test? Others are ignored, as packetdrill ignores them. */
static bool for_sut(const struct pd_run *r, enum pd_parsed kind, const struct pd_seg *seg)
{
    const struct pd_sock *s = r->sut;
    if (kind != PD_PARSED_TCP) return kind == PD_PARSED_BAD;
    if (!s) return true;
    if (s->state == PD_SOCK_CONNECTING)
        return (seg->flags & (SY_TH_SYN | SY_TH_ACK)) == SY_TH_SYN && seg->dport == s->remote_port;
    if (!s->local_port || !s->remote_port) return true;
    return seg->sport == s->local_port && seg->dport == s->remote_port;
}

/* Take the queue's head if it is for the socket under test: 1, 0 when the queue is empty, -1
 * on a malformed packet. *out owns its bytes. */
static int pop(struct pd_run *r, struct pd_out_pkt *out, struct pd_seg *seg)
{
    while (r->qlen) {
        *out = r->queue[r->qhead];
        r->qhead = (r->qhead + 1) % PD_MAX_QUEUE;
        r->qlen--;
        const char *why = "?";
        enum pd_parsed kind = pd_parse_out(out->bytes, out->len, seg, &why);
        if (kind == PD_PARSED_BAD) {
            free(out->bytes);
            return pd_fail(r, "the stack sent a malformed packet (%s)", why);
        }
        if (r->verbose) {
            char a[512];
            fprintf(stderr, "%9.6f   > %s%s\n", (double)(int64_t)(out->time - r->base) / 1e6,
                    show(r, seg, NULL, a, sizeof a), for_sut(r, kind, seg) ? "" : " (ignored)");
        }
        if (for_sut(r, kind, seg)) return 1;
        r->ignored++;
        free(out->bytes);
    }
    return 0;
}

/* The next packet for the socket under test, running timers up to hi for one: 1 or 0. */
static int next_packet(struct pd_run *r, synack_time_t hi, struct pd_out_pkt *out,
                       struct pd_seg *seg)
{
    for (;;) {
        int got = pop(r, out, seg);
        if (got) return got;
        synack_time_t d = synack_stack_next_deadline(r->stack);
        if (d == SYNACK_TIME_NEVER || d > hi) return 0;
        if (pd_advance(r, d > r->now ? d : r->now) < 0) return -1;
        if (!r->qlen && synack_stack_next_deadline(r->stack) <= r->now)
            return pd_fail(r, "the stack's timers do not advance");
    }
}

static void learn_isn(struct pd_run *r, const struct pd_packet *p, const struct pd_seg *seg)
{
    struct pd_sock *s = r->sut;
    if (!s) return;
    bool syn = seg->flags & SY_TH_SYN, ack = seg->flags & SY_TH_ACK;
    if (s->state == PD_SOCK_CONNECTING && syn && !ack) {
        s->state = PD_SOCK_SYN_SENT;
        s->local_port = seg->sport;
    } else if (s->state == PD_SOCK_CHILD_SYN && (p->flags & SY_TH_SYN) && (p->flags & SY_TH_ACK)) {
        s->state = PD_SOCK_CHILD_SYNACK;
    } else {
        return;
    }
    s->local_isn = seg->seq;
    s->script_local_isn = p->seq_any ? 0 : p->seq;
}

static bool zeros(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return false;
    return true;
}

/* Show the stack's packet in script space. */
static const char *show(const struct pd_run *r, const struct pd_seg *seg,
                        const struct pd_packet *want, char *buf, size_t cap)
{
    struct pd_packet act;
    pd_map_outbound(r->sut, seg, want, &act);
    return pd_format_packet(&act, buf, cap);
}

static int mismatch(struct pd_run *r, const struct pd_packet *want, const struct pd_seg *seg,
                    synack_time_t t, const char *what)
{
    char e[512], a[512];
    return pd_fail(r, "expected: %s actual: %s at %.6f s (%s)", pd_format_packet(want, e, sizeof e),
                   show(r, seg, want, a, sizeof a), (double)(int64_t)(t - r->base) / 1e6, what);
}

int pd_outbound(struct pd_run *r, const struct pd_packet *p, synack_time_t lo, synack_time_t hi)
{
    struct pd_out_pkt out;
    struct pd_seg seg;
    int got = next_packet(r, hi, &out, &seg);
    if (got < 0) return -1;
    if (!got) {
        char e[512];
        return pd_fail(r, "expected: %s by %.6f s, but the stack sent nothing%s",
                       pd_format_packet(p, e, sizeof e), (double)(int64_t)(hi - r->base) / 1e6,
                       r->ignored ? " (for this connection)" : "");
    }
    learn_isn(r, p, &seg);
    char what[160];
    int rc = 0;
    if (pd_compare(r, p, &seg, what, sizeof what) < 0)
        rc = mismatch(r, p, &seg, out.time, what);
    else if (p->len && !zeros(seg.payload, seg.payload_len))
        rc = mismatch(r, p, &seg, out.time, "payload differs from the zeros written");
    else if (out.time < lo || out.time > hi)
        rc = mismatch(r, p, &seg, out.time, "timing: outside the expected time and tolerance");
    free(out.bytes);
    if (out.time > r->now) r->now = out.time;
    return rc;
}

int pd_check_unexpected(struct pd_run *r, synack_time_t before)
{
    struct pd_out_pkt out;
    struct pd_seg seg;
    if (!r->qlen || r->queue[r->qhead].time >= before) return 0;
    int got = pop(r, &out, &seg);
    if (got <= 0) return got;
    if (out.time >= before) { /* the head was ignored; this one may still be expected */
        r->qhead = (r->qhead + PD_MAX_QUEUE - 1) % PD_MAX_QUEUE;
        r->queue[r->qhead] = out;
        r->qlen++;
        return 0;
    }
    char a[512];
    show(r, &seg, NULL, a, sizeof a);
    free(out.bytes);
    return pd_fail(r, "unexpected packet: %s at %.6f s", a,
                   (double)(int64_t)(out.time - r->base) / 1e6);
}
