/* packetdrill runner — a packet as a script line writes it ("S. 0:0(0) ack 1 win 65535 <mss
 * 1460,nop,nop,sackOK>"), for the expected and the actual segment of a failure. */
#ifndef PD_FORMAT_H
#define PD_FORMAT_H

#include <stddef.h>

#include "script.h"

/* Writes into buf (always NUL-terminated) and returns buf. */
const char *pd_format_packet(const struct pd_packet *p, char *buf, size_t cap);
/* An option area as "mss 1460,nop,wscale 6". */
void pd_format_options(const uint8_t *opts, size_t len, char *buf, size_t cap);
/* Flags as the script writes them: "S.", "F.", "R", "P.", "SEW". */
void pd_format_flags(uint8_t flags, char *buf, size_t cap);

#endif
