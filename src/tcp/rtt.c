/* tcp — round-trip time and the retransmission timeout (RFC 6298), with Karn's rule. */
#include "tcp/tcb.h"
#include "util/seq.h"

static synack_time_t clamp_rto(const struct synack_conn *c, synack_time_t rto)
{
    const struct synack_config *cfg = &c->stack->cfg;
    if (rto < cfg->rto_min) rto = cfg->rto_min; /* §2.4 */
    if (rto > cfg->rto_max) rto = cfg->rto_max; /* §2.5 */
    return rto;
}

/* §2.2 and §2.3 with alpha = 1/8, beta = 1/4, K = 4, G = 1 ms (our timestamp clock). */
void sy_rtt_sample(struct synack_conn *c, synack_time_t r)
{
    const synack_time_t g = SYNACK_MSEC(1);
    if (c->srtt == 0) {
        c->srtt = r ? r : 1;
        c->rttvar = r / 2;
    } else {
        synack_time_t delta = c->srtt > r ? c->srtt - r : r - c->srtt;
        c->rttvar = (3 * c->rttvar + delta) / 4;
        c->srtt = (7 * c->srtt + r) / 8;
        if (c->srtt == 0) c->srtt = 1;
    }
    synack_time_t k = 4 * c->rttvar;
    c->rto = clamp_rto(c, c->srtt + (k > g ? k : g));
}

/* Time one segment at a time (§3 of RFC 6298 allows it); Karn: never a retransmitted one. */
void sy_rtt_on_send(struct synack_conn *c, uint32_t seq, synack_time_t now)
{
    if (c->rtt_timing) return;
    c->rtt_timing = true;
    c->rtt_seq = seq;
    c->rtt_start = now;
}

void sy_rtt_on_ack(struct synack_conn *c, uint32_t ack, synack_time_t now)
{
    if (!c->rtt_timing || !sy_seq_gt(ack, c->rtt_seq)) return;
    c->rtt_timing = false;
    sy_rtt_sample(c, now - c->rtt_start);
}

/* §5.5: back off the timer; Karn's rule: the timed segment may be a retransmission now. */
void sy_rtt_backoff(struct synack_conn *c)
{
    c->rto = clamp_rto(c, c->rto * 2);
    c->rtt_timing = false;
}

/* RFC 7323 §4.1: with timestamps every ACK of new data carries the TSval it echoes, even for
 * a retransmission (Karn's ambiguity is gone), so each such ACK gives a sample. */
void sy_rtt_on_ack_ts(struct synack_conn *c, uint32_t ts_ecr, synack_time_t now)
{
    uint32_t ms = sy_opts_ts_now(c, now) - ts_ecr;
    if (ms > 3600u * 1000u) return; /* an echo from the future or absurdly old: no sample */
    c->rtt_timing = false;
    sy_rtt_sample(c, SYNACK_MSEC(ms));
}
