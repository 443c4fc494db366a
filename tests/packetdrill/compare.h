/* packetdrill runner — does the stack's segment match the script's expected packet? Field by
 * field as packetdrill checks them: IP tos/ECN/ttl when the script gives them, flags, sequence
 * number, payload length, ack field, window (unless "win" is absent), urgent pointer, and the
 * options in their order (unless "<...>"): kinds must agree one by one, values too except the
 * timestamps (TS val only with --tcp_ts_tick_usecs). */
#ifndef PD_COMPARE_H
#define PD_COMPARE_H

#include "run.h"

/* 0 on a match; -1 with the first differing field described in what. Learns the TS mapping. */
int pd_compare(struct pd_run *r, const struct pd_packet *want, const struct pd_seg *seg, char *what,
               size_t cap);

#endif
