/* stack — names of states, events, causes and reasons, for traces and messages. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <synack/event.h>
#include <synack/state.h>
#include <synack/types.h>

const char *synack_state_name(enum synack_state s)
{
    /* Spelled as in RFC 9293 §3.3.2. */
    static const char *const names[SYNACK_STATE_COUNT] = {
        [SYNACK_CLOSED] = "CLOSED",           [SYNACK_LISTEN] = "LISTEN",
        [SYNACK_SYN_SENT] = "SYN-SENT",       [SYNACK_SYN_RECEIVED] = "SYN-RECEIVED",
        [SYNACK_ESTABLISHED] = "ESTABLISHED", [SYNACK_CLOSE_WAIT] = "CLOSE-WAIT",
        [SYNACK_FIN_WAIT_1] = "FIN-WAIT-1",   [SYNACK_CLOSING] = "CLOSING",
        [SYNACK_LAST_ACK] = "LAST-ACK",       [SYNACK_FIN_WAIT_2] = "FIN-WAIT-2",
        [SYNACK_TIME_WAIT] = "TIME-WAIT",
    };
    return (unsigned)s < SYNACK_STATE_COUNT ? names[s] : "?";
}

const char *synack_event_type_name(enum synack_event_type t)
{
    static const char *const names[SYNACK_EV_TYPE_COUNT] = {
        [SYNACK_EV_STATE] = "state",
        [SYNACK_EV_SEGMENT_OUT] = "segment_out",
        [SYNACK_EV_SEGMENT_IN] = "segment_in",
        [SYNACK_EV_READABLE] = "readable",
        [SYNACK_EV_WRITABLE] = "writable",
        [SYNACK_EV_ACCEPTABLE] = "acceptable",
        [SYNACK_EV_ERROR] = "error",
        [SYNACK_EV_DROP] = "drop",
        [SYNACK_EV_RST_SENT] = "rst_sent",
        [SYNACK_EV_RETRANSMIT] = "retransmit",
        [SYNACK_EV_ICMP] = "icmp",
        [SYNACK_EV_URGENT] = "urgent",
        [SYNACK_EV_DELIVERY_PROBLEM] = "delivery_problem",
    };
    return (unsigned)t < SYNACK_EV_TYPE_COUNT ? names[t] : "?";
}

const char *synack_cause_name(enum synack_cause c)
{
    static const char *const names[SYNACK_CAUSE_COUNT] = {
        [SYNACK_CAUSE_USER_OPEN] = "open",
        [SYNACK_CAUSE_USER_CLOSE] = "close",
        [SYNACK_CAUSE_USER_ABORT] = "abort",
        [SYNACK_CAUSE_RCV_SYN] = "rcv SYN",
        [SYNACK_CAUSE_RCV_SYNACK] = "rcv SYN,ACK",
        [SYNACK_CAUSE_RCV_ACK] = "rcv ACK",
        [SYNACK_CAUSE_RCV_FIN] = "rcv FIN",
        [SYNACK_CAUSE_RCV_RST] = "rcv RST",
        [SYNACK_CAUSE_TIMEOUT] = "timeout",
        [SYNACK_CAUSE_TIME_WAIT_END] = "2MSL timeout",
        [SYNACK_CAUSE_USER_SEND] = "send",
        [SYNACK_CAUSE_ICMP] = "icmp",
        [SYNACK_CAUSE_DATA_AFTER_CLOSE] = "data after close",
    };
    return (unsigned)c < SYNACK_CAUSE_COUNT ? names[c] : "?";
}

const char *synack_drop_reason_name(enum synack_drop_reason r)
{
    static const char *const names[SYNACK_DROP_REASON_COUNT] = {
        [SYNACK_DROP_IP_MALFORMED] = "ip_malformed",
        [SYNACK_DROP_IP_CHECKSUM] = "ip_checksum",
        [SYNACK_DROP_IP_FRAGMENT] = "ip_fragment",
        [SYNACK_DROP_IP_NOT_OURS] = "ip_not_ours",
        [SYNACK_DROP_IP_PROTOCOL] = "ip_protocol",
        [SYNACK_DROP_TCP_MALFORMED] = "tcp_malformed",
        [SYNACK_DROP_TCP_CHECKSUM] = "tcp_checksum",
        [SYNACK_DROP_TCP_BAD_ADDR] = "tcp_bad_addr",
        [SYNACK_DROP_NO_CONN] = "no_conn",
        [SYNACK_DROP_LISTEN_BAD] = "listen_bad",
        [SYNACK_DROP_SYN_QUEUE_FULL] = "syn_queue_full",
        [SYNACK_DROP_ACCEPT_QUEUE_FULL] = "accept_queue_full",
        [SYNACK_DROP_SYN_SENT_BAD] = "syn_sent_bad",
        [SYNACK_DROP_UNACCEPTABLE] = "unacceptable",
        [SYNACK_DROP_RST_OUT_OF_WINDOW] = "rst_out_of_window",
        [SYNACK_DROP_RST_CHALLENGED] = "rst_challenged",
        [SYNACK_DROP_SYN_CHALLENGED] = "syn_challenged",
        [SYNACK_DROP_NO_ACK] = "no_ack",
        [SYNACK_DROP_ACK_UNSENT] = "ack_unsent",
        [SYNACK_DROP_ACK_OLD] = "ack_old",
        [SYNACK_DROP_PAWS] = "paws",
        [SYNACK_DROP_TS_MISSING] = "ts_missing",
        [SYNACK_DROP_ICMP_BAD] = "icmp_bad",
        [SYNACK_DROP_ICMP_IGNORED] = "icmp_ignored",
        [SYNACK_DROP_ICMP_STALE] = "icmp_stale",
        [SYNACK_DROP_LINK] = "link",
        [SYNACK_DROP_TIME_WAIT] = "time_wait",
        [SYNACK_DROP_ARP_UNRESOLVED] = "arp_unresolved",
        [SYNACK_DROP_DATA_AFTER_CLOSE] = "data_after_close",
        [SYNACK_DROP_NO_BUFFER] = "no_buffer",
    };
    return (unsigned)r < SYNACK_DROP_REASON_COUNT ? names[r] : "?";
}

const char *synack_rst_reason_name(enum synack_rst_reason r)
{
    static const char *const names[SYNACK_RST_REASON_COUNT] = {
        [SYNACK_RST_NO_CONN] = "no_conn",
        [SYNACK_RST_LISTEN_ACK] = "listen_ack",
        [SYNACK_RST_SYN_SENT_ACK] = "syn_sent_ack",
        [SYNACK_RST_BAD_ACK] = "bad_ack",
        [SYNACK_RST_ABORT] = "abort",
        [SYNACK_RST_CLOSE_UNREAD] = "close_unread",
        [SYNACK_RST_SYN_IN_WINDOW] = "syn_in_window",
        [SYNACK_RST_KEEPALIVE] = "keepalive",
        [SYNACK_RST_DATA_AFTER_CLOSE] = "data_after_close",
    };
    return (unsigned)r < SYNACK_RST_REASON_COUNT ? names[r] : "?";
}

const char *synack_flags_format(uint8_t flags, char *buf, size_t len)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } order[] = {{SYNACK_TH_SYN, "SYN"}, {SYNACK_TH_FIN, "FIN"}, {SYNACK_TH_RST, "RST"},
                 {SYNACK_TH_PSH, "PSH"}, {SYNACK_TH_ACK, "ACK"}, {SYNACK_TH_URG, "URG"},
                 {SYNACK_TH_ECE, "ECE"}, {SYNACK_TH_CWR, "CWR"}};
    size_t used = 0;
    if (len == 0) return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (!(flags & order[i].bit)) continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", order[i].name);
        if (n < 0 || (size_t)n >= len - used) break;
        used += (size_t)n;
    }
    if (used == 0) snprintf(buf, len, "none");
    return buf;
}

const char *synack_strerror(int err)
{
    switch (-err) {
    case 0: return "success";
    case ECONNREFUSED: return "connection refused";
    case ECONNRESET: return "connection reset";
    case ETIMEDOUT: return "connection timed out";
    case EPIPE: return "connection closing";
    case ENOTCONN: return "connection does not exist";
    case EADDRINUSE: return "connection already exists";
    case EAGAIN: return "try again";
    case EINVAL: return "invalid argument";
    case ENOMEM: return "out of memory";
    case ENETUNREACH: return "network unreachable";
    case EAFNOSUPPORT: return "address family not supported";
    case EOPNOTSUPP: return "operation not supported";
    case ENOSPC: return "no space left";
    case EISCONN: return "already connected";
    case EALREADY: return "connection already in progress";
    case EADDRNOTAVAIL: return "address not available";
    default: return strerror(-err);
    }
}
