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
/* Run sc and record everything into t (initialised by the caller). Returns 0 or a negative
 * errno when the stacks or the link could not be made. */
int demo_run(const struct scenario *sc, const struct demo_setup *setup, struct trace *t);

#endif
