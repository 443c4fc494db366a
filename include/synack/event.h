/* synack — events: everything the stack does, observable by the application, the CLI and tests. */
#ifndef SYNACK_EVENT_H
#define SYNACK_EVENT_H

#include <synack/state.h>
#include <synack/types.h>

struct synack_conn;

enum synack_event_type {
    SYNACK_EV_STATE,       /* a connection changed state (old_state, new_state, cause) */
    SYNACK_EV_SEGMENT_OUT, /* a segment left the stack (seg) */
    SYNACK_EV_SEGMENT_IN,  /* a valid TCP segment arrived (seg); conn may be NULL */
    SYNACK_EV_READABLE,    /* data or the peer's FIN can be read */
    SYNACK_EV_WRITABLE,    /* send buffer space opened */
    SYNACK_EV_ACCEPTABLE,  /* a listener has a connection to accept */
    SYNACK_EV_ERROR,       /* the connection failed: error is -ECONNREFUSED, -ECONNRESET, ... */
    SYNACK_EV_DROP,        /* a packet was dropped (drop) */
    SYNACK_EV_RST_SENT,    /* a RST was sent (rst); also reported as SEGMENT_OUT */
    SYNACK_EV_RETRANSMIT,  /* a retransmission timeout fired (seg: what is resent) */
    SYNACK_EV_ICMP,        /* an ICMP error about the connection (error: what it says, as a
                            * negative errno; seg.mss: the new MSS for "fragmentation needed") */
    SYNACK_EV_URGENT,      /* the peer sent urgent data: once per continuous sequence of it
                            * (RFC 9293 §3.10.7.4; how much is unread: synack_status) */
    SYNACK_EV_DELIVERY_PROBLEM, /* RFC 9293 §3.8.3 (SHLD-9): retransmissions of one segment
                                 * reached R1 (cfg.r1_retries) unanswered; the connection goes on
                                 * until R2. Once per reaching (again only after an ACK of new
                                 * data). seg.seq: the segment's; seg.flags: SYN for an open;
                                 * error: the last ICMP soft error seen, 0 if none */
    SYNACK_EV_TYPE_COUNT        /* at most 32 (synack_stack_set_event_mask) */
};

/* Why a state changed. */
enum synack_cause {
    SYNACK_CAUSE_USER_OPEN,        /* OPEN (listen or connect) */
    SYNACK_CAUSE_USER_CLOSE,       /* CLOSE or SHUTDOWN of the sending side */
    SYNACK_CAUSE_USER_ABORT,       /* ABORT */
    SYNACK_CAUSE_RCV_SYN,          /* a SYN arrived */
    SYNACK_CAUSE_RCV_SYNACK,       /* a SYN,ACK arrived */
    SYNACK_CAUSE_RCV_ACK,          /* an ACK arrived */
    SYNACK_CAUSE_RCV_FIN,          /* a FIN arrived */
    SYNACK_CAUSE_RCV_RST,          /* a RST arrived */
    SYNACK_CAUSE_TIMEOUT,          /* retransmissions gave up */
    SYNACK_CAUSE_TIME_WAIT_END,    /* 2*MSL passed */
    SYNACK_CAUSE_USER_SEND,        /* SEND on a fully specified passive OPEN (LISTEN -> SYN-SENT) */
    SYNACK_CAUSE_ICMP,             /* an ICMP hard error while opening (RFC 1122 §4.2.3.9) */
    SYNACK_CAUSE_DATA_AFTER_CLOSE, /* new data after CLOSE: reset (§3.6.1, SHLD-3) */
    SYNACK_CAUSE_COUNT
};

/* Why a packet was dropped; counted per stack. */
enum synack_drop_reason {
    SYNACK_DROP_IP_MALFORMED,      /* short, bad version, IHL, total length */
    SYNACK_DROP_IP_CHECKSUM,       /* IPv4 header checksum */
    SYNACK_DROP_IP_FRAGMENT,       /* a fragment: malformed, overlapping, no reassembly queue
                                    * free, or its datagram timed out (RFC 1122 §3.3.2) */
    SYNACK_DROP_IP_NOT_OURS,       /* destination is not an address of this stack */
    SYNACK_DROP_IP_PROTOCOL,       /* not TCP */
    SYNACK_DROP_TCP_MALFORMED,     /* short header, data offset, options */
    SYNACK_DROP_TCP_CHECKSUM,      /* TCP checksum with the pseudo-header */
    SYNACK_DROP_TCP_BAD_ADDR,      /* broadcast/multicast/zero address or port */
    SYNACK_DROP_NO_CONN,           /* no connection (RST sent unless the segment was a RST) */
    SYNACK_DROP_LISTEN_BAD,        /* LISTEN got something other than a SYN */
    SYNACK_DROP_SYN_QUEUE_FULL,    /* LISTEN's half-open queue is full */
    SYNACK_DROP_ACCEPT_QUEUE_FULL, /* LISTEN's accept backlog is full */
    SYNACK_DROP_SYN_SENT_BAD,      /* SYN-SENT got an unacceptable segment */
    SYNACK_DROP_UNACCEPTABLE,      /* failed the sequence acceptability test (§3.10.7.4) */
    SYNACK_DROP_RST_OUT_OF_WINDOW, /* RST outside the window */
    SYNACK_DROP_RST_CHALLENGED, /* RST in window but not at RCV.NXT: challenge ACK (RFC 5961 §3) */
    SYNACK_DROP_SYN_CHALLENGED, /* SYN in a synchronized state: challenge ACK (RFC 5961 §4) */
    SYNACK_DROP_NO_ACK,         /* no ACK bit in a synchronized state */
    SYNACK_DROP_ACK_UNSENT,     /* ACK of data not yet sent */
    SYNACK_DROP_ACK_OLD,        /* ACK too old (RFC 5961 §5.2) */
    SYNACK_DROP_NO_BUFFER,      /* no memory for a connection */
    SYNACK_DROP_PAWS,           /* TSval older than TS.Recent (RFC 7323 §5.3 R1): ACKed, dropped */
    SYNACK_DROP_TS_MISSING,     /* no TSopt once timestamps are on (RFC 7323 §3.2) */
    SYNACK_DROP_ICMP_BAD,       /* ICMP message short or with a bad checksum */
    SYNACK_DROP_ICMP_IGNORED,   /* ICMP of a type we do not act on (source quench, RFC 6633) */
    SYNACK_DROP_ICMP_STALE,     /* ICMP error quoting no connection, or a sequence number not
                                 * in flight (RFC 5927 §4.1) */
    SYNACK_DROP_LINK,           /* an Ethernet frame not for us, short, of another EtherType, or
                                 * an ARP packet we cannot use */
    SYNACK_DROP_TIME_WAIT,      /* TIME-WAIT (cfg.time_wait_bsd): a RST ignored (RFC 1337), or a
                                 * segment without ACK */
    SYNACK_DROP_ARP_UNRESOLVED, /* a packet whose next hop never answered ARP (or a newer one
                                 * took its place while waiting) */
    SYNACK_DROP_DATA_AFTER_CLOSE, /* new data after CLOSE: nobody will read it (RST sent) */
    SYNACK_DROP_REASON_COUNT
};

/* Why a RST was sent; counted per stack. */
enum synack_rst_reason {
    SYNACK_RST_NO_CONN,          /* segment for no connection (§3.10.7.1) */
    SYNACK_RST_LISTEN_ACK,       /* ACK arrived at LISTEN (§3.10.7.2) */
    SYNACK_RST_SYN_SENT_ACK,     /* unacceptable ACK in SYN-SENT (§3.10.7.3) */
    SYNACK_RST_BAD_ACK,          /* unacceptable ACK in SYN-RECEIVED (§3.10.7.4) */
    SYNACK_RST_ABORT,            /* the application aborted (§3.10.5) */
    SYNACK_RST_CLOSE_UNREAD,     /* closed with unread data (RFC 2525 §2.17) */
    SYNACK_RST_SYN_IN_WINDOW,    /* SYN in a synchronized state, RFC 5961 off (§3.10.7.4) */
    SYNACK_RST_KEEPALIVE,        /* the peer answered no keepalive (§3.8.4), as Linux */
    SYNACK_RST_DATA_AFTER_CLOSE, /* new data after CLOSE: it would be lost (§3.6.1, SHLD-3) */
    SYNACK_RST_REASON_COUNT
};

/* A segment as the trace sees it (host-order, raw sequence numbers). */
struct synack_segment_info {
    struct synack_endpoint src, dst;
    uint32_t seq, ack;
    uint32_t wnd;  /* the window field as sent (unscaled) */
    uint32_t len;  /* payload bytes */
    uint8_t flags; /* SYNACK_TH_* */
    uint16_t mss;  /* 0 when absent */
    int8_t wscale; /* -1 when absent */
    bool sack_ok;
    bool has_ts;
    uint32_t ts_val, ts_ecr;
};

#define SYNACK_TH_FIN 0x01
#define SYNACK_TH_SYN 0x02
#define SYNACK_TH_RST 0x04
#define SYNACK_TH_PSH 0x08
#define SYNACK_TH_ACK 0x10
#define SYNACK_TH_URG 0x20
#define SYNACK_TH_ECE 0x40 /* ECN-Echo (RFC 3168) */
#define SYNACK_TH_CWR 0x80 /* Congestion Window Reduced (RFC 3168) */

struct synack_event {
    enum synack_event_type type;
    synack_time_t now;
    struct synack_conn *conn; /* NULL for segments and drops that belong to no connection */
    enum synack_state old_state, new_state;
    enum synack_cause cause;
    int error;                      /* SYNACK_EV_ERROR, ICMP, DELIVERY_PROBLEM */
    enum synack_drop_reason drop;   /* SYNACK_EV_DROP */
    enum synack_rst_reason rst;     /* SYNACK_EV_RST_SENT */
    struct synack_segment_info seg; /* SEGMENT_IN/OUT, RST_SENT, RETRANSMIT, DELIVERY_PROBLEM */
};

typedef void (*synack_event_fn)(void *ctx, const struct synack_event *ev);

const char *synack_event_type_name(enum synack_event_type t);
const char *synack_cause_name(enum synack_cause c);
const char *synack_drop_reason_name(enum synack_drop_reason r);
const char *synack_rst_reason_name(enum synack_rst_reason r);
/* "SYN,ACK", "FIN,ACK", "RST", ... into buf. */
const char *synack_flags_format(uint8_t flags, char *buf, size_t len);

#endif
