/* synack CLI — the ladder diagram of live connections (synack listen/connect --trace): each
 * connection of the stack drawn as it happens, in the same form as synack demo, with the kernel
 * (or whoever the peer is) as the other column. Only this stack's events are seen: a segment
 * that arrives is drawn as the peer's arrow. */
#ifndef SYNACK_TOOLS_LIVE_TRACE_H
#define SYNACK_TOOLS_LIVE_TRACE_H

#include <stdio.h>

#include <synack/synack.h>

#include "trace.h"

struct live_trace;

/* our_side: SIDE_SERVER for listen, SIDE_CLIENT for connect. Times are shown from origin. */
struct live_trace *live_trace_new(FILE *f, int our_side, synack_time_t origin);
void live_trace_free(struct live_trace *lt);

/* Every event of the stack (the stack's event callback). */
void live_trace_event(struct live_trace *lt, const struct synack_event *ev);

/* A call is drawn before what it causes: begin holds the events until end. c is the connection
 * the call is about when it is known before the call (NULL for connect); at end, c is the one
 * the call made (connect, accept) or NULL. */
void live_trace_call_begin(struct live_trace *lt, struct synack_conn *c);
void live_trace_call_end(struct live_trace *lt, struct synack_conn *c, enum demo_call call,
                         long result, const void *data, size_t len, synack_time_t now);

/* The call drew nothing worth showing (a recv that found no data): release what it held. */
void live_trace_call_cancel(struct live_trace *lt);

/* At the end of each turn: forget what belongs to no connection any more. */
void live_trace_tidy(struct live_trace *lt);

#endif
