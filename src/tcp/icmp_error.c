/* tcp — ICMP errors about a connection. RFC 1122 §4.2.3.9: Destination Unreachable codes 0, 1
 * and 5, Time Exceeded and Parameter Problem are soft errors: the connection is kept, and the
 * error is what a later timeout reports. Codes 2-4 are hard: they abort a connection still
 * opening, while in the synchronized states they too are taken as soft (RFC 5461 §4, as Linux and
 * FreeBSD: a forged ICMP must not cut an established connection). "Fragmentation needed"
 * lowers the MSS to the next hop's MTU and sends again (RFC 1191 §6). An error must quote a
 * sequence number in flight, or it is ignored (RFC 5927 §4.1). */
#include <errno.h>

#include "ip/ipv4.h"
#include "tcp/tcb.h"
#include "util/seq.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

#define SY_MIN_PMTU 68 /* RFC 791: every link carries 68 octets; RFC 1191 §3: never below */

/* What an error means for the application, as the socket API names it (Linux's table). */
static int icmp_errno(uint8_t type, uint8_t code)
{
    if (type == SY_ICMP_TIME_EXCEEDED) return -EHOSTUNREACH;
    if (type == SY_ICMP_PARAM_PROBLEM) return -EPROTO;
    switch (code) {
    case SY_ICMP_NET_UNREACH: return -ENETUNREACH;
    case SY_ICMP_PROTO_UNREACH: return -ENOPROTOOPT;
    case SY_ICMP_PORT_UNREACH: return -ECONNREFUSED;
    case SY_ICMP_FRAG_NEEDED: return -EMSGSIZE;
    case SY_ICMP_SRC_ROUTE_FAILED: return -EOPNOTSUPP;
    case SY_ICMP_NET_PROHIBITED:
    case SY_ICMP_HOST_PROHIBITED:
    case SY_ICMP_ADMIN_PROHIBITED: return -EACCES;
    default: return -EHOSTUNREACH;
    }
}

static bool hard_error(uint8_t type, uint8_t code)
{
    return type == SY_ICMP_DEST_UNREACH &&
           (code == SY_ICMP_PROTO_UNREACH || code == SY_ICMP_PORT_UNREACH);
}

/* cfg.icmp_bsd, FreeBSD's tcp_ctlinput() with icmp_may_rst: while opening, "administratively
 * prohibited" and Time Exceeded abort too, and every unreachable that aborts says
 * ECONNREFUSED. RFC 1122 §4.2.3.9 leaves the choice of hard errors to the implementation. */
static bool hard_error_bsd(uint8_t type, uint8_t code)
{
    if (type == SY_ICMP_TIME_EXCEEDED) return true;
    return hard_error(type, code) ||
           (type == SY_ICMP_DEST_UNREACH &&
            (code == SY_ICMP_NET_PROHIBITED || code == SY_ICMP_HOST_PROHIBITED ||
             code == SY_ICMP_ADMIN_PROHIBITED));
}

static int errno_bsd(uint8_t type, int err)
{
    return type == SY_ICMP_DEST_UNREACH ? -ECONNREFUSED : err;
}

static void report(struct synack_conn *c, int err, uint16_t mss, synack_time_t now)
{
    struct synack_event ev = {.type = SYNACK_EV_ICMP, .conn = c, .error = err};
    ev.seg.mss = mss;
    c->stack->counters.icmp_errors++;
    sy_stack_emit(c->stack, &ev, now);
}

/* RFC 1191 §6: the largest segment that fits the next hop, then everything unacknowledged
 * again at that size (no congestion response: nothing was lost to congestion). */
static void lower_mss(struct synack_conn *c, uint16_t next_mtu, synack_time_t now)
{
    uint32_t mtu = next_mtu < SY_MIN_PMTU ? SY_MIN_PMTU : next_mtu;
    uint32_t mss = mtu - SY_IPV4_HDR_LEN - SY_TCP_HDR_LEN;
    if (next_mtu == 0 || mss >= c->snd_mss) return; /* no news, or not smaller */
    c->snd_mss = (uint16_t)mss;
    if (c->cc.ops) c->cc.mss = sy_opts_payload_mss(c);
    c->stack->counters.pmtu_lowered++;
    report(c, -EMSGSIZE, (uint16_t)mss, now);
    if (!sy_state_synchronized(c->state)) return; /* the SYN carries no data */
    c->snd_nxt = c->snd_una;
    sy_output_force(c, now);
}

void sy_tcp_icmp_error(struct synack_conn *c, uint8_t type, uint8_t code, uint16_t next_mtu,
                       uint32_t seq, synack_time_t now)
{
    if (!(sy_seq_leq(c->snd_una, seq) && sy_seq_lt(seq, c->snd_max))) {
        sy_stack_drop(c->stack, c, SYNACK_DROP_ICMP_STALE, now);
        return;
    }
    if (type == SY_ICMP_DEST_UNREACH && code == SY_ICMP_FRAG_NEEDED) {
        lower_mss(c, next_mtu, now);
        return;
    }
    bool bsd = c->stack->cfg.icmp_bsd;
    int err = icmp_errno(type, code);
    bool hard = bsd ? hard_error_bsd(type, code) : hard_error(type, code);
    if (bsd && hard) err = errno_bsd(type, err);
    report(c, err, 0, now);
    if (!hard || sy_state_synchronized(c->state)) {
        c->soft_error = err;
        return;
    }
    if (c->state == SYNACK_SYN_RECEIVED && c->passive) { /* a half-open child: forget it */
        sy_listen_return(c, SYNACK_CAUSE_ICMP, now);
        return;
    }
    if (c->user_ref) sy_conn_error(c, err, now);
    sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_ICMP, now);
    sy_conn_reap(c);
}
