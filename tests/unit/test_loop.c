/* Unit tests: the real-time event loop (dev/loop.c) on a real clock, with two stacks joined by an
 * AF_UNIX datagram socketpair standing in for a device: packets, timers, watched fds, signals,
 * and no busy waiting while idle. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <synack/synack.h>

#define XFER_BYTES (256 * 1024)

struct sock_dev {
    int fd;
    unsigned dropped; /* the peer's queue was full: lost, as on a wire */
};

static int sock_transmit(void *ctx, const uint8_t *pkt, size_t len, synack_time_t now)
{
    struct sock_dev *d = ctx;
    (void)now;
    if (send(d->fd, pkt, len, 0) < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
        d->dropped++;
    }
    return 0;
}

static const struct synack_device_ops sock_ops = {.transmit = sock_transmit};

struct xfer {
    struct synack_loop *loop;
    struct synack_stack *st[2];
    struct sock_dev dev[2];
    struct synack_conn *listener, *client, *server;
    size_t sent, received;
    bool client_closed, server_eof, server_closed, bad_byte;
    unsigned steps;
};

static uint8_t pattern(size_t i)
{
    return (uint8_t)(i * 7 + (i >> 9));
}

static void nonblock(int fd)
{
    assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
}

static void xfer_init(struct xfer *x)
{
    memset(x, 0, sizeof(*x));
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.msl = SYNACK_MSEC(50); /* TIME-WAIT is over in 100 ms */
    cfg.sndbuf = 8 * 1024;     /* a few segments in flight: the socket queue holds 10 */
    x->loop = synack_loop_new();
    assert_non_null(x->loop);
    for (int i = 0; i < 2; i++) {
        nonblock(sv[i]);
        x->dev[i].fd = sv[i];
        x->st[i] = synack_stack_new(&cfg);
        assert_non_null(x->st[i]);
        int dev = synack_stack_add_device(x->st[i], &sock_ops, &x->dev[i], 1500);
        assert_true(dev >= 0);
        struct synack_addr a = synack_addr_v4(10, 9, 0, (uint8_t)(i + 1));
        assert_int_equal(synack_stack_add_addr(x->st[i], dev, &a, 24), 0);
        assert_int_equal(synack_loop_add_device(x->loop, x->st[i], dev, sv[i], NULL, NULL), 0);
    }
}

static void xfer_free(struct xfer *x)
{
    synack_loop_free(x->loop);
    for (int i = 0; i < 2; i++) {
        synack_stack_free(x->st[i]);
        close(x->dev[i].fd);
    }
}

static void client_step(struct xfer *x, synack_time_t now)
{
    uint8_t buf[4096];
    while (!x->client_closed && x->sent < XFER_BYTES) {
        size_t n = XFER_BYTES - x->sent < sizeof(buf) ? XFER_BYTES - x->sent : sizeof(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(x->sent + i);
        ssize_t r = synack_send(x->client, buf, n, now);
        if (r <= 0) break;
        x->sent += (size_t)r;
    }
    if (!x->client_closed && x->sent == XFER_BYTES) {
        assert_int_equal(synack_close(x->client, now), 0);
        x->client_closed = true;
    }
}

static void server_step(struct xfer *x, synack_time_t now)
{
    uint8_t buf[4096];
    if (!x->server) {
        if (synack_accept(x->listener, &x->server) != 0) return;
        assert_int_equal(synack_close(x->listener, now), 0);
    }
    ssize_t r;
    while (!x->server_eof && (r = synack_recv(x->server, buf, sizeof(buf), now)) >= 0) {
        if (r == 0) x->server_eof = true;
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] != pattern(x->received + (size_t)i)) x->bad_byte = true;
        x->received += (size_t)r;
    }
    if (x->server_eof && !x->server_closed) {
        assert_int_equal(synack_close(x->server, now), 0);
        x->server_closed = true;
    }
}

static void xfer_step(void *ctx, synack_time_t now)
{
    struct xfer *x = ctx;
    x->steps++;
    client_step(x, now);
    server_step(x, now);
    if (x->server_closed && x->client_closed && synack_stack_conn_count(x->st[1]) == 0)
        synack_loop_stop(x->loop);
}

static void test_loop_now_is_monotonic_microseconds(void **state)
{
    (void)state;
    synack_time_t a = synack_loop_now();
    struct timespec ms2 = {0, 2000000};
    nanosleep(&ms2, NULL);
    synack_time_t b = synack_loop_now();
    assert_true(b - a >= 2000);
    assert_true(b - a < SYNACK_SEC(1));
}

/* The whole life of a connection in real time: handshake, 256 KiB, the 4-way close, every byte
 * checked, and the server's side gone once its LAST-ACK is answered. */
static void test_loop_moves_data_between_two_stacks(void **state)
{
    (void)state;
    struct xfer x;
    xfer_init(&x);
    synack_time_t now = synack_loop_now();
    struct synack_endpoint ep = {synack_addr_v4(10, 9, 0, 2), 7000};
    assert_int_equal(synack_listen(x.st[1], &ep, 4, now, &x.listener), 0);
    assert_int_equal(synack_connect(x.st[0], NULL, &ep, now, &x.client), 0);
    synack_loop_set_step(x.loop, xfer_step, &x);
    assert_int_equal(synack_loop_run(x.loop, now + SYNACK_SEC(20)), 0);
    assert_int_equal(x.received, XFER_BYTES);
    assert_false(x.bad_byte);
    const struct synack_loop_stats *s = synack_loop_stats(x.loop);
    assert_true(s->packets_in > XFER_BYTES / 1460);
    assert_int_equal(s->recv_errors, 0);
    xfer_free(&x);
}

static void count_step(void *ctx, synack_time_t now)
{
    (void)now;
    (*(unsigned *)ctx)++;
}

/* Idle, the loop sleeps until the next deadline: a connection in TIME-WAIT (100 ms) costs a
 * handful of turns over 300 ms, and nothing to do at all costs one turn, not a spin. */
static void test_loop_idle_does_not_spin(void **state)
{
    (void)state;
    struct xfer x;
    xfer_init(&x);
    synack_time_t now = synack_loop_now();
    struct synack_endpoint ep = {synack_addr_v4(10, 9, 0, 2), 7001};
    assert_int_equal(synack_listen(x.st[1], &ep, 4, now, &x.listener), 0);
    assert_int_equal(synack_connect(x.st[0], NULL, &ep, now, &x.client), 0);
    synack_loop_set_step(x.loop, xfer_step, &x);
    assert_int_equal(synack_loop_run(x.loop, now + SYNACK_SEC(20)), 0);
    /* The client's side is in TIME-WAIT now. */
    assert_int_equal(synack_stack_conn_count(x.st[0]), 1);
    unsigned steps = 0;
    synack_loop_set_step(x.loop, count_step, &steps);
    uint64_t turns = synack_loop_stats(x.loop)->turns;
    now = synack_loop_now();
    assert_int_equal(synack_loop_run(x.loop, now + SYNACK_MSEC(300)), -ETIMEDOUT);
    assert_true(synack_loop_now() - now >= SYNACK_MSEC(300));
    assert_int_equal(synack_stack_conn_count(x.st[0]), 0);
    uint64_t idle_turns = synack_loop_stats(x.loop)->turns - turns;
    assert_true(idle_turns >= 1);
    assert_true(idle_turns <= 8);
    assert_int_equal(steps, idle_turns);
    /* Nothing left: one turn that sleeps until `until`. */
    turns = synack_loop_stats(x.loop)->turns;
    now = synack_loop_now();
    assert_int_equal(synack_loop_run(x.loop, now + SYNACK_MSEC(100)), -ETIMEDOUT);
    assert_true(synack_loop_stats(x.loop)->turns - turns <= 2);
    xfer_free(&x);
}

struct pipe_ctx {
    struct synack_loop *loop;
    int calls;
    char got[8];
};

static void on_pipe(void *ctx, int fd, short revents, synack_time_t now)
{
    struct pipe_ctx *p = ctx;
    (void)now;
    assert_true(revents & POLLIN);
    p->calls++;
    ssize_t n = read(fd, p->got, sizeof(p->got) - 1);
    assert_int_equal(n, 3);
    assert_int_equal(synack_loop_unwatch(p->loop, fd), 0);
    synack_loop_stop(p->loop);
}

static void test_loop_calls_back_a_watched_fd(void **state)
{
    (void)state;
    struct pipe_ctx p = {.loop = synack_loop_new()};
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(synack_loop_watch(p.loop, fds[0], POLLIN, on_pipe, &p), 0);
    assert_int_equal(write(fds[1], "abc", 3), 3);
    assert_int_equal(synack_loop_run(p.loop, synack_loop_now() + SYNACK_SEC(5)), 0);
    assert_int_equal(p.calls, 1);
    assert_string_equal(p.got, "abc");
    assert_int_equal(synack_loop_unwatch(p.loop, fds[0]), -ENOENT);
    /* Unwatched: more bytes wake nobody. */
    assert_int_equal(write(fds[1], "def", 3), 3);
    assert_int_equal(synack_loop_run(p.loop, synack_loop_now() + SYNACK_MSEC(50)), -ETIMEDOUT);
    assert_int_equal(p.calls, 1);
    close(fds[0]);
    close(fds[1]);
    synack_loop_free(p.loop);
}

static void never_called(void *ctx, int fd, short revents, synack_time_t now)
{
    (void)ctx, (void)fd, (void)revents, (void)now;
    fail_msg("a watch with no events was called back");
}

/* A watch that waits for nothing is not woken even by a hang-up (a pipe whose writer closed),
 * so that a program that holds back reading (back-pressure) is not handed the fd early. */
static void test_loop_watch_without_events_ignores_hangup(void **state)
{
    (void)state;
    struct synack_loop *l = synack_loop_new();
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "abc", 3), 3);
    close(fds[1]);
    assert_int_equal(synack_loop_watch(l, fds[0], 0, never_called, NULL), 0);
    assert_int_equal(synack_loop_run(l, synack_loop_now() + SYNACK_MSEC(50)), -ETIMEDOUT);
    assert_true(synack_loop_stats(l)->turns <= 2);
    close(fds[0]);
    synack_loop_free(l);
}

struct sig_ctx {
    int signo;
    int calls;
    struct synack_loop *loop;
};

static void on_sig(void *ctx, int signo, synack_time_t now)
{
    struct sig_ctx *s = ctx;
    (void)now;
    s->signo = signo;
    s->calls++;
    synack_loop_stop(s->loop);
}

/* A signal reaches the loop through its pipe: with no callback it stops the loop, with one the
 * callback decides; a second loop cannot catch signals at the same time. */
static void test_loop_signals(void **state)
{
    (void)state;
    struct synack_loop *l = synack_loop_new();
    assert_int_equal(synack_loop_catch_signal(l, SIGUSR1, NULL, NULL), 0);
    struct synack_loop *other = synack_loop_new();
    assert_int_equal(synack_loop_catch_signal(other, SIGUSR1, NULL, NULL), -EBUSY);
    synack_loop_free(other);
    assert_int_equal(raise(SIGUSR1), 0);
    assert_int_equal(synack_loop_run(l, synack_loop_now() + SYNACK_SEC(5)), 0);
    assert_int_equal(synack_loop_stats(l)->signals, 1);
    struct sig_ctx s = {.loop = l};
    assert_int_equal(synack_loop_catch_signal(l, SIGUSR2, on_sig, &s), 0);
    assert_int_equal(raise(SIGUSR2), 0);
    assert_int_equal(synack_loop_run(l, synack_loop_now() + SYNACK_SEC(5)), 0);
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.signo, SIGUSR2);
    synack_loop_free(l);
    /* The handlers are restored: the default action of SIGUSR1 is back. */
    struct sigaction sa;
    assert_int_equal(sigaction(SIGUSR1, NULL, &sa), 0);
    assert_ptr_equal(sa.sa_handler, SIG_DFL);
}

static ssize_t failing_recv(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx, (void)buf, (void)len;
    return -EIO;
}

/* A device that fails ends the run with its error instead of spinning on it. */
static void test_loop_device_error_ends_the_run(void **state)
{
    (void)state;
    struct synack_loop *l = synack_loop_new();
    struct synack_stack *st = synack_stack_new(NULL);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "x", 1), 1);
    assert_int_equal(synack_loop_add_device(l, st, 0, fds[0], failing_recv, NULL), 0);
    assert_int_equal(synack_loop_run(l, synack_loop_now() + SYNACK_SEC(5)), -EIO);
    assert_int_equal(synack_loop_stats(l)->recv_errors, 1);
    assert_int_equal(synack_loop_add_device(l, st, -1, fds[0], NULL, NULL), -EINVAL);
    close(fds[0]);
    close(fds[1]);
    synack_stack_free(st);
    synack_loop_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_now_is_monotonic_microseconds),
        cmocka_unit_test(test_loop_moves_data_between_two_stacks),
        cmocka_unit_test(test_loop_idle_does_not_spin),
        cmocka_unit_test(test_loop_calls_back_a_watched_fd),
        cmocka_unit_test(test_loop_watch_without_events_ignores_hangup),
        cmocka_unit_test(test_loop_signals),
        cmocka_unit_test(test_loop_device_error_ends_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
