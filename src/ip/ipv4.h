/* ip — IPv4 input and output for the stack (RFC 791, RFC 1122 §3.2). */
#ifndef SY_IP_IPV4_H
#define SY_IP_IPV4_H

#include "stack/stack.h"
#include "wire/ipv4.h"

/* Parse and dispatch a received packet. Returns 0 or a negative errno when dropped. */
int sy_ip_input(struct synack_stack *s, int dev, const uint8_t *pkt, size_t len, synack_time_t now);
/* Where a transport header and payload are written before sy_ip_output, and the room there. */
static inline uint8_t *sy_ip_tx_payload(struct synack_stack *s)
{
    return s->txbuf + SY_TX_HEADROOM + SY_IPV4_HDR_LEN;
}
#define SY_IP_TX_PAYLOAD_CAP (SY_TXBUF_LEN - SY_IPV4_HDR_LEN)

/* What a sender chooses in the header: TTL and the TOS byte (Diffserv, RFC 2474), and DF. */
struct sy_ip_tx {
    uint8_t ttl, tos;
    bool df;
};
/* Send the transport payload already written at sy_ip_tx_payload(s) (len bytes), with DF (TCP's
 * path MTU discovery, RFC 1191). */
int sy_ip_output(struct synack_stack *s, int dev, const struct synack_addr *src,
                 const struct synack_addr *dst, uint8_t proto, size_t len, uint8_t ttl, uint8_t tos,
                 synack_time_t now);
/* The same with the header fields given: a datagram without DF too large for the link is
 * fragmented. */
int sy_ip_output_tx(struct synack_stack *s, int dev, const struct synack_addr *src,
                    const struct synack_addr *dst, uint8_t proto, size_t len,
                    const struct sy_ip_tx *tx, synack_time_t now);
/* The stack's defaults for its own messages (ICMP): TTL from the config, TOS 0, no DF. */
struct sy_ip_tx sy_ip_tx_default(const struct synack_stack *s);
/* RFC 9293 §3.8.3 (MUST-20), RFC 1122 §3.3.1.4: TCP's negative advice that the path to dst
 * through dev may be failing. On an Ethernet device the next hop's ARP entry (dst's, or the
 * gateway's) is put in question: unicast requests ask it to confirm, and without an answer it is
 * forgotten, so the next datagram resolves it afresh. There is one static gateway and no route
 * cache, so nothing else to change; a device without a link layer (TUN, raw IPv4) has nothing to
 * question. Counted either way; returns whether anything was done. */
bool sy_ip_negative_advice(struct synack_stack *s, int dev, const struct synack_addr *dst,
                           synack_time_t now);
/* Payload room on dev (MTU minus the IPv4 header). */
size_t sy_ip_payload_mtu(const struct synack_stack *s, int dev);

#endif
