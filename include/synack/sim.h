/* synack — a simulated link joining two stacks, on the caller's virtual clock. */
#ifndef SYNACK_SIM_H
#define SYNACK_SIM_H

#include <synack/stack.h>

struct synack_simlink;

/* What the hook decides for a packet about to enter the link. */
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
