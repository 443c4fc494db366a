/* synack CLI — a recorded run as a ladder diagram: Client and Server columns, each segment an
 * arrow with its flags and relative seq/ack, each side's states and calls beside it. */
#ifndef SYNACK_TOOLS_LADDER_H
#define SYNACK_TOOLS_LADDER_H

#include <stdio.h>

#include "run.h"

/* Lines are at most LADDER_WIDTH columns, plain ASCII. */
#define LADDER_WIDTH 100

/* A whole recorded run: the scenario's header, the diagram, the summary of each phase. */
void ladder_print(FILE *f, const struct scenario *sc, const struct demo_setup *setup,
                  const struct trace *t);

/* The diagram as it happens, one entry at a time (synack listen/connect --trace). */
struct ladder {
    FILE *f;
    struct synack_addr addr[2]; /* the client's and the server's, for the arguments of OPENs */
    synack_time_t origin;       /* the time shown as 0 */
    synack_time_t shown;        /* the time last printed in the time column */
    bool cut_times;             /* past 100 s, cut milliseconds to the column (the demo's way)
                                 * rather than show seconds */
    bool time_wait[2];          /* the side has a connection in TIME-WAIT */
    bool fin_again[2];          /* a FIN arrived in TIME-WAIT: the ACK restarts 2*MSL */
    bool have_last_in[2];       /* the side's last segment received: when, and its flags */
    synack_time_t last_in_at[2];
    uint8_t last_in_flags[2];
    bool have_prev; /* the entry drawn before: a long pause gets a row of its own */
    synack_time_t prev_now;
    enum trace_kind prev_kind;
};
void ladder_start(struct ladder *l, FILE *f, const struct synack_addr addr[2],
                  synack_time_t origin);
/* The column titles with each side's address:port, and the first row of the lifelines. */
void ladder_titles(struct ladder *l, const struct synack_endpoint ep[2]);
/* Draw one entry: a segment's arrow, a state change, a call, a drop, a note. */
void ladder_entry(struct ladder *l, const struct trace_entry *e);

#endif
