/* tcp — the state machine's one door: every state change passes through sy_set_state(), which
 * checks the transition against RFC 9293 Figure 5 and reports it (DESIGN rule 4). */
#include <assert.h>

#include "tcp/tcb.h"

#define S(x) SYNACK_##x

/* legal[from][to]: the arcs of RFC 9293 Figure 5, plus the arcs its text adds:
 *  - any open state -> CLOSED on RST, ABORT or timeout (§3.10.5, §3.10.7.4, §3.8.3);
 *  - FIN-WAIT-1 -> TIME-WAIT when our FIN's ACK and the peer's FIN arrive together (§3.10.7.4);
 *  - SYN-RECEIVED -> CLOSE-WAIT is not an arc: the ACK step moves to ESTABLISHED first. */
static const bool legal[SYNACK_STATE_COUNT][SYNACK_STATE_COUNT] = {
    [S(CLOSED)] = {[S(LISTEN)] = 1, [S(SYN_SENT)] = 1},
    [S(LISTEN)] = {[S(CLOSED)] = 1, [S(SYN_RECEIVED)] = 1, [S(SYN_SENT)] = 1},
    [S(SYN_SENT)] = {[S(CLOSED)] = 1, [S(SYN_RECEIVED)] = 1, [S(ESTABLISHED)] = 1},
    [S(SYN_RECEIVED)] = {[S(CLOSED)] = 1,
                         [S(LISTEN)] = 1,
                         [S(ESTABLISHED)] = 1,
                         [S(FIN_WAIT_1)] = 1},
    [S(ESTABLISHED)] = {[S(CLOSED)] = 1, [S(FIN_WAIT_1)] = 1, [S(CLOSE_WAIT)] = 1},
    [S(CLOSE_WAIT)] = {[S(CLOSED)] = 1, [S(LAST_ACK)] = 1},
    [S(FIN_WAIT_1)] = {[S(CLOSED)] = 1, [S(FIN_WAIT_2)] = 1, [S(CLOSING)] = 1, [S(TIME_WAIT)] = 1},
    [S(CLOSING)] = {[S(CLOSED)] = 1, [S(TIME_WAIT)] = 1},
    [S(LAST_ACK)] = {[S(CLOSED)] = 1},
    [S(FIN_WAIT_2)] = {[S(CLOSED)] = 1, [S(TIME_WAIT)] = 1},
    [S(TIME_WAIT)] = {[S(CLOSED)] = 1},
};

bool sy_state_legal(enum synack_state from, enum synack_state to)
{
    return (unsigned)from < SYNACK_STATE_COUNT && (unsigned)to < SYNACK_STATE_COUNT &&
           legal[from][to];
}

static void on_enter(struct synack_conn *c, enum synack_state to, synack_time_t now)
{
    struct synack_stack *s = c->stack;
    switch (to) {
    case SYNACK_ESTABLISHED:
        s->counters.conns_established++;
        /* RFC 6298 §5.7: a retransmitted SYN with no RTT sample: RTO is 3 s for the data. */
        if (c->syn_rtx && c->rtt.srtt == 0) c->rtt.rto = SY_TCP_RTO_AFTER_SYN_LOSS;
        c->rtx_count = 0;
        sy_recovery_init(c, now);
        c->last_rcv = now;
        sy_keepalive_arm(c, now);
        break;
    case SYNACK_TIME_WAIT:
        /* §3.10.7.4: turn off the other timers, start the 2 MSL timer. */
        sy_timer_rtx_stop(c);
        sy_timer_set(c, SY_TIMER_PERSIST, SYNACK_TIME_NEVER);
        sy_timer_time_wait(c, now);
        break;
    case SYNACK_CLOSED:
        /* §3.10.7.4 "delete the TCB": it leaves the demux and the timers. */
        for (int i = 0; i < SY_TIMER_COUNT; i++)
            c->timer[i] = SYNACK_TIME_NEVER;
        sy_timer_remove(c);
        if (c->hashed) sy_demux_remove(s, c);
        break;
    case SYNACK_FIN_WAIT_2: sy_timer_fin_wait_2(c, now); break;
    case SYNACK_LISTEN:
    case SYNACK_SYN_SENT:
    case SYNACK_SYN_RECEIVED:
    case SYNACK_CLOSE_WAIT:
    case SYNACK_FIN_WAIT_1:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_STATE_COUNT: break;
    }
}

void sy_set_state(struct synack_conn *c, enum synack_state to, enum synack_cause why,
                  synack_time_t now)
{
    enum synack_state from = c->state;
    assert(sy_state_legal(from, to));
    c->state = to;
    on_enter(c, to, now);
    struct synack_event ev = {
        .type = SYNACK_EV_STATE, .conn = c, .old_state = from, .new_state = to, .cause = why};
    sy_stack_emit(c->stack, &ev, now);
}
