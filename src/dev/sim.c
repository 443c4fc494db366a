/* dev — a simulated link joining two stacks: a one-way delay, seeded faults per direction
 * (loss, a bandwidth limit behind a drop-tail queue, jitter, duplication, reordering) and a hook
 * that may drop, duplicate or hold a packet. Packets wait in a min-heap ordered by delivery time;
 * the caller's virtual clock drives everything. */
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

/* One direction: its faults, generator, counters and the state of its queue. */
struct sim_dir {
    struct synack_sim_faults f;
    uint64_t rng;
    struct synack_sim_stats st;
    synack_time_t busy_until; /* when the bandwidth limit has sent all it holds */
    uint64_t carry;           /* what busy_until rounded off, in bit-microseconds over rate */
    synack_time_t last_at;    /* latest in-order delivery: jitter never reorders */
};

struct synack_simlink {
    struct synack_stack *stack[2];
    int dev[2];
    struct sim_port port[2];
    struct sim_dir dir[2];
    synack_time_t delay;
    synack_sim_hook hook;
    void *hook_ctx;
    struct sim_packet *heap;
    size_t len, cap;
    uint64_t order;
};

/* splitmix64: a small, well-mixed generator; uniform in [0, 1). */
static double draw(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static bool before(const struct sim_packet *a, const struct sim_packet *b)
{
    return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static void sift_up(struct sim_packet *h, size_t i)
{
    struct sim_packet p = h[i];
    while (i > 0 && before(&p, &h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = p;
}

static void sift_down(struct sim_packet *h, size_t n, size_t i)
{
    struct sim_packet p = h[i];
    for (;;) {
        size_t l = 2 * i + 1, m = l;
        if (l >= n) break;
        if (l + 1 < n && before(&h[l + 1], &h[l])) m = l + 1;
        if (!before(&h[m], &p)) break;
        h[i] = h[m];
        i = m;
    }
    h[i] = p;
}

static int enqueue(struct synack_simlink *l, int to, const uint8_t *pkt, size_t len,
                   synack_time_t at)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        struct sim_packet *h = realloc(l->heap, cap * sizeof(*h));
        if (!h) return -ENOMEM;
        l->heap = h;
        l->cap = cap;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return -ENOMEM;
    memcpy(copy, pkt, len);
    l->heap[l->len] = (struct sim_packet){at, l->order++, to, len, copy};
    sift_up(l->heap, l->len++);
    return 0;
}

/* The bandwidth limit: when the packet has left the queue, or NEVER when the queue is full.
 * The queue holds what the transmitter has still to send, (busy_until - now) * rate, the packet
 * on the wire included. A packet takes len * 8 / rate seconds; the remainder of the division is
 * carried to the next packet of a busy link, so a long train of packets does not drift. */
static synack_time_t serialise(struct sim_dir *d, size_t len, synack_time_t now)
{
    if (d->f.rate_bps == 0) return now;
    if (d->busy_until <= now) {
        d->busy_until = now;
        d->carry = 0;
    }
    double backlog = (double)(d->busy_until - now) * (double)d->f.rate_bps / 8e6;
    if (d->f.queue_limit && backlog + (double)len > (double)d->f.queue_limit)
        return SYNACK_TIME_NEVER;
    uint64_t bit_us = (uint64_t)len * 8u * 1000000u + d->carry;
    d->busy_until += bit_us / d->f.rate_bps;
    d->carry = bit_us % d->f.rate_bps;
    return d->busy_until;
}

/* The faults of the sender's direction on a packet the hook passed. */
static int faulty_send(struct synack_simlink *l, int side, const uint8_t *pkt, size_t len,
                       synack_time_t now)
{
    struct sim_dir *d = &l->dir[side];
    double u_loss = draw(&d->rng), u_dup = draw(&d->rng), u_reo = draw(&d->rng);
    double u_jit = draw(&d->rng);
    if (u_loss < d->f.loss) return d->st.lost++, 0;
    synack_time_t left = serialise(d, len, now);
    if (left == SYNACK_TIME_NEVER) return d->st.queue_drops++, 0;
    synack_time_t at = left + l->delay + (synack_time_t)(u_jit * (double)d->f.jitter);
    if (at < d->last_at) at = d->last_at;
    int to = 1 - side, err = 0;
    if (u_reo < d->f.reorder) {
        synack_time_t hold = d->f.reorder_delay;
        if (hold == 0) hold = 2 * l->delay > SYNACK_MSEC(1) ? 2 * l->delay : SYNACK_MSEC(1);
        d->st.reordered++;
        at += hold;
    } else {
        d->last_at = at;
    }
    err = enqueue(l, to, pkt, len, at);
    if (!err && u_dup < d->f.duplicate) {
        d->st.duplicated++;
        err = enqueue(l, to, pkt, len, at);
    }
    return err;
}

static int sim_transmit(void *ctx, const uint8_t *pkt, size_t len, synack_time_t now)
{
    struct sim_port *p = ctx;
    struct synack_simlink *l = p->link;
    synack_time_t extra = 0;
    enum synack_sim_verdict v = SYNACK_SIM_PASS;
    l->dir[p->side].st.sent++;
    if (l->hook) v = l->hook(l->hook_ctx, p->side, pkt, len, now, &extra);
    int to = 1 - p->side;
    switch (v) {
    case SYNACK_SIM_DROP: return 0;
    case SYNACK_SIM_DUPLICATE: {
        int err = enqueue(l, to, pkt, len, now + l->delay);
        return err ? err : enqueue(l, to, pkt, len, now + l->delay);
    }
    case SYNACK_SIM_HOLD: return enqueue(l, to, pkt, len, now + l->delay + extra);
    case SYNACK_SIM_PASS: return faulty_send(l, p->side, pkt, len, now);
    }
    return -EINVAL;
}

int synack_simlink_send(struct synack_simlink *l, int side, const uint8_t *pkt, size_t len,
                        synack_time_t now)
{
    if (!l || (side != 0 && side != 1) || (!pkt && len)) return -EINVAL;
    return sim_transmit(&l->port[side], pkt, len, now);
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
        free(l->heap[i].data);
    free(l->heap);
    free(l);
}

void synack_simlink_set_hook(struct synack_simlink *l, synack_sim_hook hook, void *ctx)
{
    l->hook = hook;
    l->hook_ctx = ctx;
}

static bool probability(double p)
{
    return p >= 0.0 && p <= 1.0; /* false for NaN too */
}

int synack_simlink_set_faults(struct synack_simlink *l, int side, const struct synack_sim_faults *f,
                              uint64_t seed)
{
    if (!l || !f || (side != 0 && side != 1)) return -EINVAL;
    if (!probability(f->loss) || !probability(f->duplicate) || !probability(f->reorder))
        return -EINVAL;
    struct sim_dir *d = &l->dir[side];
    d->f = *f;
    d->rng = seed;
    d->carry = 0;
    return 0;
}

void synack_simlink_stats(const struct synack_simlink *l, int side, struct synack_sim_stats *out)
{
    *out = (side == 0 || side == 1) ? l->dir[side].st : (struct synack_sim_stats){0};
}

void synack_simlink_poll(struct synack_simlink *l, synack_time_t now)
{
    while (l->len && l->heap[0].at <= now) {
        struct sim_packet p = l->heap[0];
        l->heap[0] = l->heap[--l->len];
        if (l->len) sift_down(l->heap, l->len, 0);
        struct sim_dir *d = &l->dir[1 - p.to];
        d->st.delivered++;
        d->st.bytes_delivered += p.len;
        synack_stack_input(l->stack[p.to], l->dev[p.to], p.data, p.len, now);
        free(p.data);
    }
}

synack_time_t synack_simlink_next_deadline(const struct synack_simlink *l)
{
    return l->len ? l->heap[0].at : SYNACK_TIME_NEVER;
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
