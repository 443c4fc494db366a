/* synack — a simulated link joining two stacks, on the caller's virtual clock. */
#ifndef SYNACK_SIM_H
#define SYNACK_SIM_H

#include <synack/stack.h>

struct synack_simlink;

/* What the hook decides for a packet about to enter the link. The hook runs before the faults
 * below; those apply only to packets it passes. */
enum synack_sim_verdict {
    SYNACK_SIM_PASS,      /* deliver after the link delay */
    SYNACK_SIM_DROP,      /* lose it */
    SYNACK_SIM_DUPLICATE, /* deliver it twice */
    SYNACK_SIM_HOLD,      /* deliver it *extra_delay later than the link delay */
};

/* side: 0 for packets sent by stack a, 1 for stack b. */
typedef enum synack_sim_verdict (*synack_sim_hook)(void *ctx, int side, const uint8_t *packet,
                                                   size_t len, synack_time_t now,
                                                   synack_time_t *extra_delay);

/* One-way delay for both directions. Adds a device to each stack (index returned in *dev_a/b). */
struct synack_simlink *synack_simlink_new(struct synack_stack *a, struct synack_stack *b,
                                          synack_time_t delay, int *dev_a, int *dev_b);
void synack_simlink_free(struct synack_simlink *link);
void synack_simlink_set_hook(struct synack_simlink *link, synack_sim_hook hook, void *ctx);

/* Seeded faults of one direction (packets sent by stack a: side 0; by b: side 1), applied in
 * this order to each packet the hook passes: loss; a drop-tail queue in front of a bandwidth
 * limit; then the link delay plus jitter; reordering; duplication. Each direction draws from its
 * own generator (splitmix64), four draws a packet whatever happens to it, so a run is
 * reproducible from its seeds and one direction's traffic never shifts the other's faults.
 * All zero (the state of a new link) is a perfect link. A packet sent at t arrives at
 *   t + queueing + len*8/rate + delay + [0, jitter]  (+ reorder_delay if reordered). */
struct synack_sim_faults {
    double loss;                 /* probability a packet is lost, 0..1 */
    double duplicate;            /* probability a packet is delivered twice (both copies at
                                  * the same time, one after the other) */
    double reorder;              /* probability a packet is held back reorder_delay after the
                                  * rest, so packets sent after it overtake it */
    synack_time_t reorder_delay; /* how long; 0 = twice the link delay, at least 1 ms */
    synack_time_t jitter;        /* extra delay uniform in [0, jitter] that keeps the order (as
                                  * a queue would): a packet is never delivered before one sent
                                  * earlier the same way; only `reorder` lets packets overtake */
    uint64_t rate_bps;           /* bandwidth in bit/s: each packet takes len*8/rate; 0 = none */
    size_t queue_limit;          /* bytes waiting for the bandwidth limit before drop-tail;
                                  * 0 = unbounded */
};

/* Counters of one direction. Once the link is empty and no hook drops or adds packets,
 * delivered = sent - lost - queue_drops + duplicated. */
struct synack_sim_stats {
    uint64_t sent;        /* packets the stack sent this way (those the hook dropped included) */
    uint64_t delivered;   /* packets handed to the other stack (duplicates included) */
    uint64_t lost;        /* dropped by the loss probability */
    uint64_t queue_drops; /* dropped at the tail of the full queue */
    uint64_t duplicated;  /* delivered a second time */
    uint64_t reordered;   /* held back reorder_delay */
    uint64_t bytes_delivered;
};

/* Sets the faults of a direction and restarts its generator from `seed` (any value, 0
 * included). Returns 0, or -EINVAL for a bad side or a probability outside [0, 1] (or NaN). */
int synack_simlink_set_faults(struct synack_simlink *link, int side,
                              const struct synack_sim_faults *faults, uint64_t seed);
/* The counters of a direction (all zero for a side other than 0 or 1). */
void synack_simlink_stats(const struct synack_simlink *link, int side,
                          struct synack_sim_stats *out);

/* Put a packet on the link as if stack `side` had sent it (hook and faults apply). */
int synack_simlink_send(struct synack_simlink *link, int side, const uint8_t *packet, size_t len,
                        synack_time_t now);

/* Deliver every packet due at or before now. */
void synack_simlink_poll(struct synack_simlink *link, synack_time_t now);
synack_time_t synack_simlink_next_deadline(const struct synack_simlink *link);
/* Packets in flight. */
size_t synack_simlink_in_flight(const struct synack_simlink *link);

/* Advance both stacks and the link until now reaches `until` or nothing remains to do.
 * Returns the time reached. */
synack_time_t synack_simlink_run(struct synack_simlink *link, synack_time_t now,
                                 synack_time_t until);

#endif
