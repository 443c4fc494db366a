/* synack — connections: the user calls of RFC 9293 §3.10.1–§3.10.6, non-blocking, time passed in.
 *
 * Every call returns 0 (or a byte count) on success and a negative errno on failure:
 *   -EAGAIN      nothing to do yet (no data, no buffer space, no connection to accept)
 *   -ENOTCONN    the connection does not exist / is not yet established where required
 *   -EPIPE       "connection closing": sending after CLOSE or SHUTDOWN
 *   -ECONNRESET  "connection reset" by the peer
 *   -ECONNREFUSED, -ETIMEDOUT: the connection failed
 *   -EADDRINUSE  "connection already exists"
 *
 * Lifetime: a handle stays valid until synack_close() or synack_abort() is called on it. After
 * close, the stack finishes the connection (FIN handshake, TIME-WAIT) and frees it by itself.
 */
#ifndef SYNACK_CONN_H
#define SYNACK_CONN_H

#include <synack/stack.h>
#include <synack/state.h>
#include <synack/types.h>

struct synack_conn;

/* Per-connection settings, what socket options change (SO_SNDBUF, TCP_MAXSEG, TCP_KEEPIDLE...).
 * synack_conn_params_init() copies the stack's defaults; a listener's children inherit its own. */
struct synack_conn_params {
    uint32_t sndbuf, rcvbuf; /* buffer sizes in bytes (1 .. 2^30) */
    uint16_t mss;            /* largest segment we announce and send; 0 = from the device */
    bool noopt;              /* no TCP options in our SYN (FreeBSD's TCP_NOOPT) */
    bool nodelay;            /* Nagle's algorithm (§3.7.4) off */
    bool keepalive;          /* keepalive probes (§3.8.4) */
    synack_time_t keepidle, keepintvl; /* as in struct synack_config, > 0 */
    unsigned keepcnt;
    uint8_t ttl; /* IPv4 TTL of its datagrams (RFC 9293 MUST-49; default cfg.ip_ttl) */
    uint8_t tos; /* IPv4 TOS byte: Diffserv codepoint (MUST-48); ECN bits are kept clear */
    synack_time_t connect_timeout; /* an open not ESTABLISHED after this fails with ETIMEDOUT,
                                    * whatever the SYN retransmissions left (FreeBSD's
                                    * TCP_KEEPINIT); 0 = only syn_retries decides */
    /* R2 of RFC 9293 §3.8.3, this connection's (MUST-21); defaults from struct synack_config: */
    unsigned syn_retries;       /* SYN retransmissions before an open fails (TCP_SYNCNT) */
    unsigned data_retries;      /* data/FIN retransmissions, or unanswered window probes, before
                                 * ETIMEDOUT (UINT_MAX: in effect never) */
    synack_time_t user_timeout; /* unacknowledged data older than this: ETIMEDOUT, whatever the
                                 * retransmissions left (TCP_USER_TIMEOUT, RFC 5482); 0 = off;
                                 * at most SYNACK_USER_TIMEOUT_MAX */
};
void synack_conn_params_init(const struct synack_stack *stack, struct synack_conn_params *p);
/* -EINVAL when a value is out of range. */
int synack_conn_params_check(const struct synack_conn_params *p);

/* Passive OPEN (§3.10.1): listen on local (address may be unspecified: family NONE = any). */
int synack_listen(struct synack_stack *stack, const struct synack_endpoint *local, unsigned backlog,
                  synack_time_t now, struct synack_conn **out);
/* Passive OPEN with a fully specified foreign socket (§3.10.1): the connection itself waits in
 * LISTEN for a SYN from `remote` only (LISTEN -> SYN-RECEIVED, and back to LISTEN on a RST), and
 * a SEND before that turns it into an active open (LISTEN -> SYN-SENT, §3.10.2). No accept. */
int synack_listen_for(struct synack_stack *stack, const struct synack_endpoint *local,
                      const struct synack_endpoint *remote, synack_time_t now,
                      struct synack_conn **out);
/* The same with settings of its own (NULL: the stack's); children inherit them. */
int synack_listen_with(struct synack_stack *stack, const struct synack_endpoint *local,
                       unsigned backlog, const struct synack_conn_params *p, synack_time_t now,
                       struct synack_conn **out);
/* Take an established connection from a listener's accept queue; -EAGAIN when empty. */
int synack_accept(struct synack_conn *listener, struct synack_conn **out);

/* Active OPEN (§3.10.1): sends a SYN. local may be NULL (address by route, ephemeral port). */
int synack_connect(struct synack_stack *stack, const struct synack_endpoint *local,
                   const struct synack_endpoint *remote, synack_time_t now,
                   struct synack_conn **out);

int synack_connect_with(struct synack_stack *stack, const struct synack_endpoint *local,
                        const struct synack_endpoint *remote, const struct synack_conn_params *p,
                        synack_time_t now, struct synack_conn **out);
/* SEND (§3.10.2): queue bytes; returns how many were taken (possibly fewer than len). */
ssize_t synack_send(struct synack_conn *c, const void *buf, size_t len, synack_time_t now);
/* SEND with the URGENT flag (§3.8.5): the same, and the bytes taken end the urgent data; every
 * segment before them carries URG with the urgent pointer at the octet after them (RFC 6093),
 * until they are acknowledged. len 0: -EINVAL. The peer reads them in line. */
ssize_t synack_send_urgent(struct synack_conn *c, const void *buf, size_t len, synack_time_t now);
/* RECEIVE (§3.10.3): bytes read; 0 at the peer's FIN (end of stream); -EAGAIN when none yet. */
/* The same without consuming them (MSG_PEEK). */
ssize_t synack_peek(struct synack_conn *c, void *buf, size_t len);
ssize_t synack_recv(struct synack_conn *c, void *buf, size_t len, synack_time_t now);

/* Shut down the sending side only (half-close): a FIN follows the queued data. */
int synack_shutdown(struct synack_conn *c, synack_time_t now);
/* CLOSE (§3.10.4): shut down sending and release the handle; the stack finishes the close.
 * Closing with unread received data resets the connection (RFC 2525 §2.17, as Linux). */
int synack_close(struct synack_conn *c, synack_time_t now);
/* ABORT (§3.10.5): send RST where the RFC says, free the connection and the handle. */
int synack_abort(struct synack_conn *c, synack_time_t now);

/* Turn Nagle's algorithm (§3.7.4) off or on for this connection (TCP_NODELAY). */
int synack_set_nodelay(struct synack_conn *c, bool on, synack_time_t now);

/* Keepalive probes (§3.8.4) on or off for this connection; timing from the stack's config. */
int synack_set_keepalive(struct synack_conn *c, bool on, synack_time_t now);

/* A connection's settings; and new ones. Once the connection is open the buffers only grow and
 * noopt no longer matters; the MSS clamp applies to segments sent from then on. */
int synack_conn_params(const struct synack_conn *c, struct synack_conn_params *out);
int synack_conn_set_params(struct synack_conn *c, const struct synack_conn_params *p,
                           synack_time_t now);
/* STATUS (§3.10.6). */
struct synack_status {
    enum synack_state state;
    struct synack_endpoint local, remote;
    uint32_t snd_una, snd_nxt, snd_wnd, iss;
    uint32_t rcv_nxt, rcv_wnd, irs;
    uint16_t snd_mss;              /* MSS for sending (peer's MSS option, 536 when absent) */
    int8_t snd_wscale, rcv_wscale; /* -1 when window scaling is off */
    bool sack_permitted, timestamps;
    bool ecn;           /* ECN in use: our data carries ECT (RFC 3168) */
    size_t send_queued; /* bytes in the send buffer, sent or not */
    size_t recv_queued; /* bytes waiting to be read */
    synack_time_t rto;
    unsigned retransmits;    /* consecutive timeouts */
    uint32_t cwnd, ssthresh; /* congestion window and slow-start threshold, bytes */
    synack_time_t srtt;      /* smoothed RTT, 0 before the first sample */
    bool in_recovery;        /* in fast recovery */
    int error;               /* pending error, 0 if none */
    size_t send_space;       /* bytes SEND would take now */
    bool fin_received;       /* the peer's FIN has been received (end of its stream) */
    uint32_t urgent_unread;  /* octets of urgent data ahead of the reader, in line: the next
                              * urgent_unread bytes read end the urgent data (some may not have
                              * arrived yet); 0 when none (§3.10.7.4, SYNACK_EV_URGENT) */
    unsigned accept_queued;  /* a listener's connections waiting for accept */
};
int synack_status(const struct synack_conn *c, struct synack_status *out);
/* The status's urgent_unread alone (cheap; 0 for NULL). */
uint32_t synack_conn_urgent(const struct synack_conn *c);
enum synack_state synack_conn_state(const struct synack_conn *c);
/* Every connection of the stack, listeners and TIME-WAIT included (for netstat-like views):
 * fills up to max handles and returns how many there are. The handles are for STATUS only,
 * and only until the stack runs again (input, poll or a call). */
size_t synack_stack_conns(struct synack_stack *stack, struct synack_conn **out, size_t max);
/* Returns and clears the pending error (like SO_ERROR); 0 if none. */
int synack_conn_error(struct synack_conn *c);

/* Opaque user pointer carried by a connection (e.g. for the event callback). */
void synack_conn_set_user(struct synack_conn *c, void *user);
void *synack_conn_user(const struct synack_conn *c);

#endif
