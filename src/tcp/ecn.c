/* tcp — Explicit Congestion Notification (RFC 3168 §6.1): the negotiation in the SYNs, the ECT
 * codepoint on new data, the echo of a CE mark (ECE until CWR) and the sender's CWR. The cut of
 * cwnd itself is congestion control's (recovery.c). */
#include "tcp/tcb.h"
#include "util/seq.h"

/* §6.1.1: "a host MUST NOT set ECT on data packets unless it has sent at least one ECN-setup SYN
 * or ECN-setup SYN-ACK packet, and has received at least one ECN-setup SYN or ECN-setup SYN-ACK
 * packet, and has sent no non-ECN-setup SYN or non-ECN-setup SYN-ACK packet"; one that received
 * a non-ECN-setup one "SHOULD NOT" either. */
static bool sends_ect(const struct synack_conn *c)
{
    uint8_t need = SY_ECN_F_SENT_SETUP | SY_ECN_F_PEER_SETUP;
    return (c->ecn & (need | SY_ECN_F_SENT_PLAIN | SY_ECN_F_PEER_PLAIN)) == need;
}

/* Each side told the other it speaks ECN: the peer may send ECT, and we echo CE marks. */
static bool echoes_ce(const struct synack_conn *c)
{
    uint8_t need = SY_ECN_F_SENT_SETUP | SY_ECN_F_PEER_SETUP;
    return (c->ecn & need) == need;
}

bool sy_ecn_active(const struct synack_conn *c)
{
    return sends_ect(c);
}

/* §6.1.1: an ECN-setup SYN has ECE and CWR set; an ECN-setup SYN-ACK has ECE set, CWR clear. */
void sy_ecn_on_syn_again(struct synack_conn *c, const struct sy_seg *seg)
{
    uint8_t f = seg->tcp.flags;
    if (c->state == SYNACK_SYN_RECEIVED && (f & (SY_TH_SYN | SY_TH_ACK)) == SY_TH_SYN &&
        seg->tcp.seq == c->irs)
        sy_ecn_on_syn(c, seg);
}

void sy_ecn_on_syn(struct synack_conn *c, const struct sy_seg *seg)
{
    uint8_t f = seg->tcp.flags;
    bool ece = (f & SY_TH_ECE) != 0, cwr = (f & SY_TH_CWR) != 0;
    bool setup = (f & SY_TH_ACK) ? ece && !cwr : ece && cwr;
    c->ecn |= setup ? SY_ECN_F_PEER_SETUP : SY_ECN_F_PEER_PLAIN;
}

/* §6.1.1: ask in our SYN (cfg.ecn ON), answer in our SYN,ACK an ECN-setup SYN; §6.1.1.1: after
 * cfg.ecn_syn_retries retransmissions without an answer, "resend the SYN and any subsequent SYN
 * retransmissions with CWR and ECE cleared" (a middlebox may drop ECN-setup SYNs). */
static uint8_t syn_flags(struct synack_conn *c, uint8_t flags)
{
    const struct synack_config *cfg = &c->stack->cfg;
    bool early = c->rtx_count <= cfg->ecn_syn_retries;
    bool ask;
    if (flags & SY_TH_ACK)
        ask = cfg->ecn != SYNACK_ECN_OFF && early &&
              (c->ecn & (SY_ECN_F_PEER_SETUP | SY_ECN_F_PEER_PLAIN)) == SY_ECN_F_PEER_SETUP;
    else
        ask = cfg->ecn == SYNACK_ECN_ON && early && !(c->ecn & SY_ECN_F_SENT_PLAIN);
    c->ecn |= ask ? SY_ECN_F_SENT_SETUP : SY_ECN_F_SENT_PLAIN;
    if (!ask) return 0;
    return (flags & SY_TH_ACK) ? SY_TH_ECE : SY_TH_ECE | SY_TH_CWR;
}

uint8_t sy_ecn_flags_out(struct synack_conn *c, uint32_t seq, uint8_t flags, size_t len,
                         uint8_t *ect)
{
    *ect = SY_ECN_NOT_ECT; /* §6.1.1: never on a SYN or SYN,ACK; §6.1.4: never on a pure ACK */
    if (flags & SY_TH_SYN) return syn_flags(c, flags);
    uint8_t out = 0;
    /* §6.1.3: ECE on every ACK from a CE mark until a segment with CWR arrives. */
    if ((flags & SY_TH_ACK) && (c->ecn & SY_ECN_F_ECHO) && echoes_ce(c)) out |= SY_TH_ECE;
    /* §6.1.5: no ECT on retransmissions; §6.1.6: nor on window probes. (After a probe, SND.MAX
     * covers its octet: the segment that follows counts as a retransmission; conservative.) */
    if (!sends_ect(c) || len == 0 || sy_seq_lt(seq, c->snd_max) || c->snd_wnd == 0) return out;
    *ect = SY_ECN_ECT0;
    /* §6.1.2: CWR on "the first new data packet sent after the window reduction". */
    if (c->ecn & SY_ECN_F_CWR_DUE) {
        out |= SY_TH_CWR;
        c->ecn = (uint8_t)((c->ecn & ~SY_ECN_F_CWR_DUE) | SY_ECN_F_CWR_SENT);
        c->ecn_cwr_seq = seq;
    }
    return out;
}

void sy_ecn_on_segment(struct synack_conn *c, const struct sy_seg *seg)
{
    if (!echoes_ce(c)) return;
    /* §6.1.3: the echo stops at a CWR, and starts again at a CE on the same segment. */
    if (seg->tcp.flags & SY_TH_CWR) c->ecn &= (uint8_t)~SY_ECN_F_ECHO;
    if (seg->ecn == SY_ECN_CE && seg->tcp.payload_len > 0) {
        /* As Linux: the first mark is acknowledged at once, so that a delayed ACK cannot meet
         * the CWR of the sender's cut for an earlier mark before it has carried ECE. */
        if (!(c->ecn & SY_ECN_F_ECHO)) c->ecn |= SY_ECN_F_CE_NEW;
        c->ecn |= SY_ECN_F_ECHO;
        c->stack->counters.ecn_ce_in++;
    }
}

bool sy_ecn_ack_now(struct synack_conn *c)
{
    bool now = (c->ecn & SY_ECN_F_CE_NEW) != 0;
    c->ecn &= (uint8_t)~SY_ECN_F_CE_NEW;
    return now;
}

bool sy_ecn_echo_new(struct synack_conn *c, const struct sy_seg *seg)
{
    uint32_t ack = seg->tcp.ack;
    if (!sends_ect(c) || !sy_state_synchronized(c->state)) return false;
    /* The receiver echoes until our CWR reaches it: ACKs up to that segment say nothing new. */
    if ((c->ecn & SY_ECN_F_CWR_SENT) && sy_seq_gt(ack, c->ecn_cwr_seq))
        c->ecn &= (uint8_t)~SY_ECN_F_CWR_SENT;
    if ((seg->tcp.flags & (SY_TH_ECE | SY_TH_SYN)) != SY_TH_ECE || sy_seq_lt(ack, c->snd_una))
        return false;
    return !(c->ecn & (SY_ECN_F_CWR_DUE | SY_ECN_F_CWR_SENT));
}

void sy_ecn_reduced(struct synack_conn *c)
{
    if (sends_ect(c)) c->ecn |= SY_ECN_F_CWR_DUE;
}
