/* tcp — timestamps on arrival (RFC 7323): protection against wrapped sequence numbers (PAWS,
 * §5) and the TS.Recent that our segments echo (§4.3). */
#include "tcp/tcb.h"
#include "util/seq.h"

/* RFC 7323 §5.5: after 24 days idle a TS.Recent is no longer valid (a 1 ms clock wraps its sign
 * bit in 24.8 days). */
#define SY_PAWS_IDLE SYNACK_SEC(24ull * 24 * 3600)

/* A pure duplicate ACK at RCV.NXT that changes nothing, overtaken by a newer segment: reordered
 * ACKs on a path with reordering. R1 would drop it, losing a duplicate ACK (and its SACK blocks)
 * fast recovery counts on, for no protection: it can change no state. Taken when no older than
 * one RTO before TS.Recent (as Linux's tcp_disordered_ack). */
static bool disordered_ack(const struct synack_conn *c, const struct sy_seg *seg)
{
    const struct sy_tcp *t = &seg->tcp;
    uint32_t rto_ms = (uint32_t)(c->rtt.rto / 1000);
    return (t->flags & (SY_TH_SYN | SY_TH_FIN | SY_TH_RST | SY_TH_ACK)) == SY_TH_ACK &&
           seg->len == 0 && t->seq == c->rcv_nxt && t->ack == c->snd_una &&
           ((uint32_t)t->wnd << c->snd_wscale) == c->snd_wnd &&
           c->ts_recent - t->opts.ts_val <= rto_ms;
}

bool sy_paws_ok(struct synack_conn *c, const struct sy_seg *seg, enum synack_drop_reason *why,
                synack_time_t now)
{
    const struct sy_tcp *t = &seg->tcp;
    if (!c->ts_ok || (t->flags & SY_TH_RST)) return true;
    if (!(t->opts.has & SY_OPT_TS)) {
        /* §3.2: "If a non-<RST> segment is received without a TSopt, a TCP SHOULD silently drop
         * the segment." It never aborts the connection. */
        *why = SYNACK_DROP_TS_MISSING;
        return c->stack->cfg.ts_tolerate_missing;
    }
    if (!sy_seq_lt(t->opts.ts_val, c->ts_recent)) return true; /* modulo 2^32, as sequences */
    if (disordered_ack(c, seg)) return true;
    if (now - c->ts_recent_age > SY_PAWS_IDLE) {
        /* §5.5 / Appendix D: an outdated TS.Recent is replaced, the segment accepted. */
        c->ts_recent = t->opts.ts_val;
        c->ts_recent_age = now;
        return true;
    }
    *why = SYNACK_DROP_PAWS; /* R1: not acceptable, ACKed and dropped */
    return false;
}

void sy_paws_record(struct synack_conn *c, const struct sy_seg *seg, synack_time_t now)
{
    const struct sy_tcp *t = &seg->tcp;
    if (!c->ts_ok || !(t->opts.has & SY_OPT_TS)) return;
    /* "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent then SEG.TSval is copied to
     * TS.Recent": the segment covers the left edge of what we acknowledged, so out-of-order data
     * and delayed ACKs cannot skew the echo (§4.3). */
    if (sy_seq_geq(t->opts.ts_val, c->ts_recent) && sy_seq_leq(t->seq, c->last_ack_sent)) {
        c->ts_recent = t->opts.ts_val;
        c->ts_recent_age = now;
    }
}
