/* Transfers between two stacks through a faulty simulated link: 1 MiB client->server,
 * server->client and both at once, at 0-30 % loss, with reordering and duplication, with window
 * scaling and SACK on and off, and behind a bandwidth limit with a drop-tail queue and jitter.
 * The faults are the link's own, seeded per direction (src/dev/sim.c). Every transfer must arrive
 * byte for byte and the connection must then close with the 4-way handshake. The table printed
 * is reproducible from the seeds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pair.h"

#define BYTES    (1u << 20)
#define PORT     5001
#define DEADLINE SYNACK_SEC(8 * 3600) /* virtual: 30 % loss backs RTOs off to 60 s */

struct flow {
    struct synack_conn *tx, *rx;
    size_t sent, rcvd;
    bool tx_closed, rx_eof, rx_closed;
};

static uint8_t source[2][BYTES]; /* what each direction sends, filled once */

static void fill_sources(void)
{
    for (int d = 0; d < 2; d++)
        for (size_t i = 0; i < BYTES; i++)
            source[d][i] = (uint8_t)((i * 131 + (i >> 9) * 7 + (size_t)d * 29) & 0xff);
}

/* One step of a flow: send what fits, read what arrived (checking every byte), close at the end
 * (the sender shuts down after its last byte; the receiver sees the end of the stream). */
static void flow_step(struct flow *fl, int dir, synack_time_t now)
{
    static uint8_t buf[65536];
    while (!fl->tx_closed && fl->sent < BYTES) {
        ssize_t k = synack_send(fl->tx, source[dir] + fl->sent, BYTES - fl->sent, now);
        if (k <= 0) break;
        fl->sent += (size_t)k;
    }
    if (!fl->tx_closed && fl->sent == BYTES) {
        assert_int_equal(synack_shutdown(fl->tx, now), 0);
        fl->tx_closed = true;
    }
    for (;;) {
        ssize_t k = synack_recv(fl->rx, buf, sizeof buf, now);
        if (k == 0) fl->rx_eof = true;
        if (k < 0 && k != -EAGAIN) {
            struct synack_status a, r;
            synack_status(fl->tx, &a);
            synack_status(fl->rx, &r);
            print_message("rx side: una %u nxt %u wnd %u rcv_nxt %u rcv_wnd %u rtx %u\n",
                          r.snd_una - r.iss, r.snd_nxt - r.iss, r.snd_wnd, r.rcv_nxt - r.irs,
                          r.rcv_wnd, r.retransmits);
            fail_msg("recv: %s (dir %d); peer %s una %u nxt %u wnd %u cwnd %u rto %llu rtx %u "
                     "queued %zu rcv_nxt %u rcv_wnd %u",
                     synack_strerror((int)k), dir, synack_state_name(a.state), a.snd_una - a.iss,
                     a.snd_nxt - a.iss, a.snd_wnd, a.cwnd, (unsigned long long)a.rto, a.retransmits,
                     a.send_queued, a.rcv_nxt - a.irs, a.rcv_wnd);
        }
        if (k <= 0) break;
        if (memcmp(buf, source[dir] + fl->rcvd, (size_t)k) != 0)
            fail_msg("data differs after byte %zu (dir %d)", fl->rcvd, dir);
        fl->rcvd += (size_t)k;
    }
}

struct cell {
    double loss, dup, reorder;
    bool options; /* window scaling and SACK */
    int dirs;     /* 1: client->server, 2: server->client, 3: both */
    uint64_t rate_bps;
    size_t queue;
    synack_time_t jitter;
};

static synack_time_t next_step(struct pair *p)
{
    synack_time_t n = synack_simlink_next_deadline(p->link);
    for (int i = 0; i < 2; i++) {
        synack_time_t d = synack_stack_next_deadline(p->st[i]);
        if (d < n) n = d;
    }
    synack_time_t step = p->now + SYNACK_MSEC(5);
    return n > step && n != SYNACK_TIME_NEVER ? n : step;
}

/* Cell number n runs with seed 0x5eed + n (times a constant that spreads the bits): side 0's
 * generator gets that seed, side 1's the seed plus one. */
static uint64_t cell_seed(unsigned n)
{
    return (0x5eedu + n) * 0x9e3779b97f4a7c15ull;
}

static void run_cell(const struct cell *cell, unsigned n)
{
    uint64_t seed = cell_seed(n);
    static struct pair p;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.opt_wscale = cfg.opt_sack = cell->options;
    cfg.rcvbuf = cfg.sndbuf = cell->options ? 256 * 1024 : 64 * 1024;
    pair_init(&p, &cfg, SYNACK_MSEC(10));
    /* The same faults both ways, each direction with its own seed. Reordering holds a packet
     * back 15 ms, more than the spacing of a window's segments, so later ones overtake it. */
    struct synack_sim_faults fx = {.loss = cell->loss,
                                   .duplicate = cell->dup,
                                   .reorder = cell->reorder,
                                   .reorder_delay = SYNACK_MSEC(15),
                                   .jitter = cell->jitter,
                                   .rate_bps = cell->rate_bps,
                                   .queue_limit = cell->queue};
    for (int d = 0; d < 2; d++)
        assert_int_equal(synack_simlink_set_faults(p.link, d, &fx, seed + (uint64_t)d), 0);
    struct synack_endpoint ep = {p.addr[1], PORT};
    struct synack_conn *l, *c, *s = NULL;
    assert_int_equal(synack_listen(p.st[1], &ep, 4, 0, &l), 0);
    assert_int_equal(synack_connect(p.st[0], NULL, &ep, 0, &c), 0);
    while (!s && p.now < DEADLINE) {
        pair_run(&p, next_step(&p));
        if (synack_accept(l, &s) != 0) s = NULL;
    }
    assert_non_null(s);
    struct flow fl[2] = {{.tx = c, .rx = s}, {.tx = s, .rx = c}};
    for (int d = 0; d < 2; d++)
        if (!(cell->dirs & (1 << d))) fl[d].sent = BYTES, fl[d].rcvd = BYTES;
    bool done = false;
    while (!done && p.now < DEADLINE) {
        for (int d = 0; d < 2; d++)
            flow_step(&fl[d], d, p.now);
        done = fl[0].rx_eof && fl[1].rx_eof;
        pair_run(&p, next_step(&p));
    }
    if (!done) {
        struct synack_status a, b;
        synack_status(c, &a);
        synack_status(s, &b);
        fail_msg("not done at %llu us: client %s una %u nxt %u, server %s una %u nxt %u; "
                 "received %zu and %zu",
                 (unsigned long long)p.now, synack_state_name(a.state), a.snd_una - a.iss,
                 a.snd_nxt - a.iss, synack_state_name(b.state), b.snd_una - b.iss,
                 b.snd_nxt - b.iss, fl[0].rcvd, fl[1].rcvd);
    }
    for (int d = 0; d < 2; d++)
        assert_int_equal(fl[d].rcvd, BYTES);
    synack_time_t finish = p.now;
    /* Both directions ended with a FIN: close both handles; TIME-WAIT ends; nothing is left. */
    assert_int_equal(synack_close(c, p.now), 0);
    assert_int_equal(synack_close(s, p.now), 0);
    pair_run(&p, p.now + 3 * 3600 * SYNACK_SEC(1));
    assert_int_equal(synack_stack_conn_count(p.st[0]), 0);
    assert_int_equal(synack_stack_conn_count(p.st[1]), 1); /* the listener */
    const struct synack_counters *k0 = synack_stack_counters(p.st[0]);
    const struct synack_counters *k1 = synack_stack_counters(p.st[1]);
    struct synack_sim_stats ls[2];
    synack_simlink_stats(p.link, 0, &ls[0]);
    synack_simlink_stats(p.link, 1, &ls[1]);
    double secs = (double)finish / 1e6;
    double mbit = (double)BYTES * 8 * (cell->dirs == 3 ? 2 : 1) / secs / 1e6;
    char link[64] = "-";
    if (cell->rate_bps)
        snprintf(link, sizeof link, "%llu/%zuK/%llu",
                 (unsigned long long)(cell->rate_bps / 1000000), cell->queue / 1024,
                 (unsigned long long)(cell->jitter / 1000));
    print_message("%3u %4.0f%% %4.0f%% %4.0f%% %-11s %-3s  %-4s %10.2f s %5llu %6llu %6llu %5llu "
                  "%5llu %5llu %8.2f\n",
                  n, cell->loss * 100, cell->reorder * 100, cell->dup * 100, link,
                  cell->options ? "on" : "off",
                  cell->dirs == 1   ? "c->s"
                  : cell->dirs == 2 ? "s->c"
                                    : "both",
                  secs, (unsigned long long)(k0->retransmits + k1->retransmits),
                  (unsigned long long)(k0->fast_retransmits + k1->fast_retransmits),
                  (unsigned long long)(ls[0].lost + ls[1].lost),
                  (unsigned long long)(ls[0].queue_drops + ls[1].queue_drops),
                  (unsigned long long)(ls[0].duplicated + ls[1].duplicated),
                  (unsigned long long)(ls[0].reordered + ls[1].reordered), mbit);
    synack_close(l, p.now);
    pair_free(&p);
}

static void test_matrix_transfers_complete_byte_for_byte(void **state)
{
    (void)state;
    static const double losses[] = {0, 0.01, 0.05, 0.10, 0.20, 0.30};
    print_message("cell loss reord  dup link        ws+  dir  virtual time  RTOs fastrtx  "
                  "lost qdrop   dup reord   Mbit/s\n");
    print_message("                     (Mbit/s/queue/jitter ms)          <- both stacks -> <-- "
                  "the link, both ways -->\n");
    unsigned n = 0;
    fill_sources();
    for (size_t i = 0; i < sizeof losses / sizeof losses[0]; i++)
        for (int opt = 1; opt >= 0; opt--)
            for (int dirs = 1; dirs <= 3; dirs++) {
                struct cell cell = {losses[i], 0, 0, opt, dirs, 0, 0, 0};
                run_cell(&cell, n++);
            }
    /* Reordering and duplication, with and without loss; a 10 Mbit/s bottleneck whose queue
     * overflows in slow start, with jitter. */
    static const struct cell mixed[] = {
        {0, 0, 0.05, true, 3, 0, 0, 0},
        {0, 0.05, 0, true, 3, 0, 0, 0},
        {0.05, 0.02, 0.05, true, 3, 0, 0, 0},
        {0.05, 0.02, 0.05, false, 3, 0, 0, 0},
        {0.10, 0.05, 0.10, true, 1, 0, 0, 0},
        {0, 0, 0, true, 3, 10000000, 64 * 1024, SYNACK_MSEC(5)},
        {0, 0, 0, false, 1, 10000000, 16 * 1024, SYNACK_MSEC(2)},
        {0.01, 0, 0.01, true, 1, 10000000, 32 * 1024, SYNACK_MSEC(2)},
    };
    for (size_t i = 0; i < sizeof mixed / sizeof mixed[0]; i++)
        run_cell(&mixed[i], n++);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_transfers_complete_byte_for_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
