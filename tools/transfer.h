/* synack CLI — `synack demo --scenario transfer`: a bulk transfer over a faulty simulated link,
 * the handshake and the close drawn as ladder diagrams, the data phase summarised with its loss
 * events and recoveries, and the data checked at the end. */
#ifndef SYNACK_TOOLS_TRANSFER_H
#define SYNACK_TOOLS_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

struct transfer_opts {
    uint64_t bytes;                                  /* client -> server (default 1 MiB) */
    double loss, reorder;                            /* per packet, each direction, 0..0.5 */
    uint64_t seed;                                   /* the link's faults and the data */
    bool bytes_set, loss_set, reorder_set, seed_set; /* given on the command line */
};

#define TRANSFER_DEFAULT_BYTES (1u << 20)
#define TRANSFER_MAX_BYTES     (1ull << 30)
#define TRANSFER_MAX_LOSS      0.5

void transfer_opts_init(struct transfer_opts *o);
/* Run and print (text or JSON lines). Returns the exit status: 0, or 1 when the run failed (the
 * transfer did not complete or the data differ). */
int transfer_demo(const struct scenario *sc, const struct transfer_opts *o, bool json, FILE *out);

#endif
