/* api — data and closing: send, recv, read, write, shutdown, close. */
#include <errno.h>

#include "api/sock.h"

/* A failed connection reports its error once (as SO_ERROR would), then as the BSD stacks do:
 * writes fail with EPIPE and reads see the end of the stream. */
static ssize_t take_error(struct sy_sock *so, ssize_t r)
{
    if (r < 0 && r != -EAGAIN && synack_conn_state(so->conn) == SYNACK_CLOSED) {
        synack_conn_error(so->conn);
        so->failed = true;
    }
    return r;
}

static ssize_t send_locked(struct synack_sockets *set, int fd, struct sy_sock *so,
                           const uint8_t *buf, size_t len, int flags)
{
    unsigned gen = so->gen;
    if (!so->conn || so->listening) return -ENOTCONN;
    if (so->failed) return -EPIPE;
    if ((flags & MSG_OOB) && len == 0) return 0; /* nothing to mark urgent: as Linux */
    size_t done = 0;
    for (;;) {
        /* MSG_OOB: urgent data (RFC 9293 §3.8.5); its end moves with each part taken. */
        ssize_t n = (flags & MSG_OOB)
                        ? synack_send_urgent(so->conn, buf + done, len - done, sy_sock_now(set))
                        : synack_send(so->conn, buf + done, len - done, sy_sock_now(set));
        if (n > 0) done += (size_t)n;
        if (done == len && n >= 0) return (ssize_t)done;
        if (n == -EAGAIN && sy_sock_may_block(set, so, flags)) {
            sy_sock_wait(set, SYNACK_TIME_NEVER);
            if (!(so = sy_sock_same(set, fd, gen))) return done ? (ssize_t)done : -EBADF;
            continue;
        }
        if (n >= 0) continue;
        return done ? (ssize_t)done : take_error(so, n);
    }
}

/* A read stops before the urgent mark, the last octet of urgent data, unless it starts there,
 * so that sockatmark() finds it (as Linux and the BSDs with SO_OOBINLINE): how many of the
 * `left` octets wanted may be read now; 0 when the read is at the mark after `done` octets. */
static size_t before_mark(const struct synack_conn *c, size_t done, size_t left)
{
    uint32_t urgent = synack_conn_urgent(c);
    if (urgent == 1 && done) return 0;
    return urgent > 1 && left > urgent - 1 ? urgent - 1 : left;
}

static ssize_t recv_locked(struct synack_sockets *set, int fd, struct sy_sock *so, uint8_t *buf,
                           size_t len, int flags)
{
    unsigned gen = so->gen;
    if (!so->conn || so->listening) return -ENOTCONN;
    if (flags & MSG_OOB) return -EINVAL; /* urgent data is read in line (as SO_OOBINLINE) */
    if (so->shut_rd || so->failed) return 0;
    size_t done = 0;
    for (;;) {
        size_t want = done + before_mark(so->conn, done, len - done);
        if (want == done && done) return (ssize_t)done; /* at the mark */
        ssize_t n = (flags & MSG_PEEK)
                        ? synack_peek(so->conn, buf, want)
                        : synack_recv(so->conn, buf + done, want - done, sy_sock_now(set));
        if (n > 0 && (flags & MSG_PEEK)) return n;
        if (n > 0) done += (size_t)n;
        /* MSG_WAITALL waits for more only while more may come (not at an error or the end) */
        bool more = (flags & MSG_WAITALL) && done < len && (n > 0 || n == -EAGAIN);
        if (n > 0 && !more) return (ssize_t)done;
        if ((n == -EAGAIN || more) && sy_sock_may_block(set, so, flags)) {
            sy_sock_wait(set, SYNACK_TIME_NEVER);
            if (!(so = sy_sock_same(set, fd, gen))) return done ? (ssize_t)done : -EBADF;
            continue;
        }
        if (n > 0) return (ssize_t)done;
        return done ? (ssize_t)done : take_error(so, n);
    }
}

ssize_t synack_sock_send(struct synack_sockets *set, int fd, const void *buf, size_t len, int flags)
{
    if (!buf && len) return -EFAULT;
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    ssize_t r = so ? send_locked(set, fd, so, buf, len, flags) : -EBADF;
    sy_sock_wake(set);
    sy_sock_unlock(set);
    return r;
}

ssize_t synack_sock_recv(struct synack_sockets *set, int fd, void *buf, size_t len, int flags)
{
    if (!buf && len) return -EFAULT;
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    ssize_t r = so ? recv_locked(set, fd, so, buf, len, flags) : -EBADF;
    sy_sock_wake(set);
    sy_sock_unlock(set);
    return r;
}

int synack_sock_atmark(struct synack_sockets *set, int fd)
{
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    int r = !so ? -EBADF : so->conn && synack_conn_urgent(so->conn) == 1;
    sy_sock_unlock(set);
    return r;
}

ssize_t synack_sock_write(struct synack_sockets *set, int fd, const void *buf, size_t len)
{
    return synack_sock_send(set, fd, buf, len, 0);
}

ssize_t synack_sock_read(struct synack_sockets *set, int fd, void *buf, size_t len)
{
    return synack_sock_recv(set, fd, buf, len, 0);
}

static int shutdown_locked(struct synack_sockets *set, struct sy_sock *so, int how)
{
    if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return -EINVAL;
    if (!so->conn || so->listening || so->failed) return -ENOTCONN;
    enum synack_state s = synack_conn_state(so->conn);
    if (s == SYNACK_CLOSED) return -ENOTCONN;
    if (how != SHUT_WR) so->shut_rd = true;
    if (how == SHUT_RD) return 0;
    int err = synack_shutdown(so->conn, sy_sock_now(set));
    return err == -EPIPE ? 0 : err; /* shutting down twice is no error */
}

int synack_sock_shutdown(struct synack_sockets *set, int fd, int how)
{
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    int r = so ? shutdown_locked(set, so, how) : -EBADF;
    sy_sock_wake(set);
    sy_sock_unlock(set);
    return r;
}

/* SO_LINGER with a time on a blocking socket: the FIN goes now, and close waits until it and
 * the data before it are acknowledged or the time is up. The descriptor is already released;
 * the connection stays ours (its handle is held) until synack_close. Unread data means a reset
 * at once instead (RFC 2525 §2.17), so there is nothing to wait for then. */
static void linger_wait(struct synack_sockets *set, struct synack_conn *c, int secs)
{
    struct synack_status st;
    if (synack_status(c, &st) != 0 || st.recv_queued) return;
    synack_time_t now = sy_sock_now(set), until = now + SYNACK_SEC((synack_time_t)secs);
    if (synack_shutdown(c, now) != 0) return;
    for (;;) {
        enum synack_state s = synack_conn_state(c);
        if (s == SYNACK_FIN_WAIT_2 || s == SYNACK_TIME_WAIT || s == SYNACK_CLOSED) return;
        if (!sy_sock_wait(set, until)) return;
    }
}

int synack_sock_close(struct synack_sockets *set, int fd)
{
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    if (!so) {
        sy_sock_unlock(set);
        return -EBADF;
    }
    struct synack_conn *c = so->conn;
    struct linger lg = so->linger;
    bool wait = lg.l_onoff && lg.l_linger > 0 && !so->listening && sy_sock_may_block(set, so, 0);
    sy_sock_release(set, fd); /* the descriptor is gone now, whatever the linger */
    if (c && lg.l_onoff && lg.l_linger == 0) {
        synack_abort(c, sy_sock_now(set)); /* RFC 9293 §3.10.5 ABORT */
    } else if (c) {
        if (wait) linger_wait(set, c, lg.l_linger);
        synack_close(c, sy_sock_now(set));
    }
    sy_sock_wake(set);
    sy_sock_unlock(set);
    return 0;
}
