/* tcp — congestion control behind a small table of functions, as FreeBSD's cc modules.
 *
 * The module owns cwnd and ssthresh outside loss recovery and decides them at a congestion
 * signal. Inside fast recovery the sender itself inflates and deflates cwnd (RFC 6582 §3.2 for
 * NewReno-style recovery; with SACK, RFC 6675's pipe), then calls post_recovery.
 * All sizes are bytes; mss is the sender's segment size (SMSS). */
#ifndef SY_TCP_CC_H
#define SY_TCP_CC_H

#include <stdbool.h>
#include <stdint.h>

#include <synack/stack.h>

/* The largest cwnd: the largest window TCP can offer (RFC 7323 §2.3, 2^30 bytes). More never
 * lets more be sent, and SND.UNA + cwnd must stay within 2^31 of SND.UNA for sequence-number
 * comparisons to hold (a loss-free transfer of 2 GiB once stalled on a cwnd past 2^31). */
#define SY_CC_CWND_MAX (1u << 30)

enum sy_cc_signal {
    SY_CC_NDUPACK, /* fast retransmit: three duplicate ACKs or SACK loss detection (RFC 5681 §3.2)
                    */
    SY_CC_RTO,     /* retransmission timeout (RFC 5681 §3.1, (4)) */
};

struct sy_cc_cubic {
    bool in_epoch;             /* a congestion-avoidance epoch is running */
    synack_time_t epoch_start; /* when it began */
    double w_max;              /* segments: cwnd before the last reduction (RFC 9438 §4.6-4.7) */
    double k;                  /* seconds until W_cubic reaches W_max again (§4.2, eq. 2) */
    double w_est;              /* the Reno-friendly estimate (§4.3), segments */
    double cwnd_prior;         /* segments: cwnd when ssthresh was last set (§4.3's alpha) */
};

/* HyStart++ (RFC 9406): leaves the first slow start when the RTT starts to rise, through a
 * few rounds of Conservative Slow Start, before the queue overflows. */
struct sy_hystart {
    bool on; /* cfg.hystart; only the initial slow start uses it (§4.3) */
    bool round_open, in_css;
    uint32_t window_end; /* a round ends when SND.UNA reaches it (§4.2) */
    synack_time_t last_round_min, cur_round_min, css_baseline; /* SYNACK_TIME_NEVER: none */
    unsigned samples, css_rounds;
};

struct sy_cc {
    const struct sy_cc_ops *ops;
    uint32_t cwnd, ssthresh; /* bytes; ssthresh starts "arbitrarily high" (RFC 5681 §3.1) */
    uint32_t mss;
    uint32_t flight;      /* FlightSize (bytes outstanding), kept up to date by the sender */
    uint32_t bytes_acked; /* congestion avoidance byte counter (RFC 3465 §2.1) */
    synack_time_t srtt;   /* smoothed RTT, 0 before the first sample, kept by the sender */
    synack_time_t rtt;    /* the RTT sample this ACK gave, 0 if none (kept by the sender) */
    uint32_t una, nxt;    /* SND.UNA after this ACK and SND.NXT (kept by the sender) */
    struct sy_hystart hs;
    union {
        struct sy_cc_cubic cubic;
    } u;
};

struct sy_cc_ops {
    const char *name;
    /* cwnd = initial window (RFC 6928: min(iw*MSS, max(2*MSS, 14600)) for iw 10; RFC 5681 §3.1
     * for others), ssthresh = UINT32_MAX. */
    void (*init)(struct sy_cc *cc, uint32_t mss, unsigned iw_segments, synack_time_t now);
    /* New data acknowledged outside recovery: slow start or congestion avoidance, with
     * appropriate byte counting (RFC 3465, L = 2*MSS in slow start). */
    void (*ack_received)(struct sy_cc *cc, uint32_t acked, synack_time_t now);
    /* A congestion signal: set ssthresh (and for RTO cwnd = 1 MSS, RFC 5681 §3.1 (4)).
     * For NDUPACK the module sets ssthresh only; the sender then sets cwnd for recovery. */
    void (*cong_signal)(struct sy_cc *cc, enum sy_cc_signal sig, synack_time_t now);
    /* Fast recovery ended (full ACK): cwnd from ssthresh (RFC 6582 §3.2 step 3). */
    void (*post_recovery)(struct sy_cc *cc, synack_time_t now);
};

const struct sy_cc_ops *sy_cc_newreno_ops(void);
const struct sy_cc_ops *sy_cc_cubic_ops(void);

/* Shared arithmetic (cc.c): RFC 6928's initial window, RFC 3465 slow start (L = 2*SMSS),
 * RFC 5681 eq. (4)'s max(FlightSize/2, 2*SMSS). */
uint32_t sy_cc_initial_window(uint32_t mss, unsigned iw_segments);
/* Slow start for `acked` bytes; with HyStart++ on, its rounds and exit (hystart.c). */
void sy_cc_slow_start(struct sy_cc *cc, uint32_t acked);
/* HyStart++ for one ACK in the initial slow start: the increase slow start would make becomes
 * the increase to make (a quarter in CSS); ends slow start by ssthresh = cwnd after CSS. */
uint32_t sy_hystart_on_ack(struct sy_cc *cc, uint32_t increase);
void sy_hystart_init(struct sy_hystart *h, bool on);
uint32_t sy_cc_half_flight(const struct sy_cc *cc);

/* The module of a configured algorithm. */
const struct sy_cc_ops *sy_cc_lookup(enum synack_cc which);

#endif
