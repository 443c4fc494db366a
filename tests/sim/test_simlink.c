/* The simulated link's faults, seen from the receiving stack: each packet is a RST carrying its
 * number in SEG.SEQ (the receiver logs it and answers nothing), so arrival times and order are
 * exact. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

struct rig {
    struct synack_stack *st[2];
    struct synack_simlink *link;
    struct arrival log[MAXLOG];
    size_t nlog;
};

static void on_event(void *ctx, const struct synack_event *ev)
{
    struct rig *r = ctx;
    if (ev->type == SYNACK_EV_SEGMENT_IN && r->nlog < MAXLOG)
        r->log[r->nlog++] = (struct arrival){ev->seg.seq, ev->now};
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
    synack_stack_set_event_fn(r->st[1], on_event, r);
}

static void rig_free(struct rig *r)
{
    synack_simlink_free(r->link);
    synack_stack_free(r->st[0]);
    synack_stack_free(r->st[1]);
}

/* Packet number n, of `payload` bytes of TCP payload, from a to b. */
static int send_a(struct rig *r, uint32_t n, size_t payload, synack_time_t now)
{
    static uint8_t pkt[1500], data[1400];
    const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
    struct sy_tcp t = {.sport = 1000,
                       .dport = 2000,
                       .seq = n,
                       .flags = SY_TH_RST,
                       .payload = data,
                       .payload_len = payload};
    size_t len = sy_tcp_emit_v4(&t, src, dst, pkt + SY_IPV4_HDR_LEN, sizeof pkt - SY_IPV4_HDR_LEN);
    struct sy_ipv4 ip = {
        .total_len = (uint16_t)(len + SY_IPV4_HDR_LEN), .ttl = 64, .proto = SY_IPPROTO_TCP};
    memcpy(ip.src, src, 4);
    memcpy(ip.dst, dst, 4);
    sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN);
    return synack_simlink_send(r->link, 0, pkt, len + SY_IPV4_HDR_LEN, now);
}

/* Run the link's clock from `from` until nothing is in flight; arrivals are logged at their
 * own times. */
static void deliver_from(struct rig *r, synack_time_t from)
{
    synack_simlink_run(r->link, from, SYNACK_TIME_NEVER);
    assert_int_equal(synack_simlink_in_flight(r->link), 0);
}

static void test_simlink_no_faults_is_fifo_after_delay(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(send_a(&r, i, 100, SYNACK_USEC(i * 10)), 0);
    synack_simlink_poll(r.link, DELAY - 1);
    assert_int_equal(r.nlog, 0);
    assert_int_equal(synack_simlink_next_deadline(r.link), DELAY);
    deliver_from(&r, 0);
    assert_int_equal(r.nlog, 100);
    for (uint32_t i = 0; i < 100; i++) {
        assert_int_equal(r.log[i].n, i);
        assert_int_equal(r.log[i].at, DELAY + SYNACK_USEC(i * 10));
    }
    struct synack_sim_stats s;
    synack_simlink_stats(r.link, 0, &s);
    assert_int_equal(s.sent, 100);
    assert_int_equal(s.delivered, 100);
    assert_int_equal(s.bytes_delivered, 100 * (20 + 20 + 100));
    rig_free(&r);
}

/* Loss at 10 %: the count is what the seed gives, near 10 % of 10000, and the same seed gives
 * the same packets lost. */
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
    synack_simlink_stats(r.link, 0, &s);
    assert_int_equal(s.lost + s.delivered, 10000);
    assert_int_equal(r.nlog, s.delivered);
    *first_lost = 0;
    for (uint32_t i = 0; i < r.nlog; i++)
        if (r.log[i].n != i) {
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
    assert_int_equal(a, b);
    assert_int_equal(f1, f2);
    assert_true(a > 900 && a < 1100); /* 10 % of 10000, sigma 30 */
    assert_true(c > 900 && c < 1100);
    assert_true(a != c || f1 != f3); /* another seed, other losses */
}

static void test_simlink_duplicate_delivers_twice(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.duplicate = 1.0};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 1), 0);
    send_a(&r, 7, 10, 0);
    deliver_from(&r, 0);
    assert_int_equal(r.nlog, 2);
    assert_int_equal(r.log[0].n, 7);
    assert_int_equal(r.log[1].n, 7);
    assert_int_equal(r.log[1].at, DELAY);
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
    assert_int_equal(r.nlog, 2);
    assert_int_equal(r.log[0].n, 1);
    assert_int_equal(r.log[0].at, SYNACK_MSEC(11));
    assert_int_equal(r.log[1].n, 0);
    assert_int_equal(r.log[1].at, SYNACK_MSEC(15));
    rig_free(&r);
}

/* Jitter spreads arrivals within [delay, delay + jitter] of sending and never reorders. */
static void test_simlink_jitter_within_bounds_keeps_order(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults f = {.jitter = SYNACK_MSEC(5)};
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &f, 9), 0);
    bool spread = false;
    for (uint32_t i = 0; i < 1000; i++)
        send_a(&r, i, 10, SYNACK_USEC(100 * i));
    deliver_from(&r, 0);
    assert_int_equal(r.nlog, 1000);
    for (uint32_t i = 0; i < 1000; i++) {
        assert_int_equal(r.log[i].n, i);
        synack_time_t sent = SYNACK_USEC(100 * i);
        assert_true(r.log[i].at >= sent + DELAY);
        /* the bound, plus what an earlier late packet may hold it back */
        if (r.log[i].at > sent + DELAY + SYNACK_MSEC(1)) spread = true;
        if (i) assert_true(r.log[i].at >= r.log[i - 1].at);
    }
    assert_true(spread);
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
    deliver_from(&r, 0);
    struct synack_sim_stats s;
    synack_simlink_stats(r.link, 0, &s);
    assert_int_equal(s.queue_drops, 3);
    assert_int_equal(r.nlog, 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(r.log[i].n, i);
        assert_int_equal(r.log[i].at, SYNACK_MSEC(i + 1) + DELAY);
    }
    /* Once the queue has drained, a packet goes at once again. */
    send_a(&r, 9, 960, SYNACK_MSEC(100));
    deliver_from(&r, SYNACK_MSEC(100));
    assert_int_equal(r.log[3].at, SYNACK_MSEC(101) + DELAY);
    rig_free(&r);
}

/* Each direction has its own faults and generator; bad arguments are refused. */
static void test_simlink_directions_independent_and_arguments_checked(void **state)
{
    (void)state;
    static struct rig r;
    rig_init(&r);
    struct synack_sim_faults all = {.loss = 1.0}, bad = {.loss = 1.5}, nan_loss = {.loss = NAN};
    assert_int_equal(synack_simlink_set_faults(r.link, 1, &all, 1), 0); /* b -> a only */
    send_a(&r, 1, 0, 0);
    deliver_from(&r, 0);
    assert_int_equal(r.nlog, 1);
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &bad, 1), -EINVAL);
    assert_int_equal(synack_simlink_set_faults(r.link, 0, &nan_loss, 1), -EINVAL);
    assert_int_equal(synack_simlink_set_faults(r.link, 2, &all, 1), -EINVAL);
    assert_int_equal(synack_simlink_set_faults(r.link, 0, NULL, 1), -EINVAL);
    assert_int_equal(synack_simlink_send(r.link, 3, (const uint8_t *)"x", 1, 0), -EINVAL);
    rig_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simlink_no_faults_is_fifo_after_delay),
        cmocka_unit_test(test_simlink_loss_rate_and_reproducible),
        cmocka_unit_test(test_simlink_duplicate_delivers_twice),
        cmocka_unit_test(test_simlink_reorder_lets_later_packets_overtake),
        cmocka_unit_test(test_simlink_jitter_within_bounds_keeps_order),
        cmocka_unit_test(test_simlink_bandwidth_and_drop_tail),
        cmocka_unit_test(test_simlink_directions_independent_and_arguments_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
