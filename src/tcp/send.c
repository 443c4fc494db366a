/* tcp — what to send next: the SYN, data within the peer's window and the congestion window,
 * segmented at the MSS, held back by Nagle's algorithm (§3.7.4) and sender-side silly window
 * avoidance (§3.8.6.2.1), then the FIN. Retransmissions: from SND.UNA after a timeout, and one
 * segment for fast retransmit. */
#include "tcp/tcb.h"
#include "util/seq.h"

static bool fin_due(const struct synack_conn *c)
{
    return c->state == SYNACK_FIN_WAIT_1 || c->state == SYNACK_CLOSING ||
           c->state == SYNACK_LAST_ACK;
}

static void send_syn(struct synack_conn *c, synack_time_t now)
{
    sy_emit(c, c->iss, SY_TH_SYN | (c->rcv_syn ? SY_TH_ACK : 0), 0, 0, now);
    if (c->snd_nxt == c->iss && c->snd_max == c->iss) sy_rtt_on_send(c, c->iss, now);
    c->snd_nxt = c->iss + 1;
}

/* The highest sequence number the sender may reach: the peer's window (§3.8.6) and, once the
 * connection is synchronized, the congestion window (RFC 5681 §3.1), plus up to two segments of
 * limited transmit on the first two duplicate ACKs (RFC 3042 §2). */
static uint32_t send_edge(const struct synack_conn *c, uint32_t mss)
{
    uint32_t edge = c->snd_una + c->snd_wnd;
    if (!c->cc.ops) return edge;
    if (c->in_recovery && c->sack_ok) { /* RFC 6675 §5 (C): send while cwnd - pipe >= 1 SMSS */
        uint32_t pipe = sy_recovery_pipe(c);
        uint32_t room = c->cc.cwnd > pipe ? c->cc.cwnd - pipe : 0;
        return sy_seq_min(edge, c->snd_nxt + room);
    }
    uint32_t cwnd = c->cc.cwnd;
    if (!c->in_recovery && c->dupacks > 0 && c->dupacks < 3) cwnd += c->dupacks * mss;
    return sy_seq_min(edge, c->snd_una + cwnd);
}

/* A segment of n < MSS bytes goes now only if: it is a retransmission; it carries the FIN (the
 * application has nothing more to say); the window, not the data, limits it and it is at least
 * half the largest window the peer offered (§3.8.6.2.1); or it is all the data there is and
 * Nagle allows it: nothing unacknowledged, or TCP_NODELAY (§3.7.4, RFC 1122 §4.2.3.4). */
static bool small_segment_ok(const struct synack_conn *c, size_t n, size_t left, bool fin)
{
    if (sy_seq_lt(c->snd_nxt, c->snd_max) || fin) return true;
    if (n < left) return n >= c->max_snd_wnd / 2;
    return c->prm.nodelay || c->snd_max == c->snd_una;
}

/* Send one segment at SND.NXT if the rules allow; false when nothing (more) can go. */
static bool send_one(struct synack_conn *c, bool force, synack_time_t now)
{
    uint32_t data_seq = sy_snd_data_seq(c), mss = sy_opts_segment_room(c);
    size_t total = sy_ring_len(&c->sndbuf), off = c->snd_nxt - data_seq;
    /* Nothing follows our FIN (§3.10.4). */
    if (off > total || (c->fin_sent && sy_seq_gt(c->snd_nxt, c->fin_seq))) return false;
    size_t left = total - off, n = left;
    uint32_t edge = send_edge(c, mss);
    uint32_t usable = sy_seq_gt(edge, c->snd_nxt) ? edge - c->snd_nxt : 0;
    if (c->snd_una == c->iss) n = 0; /* data waits for ESTABLISHED (§3.10.2) */
    if (n > usable) n = usable;
    if (n > mss) n = mss;
    bool fin = fin_due(c) && off + n == total;
    if (n == 0 && !fin) return false;
    if (n < mss && !force && !small_segment_ok(c, n, left, fin)) return false;
    uint8_t flags = SY_TH_ACK | (n && off + n == total ? SY_TH_PSH : 0) | (fin ? SY_TH_FIN : 0);
    sy_emit(c, c->snd_nxt, flags, off, n, now);
    if (c->snd_max == c->snd_una) c->una_since = now; /* the oldest unacknowledged: now */
    if (sy_seq_geq(c->snd_nxt, c->snd_max)) sy_rtt_on_send(c, c->snd_nxt, now); /* Karn */
    c->snd_nxt += (uint32_t)n + (fin ? 1u : 0u);
    if (sy_seq_gt(c->snd_nxt, c->snd_max)) c->snd_max = c->snd_nxt;
    if (fin) {
        c->fin_sent = true;
        c->fin_seq = c->snd_nxt - 1;
    }
    return !fin;
}

static bool output_state(enum synack_state s)
{
    switch (s) {
    case SYNACK_CLOSED:
    case SYNACK_LISTEN:
    case SYNACK_TIME_WAIT:
    case SYNACK_STATE_COUNT: return false;
    case SYNACK_SYN_SENT:
    case SYNACK_SYN_RECEIVED:
    case SYNACK_ESTABLISHED:
    case SYNACK_CLOSE_WAIT:
    case SYNACK_FIN_WAIT_1:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_FIN_WAIT_2: return true;
    }
    return false;
}

static void output(struct synack_conn *c, bool force, synack_time_t now)
{
    if (!output_state(c->state)) return;
    if (c->snd_nxt == c->iss) send_syn(c, now);
    if (sy_seq_gt(c->snd_nxt, c->snd_max)) c->snd_max = c->snd_nxt;
    if (c->state != SYNACK_SYN_SENT)
        while (send_one(c, force, now))
            force = false;
    bool unsent = sy_ring_len(&c->sndbuf) > (size_t)(c->snd_nxt - sy_snd_data_seq(c));
    sy_persist_update(c, unsent, now);
}

void sy_output(struct synack_conn *c, synack_time_t now)
{
    output(c, false, now);
}

void sy_output_force(struct synack_conn *c, synack_time_t now)
{
    output(c, true, now);
}

/* Fast retransmit and recovery (RFC 5681 §3.2, RFC 6582, RFC 6675): octets at seq again,
 * without moving SND.NXT. */
uint32_t sy_output_resend(struct synack_conn *c, uint32_t seq, uint32_t len, synack_time_t now)
{
    uint32_t data_seq = sy_snd_data_seq(c), mss = sy_opts_segment_room(c);
    size_t total = sy_ring_len(&c->sndbuf), off = seq - data_seq;
    if (c->snd_una == c->iss || off > total) return 0;
    size_t n = total - off;
    if (n > len) n = len;
    if (n > mss) n = mss;
    bool fin = c->fin_sent && seq + (uint32_t)n == c->fin_seq;
    if (n == 0 && !fin) return 0;
    c->stack->counters.fast_retransmits++;
    sy_emit(c, seq, SY_TH_ACK | (fin ? SY_TH_FIN : 0), off, n, now);
    c->rtt_timing = false; /* Karn: the timed segment may be this one */
    return (uint32_t)n + (fin ? 1u : 0u);
}

void sy_output_retransmit(struct synack_conn *c, synack_time_t now)
{
    struct synack_event ev = {.type = SYNACK_EV_RETRANSMIT, .conn = c};
    ev.seg.seq = c->snd_una;
    sy_stack_emit(c->stack, &ev, now);
    c->snd_nxt = c->snd_una; /* go back: resend from the oldest unacknowledged byte */
    /* The timer overrides Nagle and silly window avoidance (§3.8.6.2.1). A closed window sends
     * nothing here: output() hands over to the persist timer. */
    output(c, true, now);
}
