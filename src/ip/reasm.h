/* ip — reassembly of IPv4 fragments (RFC 791 §3.2, RFC 815; RFC 1122 §3.3.2). */
#ifndef SY_IP_REASM_H
#define SY_IP_REASM_H

#include <stdbool.h>
#include <stdint.h>

#include <synack/types.h>

#define SY_REASM_QUEUES  8              /* datagrams being reassembled at once (DESIGN: bounded) */
#define SY_REASM_PAYLOAD 65535          /* the largest datagram's payload */
#define SY_REASM_TIMEOUT SYNACK_SEC(60) /* RFC 1122 §3.3.2: fixed, 60 to 120 s recommended */

/* One datagram in pieces. Its buffer (allocated when the first piece comes) holds room for the
 * header before the payload, so the whole datagram can be handed on in place. */
struct sy_reasm_q {
    bool used, have_first;
    uint8_t src[4], dst[4], proto;
    uint16_t id;
    synack_time_t expires;
    uint8_t *buf;       /* 60 header bytes, then SY_REASM_PAYLOAD payload bytes */
    uint8_t hdr_len;    /* the header of fragment zero */
    uint32_t total;     /* payload length once the last fragment came, else 0 */
    uint8_t have[1024]; /* 8-octet blocks received: a bit each (8192 blocks) */
};

struct sy_reasm {
    struct sy_reasm_q q[SY_REASM_QUEUES];
};

struct synack_stack;
struct sy_ipv4;

void sy_reasm_free(struct sy_reasm *r);
/* Take a fragment addressed to us. 1: the datagram is complete in *whole (inside the queue's
 * buffer: hand it on, then call sy_reasm_done); 0: more is awaited; < 0: dropped (counted). */
int sy_reasm_add(struct synack_stack *s, const struct sy_ipv4 *frag, struct sy_ipv4 *whole,
                 synack_time_t now);
void sy_reasm_done(struct synack_stack *s, const struct sy_ipv4 *whole);
/* Drop datagrams past their deadline (ICMP Time Exceeded when fragment zero came). */
void sy_reasm_expire(struct synack_stack *s, synack_time_t now);
/* The earliest reassembly deadline, or SYNACK_TIME_NEVER. */
synack_time_t sy_reasm_next(const struct sy_reasm *r);

#endif
