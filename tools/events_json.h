/* synack CLI — a recorded run as JSON lines: one object per event or call. */
#ifndef SYNACK_TOOLS_EVENTS_JSON_H
#define SYNACK_TOOLS_EVENTS_JSON_H

#include <stdio.h>

#include "run.h"

/* A first line describes the run ("type":"scenario"); then one line per trace entry. */
void events_json_print(FILE *f, const struct scenario *sc, const struct demo_setup *setup,
                       const struct trace *t);

#endif
