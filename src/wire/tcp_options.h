/* wire — TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018). */
#ifndef SY_WIRE_TCP_OPTIONS_H
#define SY_WIRE_TCP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire.h"

#define SY_TCPOPT_EOL       0
#define SY_TCPOPT_NOP       1
#define SY_TCPOPT_MSS       2
#define SY_TCPOPT_WSCALE    3
#define SY_TCPOPT_SACK_PERM 4
#define SY_TCPOPT_SACK      5
#define SY_TCPOPT_TS        8

#define SY_TCPOPT_MAX_LEN 40
#define SY_TCP_MAX_SACK   4

/* Which options are present (bits of sy_tcp_opts.has). */
#define SY_OPT_MSS       0x01
#define SY_OPT_WSCALE    0x02
#define SY_OPT_SACK_PERM 0x04
#define SY_OPT_TS        0x08
#define SY_OPT_SACK      0x10

struct sy_sack_block {
    uint32_t left, right;
};

/* How options are laid out on output; both are RFC 9293 §3.2-conformant. */
enum sy_opt_layout {
    SY_OPT_LAYOUT_LINUX = 0, /* MSS, SACK-perm+TS, NOP+WS, NOP NOP SACK: NOP padding */
    SY_OPT_LAYOUT_BSD,       /* MSS, WS, SACK-perm, TS, SACK, each aligned by NOPs as BSD's
                              * tcp_addoptions() does, the end padded with EOL */
};

struct sy_tcp_opts {
    uint8_t has;    /* SY_OPT_* */
    uint8_t layout; /* enum sy_opt_layout, for emitting */
    uint16_t mss;
    uint8_t wscale; /* as received; the caller clamps to 14 (RFC 7323 §2.3) */
    uint32_t ts_val, ts_ecr;
    uint8_t sack_count;
    struct sy_sack_block sack[SY_TCP_MAX_SACK];
};

/* Parse an option area. Unknown kinds are skipped by their length; EOL ends the list.
 * Length 0 or 1 on a kind other than EOL/NOP, a length past the end, or a known option with the
 * wrong length (MSS 4, WS 3, SACK-perm 2, TS 10, SACK 2+8n) -> SY_WIRE_BAD_OPTION.
 * More than SY_TCP_MAX_SACK SACK blocks cannot fit in 40 bytes with the header; extra are ignored.
 */
enum sy_wire_err sy_tcp_options_parse(const uint8_t *buf, size_t len, struct sy_tcp_opts *out);

/* Emit the options in o->has in o->layout, a multiple of 4 bytes. Linux's: MSS, SACK-perm+TS
 * (NOP NOP TS when no SACK-perm), NOP+WS, NOP NOP + SACK blocks; BSD's: see enum sy_opt_layout.
 * Returns bytes written (multiple of 4, <= 40), or 0 with nothing present, or
 * (size_t)-1 when cap is too small or the options exceed 40 bytes. */
size_t sy_tcp_options_emit(const struct sy_tcp_opts *o, uint8_t *buf, size_t cap);
/* The length sy_tcp_options_emit would write. */
size_t sy_tcp_options_len(const struct sy_tcp_opts *o);

#endif
