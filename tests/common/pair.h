/* Test helper: a client and a server stack joined by a simulated link, with an event log. */
#ifndef SY_TEST_PAIR_H
#define SY_TEST_PAIR_H

#include <synack/synack.h>

#define PAIR_MAX_EVENTS 4096

struct pair_event {
    int side; /* 0 client, 1 server */
    struct synack_event ev;
};

struct pair {
    struct synack_stack *st[2];
    struct synack_simlink *link;
    struct synack_addr addr[2];
    synack_time_t now;
    struct pair_event log[PAIR_MAX_EVENTS];
    size_t nlog;
    /* Optional packet hook: drop the Nth packet (1-based) from a side matching flags. */
    int drop_side;
    uint8_t drop_flags; /* exact TCP flags byte to match, 0 = no dropping */
    int drop_count;     /* how many matching packets to drop */
};

void pair_init(struct pair *p, const struct synack_config *cfg, synack_time_t delay);
void pair_free(struct pair *p);
/* Run until `until` or until nothing is left to do. */
void pair_run(struct pair *p, synack_time_t until);
/* Number of logged events of a side matching type (and for STATE, new_state). */
size_t pair_count_state(const struct pair *p, int side, enum synack_state st);
size_t pair_count_segments(const struct pair *p, int side, uint8_t flags);
/* Index of the first event at or after `from` of side/type matching; SIZE_MAX if none. */
size_t pair_find_state(const struct pair *p, size_t from, int side, enum synack_state st);

#endif
