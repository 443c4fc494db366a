/* lwip-bench-bulk — the transfer of synack-bench-bulk (bench/bulk.c) through lwIP 2.1.3 as Debian
 * ships it (liblwip0), for a reference measured on the same machine in the same run.
 *
 * lwIP keeps its state in globals (one pcb list, one netif list, one timer list), so two lwIP
 * stacks cannot live in one process. Instead, one lwIP instance holds two network interfaces,
 * 10.0.0.1 and 10.0.0.2, joined by the same kind of in-memory link as synack's: the client's pcb is
 * bound to the first interface and the server's listener to the second (tcp_bind_netif), so every
 * segment leaves through one interface's output function, waits in a preallocated slot and enters
 * through the other's input (ip_input) as lwIP's own input path would see it from a driver. lwIP's
 * loopback (netif_loop_output) is never used: it would copy each packet into a freshly allocated
 * pbuf and deliver it through a different path.
 *
 * The library is built with NO_SYS=0 and a tcpip thread; this program calls lwip_init() instead of
 * tcpip_init() and drives everything from its one thread (ip_input, sys_check_timeouts), as a
 * NO_SYS application would. No other thread ever touches lwIP, so its core lock is never needed.
 *
 * The link copies each packet once, as synack's does: the output function copies the pbuf chain
 * into a free slot; the slot is handed to ip_input as a custom pbuf that refers to it (the
 * zero-copy receive of an embedded driver), and goes back to the free list when lwIP frees it.
 * The application copies each received pbuf into its own buffer and compares it with the pattern,
 * as synack_recv() makes a synack application do; --rx-in-place compares the pbuf where it lies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lwip/init.h>
#include <lwip/ip.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/priv/tcp_priv.h> /* tcp_active_pcbs, tcp_tw_pcbs: to see the close finish */
#include <lwip/tcp.h>
#include <lwip/timeouts.h>

#include "common.h"

struct link;

/* A packet slot; a pointer to its pbuf is a pointer to the slot. */
struct slot {
    struct pbuf_custom pc;
    struct link *link;
    struct slot *next_free;
    uint8_t *data;
    u16_t len;
};

/* One direction: a FIFO of filled slots. */
struct fifo {
    struct slot **q;
    uint32_t cap; /* power of two */
    uint64_t head, tail;
};

struct link {
    struct slot *slots, *free;
    uint8_t *mem;
    unsigned mtu;
    struct fifo dir[2]; /* dir[i]: packets sent by interface i */
    struct netif nif[2];
    uint64_t drops;
};

struct bench {
    const struct bench_opts *o;
    struct link link;
    struct tcp_pcb *listener, *client, *server;
    uint8_t *rxbuf;
    uint64_t sent, recvd;
    bool connected, eof, failed, described;
};

static int fail(struct bench *b, const char *what, int err)
{
    fprintf(stderr, "lwip-bench-bulk: %s (lwIP error %d)\n", what, err);
    b->failed = true;
    return -1;
}

static void slot_free(struct pbuf *p)
{
    struct slot *s = (struct slot *)p;
    s->next_free = s->link->free;
    s->link->free = s;
}

static err_t link_output(struct netif *nif, struct pbuf *p, const ip4_addr_t *dst)
{
    struct link *l = nif->state;
    struct fifo *f = &l->dir[nif == &l->nif[0] ? 0 : 1];
    struct slot *s = l->free;
    (void)dst;
    if (!s || f->tail - f->head == f->cap || p->tot_len > l->mtu) {
        l->drops++;
        return ERR_MEM;
    }
    l->free = s->next_free;
    s->len = pbuf_copy_partial(p, s->data, p->tot_len, 0);
    f->q[f->tail++ & (f->cap - 1)] = s;
    return ERR_OK;
}

/* Hand the packets queued by interface `from` now (not those queued meanwhile) to the other. */
static uint64_t link_deliver(struct link *l, int from)
{
    struct fifo *f = &l->dir[from];
    struct netif *to = &l->nif[1 - from];
    uint64_t end = f->tail, n = end - f->head;
    for (; f->head < end; f->head++) {
        struct slot *s = f->q[f->head & (f->cap - 1)];
        struct pbuf *p =
            pbuf_alloced_custom(PBUF_RAW, s->len, PBUF_REF, &s->pc, s->data, (u16_t)l->mtu);
        if (to->input(p, to) != ERR_OK) pbuf_free(p);
    }
    return n;
}

static err_t link_netif_init(struct netif *nif)
{
    struct link *l = nif->state;
    nif->name[0] = 'm';
    nif->name[1] = nif == &l->nif[0] ? '0' : '1';
    nif->output = link_output;
    nif->mtu = (u16_t)l->mtu;
    nif->flags = NETIF_FLAG_LINK_UP; /* point to point: no ARP, no broadcast */
    return ERR_OK;
}

static int link_init(struct link *l, unsigned mtu, uint32_t nslots)
{
    *l = (struct link){.mtu = mtu};
    l->slots = calloc(nslots, sizeof(*l->slots));
    l->mem = malloc((size_t)nslots * mtu);
    for (int d = 0; d < 2; d++) {
        l->dir[d].cap = nslots;
        l->dir[d].q = malloc(nslots * sizeof(*l->dir[d].q));
        if (!l->dir[d].q) return -1;
    }
    if (!l->slots || !l->mem) return -1;
    for (uint32_t i = 0; i < nslots; i++) {
        struct slot *s = &l->slots[i];
        s->pc.custom_free_function = slot_free;
        s->link = l;
        s->data = l->mem + (size_t)i * mtu;
        s->next_free = l->free;
        l->free = s;
    }
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&mask, 255, 255, 255, 0);
    for (int i = 0; i < 2; i++) {
        IP4_ADDR(&addr, 10, 0, 0, i + 1);
        IP4_ADDR(&gw, 10, 0, 0, 2 - i);
        if (!netif_add(&l->nif[i], &addr, &mask, &gw, l, link_netif_init, ip_input)) return -1;
        netif_set_up(&l->nif[i]);
    }
    return 0;
}

/* The slots go; the interfaces stay with lwIP, which cannot be shut down (its pcbs in TIME-WAIT
 * hold no packet). */
static void link_free(struct link *l)
{
    free(l->slots);
    free(l->mem);
    free(l->dir[0].q);
    free(l->dir[1].q);
}

static void on_error(void *arg, err_t err)
{
    struct bench *b = arg;
    b->client = b->server = NULL; /* lwIP has freed the pcb */
    fail(b, "connection failed", err);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct bench *b = arg;
    if (err != ERR_OK || b->failed) {
        if (p) pbuf_free(p);
        return ERR_OK;
    }
    if (!p) { /* the peer's FIN: the end of the stream */
        if (b->recvd != b->o->bytes) fail(b, "end of stream before the last byte", 0);
        b->eof = true;
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_err(pcb, NULL);
        b->server = NULL;
        err_t e = tcp_close(pcb);
        if (e != ERR_OK) fail(b, "close (server)", e);
        return ERR_OK;
    }
    bool ok = true;
    if (b->o->rx_in_place) {
        uint64_t off = b->recvd;
        for (struct pbuf *q = p; q && ok; q = q->next) {
            ok = bench_verify(off, q->payload, q->len);
            off += q->len;
        }
    } else {
        /* As a synack_recv() caller: copy into the application's buffer, then look. */
        ok = pbuf_copy_partial(p, b->rxbuf, p->tot_len, 0) == p->tot_len &&
             bench_verify(b->recvd, b->rxbuf, p->tot_len);
    }
    if (!ok) fail(b, "data differ", 0);
    b->recvd += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct bench *b = arg;
    if (err != ERR_OK || !pcb) return fail(b, "accept", err), ERR_VAL;
    b->server = pcb;
    tcp_arg(pcb, b);
    tcp_recv(pcb, on_recv);
    tcp_err(pcb, on_error);
    return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct bench *b = arg;
    (void)pcb;
    if (err != ERR_OK) return fail(b, "connect", err), ERR_OK;
    b->connected = true;
    return ERR_OK;
}

static void describe(struct bench *b)
{
    if (b->described) return;
    b->described = true;
    printf("connection: mss %u (%u payload bytes per full segment), window scale %u/%u, "
           "timestamps off, sack off\n",
           b->client->mss, b->client->mss, b->client->snd_scale, b->client->rcv_scale);
}

/* The sender's part of one turn of the loop: queue what fits, close after the last byte. */
static void send_some(struct bench *b, bool *moved)
{
    struct tcp_pcb *pcb = b->client;
    while (b->sent < b->o->bytes) {
        size_t max, room = tcp_sndbuf(pcb);
        if (room == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN) break;
        const uint8_t *p = bench_pattern_at(b->sent, &max);
        size_t len = b->o->bytes - b->sent < max ? (size_t)(b->o->bytes - b->sent) : max;
        if (len > room) len = room;
        err_t err = tcp_write(pcb, p, (u16_t)len, TCP_WRITE_FLAG_COPY);
        if (err == ERR_MEM) break;
        if (err != ERR_OK) return (void)fail(b, "write", err);
        b->sent += len;
        *moved = true;
    }
    tcp_output(pcb);
    if (b->sent < b->o->bytes) return;
    describe(b);
    tcp_arg(pcb, NULL);
    tcp_err(pcb, NULL);
    if (tcp_close(pcb) == ERR_OK) b->client = NULL; /* else: no memory now, try again */
}

/* When nothing moved, sleep until lwIP's next timer and count the stall; then run timers. */
static void timers(bool moved, struct bench_run *r)
{
    if (!moved) {
        u32_t ms = sys_timeouts_sleeptime();
        if (ms > 1000) ms = 1000; /* the watchdog looks at least once a second */
        uint64_t t = bench_mono_ns();
        bench_sleep_until_us(bench_mono_us() + (uint64_t)ms * 1000u);
        r->stalls++;
        r->stall_s += (double)(bench_mono_ns() - t) / 1e9;
    }
    sys_check_timeouts();
}

static int transfer(struct bench *b, struct bench_run *r)
{
    ip_addr_t server_addr;
    IP_ADDR4(&server_addr, 10, 0, 0, 2);
    b->client = tcp_new();
    if (!b->client) return fail(b, "tcp_new", ERR_MEM);
    tcp_bind_netif(b->client, &b->link.nif[0]);
    tcp_arg(b->client, b);
    tcp_err(b->client, on_error);
    err_t err = tcp_connect(b->client, &server_addr, 5001, on_connected);
    if (err != ERR_OK) return fail(b, "connect", err);
    /* Done when the server has read the end of the stream and both pcbs have left the active
     * list: the server's through LAST-ACK to CLOSED, the client's into TIME-WAIT. */
    uint64_t progress = 0, progress_at = bench_mono_us();
    while (!b->failed && !(b->eof && tcp_active_pcbs == NULL)) {
        bool moved = false;
        uint64_t now = bench_mono_us();
        if (b->sent + b->recvd != progress) {
            progress = b->sent + b->recvd;
            progress_at = now;
        } else if (now - progress_at > 10u * 1000000u) { /* never hang: report and give up */
            fprintf(stderr, "lwip-bench-bulk: no progress for 10 s: sent %llu, received %llu\n",
                    (unsigned long long)b->sent, (unsigned long long)b->recvd);
            for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
                fprintf(stderr, "  pcb %s snd_nxt %u lastack %u snd_wnd %u rcv_nxt %u cwnd %u\n",
                        tcp_debug_state_str(p->state), p->snd_nxt, p->lastack, (unsigned)p->snd_wnd,
                        p->rcv_nxt, (unsigned)p->cwnd);
            return fail(b, "stuck", 0);
        }
        if (b->client && b->connected) send_some(b, &moved);
        moved |= link_deliver(&b->link, 0) > 0;
        moved |= link_deliver(&b->link, 1) > 0;
        timers(moved, r);
    }
    if (!b->failed && (!tcp_tw_pcbs || tcp_tw_pcbs->state != TIME_WAIT))
        fail(b, "the client did not reach TIME-WAIT", 0);
    return b->failed ? -1 : 0;
}

static int run_once(struct bench *b, struct bench_run *r)
{
    *r = (struct bench_run){0};
    b->sent = b->recvd = 0;
    b->connected = b->eof = false;
    uint64_t packets0 = b->link.dir[0].tail + b->link.dir[1].tail, drops0 = b->link.drops;
    double c0 = bench_cpu_s();
    uint64_t t0 = bench_mono_ns();
    bench_profile_begin();
    int err = transfer(b, r);
    bench_profile_end();
    r->wall_s = (double)(bench_mono_ns() - t0) / 1e9;
    r->cpu_s = bench_cpu_s() - c0;
    r->packets = b->link.dir[0].tail + b->link.dir[1].tail - packets0;
    r->link_drops = b->link.drops - drops0;
    return err;
}

static int listen_on(struct bench *b)
{
    ip_addr_t addr;
    IP_ADDR4(&addr, 10, 0, 0, 2);
    struct tcp_pcb *pcb = tcp_new();
    if (!pcb) return fail(b, "tcp_new", ERR_MEM);
    tcp_bind_netif(pcb, &b->link.nif[1]);
    err_t err = tcp_bind(pcb, &addr, 5001);
    if (err != ERR_OK) return fail(b, "bind", err);
    b->listener = tcp_listen_with_backlog_and_err(pcb, 4, &err);
    if (!b->listener) return fail(b, "listen", err);
    tcp_arg(b->listener, b);
    tcp_accept(b->listener, on_accept);
    return 0;
}

int main(int argc, char **argv)
{
    struct bench_opts o;
    bench_parse(argc, argv, "lwip-bench-bulk", &o);
    bench_pattern_init(o.chunk);
    lwip_init();
    struct bench b = {.o = &o, .rxbuf = malloc(0x10000)};
    /* Every packet lwIP's compiled-in buffers can put in flight, with their ACKs. */
    if (!b.rxbuf || link_init(&b.link, o.mtu, 1024) || listen_on(&b)) {
        fprintf(stderr, "lwip-bench-bulk: setup failed\n");
        return 1;
    }
    char detail[320];
    snprintf(detail, sizeof(detail),
             "lwIP %s (Debian liblwip0): TCP_MSS %d, TCP_WND %d, TCP_SND_BUF %d, "
             "TCP_RCV_SCALE %d, no timestamps, no sack; receive %s; one lwIP with two netifs; "
             "monotonic clock (ms)",
             LWIP_VERSION_STRING, TCP_MSS, TCP_WND, TCP_SND_BUF, TCP_RCV_SCALE,
             o.rx_in_place ? "in place" : "copied out");
    bench_print_header("lwip", &o, detail);
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
    if (!status) bench_print_median("lwip", &o, runs, o.runs);
    link_free(&b.link);
    free(b.rxbuf);
    bench_pattern_free();
    return status;
}
