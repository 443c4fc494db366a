/* synack CLI — a one-line summary of each phase of a run: the opening handshake, the data, the
 * close, TIME-WAIT. */
#ifndef SYNACK_TOOLS_SUMMARY_H
#define SYNACK_TOOLS_SUMMARY_H

#include <stdio.h>

#include "run.h"

void summary_print(FILE *f, const struct demo_setup *setup, const struct trace *t);

#endif
