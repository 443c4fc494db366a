/* api — a socket set: descriptors over one stack, its lock and its sleepers. */
#include <errno.h>
#include <stdlib.h>

#include "api/sock.h"

struct synack_sockets *synack_sockets_new(struct synack_stack *stack,
                                          const struct synack_sockets_config *cfg)
{
    if (!stack || !cfg || !cfg->clock) return NULL;
    struct synack_sockets *set = calloc(1, sizeof(*set));
    if (!set) return NULL;
    set->stack = stack;
    set->cfg = *cfg;
    set->told = SYNACK_TIME_NEVER; /* the driver has not asked yet */
    if (set->cfg.max_sockets == 0) set->cfg.max_sockets = 1024;
    if (set->cfg.first_fd <= 0) set->cfg.first_fd = 3;
    set->socks = calloc(set->cfg.max_sockets, sizeof(*set->socks));
    if (!set->socks) {
        free(set);
        return NULL;
    }
    if (set->cfg.threads &&
        (pthread_mutex_init(&set->mu, NULL) != 0 || pthread_cond_init(&set->cv, NULL) != 0)) {
        free(set->socks);
        free(set);
        return NULL;
    }
    return set;
}

void synack_sockets_free(struct synack_sockets *set)
{
    if (!set) return;
    synack_time_t now = sy_sock_now(set);
    for (unsigned i = 0; i < set->cfg.max_sockets; i++)
        if (set->socks[i].used && set->socks[i].conn) synack_abort(set->socks[i].conn, now);
    if (set->cfg.threads) {
        pthread_cond_destroy(&set->cv);
        pthread_mutex_destroy(&set->mu);
    }
    free(set->socks);
    free(set);
}

struct synack_stack *synack_sockets_stack(const struct synack_sockets *set)
{
    return set ? set->stack : NULL;
}

synack_time_t sy_sock_now(struct synack_sockets *set)
{
    return set->cfg.clock(set->cfg.clock_ctx);
}

void sy_sock_lock(struct synack_sockets *set)
{
    if (set->cfg.threads) pthread_mutex_lock(&set->mu);
}

void sy_sock_unlock(struct synack_sockets *set)
{
    if (set->cfg.threads) pthread_mutex_unlock(&set->mu);
}

/* The earliest of the stack's timers and the sleepers' deadlines (the lock held). */
static synack_time_t next_deadline(const struct synack_sockets *set)
{
    synack_time_t t = synack_stack_next_deadline(set->stack);
    for (const struct sy_waiter *w = set->waiters; w; w = w->next)
        if (w->deadline < t) t = w->deadline;
    return t;
}

/* cfg.wake: tell the driver when its sleep would outlast the new deadline. */
static void driver_check(struct synack_sockets *set)
{
    if (!set->cfg.wake) return;
    synack_time_t t = next_deadline(set);
    if (t >= set->told) return;
    set->told = t;
    set->cfg.wake(set->cfg.wake_ctx);
}

void sy_sock_wake(struct synack_sockets *set)
{
    if (set->cfg.threads) pthread_cond_broadcast(&set->cv);
    driver_check(set);
}

void synack_sockets_lock(struct synack_sockets *set)
{
    sy_sock_lock(set);
}

void synack_sockets_unlock(struct synack_sockets *set)
{
    sy_sock_wake(set); /* the caller may have changed the stack */
    sy_sock_unlock(set);
}

int synack_sockets_input(struct synack_sockets *set, int dev, const uint8_t *packet, size_t len)
{
    sy_sock_lock(set);
    int r = synack_stack_input(set->stack, dev, packet, len, sy_sock_now(set));
    sy_sock_wake(set);
    sy_sock_unlock(set);
    return r;
}

int synack_sockets_input_batch(struct synack_sockets *set, int dev,
                               const struct synack_packet *packets, size_t n)
{
    sy_sock_lock(set);
    int r = synack_stack_input_batch(set->stack, dev, packets, n, sy_sock_now(set));
    sy_sock_wake(set);
    sy_sock_unlock(set);
    return r;
}

void synack_sockets_poll(struct synack_sockets *set)
{
    sy_sock_lock(set);
    synack_stack_poll(set->stack, sy_sock_now(set));
    sy_sock_wake(set);
    sy_sock_unlock(set);
}

synack_time_t synack_sockets_next_deadline(struct synack_sockets *set)
{
    sy_sock_lock(set);
    synack_time_t t = set->told = next_deadline(set);
    sy_sock_unlock(set);
    return t;
}

struct sy_sock *sy_sock_get(struct synack_sockets *set, int fd)
{
    if (fd < set->cfg.first_fd) return NULL;
    unsigned i = (unsigned)(fd - set->cfg.first_fd);
    if (i >= set->cfg.max_sockets || !set->socks[i].used) return NULL;
    return &set->socks[i];
}

/* POSIX: the lowest descriptor free. */
int sy_sock_alloc(struct synack_sockets *set)
{
    for (unsigned i = 0; i < set->cfg.max_sockets; i++) {
        struct sy_sock *so = &set->socks[i];
        if (so->used) continue;
        *so = (struct sy_sock){.used = true, .gen = ++set->gen};
        synack_conn_params_init(set->stack, &so->prm);
        return set->cfg.first_fd + (int)i;
    }
    return -EMFILE;
}

struct sy_sock *sy_sock_same(struct synack_sockets *set, int fd, unsigned gen)
{
    struct sy_sock *so = sy_sock_get(set, fd);
    return so && so->gen == gen ? so : NULL;
}

void sy_sock_release(struct synack_sockets *set, int fd)
{
    struct sy_sock *so = sy_sock_get(set, fd);
    if (so) *so = (struct sy_sock){0};
}

bool sy_sock_may_block(const struct synack_sockets *set, const struct sy_sock *so, int flags)
{
    return set->cfg.threads && !so->nonblock && !(flags & MSG_DONTWAIT);
}

/* The set's clock may be virtual, so a deadline cannot become a real-time sleep: it is
 * registered instead, next_deadline() reports it, and the driver's poll then wakes us. */
bool sy_sock_wait(struct synack_sockets *set, synack_time_t deadline)
{
    if (deadline != SYNACK_TIME_NEVER && sy_sock_now(set) >= deadline) return false;
    struct sy_waiter w = {.deadline = deadline, .next = set->waiters};
    set->waiters = &w;
    driver_check(set);
    pthread_cond_wait(&set->cv, &set->mu);
    struct sy_waiter **p = &set->waiters;
    while (*p != &w)
        p = &(*p)->next;
    *p = w.next;
    return deadline == SYNACK_TIME_NEVER || sy_sock_now(set) < deadline;
}
