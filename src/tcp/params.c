/* tcp — per-connection settings (struct synack_conn_params): what socket options change. */
#include <errno.h>

#include "tcp/tcb.h"

void synack_conn_params_init(const struct synack_stack *s, struct synack_conn_params *p)
{
    const struct synack_config *cfg = &s->cfg;
    *p = (struct synack_conn_params){.sndbuf = cfg->sndbuf,
                                     .rcvbuf = cfg->rcvbuf,
                                     .mss = 0,
                                     .noopt = false,
                                     .nodelay = cfg->nodelay,
                                     .keepalive = cfg->keepalive,
                                     .keepidle = cfg->keepidle,
                                     .keepintvl = cfg->keepintvl,
                                     .keepcnt = cfg->keepcnt,
                                     .ttl = cfg->ip_ttl,
                                     .tos = 0,
                                     .connect_timeout = cfg->connect_timeout,
                                     .syn_retries = cfg->syn_retries,
                                     .data_retries = cfg->data_retries,
                                     .user_timeout = cfg->user_timeout};
}

int synack_conn_params_check(const struct synack_conn_params *p)
{
    if (!p || p->sndbuf == 0 || p->rcvbuf == 0 || p->sndbuf > (1u << 30) || p->rcvbuf > (1u << 30))
        return -EINVAL;
    if (p->mss != 0 && p->mss < 64) return -EINVAL;
    if (p->keepidle == 0 || p->keepintvl == 0 || p->ttl == 0) return -EINVAL;
    if (p->tos & 3) return -EINVAL; /* the ECN field is TCP's own (RFC 3168 §6.1.1) */
    if (p->connect_timeout > SYNACK_CONNECT_TIMEOUT_MAX) return -EINVAL;
    if (p->user_timeout > SYNACK_USER_TIMEOUT_MAX) return -EINVAL;
    return 0;
}

int synack_conn_params(const struct synack_conn *c, struct synack_conn_params *out)
{
    if (!c || !out) return -EINVAL;
    *out = c->prm;
    return 0;
}

/* A buffer grows in place; data and early arrivals keep their offsets (never shrinks: the
 * window already advertised must not shrink, RFC 9293 §3.8.6.2.2 SHLD-14). */
static int grow(struct sy_ring *r, uint32_t size)
{
    if (r->buf == NULL || size <= r->cap) return 0;
    return sy_ring_grow(r, size);
}

int synack_conn_set_params(struct synack_conn *c, const struct synack_conn_params *p,
                           synack_time_t now)
{
    if (!c || synack_conn_params_check(p) != 0) return -EINVAL;
    if (grow(&c->sndbuf, p->sndbuf) < 0 || grow(&c->rcvbuf, p->rcvbuf) < 0) return -ENOMEM;
    bool push = p->nodelay && !c->prm.nodelay;
    bool ka = p->keepalive != c->prm.keepalive || p->keepidle != c->prm.keepidle ||
              p->keepintvl != c->prm.keepintvl;
    bool give_up =
        p->user_timeout != c->prm.user_timeout || p->connect_timeout != c->prm.connect_timeout;
    c->prm = *p;
    if (give_up) sy_timer_rtx_rearm(c, now);                /* RFC 9293 §3.8.3 (MUST-21): R2 now */
    if (p->mss && p->mss < c->snd_mss) c->snd_mss = p->mss; /* TCP_MAXSEG clamps sending */
    if (ka) synack_set_keepalive(c, p->keepalive, now);
    if (push) sy_output(c, now); /* what Nagle held goes now, as Linux pushes on TCP_NODELAY */
    if (c->rcvbuf.buf && sy_state_synchronized(c->state) && !c->fin_rcvd &&
        sy_rcv_window_update_due(c))
        sy_send_ack(c, now); /* a bigger buffer opens the window */
    return 0;
}
