/* tcp — congestion control and loss recovery on the sender: duplicate ACKs (RFC 5681 §2),
 * limited transmit (RFC 3042), fast retransmit and fast recovery — NewReno (RFC 6582) without
 * SACK, the SACK scoreboard's conservative recovery (RFC 6675) with it — and the collapse of the
 * window after a timeout (RFC 5681 §3.1). cwnd and ssthresh outside recovery belong to the
 * congestion control module (cc.h). */
#include "tcp/tcb.h"
#include "util/seq.h"

/* The module sees the sender's current FlightSize, SRTT, the RTT sample taken since its last
 * call (if any), SND.UNA and SND.NXT before each call. */
static struct sy_cc *cc_of(struct synack_conn *c)
{
    c->cc.flight = c->snd_max - c->snd_una;
    c->cc.srtt = c->rtt.srtt;
    c->cc.rtt = c->rtt.samples != c->cc_rtt_seen ? c->rtt.latest : 0;
    c->cc_rtt_seen = c->rtt.samples;
    c->cc.una = c->snd_una;
    c->cc.nxt = c->snd_max;
    return &c->cc;
}

void sy_recovery_init(struct synack_conn *c, synack_time_t now)
{
    c->recover = c->snd_una; /* RFC 6582 §3.2 step 1: recover = ISS at the start */
    c->ecn_cut = false;
    sy_sack_reset(&c->sb, c->snd_una);
    c->cc.ops = sy_cc_lookup(c->stack->cfg.cc);
    c->cc.ops->init(&c->cc, sy_opts_payload_mss(c), c->stack->cfg.initial_window, now);
    sy_hystart_init(&c->cc.hs, c->stack->cfg.hystart);
    c->cc_rtt_seen = c->rtt.samples;
}

uint32_t sy_recovery_pipe(const struct synack_conn *c)
{
    return sy_sack_pipe(&c->sb, c->snd_una, c->snd_max, sy_opts_payload_mss(c));
}

/* RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": outstanding data, no data, no SYN or FIN, SEG.ACK
 * equal to SND.UNA, and the same window as before. */
bool sy_recovery_is_dupack(const struct synack_conn *c, const struct sy_seg *seg, uint32_t wnd)
{
    const struct sy_tcp *t = &seg->tcp;
    /* Outstanding data: SND.NXT, not SND.MAX, so that ACKs of window probes (whose octet
     * SND.NXT does not cover, persist.c) never count. */
    return c->cc.ops && c->snd_nxt != c->snd_una && t->payload_len == 0 &&
           !(t->flags & (SY_TH_SYN | SY_TH_FIN)) && t->ack == c->snd_una &&
           ((uint32_t)t->wnd << c->snd_wscale) == wnd;
}

/* RFC 6675 §5 (C): while cwnd - pipe >= 1 SMSS, send what NextSeg() gives: lost holes first
 * (rule 1), then new data (rule 2, gated by the pipe in send.c), then other holes (rule 3). */
static void sack_transmit(struct synack_conn *c, synack_time_t now)
{
    uint32_t mss = sy_opts_payload_mss(c), seq, len;
    /* The retransmission SND.UNA waits for was lost as well: send it again now rather than
     * after a retransmission timeout (sack.c, sy_sack_rxt_lost). */
    if (sy_sack_rxt_lost(&c->sb, c->snd_una, mss, c->snd_max, &seq, &len) &&
        sy_output_resend(c, seq, len, now))
        c->stack->counters.lost_retransmits++;
    for (int rule = 1; rule <= 3; rule++) {
        if (rule == 2) {
            sy_output(c, now);
            continue;
        }
        while (sy_recovery_pipe(c) + mss <= c->cc.cwnd &&
               sy_sack_next_rtx(&c->sb, c->snd_una, mss, rule == 1, &seq, &len)) {
            uint32_t sent = sy_output_resend(c, seq, len, now);
            if (sent == 0) return;
            c->sb.high_rxt = seq + sent;
            sy_sack_note_rxt(&c->sb, seq, seq + sent, c->snd_max);
        }
    }
}

/* The window of data after an ECE's cut (RFC 3168 §6.1.2) lasts until SND.UNA passes what had
 * been sent then. */
static bool ecn_cut_window(struct synack_conn *c)
{
    if (c->ecn_cut && sy_seq_geq(c->snd_una, c->ecn_cut_end)) c->ecn_cut = false;
    return c->ecn_cut;
}

/* RFC 3168 §6.1.2: "The indication of congestion should be treated just as a congestion loss in
 * non-ECN-Capable TCP. That is, the TCP source halves the congestion window "cwnd" and reduces
 * the slow start threshold "ssthresh"" — the module's answer to a loss, without retransmitting;
 * not again within the same window of data, nor during fast recovery (already cut). */
void sy_recovery_on_ece(struct synack_conn *c, synack_time_t now)
{
    if (!c->cc.ops || c->in_recovery || ecn_cut_window(c) || c->snd_max == c->snd_una) return;
    struct sy_cc *cc = cc_of(c);
    cc->ops->cong_signal(cc, SY_CC_NDUPACK, now);
    uint32_t mss = sy_opts_payload_mss(c);
    /* A cut never grows cwnd (after a timeout it may be below the new ssthresh). "If the
     * congestion window consists of only one MSS ... the sending TCP MUST reset the retransmit
     * timer on receiving the ECN-Echo packet when the congestion window is one." */
    if (cc->cwnd <= mss) sy_timer_rtx_arm(c, now);
    if (cc->cwnd > cc->ssthresh) cc->cwnd = cc->ssthresh;
    c->ecn_cut = true;
    c->ecn_cut_end = c->snd_max;
    c->stack->counters.ecn_reductions++;
    sy_ecn_reduced(c);
}

/* RFC 6582 §3.2 step 2 / RFC 6675 §5 step (4): ssthresh from the module, recover = the highest
 * sequence number sent, retransmit the first unacknowledged segment; cwnd = ssthresh + 3*SMSS
 * (NewReno) or ssthresh (SACK, whose pipe already leaves out what was SACKed). */
static void enter_recovery(struct synack_conn *c, synack_time_t now)
{
    uint32_t mss = sy_opts_payload_mss(c);
    struct sy_cc *cc = cc_of(c);
    /* RFC 3168 §6.1.2: "the TCP sender's congestion window should be reduced only once in
     * response to a series of dropped and/or CE packets from a single window of data". */
    if (!ecn_cut_window(c)) {
        cc->ops->cong_signal(cc, SY_CC_NDUPACK, now);
        sy_ecn_reduced(c);
    }
    c->ecn_cut = false;
    c->recover = c->snd_max;
    c->in_recovery = true;
    c->stack->counters.recoveries++;
    uint32_t sent = sy_output_resend(c, c->snd_una, mss, now);
    if (!c->sack_ok) {
        cc->cwnd = cc->ssthresh + 3 * mss;
        sy_output(c, now);
        return;
    }
    cc->cwnd = cc->ssthresh;
    c->sb.high_rxt = c->snd_una + sent;
    if (sent) sy_sack_note_rxt(&c->sb, c->snd_una, c->snd_una + sent, c->snd_max);
    sack_transmit(c, now);
}

/* A loss is detected on the third duplicate ACK, or with SACK as soon as the first hole is
 * deemed lost (RFC 6675 §5 step (4), IsLost(HighACK+1)); never for a loss inside data sent
 * before the last recovery ("covers more than recover", RFC 6582 §3.2 step 2). */
static bool loss_detected(const struct synack_conn *c)
{
    /* recover holds SND.MAX, one past the highest sequence number sent. */
    if (sy_seq_lt(c->snd_una, c->recover)) return false;
    if (c->dupacks >= 3) return true;
    return c->sack_ok && sy_sack_first_lost(&c->sb, c->snd_una, sy_opts_payload_mss(c));
}

void sy_recovery_on_dupack(struct synack_conn *c, synack_time_t now)
{
    c->dupacks++;
    if (c->in_recovery) {
        if (c->sack_ok) {
            sack_transmit(c, now);
            return;
        }
        c->cc.cwnd += sy_opts_payload_mss(c); /* RFC 6582 §3.2 step 3: inflate */
        sy_output(c, now);
        return;
    }
    if (loss_detected(c)) {
        enter_recovery(c, now);
        return;
    }
    if (c->dupacks < 3) sy_output(c, now); /* RFC 3042: limited transmit of new data */
}

/* Partial ACK in NewReno recovery (RFC 6582 §3.2 step 5): retransmit the next hole, deflate
 * cwnd by what was acknowledged and add back one segment when at least one was. */
static void newreno_partial_ack(struct synack_conn *c, uint32_t acked, synack_time_t now)
{
    uint32_t mss = sy_opts_payload_mss(c);
    sy_output_resend(c, c->snd_una, mss, now);
    c->cc.cwnd = c->cc.cwnd > acked ? c->cc.cwnd - acked : mss;
    if (acked >= mss) c->cc.cwnd += mss;
}

/* New data acknowledged (SND.UNA already advanced by `acked` octets of sequence space). */
void sy_recovery_on_ack(struct synack_conn *c, uint32_t acked, synack_time_t now)
{
    if (!c->cc.ops) return;
    sy_sack_advance(&c->sb, c->snd_una);
    if (!c->in_recovery) {
        c->dupacks = 0;
        struct sy_cc *cc = cc_of(c);
        /* RFC 3168 §6.1.2: "The sending TCP SHOULD NOT increase the congestion window in
         * response to the receipt of an ECN-Echo ACK packet"; nor, as Linux and FreeBSD, until
         * the window of data the cut answered is acknowledged. */
        if (!ecn_cut_window(c)) cc->ops->ack_received(cc, acked, now);
        if (loss_detected(c)) enter_recovery(c, now); /* SACK can tell at once */
        return;
    }
    if (sy_seq_geq(c->snd_una, c->recover)) { /* full ACK: RFC 6582 §3.2 step 4 */
        c->in_recovery = false;
        c->dupacks = 0;
        struct sy_cc *cc = cc_of(c);
        cc->ops->post_recovery(cc, now);
        return;
    }
    if (c->sack_ok)
        sack_transmit(c, now);
    else
        newreno_partial_ack(c, acked, now);
}

/* RFC 5681 §3.1 (4) and RFC 6582 §4: after a timeout, ssthresh from the module, cwnd one
 * segment, recovery over, recover = the highest sequence number sent. The receiver may have
 * dropped what it SACKed (RFC 2018 §8), so the scoreboard is cleared too. */
void sy_recovery_on_rto(struct synack_conn *c, synack_time_t now)
{
    if (!c->cc.ops || c->snd_max == c->snd_una) return;
    struct sy_cc *cc = cc_of(c);
    cc->ops->cong_signal(cc, SY_CC_RTO, now);
    /* RFC 3168 §6.1.2: a lost retransmission is congestion anew. The timeout's cut is answered
     * by a CWR too; the receiver's echoes until then are of what it already answered. */
    c->ecn_cut = false;
    sy_ecn_reduced(c);
    c->in_recovery = false;
    c->dupacks = 0;
    c->recover = c->snd_max;
    sy_sack_reset(&c->sb, c->snd_una);
}
