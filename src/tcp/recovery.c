/* tcp — congestion control and loss recovery on the sender: duplicate ACKs (RFC 5681 §2),
 * limited transmit (RFC 3042), fast retransmit and NewReno fast recovery (RFC 5681 §3.2,
 * RFC 6582), and the collapse of the window after a timeout (RFC 5681 §3.1). The cwnd and
 * ssthresh arithmetic outside recovery belongs to the congestion control module (cc.h). */
#include "tcp/tcb.h"
#include "util/seq.h"

/* The module sees the sender's current FlightSize and SRTT before each call. */
static struct sy_cc *cc_of(struct synack_conn *c)
{
    c->cc.flight = c->snd_max - c->snd_una;
    c->cc.srtt = c->srtt;
    return &c->cc;
}

void sy_recovery_init(struct synack_conn *c, synack_time_t now)
{
    c->recover = c->snd_una; /* RFC 6582 §3.2 step 1: recover = ISS at the start */
#ifdef SY_CC_READY
    c->cc.ops = sy_cc_lookup(c->stack->cfg.cc);
    c->cc.ops->init(&c->cc, sy_opts_payload_mss(c), c->stack->cfg.initial_window, now);
#else
    (void)now;
#endif
}

/* RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": outstanding data, no data, no SYN or FIN, SEG.ACK
 * equal to SND.UNA, and the same window as before. */
bool sy_recovery_is_dupack(const struct synack_conn *c, const struct sy_seg *seg, uint32_t wnd)
{
    const struct sy_tcp *t = &seg->tcp;
    return c->cc.ops && c->snd_max != c->snd_una && t->payload_len == 0 &&
           !(t->flags & (SY_TH_SYN | SY_TH_FIN)) && t->ack == c->snd_una &&
           ((uint32_t)t->wnd << c->snd_wscale) == wnd;
}

/* RFC 6582 §3.2 step 2: ssthresh from the module, recover = the highest sequence number sent,
 * retransmit the first unacknowledged segment, cwnd = ssthresh + 3*SMSS. */
static void enter_recovery(struct synack_conn *c, synack_time_t now)
{
    uint32_t mss = sy_opts_payload_mss(c);
    struct sy_cc *cc = cc_of(c);
    cc->ops->cong_signal(cc, SY_CC_NDUPACK, now);
    c->recover = c->snd_max;
    c->in_recovery = true;
    c->stack->counters.recoveries++;
    sy_output_resend_first(c, now);
    cc->cwnd = cc->ssthresh + 3 * mss;
}

void sy_recovery_on_dupack(struct synack_conn *c, synack_time_t now)
{
    c->dupacks++;
    if (c->in_recovery) { /* RFC 6582 §3.2 step 3: inflate by one segment per duplicate */
        c->cc.cwnd += sy_opts_payload_mss(c);
        sy_output(c, now);
        return;
    }
    if (c->dupacks < 3) { /* RFC 3042: limited transmit of new data */
        sy_output(c, now);
        return;
    }
    /* The third: fast retransmit unless this loss belongs to a recovery already done
     * ("the Cumulative Acknowledgment field covers more than recover", RFC 6582 §3.2 step 2). */
    if (c->dupacks == 3 && sy_seq_gt(c->snd_una, c->recover)) {
        enter_recovery(c, now);
        sy_output(c, now);
    }
}

/* New data acknowledged (SND.UNA already advanced by `acked` bytes of sequence space). */
void sy_recovery_on_ack(struct synack_conn *c, uint32_t acked, synack_time_t now)
{
    if (!c->cc.ops) return;
    if (!c->in_recovery) {
        c->dupacks = 0;
        struct sy_cc *cc = cc_of(c);
        cc->ops->ack_received(cc, acked, now);
        return;
    }
    if (sy_seq_geq(c->snd_una, c->recover)) { /* full ACK: RFC 6582 §3.2 step 4 */
        c->in_recovery = false;
        c->dupacks = 0;
        struct sy_cc *cc = cc_of(c);
        cc->ops->post_recovery(cc, now);
        return;
    }
    /* Partial ACK (step 5): retransmit the next hole, deflate cwnd by what was acknowledged and
     * add back one segment when at least one was. */
    uint32_t mss = sy_opts_payload_mss(c);
    sy_output_resend_first(c, now);
    c->cc.cwnd = c->cc.cwnd > acked ? c->cc.cwnd - acked : mss;
    if (acked >= mss) c->cc.cwnd += mss;
}

/* RFC 5681 §3.1 (4) and RFC 6582 §4: after a timeout, ssthresh from the module, cwnd one
 * segment, recovery over, recover = the highest sequence number sent. */
void sy_recovery_on_rto(struct synack_conn *c, synack_time_t now)
{
    if (!c->cc.ops || c->snd_max == c->snd_una) return;
    struct sy_cc *cc = cc_of(c);
    cc->ops->cong_signal(cc, SY_CC_RTO, now);
    c->in_recovery = false;
    c->dupacks = 0;
    c->recover = c->snd_max;
}
