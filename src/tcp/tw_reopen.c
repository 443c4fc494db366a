/* tcp — a SYN that reopens a connection from TIME-WAIT (RFC 9293 §3.6.1, MAY-2), judged by
 * RFC 6191's rules with timestamps (SHLD-4), as Linux and FreeBSD do for a closed connection:
 * the TIME-WAIT TCB goes and the listener on the port takes the SYN as a new connection, whose
 * ISS lies beyond every sequence number of the old one. */
#include "tcp/tcb.h"
#include "util/seq.h"

/* RFC 6191 §2: whether the SYN belongs to a new incarnation rather than the old one. */
static bool new_incarnation(const struct synack_conn *c, const struct sy_seg *seg)
{
    const struct sy_tcp *t = &seg->tcp;
    bool seq_newer = sy_seq_gt(t->seq, c->rcv_nxt); /* beyond the old FIN, as Linux and BSD */
    bool ts_new = c->ts_ok && (t->opts.has & SY_OPT_TS) && c->stack->cfg.opt_timestamps;
    if (!ts_new) return seq_newer; /* "If TCP Timestamps would not be enabled ..." */
    if (t->opts.ts_val == c->ts_recent) return seq_newer;
    return sy_seq_gt(t->opts.ts_val, c->ts_recent); /* newer than the last seen: honoured */
}

bool sy_tw_reopen(struct synack_conn *c, struct sy_seg *seg, synack_time_t now)
{
    struct synack_stack *s = c->stack;
    uint8_t f = seg->tcp.flags;
    if (c->state != SYNACK_TIME_WAIT || c->user_ref || !s->cfg.time_wait_reopen) return false;
    if ((f & (SY_TH_SYN | SY_TH_ACK | SY_TH_RST)) != SY_TH_SYN || !new_incarnation(c, seg))
        return false;
    struct synack_conn *l = sy_demux_listener(s, &seg->dst);
    if (!l) return false; /* nobody to take it: TIME-WAIT answers as before */
    /* §3.6.1 (1): "larger than the largest sequence number it used on the previous connection
     * incarnation", with room for a window of it still in flight (Linux: + 65535 + 2). */
    seg->reopen_iss = c->snd_max + 65535u + 2u;
    seg->reopen = true;
    s->counters.time_wait_reopened++;
    sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_RCV_SYN, now);
    sy_conn_reap(c);
    sy_input_listen(l, seg, now);
    return true;
}
