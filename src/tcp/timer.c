/* tcp — timers. Each connection has at most a few deadlines (retransmission, TIME-WAIT); the
 * earliest one keys it in a binary min-heap, so poll() never walks every connection
 * (DESIGN rule 6). */
#include <errno.h>
#include <stdlib.h>

#include "ip/ipv4.h"
#include "tcp/tcb.h"

int sy_timers_init(struct sy_timers *t)
{
    t->cap = 64;
    t->len = 0;
    t->heap = malloc(t->cap * sizeof(*t->heap));
    return t->heap ? 0 : -ENOMEM;
}

void sy_timers_free(struct sy_timers *t)
{
    free(t->heap);
    t->heap = NULL;
    t->len = t->cap = 0;
}

static void heap_set(struct sy_timers *t, size_t i, struct synack_conn *c)
{
    t->heap[i] = c;
    c->heap_idx = i;
}

static void sift_up(struct sy_timers *t, size_t i)
{
    struct synack_conn *c = t->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (t->heap[p]->deadline <= c->deadline) break;
        heap_set(t, i, t->heap[p]);
        i = p;
    }
    heap_set(t, i, c);
}

static void sift_down(struct sy_timers *t, size_t i)
{
    struct synack_conn *c = t->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        synack_time_t best = c->deadline;
        if (l < t->len && t->heap[l]->deadline < best) m = l, best = t->heap[l]->deadline;
        if (l + 1 < t->len && t->heap[l + 1]->deadline < best) m = l + 1;
        if (m == i) break;
        heap_set(t, i, t->heap[m]);
        i = m;
    }
    heap_set(t, i, c);
}

void sy_timer_remove(struct synack_conn *c)
{
    struct sy_timers *t = &c->stack->timers;
    size_t i = c->heap_idx;
    if (i == SIZE_MAX) return;
    c->heap_idx = SIZE_MAX;
    struct synack_conn *last = t->heap[--t->len];
    if (i == t->len) return;
    heap_set(t, i, last);
    sift_up(t, i);
    sift_down(t, last->heap_idx);
}

void sy_timer_update(struct synack_conn *c)
{
    struct sy_timers *t = &c->stack->timers;
    synack_time_t d = SYNACK_TIME_NEVER;
    for (int i = 0; i < SY_TIMER_COUNT; i++)
        if (c->timer[i] < d) d = c->timer[i];
    c->deadline = d;
    if (d == SYNACK_TIME_NEVER) {
        sy_timer_remove(c);
        return;
    }
    if (c->heap_idx == SIZE_MAX) {
        if (t->len == t->cap) {
            struct synack_conn **nh = realloc(t->heap, 2 * t->cap * sizeof(*nh));
            if (!nh) return; /* cannot arm: the connection will not time out (counted nowhere) */
            t->heap = nh;
            t->cap *= 2;
        }
        heap_set(t, t->len++, c);
        sift_up(t, c->heap_idx);
        return;
    }
    sift_up(t, c->heap_idx);
    sift_down(t, c->heap_idx);
}

synack_time_t sy_timers_next(const struct sy_timers *t)
{
    return t->len ? t->heap[0]->deadline : SYNACK_TIME_NEVER;
}

void sy_timer_set(struct synack_conn *c, enum sy_timer which, synack_time_t at)
{
    c->timer[which] = at;
    sy_timer_update(c);
}

/* Past the user timeout, unacknowledged data ends the connection (§3.8.3, RFC 5482); the
 * connection's own (MUST-21: the application sets R2 for a connection). */
static synack_time_t user_deadline(const struct synack_conn *c)
{
    synack_time_t ut = c->prm.user_timeout;
    if (ut == 0 || c->snd_max == c->snd_una || !sy_state_synchronized(c->state))
        return SYNACK_TIME_NEVER;
    return c->una_since + ut;
}

/* FreeBSD's TCP_KEEPINIT: an open not synchronized by then fails, retransmissions or not. The
 * application may give up sooner than R2 (§3.8.3: "it can close the connection ... sooner"). */
static synack_time_t open_deadline(const struct synack_conn *c)
{
    synack_time_t t = c->prm.connect_timeout;
    bool opening = c->state == SYNACK_SYN_SENT || c->state == SYNACK_SYN_RECEIVED;
    return t && opening ? c->opened + t : SYNACK_TIME_NEVER;
}

/* The earlier of the two deadlines that end a connection whatever the retransmissions. */
static synack_time_t give_up_deadline(const struct synack_conn *c)
{
    synack_time_t ud = user_deadline(c), od = open_deadline(c);
    return ud < od ? ud : od;
}

void sy_timer_rtx_arm(struct synack_conn *c, synack_time_t now)
{
    synack_time_t at = now + c->rtt.rto, ud = give_up_deadline(c);
    sy_timer_set(c, SY_TIMER_RTX, at < ud ? at : (ud > now ? ud : now + 1));
}

/* New settings (a user or connection timeout): a running retransmission timer is brought
 * forward to the deadline, never later. */
void sy_timer_rtx_rearm(struct synack_conn *c, synack_time_t now)
{
    if (!sy_timer_armed(c, SY_TIMER_RTX)) return;
    synack_time_t ud = give_up_deadline(c), at = c->timer[SY_TIMER_RTX];
    if (ud < at) sy_timer_set(c, SY_TIMER_RTX, ud > now ? ud : now + 1);
}

void sy_timer_rtx_stop(struct synack_conn *c)
{
    sy_timer_set(c, SY_TIMER_RTX, SYNACK_TIME_NEVER);
}

/* §3.10.7.4: TIME-WAIT lasts 2 MSL, restarted by a retransmitted FIN. */
void sy_timer_time_wait(struct synack_conn *c, synack_time_t now)
{
    sy_timer_set(c, SY_TIMER_CLOSE, now + 2 * c->stack->cfg.msl);
}

/* RFC 9293 leaves FIN-WAIT-2 unbounded: the peer may send its FIN whenever it likes. Once nobody
 * holds the handle, a peer that never closes would pin the connection forever; like Linux
 * (tcp_fin_timeout) and FreeBSD (tcp_finwait2_timeout), give such an orphan a deadline. */
void sy_timer_fin_wait_2(struct synack_conn *c, synack_time_t now)
{
    synack_time_t t = c->stack->cfg.fin_wait_2_timeout;
    if (c->state != SYNACK_FIN_WAIT_2 || c->user_ref || t == 0) return;
    sy_timer_set(c, SY_TIMER_CLOSE, now + t);
}

/* R2 (§3.8.3): the connection's own for a SYN and for data (MUST-21); a SYN,ACK's is the
 * stack's, as nobody holds a half-open child yet. */
static unsigned rtx_limit(const struct synack_conn *c)
{
    if (c->state == SYNACK_SYN_SENT) return c->prm.syn_retries;
    if (c->state == SYNACK_SYN_RECEIVED) return c->stack->cfg.synack_retries;
    return c->prm.data_retries;
}

/* RFC 9293 §3.8.3 (R2): give up and tell the application. A half-open child of a listener is
 * dropped quietly: nobody has its handle yet. */
bool sy_conn_give_up(struct synack_conn *c, synack_time_t now)
{
    c->stack->counters.conns_timed_out++;
    /* A fully specified passive OPEN's own TCB waits in LISTEN again, as after a RST. */
    if (c->state == SYNACK_SYN_RECEIVED && c->passive && c->listen_tcb) {
        sy_listen_return(c, SYNACK_CAUSE_TIMEOUT, now);
        return false;
    }
    /* RFC 1122 §4.2.3.9: a soft error seen meanwhile says more than "timed out" (as Linux). */
    if (c->user_ref) sy_conn_error(c, c->soft_error ? c->soft_error : -ETIMEDOUT, now);
    sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_TIMEOUT, now);
    return sy_conn_reap(c);
}

/* RFC 9293 §3.8.3 (b), (e): R1 retransmissions of the same segment have gone unanswered. Each
 * timeout from then on passes negative advice to IP, which questions the next hop (RFC 1122
 * §3.3.1.4), and the first one tells the application, before R2 closes the connection (SHLD-9).
 * SYNs are handled the same way ("including notification of the application layer"). */
static void r1_reached(struct synack_conn *c, synack_time_t now)
{
    if (c->rtx_count < c->stack->cfg.r1_retries) return;
    sy_ip_negative_advice(c->stack, c->dev, &c->remote.addr, now);
    if (c->rtx_count != c->stack->cfg.r1_retries) return; /* reported once per reaching */
    struct synack_event ev = {.type = SYNACK_EV_DELIVERY_PROBLEM, .conn = c};
    ev.error = c->soft_error;
    ev.seg.seq = c->snd_una;
    ev.seg.flags = c->snd_una == c->iss ? SYNACK_TH_SYN : 0;
    sy_stack_emit(c->stack, &ev, now);
}

/* RFC 6298 §5.4-5.6: retransmit the earliest unacknowledged segment, back off the timer. */
static bool rtx_expired(struct synack_conn *c, synack_time_t now)
{
    if (c->rtx_count >= rtx_limit(c) || now >= give_up_deadline(c)) return sy_conn_give_up(c, now);
    r1_reached(c, now);
    c->rtx_count++;
    c->stack->counters.retransmits++;
    if (c->snd_una == c->iss) c->syn_rtx = true;
    sy_rtt_backoff(c);
    sy_recovery_on_rto(c, now);
    sy_output_retransmit(c, now);
    return false;
}

/* TIME-WAIT's end (§3.10.7.4), or an orphan's FIN-WAIT-2 timeout. */
static bool close_expired(struct synack_conn *c, synack_time_t now)
{
    sy_set_state(c, SYNACK_CLOSED,
                 c->state == SYNACK_TIME_WAIT ? SYNACK_CAUSE_TIME_WAIT_END : SYNACK_CAUSE_TIMEOUT,
                 now);
    return sy_conn_reap(c);
}

/* Handlers by timer, run in this order when several are due. */
static bool (*const expired[SY_TIMER_COUNT])(struct synack_conn *, synack_time_t) = {
    [SY_TIMER_CLOSE] = close_expired,
    [SY_TIMER_RTX] = rtx_expired,
    [SY_TIMER_PERSIST] = sy_persist_expired,
    [SY_TIMER_DELACK] = sy_delack_expired,
    [SY_TIMER_KEEPALIVE] = sy_keepalive_expired,
};

static void conn_expired(struct synack_conn *c, synack_time_t now)
{
    for (int i = 0; i < SY_TIMER_COUNT; i++) {
        if (c->timer[i] > now) continue;
        c->timer[i] = SYNACK_TIME_NEVER;
        if (expired[i](c, now)) return; /* freed */
        if (c->state == SYNACK_CLOSED) break;
    }
    sy_timer_update(c);
}

void sy_timers_run(struct synack_stack *s, synack_time_t now)
{
    /* Each expiry either frees the connection or moves its deadline past now (a new deadline
     * is always now + something positive), so the loop ends. */
    while (s->timers.len && s->timers.heap[0]->deadline <= now) {
        struct synack_conn *c = s->timers.heap[0];
        conn_expired(c, now);
    }
}
