/* tcp — keepalive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): after keepidle without a segment from
 * the peer, a probe <SEQ=SND.UNA-1><ACK=RCV.NXT> draws its ACK; keepcnt probes keepintvl apart
 * without an answer end the connection with ETIMEDOUT (and a RST, as Linux). Off by default.
 * The timer is lazy: segments only stamp last_rcv, and the timer re-arms itself on expiry. */
#include <errno.h>

#include "tcp/tcb.h"

static bool keepalive_state(enum synack_state s)
{
    return s == SYNACK_ESTABLISHED || s == SYNACK_CLOSE_WAIT;
}

void sy_keepalive_arm(struct synack_conn *c, synack_time_t now)
{
    const struct synack_conn_params *cfg = &c->prm;
    if (!c->prm.keepalive || !keepalive_state(c->state)) {
        sy_timer_set(c, SY_TIMER_KEEPALIVE, SYNACK_TIME_NEVER);
        return;
    }
    synack_time_t at = c->last_rcv + cfg->keepidle + (synack_time_t)c->ka_probes * cfg->keepintvl;
    sy_timer_set(c, SY_TIMER_KEEPALIVE, at > now ? at : now + cfg->keepintvl);
}

void sy_keepalive_on_segment(struct synack_conn *c, synack_time_t now)
{
    c->last_rcv = now;
    c->ka_probes = 0;
}

bool sy_keepalive_expired(struct synack_conn *c, synack_time_t now)
{
    const struct synack_conn_params *cfg = &c->prm;
    synack_time_t due = c->last_rcv + cfg->keepidle + (synack_time_t)c->ka_probes * cfg->keepintvl;
    if (c->snd_max != c->snd_una && keepalive_state(c->state)) {
        /* Data in flight: the retransmission timer watches the peer; look again later. */
        sy_timer_set(c, SY_TIMER_KEEPALIVE, now + cfg->keepintvl);
        return false;
    }
    if (!keepalive_state(c->state) || now < due) { /* heard from the peer since */
        sy_keepalive_arm(c, now);
        return false;
    }
    if (c->ka_probes >= cfg->keepcnt) {
        c->stack->counters.conns_timed_out++;
        sy_send_rst_conn(c, SYNACK_RST_KEEPALIVE, now);
        if (c->user_ref) sy_conn_error(c, -ETIMEDOUT, now);
        sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_TIMEOUT, now);
        return sy_conn_reap(c);
    }
    c->ka_probes++;
    sy_emit_at(c, c->snd_una - 1, now); /* "an old sequence number": the peer must ACK it */
    sy_keepalive_arm(c, now);
    return false;
}

int synack_set_keepalive(struct synack_conn *c, bool on, synack_time_t now)
{
    if (!c) return -EINVAL;
    c->prm.keepalive = on;
    c->ka_probes = 0;
    if (c->last_rcv == 0 || c->last_rcv > now) c->last_rcv = now;
    sy_keepalive_arm(c, now);
    return 0;
}
