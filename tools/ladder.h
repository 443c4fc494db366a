/* synack CLI — a recorded run as a ladder diagram: Client and Server columns, each segment an
 * arrow with its flags and relative seq/ack, each side's states and calls beside it. */
#ifndef SYNACK_TOOLS_LADDER_H
#define SYNACK_TOOLS_LADDER_H

#include <stdio.h>

#include "run.h"

/* Lines are at most LADDER_WIDTH columns, plain ASCII. */
#define LADDER_WIDTH 100

void ladder_print(FILE *f, const struct scenario *sc, const struct demo_setup *setup,
                  const struct trace *t);

#endif
