/* dev — the real-time event loop: poll() on device and program fds, timeouts from the stacks'
 * deadlines on CLOCK_MONOTONIC, signals through a self-pipe. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <synack/loop.h>

#define LOOP_MAX_SIGNALS 8
#define LOOP_RXBUF       65536 /* the largest IPv4 packet, and then some */

struct loop_device {
    struct synack_stack *stack;
    int dev, fd;
    synack_loop_recv_fn recv;
    void *ctx;
};

struct loop_watch {
    int fd;
    short events;
    synack_loop_fd_fn fn;
    void *ctx;
};

struct loop_signal {
    int signo;
    synack_loop_signal_fn fn;
    void *ctx;
    struct sigaction old;
};

struct synack_loop {
    struct loop_device *devs;
    size_t ndevs;
    struct synack_stack **stacks; /* each stack once */
    size_t nstacks;
    struct loop_watch *watch;
    size_t nwatch;
    struct pollfd *pfd; /* devices, then the signal pipe, then the watched fds */
    size_t pfd_cap;
    synack_loop_step_fn step;
    void *step_ctx;
    int sig_pipe[2];
    struct loop_signal sig[LOOP_MAX_SIGNALS];
    size_t nsig;
    bool stop;
    int error; /* a device failed: run() returns it */
    struct synack_loop_stats stats;
    uint8_t rxbuf[LOOP_RXBUF];
};

/* The write end of the pipe of the loop that catches signals: a signal handler can reach no
 * other state. Set before any handler is installed and cleared after they are all restored. */
static volatile sig_atomic_t loop_signal_fd = -1;

synack_time_t synack_loop_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (synack_time_t)ts.tv_sec * 1000000u + (synack_time_t)ts.tv_nsec / 1000u;
}

struct synack_loop *synack_loop_new(void)
{
    struct synack_loop *l = calloc(1, sizeof(*l));
    if (!l) return NULL;
    l->sig_pipe[0] = l->sig_pipe[1] = -1;
    return l;
}

static void restore_signals(struct synack_loop *l)
{
    for (size_t i = 0; i < l->nsig; i++)
        sigaction(l->sig[i].signo, &l->sig[i].old, NULL);
    l->nsig = 0;
    if (l->sig_pipe[1] >= 0 && loop_signal_fd == l->sig_pipe[1]) loop_signal_fd = -1;
    for (int i = 0; i < 2; i++)
        if (l->sig_pipe[i] >= 0) close(l->sig_pipe[i]);
    l->sig_pipe[0] = l->sig_pipe[1] = -1;
}

void synack_loop_free(struct synack_loop *l)
{
    if (!l) return;
    restore_signals(l);
    free(l->devs);
    free(l->stacks);
    free(l->watch);
    free(l->pfd);
    free(l);
}

static int add_stack(struct synack_loop *l, struct synack_stack *stack)
{
    for (size_t i = 0; i < l->nstacks; i++)
        if (l->stacks[i] == stack) return 0;
    struct synack_stack **s = realloc(l->stacks, (l->nstacks + 1) * sizeof(*s));
    if (!s) return -ENOMEM;
    l->stacks = s;
    l->stacks[l->nstacks++] = stack;
    return 0;
}

int synack_loop_add_device(struct synack_loop *l, struct synack_stack *stack, int dev, int fd,
                           synack_loop_recv_fn recv, void *ctx)
{
    if (!l || !stack || dev < 0 || fd < 0) return -EINVAL;
    struct loop_device *d = realloc(l->devs, (l->ndevs + 1) * sizeof(*d));
    if (!d) return -ENOMEM;
    l->devs = d;
    int err = add_stack(l, stack);
    if (err) return err;
    l->devs[l->ndevs++] = (struct loop_device){stack, dev, fd, recv, ctx};
    return 0;
}

static struct loop_watch *find_watch(struct synack_loop *l, int fd)
{
    for (size_t i = 0; i < l->nwatch; i++)
        if (l->watch[i].fd == fd) return &l->watch[i];
    return NULL;
}

int synack_loop_watch(struct synack_loop *l, int fd, short events, synack_loop_fd_fn fn, void *ctx)
{
    if (!l || fd < 0 || !fn) return -EINVAL;
    struct loop_watch *w = find_watch(l, fd);
    if (!w) {
        w = realloc(l->watch, (l->nwatch + 1) * sizeof(*w));
        if (!w) return -ENOMEM;
        l->watch = w;
        w = &l->watch[l->nwatch++];
    }
    *w = (struct loop_watch){fd, events, fn, ctx};
    return 0;
}

int synack_loop_unwatch(struct synack_loop *l, int fd)
{
    struct loop_watch *w = l ? find_watch(l, fd) : NULL;
    if (!w) return -ENOENT;
    *w = l->watch[--l->nwatch];
    return 0;
}

void synack_loop_set_step(struct synack_loop *l, synack_loop_step_fn fn, void *ctx)
{
    l->step = fn;
    l->step_ctx = ctx;
}

static void on_signal(int signo)
{
    int saved = errno;
    int fd = loop_signal_fd;
    unsigned char b = (unsigned char)signo;
    if (fd >= 0) {
        ssize_t n = write(fd, &b, 1); /* a full pipe already holds a wake-up */
        (void)n;
    }
    errno = saved;
}

static int open_signal_pipe(struct synack_loop *l)
{
    if (l->sig_pipe[0] >= 0) return 0;
    if (loop_signal_fd >= 0) return -EBUSY; /* another loop catches signals */
    if (pipe(l->sig_pipe) < 0) return -errno;
    for (int i = 0; i < 2; i++) {
        int fl = fcntl(l->sig_pipe[i], F_GETFL);
        fcntl(l->sig_pipe[i], F_SETFL, fl | O_NONBLOCK);
        fcntl(l->sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    loop_signal_fd = l->sig_pipe[1];
    return 0;
}

int synack_loop_catch_signal(struct synack_loop *l, int signo, synack_loop_signal_fn fn, void *ctx)
{
    if (!l || signo <= 0 || signo > UCHAR_MAX) return -EINVAL;
    int err = open_signal_pipe(l);
    if (err) return err;
    for (size_t i = 0; i < l->nsig; i++)
        if (l->sig[i].signo == signo) {
            l->sig[i].fn = fn;
            l->sig[i].ctx = ctx;
            return 0;
        }
    if (l->nsig == LOOP_MAX_SIGNALS) return -ENOSPC;
    struct loop_signal *s = &l->sig[l->nsig];
    *s = (struct loop_signal){.signo = signo, .fn = fn, .ctx = ctx};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(signo, &sa, &s->old) < 0) return -errno;
    l->nsig++;
    return 0;
}

void synack_loop_stop(struct synack_loop *l)
{
    l->stop = true;
}

const struct synack_loop_stats *synack_loop_stats(const struct synack_loop *l)
{
    return &l->stats;
}

/* The earliest deadline of every stack, and `until`. */
static synack_time_t next_deadline(const struct synack_loop *l, synack_time_t until)
{
    synack_time_t t = until;
    for (size_t i = 0; i < l->nstacks; i++) {
        synack_time_t d = synack_stack_next_deadline(l->stacks[i]);
        if (d < t) t = d;
    }
    return t;
}

/* poll()'s timeout in milliseconds, rounded up so that a wake-up never comes early. */
static int timeout_ms(synack_time_t deadline, synack_time_t now)
{
    if (deadline == SYNACK_TIME_NEVER) return -1;
    if (deadline <= now) return 0;
    synack_time_t ms = (deadline - now + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int build_pollfds(struct synack_loop *l, size_t *n)
{
    size_t want = l->ndevs + 1 + l->nwatch;
    if (want > l->pfd_cap) {
        struct pollfd *p = realloc(l->pfd, want * sizeof(*p));
        if (!p) return -ENOMEM;
        l->pfd = p;
        l->pfd_cap = want;
    }
    size_t k = 0;
    for (size_t i = 0; i < l->ndevs; i++)
        l->pfd[k++] = (struct pollfd){.fd = l->devs[i].fd, .events = POLLIN};
    l->pfd[k++] = (struct pollfd){.fd = l->sig_pipe[0], .events = POLLIN}; /* -1: ignored */
    /* An fd waiting for nothing is left out: poll() would still report its hang-up. */
    for (size_t i = 0; i < l->nwatch; i++)
        l->pfd[k++] = (struct pollfd){.fd = l->watch[i].events ? l->watch[i].fd : -1,
                                      .events = l->watch[i].events};
    *n = k;
    return 0;
}

static ssize_t device_recv(struct synack_loop *l, const struct loop_device *d)
{
    if (d->recv) return d->recv(d->ctx, l->rxbuf, sizeof(l->rxbuf));
    for (;;) {
        ssize_t n = read(d->fd, l->rxbuf, sizeof(l->rxbuf));
        if (n >= 0) return n;
        if (errno != EINTR) return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    }
}

/* Up to SYNACK_LOOP_BATCH packets into the device's stack. */
static void read_packets(struct synack_loop *l, const struct loop_device *d, synack_time_t now)
{
    for (int i = 0; i < SYNACK_LOOP_BATCH; i++) {
        ssize_t n = device_recv(l, d);
        if (n == -EAGAIN) return;
        if (n < 0) {
            l->stats.recv_errors++;
            l->error = (int)n;
            l->stop = true;
            return;
        }
        l->stats.packets_in++;
        synack_stack_input(d->stack, d->dev, l->rxbuf, (size_t)n, now);
    }
    l->stats.full_reads++;
}

/* What the device holds, as one batch: the stack acknowledges after the last packet (RFC 9293
 * §3.10.7.4, MUST-59). */
static void read_device(struct synack_loop *l, const struct loop_device *d, synack_time_t now)
{
    synack_stack_batch_begin(d->stack);
    read_packets(l, d, now);
    synack_stack_batch_end(d->stack, now);
}

static void take_signals(struct synack_loop *l, synack_time_t now)
{
    unsigned char b[64];
    ssize_t n;
    while ((n = read(l->sig_pipe[0], b, sizeof(b))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            l->stats.signals++;
            const struct loop_signal *s = NULL;
            for (size_t k = 0; k < l->nsig; k++)
                if (l->sig[k].signo == b[i]) s = &l->sig[k];
            if (s && s->fn)
                s->fn(s->ctx, b[i], now);
            else
                l->stop = true;
        }
    }
}

/* Callbacks of the watched fds that poll() reported; a callback may watch or unwatch fds, so
 * each is looked up again by its fd. */
static void dispatch_watches(struct synack_loop *l, size_t from, size_t n, synack_time_t now)
{
    for (size_t k = from; k < n; k++) {
        short rev = l->pfd[k].revents;
        if (!rev) continue;
        struct loop_watch *w = find_watch(l, l->pfd[k].fd);
        if (!w) continue;
        if (!(rev & (w->events | POLLERR | POLLHUP | POLLNVAL))) continue;
        w->fn(w->ctx, w->fd, rev, now);
    }
}

int synack_loop_turn(struct synack_loop *l, synack_time_t until)
{
    size_t n;
    int err = build_pollfds(l, &n);
    if (err) return err;
    int r = poll(l->pfd, (nfds_t)n, timeout_ms(next_deadline(l, until), synack_loop_now()));
    if (r < 0 && errno != EINTR) return -errno;
    synack_time_t now = synack_loop_now();
    l->stats.turns++;
    if (r == 0) l->stats.timeouts++;
    if (r > 0) {
        for (size_t i = 0; i < l->ndevs; i++)
            if (l->pfd[i].revents) read_device(l, &l->devs[i], now);
        if (l->pfd[l->ndevs].revents) take_signals(l, now);
        dispatch_watches(l, l->ndevs + 1, n, now);
    }
    for (size_t i = 0; i < l->nstacks; i++)
        if (synack_stack_next_deadline(l->stacks[i]) <= now) synack_stack_poll(l->stacks[i], now);
    if (l->step) l->step(l->step_ctx, now);
    return 0;
}

int synack_loop_run(struct synack_loop *l, synack_time_t until)
{
    l->stop = false;
    l->error = 0;
    while (!l->stop) {
        if (synack_loop_now() >= until) return -ETIMEDOUT;
        int err = synack_loop_turn(l, until);
        if (err) return err;
    }
    return l->error;
}
