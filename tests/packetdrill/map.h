/* packetdrill runner — mapping sequence numbers, SACK blocks and timestamps between the script's
 * space and the live connection, as packetdrill does:
 *   - the script's own numbers are live, and after its SYN they count from its ISN;
 *   - the stack's numbers count from the stack's ISN (a SYN's own number from the script's ISN
 *     for it), learned from the stack's SYN or SYN,ACK;
 *   - outbound TS val counts from the first one seen; inbound TS ecr takes back the live TS val
 *     the script saw under that number (or the same distance from the first one). */
#ifndef PD_MAP_H
#define PD_MAP_H

#include "run.h"

/* The live segment to inject for script packet p on socket s (s may be NULL: nothing known). */
void pd_map_inbound(const struct pd_sock *s, const struct pd_packet *p, struct pd_seg *seg);
/* An outbound segment in script space, for comparing with want (NULL: only for showing).
 * Only the IP fields that want checks are filled in. */
void pd_map_outbound(const struct pd_sock *s, const struct pd_seg *seg,
                     const struct pd_packet *want, struct pd_packet *act);
/* Remember that script TS val `script` was live `live` (the first pair anchors the mapping). */
void pd_map_ts_learn(struct pd_sock *s, uint32_t script, uint32_t live);

/* Offsets (added to a script number to get the live one). */
uint32_t pd_local_offset(const struct pd_sock *s, bool syn);
uint32_t pd_remote_offset(const struct pd_sock *s, bool syn);

/* The TS option of an option area: its offset, or -1. */
int pd_find_ts(const uint8_t *opts, size_t len);

#endif
