/* dev — a simulated link joining two stacks: a fixed one-way delay and a hook that may drop,
 * duplicate or hold a packet. Packets wait in a queue ordered by delivery time; the caller's
 * virtual clock drives everything. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <synack/sim.h>

struct sim_packet {
    synack_time_t at;
    uint64_t order; /* FIFO among packets due at the same time */
    int to;         /* 0: deliver to a, 1: deliver to b */
    size_t len;
    uint8_t *data;
};

struct sim_port {
    struct synack_simlink *link;
    int side;
};

struct synack_simlink {
    struct synack_stack *stack[2];
    int dev[2];
    struct sim_port port[2];
    synack_time_t delay;
    synack_sim_hook hook;
    void *hook_ctx;
    struct sim_packet *q;
    size_t len, cap;
    uint64_t order;
};

static int enqueue(struct synack_simlink *l, int to, const uint8_t *pkt, size_t len,
                   synack_time_t at)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        struct sim_packet *q = realloc(l->q, cap * sizeof(*q));
        if (!q) return -ENOMEM;
        l->q = q;
        l->cap = cap;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return -ENOMEM;
    memcpy(copy, pkt, len);
    l->q[l->len++] = (struct sim_packet){at, l->order++, to, len, copy};
    return 0;
}

static int sim_transmit(void *ctx, const uint8_t *pkt, size_t len, synack_time_t now)
{
    struct sim_port *p = ctx;
    struct synack_simlink *l = p->link;
    synack_time_t extra = 0;
    enum synack_sim_verdict v = SYNACK_SIM_PASS;
    if (l->hook) v = l->hook(l->hook_ctx, p->side, pkt, len, now, &extra);
    int to = 1 - p->side;
    switch (v) {
    case SYNACK_SIM_DROP: return 0;
    case SYNACK_SIM_DUPLICATE: {
        int err = enqueue(l, to, pkt, len, now + l->delay);
        return err ? err : enqueue(l, to, pkt, len, now + l->delay);
    }
    case SYNACK_SIM_HOLD: return enqueue(l, to, pkt, len, now + l->delay + extra);
    case SYNACK_SIM_PASS: return enqueue(l, to, pkt, len, now + l->delay);
    }
    return -EINVAL;
}

static const struct synack_device_ops sim_ops = {.transmit = sim_transmit};

struct synack_simlink *synack_simlink_new(struct synack_stack *a, struct synack_stack *b,
                                          synack_time_t delay, int *dev_a, int *dev_b)
{
    struct synack_simlink *l = calloc(1, sizeof(*l));
    if (!l) return NULL;
    l->stack[0] = a;
    l->stack[1] = b;
    l->delay = delay;
    for (int i = 0; i < 2; i++) {
        l->port[i] = (struct sim_port){l, i};
        l->dev[i] = synack_stack_add_device(l->stack[i], &sim_ops, &l->port[i], 1500);
        if (l->dev[i] < 0) {
            free(l);
            return NULL;
        }
    }
    if (dev_a) *dev_a = l->dev[0];
    if (dev_b) *dev_b = l->dev[1];
    return l;
}

void synack_simlink_free(struct synack_simlink *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->len; i++)
        free(l->q[i].data);
    free(l->q);
    free(l);
}

void synack_simlink_set_hook(struct synack_simlink *l, synack_sim_hook hook, void *ctx)
{
    l->hook = hook;
    l->hook_ctx = ctx;
}

/* Index of the packet to deliver first, or SIZE_MAX. The queue is short: a linear scan. */
static size_t earliest(const struct synack_simlink *l)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < l->len; i++) {
        const struct sim_packet *p = &l->q[i];
        if (best == SIZE_MAX || p->at < l->q[best].at ||
            (p->at == l->q[best].at && p->order < l->q[best].order))
            best = i;
    }
    return best;
}

void synack_simlink_poll(struct synack_simlink *l, synack_time_t now)
{
    for (;;) {
        size_t i = earliest(l);
        if (i == SIZE_MAX || l->q[i].at > now) return;
        struct sim_packet p = l->q[i];
        l->q[i] = l->q[--l->len];
        synack_stack_input(l->stack[p.to], l->dev[p.to], p.data, p.len, now);
        free(p.data);
    }
}

synack_time_t synack_simlink_next_deadline(const struct synack_simlink *l)
{
    size_t i = earliest(l);
    return i == SIZE_MAX ? SYNACK_TIME_NEVER : l->q[i].at;
}

size_t synack_simlink_in_flight(const struct synack_simlink *l)
{
    return l->len;
}

static synack_time_t min3(synack_time_t a, synack_time_t b, synack_time_t c)
{
    synack_time_t m = a < b ? a : b;
    return m < c ? m : c;
}

synack_time_t synack_simlink_run(struct synack_simlink *l, synack_time_t now, synack_time_t until)
{
    for (;;) {
        synack_simlink_poll(l, now);
        synack_stack_poll(l->stack[0], now);
        synack_stack_poll(l->stack[1], now);
        synack_time_t next =
            min3(synack_simlink_next_deadline(l), synack_stack_next_deadline(l->stack[0]),
                 synack_stack_next_deadline(l->stack[1]));
        if (next == SYNACK_TIME_NEVER || next > until)
            return until == SYNACK_TIME_NEVER ? now : until;
        if (next > now) now = next;
    }
}
