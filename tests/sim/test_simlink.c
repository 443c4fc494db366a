/* The simulated link's faults, seen from the receiving stacks: each packet is a RST carrying its
 * number in SEG.SEQ (the receiver logs it and answers nothing), so arrival times and order are
 * exact. Counts asserted for a fixed seed are what splitmix64 gives for that seed: if the
 * generator or the order of its draws changes, they change, on purpose. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ipv4.h"
#include "wire/tcp.h"

#include <synack/synack.h>

#define MAXLOG 20000
#define DELAY  SYNACK_MSEC(10)

struct arrival {
    uint32_t n;
    synack_time_t at;
};

/* What stack `to` received, in order of arrival. */
struct arrivals {
    struct arrival log[MAXLOG];
    size_t n;
};

struct rig {
    struct synack_stack *st[2];
    struct synack_simlink *link;
    struct arrivals in[2];
};

static void log_arrival(struct arrivals *a, const struct synack_event *ev)
{
    if (ev->type == SYNACK_EV_SEGMENT_IN && a->n < MAXLOG)
        a->log[a->n++] = (struct arrival){ev->seg.seq, ev->now};
}

static void on_event_a(void *ctx, const struct synack_event *ev)
{
    log_arrival(&((struct rig *)ctx)->in[0], ev);
}

static void on_event_b(void *ctx, const struct synack_event *ev)
{
    log_arrival(&((struct rig *)ctx)->in[1], ev);
}

static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof(*r));
    for (int i = 0; i < 2; i++) {
        r->st[i] = synack_stack_new(NULL);
        assert_non_null(r->st[i]);
    }
    int dev[2];
    r->link = synack_simlink_new(r->st[0], r->st[1], DELAY, &dev[0], &dev[1]);
    assert_non_null(r->link);
    for (int i = 0; i < 2; i++) {
        struct synack_addr a = synack_addr_v4(10, 0, 0, (uint8_t)(1 + i));
        assert_int_equal(synack_stack_add_addr(r->st[i], dev[i], &a, 24), 0);
    }
    synack_stack_set_event_fn(r->st[0], on_event_a, r);
    synack_stack_set_event_fn(r->st[1], on_event_b, r);
}

static void rig_free(struct rig *r)
{
    synack_simlink_free(r->link);
    synack_stack_free(r->st[0]);
    synack_stack_free(r->st[1]);
}

/* Build packet number n with `payload` bytes of TCP payload from stack `side` to the other;
 * returns its length. */
static size_t build(uint8_t *pkt, size_t cap, int side, uint32_t n, size_t payload)
{
    static uint8_t data[1400];
    uint8_t addr[2][4] = {{10, 0, 0, 1}, {10, 0, 0, 2}};
    const uint8_t *src = addr[side], *dst = addr[1 - side];
    struct sy_tcp t = {.sport = 1000,
                       .dport = 2000,
                       .seq = n,
                       .flags = SY_TH_RST,
                       .payload = data,
                       .payload_len = payload};
    size_t len = sy_tcp_emit_v4(&t, src, dst, pkt + SY_IPV4_HDR_LEN, cap - SY_IPV4_HDR_LEN);
    struct sy_ipv4 ip = {
        .total_len = (uint16_t)(len + SY_IPV4_HDR_LEN), .ttl = 64, .proto = SY_IPPROTO_TCP};
    memcpy(ip.src, src, 4);
    memcpy(ip.dst, dst, 4);
    sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN);
    return len + SY_IPV4_HDR_LEN;
}

static int send_from(struct rig *r, int side, uint32_t n, size_t payload, synack_time_t now)
{
    uint8_t pkt[1500];
    size_t len = build(pkt, sizeof pkt, side, n, payload);
    return synack_simlink_send(r->link, side, pkt, len, now);
}

static int send_a(struct rig *r, uint32_t n, size_t payload, synack_time_t now)
{
    return send_from(r, 0, n, payload, now);
}

/* Run the link's clock from `from` until nothing is in flight; arrivals are logged at their
 * own times. */
static void deliver_from(struct rig *r, synack_time_t from)
{
    synack_simlink_run(r->link, from, SYNACK_TIME_NEVER);
    assert_int_equal(synack_simlink_in_flight(r->link), 0);
}

static void stats(struct rig *r, int side, struct synack_sim_stats *s)
{
    synack_simlink_stats(r->link, side, s);
}

static void test_simlink_no_faults_is_fifo_after_delay(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(send_a(&r, i, 100, SYNACK_USEC(i * 10)), 0);
    assert_int_equal(synack_simlink_in_flight(r.link), 100);
    synack_simlink_poll(r.link, DELAY - 1);
    assert_int_equal(r.in[1].n, 0);
    assert_int_equal(synack_simlink_next_deadline(r.link), DELAY);
    deliver_from(&r, 0);
    assert_int_equal(synack_simlink_next_deadline(r.link), SYNACK_TIME_NEVER);
    assert_int_equal(r.in[1].n, 100);
    for (uint32_t i = 0; i < 100; i++) {
        assert_int_equal(r.in[1].log[i].n, i);
        assert_int_equal(r.in[1].log[i].at, DELAY + SYNACK_USEC(i * 10));
    }
    struct synack_sim_stats s;
    stats(&r, 0, &s);
    assert_int_equal(s.sent, 100);
    assert_int_equal(s.delivered, 100);
    assert_int_equal(s.bytes_delivered, 100 * (20 + 20 + 100));
    assert_int_equal(s.lost + s.queue_drops + s.duplicated + s.reordered, 0);
    stats(&r, 1, &s);
    assert_int_equal(s.sent + s.delivered, 0);
    rig_free(&r);
}

/* Thousands of packets due at the same instant leave the heap in the order they were sent. */
static void test_simlink_same_time_packets_stay_fifo(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    for (uint32_t i = 0; i < 5000; i++)
        assert_int_equal(send_a(&r, i, 0, 0), 0);
    assert_int_equal(synack_simlink_in_flight(r.link), 5000);
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 5000);
    for (uint32_t i = 0; i < 5000; i++) {
        assert_int_equal(r.in[1].log[i].n, i);
        assert_int_equal(r.in[1].log[i].at, DELAY);
    }
    rig_free(&r);
}

/* The hook holds packet n back (n * 7919) % 50 ms: 5000 packets in scrambled order, many due
 * at the same time. They come out sorted by due time, then by the order they were sent. */
static enum synack_sim_verdict scramble(void *ctx, int side, const uint8_t *pkt, size_t len,
                                        synack_time_t now, synack_time_t *extra)
{
    (void)ctx;
    (void)side;
    (void)len;
    (void)now;
    uint32_t n = (uint32_t)pkt[SY_IPV4_HDR_LEN + 6] << 8 | pkt[SY_IPV4_HDR_LEN + 7];
    *extra = SYNACK_MSEC(n * 7919u % 50u);
    return SYNACK_SIM_HOLD;
}

static int by_due_then_sent(const void *x, const void *y)
{
    const struct arrival *a = x, *b = y;
    if (a->at != b->at) return a->at < b->at ? -1 : 1;
    return a->n < b->n ? -1 : a->n > b->n;
}

static void test_simlink_scrambled_packets_leave_in_due_order(void **state)
{
    (void)state;
    static struct rig r;
    static struct arrival want[5000];
    rig_init(&r);
    synack_simlink_set_hook(r.link, scramble, NULL);
    for (uint32_t i = 0; i < 5000; i++) {
        synack_time_t sent = SYNACK_USEC(100 * (i / 10)); /* ten at a time */
        assert_int_equal(send_a(&r, i, 0, sent), 0);
        want[i] = (struct arrival){i, sent + DELAY + SYNACK_MSEC(i * 7919u % 50u)};
    }
    qsort(want, 5000, sizeof want[0], by_due_then_sent);
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 5000);
    for (uint32_t i = 0; i < 5000; i++) {
        assert_int_equal(r.in[1].log[i].n, want[i].n);
        assert_int_equal(r.in[1].log[i].at, want[i].at);
    }
    rig_free(&r);
}

/* Loss at 10 % over 10000 packets from a: returns how many were lost and the number of the
 * first packet lost, and checks the counters agree with what arrived. */
static size_t lossy_run(uint64_t seed, uint32_t *first_lost)
{
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.loss = 0.1};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, seed), 0);
    for (uint32_t i = 0; i < 10000; i++)
        send_a(&r, i, 0, SYNACK_USEC(i));
    deliver_from(&r, 0);
    struct synack_sim_stats s;
    stats(&r, 0, &s);
    assert_int_equal(s.sent, 10000);
    assert_int_equal(s.lost + s.delivered, 10000);
    assert_int_equal(r.in[1].n, s.delivered);
    *first_lost = UINT32_MAX;
    for (uint32_t i = 0; i < r.in[1].n; i++)
        if (r.in[1].log[i].n != i) {
            *first_lost = i;
            break;
        }
    rig_free(&r);
    return (size_t)s.lost;
}

static void test_simlink_loss_rate_and_reproducible(void **state)
{
    (void)state;
    uint32_t f1, f2, f3;
    size_t a = lossy_run(42, &f1), b = lossy_run(42, &f2), c = lossy_run(43, &f3);
    /* The same seed loses the same packets. */
    assert_int_equal(a, b);
    assert_int_equal(f1, f2);
    /* Near 10 % of 10000 (sigma 30): a bound that holds for any sane generator... */
    assert_true(a > 850 && a < 1150);
    assert_true(c > 850 && c < 1150);
    /* ...and the exact figures these seeds give, which cannot flake. */
    assert_int_equal(a, 979);
    assert_int_equal(f1, 1);
    assert_int_equal(c, 950);
    assert_int_equal(f3, 1);
}

static void test_simlink_duplicate_delivers_twice(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.duplicate = 1.0};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 1), 0);
    send_a(&r, 7, 10, 0);
    send_a(&r, 8, 10, SYNACK_MSEC(1));
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 4);
    const uint32_t want[] = {7, 7, 8, 8};
    const synack_time_t at[] = {DELAY, DELAY, DELAY + SYNACK_MSEC(1), DELAY + SYNACK_MSEC(1)};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(r.in[1].log[i].n, want[i]);
        assert_int_equal(r.in[1].log[i].at, at[i]);
    }
    struct synack_sim_stats s;
    stats(&r, 0, &s);
    assert_int_equal(s.sent, 2);
    assert_int_equal(s.duplicated, 2);
    assert_int_equal(s.delivered, 4);
    rig_free(&r);
}

/* A held packet arrives reorder_delay late: the packets sent after it overtake it. */
static void test_simlink_reorder_lets_later_packets_overtake(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.reorder = 1.0, .reorder_delay = SYNACK_MSEC(5)};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 1), 0);
    send_a(&r, 0, 10, 0);
    f.reorder = 0;
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 1), 0);
    send_a(&r, 1, 10, SYNACK_MSEC(1));
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 2);
    assert_int_equal(r.in[1].log[0].n, 1);
    assert_int_equal(r.in[1].log[0].at, SYNACK_MSEC(11));
    assert_int_equal(r.in[1].log[1].n, 0);
    assert_int_equal(r.in[1].log[1].at, SYNACK_MSEC(15));
    struct synack_sim_stats s;
    stats(&r, 0, &s);
    assert_int_equal(s.reordered, 1);
    assert_int_equal(s.delivered, 2);
    rig_free(&r);
}

/* reorder_delay 0 holds a packet twice the link delay. At 20 %, a fifth of the packets, as the
 * seed gives, arrive 20 ms late, after packets sent later; all arrive. */
static void test_simlink_reorder_default_delay_and_rate(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.reorder = 0.2};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 5), 0);
    for (uint32_t i = 0; i < 1000; i++)
        send_a(&r, i, 0, SYNACK_MSEC(i));
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 1000);
    size_t late = 0, overtaken = 0;
    for (size_t i = 0; i < r.in[1].n; i++) {
        const struct arrival *a = &r.in[1].log[i];
        synack_time_t sent = SYNACK_MSEC(a->n);
        assert_true(a->at == sent + DELAY || a->at == sent + 3 * DELAY);
        if (a->at == sent + 3 * DELAY) late++;
        if (i && a->n < r.in[1].log[i - 1].n) overtaken++;
    }
    struct synack_sim_stats s;
    stats(&r, 0, &s);
    assert_int_equal(s.reordered, late);
    assert_true(late > 150 && late < 250);
    assert_int_equal(late, 195);
    assert_true(overtaken > 0);
    rig_free(&r);
}

/* Jitter spreads arrivals within [delay, delay + jitter] of sending and never reorders. */
static void test_simlink_jitter_within_bounds_keeps_order(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    const synack_time_t jitter = SYNACK_MSEC(5);
    struct synack_sim_faults f = {.jitter = jitter};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 9), 0);
    for (uint32_t i = 0; i < 1000; i++)
        send_a(&r, i, 10, SYNACK_USEC(100 * i));
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 1000);
    synack_time_t most = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        assert_int_equal(r.in[1].log[i].n, i);
        synack_time_t sent = SYNACK_USEC(100 * i), extra = r.in[1].log[i].at - sent - DELAY;
        assert_true(r.in[1].log[i].at >= sent + DELAY);
        /* Held behind an earlier late packet, a packet still arrives within the bound: that
         * packet was sent no later and drew no more than `jitter`. */
        assert_true(extra <= jitter);
        if (extra > most) most = extra;
        if (i) assert_true(r.in[1].log[i].at >= r.in[1].log[i - 1].at);
    }
    assert_true(most > jitter / 2); /* it does spread */
    struct synack_sim_stats s;
    stats(&r, 0, &s);
    assert_int_equal(s.reordered, 0);
    rig_free(&r);
}

/* 8 Mbit/s: a 1000-byte packet takes 1 ms; back-to-back packets leave 1 ms apart. A 3000-byte
 * queue (the packet on the wire included) holds three: the rest is dropped at the tail. */
static void test_simlink_bandwidth_and_drop_tail(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.rate_bps = 8000000, .queue_limit = 3000};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 1), 0);
    for (uint32_t i = 0; i < 6; i++) /* 20 + 20 + 960 = 1000 bytes each, all at t = 0 */
        send_a(&r, i, 960, 0);
    struct synack_sim_stats s;
    stats(&r, 0, &s);
    assert_int_equal(s.queue_drops, 3);
    /* Half a millisecond later, half a packet has left: still no room (2500 + 1000 bytes). */
    send_a(&r, 6, 960, SYNACK_USEC(500));
    /* A millisecond later one packet has left: room for exactly one more. */
    send_a(&r, 7, 960, SYNACK_MSEC(1));
    send_a(&r, 8, 960, SYNACK_MSEC(1));
    deliver_from(&r, 0);
    stats(&r, 0, &s);
    assert_int_equal(s.sent, 9);
    assert_int_equal(s.queue_drops, 5);
    assert_int_equal(s.delivered, 4);
    assert_int_equal(s.bytes_delivered, 4000);
    assert_int_equal(r.in[1].n, 4);
    const uint32_t want[] = {0, 1, 2, 7};
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(r.in[1].log[i].n, want[i]);
        assert_int_equal(r.in[1].log[i].at, SYNACK_MSEC(i + 1) + DELAY);
    }
    /* Once the queue has drained, a packet goes at once again. */
    send_a(&r, 9, 960, SYNACK_MSEC(100));
    deliver_from(&r, SYNACK_MSEC(100));
    assert_int_equal(r.in[1].n, 5);
    assert_int_equal(r.in[1].log[4].n, 9);
    assert_int_equal(r.in[1].log[4].at, SYNACK_MSEC(101) + DELAY);
    rig_free(&r);
}

/* 3 Mbit/s and 1000-byte packets: 2666.67 us each, which no whole number of microseconds is.
 * The k-th of 3000 packets sent at once (no queue limit) arrives at floor(k * 8000 / 3) us plus
 * the delay: the remainders are carried, so the train does not drift; the heap holds them all. */
static void test_simlink_bandwidth_spacing_does_not_drift(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.rate_bps = 3000000};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 1), 0);
    for (uint32_t i = 0; i < 3000; i++)
        send_a(&r, i, 960, 0);
    assert_int_equal(synack_simlink_in_flight(r.link), 3000);
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 3000);
    for (uint64_t k = 1; k <= 3000; k++) {
        assert_int_equal(r.in[1].log[k - 1].n, k - 1);
        assert_int_equal(r.in[1].log[k - 1].at, k * 1000 * 8 * 1000000 / 3000000 + DELAY);
    }
    assert_int_equal(r.in[1].log[2999].at, SYNACK_SEC(8) + DELAY);
    rig_free(&r);
}

/* The hook decides first; the faults apply to what it passes. */
static enum synack_sim_verdict drop_even(void *ctx, int side, const uint8_t *pkt, size_t len,
                                         synack_time_t now, synack_time_t *extra)
{
    (void)ctx;
    (void)side;
    (void)len;
    (void)now;
    (void)extra;
    return pkt[SY_IPV4_HDR_LEN + 7] % 2 == 0 ? SYNACK_SIM_DROP : SYNACK_SIM_PASS; /* SEG.SEQ */
}

static void test_simlink_hook_runs_before_faults(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.duplicate = 1.0};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 1), 0);
    synack_simlink_set_hook(r.link, drop_even, NULL);
    for (uint32_t i = 0; i < 4; i++)
        send_a(&r, i, 0, 0);
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 4);
    const uint32_t want[] = {1, 1, 3, 3};
    for (int i = 0; i < 4; i++)
        assert_int_equal(r.in[1].log[i].n, want[i]);
    struct synack_sim_stats s;
    stats(&r, 0, &s);
    assert_int_equal(s.sent, 4);
    assert_int_equal(s.duplicated, 2);
    assert_int_equal(s.lost, 0);
    rig_free(&r);
}

/* Which of 2000 packets from a arrive, as a bit per packet. */
static void arrived_from_a(const struct rig *r, uint8_t *got)
{
    memset(got, 0, 2000);
    for (size_t i = 0; i < r->in[1].n; i++)
        got[r->in[1].log[i].n] = 1;
}

/* Each direction has its own faults and generator: faults set for b -> a do not touch a -> b,
 * and traffic b -> a, however much, does not change which packets a -> b loses. */
static void test_simlink_directions_independent(void **state)
{
    (void)state;
    static struct rig r;
    static uint8_t alone[2000], busy[2000];
    struct synack_sim_faults all = {.loss = 1.0}, some = {.loss = 0.3}, other = {.loss = 0.5};

    rig_init(&r);
    assert_int_equal(synack_simlink_set_faults(r.link, 1, &all, 1), 0); /* b -> a only */
    send_a(&r, 1, 0, 0);
    send_from(&r, 1, 2, 0, 0);
    deliver_from(&r, 0);
    assert_int_equal(r.in[1].n, 1);
    assert_int_equal(r.in[0].n, 0);
    rig_free(&r);

    rig_init(&r);
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &some, 7), 0);
    for (uint32_t i = 0; i < 2000; i++)
        send_a(&r, i, 0, SYNACK_USEC(10 * i));
    deliver_from(&r, 0);
    arrived_from_a(&r, alone);
    rig_free(&r);

    rig_init(&r);
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &some, 7), 0);
    assert_int_equal(synack_simlink_set_faults(r.link, 1, &other, 8), 0);
    for (uint32_t i = 0; i < 2000; i++) {
        for (uint32_t k = 0; k < i % 3; k++) /* uneven traffic the other way, interleaved */
            send_from(&r, 1, i, 0, SYNACK_USEC(10 * i));
        send_a(&r, i, 0, SYNACK_USEC(10 * i));
    }
    deliver_from(&r, 0);
    arrived_from_a(&r, busy);
    assert_true(r.in[0].n > 0);
    struct synack_sim_stats s;
    stats(&r, 1, &s);
    assert_int_equal(s.sent, 1999);
    assert_int_equal(s.lost + s.delivered, 1999);
    rig_free(&r);
    assert_memory_equal(alone, busy, 2000);
}

static void test_simlink_arguments_checked(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    const struct synack_sim_faults bad[] = {
        {.loss = 1.5},      {.loss = -0.1},      {.loss = NAN},
        {.duplicate = 2.0}, {.duplicate = -1.0}, {.duplicate = NAN},
        {.reorder = 1.01},  {.reorder = -1e-9},  {.reorder = NAN},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(synack_simlink_set_faults(r.link, 0, &bad[i], 1), -EINVAL);
        assert_int_equal(synack_simlink_set_faults(r.link, 1, &bad[i], 1), -EINVAL);
    }
    const struct synack_sim_faults edge = {.loss = 0.0, .duplicate = 1.0, .reorder = 1.0};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &edge, 0), 0);
    assert_int_equal(synack_simlink_set_faults(r.link, 2, &edge, 1), -EINVAL);
    assert_int_equal(synack_simlink_set_faults(r.link, -1, &edge, 1), -EINVAL);
    assert_int_equal(synack_simlink_set_faults(r.link, 0, NULL, 1), -EINVAL);
    assert_int_equal(synack_simlink_set_faults(NULL, 0, &edge, 1), -EINVAL);
    assert_int_equal(synack_simlink_send(r.link, 3, (const uint8_t *)"x", 1, 0), -EINVAL);
    assert_int_equal(synack_simlink_send(r.link, 0, NULL, 1, 0), -EINVAL);
    struct synack_sim_stats s;
    memset(&s, 0xff, sizeof s);
    synack_simlink_stats(r.link, 5, &s);
    assert_int_equal(s.sent, 0);
    assert_int_equal(s.delivered, 0);
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simlink_no_faults_is_fifo_after_delay),
        cmocka_unit_test(test_simlink_same_time_packets_stay_fifo),
        cmocka_unit_test(test_simlink_scrambled_packets_leave_in_due_order),
        cmocka_unit_test(test_simlink_loss_rate_and_reproducible),
        cmocka_unit_test(test_simlink_duplicate_delivers_twice),
        cmocka_unit_test(test_simlink_reorder_lets_later_packets_overtake),
        cmocka_unit_test(test_simlink_reorder_default_delay_and_rate),
        cmocka_unit_test(test_simlink_jitter_within_bounds_keeps_order),
        cmocka_unit_test(test_simlink_bandwidth_and_drop_tail),
        cmocka_unit_test(test_simlink_bandwidth_spacing_does_not_drift),
        cmocka_unit_test(test_simlink_hook_runs_before_faults),
        cmocka_unit_test(test_simlink_directions_independent),
        cmocka_unit_test(test_simlink_arguments_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
