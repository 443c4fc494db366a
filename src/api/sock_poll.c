/* api — poll(2): the readiness of each socket, and waiting for it. */
#include <errno.h>

#include "api/sock.h"

static short conn_events(const struct sy_sock *so, const struct synack_status *st)
{
    short ev = 0;
    bool closed = st->state == SYNACK_CLOSED;
    if (st->error) ev |= POLLERR;
    if (st->recv_queued || st->fin_received || so->shut_rd || closed) ev |= POLLIN;
    if (st->fin_received) ev |= SYNACK_POLLRDHUP;
    /* urgent data of which the mark (its last octet) has arrived and is not yet read */
    if (st->urgent_unread && st->urgent_unread <= st->recv_queued) ev |= POLLPRI;
    /* Writable once synchronized with room, or when a write would fail at once. */
    bool synced = st->state >= SYNACK_ESTABLISHED && !closed;
    if ((synced && st->send_space > 0) || closed) ev |= POLLOUT;
    if (closed ||
        (st->fin_received && st->state != SYNACK_ESTABLISHED && st->state != SYNACK_CLOSE_WAIT &&
         st->state != SYNACK_FIN_WAIT_1 && st->state != SYNACK_FIN_WAIT_2))
        ev |= POLLHUP; /* both directions are shut */
    return ev;
}

short sy_sock_events(struct synack_sockets *set, const struct sy_sock *so)
{
    (void)set;
    struct synack_status st;
    if (!so->conn) return POLLOUT | POLLHUP; /* as Linux for a socket never connected */
    if (synack_status(so->conn, &st) != 0) return POLLNVAL;
    if (so->listening) return st.accept_queued ? POLLIN : 0;
    if (st.state == SYNACK_SYN_SENT || st.state == SYNACK_SYN_RECEIVED)
        return st.error ? POLLERR : 0;
    return conn_events(so, &st);
}

static int scan(struct synack_sockets *set, struct pollfd *fds, nfds_t nfds)
{
    int ready = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0) continue;
        struct sy_sock *so = sy_sock_get(set, fds[i].fd);
        short ev = so ? sy_sock_events(set, so) : POLLNVAL;
        fds[i].revents = ev & (fds[i].events | POLLERR | POLLHUP | POLLNVAL);
        if (fds[i].revents) ready++;
    }
    return ready;
}

int synack_sock_poll(struct synack_sockets *set, struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    if (!set || (!fds && nfds)) return -EFAULT;
    sy_sock_lock(set);
    synack_time_t until =
        timeout_ms < 0 ? SYNACK_TIME_NEVER : sy_sock_now(set) + SYNACK_MSEC(timeout_ms);
    int ready;
    while ((ready = scan(set, fds, nfds)) == 0 && timeout_ms != 0 && set->cfg.threads)
        if (!sy_sock_wait(set, until)) {
            ready = scan(set, fds, nfds);
            break;
        }
    sy_sock_unlock(set);
    return ready;
}
