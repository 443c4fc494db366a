/* ip — IPv4 input and output for the stack (RFC 791, RFC 1122 §3.2). */
#ifndef SY_IP_IPV4_H
#define SY_IP_IPV4_H

#include "stack/stack.h"

#define SY_IP_TTL 64

/* Parse and dispatch a received packet. Returns 0 or a negative errno when dropped. */
int sy_ip_input(struct synack_stack *s, int dev, const uint8_t *pkt, size_t len, synack_time_t now);
/* Send the transport payload already written at s->txbuf + SY_IPV4_HDR_LEN (len bytes). */
int sy_ip_output(struct synack_stack *s, int dev, const struct synack_addr *src,
                 const struct synack_addr *dst, uint8_t proto, size_t len, synack_time_t now);
/* The same, with DF set or not: a datagram without DF too large for the link is fragmented. */
int sy_ip_output_df(struct synack_stack *s, int dev, const struct synack_addr *src,
                    const struct synack_addr *dst, uint8_t proto, size_t len, bool df,
                    synack_time_t now);
/* Payload room on dev (MTU minus the IPv4 header). */
size_t sy_ip_payload_mtu(const struct synack_stack *s, int dev);

#endif
