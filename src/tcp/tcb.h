/* tcp — the transmission control block (RFC 9293 §3.3.1) and the internal interfaces of the
 * TCP layer. A struct synack_conn is the TCB; the public API sees it as an opaque handle. */
#ifndef SY_TCP_TCB_H
#define SY_TCP_TCB_H

#include <synack/conn.h>

#include "stack/stack.h"
#include "tcp/cc.h"
#include "tcp/rtt_est.h"
#include "tcp/sack.h"
#include "util/assembler.h"
#include "util/ring.h"
#include "util/seq.h"
#include "wire/tcp.h"

/* The 536-byte default send MSS when the peer sends none (RFC 9293 §3.7.1, RFC 1122 §4.2.2.6). */
#define SY_TCP_DEFAULT_MSS 536
/* RFC 7323 §2.3: shift counts above 14 are treated as 14. */
#define SY_TCP_MAX_WSCALE 14
/* RFC 6298 §5.7: RTO after a retransmitted SYN once data transfer begins. */
#define SY_TCP_RTO_AFTER_SYN_LOSS SYNACK_SEC(3)

/* A connection's timers; the earliest keys it in the stack's heap (timer.c). */
enum sy_timer {
    SY_TIMER_CLOSE,     /* TIME-WAIT's 2 MSL, or an orphan's FIN-WAIT-2 timeout */
    SY_TIMER_RTX,       /* retransmission (RFC 6298) */
    SY_TIMER_PERSIST,   /* window probes and the silly-window override (§3.8.6.1, persist.c) */
    SY_TIMER_DELACK,    /* delayed ACK (§3.8.6.3) */
    SY_TIMER_KEEPALIVE, /* keepalive probes (§3.8.4) */
    SY_TIMER_COUNT
};

/* A listener's queues (§3.10.7.2; DESIGN rule 5). */
struct sy_listen {
    unsigned backlog;                              /* accept queue bound */
    unsigned syn_count;                            /* children in SYN-RECEIVED */
    unsigned accept_count;                         /* established children waiting for accept */
    struct synack_conn *syn_head;                  /* children in SYN-RECEIVED */
    struct synack_conn *accept_head, *accept_tail; /* established, oldest first */
};

struct synack_conn {
    struct synack_stack *stack;
    enum synack_state state;
    struct synack_endpoint local, remote; /* remote port 0 and family NONE for a listener */
    int dev;

    /* demux and timer heap membership */
    struct synack_conn *hnext;
    bool hashed;
    size_t heap_idx; /* SIZE_MAX when not in the heap */
    synack_time_t deadline;

    /* send sequence space (RFC 9293 §3.3.1 Figure 3) */
    uint32_t iss, snd_una, snd_nxt, snd_max;
    uint32_t snd_wnd, max_snd_wnd, snd_wl1, snd_wl2;
    /* receive sequence space (Figure 4) */
    uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge of the window we advertised */

    /* negotiated in the handshake */
    uint16_t snd_mss; /* largest segment the peer accepts (its MSS option or 536) */
    uint16_t our_mss; /* the MSS we announced */
    uint8_t snd_wscale, rcv_wscale;
    bool ws_ok, ts_ok, sack_ok;
    uint32_t ts_recent, ts_offset;
    synack_time_t ts_recent_age; /* when TS.Recent was last set (RFC 7323 §5.5) */
    uint32_t last_ack_sent;      /* Last.ACK.sent (RFC 7323 §4.3): the ACK field we sent last */

    /* flags */
    bool passive;      /* reached SYN-RECEIVED from LISTEN */
    bool listen_tcb;   /* a fully specified passive OPEN: this TCB itself returns to LISTEN */
    bool user_ref;     /* the application holds the handle */
    bool rcv_syn;      /* the peer's SYN has been received (IRS known) */
    bool fin_queued;   /* the application shut down sending: FIN after the data */
    bool fin_rcvd;     /* the peer's FIN was received and consumed (RCV.NXT is past it) */
    bool syn_rtx;      /* our SYN was retransmitted (RFC 6298 §5.7) */
    bool fin_sent;     /* our FIN has been sent; it occupies fin_seq */
    bool ack_deferred; /* owed an ACK at the end of the batch being taken (ack_batch.c) */
    bool ack_listed;   /* in the stack's list of those (until the batch ends or it is freed) */
    uint32_t fin_seq;

    struct synack_conn_params prm; /* its settings (socket options) */
    /* buffers, allocated once when the connection is made */
    struct sy_ring sndbuf, rcvbuf;
    /* data that arrived early, held in rcvbuf beyond the in-order bytes (text.c) */
    struct sy_assembler reasm;
    bool fin_early;         /* a FIN arrived beyond RCV.NXT */
    uint32_t delack_bytes;  /* in-order bytes received and not yet acknowledged (§3.8.6.3) */
    uint32_t delack_segs;   /* and the segments that brought them */
    uint32_t fin_early_seq; /* where it sits */
    uint32_t sack_sent[4];  /* left edges of the SACK blocks last sent, in their order */
    uint8_t sack_sent_n;
    bool sack_newest; /* the newest segment is held out of order, at sack_newest_seq */
    uint32_t sack_newest_seq;
    bool dsack; /* a duplicate to report once in the first block (RFC 2883) */
    uint32_t dsack_left, dsack_right;

    /* timers: absolute deadlines, SYNACK_TIME_NEVER when off */
    synack_time_t timer[SY_TIMER_COUNT]; /* absolute deadlines, SYNACK_TIME_NEVER when off */
    unsigned rtx_count;
    unsigned persist_shift; /* backoff of the persist timer, apart from the RTO's */
    unsigned probes_out;    /* window probes sent and not answered */
    struct sy_rtt_est rtt;  /* SRTT, RTTVAR and RTO (RFC 6298) */
    bool rtt_timing;
    uint32_t rtt_seq;
    synack_time_t rtt_start;

    /* the sender beyond the sequence space: congestion control and loss recovery */
    struct sy_cc cc;      /* cc.ops is NULL until ESTABLISHED */
    uint64_t cc_rtt_seen; /* rtt.samples when cc last saw a sample */
    unsigned dupacks;     /* consecutive duplicate ACKs (RFC 5681 §2) */
    bool in_recovery;     /* fast recovery (RFC 6582 §3.2) */
    uint32_t recover;     /* RFC 6582 "recover" / RFC 6675 RecoveryPoint: SND.MAX at entry */
    struct sy_sack_board sb;
    /* ECN (RFC 3168, ecn.c): what the handshake said, and the echo owed */
    uint8_t ecn;          /* SY_ECN_F_* */
    uint32_t ecn_cwr_seq; /* where our last CWR went (SY_ECN_F_CWR_SENT) */
    bool ecn_cut;         /* cwnd was cut for an ECE: it does not grow in this window of data */
    uint32_t ecn_cut_end; /* ... which ends when SND.UNA reaches it (RFC 3168 §6.1.2) */
    uint8_t syn_opts;     /* the options (SY_OPT_*) the SYNs of this open offered */
    /* urgent data (urgent.c): each pointer is the octet after the urgent data (RFC 6093) */
    bool snd_up_on, rcv_up_on; /* SND.UP / RCV.UP are meaningful: urgent mode */
    uint32_t snd_up, rcv_up;
    synack_time_t opened; /* when the open began (the connection-establishment timer) */
    /* keepalive (§3.8.4) and the user timeout (§3.8.3, RFC 5482) */
    unsigned ka_probes;     /* unanswered keepalive probes */
    synack_time_t last_rcv; /* when the peer last sent an acceptable segment */
    synack_time_t una_since;
    /* since when SND.UNA has waited for its ACK */ /* what the peer SACKed (RFC 6675), when
                                                       SACK is on */

    int error;      /* pending error for the application, negative errno */
    int soft_error; /* the last ICMP soft error (RFC 1122 §4.2.3.9), reported on a timeout */

    /* listener side */
    struct sy_listen *listen;          /* non-NULL for a LISTEN connection */
    struct synack_conn *parent;        /* the listener of a child not yet accepted */
    struct synack_conn *qnext, *qprev; /* link in the parent's SYN list or accept queue */
    bool in_accept_queue;

    struct synack_conn *all_next, *all_prev;
    void *user;
};

/* The segment being processed, parsed, with its addresses. Travels as an argument. */
struct sy_seg {
    struct synack_endpoint src, dst;
    struct sy_tcp tcp;
    uint32_t len; /* SEG.LEN */
    int dev;
    uint8_t ecn; /* the IP header's ECN field (RFC 3168 §5): SY_ECN_NOT_ECT .. SY_ECN_CE */
    bool reopen; /* a SYN that closed a TIME-WAIT TCB (tw_reopen.c): the listener's new
                  * connection takes reopen_iss as its ISS */
    uint32_t reopen_iss;
};

/* conn.c — life cycle */
/* p NULL: the stack's defaults. */
struct synack_conn *sy_conn_new(struct synack_stack *s, const struct synack_conn_params *p,
                                bool with_buffers);
void sy_conn_free(struct synack_conn *c);
/* Free c if it is CLOSED and nobody refers to it any more. Returns true if freed. */
bool sy_conn_reap(struct synack_conn *c);
/* Report an error to the application and remember it. */
void sy_conn_error(struct synack_conn *c, int err, synack_time_t now);
void sy_conn_notify(struct synack_conn *c, enum synack_event_type t, synack_time_t now);

/* fsm.c — the one place where state changes (DESIGN rule 4) */
void sy_set_state(struct synack_conn *c, enum synack_state to, enum synack_cause why,
                  synack_time_t now);
bool sy_state_legal(enum synack_state from, enum synack_state to);
static inline bool sy_state_synchronized(enum synack_state s)
{
    return s >= SYNACK_ESTABLISHED;
}

/* demux.c */
int sy_demux_init(struct sy_demux *d);
void sy_demux_free(struct sy_demux *d);
void sy_demux_insert(struct synack_stack *s, struct synack_conn *c);
void sy_demux_remove(struct synack_stack *s, struct synack_conn *c);
/* The connection of a 4-tuple, else the listener of the local endpoint, else NULL. */
struct synack_conn *sy_demux_lookup(struct synack_stack *s, const struct synack_endpoint *local,
                                    const struct synack_endpoint *remote);
/* The listener for a local endpoint (bound to its address, else to any), or NULL. */
struct synack_conn *sy_demux_listener(struct synack_stack *s, const struct synack_endpoint *local);
struct synack_conn *sy_demux_find_exact(struct synack_stack *s, const struct synack_endpoint *local,
                                        const struct synack_endpoint *remote);

/* timer.c */
int sy_timers_init(struct sy_timers *t);
void sy_timers_free(struct sy_timers *t);
/* Recompute c's deadline from its timers and fix its heap position. */
void sy_timer_update(struct synack_conn *c);
void sy_timer_remove(struct synack_conn *c);
void sy_timers_run(struct synack_stack *s, synack_time_t now);
synack_time_t sy_timers_next(const struct sy_timers *t);
/* Set or clear one timer (SYNACK_TIME_NEVER clears). */
void sy_timer_set(struct synack_conn *c, enum sy_timer which, synack_time_t at);
static inline bool sy_timer_armed(const struct synack_conn *c, enum sy_timer which)
{
    return c->timer[which] != SYNACK_TIME_NEVER;
}
/* Expiry handlers; true when the connection was freed. */
bool sy_delack_expired(struct synack_conn *c, synack_time_t now);
/* keepalive.c */
bool sy_keepalive_expired(struct synack_conn *c, synack_time_t now);
void sy_keepalive_arm(struct synack_conn *c, synack_time_t now);
void sy_keepalive_on_segment(struct synack_conn *c, synack_time_t now);
void sy_timer_rtx_arm(struct synack_conn *c, synack_time_t now);
/* After a change of user_timeout or connect_timeout: no later than the new deadline. */
void sy_timer_rtx_rearm(struct synack_conn *c, synack_time_t now);
/* RFC 9293 §3.8.3 (R2): give up on the peer with ETIMEDOUT; true when c was freed. */
bool sy_conn_give_up(struct synack_conn *c, synack_time_t now);
/* persist.c — after output: the persist timer when data waits on the window with nothing in
 * flight, else the retransmission timer while anything is unacknowledged. */
void sy_persist_update(struct synack_conn *c, bool waiting, synack_time_t now);
bool sy_persist_expired(struct synack_conn *c, synack_time_t now);
void sy_persist_on_ack(struct synack_conn *c);
void sy_timer_rtx_stop(struct synack_conn *c);
void sy_timer_time_wait(struct synack_conn *c, synack_time_t now);
/* Bound FIN-WAIT-2 once the application has let go of the connection. */
void sy_timer_fin_wait_2(struct synack_conn *c, synack_time_t now);

/* rtt.c — RFC 6298 */
void sy_rtt_on_ack(struct synack_conn *c, uint32_t ack, synack_time_t now);
/* RFC 7323 §4.1: a sample from the TSecr of an ACK of new data. */
void sy_rtt_on_ack_ts(struct synack_conn *c, uint32_t ts_ecr, uint32_t flight, synack_time_t now);
void sy_rtt_on_send(struct synack_conn *c, uint32_t seq, synack_time_t now);
void sy_rtt_backoff(struct synack_conn *c);

/* isn.c — RFC 6528 */
uint32_t sy_isn(const struct synack_stack *s, const struct synack_endpoint *local,
                const struct synack_endpoint *remote, synack_time_t now);

/* ecn.c — Explicit Congestion Notification (RFC 3168). The IP ECN field: */
#define SY_ECN_NOT_ECT 0
#define SY_ECN_ECT1    1
#define SY_ECN_ECT0    2
#define SY_ECN_CE      3
/* c->ecn: */
#define SY_ECN_F_SENT_SETUP 0x01 /* we sent an ECN-setup SYN or SYN,ACK */
#define SY_ECN_F_SENT_PLAIN 0x02 /* we sent a SYN or SYN,ACK that was not */
#define SY_ECN_F_PEER_SETUP 0x04 /* the peer sent an ECN-setup SYN or SYN,ACK */
#define SY_ECN_F_PEER_PLAIN 0x08 /* the peer sent a SYN or SYN,ACK that was not */
#define SY_ECN_F_ECHO       0x10 /* a CE arrived: ECE on our ACKs until the peer's CWR */
#define SY_ECN_F_CWR_DUE    0x20 /* cwnd was cut: CWR on the next new data segment */
#define SY_ECN_F_CWR_SENT   0x40 /* a CWR went at ecn_cwr_seq, not yet acknowledged */
#define SY_ECN_F_CE_NEW     0x80 /* a CE mark started the echo: acknowledge at once */
/* The peer's SYN or SYN,ACK, as recorded by sy_take_syn(). */
void sy_ecn_on_syn(struct synack_conn *c, const struct sy_seg *seg);
/* A SYN again in SYN-RECEIVED (a retransmission, perhaps without ECN now: §6.1.1.1). */
void sy_ecn_on_syn_again(struct synack_conn *c, const struct sy_seg *seg);
/* An acceptable segment with ACK, before the ACK step: CWR and CE (§6.1.3). */
void sy_ecn_on_segment(struct synack_conn *c, const struct sy_seg *seg);
/* Whether a CE mark just started the echo; then the ACK goes at once (clears the note). */
bool sy_ecn_ack_now(struct synack_conn *c);
/* Whether this ACK echoes congestion not yet answered: ECE, not on a SYN, from a synchronized
 * connection that sends ECT, not older than SND.UNA, and sent after our last CWR reached the
 * peer (until then the echo is of what the cut already answered). Call before the ACK step. */
bool sy_ecn_echo_new(struct synack_conn *c, const struct sy_seg *seg);
/* cwnd was cut (ECE, fast retransmit or timeout): the next new data carries CWR (§6.1.2). */
void sy_ecn_reduced(struct synack_conn *c);
/* The ECN flags a segment gets and *ect its ECN field: for a SYN what we ask or answer
 * (§6.1.1), else ECE while echoing, ECT and CWR on new data only (§6.1.4-§6.1.6). */
uint8_t sy_ecn_flags_out(struct synack_conn *c, uint32_t seq, uint8_t flags, size_t len,
                         uint8_t *ect);
/* Whether the connection sets ECT on its data (TCP_INFO's TCPI_OPT_ECN). */
bool sy_ecn_active(const struct synack_conn *c);

/* urgent.c — the urgent mechanism (§3.8.5, RFC 6093): in line, the pointers after the data */
/* SEND with the URGENT flag: the queued data up to end (a sequence number) is urgent. */
void sy_urg_mark_sent(struct synack_conn *c, uint32_t end);
/* URG and the urgent pointer of a segment of len octets at h->seq (§3.10.2: while SND.UP is
 * ahead of it). */
void sy_urg_out(struct synack_conn *c, struct sy_tcp *h, size_t len);
/* §3.10.7.4 sixth: the URG bit of an acceptable segment (ESTABLISHED, FIN-WAIT-1/2). */
void sy_urg_in(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now);
/* Urgent octets the application has not read yet, 0 when none. */
uint32_t sy_urg_unread(const struct synack_conn *c);
/* After a read: urgent mode ends once the reader is past RCV.UP. */
void sy_urg_after_read(struct synack_conn *c);

/* ack_batch.c — MUST-59: ACKs wait for the end of a batch of packets */
/* In a batch: note that c owes an ACK and return true (sy_send_ack then sends nothing). */
bool sy_ack_batch_defer(struct synack_conn *c);
/* c is going away, or has just sent its ACK: no note of it stays. */
void sy_ack_batch_forget(struct synack_conn *c);
/* The batch is over: one ACK for each connection still owed one. */
void sy_ack_batch_flush(struct synack_stack *s, synack_time_t now);

/* options.c — what the handshake negotiates */
void sy_opts_for_syn(const struct synack_conn *c, struct sy_tcp_opts *o, synack_time_t now);
void sy_opts_init(struct synack_conn *c);
void sy_opts_from_syn(struct synack_conn *c, const struct sy_tcp *syn, synack_time_t now);
void sy_opts_for_segment(const struct synack_conn *c, struct sy_tcp_opts *o, synack_time_t now);
/* Remember the SACK blocks a segment carries, for the order of the next (RFC 2018 §4). */
void sy_opts_sack_sent(struct synack_conn *c, const struct sy_tcp_opts *o);
/* text.c — RFC 2883 §4: note the duplicate part of a segment's text for a D-SACK block: what lies
 * below RCV.NXT, else the first part already held out of order. */
void sy_dsack_note(struct synack_conn *c, const struct sy_seg *seg);
/* §3.10.7.3: text on a SYN in SYN-SENT waits, held where it belongs, until ESTABLISHED; then it
 * joins the stream (and its ACK is owed, delayed). */
void sy_text_queue_syn(struct synack_conn *c, const struct sy_seg *seg);
void sy_text_release_syn(struct synack_conn *c, synack_time_t now);
/* cfg.buf_round_mss: both buffers grown to whole segments of SND.MSS. */
void sy_opts_round_buffers(struct synack_conn *c);
/* icmp_error.c — an ICMP error quoting a segment of c with sequence number seq (RFC 1122
 * §4.2.3.9, RFC 5461, RFC 1191, RFC 5927). */
void sy_tcp_icmp_error(struct synack_conn *c, uint8_t type, uint8_t code, uint16_t next_mtu,
                       uint32_t seq, synack_time_t now);
/* paws.c — RFC 7323 §5.3 R1 and §3.2 before the sequence test: false when the segment must be
 * dropped (*why says why: SYNACK_DROP_PAWS is answered with an ACK, a missing TSopt is not). */
bool sy_paws_ok(struct synack_conn *c, const struct sy_seg *seg, enum synack_drop_reason *why,
                synack_time_t now);
/* RFC 7323 §4.3 (R3): an acceptable segment's TSval becomes TS.Recent. */
void sy_paws_record(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now);
/* Our timestamp clock now (RFC 7323 §5.4: 1 ms, with a per-connection offset). */
uint32_t sy_opts_ts_now(const struct synack_conn *c, synack_time_t now);
/* Payload bytes per segment: the peer's MSS less the options every segment carries (RFC 6691). */
uint32_t sy_opts_payload_mss(const struct synack_conn *c);
/* Payload room in the next segment: the above less the SACK blocks it will carry. */
uint32_t sy_opts_segment_room(const struct synack_conn *c);

/* output.c — emission */
/* A segment of this connection: seq, flags, and len bytes of the send buffer at offset off. */
void sy_emit(struct synack_conn *c, uint32_t seq, uint8_t flags, size_t off, size_t len,
             synack_time_t now);

/* send.c — what to send: SYN, data within the windows (Nagle, SWS), FIN */
void sy_output(struct synack_conn *c, synack_time_t now);
/* The same, overriding Nagle and silly window avoidance for the first segment (a timer's). */
void sy_output_force(struct synack_conn *c, synack_time_t now);
void sy_send_ack(struct synack_conn *c, synack_time_t now);
/* The ACK of the peer's FIN: with cfg.ack_resends_fin, our unacknowledged FIN rides on it. */
void sy_send_ack_of_fin(struct synack_conn *c, synack_time_t now);
/* A bare ACK with this sequence number (keepalive probes). */
void sy_emit_at(struct synack_conn *c, uint32_t seq, synack_time_t now);
/* RST from a connection: <SEQ=SND.NXT><CTL=RST> (§3.10.5). */
void sy_send_rst_conn(struct synack_conn *c, enum synack_rst_reason why, synack_time_t now);
/* RST in reply to a segment (§3.10.7.1): <SEQ=SEG.ACK><CTL=RST> when it had ACK, else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Never in reply to a RST. */
void sy_send_rst_reply(struct synack_stack *s, const struct sy_seg *seg, enum synack_rst_reason why,
                       synack_time_t now);
/* Retransmit up to len octets at seq without moving SND.NXT (send.c); returns octets sent
 * (the FIN counts one). */
uint32_t sy_output_resend(struct synack_conn *c, uint32_t seq, uint32_t len, synack_time_t now);
/* SACK recovery's pipe (RFC 6675 SetPipe) of this connection. */
uint32_t sy_recovery_pipe(const struct synack_conn *c);
/* recovery.c — congestion control and loss recovery */
void sy_recovery_init(struct synack_conn *c, synack_time_t now);
bool sy_recovery_is_dupack(const struct synack_conn *c, const struct sy_seg *seg, uint32_t wnd);
void sy_recovery_on_dupack(struct synack_conn *c, synack_time_t now);
void sy_recovery_on_ack(struct synack_conn *c, uint32_t acked, synack_time_t now);
void sy_recovery_on_rto(struct synack_conn *c, synack_time_t now);
/* An ACK with ECE (RFC 3168 §6.1.2): cwnd cut as for a loss, once per window of data. */
void sy_recovery_on_ece(struct synack_conn *c, synack_time_t now);
/* Resend from SND.UNA after a retransmission timeout. */
void sy_output_retransmit(struct synack_conn *c, synack_time_t now);
/* RFC 9293 §3.8.6.2.2 (receiver SWS avoidance), the one place it lives: the window to offer
 * now. The right edge moves only when it can move by min(RCV.BUFF / 2, the peer's MSS); else the
 * window offered before is kept (it shrinks as data arrives, never by moving the edge back). */
uint32_t sy_rcv_window_target(const struct synack_conn *c);
/* Whether a read opened the window enough for a window update of its own (§3.8.6.2.2). */
bool sy_rcv_window_update_due(const struct synack_conn *c);
/* The window field to send now (scaled unless on a SYN); moves rcv_adv, never back. */
uint16_t sy_rcv_window_update(struct synack_conn *c, bool syn);

/* input.c, listen.c, syn_sent.c, closed.c — segment arrival (RFC 9293 §3.10.7) */
void sy_tcp_input(struct synack_stack *s, struct sy_seg *seg, synack_time_t now);
void sy_input_closed(struct synack_stack *s, const struct sy_seg *seg, synack_time_t now);
void sy_input_listen(struct synack_conn *l, const struct sy_seg *seg, synack_time_t now);
/* tw_reopen.c — a SYN in TIME-WAIT (§3.6.1 MAY-2, RFC 6191): true when it closed the TIME-WAIT
 * TCB and went to the listener as a new connection. */
bool sy_tw_reopen(struct synack_conn *c, struct sy_seg *seg, synack_time_t now);
void sy_input_syn_sent(struct synack_conn *c, struct sy_seg *seg, synack_time_t now);
void sy_input_synchronized(struct synack_conn *c, struct sy_seg *seg, synack_time_t now);
/* Step 5 of §3.10.7.4; false when the segment is dropped or the connection is gone. */
bool sy_input_ack(struct synack_conn *c, struct sy_seg *seg, synack_time_t now);
/* Steps 6-8 of §3.10.7.4 for data and FIN (shared with SYN-SENT's SYN,ACK path). */
void sy_input_text_and_fin(struct synack_conn *c, struct sy_seg *seg, synack_time_t now);

/* listen.c — the listener's children */
void sy_listen_child_established(struct synack_conn *child, synack_time_t now);
/* Take the oldest established child, or NULL. */
struct synack_conn *sy_listen_pop(struct synack_conn *l);
void sy_listen_child_gone(struct synack_conn *child);
void sy_listen_close(struct synack_conn *l, synack_time_t now);
/* SYN-RECEIVED reached from LISTEN goes back to LISTEN (§3.10.7.4): a child of a listener is
 * deleted; a fully specified passive OPEN's own TCB is reset to LISTEN. */
void sy_listen_return(struct synack_conn *c, enum synack_cause why, synack_time_t now);
/* Fill a TCB from the SYN that arrived in LISTEN (§3.10.7.2) and send the SYN,ACK. */
void sy_listen_take_syn(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now);
/* Record the peer's SYN: IRS, RCV.NXT, options, window (syn_sent.c). */
void sy_take_syn(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now);
/* Active OPEN of a prepared TCB: ISS, SYN-SENT, SYN (§3.10.1). */
void sy_open_active(struct synack_conn *c, enum synack_cause why, synack_time_t now);

/* The receive window we offered: RCV.WND = the advertised right edge less RCV.NXT. */
static inline uint32_t sy_rcv_wnd(const struct synack_conn *c)
{
    return sy_seq_gt(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
}

/* The window segments are tested against (§3.10.7.4): the one offered; with cfg.rcv_wnd_bsd,
 * as BSD's rcv_wnd, the free buffer when that is larger (a 16-bit field without scaling cannot
 * offer all of a larger buffer, and reads may free room the edge has not moved over yet). */
static inline uint32_t sy_rcv_wnd_accept(const struct synack_conn *c)
{
    uint32_t offered = sy_rcv_wnd(c), space = (uint32_t)sy_ring_space(&c->rcvbuf);
    /* BSD: where there is a socket buffer, so not in a passive SYN-RECEIVED (a syncache entry)
     * nor in TIME-WAIT */
    bool sock = c->state >= SYNACK_ESTABLISHED || (c->state == SYNACK_SYN_RECEIVED && !c->passive);
    bool bsd = c->stack->cfg.rcv_wnd_bsd && sock && c->state != SYNACK_TIME_WAIT;
    return bsd && space > offered ? space : offered;
}

/* Our FIN has been sent and acknowledged. */
static inline bool sy_fin_acked(const struct synack_conn *c)
{
    return c->fin_sent && (int32_t)(c->snd_una - c->fin_seq) > 0;
}

/* Bytes of send buffer not yet sent, and the sequence number of the buffer's first byte. */
static inline uint32_t sy_snd_data_seq(const struct synack_conn *c)
{
    return c->snd_una + (c->snd_una == c->iss ? 1u : 0u);
}

#endif
