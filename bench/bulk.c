/* synack-bench-bulk — push N bytes (default 4 GiB) through one connection between two synack
 * stacks in one thread, and print Gbit/s and CPU time per byte.
 *
 * The stacks are joined by an in-memory link with no delay: each direction is a ring of packet
 * slots allocated once (nothing is allocated per packet). A stack's transmit callback copies the
 * packet into the next slot; the loop below hands each slot to the other stack with
 * synack_stack_input(). Time is the monotonic clock in microseconds, so a timer that the transfer
 * has to wait for (a delayed ACK, a retransmission) costs real time and shows in the figures and in
 * the `stalls` column; while waiting, the program sleeps, so the wait is not counted as CPU time.
 *
 * One run: the client connects (3-way handshake), sends N bytes of a repeating pseudo-random
 * pattern and closes; the server reads and compares every byte with the pattern (memcmp), sees the
 * end of the stream and closes (4-way close). The run ends when the client is in TIME-WAIT and the
 * server's connection is CLOSED. Wall and CPU time cover the whole run, handshakes included. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <synack/synack.h>

#include "common.h"

/* One direction of the link: `cap` slots of `mtu` bytes, read at head, written at tail. */
struct ring {
    uint8_t *slots;
    uint32_t *len;
    uint32_t cap, mtu; /* cap is a power of two */
    uint64_t head, tail;
    uint64_t drops;
};

struct bench {
    const struct bench_opts *o;
    struct synack_stack *stack[2]; /* 0: client (sender), 1: server (receiver) */
    int dev[2];
    struct ring ring[2]; /* ring[i]: packets sent by stack i */
    uint8_t *rxbuf;
    bool client_time_wait, server_closed; /* the 4-way close, seen through state events */
    bool described;                       /* the connection's parameters were printed */
};

static int ring_init(struct ring *r, uint32_t cap, uint32_t mtu)
{
    *r = (struct ring){.cap = cap, .mtu = mtu};
    r->slots = malloc((size_t)cap * mtu);
    r->len = malloc(cap * sizeof(*r->len));
    return r->slots && r->len ? 0 : -ENOMEM;
}

static void ring_free(struct ring *r)
{
    free(r->slots);
    free(r->len);
}

static int ring_transmit(void *ctx, const uint8_t *packet, size_t len, synack_time_t now)
{
    struct ring *r = ctx;
    (void)now;
    if (r->tail - r->head == r->cap || len > r->mtu) {
        r->drops++;
        return -ENOBUFS;
    }
    uint32_t i = (uint32_t)(r->tail & (r->cap - 1));
    memcpy(r->slots + (size_t)i * r->mtu, packet, len);
    r->len[i] = (uint32_t)len;
    r->tail++;
    return 0;
}

/* Hand the packets the ring holds now (not those queued meanwhile) to `to`; returns how many. */
static uint64_t ring_deliver(struct ring *r, struct synack_stack *to, int dev, synack_time_t now)
{
    uint64_t end = r->tail, n = end - r->head;
    for (; r->head < end; r->head++) {
        uint32_t i = (uint32_t)(r->head & (r->cap - 1));
        synack_stack_input(to, dev, r->slots + (size_t)i * r->mtu, r->len[i], now);
    }
    return n;
}

static void on_client_event(void *ctx, const struct synack_event *ev)
{
    struct bench *b = ctx;
    if (ev->type == SYNACK_EV_STATE && ev->new_state == SYNACK_TIME_WAIT)
        b->client_time_wait = true;
}

static void on_server_event(void *ctx, const struct synack_event *ev)
{
    struct bench *b = ctx;
    if (ev->type == SYNACK_EV_STATE && ev->old_state == SYNACK_LAST_ACK &&
        ev->new_state == SYNACK_CLOSED)
        b->server_closed = true;
}

static int fail(const char *what, long err)
{
    fprintf(stderr, "synack-bench-bulk: %s: %s\n", what,
            err < 0 ? synack_strerror((int)err) : "failed");
    return -1;
}

/* Two fresh stacks joined by the link; the server listens on 10.0.0.2:5001. */
static int setup(struct bench *b, struct synack_conn **listener)
{
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.seed = 1;
    cfg.sndbuf = b->o->sndbuf;
    cfg.rcvbuf = b->o->rcvbuf;
    cfg.opt_timestamps = b->o->timestamps;
    cfg.opt_sack = b->o->sack;
    static const struct synack_device_ops ops = {ring_transmit};
    struct synack_addr addr[2] = {synack_addr_v4(10, 0, 0, 1), synack_addr_v4(10, 0, 0, 2)};
    for (int i = 0; i < 2; i++) {
        b->ring[i].head = b->ring[i].tail = b->ring[i].drops = 0;
        if (!(b->stack[i] = synack_stack_new(&cfg))) return fail("stack", -ENOMEM);
        b->dev[i] = synack_stack_add_device(b->stack[i], &ops, &b->ring[i], (uint16_t)b->o->mtu);
        if (b->dev[i] < 0) return fail("add_device", b->dev[i]);
        int err = synack_stack_add_addr(b->stack[i], b->dev[i], &addr[i], 24);
        if (err) return fail("add_addr", err);
    }
    struct synack_endpoint ep = {addr[1], 5001};
    int err = synack_listen(b->stack[1], &ep, 4, bench_mono_us(), listener);
    return err ? fail("listen", err) : 0;
}

static void describe(struct bench *b, struct synack_conn *c)
{
    struct synack_status st;
    if (b->described || synack_status(c, &st) != 0) return;
    b->described = true;
    printf("connection: mss %u (%u payload bytes per full segment), window scale %d/%d, "
           "timestamps %s, sack %s\n",
           st.snd_mss, st.snd_mss - (st.timestamps ? 12 : 0), st.snd_wscale, st.rcv_wscale,
           st.timestamps ? "on" : "off", st.sack_permitted ? "on" : "off");
}

/* The sender's part of one turn of the loop: queue what fits, close after the last byte. */
static int send_some(struct bench *b, struct synack_conn **client, uint64_t *sent,
                     synack_time_t now, bool *moved)
{
    while (*sent < b->o->bytes) {
        size_t max;
        const uint8_t *p = bench_pattern_at(*sent, &max);
        size_t len = b->o->bytes - *sent < max ? (size_t)(b->o->bytes - *sent) : max;
        ssize_t n = synack_send(*client, p, len, now);
        if (n == -EAGAIN || n == -ENOTCONN) return 0;
        if (n <= 0) return fail("send", (long)n);
        *sent += (uint64_t)n;
        *moved = true;
    }
    describe(b, *client);
    synack_stack_set_event_fn(b->stack[0], on_client_event, b);
    synack_stack_set_event_fn(b->stack[1], on_server_event, b);
    int err = synack_close(*client, now);
    *client = NULL;
    return err ? fail("close (client)", err) : 0;
}

/* The receiver's part: read and verify what is there, close at the end of the stream. */
static int recv_some(struct bench *b, struct synack_conn **server, uint64_t *recvd,
                     synack_time_t now, bool *moved)
{
    for (;;) {
        ssize_t n = synack_recv(*server, b->rxbuf, b->o->chunk, now);
        if (n == -EAGAIN) return 0;
        if (n < 0) return fail("recv", (long)n);
        *moved = true;
        if (n == 0) break;
        if (!bench_verify(*recvd, b->rxbuf, (size_t)n)) {
            fprintf(stderr, "synack-bench-bulk: data differ near byte %llu\n",
                    (unsigned long long)*recvd);
            return -1;
        }
        *recvd += (uint64_t)n;
    }
    if (*recvd != b->o->bytes) return fail("end of stream before the last byte", 0);
    int err = synack_close(*server, now);
    *server = NULL;
    return err ? fail("close (server)", err) : 0;
}

/* Run timers that are due; when nothing moved, sleep until the next one and count the stall. */
static int timers(struct bench *b, bool moved, struct bench_run *r)
{
    synack_time_t now = bench_mono_us();
    synack_time_t d0 = synack_stack_next_deadline(b->stack[0]);
    synack_time_t d1 = synack_stack_next_deadline(b->stack[1]);
    synack_time_t due = d0 < d1 ? d0 : d1;
    if (!moved && due > now) {
        if (due == SYNACK_TIME_NEVER) return fail("nothing moves and no timer is set", 0);
        uint64_t t = bench_mono_ns();
        bench_sleep_until_us(due < now + SYNACK_SEC(1) ? due : now + SYNACK_SEC(1));
        r->stalls++;
        r->stall_s += (double)(bench_mono_ns() - t) / 1e9;
        now = bench_mono_us();
    }
    if (now >= due) {
        synack_stack_poll(b->stack[0], now);
        synack_stack_poll(b->stack[1], now);
    }
    return 0;
}

/* What each side holds when the transfer stops moving: the figures a bug report needs. */
static void dump_conn(const char *name, const struct synack_conn *c)
{
    struct synack_status st;
    if (!c || synack_status(c, &st) != 0) {
        fprintf(stderr, "  %s: handle closed\n", name);
        return;
    }
    fprintf(stderr,
            "  %s: %s snd_una %u snd_nxt %u snd_wnd %u rcv_nxt %u rcv_wnd %u queued %zu/%zu "
            "cwnd %u ssthresh %u rto %llu us retransmits %u recovery %d\n",
            name, synack_state_name(st.state), st.snd_una, st.snd_nxt, st.snd_wnd, st.rcv_nxt,
            st.rcv_wnd, st.send_queued, st.recv_queued, st.cwnd, st.ssthresh,
            (unsigned long long)st.rto, st.retransmits, st.in_recovery);
}

static void dump_stack(const char *name, const struct synack_stack *s)
{
    const struct synack_counters *k = synack_stack_counters(s);
    fprintf(stderr, "  %s stack: in %llu out %llu retransmits %llu fast %llu probes %llu", name,
            (unsigned long long)k->packets_in, (unsigned long long)k->packets_out,
            (unsigned long long)k->retransmits, (unsigned long long)k->fast_retransmits,
            (unsigned long long)k->window_probes);
    for (int i = 0; i < SYNACK_DROP_REASON_COUNT; i++)
        if (k->drops[i])
            fprintf(stderr, " drop[%s] %llu", synack_drop_reason_name((enum synack_drop_reason)i),
                    (unsigned long long)k->drops[i]);
    fprintf(stderr, "\n");
}

/* No byte sent or received for this long (wall time): report and give up, never hang. */
#define STUCK_US SYNACK_SEC(10)

static int stuck(struct bench *b, const struct synack_conn *client,
                 const struct synack_conn *server, uint64_t sent, uint64_t recvd)
{
    fprintf(stderr, "synack-bench-bulk: no progress for 10 s: sent %llu, received %llu\n",
            (unsigned long long)sent, (unsigned long long)recvd);
    dump_conn("client", client);
    dump_conn("server", server);
    dump_stack("client", b->stack[0]);
    dump_stack("server", b->stack[1]);
    return -1;
}

static int transfer(struct bench *b, struct synack_conn *listener, struct bench_run *r)
{
    struct synack_conn *client, *server = NULL;
    struct synack_endpoint ep = {synack_addr_v4(10, 0, 0, 2), 5001};
    uint64_t sent = 0, recvd = 0;
    int err = synack_connect(b->stack[0], NULL, &ep, bench_mono_us(), &client);
    if (err) return fail("connect", err);
    bool eof = false;
    uint64_t progress = sent + recvd;
    synack_time_t progress_at = bench_mono_us();
    while (!(eof && b->client_time_wait && b->server_closed)) {
        synack_time_t now = bench_mono_us();
        bool moved = false;
        if (sent + recvd != progress) {
            progress = sent + recvd;
            progress_at = now;
        } else if (now - progress_at > STUCK_US) {
            return stuck(b, client, server, sent, recvd);
        }
        if (client && send_some(b, &client, &sent, now, &moved)) return -1;
        moved |= ring_deliver(&b->ring[0], b->stack[1], b->dev[1], now) > 0;
        if (!server && !eof && synack_accept(listener, &server) == 0) moved = true;
        if (server && recv_some(b, &server, &recvd, now, &moved)) return -1;
        eof = recvd == b->o->bytes && !server;
        moved |= ring_deliver(&b->ring[1], b->stack[0], b->dev[0], now) > 0;
        if (timers(b, moved, r)) return -1;
    }
    return 0;
}

static int run_once(struct bench *b, struct bench_run *r)
{
    struct synack_conn *listener = NULL;
    b->client_time_wait = b->server_closed = false;
    *r = (struct bench_run){0};
    int err = setup(b, &listener);
    double c0 = bench_cpu_s();
    uint64_t t0 = bench_mono_ns();
    bench_profile_begin();
    if (!err) err = transfer(b, listener, r);
    bench_profile_end();
    r->wall_s = (double)(bench_mono_ns() - t0) / 1e9;
    r->cpu_s = bench_cpu_s() - c0;
    for (int i = 0; i < 2; i++) {
        r->packets += b->ring[i].tail;
        r->link_drops += b->ring[i].drops;
        if (b->stack[i]) {
            const struct synack_counters *k = synack_stack_counters(b->stack[i]);
            r->retransmits += k->retransmits + k->fast_retransmits;
            synack_stack_free(b->stack[i]);
            b->stack[i] = NULL;
        }
    }
    return err;
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    bench_parse(argc, argv, "synack-bench-bulk", &o);
    bench_pattern_init(o.chunk);
    struct bench b = {.o = &o, .rxbuf = malloc(o.chunk)};
    /* Room for every packet the larger buffer can put in flight, with their ACKs, at the
     * smallest segment the MTU allows. */
    uint32_t most = (o.sndbuf > o.rcvbuf ? o.sndbuf : o.rcvbuf) / (o.mtu - 100) * 2 + 256;
    uint32_t cap = 1;
    while (cap < most)
        cap <<= 1;
    if (!b.rxbuf || ring_init(&b.ring[0], cap, o.mtu) || ring_init(&b.ring[1], cap, o.mtu)) {
        fprintf(stderr, "synack-bench-bulk: out of memory\n");
        return 1;
    }
    char detail[256];
    snprintf(detail, sizeof(detail),
             "sndbuf %u, rcvbuf %u, timestamps %s, sack %s; link rings of %u slots; "
             "monotonic clock",
             o.sndbuf, o.rcvbuf, o.timestamps ? "on" : "off", o.sack ? "on" : "off", cap);
    bench_print_header("synack", &o, detail);
    printf("verify: memcmp alone costs %.3f ns/byte (included in the figures)\n",
           bench_verify_cost(o.chunk));
    struct bench_run runs[BENCH_MAX_RUNS];
    int status = 0;
    for (unsigned i = 0; i < o.runs && !status; i++) {
        if (run_once(&b, &runs[i]))
            status = 1;
        else
            bench_print_run(i, &o, &runs[i]);
    }
    if (!status) bench_print_median("synack", &o, runs, o.runs);
    ring_free(&b.ring[0]);
    ring_free(&b.ring[1]);
    free(b.rxbuf);
    bench_pattern_free();
    return status;
}
