/* ip — ICMP input for the stack (RFC 792, RFC 1122 §3.2.2). */
#ifndef SY_IP_ICMP_H
#define SY_IP_ICMP_H

#include "stack/stack.h"
#include "wire/ipv4.h"

/* A received ICMP message in ip (already checked as IPv4, for one of our addresses). */
int sy_icmp_input(struct synack_stack *s, int dev, const struct sy_ipv4 *ip, synack_time_t now);

#endif
