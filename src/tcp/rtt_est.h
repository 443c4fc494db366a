/* tcp — the RTT estimator of RFC 6298 §2, apart from any connection (DESIGN: the arithmetic of
 * one rule in one place, testable by hand). Times in microseconds. */
#ifndef SY_TCP_RTT_EST_H
#define SY_TCP_RTT_EST_H

#include <synack/types.h>

struct sy_rtt_est {
    synack_time_t srtt, rttvar; /* 0 before the first sample */
    synack_time_t rto;
    synack_time_t slop;   /* how much of rto is the bounds' slop */
    synack_time_t latest; /* the last measurement */
    uint64_t samples;     /* how many were taken */
};

/* The bounds of §2.4 and §2.5. */
struct sy_rtt_bounds {
    synack_time_t rto_min, rto_max;
    synack_time_t slop; /* added to each computed or backed-off RTO (BSD's rexmit_slop) */
};

/* §2.1: before any sample, RTO is the initial value. */
void sy_rtt_est_init(struct sy_rtt_est *e, synack_time_t rto_initial);
/* §2.2-2.3 for a measurement r. `samples` is how many measurements a window yields: 1 when one
 * segment per RTT is timed; with timestamps, RFC 7323 Appendix G's ExpectedSamples, which
 * divides alpha and beta so that a window's samples weigh what one would. */
void sy_rtt_est_sample(struct sy_rtt_est *e, synack_time_t r, uint32_t samples,
                       const struct sy_rtt_bounds *b);
/* §5.5: double the RTO, within the bounds. */
void sy_rtt_est_backoff(struct sy_rtt_est *e, const struct sy_rtt_bounds *b);

#endif
