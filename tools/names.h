/* synack CLI — names for what the demo prints: sides, calls, errno codes, times. */
#ifndef SYNACK_TOOLS_NAMES_H
#define SYNACK_TOOLS_NAMES_H

#include <stddef.h>

#include "trace.h"

const char *side_name(int side);         /* "client", "server" */
const char *side_title(int side);        /* "Client", "Server" */
const char *call_name(enum demo_call c); /* "connect", "close", ... */
/* "ECONNREFUSED" for -ECONNREFUSED; NULL for an unknown code. */
const char *errno_name(int err);
/* "20.0 ms" below 10 s, "60 s" or "60.36 s" above. */
const char *format_duration(synack_time_t us, char *buf, size_t len);
/* "20.0" (milliseconds with one decimal). */
const char *format_ms(synack_time_t us, char *buf, size_t len);

#endif
