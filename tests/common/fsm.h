/* Test helper for the state tests: one stack whose device is the test itself. The test plays the
 * remote peer: it injects segments at a time t and pops the exact segments the stack sends.
 *
 * Addresses: the stack is 10.0.0.1:LPORT, the peer 10.0.0.2:RPORT. The peer's ISS is PEER_ISS.
 * The stack's ISS is learned from its first SYN and kept in f->iss. By default the peer offers
 * no options, so no window scaling or timestamps are in use and the send MSS is 536. */
#ifndef SY_TEST_FSM_H
#define SY_TEST_FSM_H

#include <synack/synack.h>

#include "wire/tcp.h"

#define FSM_LPORT      80
#define FSM_RPORT      40000
#define FSM_PEER_ISS   1000u
#define FSM_PEER_WND   8192
#define FSM_MAX_OUT    64
#define FSM_MAX_EVENTS 256
#define FSM_MAX_OTHER  8

#define SYN SY_TH_SYN
#define ACK SY_TH_ACK
#define FIN SY_TH_FIN
#define RST SY_TH_RST
#define PSH SY_TH_PSH

struct fsm_seg {
    uint8_t flags;
    uint32_t seq, ack;
    uint16_t wnd;
    uint16_t urp; /* the urgent pointer field */
    struct sy_tcp_opts opts;
    size_t len;
    uint8_t ecn; /* the IP header's ECN field */
    uint8_t data[1600];
};

struct fsm {
    struct synack_stack *st;
    struct synack_config cfg;
    int dev;
    struct synack_addr local, remote;
    synack_time_t now;
    struct fsm_seg out[FSM_MAX_OUT];
    size_t nout, head;
    struct synack_event ev[FSM_MAX_EVENTS];
    size_t nev;
    struct synack_conn *conn;           /* the connection under test */
    struct synack_conn *listener;       /* when opened passively */
    uint32_t iss;                       /* the stack's ISS */
    uint32_t peer_nxt;                  /* the next sequence number the peer would send */
    uint8_t other[FSM_MAX_OTHER][1600]; /* packets sent that were not TCP, whole, in order */
    size_t other_len[FSM_MAX_OTHER];
    unsigned nother; /* how many such packets (only the first FSM_MAX_OTHER are kept) */
    uint8_t in_ecn;  /* the ECN field of the packets the peer sends (default 0, not ECT) */
};

/* A stack with the default config (cfg NULL) or the given one, and no connection. The state
 * tests assert segment by segment, so fsm_init turns delayed ACKs off (delack_timeout 0: every
 * segment is ACKed at once); fsm_init_delack keeps cfg's delayed ACKs. */
void fsm_init(struct fsm *f, const struct synack_config *cfg);
void fsm_init_delack(struct fsm *f, const struct synack_config *cfg);
void fsm_free(struct fsm *f);

/* Move the clock to t and run the stack's timers. */
void fsm_at(struct fsm *f, synack_time_t t);
/* Inject a segment from the peer at the current time. */
void fsm_send(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
              size_t len);
void fsm_send_opts(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
                   const struct sy_tcp_opts *opts, const void *data, size_t len);
/* The header of a segment from the peer's port to ours, without options. */
struct sy_tcp fsm_peer_segment(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
                               const void *data, size_t len);
/* A segment with the URG bit and urgent pointer urp (RFC 9293 §3.8.5). */
void fsm_send_urgent(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t urp,
                     const void *data, size_t len);
/* Build the IPv4 packet of segment t from the peer's address to the stack's (ports from t) into
 * pkt; returns its length. */
size_t fsm_build(const struct fsm *f, const struct sy_tcp *t, uint8_t *pkt, size_t cap);
/* Inject raw IPv4 bytes. */
void fsm_send_raw(struct fsm *f, const uint8_t *pkt, size_t len);
/* A segment between any two addresses (fsm_send always goes 10.0.0.2 -> 10.0.0.1). */
void fsm_send_between(struct fsm *f, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
                      uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack);
/* Whether the newest segment the stack sent left from address a. */
bool fsm_last_out_from(const struct fsm *f, const struct synack_addr *a);

/* Pop the next segment the stack sent; false when there is none. */
bool fsm_pop(struct fsm *f, struct fsm_seg *out);
/* Assert the next segment sent has exactly these flags, seq and ack (ack checked only when the
 * ACK flag is expected), and return it. */
const struct fsm_seg *fsm_expect(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack);
/* Assert the stack sent nothing (more). */
void fsm_expect_none(struct fsm *f);
/* Count state events into st since init; last state event's cause. */
size_t fsm_count_state(const struct fsm *f, enum synack_state st);
int fsm_last_error(const struct fsm *f); /* last SYNACK_EV_ERROR's error, 0 if none */
/* STATUS of f->conn, or of any connection (asserts it succeeds). */
struct synack_status fsm_status(const struct fsm *f);
struct synack_status fsm_conn_status(const struct synack_conn *c);
/* The stack's drop and RST counters for one reason. */
uint64_t fsm_drops(const struct fsm *f, enum synack_drop_reason r);
uint64_t fsm_rsts(const struct fsm *f, enum synack_rst_reason r);
/* Events of one type since init; the last state event, or NULL. */
size_t fsm_count_events(const struct fsm *f, enum synack_event_type t);
const struct synack_event *fsm_last_state_event(const struct fsm *f);

/* Fixtures: put f->conn in a state, with every segment of the way consumed. Sequence numbers:
 * the stack's SND.NXT is f->iss + 1 once its SYN is out; the peer's is f->peer_nxt. */
void fsm_listen(struct fsm *f);              /* f->listener in LISTEN, f->conn NULL */
void fsm_syn_sent(struct fsm *f);            /* active open, SYN consumed */
void fsm_syn_received(struct fsm *f);        /* passive: LISTEN + SYN, SYN,ACK consumed */
void fsm_syn_received_active(struct fsm *f); /* simultaneous open: SYN-SENT + SYN */
void fsm_established(struct fsm *f);         /* active open completed */
void fsm_established_passive(struct fsm *f); /* passive open completed and accepted */
void fsm_fin_wait_1(struct fsm *f);          /* established, then close: FIN consumed */
void fsm_fin_wait_2(struct fsm *f);          /* FIN-WAIT-1 + ACK of the FIN */
void fsm_close_wait(struct fsm *f);          /* established + peer FIN, ACK consumed */
void fsm_closing(struct fsm *f);             /* FIN-WAIT-1 + peer FIN (no ACK of ours) */
void fsm_last_ack(struct fsm *f);            /* CLOSE-WAIT + close: FIN consumed */
void fsm_time_wait(struct fsm *f);           /* FIN-WAIT-2 + peer FIN, ACK consumed */

#endif
