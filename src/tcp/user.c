/* tcp — the user calls of RFC 9293 §3.10.1-§3.10.6: OPEN, SEND, RECEIVE, CLOSE, ABORT, STATUS. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/tcb.h"
#include "util/seq.h"

/* An ephemeral port for local address `addr` toward `remote`, not yet used (RFC 6056 §3.3.3:
 * a keyed offset per destination, then sequential). */
static int pick_port(struct synack_stack *s, struct synack_endpoint *local,
                     const struct synack_endpoint *remote)
{
    uint32_t lo = s->cfg.ephemeral_lo, n = (uint32_t)s->cfg.ephemeral_hi - lo + 1;
    uint8_t key[19]; /* explicit bytes: a struct's padding would make the port random */
    key[0] = remote->addr.family;
    memcpy(key + 1, remote->addr.bytes, 16);
    key[17] = (uint8_t)(remote->port >> 8);
    key[18] = (uint8_t)remote->port;
    uint32_t offset = (uint32_t)sy_siphash24(&s->hash_key, key, sizeof(key));
    for (uint32_t i = 0; i < n; i++) {
        local->port = (uint16_t)(lo + (offset + s->ephemeral_next + i) % n);
        if (!sy_demux_find_exact(s, local, remote)) {
            s->ephemeral_next += i + 1;
            return 0;
        }
    }
    return -EADDRNOTAVAIL;
}

int synack_listen(struct synack_stack *s, const struct synack_endpoint *local, unsigned backlog,
                  synack_time_t now, struct synack_conn **out)
{
    return synack_listen_with(s, local, backlog, NULL, now, out);
}

int synack_listen_with(struct synack_stack *s, const struct synack_endpoint *local,
                       unsigned backlog, const struct synack_conn_params *p, synack_time_t now,
                       struct synack_conn **out)
{
    if (!s || !local || !out || local->port == 0) return -EINVAL;
    if (p && synack_conn_params_check(p) != 0) return -EINVAL;
    if (local->addr.family != SYNACK_AF_NONE && !sy_stack_is_local(s, &local->addr))
        return -EADDRNOTAVAIL;
    const struct synack_endpoint any = {{0}, 0};
    if (sy_demux_find_exact(s, local, &any)) return -EADDRINUSE; /* "connection already exists" */
    struct synack_conn *c = sy_conn_new(s, p, false);
    if (!c) return -ENOMEM;
    c->listen = calloc(1, sizeof(*c->listen));
    if (!c->listen) {
        sy_conn_free(c);
        return -ENOMEM;
    }
    c->listen->backlog = backlog ? backlog : 1;
    c->local = *local;
    c->user_ref = true;
    sy_demux_insert(s, c);
    sy_set_state(c, SYNACK_LISTEN, SYNACK_CAUSE_USER_OPEN, now);
    *out = c;
    return 0;
}

int synack_accept(struct synack_conn *l, struct synack_conn **out)
{
    if (!l || !out) return -EINVAL;
    if (l->state != SYNACK_LISTEN || !l->listen) return -EINVAL;
    struct synack_conn *c = sy_listen_pop(l);
    if (!c) return -EAGAIN;
    c->user_ref = true;
    *out = c;
    return 0;
}

static int connect_endpoints(struct synack_stack *s, const struct synack_endpoint *local,
                             const struct synack_endpoint *remote, struct synack_endpoint *lo,
                             int *dev)
{
    if (remote->port == 0 || remote->addr.family != SYNACK_AF_INET) return -EINVAL;
    /* MUST-46: an OPEN to a broadcast or multicast address is an error (ENETUNREACH, as Linux) */
    if (!sy_stack_addr_unicast(s, &remote->addr)) return -ENETUNREACH;
    struct synack_addr src;
    int err = sy_stack_route(s, &remote->addr, dev, &src);
    if (err) return err;
    lo->addr = (local && local->addr.family != SYNACK_AF_NONE) ? local->addr : src;
    if (!sy_stack_is_local(s, &lo->addr)) return -EADDRNOTAVAIL;
    if (local && local->port) {
        lo->port = local->port;
        return sy_demux_find_exact(s, lo, remote) ? -EADDRINUSE : 0;
    }
    return pick_port(s, lo, remote);
}

/* A TCB for a fully specified 4-tuple, held by the application and in the demux. */
static int conn_for_tuple(struct synack_stack *s, const struct synack_endpoint *local,
                          const struct synack_endpoint *remote, const struct synack_conn_params *p,
                          struct synack_conn **out)
{
    if (p && synack_conn_params_check(p) != 0) return -EINVAL;
    struct synack_endpoint lo;
    int dev, err = connect_endpoints(s, local, remote, &lo, &dev);
    if (err) return err;
    struct synack_conn *c = sy_conn_new(s, p, true);
    if (!c) return -ENOMEM;
    c->local = lo;
    c->remote = *remote;
    c->dev = dev;
    c->user_ref = true;
    sy_opts_init(c);
    sy_demux_insert(s, c);
    *out = c;
    return 0;
}

int synack_connect(struct synack_stack *s, const struct synack_endpoint *local,
                   const struct synack_endpoint *remote, synack_time_t now,
                   struct synack_conn **out)
{
    return synack_connect_with(s, local, remote, NULL, now, out);
}

int synack_connect_with(struct synack_stack *s, const struct synack_endpoint *local,
                        const struct synack_endpoint *remote, const struct synack_conn_params *p,
                        synack_time_t now, struct synack_conn **out)
{
    if (!s || !remote || !out) return -EINVAL;
    int err = conn_for_tuple(s, local, remote, p, out);
    if (err) return err;
    sy_open_active(*out, SYNACK_CAUSE_USER_OPEN, now);
    return 0;
}

/* §3.10.1: "select an ISS. Send a SYN segment of the form <SEQ=ISS><CTL=SYN>. Set SND.UNA to
 * ISS, SND.NXT to ISS+1, enter SYN-SENT state" */
void sy_open_active(struct synack_conn *c, enum synack_cause why, synack_time_t now)
{
    c->iss = sy_isn(c->stack, &c->local, &c->remote, now);
    c->snd_una = c->snd_nxt = c->snd_max = c->iss;
    c->ecn = c->syn_opts = 0;
    c->opened = now;
    c->stack->counters.conns_opened_active++;
    sy_set_state(c, SYNACK_SYN_SENT, why, now);
    sy_output(c, now);
}

int synack_listen_for(struct synack_stack *s, const struct synack_endpoint *local,
                      const struct synack_endpoint *remote, synack_time_t now,
                      struct synack_conn **out)
{
    if (!s || !local || !remote || !out || local->port == 0) return -EINVAL;
    int err = conn_for_tuple(s, local, remote, NULL, out);
    if (err) return err;
    (*out)->listen_tcb = true;
    sy_set_state(*out, SYNACK_LISTEN, SYNACK_CAUSE_USER_OPEN, now);
    return 0;
}

/* §3.10.2 SEND, with or without the URGENT flag. */
static ssize_t send_data(struct synack_conn *c, const void *buf, size_t len, bool urgent,
                         synack_time_t now)
{
    if (!c || (!buf && len)) return -EINVAL;
    switch (c->state) {
    case SYNACK_CLOSED: return c->error ? c->error : -ENOTCONN;
    case SYNACK_LISTEN:
        /* "If the remote socket is specified, then change the connection from passive to
         * active, select an ISS. Send a SYN segment" (§3.10.2); else "foreign socket
         * unspecified". */
        if (!c->listen_tcb) return -ENOTCONN;
        sy_open_active(c, SYNACK_CAUSE_USER_SEND, now);
        break;
    case SYNACK_SYN_SENT:
    case SYNACK_SYN_RECEIVED: /* "queue the data for transmission after entering ESTABLISHED" */
    case SYNACK_ESTABLISHED:
    case SYNACK_CLOSE_WAIT: break;
    case SYNACK_FIN_WAIT_1:
    case SYNACK_FIN_WAIT_2:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_TIME_WAIT:
    case SYNACK_STATE_COUNT: return -EPIPE; /* "error: connection closing" */
    }
    if (c->fin_queued) return -EPIPE;
    if (len == 0) return 0;
    size_t n = sy_ring_write(&c->sndbuf, buf, len);
    if (n == 0) return -EAGAIN; /* "insufficient resources": the buffer is full */
    if (urgent) sy_urg_mark_sent(c, sy_snd_data_seq(c) + (uint32_t)sy_ring_len(&c->sndbuf));
    sy_output(c, now);
    return (ssize_t)n;
}

ssize_t synack_send(struct synack_conn *c, const void *buf, size_t len, synack_time_t now)
{
    return send_data(c, buf, len, false, now);
}

ssize_t synack_send_urgent(struct synack_conn *c, const void *buf, size_t len, synack_time_t now)
{
    /* §3.8.5: "To send an urgent indication, the user must also send at least one data octet." */
    if (len == 0) return -EINVAL;
    return send_data(c, buf, len, true, now);
}

/* §3.8.6.2.2: reading made room; announce it once the window's edge may move. */
static void window_update_after_read(struct synack_conn *c, synack_time_t now)
{
    if (!sy_state_synchronized(c->state) || c->fin_rcvd) return;
    if (sy_rcv_window_update_due(c)) sy_send_ack(c, now);
}

/* §3.10.3 RECEIVE: whether bytes may be read now (1), or what to return instead. */
static ssize_t recv_state(const struct synack_conn *c)
{
    switch (c->state) {
    case SYNACK_CLOSED:
        if (sy_ring_len(&c->rcvbuf)) return 1; /* data that arrived before the end */
        if (c->error) return c->error;         /* "connection reset", "refused", "timed out" */
        return c->fin_rcvd ? 0 : -ENOTCONN;
    case SYNACK_LISTEN: return -ENOTCONN;
    case SYNACK_SYN_SENT:
    case SYNACK_SYN_RECEIVED: return -EAGAIN; /* queued until ESTABLISHED */
    case SYNACK_ESTABLISHED:
    case SYNACK_FIN_WAIT_1:
    case SYNACK_FIN_WAIT_2:
    case SYNACK_CLOSE_WAIT:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_TIME_WAIT:
    case SYNACK_STATE_COUNT: break;
    }
    if (sy_ring_len(&c->rcvbuf)) return 1;
    return c->fin_rcvd ? 0 : -EAGAIN; /* 0: "connection closing", end of stream */
}

/* §3.10.3 RECEIVE. Returns 0 at the end of the stream (the peer's FIN, all data read). */
ssize_t synack_recv(struct synack_conn *c, void *buf, size_t len, synack_time_t now)
{
    if (!c || (!buf && len)) return -EINVAL;
    ssize_t st = recv_state(c);
    if (st <= 0 || len == 0) return st < 0 ? st : 0;
    size_t n = sy_ring_read(&c->rcvbuf, buf, len);
    sy_urg_after_read(c);
    window_update_after_read(c, now);
    return (ssize_t)n;
}

ssize_t synack_peek(struct synack_conn *c, void *buf, size_t len)
{
    if (!c || (!buf && len)) return -EINVAL;
    ssize_t st = recv_state(c);
    if (st <= 0 || len == 0) return st < 0 ? st : 0;
    return (ssize_t)sy_ring_peek(&c->rcvbuf, 0, buf, len);
}

/* The CLOSE of the sending side (§3.10.4), shared by shutdown and close. */
static int close_sending(struct synack_conn *c, synack_time_t now)
{
    switch (c->state) {
    case SYNACK_CLOSED: return c->error ? c->error : -ENOTCONN;
    case SYNACK_LISTEN:
        sy_listen_close(c, now);
        sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_USER_CLOSE, now);
        return 0;
    case SYNACK_SYN_SENT: /* "Delete the TCB and return 'error: closing' to queued SENDs" */
        sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_USER_CLOSE, now);
        return 0;
    case SYNACK_SYN_RECEIVED:
        /* "If no SENDs have been issued and there is no pending data to send, then form a FIN
         * segment and send it, and enter FIN-WAIT-1 state; otherwise, queue for processing
         * after entering ESTABLISHED state." */
        c->fin_queued = true;
        if (sy_ring_len(&c->sndbuf)) return 0;
        sy_set_state(c, SYNACK_FIN_WAIT_1, SYNACK_CAUSE_USER_CLOSE, now);
        break;
    case SYNACK_ESTABLISHED: /* queue the FIN after the data; FIN-WAIT-1 */
        sy_set_state(c, SYNACK_FIN_WAIT_1, SYNACK_CAUSE_USER_CLOSE, now);
        break;
    case SYNACK_CLOSE_WAIT: /* "Queue this request until all preceding SENDs have been
                             * segmentized; then send a FIN segment, enter LAST-ACK." */
        sy_set_state(c, SYNACK_LAST_ACK, SYNACK_CAUSE_USER_CLOSE, now);
        break;
    case SYNACK_FIN_WAIT_1:
    case SYNACK_FIN_WAIT_2:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_TIME_WAIT:
    case SYNACK_STATE_COUNT: return -EPIPE; /* "error: connection closing" */
    }
    c->fin_queued = true;
    sy_output(c, now);
    return 0;
}

int synack_shutdown(struct synack_conn *c, synack_time_t now)
{
    if (!c) return -EINVAL;
    if (c->state == SYNACK_LISTEN) return -ENOTCONN;
    if (c->fin_queued && c->state != SYNACK_CLOSED) return -EPIPE;
    return close_sending(c, now);
}

int synack_close(struct synack_conn *c, synack_time_t now)
{
    if (!c) return -EINVAL;
    /* RFC 2525 §2.17 (and Linux): closing with unread data resets the connection. */
    if (sy_state_synchronized(c->state) && sy_ring_len(&c->rcvbuf) && c->state != SYNACK_TIME_WAIT)
        return synack_abort(c, now), 0;
    int err = 0;
    if (!c->fin_queued || c->state == SYNACK_LISTEN) err = close_sending(c, now);
    if (err == -EPIPE || err == -ENOTCONN || (err < 0 && c->state == SYNACK_CLOSED)) err = 0;
    c->user_ref = false;
    sy_timer_fin_wait_2(c, now);
    sy_conn_reap(c);
    return err;
}

/* §3.10.5 ABORT: RST in SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2 and CLOSE-WAIT. */
int synack_abort(struct synack_conn *c, synack_time_t now)
{
    if (!c) return -EINVAL;
    switch (c->state) {
    case SYNACK_LISTEN: sy_listen_close(c, now); break;
    case SYNACK_SYN_RECEIVED:
    case SYNACK_ESTABLISHED:
    case SYNACK_FIN_WAIT_1:
    case SYNACK_FIN_WAIT_2:
    case SYNACK_CLOSE_WAIT: sy_send_rst_conn(c, SYNACK_RST_ABORT, now); break;
    case SYNACK_SYN_SENT:
    case SYNACK_CLOSING:
    case SYNACK_LAST_ACK:
    case SYNACK_TIME_WAIT: break; /* "respond with ok and delete the TCB" */
    case SYNACK_CLOSED:
    case SYNACK_STATE_COUNT: break;
    }
    if (c->state != SYNACK_CLOSED) sy_set_state(c, SYNACK_CLOSED, SYNACK_CAUSE_USER_ABORT, now);
    c->user_ref = false;
    sy_conn_reap(c);
    return 0;
}

/* §3.10.6 STATUS. */
int synack_status(const struct synack_conn *c, struct synack_status *st)
{
    if (!c || !st) return -EINVAL;
    *st = (struct synack_status){.state = c->state,
                                 .local = c->local,
                                 .remote = c->remote,
                                 .snd_una = c->snd_una,
                                 .snd_nxt = c->snd_nxt,
                                 .snd_wnd = c->snd_wnd,
                                 .iss = c->iss,
                                 .rcv_nxt = c->rcv_nxt,
                                 .irs = c->irs,
                                 .snd_mss = c->snd_mss,
                                 .rcv_wnd = sy_rcv_wnd(c),
                                 .snd_wscale = c->ws_ok ? (int8_t)c->snd_wscale : -1,
                                 .rcv_wscale = c->ws_ok ? (int8_t)c->rcv_wscale : -1,
                                 .sack_permitted = c->sack_ok,
                                 .ecn = sy_ecn_active(c),
                                 .timestamps = c->ts_ok,
                                 .send_queued = sy_ring_len(&c->sndbuf),
                                 .recv_queued = sy_ring_len(&c->rcvbuf),
                                 .rto = c->rtt.rto,
                                 .retransmits = c->rtx_count,
                                 .cwnd = c->cc.cwnd,
                                 .ssthresh = c->cc.ssthresh,
                                 .srtt = c->rtt.srtt,
                                 .in_recovery = c->in_recovery,
                                 .error = c->error,
                                 .send_space = sy_ring_space(&c->sndbuf),
                                 .fin_received = c->fin_rcvd,
                                 .urgent_unread = sy_urg_unread(c),
                                 .accept_queued = c->listen ? c->listen->accept_count : 0};
    return 0;
}

uint32_t synack_conn_urgent(const struct synack_conn *c)
{
    return c ? sy_urg_unread(c) : 0;
}

enum synack_state synack_conn_state(const struct synack_conn *c)
{
    return c ? c->state : SYNACK_CLOSED;
}

int synack_conn_error(struct synack_conn *c)
{
    int e = c ? c->error : -EINVAL;
    if (c) c->error = 0;
    return e;
}

int synack_set_nodelay(struct synack_conn *c, bool on, synack_time_t now)
{
    if (!c) return -EINVAL;
    c->prm.nodelay = on;
    if (on) sy_output(c, now); /* what Nagle held goes now, as Linux pushes on TCP_NODELAY */
    return 0;
}

void synack_conn_set_user(struct synack_conn *c, void *user)
{
    c->user = user;
}

void *synack_conn_user(const struct synack_conn *c)
{
    return c->user;
}
