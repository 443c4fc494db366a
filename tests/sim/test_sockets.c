/* The socket API (include/synack/socket.h) over two stacks on a simulated link: the calls, their
 * errno results as Linux gives them, poll, and blocking calls sleeping in threads mode. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <synack/socket.h>

#include "api/sock.h"
#include "pair.h"

static synack_time_t pair_clock(void *ctx)
{
    return ((struct pair *)ctx)->now;
}

struct fixture {
    struct pair p;
    struct synack_sockets *s[2];
};

static struct fixture *setup_wake(bool threads, void (*wake)(void *), void *wake_ctx)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    pair_init(&f.p, NULL, SYNACK_MSEC(5));
    struct synack_sockets_config cfg = {.clock = pair_clock,
                                        .clock_ctx = &f.p,
                                        .threads = threads,
                                        .wake = wake,
                                        .wake_ctx = wake_ctx};
    for (int i = 0; i < 2; i++)
        f.s[i] = synack_sockets_new(f.p.st[i], &cfg);
    return &f;
}

static struct fixture *setup(bool threads)
{
    return setup_wake(threads, NULL, NULL);
}

static void teardown(struct fixture *f)
{
    synack_sockets_free(f->s[0]);
    synack_sockets_free(f->s[1]);
    pair_free(&f->p);
}

static struct sockaddr_in sin_of(const struct synack_addr *a, uint16_t port)
{
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (a) memcpy(&in.sin_addr.s_addr, a->bytes, 4);
    return in;
}
#define SA(x) ((const struct sockaddr *)&(x))

static int server(struct fixture *f, uint16_t port)
{
    struct synack_sockets *s = f->s[1];
    int one = 1, fd = synack_socket(s, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    assert_int_equal(fd, 3);
    assert_int_equal(synack_sock_setsockopt(s, fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    struct sockaddr_in any = sin_of(NULL, port);
    assert_int_equal(synack_sock_bind(s, fd, SA(any), sizeof any), 0);
    assert_int_equal(synack_sock_listen(s, fd, 8), 0);
    return fd;
}

/* A non-blocking connect, accepted: returns the client's descriptor; *sfd the server's. */
static int connected(struct fixture *f, int lfd, int *sfd)
{
    struct synack_sockets *c = f->s[0];
    int fd = synack_socket(c, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in to = sin_of(&f->p.addr[1], 8080);
    assert_int_equal(synack_sock_accept(f->s[1], lfd, NULL, NULL), -EAGAIN);
    assert_int_equal(synack_sock_connect(c, fd, SA(to), sizeof to), -EINPROGRESS);
    assert_int_equal(synack_sock_connect(c, fd, SA(to), sizeof to), -EALREADY);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50));
    assert_int_equal(synack_sock_connect(c, fd, SA(to), sizeof to), 0); /* reported once */
    assert_int_equal(synack_sock_connect(c, fd, SA(to), sizeof to), -EISCONN);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    *sfd = synack_sock_accept(f->s[1], lfd, (struct sockaddr *)&peer, &len);
    assert_true(*sfd > lfd);
    assert_int_equal(len, sizeof peer);
    assert_memory_equal(&peer.sin_addr.s_addr, f->p.addr[0].bytes, 4);
    return fd;
}

static void test_socket_transfer_and_close(void **state)
{
    (void)state;
    struct fixture *f = setup(false);
    int lfd = server(f, 8080), sfd, cfd = connected(f, lfd, &sfd);
    struct synack_sockets *c = f->s[0], *s = f->s[1];
    assert_int_equal(synack_sock_send(c, cfd, "hello", 5, 0), 5);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50));
    char buf[16];
    assert_int_equal(synack_sock_recv(s, sfd, buf, sizeof buf, MSG_PEEK), 5);
    assert_int_equal(synack_sock_read(s, sfd, buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(synack_sock_recv(s, sfd, buf, sizeof buf, 0), -EAGAIN);
    /* Half-close: the server reads the end of the stream and can still write. */
    assert_int_equal(synack_sock_shutdown(c, cfd, SHUT_WR), 0);
    assert_int_equal(synack_sock_shutdown(c, cfd, SHUT_WR), 0);
    assert_int_equal(synack_sock_send(c, cfd, "x", 1, 0), -EPIPE);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50));
    struct pollfd pf = {.fd = sfd, .events = POLLIN | POLLOUT | SYNACK_POLLRDHUP};
    assert_int_equal(synack_sock_poll(s, &pf, 1, 0), 1);
    assert_int_equal(pf.revents, POLLIN | POLLOUT | SYNACK_POLLRDHUP);
    assert_int_equal(synack_sock_recv(s, sfd, buf, sizeof buf, 0), 0);
    assert_int_equal(synack_sock_write(s, sfd, "bye", 3), 3);
    assert_int_equal(synack_sock_close(s, sfd), 0);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50));
    assert_int_equal(synack_sock_recv(c, cfd, buf, sizeof buf, 0), 3);
    assert_int_equal(synack_sock_recv(c, cfd, buf, sizeof buf, 0), 0);
    struct synack_tcp_info ti;
    socklen_t len = sizeof ti;
    assert_int_equal(synack_sock_getsockopt(c, cfd, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
    assert_int_equal(ti.tcpi_state, 6); /* TIME-WAIT, in Linux's numbering */
    assert_int_equal(ti.tcpi_options,
                     SYNACK_TCPI_OPT_TIMESTAMPS | SYNACK_TCPI_OPT_SACK | SYNACK_TCPI_OPT_WSCALE);
    assert_int_equal(synack_sock_close(c, cfd), 0);
    assert_int_equal(synack_sock_close(c, cfd), -EBADF);
    assert_int_equal(synack_sock_close(s, lfd), 0);
    teardown(f);
}

static void test_socket_errors(void **state)
{
    (void)state;
    struct fixture *f = setup(false);
    struct synack_sockets *c = f->s[0];
    assert_int_equal(synack_socket(c, AF_INET6, SOCK_STREAM, 0), -EAFNOSUPPORT);
    assert_int_equal(synack_socket(c, AF_INET, SOCK_DGRAM, 0), -EPROTOTYPE);
    assert_int_equal(synack_socket(c, AF_INET, SOCK_STREAM, IPPROTO_UDP), -EPROTONOSUPPORT);
    int fd = synack_socket(c, AF_INET, SOCK_STREAM, 0), v = 0;
    char buf[4];
    assert_int_equal(synack_sock_send(c, fd, "x", 1, 0), -ENOTCONN);
    assert_int_equal(synack_sock_recv(c, fd, buf, 4, 0), -ENOTCONN);
    assert_int_equal(synack_sock_shutdown(c, fd, SHUT_WR), -ENOTCONN);
    assert_int_equal(synack_sock_shutdown(c, fd, 7), -EINVAL);
    assert_int_equal(synack_sock_accept(c, fd, NULL, NULL), -EINVAL);
    assert_int_equal(synack_sock_send(c, 99, "x", 1, 0), -EBADF);
    socklen_t len = 2;
    assert_int_equal(synack_sock_getsockopt(c, fd, SOL_SOCKET, SO_ERROR, &v, &len), -EINVAL);
    len = sizeof v;
    assert_int_equal(synack_sock_getsockopt(c, fd, SOL_SOCKET, 9999, &v, &len), -ENOPROTOOPT);
    v = 10;
    assert_int_equal(synack_sock_setsockopt(c, fd, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof v), -EINVAL);
    v = 0;
    assert_int_equal(synack_sock_setsockopt(c, fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v),
                     -EINVAL);
    assert_int_equal(synack_sock_fcntl(c, fd, F_GETFL, 0), O_RDWR);
    assert_int_equal(synack_sock_fcntl(c, fd, F_SETFL, O_RDWR | O_NONBLOCK), 0);
    assert_int_equal(synack_sock_fcntl(c, fd, F_GETFL, 0), O_RDWR | O_NONBLOCK);
    /* Addresses. */
    struct sockaddr_in mine = sin_of(&f->p.addr[0], 5000), other = sin_of(&f->p.addr[1], 5000);
    assert_int_equal(synack_sock_bind(c, fd, SA(other), sizeof other), -EADDRNOTAVAIL);
    assert_int_equal(synack_sock_bind(c, fd, SA(mine), 4), -EINVAL);
    assert_int_equal(synack_sock_bind(c, fd, SA(mine), sizeof mine), 0);
    assert_int_equal(synack_sock_bind(c, fd, SA(mine), sizeof mine), -EINVAL);
    int fd2 = synack_socket(c, AF_INET, SOCK_STREAM, 0);
    assert_int_equal(synack_sock_bind(c, fd2, SA(mine), sizeof mine), -EADDRINUSE);
    assert_int_equal(synack_sock_listen(c, fd, 1), 0);
    int one = 1;
    synack_sock_setsockopt(c, fd2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    assert_int_equal(synack_sock_bind(c, fd2, SA(mine), sizeof mine), -EADDRINUSE); /* listener */
    assert_int_equal(synack_sock_recv(c, fd, buf, 4, 0), -ENOTCONN);
    assert_int_equal(synack_sock_connect(c, fd, SA(other), sizeof other), -EISCONN);
    /* A refused connect: SO_ERROR tells, once. */
    int fd3 = synack_socket(c, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_int_equal(synack_sock_connect(c, fd3, SA(other), sizeof other), -EINPROGRESS);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50));
    struct pollfd pf = {.fd = fd3, .events = POLLOUT};
    assert_int_equal(synack_sock_poll(c, &pf, 1, 0), 1);
    assert_true(pf.revents & POLLERR);
    assert_int_equal(synack_sock_getsockopt(c, fd3, SOL_SOCKET, SO_ERROR, &v, &len), 0);
    assert_int_equal(v, ECONNREFUSED);
    assert_int_equal(synack_sock_getsockopt(c, fd3, SOL_SOCKET, SO_ERROR, &v, &len), 0);
    assert_int_equal(v, 0);
    teardown(f);
}

/* The peer's RST: the error once, then EPIPE for writes and end of stream for reads. */
static void test_socket_reset(void **state)
{
    (void)state;
    struct fixture *f = setup(false);
    int lfd = server(f, 8080), sfd, cfd = connected(f, lfd, &sfd);
    struct synack_sockets *c = f->s[0], *s = f->s[1];
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    assert_int_equal(synack_sock_setsockopt(s, sfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    assert_int_equal(synack_sock_close(s, sfd), 0); /* abort: RST */
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50));
    char buf[4];
    assert_int_equal(synack_sock_recv(c, cfd, buf, 4, 0), -ECONNRESET);
    assert_int_equal(synack_sock_recv(c, cfd, buf, 4, 0), 0);
    assert_int_equal(synack_sock_send(c, cfd, "x", 1, 0), -EPIPE);
    teardown(f);
}

struct seen_hdr {
    uint8_t ttl, tos;
    unsigned n;
};

static enum synack_sim_verdict note_hdr(void *ctx, int side, const uint8_t *pkt, size_t len,
                                        synack_time_t now, synack_time_t *extra)
{
    (void)now;
    (void)extra;
    struct seen_hdr *h = ctx;
    if (side == 0 && len >= 20) {
        h->tos = pkt[1];
        h->ttl = pkt[8];
        h->n++;
    }
    return SYNACK_SIM_PASS;
}

/* IP_TTL and IP_TOS: the datagrams of the connection carry them, from the SYN on and after a
 * change during the connection; the ECN bits of IP_TOS are not the application's. */
/* RFC9293: MUST-48, MUST-49, SHLD-21, SHLD-22 */
static void test_socket_ip_ttl_and_tos(void **state)
{
    (void)state;
    struct fixture *f = setup(false);
    struct seen_hdr h = {0};
    synack_simlink_set_hook(f->p.link, note_hdr, &h);
    server(f, 8080);
    struct synack_sockets *c = f->s[0];
    int fd = synack_socket(c, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), v = 0;
    socklen_t len = sizeof v;
    assert_int_equal(synack_sock_getsockopt(c, fd, IPPROTO_IP, IP_TTL, &v, &len), 0);
    assert_int_equal(v, 64);
    v = 7;
    assert_int_equal(synack_sock_setsockopt(c, fd, IPPROTO_IP, IP_TTL, &v, sizeof v), 0);
    v = 0x2b; /* CS1 | AF... with the two ECN bits set */
    assert_int_equal(synack_sock_setsockopt(c, fd, IPPROTO_IP, IP_TOS, &v, sizeof v), 0);
    assert_int_equal(synack_sock_getsockopt(c, fd, IPPROTO_IP, IP_TOS, &v, &len), 0);
    assert_int_equal(v, 0x28);
    v = 0;
    assert_int_equal(synack_sock_setsockopt(c, fd, IPPROTO_IP, IP_TTL, &v, sizeof v), -EINVAL);
    struct sockaddr_in to = sin_of(&f->p.addr[1], 8080);
    assert_int_equal(synack_sock_connect(c, fd, SA(to), sizeof to), -EINPROGRESS);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50));
    assert_true(h.n >= 2); /* the SYN and the ACK */
    assert_int_equal(h.ttl, 7);
    assert_int_equal(h.tos, 0x28);
    v = 0xe0; /* CS7, during the connection */
    assert_int_equal(synack_sock_setsockopt(c, fd, IPPROTO_IP, IP_TOS, &v, sizeof v), 0);
    assert_int_equal(synack_sock_send(c, fd, "x", 1, 0), 1);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50));
    assert_int_equal(h.tos, 0xe0);
    teardown(f);
}

static enum synack_sim_verdict drop_server(void *ctx, int side, const uint8_t *pkt, size_t len,
                                           synack_time_t now, synack_time_t *extra)
{
    (void)ctx, (void)pkt, (void)len, (void)now, (void)extra;
    return side == 1 ? SYNACK_SIM_DROP : SYNACK_SIM_PASS;
}

/* When the client's connection (side 0) closed, at or after log entry from. */
static synack_time_t client_closed_at(const struct pair *p, size_t from)
{
    size_t i = pair_find_state(p, from, 0, SYNACK_CLOSED);
    assert_true(i != SIZE_MAX);
    return p->log[i].ev.now;
}

static int get_opt(struct synack_sockets *set, int fd, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    assert_int_equal(synack_sock_getsockopt(set, fd, IPPROTO_TCP, name, &v, &len), 0);
    return v;
}

/* TCP_USER_TIMEOUT (milliseconds) and TCP_SYNCNT: R2 set for one connection, with Linux's values
 * and range checks. The server goes silent: unacknowledged data ends the connection exactly when
 * its user timeout, set during the connection, is up (2.5 s, between two backed-off RTOs); an
 * open with TCP_SYNCNT 2 ends after two SYN retransmissions (1 s, then 2 s later: at 7 s). */
/* RFC9293: MUST-21 */
static void test_socket_user_timeout_and_syncnt(void **state)
{
    (void)state;
    struct fixture *f = setup(false);
    int lfd = server(f, 8080), sfd, cfd = connected(f, lfd, &sfd), v;
    struct synack_sockets *c = f->s[0];
    assert_int_equal(get_opt(c, cfd, TCP_USER_TIMEOUT), 0);
    assert_int_equal(get_opt(c, cfd, TCP_SYNCNT), 7);
    const int bad[][2] = {{TCP_USER_TIMEOUT, -1}, {TCP_SYNCNT, 0}, {TCP_SYNCNT, 128}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(
            synack_sock_setsockopt(c, cfd, IPPROTO_TCP, bad[i][0], &bad[i][1], sizeof(int)),
            -EINVAL);
    v = 2500;
    assert_int_equal(synack_sock_setsockopt(c, cfd, IPPROTO_TCP, TCP_USER_TIMEOUT, &v, sizeof v),
                     0);
    assert_int_equal(get_opt(c, cfd, TCP_USER_TIMEOUT), 2500);
    synack_simlink_set_hook(f->p.link, drop_server, NULL);
    synack_time_t t0 = f->p.now;
    size_t from = f->p.nlog;
    assert_int_equal(synack_sock_send(c, cfd, "x", 1, 0), 1);
    pair_run(&f->p, t0 + SYNACK_SEC(10));
    assert_int_equal(client_closed_at(&f->p, from), t0 + SYNACK_MSEC(2500));
    char buf[4];
    assert_int_equal(synack_sock_recv(c, cfd, buf, sizeof buf, 0), -ETIMEDOUT);

    int fd = synack_socket(c, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    v = 2;
    assert_int_equal(synack_sock_setsockopt(c, fd, IPPROTO_TCP, TCP_SYNCNT, &v, sizeof v), 0);
    assert_int_equal(get_opt(c, fd, TCP_SYNCNT), 2);
    struct sockaddr_in to = sin_of(&f->p.addr[1], 8080);
    t0 = f->p.now;
    from = f->p.nlog;
    assert_int_equal(synack_sock_connect(c, fd, SA(to), sizeof to), -EINPROGRESS);
    pair_run(&f->p, t0 + SYNACK_SEC(20));
    assert_int_equal(client_closed_at(&f->p, from), t0 + SYNACK_SEC(7));
    assert_int_equal(get_opt(c, fd, TCP_SYNCNT), 2);
    socklen_t len = sizeof v;
    assert_int_equal(synack_sock_getsockopt(c, fd, SOL_SOCKET, SO_ERROR, &v, &len), 0);
    assert_int_equal(v, ETIMEDOUT);
    teardown(f);
}

struct blocked {
    struct synack_sockets *set;
    int fd;
    atomic_int result;
    atomic_bool done;
};

static void *blocking_accept(void *arg)
{
    struct blocked *b = arg;
    atomic_store(&b->result, synack_sock_accept(b->set, b->fd, NULL, NULL));
    atomic_store(&b->done, true);
    return NULL;
}

static void *blocking_recv(void *arg)
{
    struct blocked *b = arg;
    char buf[64];
    atomic_store(&b->result, (int)synack_sock_recv(b->set, b->fd, buf, sizeof buf, MSG_WAITALL));
    atomic_store(&b->done, true);
    return NULL;
}

static bool sleeping(struct synack_sockets *set)
{
    synack_sockets_lock(set);
    bool any = set->waiters != NULL;
    synack_sockets_unlock(set);
    return any;
}

/* Wait (yielding) until a thread sleeps in a call of set: bounded by 30 s of real time, not by
 * a count of yields, which a loaded machine can make last for minutes or end too soon. */
static bool wait_sleeping(struct synack_sockets *set)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        if (sleeping(set)) return true;
        sched_yield();
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (t.tv_sec - t0.tv_sec < 30);
    return false;
}

/* Drive both stacks (holding both sets, as a driver does) in 5 ms steps until the blocked call
 * has returned (b->done), yielding between steps so that its thread runs: bounded by 30 s of real
 * time, as wait_sleeping, not by a count of steps a loaded machine can get through before the
 * woken thread is scheduled at all. */
static bool drive_until_done(struct fixture *f, struct blocked *b)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        synack_sockets_lock(f->s[0]);
        synack_sockets_lock(f->s[1]);
        pair_run(&f->p, f->p.now + SYNACK_MSEC(5));
        synack_sockets_unlock(f->s[1]); /* wakes the sleeper, which finds what it waits for */
        synack_sockets_unlock(f->s[0]);
        if (atomic_load(&b->done)) return true;
        sched_yield();
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (t.tv_sec - t0.tv_sec < 30);
    return false;
}

/* Threads mode: blocking calls sleep on the condition variable until the stack, driven by this
 * thread, gives them what they wait for. */
static void test_socket_blocking_threads(void **state)
{
    (void)state;
    struct fixture *f = setup(true);
    int lfd = server(f, 8080);
    struct blocked acc = {.set = f->s[1], .fd = lfd};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, blocking_accept, &acc), 0);
    assert_true(wait_sleeping(f->s[1]));
    int cfd = synack_socket(f->s[0], AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in to = sin_of(&f->p.addr[1], 8080);
    assert_int_equal(synack_sock_connect(f->s[0], cfd, SA(to), sizeof to), -EINPROGRESS);
    assert_true(drive_until_done(f, &acc));
    pthread_join(t, NULL);
    int sfd = atomic_load(&acc.result);
    assert_int_equal(sfd, lfd + 1);
    /* A blocking recv with MSG_WAITALL gathers two sends. */
    struct blocked rcv = {.set = f->s[1], .fd = sfd};
    assert_int_equal(pthread_create(&t, NULL, blocking_recv, &rcv), 0);
    char data[64];
    memset(data, 'a', sizeof data);
    assert_int_equal(synack_sock_send(f->s[0], cfd, data, 20, 0), 20);
    assert_true(wait_sleeping(f->s[1])); /* MSG_WAITALL: asleep with 20 of 64 bytes, or before */
    assert_int_equal(synack_sock_send(f->s[0], cfd, data, 44, 0), 44);
    assert_true(drive_until_done(f, &rcv));
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&rcv.result), 64);
    teardown(f);
}

/* A call asleep on a descriptor that another thread closes wakes with EBADF, and a socket that
 * reuses the number is left alone. */
static void test_socket_close_while_blocked(void **state)
{
    (void)state;
    struct fixture *f = setup(true);
    int lfd = server(f, 8080);
    struct blocked rcv = {.set = f->s[1], .fd = lfd};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, blocking_accept, &rcv), 0);
    assert_true(wait_sleeping(f->s[1]));
    assert_int_equal(synack_sock_close(f->s[1], lfd), 0);
    int again = synack_socket(f->s[1], AF_INET, SOCK_STREAM, 0); /* takes the number back */
    assert_int_equal(again, lfd);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&rcv.result), -EBADF);
    int v = 0;
    socklen_t len = sizeof v;
    assert_int_equal(synack_sock_getsockopt(f->s[1], again, SOL_SOCKET, SO_ACCEPTCONN, &v, &len),
                     0);
    assert_int_equal(v, 0);
    teardown(f);
}

/* A listener's SO_REUSEADDR goes to the connections it accepts, so a server can bind its port
 * again while they live (as Linux and FreeBSD). */
static void test_socket_accepted_inherits_reuseaddr(void **state)
{
    (void)state;
    struct fixture *f = setup(false);
    int lfd = server(f, 8080), sfd;
    connected(f, lfd, &sfd);
    assert_int_equal(synack_sock_close(f->s[1], lfd), 0);
    int one = 1, fd = synack_socket(f->s[1], AF_INET, SOCK_STREAM, 0);
    synack_sock_setsockopt(f->s[1], fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in any = sin_of(NULL, 8080);
    assert_int_equal(synack_sock_bind(f->s[1], fd, SA(any), sizeof any), 0);
    teardown(f);
}

static void count_wake(void *ctx)
{
    ++*(int *)ctx;
}

/* cfg.wake: a driver asleep until the deadline it was last given hears of an earlier one made by
 * a call (the retransmission timer a send arms), and only then. */
static void test_socket_wake_callback(void **state)
{
    (void)state;
    int wakes = 0;
    struct fixture *f = setup_wake(true, count_wake, &wakes);
    int lfd = server(f, 8080), sfd;
    assert_int_equal(synack_sock_fcntl(f->s[1], lfd, F_SETFL, O_NONBLOCK), 0);
    int cfd = connected(f, lfd, &sfd);
    struct synack_sockets *c = f->s[0];
    assert_true(wakes >= 1); /* the SYN's retransmission timer, before the driver ever asked */
    wakes = 0;
    assert_int_equal(synack_sockets_next_deadline(c), SYNACK_TIME_NEVER); /* idle */
    assert_int_equal(synack_sock_send(c, cfd, "hello", 5, 0), 5);
    assert_int_equal(wakes, 1); /* the retransmission timer: earlier than "never" */
    assert_int_equal(synack_sock_send(c, cfd, "again", 5, 0), 5);
    assert_int_equal(wakes, 1); /* the same timer: nothing new to tell */
    synack_time_t rto = synack_sockets_next_deadline(c);
    assert_true(rto > f->p.now && rto != SYNACK_TIME_NEVER);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(50)); /* delivered and acknowledged */
    assert_int_equal(wakes, 1);
    /* The driver still sleeps until rto: a FIN's timer armed now lies later, nothing to tell. */
    assert_int_equal(synack_sock_close(c, cfd), 0);
    assert_int_equal(wakes, 1);
    assert_true(synack_sockets_next_deadline(c) > rto);
    teardown(f);
}

/* RFC9293: MUST-30, MUST-33 */
/* MSG_OOB sends urgent data; it arrives in line (SO_OOBINLINE, RFC 6093 §5), a read stops before
 * the mark (its last octet) as on Linux, sockatmark tells when the next octet is the mark, and
 * poll says POLLPRI until the mark is read. */
static void test_socket_urgent_data(void **state)
{
    (void)state;
    struct fixture *f = setup(false);
    int lfd = server(f, 8080), sfd, cfd = connected(f, lfd, &sfd);
    struct synack_sockets *c = f->s[0], *s = f->s[1];
    int v = 0, zero = 0;
    socklen_t len = sizeof v;
    assert_int_equal(synack_sock_getsockopt(s, sfd, SOL_SOCKET, SO_OOBINLINE, &v, &len), 0);
    assert_int_equal(v, 1);
    assert_int_equal(synack_sock_setsockopt(s, sfd, SOL_SOCKET, SO_OOBINLINE, &zero, 4), -EINVAL);
    assert_int_equal(synack_sock_setsockopt(s, sfd, SOL_SOCKET, SO_OOBINLINE, &v, 4), 0);
    assert_int_equal(synack_sock_send(c, cfd, "abc", 3, 0), 3);
    assert_int_equal(synack_sock_send(c, cfd, "XY", 2, MSG_OOB), 2);
    assert_int_equal(synack_sock_send(c, cfd, "de", 2, 0), 2);
    pair_run(&f->p, f->p.now + SYNACK_MSEC(500)); /* Nagle waits for the delayed ACK of "abc" */
    struct pollfd pf = {.fd = sfd, .events = POLLIN | POLLPRI};
    assert_int_equal(synack_sock_poll(s, &pf, 1, 0), 1);
    assert_int_equal(pf.revents, POLLIN | POLLPRI);
    char buf[16];
    assert_int_equal(synack_sock_recv(s, sfd, buf, sizeof buf, MSG_OOB), -EINVAL);
    assert_int_equal(synack_sock_atmark(s, sfd), 0);
    assert_int_equal(synack_sock_recv(s, sfd, buf, sizeof buf, MSG_PEEK), 4);
    assert_int_equal(synack_sock_recv(s, sfd, buf, sizeof buf, MSG_WAITALL), 4);
    assert_memory_equal(buf, "abcX", 4); /* up to the mark */
    assert_int_equal(synack_sock_atmark(s, sfd), 1);
    assert_int_equal(synack_sock_poll(s, &pf, 1, 0), 1);
    assert_int_equal(pf.revents, POLLIN | POLLPRI);
    assert_int_equal(synack_sock_recv(s, sfd, buf, sizeof buf, 0), 3);
    assert_memory_equal(buf, "Yde", 3);
    assert_int_equal(synack_sock_atmark(s, sfd), 0);
    assert_int_equal(synack_sock_poll(s, &pf, 1, 0), 0);
    assert_int_equal(synack_sock_atmark(s, 99), -EBADF);
    teardown(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_socket_transfer_and_close),
        cmocka_unit_test(test_socket_errors),
        cmocka_unit_test(test_socket_reset),
        cmocka_unit_test(test_socket_ip_ttl_and_tos),
        cmocka_unit_test(test_socket_user_timeout_and_syncnt),
        cmocka_unit_test(test_socket_blocking_threads),
        cmocka_unit_test(test_socket_close_while_blocked),
        cmocka_unit_test(test_socket_accepted_inherits_reuseaddr),
        cmocka_unit_test(test_socket_wake_callback),
        cmocka_unit_test(test_socket_urgent_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
