/* ip — IPv4 input and output for the stack (RFC 791, RFC 1122 §3.2). */
#ifndef SY_IP_IPV4_H
#define SY_IP_IPV4_H

#include "stack/stack.h"
#include "wire/ipv4.h"

#define SY_IP_TTL 64

/* Parse and dispatch a received packet. Returns 0 or a negative errno when dropped. */
int sy_ip_input(struct synack_stack *s, int dev, const uint8_t *pkt, size_t len, synack_time_t now);
/* Where a transport header and payload are written before sy_ip_output, and the room there. */
static inline uint8_t *sy_ip_tx_payload(struct synack_stack *s)
{
    return s->txbuf + SY_TX_HEADROOM + SY_IPV4_HDR_LEN;
}
#define SY_IP_TX_PAYLOAD_CAP (SY_TXBUF_LEN - SY_IPV4_HDR_LEN)

/* Send the transport payload already written at sy_ip_tx_payload(s) (len bytes). */
int sy_ip_output(struct synack_stack *s, int dev, const struct synack_addr *src,
                 const struct synack_addr *dst, uint8_t proto, size_t len, synack_time_t now);
/* The same, with DF set or not: a datagram without DF too large for the link is fragmented. */
int sy_ip_output_df(struct synack_stack *s, int dev, const struct synack_addr *src,
                    const struct synack_addr *dst, uint8_t proto, size_t len, bool df,
                    synack_time_t now);
/* Payload room on dev (MTU minus the IPv4 header). */
size_t sy_ip_payload_mtu(const struct synack_stack *s, int dev);

#endif
