/* api — socket options (get/setsockopt) and fcntl. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "api/sock.h"

/* Options whose value is an int. */
static int get_int(struct sy_sock *so, int level, int name, int *v)
{
    const struct synack_conn_params *p = &so->prm;
    if (level == IPPROTO_IP) {
        if (name == IP_TTL)
            *v = p->ttl;
        else if (name == IP_TOS)
            *v = p->tos;
        else
            return -ENOPROTOOPT;
        return 0;
    }
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_ERROR: *v = so->conn ? -synack_conn_error(so->conn) : 0; return 0;
        case SO_TYPE: *v = SOCK_STREAM; return 0;
        case SO_ACCEPTCONN: *v = so->listening; return 0;
        case SO_RCVBUF: *v = (int)p->rcvbuf; return 0;
        case SO_SNDBUF: *v = (int)p->sndbuf; return 0;
        case SO_REUSEADDR: *v = so->reuseaddr; return 0;
        case SYNACK_SO_REUSEPORT: *v = so->reuseport; return 0;
        case SO_KEEPALIVE: *v = p->keepalive; return 0;
        case SO_OOBINLINE: *v = 1; return 0; /* urgent data is always in line (RFC 6093 §5) */
        default: return -ENOPROTOOPT;
        }
    }
    if (level != IPPROTO_TCP) return -ENOPROTOOPT;
    struct synack_status st;
    switch (name) {
    case TCP_NODELAY: *v = p->nodelay; return 0;
    case TCP_MAXSEG: /* the MSS in use once synchronized; before, the clamp or 536 (as Linux) */
        if (so->conn && !so->listening && synack_status(so->conn, &st) == 0 &&
            st.state >= SYNACK_ESTABLISHED)
            *v = st.snd_mss;
        else
            *v = p->mss ? p->mss : 536;
        return 0;
    case TCP_KEEPIDLE: *v = (int)(p->keepidle / SYNACK_SEC(1)); return 0;
    case TCP_KEEPINTVL: *v = (int)(p->keepintvl / SYNACK_SEC(1)); return 0;
    case TCP_KEEPCNT: *v = (int)p->keepcnt; return 0;
    case SYNACK_TCP_NOOPT: *v = p->noopt; return 0;
    case SYNACK_TCP_KEEPINIT: *v = (int)(p->connect_timeout / SYNACK_SEC(1)); return 0;
    case TCP_USER_TIMEOUT: /* a stack default may exceed what an int of milliseconds holds */
        *v = p->user_timeout / SYNACK_MSEC(1) > INT_MAX ? INT_MAX
                                                        : (int)(p->user_timeout / SYNACK_MSEC(1));
        return 0;
    case TCP_SYNCNT: *v = (int)p->syn_retries; return 0;
    default: return -ENOPROTOOPT;
    }
}

/* Linux's numbering of the states in tcpi_state. */
static uint8_t linux_state(enum synack_state s)
{
    static const uint8_t map[SYNACK_STATE_COUNT] = {
        [SYNACK_CLOSED] = 7,       [SYNACK_LISTEN] = 10,     [SYNACK_SYN_SENT] = 2,
        [SYNACK_SYN_RECEIVED] = 3, [SYNACK_ESTABLISHED] = 1, [SYNACK_FIN_WAIT_1] = 4,
        [SYNACK_FIN_WAIT_2] = 5,   [SYNACK_CLOSE_WAIT] = 8,  [SYNACK_CLOSING] = 11,
        [SYNACK_LAST_ACK] = 9,     [SYNACK_TIME_WAIT] = 6};
    return (unsigned)s < SYNACK_STATE_COUNT ? map[s] : 7;
}

static void tcp_info(const struct sy_sock *so, struct synack_tcp_info *ti)
{
    *ti = (struct synack_tcp_info){.tcpi_state = 7, .tcpi_snd_mss = 536, .tcpi_rcv_mss = 536};
    struct synack_status st;
    if (!so->conn || synack_status(so->conn, &st) != 0) return;
    ti->tcpi_state = linux_state(st.state);
    ti->tcpi_ca_state = st.in_recovery ? 3 : 0; /* TCP_CA_Recovery */
    ti->tcpi_retransmits = ti->tcpi_backoff =
        (uint8_t)(st.retransmits > 255 ? 255 : st.retransmits);
    ti->tcpi_options = (st.timestamps ? SYNACK_TCPI_OPT_TIMESTAMPS : 0) |
                       (st.sack_permitted ? SYNACK_TCPI_OPT_SACK : 0) |
                       (st.snd_wscale >= 0 ? SYNACK_TCPI_OPT_WSCALE : 0) |
                       (st.ecn ? SYNACK_TCPI_OPT_ECN : 0);
    if (st.snd_wscale >= 0)
        ti->tcpi_wscale = (uint8_t)((st.snd_wscale & 15) | (st.rcv_wscale & 15) << 4);
    ti->tcpi_rto = (uint32_t)st.rto;
    ti->tcpi_snd_mss = ti->tcpi_advmss = st.snd_mss;
    ti->tcpi_rtt = (uint32_t)st.srtt;
    ti->tcpi_unacked = st.snd_mss ? (st.snd_nxt - st.snd_una + st.snd_mss - 1) / st.snd_mss : 0;
    ti->tcpi_snd_cwnd = st.snd_mss ? st.cwnd / st.snd_mss : 0;
    ti->tcpi_snd_ssthresh = st.snd_mss ? st.ssthresh / st.snd_mss : 0;
    ti->tcpi_rcv_ssthresh = st.rcv_wnd;
}

static int getsockopt_locked(struct sy_sock *so, int level, int name, void *val, socklen_t *len)
{
    if (so->conn) synack_conn_params(so->conn, &so->prm); /* the stack may have grown buffers */
    if (level == IPPROTO_TCP && name == TCP_INFO) {
        struct synack_tcp_info ti;
        tcp_info(so, &ti);
        size_t n = *len < sizeof(ti) ? *len : sizeof(ti);
        memcpy(val, &ti, n);
        *len = (socklen_t)n;
        return 0;
    }
    if (level == SOL_SOCKET && name == SO_LINGER) {
        if (*len < (socklen_t)sizeof(struct linger)) return -EINVAL;
        memcpy(val, &so->linger, sizeof(so->linger));
        *len = sizeof(struct linger);
        return 0;
    }
    int v;
    int err = get_int(so, level, name, &v);
    if (err) return err;
    if (*len < (socklen_t)sizeof(int)) return -EINVAL;
    memcpy(val, &v, sizeof(v));
    *len = sizeof(int);
    return 0;
}

int synack_sock_getsockopt(struct synack_sockets *set, int fd, int level, int name, void *val,
                           socklen_t *len)
{
    if (!val || !len) return -EFAULT;
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    int r = so ? getsockopt_locked(so, level, name, val, len) : -EBADF;
    sy_sock_unlock(set);
    return r;
}

/* Seconds for the keepalive options: 1 .. 32767 as Linux (MAX_TCP_KEEPIDLE). */
static int keep_seconds(int v, synack_time_t *out)
{
    if (v < 1 || v > 32767) return -EINVAL;
    *out = SYNACK_SEC((synack_time_t)v);
    return 0;
}

static int set_int(struct sy_sock *so, struct synack_conn_params *p, int level, int name, int v,
                   uint32_t max)
{
    if (level == IPPROTO_IP) {
        switch (name) {
        case IP_TTL: /* 1 .. 255; -1 the default, as Linux */
            if (v == -1) v = 64;
            if (v < 1 || v > 255) return -EINVAL;
            p->ttl = (uint8_t)v;
            return 0;
        case IP_TOS: /* as Linux: the ECN bits are TCP's own and are kept clear */
            if (v < 0 || v > 255) return -EINVAL;
            p->tos = (uint8_t)(v & ~3);
            return 0;
        default: return -ENOPROTOOPT;
        }
    }
    if (level == SOL_SOCKET) {
        switch (name) {
        case SO_RCVBUF:
        case SO_SNDBUF:
            if (v <= 0) return -EINVAL;
            *(name == SO_RCVBUF ? &p->rcvbuf : &p->sndbuf) = (uint32_t)v > max ? max : (uint32_t)v;
            return 0;
        case SO_REUSEADDR: so->reuseaddr = v != 0; return 0;
        case SYNACK_SO_REUSEPORT: so->reuseport = v != 0; return 0;
        case SO_KEEPALIVE: p->keepalive = v != 0; return 0;
        case SO_OOBINLINE: return v ? 0 : -EINVAL; /* no out-of-band byte: RFC 6093 §5 */
        default: return -ENOPROTOOPT;
        }
    }
    if (level != IPPROTO_TCP) return -ENOPROTOOPT;
    switch (name) {
    case TCP_NODELAY: p->nodelay = v != 0; return 0;
    case TCP_MAXSEG:
        if (v != 0 && (v < 64 || v > 65535)) return -EINVAL;
        p->mss = (uint16_t)v;
        return 0;
    case TCP_KEEPIDLE: return keep_seconds(v, &p->keepidle);
    case TCP_KEEPINTVL: return keep_seconds(v, &p->keepintvl);
    case TCP_KEEPCNT:
        if (v < 1 || v > 127) return -EINVAL;
        p->keepcnt = (unsigned)v;
        return 0;
    case SYNACK_TCP_NOOPT: p->noopt = v != 0; return 0;
    case SYNACK_TCP_KEEPINIT:
        if (v < 0 || (synack_time_t)v * SYNACK_SEC(1) > SYNACK_CONNECT_TIMEOUT_MAX) return -EINVAL;
        p->connect_timeout = (synack_time_t)v * SYNACK_SEC(1);
        return 0;
    case TCP_USER_TIMEOUT: /* R2 in milliseconds (RFC 9293 §3.8.3 MUST-21); 0 off, as Linux */
        if (v < 0) return -EINVAL;
        p->user_timeout = SYNACK_MSEC((synack_time_t)v);
        return 0;
    case TCP_SYNCNT: /* R2 of a SYN: 1 .. 127 as Linux (MAX_TCP_SYNCNT) */
        if (v < 1 || v > 127) return -EINVAL;
        p->syn_retries = (unsigned)v;
        return 0;
    default: return -ENOPROTOOPT;
    }
}

static int setsockopt_locked(struct synack_sockets *set, struct sy_sock *so, int level, int name,
                             const void *val, socklen_t len)
{
    if (level == SOL_SOCKET && name == SO_LINGER) {
        if (len < (socklen_t)sizeof(struct linger)) return -EINVAL;
        memcpy(&so->linger, val, sizeof(so->linger));
        return 0;
    }
    if (level == IPPROTO_TCP && name == TCP_INFO) return -ENOPROTOOPT; /* read only */
    int v;
    if (len < (socklen_t)sizeof(int)) return -EINVAL;
    memcpy(&v, val, sizeof(v));
    struct synack_conn_params p = so->prm;
    uint32_t max = synack_stack_config(set->stack)->max_sockbuf;
    int err = set_int(so, &p, level, name, v, max ? max : 1u << 30);
    if (err) return err;
    if (so->conn) err = synack_conn_set_params(so->conn, &p, sy_sock_now(set));
    if (err == 0) so->prm = p;
    return err;
}

int synack_sock_setsockopt(struct synack_sockets *set, int fd, int level, int name, const void *val,
                           socklen_t len)
{
    if (!val) return -EFAULT;
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    int r = so ? setsockopt_locked(set, so, level, name, val, len) : -EBADF;
    sy_sock_wake(set);
    sy_sock_unlock(set);
    return r;
}

int synack_sock_fcntl(struct synack_sockets *set, int fd, int cmd, int arg)
{
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    int r = -EBADF;
    if (so && cmd == F_GETFL)
        r = O_RDWR | (so->nonblock ? O_NONBLOCK : 0);
    else if (so && cmd == F_SETFL) {
        so->nonblock = (arg & O_NONBLOCK) != 0;
        r = 0;
    } else if (so)
        r = -EINVAL;
    sy_sock_unlock(set);
    return r;
}
