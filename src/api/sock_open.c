/* api — opening: socket, bind, listen, accept, connect, and the names of a socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/sock.h"
#include "stack/stack.h"

int synack_socket(struct synack_sockets *set, int domain, int type, int protocol)
{
    if (!set) return -EINVAL;
    if (domain != AF_INET) return -EAFNOSUPPORT;
    if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM) return -EPROTOTYPE;
    if (protocol != 0 && protocol != IPPROTO_TCP) return -EPROTONOSUPPORT;
    sy_sock_lock(set);
    int fd = sy_sock_alloc(set);
    if (fd >= 0) sy_sock_get(set, fd)->nonblock = (type & SOCK_NONBLOCK) != 0;
    sy_sock_unlock(set);
    return fd;
}

static bool addr_overlap(const struct synack_addr *a, const struct synack_addr *b)
{
    return a->family == SYNACK_AF_NONE || b->family == SYNACK_AF_NONE || synack_addr_equal(a, b);
}

/* Whether `so` may take local endpoint ep (RFC 9293 §3.10.1 leaves reuse to the system; as
 * Linux and FreeBSD: sockets with SO_REUSEPORT share a port; SO_REUSEADDR lets a socket bind
 * where connections (TIME-WAIT, accepted ones) still use the port, but never beside a
 * listener or another bound socket without it). */
static int port_free(struct synack_sockets *set, const struct sy_sock *so,
                     const struct synack_endpoint *ep)
{
    for (unsigned i = 0; i < set->cfg.max_sockets; i++) {
        const struct sy_sock *o = &set->socks[i];
        if (o == so || !o->used || !o->bound || o->local.port != ep->port) continue;
        if (!addr_overlap(&o->local.addr, &ep->addr)) continue;
        if (so->reuseport && o->reuseport) continue;
        if (so->reuseaddr && o->reuseaddr && !o->listening) continue; /* Linux's rule */
        return -EADDRINUSE;
    }
    /* Connections without a socket here too: TIME-WAIT, closed ones finishing, accepted ones. */
    size_t n = synack_stack_conns(set->stack, NULL, 0);
    struct synack_conn **conns = n ? malloc(n * sizeof(*conns)) : NULL;
    if (n && !conns) return -ENOBUFS;
    synack_stack_conns(set->stack, conns, n);
    int err = 0;
    for (size_t i = 0; i < n && !err; i++) {
        struct synack_status st;
        synack_status(conns[i], &st);
        if (st.local.port != ep->port || !addr_overlap(&st.local.addr, &ep->addr)) continue;
        if ((st.state == SYNACK_LISTEN && !so->reuseport) ||
            (st.state != SYNACK_LISTEN && !so->reuseaddr))
            err = -EADDRINUSE;
    }
    free(conns);
    return err;
}

/* An ephemeral port for a bind to port 0 (RFC 6056: sequential from a random start). */
static int pick_port(struct synack_sockets *set, const struct sy_sock *so,
                     struct synack_endpoint *ep)
{
    const struct synack_config *cfg = synack_stack_config(set->stack);
    uint32_t lo = cfg->ephemeral_lo, n = (uint32_t)cfg->ephemeral_hi - lo + 1;
    uint32_t start = (uint32_t)(sy_sock_now(set) * 2654435761u) % n;
    for (uint32_t i = 0; i < n; i++) {
        ep->port = (uint16_t)(lo + (start + i) % n);
        if (port_free(set, so, ep) == 0) return 0;
    }
    return -EADDRINUSE;
}

static int bind_locked(struct synack_sockets *set, struct sy_sock *so,
                       const struct synack_endpoint *want)
{
    if (so->bound || so->conn) return -EINVAL;
    struct synack_endpoint ep = *want;
    if (ep.addr.family != SYNACK_AF_NONE && !sy_stack_is_local(set->stack, &ep.addr))
        return -EADDRNOTAVAIL;
    int err = ep.port ? port_free(set, so, &ep) : pick_port(set, so, &ep);
    if (err) return err;
    so->local = ep;
    so->bound = true;
    return 0;
}

int synack_sock_bind(struct synack_sockets *set, int fd, const struct sockaddr *addr, socklen_t len)
{
    struct synack_endpoint ep;
    int err = sy_sock_addr_in(addr, len, &ep);
    if (err) return err;
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    err = so ? bind_locked(set, so, &ep) : -EBADF;
    sy_sock_unlock(set);
    return err;
}

static int listen_locked(struct synack_sockets *set, struct sy_sock *so, int backlog)
{
    unsigned bl = backlog <= 0 ? 1 : backlog > 4096 ? 4096 : (unsigned)backlog; /* SOMAXCONN */
    if (so->listening) return 0; /* as Linux: a second listen() keeps the listener */
    if (so->conn) return -EINVAL;
    if (!so->bound) {
        int err = bind_locked(set, so, &(struct synack_endpoint){0});
        if (err) return err;
    }
    int err = synack_listen_with(set->stack, &so->local, bl, &so->prm, sy_sock_now(set), &so->conn);
    if (err) return err;
    so->listening = true;
    return 0;
}

int synack_sock_listen(struct synack_sockets *set, int fd, int backlog)
{
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    int err = so ? listen_locked(set, so, backlog) : -EBADF;
    sy_sock_unlock(set);
    return err;
}

static int accept_locked(struct synack_sockets *set, int fd, struct sockaddr *addr, socklen_t *len)
{
    struct sy_sock *so = sy_sock_get(set, fd);
    if (!so) return -EBADF;
    if (!so->listening) return -EINVAL;
    unsigned gen = so->gen;
    struct synack_status st;
    /* Wait for a connection first; the new descriptor is taken only with one in hand. */
    while (synack_status(so->conn, &st) == 0 && st.accept_queued == 0) {
        if (!sy_sock_may_block(set, so, 0)) return -EAGAIN;
        sy_sock_wait(set, SYNACK_TIME_NEVER);
        if (!(so = sy_sock_same(set, fd, gen))) return -EBADF; /* closed meanwhile */
        if (!so->listening) return -EINVAL;
    }
    int nfd = sy_sock_alloc(set); /* before synack_accept, so that no connection is lost */
    if (nfd < 0) return nfd;
    so = sy_sock_get(set, fd); /* the table is stable: nothing slept since the check */
    struct synack_conn *c = NULL;
    int err = synack_accept(so->conn, &c);
    if (err) {
        sy_sock_release(set, nfd);
        return err;
    }
    struct sy_sock *ns = sy_sock_get(set, nfd);
    synack_status(c, &st);
    ns->conn = c;
    ns->bound = true;
    ns->local = st.local;
    /* As the BSD stacks: the child inherits the listener's socket-level options. */
    ns->reuseaddr = so->reuseaddr;
    ns->reuseport = so->reuseport;
    ns->linger = so->linger;
    synack_conn_params(c, &ns->prm);
    sy_sock_addr_out(&st.remote, addr, len);
    return nfd;
}

int synack_sock_accept(struct synack_sockets *set, int fd, struct sockaddr *addr, socklen_t *len)
{
    sy_sock_lock(set);
    int r = accept_locked(set, fd, addr, len);
    sy_sock_unlock(set);
    return r;
}

/* A connect in progress has ended or not: 0 once established (as Linux reports it to a
 * second connect), the error when it failed (the socket may connect again), else EALREADY. */
static int connect_outcome(struct synack_sockets *set, struct sy_sock *so)
{
    enum synack_state s = synack_conn_state(so->conn);
    if (s == SYNACK_SYN_SENT || s == SYNACK_SYN_RECEIVED) return -EALREADY;
    so->connecting = false;
    if (s != SYNACK_CLOSED) return 0;
    int err = synack_conn_error(so->conn);
    synack_abort(so->conn, sy_sock_now(set));
    so->conn = NULL;
    return err ? err : -ECONNABORTED;
}

static int connect_locked(struct synack_sockets *set, int fd, struct sy_sock *so,
                          const struct synack_endpoint *remote)
{
    if (so->listening) return -EISCONN;
    if (so->conn && !so->connecting) return -EISCONN;
    if (!so->conn) {
        int err = synack_connect_with(set->stack, so->bound ? &so->local : NULL, remote, &so->prm,
                                      sy_sock_now(set), &so->conn);
        if (err) return err;
        struct synack_status st;
        synack_status(so->conn, &st);
        so->local = st.local;
        so->bound = so->connecting = true;
        if (!sy_sock_may_block(set, so, 0)) return -EINPROGRESS;
    }
    int r;
    unsigned gen = so->gen;
    while ((r = connect_outcome(set, so)) == -EALREADY && sy_sock_may_block(set, so, 0)) {
        sy_sock_wait(set, SYNACK_TIME_NEVER);
        if (!(so = sy_sock_same(set, fd, gen))) return -EBADF; /* closed meanwhile */
    }
    return r;
}

int synack_sock_connect(struct synack_sockets *set, int fd, const struct sockaddr *addr,
                        socklen_t len)
{
    struct synack_endpoint remote;
    int err = sy_sock_addr_in(addr, len, &remote);
    if (err) return err;
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    err = so ? connect_locked(set, fd, so, &remote) : -EBADF;
    sy_sock_wake(set);
    sy_sock_unlock(set);
    return err;
}

int synack_sock_getsockname(struct synack_sockets *set, int fd, struct sockaddr *addr,
                            socklen_t *len)
{
    if (!addr || !len) return -EFAULT;
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    if (so) sy_sock_addr_out(&so->local, addr, len);
    sy_sock_unlock(set);
    return so ? 0 : -EBADF;
}

int synack_sock_getpeername(struct synack_sockets *set, int fd, struct sockaddr *addr,
                            socklen_t *len)
{
    if (!addr || !len) return -EFAULT;
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    int err = so ? -ENOTCONN : -EBADF;
    struct synack_status st;
    if (so && so->conn && !so->listening && synack_status(so->conn, &st) == 0 &&
        st.state != SYNACK_SYN_SENT && st.state != SYNACK_CLOSED) {
        sy_sock_addr_out(&st.remote, addr, len);
        err = 0;
    }
    sy_sock_unlock(set);
    return err;
}

struct synack_conn *synack_sock_conn(struct synack_sockets *set, int fd)
{
    sy_sock_lock(set);
    struct sy_sock *so = sy_sock_get(set, fd);
    struct synack_conn *c = so ? so->conn : NULL;
    sy_sock_unlock(set);
    return c;
}
