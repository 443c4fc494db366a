/* ip — ICMP (RFC 792, RFC 1122 §3.2.2): echo requests answered; errors that quote a TCP segment
 * of ours handed to that connection; the rest counted and ignored. */
#include "ip/icmp.h"

#include <errno.h>

#include "ip/ipv4.h"
#include "tcp/tcb.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* RFC 1122 §3.2.2.6: "Every host MUST implement an ICMP Echo server": the reply carries the
 * request's identifier, sequence number and data, from the address it was sent to. */
static int echo_reply(struct synack_stack *s, int dev, const struct sy_ipv4 *ip,
                      const struct sy_icmp *req, synack_time_t now)
{
    struct sy_icmp rep = {.type = SY_ICMP_ECHO_REPLY,
                          .id = req->id,
                          .seq = req->seq,
                          .payload = req->payload,
                          .payload_len = req->payload_len};
    size_t n = sy_icmp_emit(&rep, sy_ip_tx_payload(s), SY_IP_TX_PAYLOAD_CAP);
    if (n == 0) return -EMSGSIZE;
    struct synack_addr src = synack_addr_v4(ip->dst[0], ip->dst[1], ip->dst[2], ip->dst[3]);
    struct synack_addr dst = synack_addr_v4(ip->src[0], ip->src[1], ip->src[2], ip->src[3]);
    s->counters.icmp_echo_replies++;
    struct sy_ip_tx tx = sy_ip_tx_default(s);
    return sy_ip_output_tx(s, dev, &src, &dst, SY_IPPROTO_ICMP, n, &tx, now);
}

/* An error about a datagram we sent: find the TCP connection it quotes. */
static int error_input(struct synack_stack *s, const struct sy_icmp *m, synack_time_t now)
{
    struct sy_icmp_quote q;
    if (sy_icmp_parse_quote(m->payload, m->payload_len, &q) != SY_WIRE_OK) {
        sy_stack_drop(s, NULL, SYNACK_DROP_ICMP_BAD, now);
        return -EINVAL;
    }
    struct synack_endpoint local = {synack_addr_v4(q.src[0], q.src[1], q.src[2], q.src[3]),
                                    q.sport};
    struct synack_endpoint remote = {synack_addr_v4(q.dst[0], q.dst[1], q.dst[2], q.dst[3]),
                                     q.dport};
    struct synack_conn *c = q.proto == SY_IPPROTO_TCP && sy_stack_is_local(s, &local.addr)
                                ? sy_demux_find_exact(s, &local, &remote)
                                : NULL;
    if (!c) {
        sy_stack_drop(s, NULL, SYNACK_DROP_ICMP_STALE, now);
        return -ENOENT;
    }
    sy_tcp_icmp_error(c, m->type, m->code, m->next_mtu, q.seq, now);
    return 0;
}

int sy_icmp_input(struct synack_stack *s, int dev, const struct sy_ipv4 *ip, synack_time_t now)
{
    struct sy_icmp m;
    if (sy_icmp_parse(ip->payload, ip->payload_len, &m) != SY_WIRE_OK) {
        sy_stack_drop(s, NULL, SYNACK_DROP_ICMP_BAD, now);
        return -EINVAL;
    }
    s->counters.icmp_in++;
    switch (m.type) {
    case SY_ICMP_ECHO_REQUEST: return echo_reply(s, dev, ip, &m, now);
    case SY_ICMP_DEST_UNREACH:
    case SY_ICMP_TIME_EXCEEDED:
    case SY_ICMP_PARAM_PROBLEM: return error_input(s, &m, now);
    default: /* echo replies (we send no requests), source quench (RFC 6633: ignored), others */
        sy_stack_drop(s, NULL, SYNACK_DROP_ICMP_IGNORED, now);
        return 0;
    }
}
