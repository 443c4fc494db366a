/* synack CLI — the transfer scenario. The client sends --bytes to the server through a link with
 * --loss and --reorder in each direction; the handshake and the close are recorded and drawn like
 * the other scenarios, the data phase between them is counted instead (its segments would fill
 * pages) and summarised under the ladder, with each retransmission it needed. */
#include "transfer.h"

#include <errno.h>
#include <string.h>

#include "events_json.h"
#include "json.h"
#include "ladder.h"
#include "names.h"
#include "run.h"
#include "wrap.h"

#define PORT          80
#define SHOWN_EVENTS  10
#define VIRTUAL_LIMIT SYNACK_SEC(24 * 3600) /* a transfer not done by then has failed */
#define STEP          SYNACK_MSEC(5)        /* the applications look at least this often */
#define LABEL_W       20

struct rexmit {
    synack_time_t at;
    int side;
    uint32_t rel_seq, len;
    bool after_rto;
};

struct side_ctx {
    struct xfer *x;
    int side;
};

struct xfer {
    const struct transfer_opts *o;
    struct demo_setup setup;
    struct trace trace;
    struct demo_link dl;
    struct synack_stack *st[2]; /* dl's, by name */
    struct synack_simlink *link;
    struct side_ctx ctx[2];
    struct synack_conn *listener, *conn[2];
    synack_time_t now, data_start, data_end;
    bool quiet; /* the data phase: count events instead of recording them */
    uint64_t segs[2], data_segs[2], sent, rcvd, mismatch_at;
    bool mismatch, eof, done;
    uint32_t snd_max[2];
    synack_time_t rto_at[2];
    uint64_t nrexmit, nrto;
    struct rexmit shown[SHOWN_EVENTS];
    char note[256];
};

void transfer_opts_init(struct transfer_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->bytes = TRANSFER_DEFAULT_BYTES;
    o->seed = 1;
}

/* Byte i of the stream for a seed: splitmix64 of its 8-byte word, so both ends compute it. */
static uint8_t data_byte(uint64_t seed, uint64_t i)
{
    uint64_t z = seed + (i >> 3) * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (uint8_t)(z >> ((i & 7) * 8));
}

static bool before(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

/* A segment sent in the data phase: counted; one that covers sequence space sent before is a
 * retransmission, after a timeout if one fired at that instant, else fast retransmit or SACK
 * recovery (RFC 5681 §3.2, RFC 6675). */
static void quiet_segment(struct xfer *x, int side, const struct synack_event *ev)
{
    const struct synack_segment_info *seg = &ev->seg;
    uint32_t space = trace_seg_space(seg);
    x->segs[side]++;
    x->data_segs[side] += seg->len > 0;
    if (space && before(seg->seq, x->snd_max[side])) {
        if (x->nrexmit < SHOWN_EVENTS)
            x->shown[x->nrexmit] = (struct rexmit){ev->now, side, seg->seq - x->trace.isn[side],
                                                   seg->len, x->rto_at[side] == ev->now};
        x->nrexmit++;
    }
    if (space && before(x->snd_max[side], seg->seq + space)) x->snd_max[side] = seg->seq + space;
}

static void on_event(void *ctx, const struct synack_event *ev)
{
    struct side_ctx *sc = ctx;
    struct xfer *x = sc->x;
    if (!x->quiet) {
        trace_event(&x->trace, sc->side, ev);
        return;
    }
    switch (ev->type) {
    case SYNACK_EV_SEGMENT_OUT: quiet_segment(x, sc->side, ev); return;
    case SYNACK_EV_RETRANSMIT:
        x->rto_at[sc->side] = ev->now;
        x->nrto++;
        return;
    case SYNACK_EV_STATE: /* not expected while data flows: show it */
    case SYNACK_EV_ERROR:
    case SYNACK_EV_DELIVERY_PROBLEM:
    case SYNACK_EV_ICMP:
    case SYNACK_EV_URGENT: trace_event(&x->trace, sc->side, ev); return;
    case SYNACK_EV_SEGMENT_IN:
    case SYNACK_EV_DROP:
    case SYNACK_EV_RST_SENT:
    case SYNACK_EV_READABLE:
    case SYNACK_EV_WRITABLE:
    case SYNACK_EV_ACCEPTABLE:
    case SYNACK_EV_TYPE_COUNT: return;
    }
}

static int setup(struct xfer *x)
{
    demo_setup_init(&x->setup);
    struct synack_config defaults;
    synack_config_init(&defaults);
    x->setup.cfg.delack_timeout = defaults.delack_timeout; /* a transfer as it really runs */
    x->setup.cfg.seed ^= x->o->seed;
    trace_init(&x->trace);
    int err = demo_link_open(&x->dl, &x->setup);
    if (err) return err;
    memcpy(x->st, x->dl.st, sizeof(x->st));
    x->link = x->dl.link;
    struct synack_sim_faults f = {
        .loss = x->o->loss, .reorder = x->o->reorder, .reorder_delay = SYNACK_MSEC(20)};
    for (int i = 0; i < 2; i++) {
        err = synack_simlink_set_faults(x->link, i, &f, x->o->seed * 2 + (uint64_t)i);
        if (err) return err;
        x->ctx[i] = (struct side_ctx){x, i};
        synack_stack_set_event_fn(x->st[i], on_event, &x->ctx[i]);
    }
    return 0;
}

static void teardown(struct xfer *x)
{
    demo_link_close(&x->dl);
    trace_free(&x->trace);
}

/* A call on the ladder: recorded before it runs, so that what it causes follows it. */
static long call(struct xfer *x, int side, enum demo_call c)
{
    size_t i = trace_call(&x->trace, side, x->now, c);
    struct synack_conn *conn = x->conn[side];
    long r = -EINVAL;
    uint8_t b;
    switch (c) {
    case CALL_CLOSE: r = synack_close(conn, x->now); break;
    case CALL_RECV: r = (long)synack_recv(conn, &b, 1, x->now); break;
    case CALL_LISTEN:
    case CALL_CONNECT:
    case CALL_ACCEPT:
    case CALL_SEND:
    case CALL_SHUTDOWN:
    case CALL_ABORT: break;
    }
    trace_call_done(&x->trace, i, r, NULL, 0);
    return r;
}

static void advance(struct xfer *x)
{
    x->now = synack_simlink_run(x->link, x->now, x->now + STEP);
}

static int open_connection(struct xfer *x)
{
    struct synack_endpoint local = {x->setup.addr[SIDE_SERVER], PORT};
    size_t i = trace_call(&x->trace, SIDE_SERVER, x->now, CALL_LISTEN);
    trace_call_ports(&x->trace, i, PORT, 0);
    long r = synack_listen(x->st[SIDE_SERVER], &local, 8, x->now, &x->listener);
    trace_call_done(&x->trace, i, r, NULL, 0);
    if (r) return (int)r;
    i = trace_call(&x->trace, SIDE_CLIENT, x->now, CALL_CONNECT);
    trace_call_ports(&x->trace, i, 0, PORT);
    r = synack_connect(x->st[SIDE_CLIENT], NULL, &local, x->now, &x->conn[SIDE_CLIENT]);
    trace_call_done(&x->trace, i, r, NULL, 0);
    if (r) return (int)r;
    while (x->now < VIRTUAL_LIMIT) {
        advance(x);
        if (synack_conn_state(x->conn[SIDE_CLIENT]) == SYNACK_CLOSED) return -ETIMEDOUT;
        struct synack_conn *c;
        i = trace_call(&x->trace, SIDE_SERVER, x->now, CALL_ACCEPT);
        r = synack_accept(x->listener, &c);
        if (r == 0) {
            trace_call_done(&x->trace, i, 0, NULL, 0);
            x->conn[SIDE_SERVER] = c;
            return 0;
        }
        trace_call_forget(&x->trace, i);
    }
    return -ETIMEDOUT;
}

static void send_some(struct xfer *x)
{
    static uint8_t chunk[16384];
    while (x->sent < x->o->bytes) {
        size_t n = x->o->bytes - x->sent < sizeof chunk ? x->o->bytes - x->sent : sizeof chunk;
        for (size_t i = 0; i < n; i++)
            chunk[i] = data_byte(x->o->seed, x->sent + i);
        ssize_t k = synack_send(x->conn[SIDE_CLIENT], chunk, n, x->now);
        if (k <= 0) return;
        x->sent += (uint64_t)k;
    }
}

/* The server reads what arrived and checks every byte against the stream. */
static void read_some(struct xfer *x)
{
    static uint8_t buf[16384];
    for (;;) {
        ssize_t k = synack_recv(x->conn[SIDE_SERVER], buf, sizeof buf, x->now);
        if (k <= 0) return;
        for (ssize_t i = 0; i < k; i++)
            if (!x->mismatch && buf[i] != data_byte(x->o->seed, x->rcvd + (uint64_t)i)) {
                x->mismatch = true;
                x->mismatch_at = x->rcvd + (uint64_t)i;
            }
        x->rcvd += (uint64_t)k;
    }
}

static bool all_acked(const struct xfer *x)
{
    struct synack_status st;
    return synack_status(x->conn[SIDE_CLIENT], &st) == 0 && st.send_queued == 0;
}

/* The data phase: quiet until every byte is read and acknowledged. */
static int move_data(struct xfer *x)
{
    x->quiet = true;
    x->data_start = x->now;
    memcpy(x->snd_max, x->trace.snd_max, sizeof x->snd_max);
    trace_note(&x->trace, x->now, x->note);
    while (x->now < VIRTUAL_LIMIT) {
        send_some(x);
        read_some(x);
        if (x->sent == x->o->bytes && x->rcvd == x->o->bytes && all_acked(x)) break;
        if (synack_conn_state(x->conn[SIDE_CLIENT]) == SYNACK_CLOSED) break;
        advance(x);
    }
    x->quiet = false;
    x->data_end = x->now;
    memcpy(x->trace.snd_max, x->snd_max, sizeof x->snd_max);
    return x->rcvd == x->o->bytes ? 0 : -ETIMEDOUT;
}

/* The 4-way close, drawn: the client closes, the server reads the end and closes. */
static void close_connection(struct xfer *x)
{
    call(x, SIDE_CLIENT, CALL_CLOSE);
    while (!x->eof && x->now < x->data_end + SYNACK_SEC(600)) {
        advance(x);
        struct synack_status st;
        /* the end of the stream is there once the server has taken the FIN */
        if (synack_status(x->conn[SIDE_SERVER], &st) == 0 && st.state != SYNACK_ESTABLISHED)
            x->eof = call(x, SIDE_SERVER, CALL_RECV) != -EAGAIN;
    }
    call(x, SIDE_SERVER, CALL_CLOSE);
    x->now = synack_simlink_run(x->link, x->now, x->now + x->setup.horizon);
}

static void make_note(struct xfer *x)
{
    char d[32];
    snprintf(x->note, sizeof x->note,
             "[ data phase, %s: %llu bytes client->server ]\n"
             "[ %llu + %llu segments, not drawn; %llu sent again: see below ]",
             format_duration(x->data_end - x->data_start, d, sizeof d), (unsigned long long)x->rcvd,
             (unsigned long long)x->segs[0], (unsigned long long)x->segs[1],
             (unsigned long long)x->nrexmit);
}

static void label(FILE *f, const char *l, const char *text)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%-*s", LABEL_W, l);
    wrap_print(f, prefix, text, LADDER_WIDTH);
}

static void print_text(struct xfer *x, FILE *f)
{
    char t[256], a[32], b[32], c[32];
    struct synack_sim_stats ls[2];
    synack_simlink_stats(x->link, 0, &ls[0]);
    synack_simlink_stats(x->link, 1, &ls[1]);
    const struct synack_counters *k0 = synack_stack_counters(x->st[0]);
    synack_time_t span = x->data_end - x->data_start;
    double mbit = span ? (double)x->rcvd * 8 / ((double)span / 1e6) / 1e6 : 0;
    fprintf(f, "\n");
    snprintf(t, sizeof t, "%llu bytes client->server from %s to %s: %.2f Mbit/s (virtual time)",
             (unsigned long long)x->rcvd, format_duration(x->data_start, a, sizeof a),
             format_duration(x->data_end, b, sizeof b), mbit);
    label(f, "transfer:", t);
    snprintf(t, sizeof t, "the client sent %llu (%llu with data), the server %llu (ACKs)",
             (unsigned long long)x->segs[0], (unsigned long long)x->data_segs[0],
             (unsigned long long)x->segs[1]);
    label(f, "segments:", t);
    snprintf(t, sizeof t,
             "loss %g%%, reordering %g%% each way (seed %llu): lost %llu client->server, %llu "
             "server->client; %llu and %llu held back",
             x->o->loss * 100, x->o->reorder * 100, (unsigned long long)x->o->seed,
             (unsigned long long)ls[0].lost, (unsigned long long)ls[1].lost,
             (unsigned long long)ls[0].reordered, (unsigned long long)ls[1].reordered);
    label(f, "link:", t);
    snprintf(t, sizeof t,
             "%llu segments sent again: %llu after a retransmission timeout, the others by fast "
             "retransmit or SACK recovery (%llu recovery episodes)",
             (unsigned long long)x->nrexmit, (unsigned long long)x->nrto,
             (unsigned long long)k0->recoveries);
    label(f, "loss recovery:", t);
    for (uint64_t i = 0; i < x->nrexmit && i < SHOWN_EVENTS; i++) {
        const struct rexmit *r = &x->shown[i];
        snprintf(a, sizeof a, "  %s ms", format_ms(r->at, c, sizeof c));
        snprintf(t, sizeof t, "%s sends seq %u len %u again (%s)", side_name(r->side), r->rel_seq,
                 r->len, r->after_rto ? "retransmission timeout" : "fast retransmit/SACK");
        label(f, a, t);
    }
    if (x->nrexmit > SHOWN_EVENTS) {
        snprintf(t, sizeof t, "... and %llu more", (unsigned long long)(x->nrexmit - SHOWN_EVENTS));
        label(f, "", t);
    }
    if (x->mismatch)
        snprintf(t, sizeof t, "FAILED: byte %llu differs from the byte sent",
                 (unsigned long long)x->mismatch_at);
    else
        snprintf(t, sizeof t, "%llu of %llu bytes read by the server, each equal to the byte sent",
                 (unsigned long long)x->rcvd, (unsigned long long)x->o->bytes);
    label(f, "data check:", t);
}

static void print_json(struct xfer *x, FILE *f)
{
    struct synack_sim_stats ls[2];
    synack_simlink_stats(x->link, 0, &ls[0]);
    synack_simlink_stats(x->link, 1, &ls[1]);
    struct json_obj o;
    json_begin(&o, f);
    json_int(&o, "time_us", (long long)x->data_end);
    json_str(&o, "type", "transfer");
    json_int(&o, "bytes", (long long)x->o->bytes);
    json_int(&o, "received", (long long)x->rcvd);
    json_bool(&o, "data_ok", !x->mismatch && x->rcvd == x->o->bytes);
    json_int(&o, "start_us", (long long)x->data_start);
    json_int(&o, "client_segments", (long long)x->segs[0]);
    json_int(&o, "server_segments", (long long)x->segs[1]);
    json_int(&o, "sent_again", (long long)x->nrexmit);
    json_int(&o, "timeouts", (long long)x->nrto);
    json_int(&o, "lost_client_to_server", (long long)ls[0].lost);
    json_int(&o, "lost_server_to_client", (long long)ls[1].lost);
    json_int(&o, "seed", (long long)x->o->seed);
    json_end(&o);
}

int transfer_demo(const struct scenario *sc, const struct transfer_opts *o, bool json, FILE *out)
{
    static struct xfer x;
    memset(&x, 0, sizeof x);
    x.o = o;
    int err = setup(&x);
    if (!err) err = open_connection(&x);
    if (!err) err = move_data(&x);
    if (!err) close_connection(&x);
    make_note(&x);
    if (!err && x.trace.oom) err = -ENOMEM;
    if (err == -ENOMEM) {
        fprintf(stderr, "synack demo: the scenario could not run: %s\n", synack_strerror(err));
        teardown(&x);
        return 1;
    }
    if (json) {
        events_json_print(out, sc, &x.setup, &x.trace);
        print_json(&x, out);
    } else {
        ladder_print(out, sc, &x.setup, &x.trace);
        print_text(&x, out);
    }
    bool ok = !err && !x.mismatch && x.rcvd == o->bytes;
    if (!ok)
        fprintf(stderr, "synack demo: the transfer did not complete: %s\n",
                err ? synack_strerror(err) : "the data differ");
    teardown(&x);
    return ok ? 0 : 1;
}
