/* tcp — CUBIC congestion control (RFC 9438). Window arithmetic in segments and seconds, as the
 * RFC writes it; cwnd is kept in bytes in struct sy_cc. Slow start is RFC 5681's with RFC 3465's
 * byte counting, and HyStart++ (§4.10, RFC 9406; hystart.c) in the initial slow start. */
#include <math.h>

#include "tcp/cc.h"

#define CUBIC_C           0.4 /* §5.1 */
#define CUBIC_BETA        0.7 /* §4.6 */
#define CUBIC_RTT_UNKNOWN 0.1 /* seconds, before the first RTT sample */

/* §4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta), 1 once W_est has reached cwnd_prior, the
 * window when ssthresh was last set (not W_max, which fast convergence or a timeout moves). */
static double reno_alpha(const struct sy_cc_cubic *k)
{
    return k->w_est >= k->cwnd_prior ? 1.0 : 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);
}

/* Segments back to bytes, saturating at SY_CC_CWND_MAX. */
static uint32_t seg_bytes(double segs, uint32_t mss)
{
    double bytes = segs * mss;
    return bytes >= (double)SY_CC_CWND_MAX ? SY_CC_CWND_MAX : (uint32_t)bytes;
}

/* §4.2 eq. (1): W_cubic(t) = C * (t - K)^3 + W_max. */
static double w_cubic(const struct sy_cc_cubic *k, double t)
{
    double d = t - k->k;
    return CUBIC_C * d * d * d + k->w_max;
}

static void cubic_init(struct sy_cc *cc, uint32_t mss, unsigned iw, synack_time_t now)
{
    (void)now;
    cc->mss = mss;
    cc->cwnd = sy_cc_initial_window(mss, iw);
    cc->ssthresh = UINT32_MAX;
    cc->bytes_acked = 0;
    cc->u.cubic = (struct sy_cc_cubic){0};
}

/* A new epoch at the first ACK of congestion avoidance (§4.2): K from eq. (2). With no
 * reduction to recover from (after a timeout, §4.8, or leaving slow start without loss,
 * §4.10) W_max is the window now and K = 0. */
static void epoch_begin(struct sy_cc_cubic *k, double cwnd, synack_time_t now)
{
    k->in_epoch = true;
    k->epoch_start = now;
    if (k->w_max < cwnd) k->w_max = cwnd;
    k->k = cbrt((k->w_max - cwnd) / CUBIC_C);
    k->w_est = cwnd;
}

/* §4.3-4.5: the Reno-friendly estimate grows by alpha per window of ACKs; cwnd follows it when
 * W_cubic is below it, else grows toward target = W_cubic(t + RTT), clamped to [cwnd, 1.5 cwnd]. */
static void cubic_avoid(struct sy_cc *cc, uint32_t acked, synack_time_t now)
{
    struct sy_cc_cubic *k = &cc->u.cubic;
    double cwnd = (double)cc->cwnd / cc->mss, segs = (double)acked / cc->mss;
    if (!k->in_epoch) epoch_begin(k, cwnd, now);
    double t = (double)(now - k->epoch_start) / 1e6;
    double rtt = cc->srtt ? (double)cc->srtt / 1e6 : CUBIC_RTT_UNKNOWN;
    k->w_est += reno_alpha(k) * segs / cwnd;
    double next;
    if (w_cubic(k, t) < k->w_est) {
        next = k->w_est; /* Reno-friendly region (§4.3) */
    } else {
        double target = w_cubic(k, t + rtt);
        if (target < cwnd) target = cwnd;
        if (target > 1.5 * cwnd) target = 1.5 * cwnd;
        next = cwnd + (target - cwnd) / cwnd * segs; /* concave or convex (§4.4, §4.5) */
    }
    if (next > cwnd) cc->cwnd = seg_bytes(next, cc->mss);
}

static void cubic_ack(struct sy_cc *cc, uint32_t acked, synack_time_t now)
{
    if (cc->cwnd < cc->ssthresh)
        sy_cc_slow_start(cc, acked);
    else
        cubic_avoid(cc, acked, now);
}

/* §4.6: ssthresh = max(FlightSize * beta_cubic, 2*SMSS), as the RFC writes it. FlightSize, not
 * cwnd: the RFC allows cwnd only with other guards against growth while application-limited,
 * and FlightSize holds ssthresh when the timer expires again on the same retransmission (cwnd
 * is then one segment; RFC 5681 §3.1 keeps ssthresh). A zero FlightSize cannot come from the
 * sender (a signal needs data outstanding); it stands for "unknown" and cwnd is used. */
static void set_ssthresh(struct sy_cc *cc)
{
    uint32_t base = cc->flight ? cc->flight : cc->cwnd;
    uint32_t ss = (uint32_t)(base * CUBIC_BETA);
    cc->ssthresh = ss > 2 * cc->mss ? ss : 2 * cc->mss;
}

/* §4.6-4.7 for fast retransmit: W_max = cwnd, or cwnd * (1 + beta) / 2 when the window was still
 * below the last W_max (fast convergence); the sender sets cwnd for recovery. §4.8 for a
 * timeout: cwnd = 1 SMSS and the next epoch starts with K = 0 and W_max = the window then. */
static void cubic_signal(struct sy_cc *cc, enum sy_cc_signal sig, synack_time_t now)
{
    (void)now;
    struct sy_cc_cubic *k = &cc->u.cubic;
    double cwnd = (double)cc->cwnd / cc->mss;
    set_ssthresh(cc);
    cc->bytes_acked = 0;
    k->in_epoch = false;
    switch (sig) {
    case SY_CC_NDUPACK:
        k->w_max = cwnd < k->w_max ? cwnd * (1.0 + CUBIC_BETA) / 2.0 : cwnd;
        k->cwnd_prior = cwnd;
        break;
    case SY_CC_RTO:
        if (cc->cwnd > cc->mss) k->cwnd_prior = cwnd; /* again: keep the window before */
        k->w_max = 0;
        cc->cwnd = cc->mss;
        break;
    }
}

static void cubic_post_recovery(struct sy_cc *cc, synack_time_t now)
{
    (void)now;
    cc->cwnd = cc->ssthresh; /* §4.6: cwnd = ssthresh when recovery ends */
}

static const struct sy_cc_ops cubic_ops = {
    .name = "cubic",
    .init = cubic_init,
    .ack_received = cubic_ack,
    .cong_signal = cubic_signal,
    .post_recovery = cubic_post_recovery,
};

const struct sy_cc_ops *sy_cc_cubic_ops(void)
{
    return &cubic_ops;
}
