/* tcp — the persist timer (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17). When data waits and nothing
 * is in flight because the peer's window is closed, or too small to send under silly window
 * avoidance (§3.8.6.2.1), this timer replaces the retransmission timer: a closed window draws a
 * one-octet probe, a small one a forced segment. The first goes after one RTO, later ones back
 * off exponentially up to rto_max. Its backoff is its own: the RTO the data will use when the
 * window opens is left as it was. While the peer answers, probing goes on for ever; the
 * connection's data_retries unanswered probes end it with ETIMEDOUT. */
#include "tcp/tcb.h"
#include "util/seq.h"

/* RTO << shift, within [rto_min, rto_max]. */
static synack_time_t persist_interval(const struct synack_conn *c)
{
    const struct synack_config *cfg = &c->stack->cfg;
    synack_time_t t = c->rtt.rto;
    for (unsigned i = 0; i < c->persist_shift && t < cfg->rto_max; i++)
        t *= 2;
    if (t < cfg->rto_min) t = cfg->rto_min;
    return t > cfg->rto_max ? cfg->rto_max : t;
}

void sy_persist_update(struct synack_conn *c, bool waiting, synack_time_t now)
{
    bool in_flight = c->snd_nxt != c->snd_una; /* a probe's octet does not count: SND.NXT stays */
    if (waiting && !in_flight) {
        sy_timer_rtx_stop(c);
        if (!sy_timer_armed(c, SY_TIMER_PERSIST))
            sy_timer_set(c, SY_TIMER_PERSIST, now + persist_interval(c));
        return;
    }
    if (sy_timer_armed(c, SY_TIMER_PERSIST)) sy_timer_set(c, SY_TIMER_PERSIST, SYNACK_TIME_NEVER);
    c->persist_shift = 0;
    c->probes_out = 0;
    /* RFC 6298 §5.1: the retransmission timer runs while anything is unacknowledged. */
    if (!sy_timer_armed(c, SY_TIMER_RTX) && c->snd_max != c->snd_una) sy_timer_rtx_arm(c, now);
}

/* The probe: one octet at SND.NXT, beyond the closed window. SND.MAX covers it (an ACK of it is
 * acceptable) but SND.NXT stays: a receiver with no room does not take it (§3.10.7.4), and what
 * follows must start at SND.UNA again. */
static void send_probe(struct synack_conn *c, synack_time_t now)
{
    uint32_t off = c->snd_nxt - sy_snd_data_seq(c);
    sy_emit(c, c->snd_nxt, SY_TH_ACK, off, 1, now);
    if (sy_seq_gt(c->snd_nxt + 1, c->snd_max)) c->snd_max = c->snd_nxt + 1;
    c->stack->counters.window_probes++;
}

bool sy_persist_expired(struct synack_conn *c, synack_time_t now)
{
    if (c->probes_out >= c->prm.data_retries) return sy_conn_give_up(c, now);
    if (c->snd_wnd != 0) { /* a small window: the override of §3.8.6.2.1 sends what fits */
        sy_output_force(c, now);
        return false;
    }
    uint32_t unsent_off = c->snd_nxt - sy_snd_data_seq(c);
    if (c->snd_nxt != c->snd_una || sy_ring_len(&c->sndbuf) <= unsent_off) {
        sy_output(c, now); /* nothing to probe with any more: the usual timers take over */
        return false;
    }
    c->probes_out++;
    send_probe(c, now);
    if (c->persist_shift < 30) c->persist_shift++;
    sy_timer_set(c, SY_TIMER_PERSIST, now + persist_interval(c));
    return false;
}

void sy_persist_on_ack(struct synack_conn *c)
{
    c->probes_out = 0; /* the peer answers: RFC 1122 §4.2.2.17 keeps the connection open */
}
