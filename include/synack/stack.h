/* synack — one stack: devices, addresses, connections, timers and counters. Time is passed in. */
#ifndef SYNACK_STACK_H
#define SYNACK_STACK_H

#include <synack/event.h>
#include <synack/types.h>

struct synack_stack;

/* Congestion control algorithms (RFC 9438 CUBIC, RFC 5681/6582 NewReno). */
enum synack_cc { SYNACK_CC_CUBIC = 0, SYNACK_CC_NEWRENO, SYNACK_CC_COUNT };

/* The order and padding of TCP options on output (RFC 9293 §3.2 leaves both free). */
enum synack_opt_layout {
    SYNACK_OPTS_LINUX = 0, /* MSS, SACK-perm+TS, NOP+WS; NOP padding (Linux) */
    SYNACK_OPTS_BSD,       /* MSS, WS, SACK-perm, TS, each aligned by NOPs; EOL padding
                            * (FreeBSD's tcp_addoptions) */
};
/* ECN negotiation (RFC 3168 §6.1.1); the values of Linux's tcp_ecn and FreeBSD's ecn.enable. */
enum synack_ecn { SYNACK_ECN_OFF = 0, SYNACK_ECN_ON = 1, SYNACK_ECN_PASSIVE = 2 };

/* The longest connection-establishment limit (connect_timeout): a year. */
#define SYNACK_CONNECT_TIMEOUT_MAX SYNACK_SEC(365ull * 86400)
/* The longest user timeout (user_timeout): a year too. */
#define SYNACK_USER_TIMEOUT_MAX SYNACK_SEC(365ull * 86400)

/* Settings. synack_config_init() fills the documented defaults. */
struct synack_config {
    uint64_t seed;     /* secret for ISNs (RFC 6528), the demux hash and ephemeral ports; 0 (the
                        * default) = drawn from the system's random source when the stack is made
                        * (RFC 9293 MUST-9: unpredictable); set it for reproducible runs */
    synack_time_t msl; /* maximum segment lifetime; TIME-WAIT lasts 2*MSL (default 30 s) */
    synack_time_t rto_initial; /* RFC 6298 §2.1 initial RTO (default 1 s) */
    synack_time_t rto_min;     /* RFC 6298 §2.4 lower bound (default 200 ms, as Linux) */
    synack_time_t rto_max;     /* RFC 6298 §2.5 upper bound (default 60 s) */
    synack_time_t rto_slop;    /* added to each RTO computed or backed off (BSD's rexmit_slop:
                                * room for a delayed ACK); default 0 */
    unsigned syn_retries;      /* SYN retransmissions before ETIMEDOUT (default 7: >= 3 min) */
    unsigned synack_retries;   /* SYN,ACK retransmissions before giving up (default 5) */
    unsigned data_retries;     /* data/FIN retransmissions before ETIMEDOUT (default 15) */
    /* RFC 9293 §3.8.3 R1: once this many retransmissions of one segment (SYN, SYN,ACK, data
     * or FIN) have gone unanswered, each further timeout gives the IP layer negative advice and
     * the first is reported as SYNACK_EV_DELIVERY_PROBLEM (default 3, as Linux's tcp_retries1
     * and FreeBSD's TCP_MAXRXTSHIFT / 4; SHLD-10). Reached only below R2 (syn_retries,
     * synack_retries, data_retries). */
    unsigned r1_retries;
    synack_time_t fin_wait_2_timeout;  /* a closed handle's FIN-WAIT-2 ends after this (default
                                        * 60 s, as Linux's tcp_fin_timeout); 0 = wait forever */
    uint32_t sndbuf;                   /* send buffer per connection in bytes (default 64 KiB) */
    uint32_t rcvbuf;                   /* receive buffer per connection in bytes (default 64 KiB) */
    uint16_t mss;                      /* MSS we announce; 0 = derived from the device MTU */
    uint8_t ip_ttl;                    /* TTL of IPv4 datagrams (default 64; RFC 9293 MUST-49) */
    bool opt_wscale;                   /* offer window scaling (RFC 7323 §2) */
    bool opt_timestamps;               /* offer timestamps (RFC 7323 §3) */
    bool opt_sack;                     /* offer SACK-permitted (RFC 2018) */
    enum synack_opt_layout opt_layout; /* how options sit in the header (default LINUX) */
    /* Choices RFC 9293 leaves free, where FreeBSD differs (synack_config_init_freebsd): */
    uint32_t max_sockbuf; /* the largest buffer SO_RCVBUF/SO_SNDBUF may ask for; the window
                           * scale is chosen to cover it (RFC 7323 §2.3); 0 = the connection's
                           * receive buffer decides, and buffers are capped at 1 GiB */
    bool buf_round_mss;   /* once the peer's MSS is known, buffers grow to a whole number of
                           * segments (FreeBSD's tcp_mss()) */
    bool rcv_wnd_bsd;     /* advertise all free receive buffer, withholding only windows below
                           * min(buffer/4, MSS), and send window updates after reads of 2 MSS
                           * (BSD); default: the right edge moves in steps of min(buffer/2, MSS)
                           * (RFC 9293 §3.8.6.2.2's suggested algorithm) */
    bool ack_resends_fin; /* while our FIN is the only thing unacknowledged, the ACK of the
                           * peer's FIN carries it again (BSD's tcp_output) */
    bool icmp_bsd; /* while opening, "administratively prohibited" and Time Exceeded abort too,
                    * and unreachables abort with ECONNREFUSED (FreeBSD's tcp_ctlinput) */
    bool delack_two_segments; /* a delayed ACK goes after the second data segment whatever its
                               * size (BSD), not only after two full-sized ones */
    bool drop_synfin;         /* a SYN with FIN at a listener or in SYN-SENT is dropped (FreeBSD's
                               * drop_synfin; RFC 9293 leaves such odd segments to the receiver) */
    bool time_wait_bsd;    /* TIME-WAIT as BSD's tcp_twcheck: RSTs ignored (RFC 1337 §3), segments
                            * without ACK dropped silently, anything but an exact duplicate ACK
                            * answered with an ACK */
    bool time_wait_reopen; /* a SYN of a new incarnation (RFC 6191: newer timestamp or sequence
                            * number) reopens a closed connection from TIME-WAIT through the
                            * listener on its port (RFC 9293 §3.6.1 MAY-2; default on, as Linux
                            * and FreeBSD) */
    bool syn_rtx_drop_options; /* the third and later SYN retransmissions carry the MSS option
                                * alone, in case a middlebox drops SYNs with others (FreeBSD's
                                * rexmit_drop_options; default off) */
    bool ts_tolerate_missing;  /* accept segments without TSopt once timestamps are on (Linux
                                * does); default off: RFC 7323 §3.2's SHOULD drop, as FreeBSD */
    /* RFC 5961, each part on by default (FreeBSD's insecure_rst / insecure_syn turn 1 and 2 off):
     * a RST in the window but not at RCV.NXT (§3.2), and a SYN in a synchronized state (§4.2),
     * draw a challenge ACK instead of resetting; an ACK older than SND.UNA - MAX.SND.WND is
     * dropped with an ACK (§5.2). */
    bool rfc5961_rst, rfc5961_syn, rfc5961_ack;
    /* Explicit Congestion Notification (RFC 3168; RFC 9293 SHLD-8). OFF: never; PASSIVE (the
     * default, as Linux's tcp_ecn=2 and FreeBSD's ecn.enable=2): agree when the peer's SYN asks;
     * ON: ask in our SYNs as well. */
    enum synack_ecn ecn;
    unsigned ecn_syn_retries; /* SYN (and SYN,ACK) retransmissions that still ask for ECN; later
                               * ones do not (RFC 3168 §6.1.1.1; default 1, FreeBSD's
                               * ecn.maxretries) */
    synack_time_t connect_timeout; /* default for synack_conn_params.connect_timeout (0 = none;
                                    * at most SYNACK_CONNECT_TIMEOUT_MAX) */
    unsigned syn_backlog;          /* half-open connections per listener (default 128) */
    unsigned max_conns;            /* connections per stack, 0 = unlimited */
    uint16_t ephemeral_lo, ephemeral_hi; /* local port range for connect (default 49152-65535) */

    /* Data transfer. */
    enum synack_cc cc;            /* congestion control (default CUBIC) */
    unsigned initial_window;      /* initial cwnd in segments (RFC 6928: default 10) */
    bool hystart;                 /* HyStart++ (RFC 9406) in the initial slow start (default on) */
    bool nodelay;                 /* turn Nagle's algorithm off (TCP_NODELAY) for new connections */
    synack_time_t delack_timeout; /* delayed-ACK timer, < 500 ms (§3.8.6.3; default 40 ms) */
    bool keepalive;               /* send keepalives (§3.8.4; default off) */
    synack_time_t keepidle;       /* idle time before the first keepalive (default 2 h) */
    synack_time_t keepintvl;      /* between keepalives (default 75 s) */
    unsigned keepcnt;             /* unanswered keepalives before ETIMEDOUT (default 9) */
    synack_time_t user_timeout;   /* unacknowledged data older than this: ETIMEDOUT (0 = off);
                                   * default for synack_conn_params.user_timeout */
};

void synack_config_init(struct synack_config *cfg);
/* The defaults, then FreeBSD's choices where the RFCs leave them free: BSD option layout, window
 * scale from a 2 MiB kern.ipc.maxsockbuf, buffers rounded to the MSS, BSD receive windows, a
 * 32 KiB send buffer; what FreeBSD-written tests (packetdrill scripts) expect. */
void synack_config_init_freebsd(struct synack_config *cfg);
/* 0 when every setting is usable, else -EINVAL and, if why is not NULL, a sentence naming the
 * setting and its range (a static string). */
int synack_config_check(const struct synack_config *cfg, const char **why);

/* NULL when out of memory or when synack_config_check() refuses cfg. cfg may be NULL for the
 * defaults. */
struct synack_stack *synack_stack_new(const struct synack_config *cfg);
/* Frees the stack and every connection in it (no segments are sent). */
void synack_stack_free(struct synack_stack *stack);
const struct synack_config *synack_stack_config(const struct synack_stack *stack);
/* New settings for a running stack (as sysctl changes a kernel's): checked as at creation, then
 * in force for every segment from now on; connections keep the per-connection settings they
 * were made with (struct synack_conn_params), new ones take the new defaults. The seed cannot
 * change (the demux hash and ISNs depend on it) and is kept. */
int synack_stack_set_config(struct synack_stack *stack, const struct synack_config *cfg,
                            const char **why);

/* A device: the stack calls transmit() with a complete IPv4 packet; the device calls
 * synack_stack_input() with each packet it receives. transmit returns 0 or a negative errno. */
struct synack_device_ops {
    int (*transmit)(void *ctx, const uint8_t *packet, size_t len, synack_time_t now);
};

/* Returns the device index (>= 0) or a negative errno. mtu: largest IP packet. */
int synack_stack_add_device(struct synack_stack *stack, const struct synack_device_ops *ops,
                            void *ctx, uint16_t mtu);
/* An Ethernet device (a TAP, a bridge port): transmit() gets whole Ethernet II frames and
 * synack_stack_input() takes them; the stack answers ARP for its addresses and resolves its
 * neighbours by ARP (RFC 826). mtu is the largest IP packet (a frame is 14 bytes more); mac is
 * the device's own unicast address. Returns the device index or a negative errno. */
int synack_stack_add_ether_device(struct synack_stack *stack, const struct synack_device_ops *ops,
                                  void *ctx, uint16_t mtu, const uint8_t mac[6]);
/* The next hop for destinations off the prefixes of an Ethernet device's addresses (family NONE
 * removes it: every destination is then asked for by ARP itself). */
int synack_stack_set_gateway(struct synack_stack *stack, const struct synack_addr *gateway);

/* Give the stack an address on a device, with its prefix length (for routing). */
int synack_stack_add_addr(struct synack_stack *stack, int dev, const struct synack_addr *addr,
                          unsigned prefix_len);

/* A packet arrived on a device. Returns 0, or a negative errno when it was dropped. */
int synack_stack_input(struct synack_stack *stack, int dev, const uint8_t *packet, size_t len,
                       synack_time_t now);
/* Packets that arrived together (what a device had queued): each is taken as by
 * synack_stack_input(), and the ACKs they owe go after the last one, one per connection (RFC 9293
 * §3.10.7.4, MUST-59); segments with data and RSTs still go at once. Returns how many packets
 * were taken (not dropped), or -EINVAL. */
struct synack_packet {
    const uint8_t *data;
    size_t len;
};
int synack_stack_input_batch(struct synack_stack *stack, int dev,
                             const struct synack_packet *packets, size_t n, synack_time_t now);
/* The same for a driver that reads packets one by one: synack_stack_input() calls between
 * begin and end form a batch, whose ACKs end() sends. */
void synack_stack_batch_begin(struct synack_stack *stack);
void synack_stack_batch_end(struct synack_stack *stack, synack_time_t now);
/* Run every timer due at or before now. */
void synack_stack_poll(struct synack_stack *stack, synack_time_t now);
/* The earliest time poll() has work, or SYNACK_TIME_NEVER. */
synack_time_t synack_stack_next_deadline(const struct synack_stack *stack);

/* Events of every connection in this stack. One callback per stack; NULL removes it. */
void synack_stack_set_event_fn(struct synack_stack *stack, synack_event_fn fn, void *ctx);
/* Which event types reach the callback: a set of SYNACK_EV_BIT(type), all by default. An
 * application that does not want the error reports of RFC 9293 §3.9.1.8 (ICMP, delivery
 * problem, urgent data) takes them out (SHLD-20); the segment events can go the same way. */
#define SYNACK_EV_BIT(type) (1u << (type))
#define SYNACK_EV_ALL       ((1u << SYNACK_EV_TYPE_COUNT) - 1u)
#define SYNACK_EV_ERROR_REPORTS                                                                    \
    (SYNACK_EV_BIT(SYNACK_EV_ICMP) | SYNACK_EV_BIT(SYNACK_EV_DELIVERY_PROBLEM) |                   \
     SYNACK_EV_BIT(SYNACK_EV_URGENT))
void synack_stack_set_event_mask(struct synack_stack *stack, uint32_t mask);

struct synack_counters {
    uint64_t packets_in, packets_out;
    uint64_t segments_in, segments_out;
    uint64_t retransmits;        /* retransmission timeouts */
    uint64_t fast_retransmits;   /* fast retransmits (RFC 5681 §3.2) */
    uint64_t recoveries;         /* fast recovery episodes entered */
    uint64_t lost_retransmits;   /* retransmissions found lost by SACK and sent again */
    uint64_t window_probes;      /* zero-window probes sent (§3.8.6.1) */
    uint64_t ecn_ce_in;          /* data segments that arrived marked CE (RFC 3168 §6.1.3) */
    uint64_t ecn_reductions;     /* cwnd cut in answer to an ECE (RFC 3168 §6.1.2) */
    uint64_t time_wait_reopened; /* TIME-WAIT connections a new SYN reopened (§3.6.1) */
    uint64_t urgent_in;          /* urgent pointers that moved RCV.UP (RFC 9293 §3.10.7.4) */
    uint64_t icmp_in, icmp_echo_replies; /* ICMP messages taken; echo replies sent */
    uint64_t icmp_errors;                /* ICMP errors acted on for a connection */
    uint64_t pmtu_lowered;               /* MSS lowered by "fragmentation needed" (RFC 1191) */
    uint64_t ip_reassembled, ip_fragments_out; /* datagrams put together; fragments sent */
    uint64_t arp_requests, arp_replies;        /* ARP sent (RFC 826) */
    /* RFC 9293 §3.8.3 (MUST-20): negative advice TCP gave IP at R1, and how much of it found
     * nothing to act on (a device without a link layer, or a next hop not cached or already in
     * question); the rest put the next hop's ARP entry in question (RFC 1122 §2.3.2.1). */
    uint64_t negative_advice, negative_advice_noop;
    uint64_t conns_opened_active, conns_opened_passive;
    uint64_t conns_established, conns_reset, conns_timed_out;
    uint64_t drops[SYNACK_DROP_REASON_COUNT];
    uint64_t rst_sent[SYNACK_RST_REASON_COUNT];
};
const struct synack_counters *synack_stack_counters(const struct synack_stack *stack);
/* Number of connection blocks alive (any state, listeners included). */
size_t synack_stack_conn_count(const struct synack_stack *stack);

#endif
