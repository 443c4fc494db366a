/* synack CLI — running a scenario: a client and a server stack joined by a simulated link, on a
 * virtual clock, every event recorded. */
#ifndef SYNACK_TOOLS_RUN_H
#define SYNACK_TOOLS_RUN_H

#include <synack/synack.h>

#include "scenario.h"
#include "trace.h"

/* The fixed setup of every run, so that output is reproducible. */
struct demo_setup {
    struct synack_addr addr[2]; /* client 10.0.0.1, server 10.0.0.2 */
    synack_time_t delay;        /* one-way link delay */
    struct synack_config cfg;   /* defaults with a fixed seed */
    synack_time_t horizon;      /* how long to run after the last step at most */
};

void demo_setup_init(struct demo_setup *setup);

/* The client's and the server's stacks, with their addresses, on a simulated link. */
struct demo_link {
    struct synack_stack *st[2];
    struct synack_simlink *link;
};
/* 0 or a negative errno; demo_link_close() frees what was made either way. */
int demo_link_open(struct demo_link *l, const struct demo_setup *setup);
void demo_link_close(struct demo_link *l);
/* Run sc and record everything into t (initialised by the caller). Returns 0 or a negative
 * errno when the stacks or the link could not be made. */
int demo_run(const struct scenario *sc, const struct demo_setup *setup, struct trace *t);

#endif
