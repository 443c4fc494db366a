/* tcp — round-trip time and the retransmission timeout (RFC 6298), with Karn's rule, and the
 * samples timestamps give (RFC 7323 §4.1, Appendix G). */
#include "tcp/tcb.h"
#include "util/seq.h"

void sy_rtt_est_init(struct sy_rtt_est *e, synack_time_t rto_initial)
{
    *e = (struct sy_rtt_est){.rto = rto_initial};
}

static synack_time_t clamp_rto(const struct sy_rtt_bounds *b, synack_time_t rto)
{
    if (rto < b->rto_min) rto = b->rto_min; /* §2.4 */
    if (rto > b->rto_max) rto = b->rto_max; /* §2.5 */
    return rto;
}

/* RTO = the value within §2.4-2.5's bounds, plus the slop (never past rto_max). */
static void set_rto(struct sy_rtt_est *e, const struct sy_rtt_bounds *b, synack_time_t base)
{
    base = clamp_rto(b, base);
    e->rto = base + b->slop < b->rto_max ? base + b->slop : b->rto_max;
    e->slop = e->rto - base;
}

/* §2.2 and §2.3 with alpha = 1/8 and beta = 1/4 (each divided by `samples`), K = 4, and
 * G = 1 ms, our timestamp clock. */
void sy_rtt_est_sample(struct sy_rtt_est *e, synack_time_t r, uint32_t samples,
                       const struct sy_rtt_bounds *b)
{
    const synack_time_t g = SYNACK_MSEC(1);
    synack_time_t n = samples ? samples : 1;
    e->latest = r;
    e->samples++;
    if (e->srtt == 0) {
        e->srtt = r ? r : 1;
        e->rttvar = r / 2;
    } else {
        /* RTTVAR first, with the SRTT of before (§2.3). */
        synack_time_t delta = e->srtt > r ? e->srtt - r : r - e->srtt;
        e->rttvar = ((4 * n - 1) * e->rttvar + delta) / (4 * n);
        e->srtt = ((8 * n - 1) * e->srtt + r) / (8 * n);
        if (e->srtt == 0) e->srtt = 1;
    }
    synack_time_t k = 4 * e->rttvar;
    set_rto(e, b, e->srtt + (k > g ? k : g));
}

void sy_rtt_est_backoff(struct sy_rtt_est *e, const struct sy_rtt_bounds *b)
{
    set_rto(e, b, (e->rto - e->slop) * 2);
}

static struct sy_rtt_bounds bounds(const struct synack_conn *c)
{
    const struct synack_config *cfg = &c->stack->cfg;
    return (struct sy_rtt_bounds){cfg->rto_min, cfg->rto_max, cfg->rto_slop};
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
    struct sy_rtt_bounds b = bounds(c);
    sy_rtt_est_sample(&c->rtt, now - c->rtt_start, 1, &b);
}

/* §5.5: back off the timer; Karn's rule: the timed segment may be a retransmission now. */
void sy_rtt_backoff(struct synack_conn *c)
{
    struct sy_rtt_bounds b = bounds(c);
    sy_rtt_est_backoff(&c->rtt, &b);
    c->rtt_timing = false;
}

/* RFC 7323 §4.1: with timestamps every ACK of new data carries the TSval it echoes, even for
 * a retransmission (Karn's ambiguity is gone), so each such ACK gives a sample. Appendix G:
 * ExpectedSamples = ceil(FlightSize / (2 * SMSS)), 2 for delayed ACKs. */
void sy_rtt_on_ack_ts(struct synack_conn *c, uint32_t ts_ecr, uint32_t flight, synack_time_t now)
{
    uint32_t ms = sy_opts_ts_now(c, now) - ts_ecr;
    if (ms > 3600u * 1000u) return; /* an echo from the future or absurdly old: no sample */
    c->rtt_timing = false;
    uint32_t per = 2u * sy_opts_payload_mss(c);
    uint32_t samples = per ? (flight + per - 1) / per : 1;
    struct sy_rtt_bounds b = bounds(c);
    sy_rtt_est_sample(&c->rtt, SYNACK_MSEC(ms), samples, &b);
}
