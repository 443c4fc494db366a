/* tcp — SYN-SENT: RFC 9293 §3.10.7.3. */
#include <errno.h>

#include "tcp/tcb.h"
#include "util/seq.h"

/* The peer's SYN (§3.10.7.2, §3.10.7.3): IRS = SEG.SEQ, RCV.NXT = SEG.SEQ+1, its options, and
 * its window, unscaled in a SYN (RFC 7323 §2.2). */
void sy_take_syn(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    c->irs = seg->tcp.seq;
    c->rcv_nxt = c->irs + 1;
    c->rcv_adv = c->rcv_nxt;
    c->rcv_syn = true;
    sy_opts_from_syn(c, &seg->tcp, now);
    sy_ecn_on_syn(c, seg);
    c->snd_wnd = seg->tcp.wnd; /* RFC 7323 §2.2: unscaled in a SYN */
    c->max_snd_wnd = c->snd_wnd;
    c->snd_wl1 = seg->tcp.seq;
    c->snd_wl2 = seg->tcp.ack;
}

/* SYN,ACK acknowledging our SYN: ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
static void syn_sent_established(struct synack_conn *c, struct sy_seg *seg, synack_time_t now)
{
    c->snd_una = seg->tcp.ack;
    sy_rtt_on_ack(c, seg->tcp.ack, now);
    c->rtx_count = 0;
    sy_timer_rtx_stop(c);
    sy_set_state(c, SYNACK_ESTABLISHED, SYNACK_CAUSE_RCV_SYNACK, now);
    sy_conn_notify(c, SYNACK_EV_WRITABLE, now);
    /* "Data or controls that were queued for transmission MAY be included": the ACK goes now,
     * with any queued data after it; then text and FIN of this segment from step 6 on. */
    sy_send_ack(c, now);
    sy_output(c, now);
    seg->tcp.seq += 1; /* the SYN is consumed */
    seg->len -= 1;
    seg->tcp.flags &= (uint8_t)~SY_TH_SYN;
    sy_input_text_and_fin(c, seg, now);
}

void sy_input_syn_sent(struct synack_conn *c, struct sy_seg *seg, synack_time_t now)
{
    struct synack_stack *s = c->stack;
    const struct sy_tcp *t = &seg->tcp;
    bool ack = (t->flags & SY_TH_ACK) != 0;
    /* First, check the ACK bit: SEG.ACK =< ISS or SEG.ACK > SND.NXT is unacceptable. */
    if (ack && (sy_seq_leq(t->ack, c->iss) || sy_seq_gt(t->ack, c->snd_nxt))) {
        sy_stack_drop(s, c, SYNACK_DROP_SYN_SENT_BAD, now);
        sy_send_rst_reply(s, seg, SYNACK_RST_SYN_SENT_ACK, now); /* unless it was a RST */
        return;
    }
    /* Second, the RST bit: with an acceptable ACK, "error: connection reset" (refused). */
    if (t->flags & SY_TH_RST) {
        if (!ack) {
            sy_stack_drop(s, c, SYNACK_DROP_SYN_SENT_BAD, now);
            return;
        }
        s->counters.conns_reset++;
        sy_conn_error(c, -ECONNREFUSED, now);
        sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_RCV_RST, now);
        sy_conn_reap(c);
        return;
    }
    /* Fourth, the SYN bit (a SYN with FIN dropped by choice: cfg.drop_synfin). */
    if (!(t->flags & SY_TH_SYN) || ((t->flags & SY_TH_FIN) && s->cfg.drop_synfin)) {
        sy_stack_drop(s, c, SYNACK_DROP_SYN_SENT_BAD, now);
        return;
    }
    sy_take_syn(c, seg, now);
    if (ack && sy_seq_gt(t->ack, c->iss)) {
        syn_sent_established(c, seg, now);
        return;
    }
    /* Simultaneous open: SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. "If there are other
     * controls or text in the segment, queue them for processing after the ESTABLISHED state has
     * been reached" (§3.10.7.3). */
    sy_text_queue_syn(c, seg);
    sy_set_state(c, SYNACK_SYN_RECEIVED, SYNACK_CAUSE_RCV_SYN, now);
    c->snd_nxt = c->iss; /* resend our SYN, now with the ACK */
    sy_output(c, now);
}
