/* tcp — NewReno congestion control: RFC 5681 slow start and congestion avoidance with
 * appropriate byte counting (RFC 3465), the RFC 5681 reductions, and RFC 6582's exit from fast
 * recovery. */
#include "tcp/cc.h"

static void newreno_init(struct sy_cc *cc, uint32_t mss, unsigned iw, synack_time_t now)
{
    (void)now;
    cc->mss = mss;
    cc->cwnd = sy_cc_initial_window(mss, iw);
    cc->ssthresh = UINT32_MAX; /* "arbitrarily high" (RFC 5681 §3.1) */
    cc->bytes_acked = 0;
}

/* RFC 3465 §2.1: in congestion avoidance, count the bytes acknowledged and grow cwnd by one
 * SMSS for each cwnd's worth. */
static void newreno_ack(struct sy_cc *cc, uint32_t acked, synack_time_t now)
{
    (void)now;
    if (cc->cwnd < cc->ssthresh) {
        sy_cc_slow_start(cc, acked);
        return;
    }
    uint64_t counted = (uint64_t)cc->bytes_acked + acked; /* saturating, as slow start */
    if (counted >= cc->cwnd) {
        counted -= cc->cwnd;
        cc->cwnd = cc->cwnd > SY_CC_CWND_MAX - cc->mss ? SY_CC_CWND_MAX : cc->cwnd + cc->mss;
    }
    cc->bytes_acked = counted > UINT32_MAX ? UINT32_MAX : (uint32_t)counted;
}

static void newreno_signal(struct sy_cc *cc, enum sy_cc_signal sig, synack_time_t now)
{
    (void)now;
    cc->ssthresh = sy_cc_half_flight(cc);
    cc->bytes_acked = 0;
    switch (sig) {
    case SY_CC_NDUPACK: break;                 /* the sender sets cwnd for recovery */
    case SY_CC_RTO: cc->cwnd = cc->mss; break; /* RFC 5681 §3.1: the loss window */
    }
}

/* RFC 6582 §3.2 step 4, option 1: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS). */
static void newreno_post_recovery(struct sy_cc *cc, synack_time_t now)
{
    (void)now;
    uint32_t flight = cc->flight > cc->mss ? cc->flight : cc->mss;
    uint32_t w = flight + cc->mss;
    cc->cwnd = w < cc->ssthresh ? w : cc->ssthresh;
}

static const struct sy_cc_ops newreno_ops = {
    .name = "newreno",
    .init = newreno_init,
    .ack_received = newreno_ack,
    .cong_signal = newreno_signal,
    .post_recovery = newreno_post_recovery,
};

const struct sy_cc_ops *sy_cc_newreno_ops(void)
{
    return &newreno_ops;
}
