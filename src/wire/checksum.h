/* wire — the Internet checksum (RFC 1071) and the TCP/UDP pseudo-header (RFC 9293 §3.1). */
#ifndef SY_WIRE_CHECKSUM_H
#define SY_WIRE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes to a running 32-bit one's-complement sum (odd lengths padded with zero). */
uint32_t sy_csum_add(uint32_t sum, const uint8_t *data, size_t len);
/* Fold to 16 bits and complement: the value to put in a header. */
uint16_t sy_csum_finish(uint32_t sum);
/* The IPv4 pseudo-header sum: source, destination, zero, protocol, length. */
uint32_t sy_csum_pseudo_v4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint16_t len);

#endif
