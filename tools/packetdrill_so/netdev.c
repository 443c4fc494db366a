/* libsynack_packetdrill.so — the device between packetdrill and the stack: packets packetdrill
 * injects go into the stack; packets the stack sends wait in a queue until packetdrill sniffs. */
#include "adapter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pd_transmit(void *ctx, const uint8_t *packet, size_t len, synack_time_t now)
{
    struct pd *pd = ctx;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return -ENOBUFS;
    memcpy(copy, packet, len);
    pthread_mutex_lock(&pd->queue);
    if (pd->q_count == PD_QUEUE_MAX) {
        pd->q_dropped++;
        pthread_mutex_unlock(&pd->queue);
        free(copy);
        return -ENOBUFS;
    }
    pd->q[(pd->q_head + pd->q_count++) % PD_QUEUE_MAX] = (struct pd_packet){now, len, copy};
    pthread_mutex_unlock(&pd->queue);
    return 0;
}

static bool dequeue(struct pd *pd, struct pd_packet *out)
{
    pthread_mutex_lock(&pd->queue);
    bool got = pd->q_count > 0;
    if (got) {
        *out = pd->q[pd->q_head];
        pd->q_head = (pd->q_head + 1) % PD_QUEUE_MAX;
        pd->q_count--;
    }
    pthread_mutex_unlock(&pd->queue);
    return got;
}

void pd_queue_free(struct pd *pd)
{
    struct pd_packet p;
    while (dequeue(pd, &p))
        free(p.data);
}

void pd_learn_local(struct pd *pd, const struct synack_addr *addr)
{
    if (atomic_load(&pd->have_local) || addr->family != SYNACK_AF_INET) return;
    synack_sockets_lock(pd->set);
    if (!atomic_load(&pd->have_local) &&
        synack_stack_add_addr(pd->stack, pd->dev, addr, pd->opt.prefix_len) == 0)
        atomic_store(&pd->have_local, true);
    synack_sockets_unlock(pd->set);
}

int pd_netdev_send(void *ud, const void *buf, size_t count)
{
    struct pd *pd = ud;
    const uint8_t *p = buf;
    pd_note_driver(pd);
    if (!buf || count < 20) {
        errno = EINVAL;
        return -1;
    }
    if ((p[0] >> 4) == 4) {
        struct synack_addr dst = synack_addr_v4(p[16], p[17], p[18], p[19]);
        pd_learn_local(pd, &dst);
    }
    pthread_mutex_lock(&pd->drive);
    pd->idle = false;
    pthread_mutex_unlock(&pd->drive);
    /* A packet the stack drops (bad checksum, not ours, IPv6) is the stack's answer, not an
     * error of the device: the script sees what the stack does about it. */
    (void)synack_sockets_input(pd->set, pd->dev, p, count);
    return 0;
}

static int hand_over(struct pd *pd, struct pd_packet *p, void *buf, size_t *count,
                     long long *time_usecs)
{
    size_t n = p->len < *count ? p->len : *count;
    memcpy(buf, p->data, n);
    free(p->data);
    *count = n;
    *time_usecs = (long long)p->at;
    pthread_mutex_lock(&pd->drive);
    pd->idle = false;
    pthread_mutex_unlock(&pd->drive);
    return 0;
}

/* Nothing queued: where to move time on to, the next deadline if one is ahead. Returns false
 * when nothing has left the stack for the idle limit and no deadline is ahead: nothing ever
 * will (but for a call on the other thread, which has had its chances to run). */
static bool next_stop(struct pd *pd, synack_time_t *target, synack_time_t *idle)
{
    pthread_mutex_lock(&pd->drive);
    synack_time_t now = atomic_load(&pd->now);
    if (!pd->idle) {
        pd->idle = true;
        pd->idle_since = now;
    }
    *idle = now - pd->idle_since;
    synack_time_t due = synack_sockets_next_deadline(pd->set);
    bool go = true;
    if (due != SYNACK_TIME_NEVER && due > now)
        *target = due;
    else if (*idle < pd->opt.idle_limit)
        *target = now + pd->opt.idle_step;
    else
        go = false;
    pthread_mutex_unlock(&pd->drive);
    return go;
}

int pd_netdev_receive(void *ud, void *buf, size_t *count, long long *time_usecs)
{
    struct pd *pd = ud;
    struct pd_packet p;
    pd_note_driver(pd);
    if (dequeue(pd, &p)) return hand_over(pd, &p, buf, count, time_usecs);
    pd_settle(pd); /* a call woken on the other thread may be about to send */
    if (dequeue(pd, &p)) return hand_over(pd, &p, buf, count, time_usecs);
    synack_time_t target, idle;
    if (next_stop(pd, &target, &idle)) {
        pd_advance_to(pd, target);
        return -1;
    }
    /* packetdrill waits for a packet for ever; an empty one ends the script with an error. */
    fprintf(stderr,
            "libsynack_packetdrill: no packet left the stack in %.3f s and no timer is pending: "
            "the packet the script expects will never come\n",
            (double)idle / 1e6);
    *count = 0;
    *time_usecs = (long long)atomic_load(&pd->now);
    return 0;
}
