/* synack CLI — listen and connect: one stack on a TUN device, driven by the event loop.
 *
 * Each turn of the loop ends in nc_step(), which serves every connection until nothing moves:
 * what arrives goes to standard output (or back to the peer with --echo), standard input goes to
 * the connections, and a connection whose input has ended is shut down (FIN). Back-pressure
 * holds all the way: standard input is read only when the last chunk has been taken by every
 * connection, and a connection is read only while the output buffer has room, so a slow reader
 * closes the stack's receive window instead of losing data. */
#include "nc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live_trace.h"
#include "names.h"
#include "nc_opts.h"
#include "pcap.h"
#include "wrap.h"

#define NC_IOBUF (64 * 1024)

struct nc;

struct nc_conn {
    struct nc *nc;
    struct synack_conn *c;
    unsigned id;
    struct synack_endpoint remote;
    size_t in_off;       /* bytes of the current chunk of standard input sent on this connection */
    size_t urgent_off;   /* --urgent: octets of TEXT sent (it goes first) */
    uint64_t read_total; /* octets read from the connection */
    uint8_t *echo;       /* --echo: bytes received, not yet sent back */
    size_t echo_len;
    bool open; /* reached ESTABLISHED */
    bool shut; /* our FIN is queued */
    bool eof;  /* the peer's FIN was read */
    int error; /* the connection failed */
    struct nc_conn *next;
};

struct nc {
    const struct nc_opts *o;
    const char *name; /* "listen" or "connect" */
    struct synack_stack *stack;
    struct synack_tun *tun;
    struct synack_loop *loop;
    struct pcap_file *pcap;
    bool pcap_dirty;
    struct live_trace *trace;
    struct synack_conn *listener;
    struct nc_conn *conns;
    unsigned next_id, served;
    unsigned opened, ecn_opened; /* connections that reached ESTABLISHED; of them, with ECN */
    unsigned urgent_signals;     /* SYNACK_EV_URGENT: runs of urgent data that arrived */
    bool stdio;                  /* standard input and output in use (not --echo) */
    int fd_flags[2];
    uint8_t in[NC_IOBUF];
    size_t in_len;
    bool in_eof;
    uint8_t out[NC_IOBUF];
    size_t out_off, out_len;
    int status;
    int signo;
};

/* ---- the device: every packet in and out, also to the capture file ---- */

static int nc_transmit(void *ctx, const uint8_t *pkt, size_t len, synack_time_t now)
{
    struct nc *nc = ctx;
    (void)now;
    if (nc->pcap) {
        pcap_file_write(nc->pcap, pkt, len);
        nc->pcap_dirty = true;
    }
    return synack_tun_write(nc->tun, pkt, len);
}

static ssize_t nc_receive(void *ctx, uint8_t *buf, size_t len)
{
    struct nc *nc = ctx;
    ssize_t n = synack_tun_read(nc->tun, buf, len);
    if (n > 0 && nc->pcap) {
        pcap_file_write(nc->pcap, buf, (size_t)n);
        nc->pcap_dirty = true;
    }
    return n;
}

static void report_urgent(struct nc *nc, struct synack_conn *c);

static void on_event(void *ctx, const struct synack_event *ev)
{
    struct nc *nc = ctx;
    if (nc->trace) live_trace_event(nc->trace, ev);
    if (ev->type == SYNACK_EV_URGENT && ev->conn) report_urgent(nc, ev->conn);
}

/* ---- calls, drawn on the ladder with --trace ---- */

static void call_begin(struct nc *nc, struct synack_conn *c)
{
    if (nc->trace) live_trace_call_begin(nc->trace, c);
}

static void call_end(struct nc *nc, struct synack_conn *c, enum demo_call call, long result,
                     const void *data, synack_time_t now)
{
    if (!nc->trace) return;
    if (result == -EAGAIN)
        live_trace_call_cancel(nc->trace);
    else
        live_trace_call_end(nc->trace, c, call, result, data, result > 0 ? (size_t)result : 0, now);
}

/* ---- connections ---- */

static void report(struct nc *nc, const struct nc_conn *k, int err)
{
    char a[48];
    if (nc->o->keep_open)
        fprintf(stderr, "synack %s: connection #%u from %s:%u: %s\n", nc->name, k->id,
                synack_addr_format(&k->remote.addr, a, sizeof(a)), k->remote.port,
                synack_strerror(err));
    else
        fprintf(stderr, "synack %s: %s\n", nc->name, synack_strerror(err));
}

static struct nc_conn *conn_add(struct nc *nc, struct synack_conn *c)
{
    struct nc_conn *k = calloc(1, sizeof(*k));
    if (k && nc->o->echo && !(k->echo = malloc(NC_IOBUF))) {
        free(k);
        k = NULL;
    }
    if (!k) {
        synack_abort(c, synack_loop_now());
        fprintf(stderr, "synack %s: out of memory for a connection\n", nc->name);
        return NULL;
    }
    struct synack_status st;
    synack_status(c, &st);
    *k = (struct nc_conn){.nc = nc,
                          .c = c,
                          .id = ++nc->next_id,
                          .remote = st.remote,
                          .echo = k->echo,
                          .in_off = nc->in_len,
                          .next = nc->conns};
    nc->conns = k;
    return k;
}

static void conn_remove(struct nc *nc, struct nc_conn *k)
{
    for (struct nc_conn **p = &nc->conns; *p; p = &(*p)->next)
        if (*p == k) {
            *p = k->next;
            break;
        }
    free(k->echo);
    free(k);
    nc->served++;
}

/* The peer sent urgent data (RFC 9293 §3.10.7.4, once per run of it): it stays in line on
 * standard output, so say where it ends, counted from the first octet of the stream: the octets
 * read so far (none while the connection waits to be accepted) and the urgent ones still unread
 * (up to the urgent pointer as it stands: one more than 64 KiB ahead only says "at least this
 * far", RFC 9293 §3.8.5, and moves on with later segments). */
static void report_urgent(struct nc *nc, struct synack_conn *c)
{
    const struct nc_conn *k = nc->conns;
    while (k && k->c != c)
        k = k->next;
    uint32_t unread = synack_conn_urgent(c);
    uint64_t read = k ? k->read_total : 0;
    nc->urgent_signals++;
    fprintf(stderr, "synack %s: ", nc->name);
    if (nc->o->keep_open) {
        struct synack_status st;
        char a[48];
        synack_status(c, &st);
        fprintf(stderr, "connection ");
        if (k) fprintf(stderr, "#%u ", k->id); /* else not accepted yet */
        fprintf(stderr, "from %s:%u: ", synack_addr_format(&st.remote.addr, a, sizeof(a)),
                st.remote.port);
    }
    fprintf(stderr, "urgent data: %lu octets unread, up to octet %llu of the stream\n",
            (unsigned long)unread, (unsigned long long)(read + unread));
}

/* The connection ended (both FINs, or an error): release the handle. */
static void conn_finish(struct nc *nc, struct nc_conn *k, synack_time_t now)
{
    if (k->error) {
        report(nc, k, k->error);
        if (!nc->o->keep_open) nc->status = 1;
    }
    call_begin(nc, k->c);
    int r = synack_close(k->c, now);
    call_end(nc, NULL, CALL_CLOSE, r, NULL, now);
    conn_remove(nc, k);
}

/* Bytes from the connection into buf; false when nothing more comes now. */
static bool conn_read(struct nc *nc, struct nc_conn *k, uint8_t *buf, size_t room, size_t *got,
                      synack_time_t now)
{
    if (k->eof || k->error || room == 0) return false;
    call_begin(nc, k->c);
    ssize_t r = synack_recv(k->c, buf, room, now);
    call_end(nc, NULL, CALL_RECV, r, buf, now);
    if (r > 0) {
        *got += (size_t)r;
        k->read_total += (uint64_t)r;
        return true;
    }
    if (r == 0) k->eof = true;
    if (r < 0 && r != -EAGAIN) k->error = (int)r;
    return r == 0;
}

/* Bytes to the connection; how many it took (0 when its send buffer is full). */
static size_t conn_write(struct nc *nc, struct nc_conn *k, const uint8_t *buf, size_t len,
                         synack_time_t now)
{
    if (len == 0 || k->error) return 0;
    call_begin(nc, k->c);
    ssize_t r = synack_send(k->c, buf, len, now);
    call_end(nc, NULL, CALL_SEND, r, buf, now);
    if (r > 0) return (size_t)r;
    if (r < 0 && r != -EAGAIN) k->error = (int)r;
    return 0;
}

/* --urgent: TEXT as urgent data (SEND with the URGENT flag, §3.8.5), before anything else. The
 * octets taken end the urgent data: should the send buffer take TEXT in parts, the urgent
 * pointer moves on with each. True when something was taken. */
static bool conn_write_urgent(struct nc *nc, struct nc_conn *k, synack_time_t now)
{
    const struct nc_opts *o = nc->o;
    if (k->urgent_off >= o->urgent_len || k->error) return false;
    call_begin(nc, k->c);
    const char *buf = o->urgent + k->urgent_off;
    ssize_t r = synack_send_urgent(k->c, buf, o->urgent_len - k->urgent_off, now);
    call_end(nc, NULL, CALL_SEND, r, buf, now);
    if (r > 0) k->urgent_off += (size_t)r;
    if (r < 0 && r != -EAGAIN) k->error = (int)r;
    return r > 0;
}

static bool urgent_pending(const struct nc *nc, const struct nc_conn *k)
{
    return k->urgent_off < nc->o->urgent_len;
}

/* What arrives goes back (--echo) or to the output buffer; what is due goes out: --urgent's TEXT
 * first, then the rest. */
static bool conn_move(struct nc *nc, struct nc_conn *k, synack_time_t now)
{
    bool moved = conn_write_urgent(nc, k, now);
    bool may_send = !urgent_pending(nc, k);
    if (nc->o->echo) {
        moved |= conn_read(nc, k, k->echo + k->echo_len, NC_IOBUF - k->echo_len, &k->echo_len, now);
        size_t n = may_send ? conn_write(nc, k, k->echo, k->echo_len, now) : 0;
        memmove(k->echo, k->echo + n, k->echo_len - n);
        k->echo_len -= n;
        return moved || n > 0;
    }
    if (nc->out_off == nc->out_len) nc->out_off = nc->out_len = 0;
    moved |= conn_read(nc, k, nc->out + nc->out_len, NC_IOBUF - nc->out_len, &nc->out_len, now);
    if (may_send && k->in_off < nc->in_len) {
        size_t n = conn_write(nc, k, nc->in + k->in_off, nc->in_len - k->in_off, now);
        k->in_off += n;
        moved |= n > 0;
    }
    return moved;
}

static bool nothing_more_to_send(const struct nc *nc, const struct nc_conn *k)
{
    if (urgent_pending(nc, k)) return false;
    if (nc->o->echo) return k->eof && k->echo_len == 0;
    return nc->in_eof && k->in_off >= nc->in_len;
}

/* The handshake is done: whether ECN was agreed on is known from here on (RFC 3168 §6.1.1). */
static void conn_opened(struct nc *nc, struct nc_conn *k)
{
    struct synack_status st;
    k->open = true;
    nc->opened++;
    if (synack_status(k->c, &st) == 0 && st.ecn) nc->ecn_opened++;
}

/* Serve one connection; true when something moved. May finish (and free) it. */
static bool conn_serve(struct nc *nc, struct nc_conn *k, synack_time_t now)
{
    enum synack_state st = synack_conn_state(k->c);
    if (!k->open && st >= SYNACK_ESTABLISHED) conn_opened(nc, k);
    if (!k->open && st == SYNACK_CLOSED) {
        int err = synack_conn_error(k->c);
        k->error = err ? err : -ECONNREFUSED;
    }
    if (!k->open && !k->error) return false; /* still opening */
    bool moved = k->open && conn_move(nc, k, now);
    if (k->open && !k->shut && !k->error && nothing_more_to_send(nc, k)) {
        call_begin(nc, k->c);
        int r = synack_shutdown(k->c, now);
        call_end(nc, NULL, CALL_SHUTDOWN, r, NULL, now);
        k->shut = true;
        moved = true;
    }
    /* Both FINs are through (ours acknowledged). A connection reset before that is reported
     * by recv() once the data that came before the RST has been read (or by send()). */
    st = synack_conn_state(k->c);
    bool closed = k->shut && k->eof && (st == SYNACK_TIME_WAIT || st == SYNACK_CLOSED);
    if (closed && st == SYNACK_CLOSED && !k->error) k->error = synack_conn_error(k->c);
    if (k->error || closed) {
        conn_finish(nc, k, now);
        return true;
    }
    return moved;
}

static void accept_all(struct nc *nc, synack_time_t now)
{
    struct synack_conn *c;
    while (nc->listener) {
        call_begin(nc, NULL);
        int r = synack_accept(nc->listener, &c);
        call_end(nc, r == 0 ? c : NULL, CALL_ACCEPT, r, NULL, now);
        if (r != 0) return;
        conn_add(nc, c);
        if (!nc->o->keep_open) { /* one connection: later SYNs are refused */
            synack_close(nc->listener, now);
            nc->listener = NULL;
        }
    }
}

/* ---- standard input and output ---- */

static void abort_all(struct nc *nc, synack_time_t now)
{
    while (nc->conns) {
        struct nc_conn *k = nc->conns;
        call_begin(nc, k->c);
        int r = synack_abort(k->c, now);
        call_end(nc, NULL, CALL_ABORT, r, NULL, now);
        conn_remove(nc, k);
    }
    if (nc->listener) synack_close(nc->listener, now);
    nc->listener = NULL;
}

static void on_stdin(void *ctx, int fd, short revents, synack_time_t now)
{
    struct nc *nc = ctx;
    (void)revents;
    (void)now;
    if (nc->in_len || nc->in_eof) return; /* the last chunk is still being sent */
    ssize_t r = read(fd, nc->in, sizeof(nc->in));
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (r < 0) fprintf(stderr, "synack %s: standard input: %s\n", nc->name, strerror(errno));
    if (r <= 0) {
        nc->in_eof = true;
        return;
    }
    nc->in_len = (size_t)r;
    for (struct nc_conn *k = nc->conns; k; k = k->next)
        k->in_off = k->open && !k->shut ? 0 : nc->in_len;
}

static void on_stdout(void *ctx, int fd, short revents, synack_time_t now)
{
    (void)ctx, (void)fd, (void)revents, (void)now; /* nc_step writes */
}

/* Write what is buffered; true when something was written. */
static bool flush_stdout(struct nc *nc, synack_time_t now)
{
    bool wrote = false;
    while (nc->out_off < nc->out_len) {
        ssize_t w = write(STDOUT_FILENO, nc->out + nc->out_off, nc->out_len - nc->out_off);
        if (w > 0) {
            nc->out_off += (size_t)w;
            wrote = true;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        fprintf(stderr, "synack %s: standard output: %s\n", nc->name, strerror(errno));
        nc->status = 1;
        nc->out_off = nc->out_len = 0;
        abort_all(nc, now);
        synack_loop_stop(nc->loop);
        break;
    }
    if (nc->out_off == nc->out_len) nc->out_off = nc->out_len = 0;
    return wrote;
}

/* Standard input is read when every connection has taken the last chunk; standard output is
 * waited on while it holds bytes back. */
static void update_watches(struct nc *nc)
{
    bool all_taken = true, someone = false;
    for (struct nc_conn *k = nc->conns; k; k = k->next) {
        if (k->in_off < nc->in_len && !k->error && !k->shut) all_taken = false;
        if (k->open && !k->shut && !k->error) someone = true;
    }
    if (all_taken) {
        nc->in_len = 0;
        for (struct nc_conn *k = nc->conns; k; k = k->next)
            k->in_off = 0;
    }
    short in = !nc->in_eof && nc->in_len == 0 && someone ? POLLIN : 0;
    short out = nc->out_len > nc->out_off ? POLLOUT : 0;
    synack_loop_watch(nc->loop, STDIN_FILENO, in, on_stdin, nc);
    synack_loop_watch(nc->loop, STDOUT_FILENO, out, on_stdout, nc);
}

/* ---- each turn ---- */

static void nc_step(void *ctx, synack_time_t now)
{
    struct nc *nc = ctx;
    accept_all(nc, now);
    for (bool moved = true; moved;) {
        moved = false;
        for (struct nc_conn *k = nc->conns, *next; k; k = next) {
            next = k->next;
            moved |= conn_serve(nc, k, now);
        }
        if (nc->stdio) moved |= flush_stdout(nc, now);
    }
    if (nc->stdio) update_watches(nc);
    if (nc->pcap && nc->pcap_dirty) pcap_file_flush(nc->pcap);
    nc->pcap_dirty = false;
    if (nc->trace) live_trace_tidy(nc->trace);
    /* Done once the last connection is and standard output has taken every byte. */
    if (!nc->o->keep_open && !nc->conns && !nc->listener && nc->out_off == nc->out_len)
        synack_loop_stop(nc->loop);
}

static void on_signal(void *ctx, int signo, synack_time_t now)
{
    struct nc *nc = ctx;
    (void)now;
    nc->signo = signo;
    synack_loop_stop(nc->loop);
}

/* ---- setup and teardown ---- */

static uint64_t random_seed(void)
{
    uint64_t seed = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, &seed, sizeof(seed)) != (ssize_t)sizeof(seed)) seed = 0;
        close(fd);
    }
    if (!seed) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 20 ^ (uint64_t)getpid() << 40;
    }
    return seed;
}

static int open_device(struct nc *nc)
{
    const struct nc_opts *o = nc->o;
    int err = synack_tun_open(&o->tun, &nc->tun);
    if (err) {
        fprintf(stderr, "synack %s: cannot open the TUN device %s: %s\n", nc->name, o->tun.name,
                synack_tun_strerror(err));
        return err;
    }
    struct synack_config cfg = o->cfg;
    if (!o->seed_set) cfg.seed = random_seed();
    nc->stack = synack_stack_new(&cfg);
    static const struct synack_device_ops ops = {.transmit = nc_transmit};
    uint8_t mac[6];
    synack_tun_mac(nc->tun, mac);
    int dev = !nc->stack ? -ENOMEM
              : synack_tun_is_tap(nc->tun)
                  ? synack_stack_add_ether_device(nc->stack, &ops, nc, synack_tun_mtu(nc->tun), mac)
                  : synack_stack_add_device(nc->stack, &ops, nc, synack_tun_mtu(nc->tun));
    err = dev < 0 ? dev : synack_stack_add_addr(nc->stack, dev, &o->addr, o->tun.host_prefix);
    if (!err)
        err = synack_loop_add_device(nc->loop, nc->stack, dev, synack_tun_fd(nc->tun), nc_receive,
                                     nc);
    if (err) {
        fprintf(stderr, "synack %s: the stack could not be set up: %s\n", nc->name,
                synack_strerror(err));
        return err;
    }
    synack_stack_set_event_fn(nc->stack, on_event, nc);
    return 0;
}

static void set_nonblocking(struct nc *nc)
{
    for (int fd = 0; fd < 2; fd++) {
        nc->fd_flags[fd] = fcntl(fd, F_GETFL);
        if (nc->fd_flags[fd] >= 0) fcntl(fd, F_SETFL, nc->fd_flags[fd] | O_NONBLOCK);
    }
}

static void restore_blocking(struct nc *nc)
{
    for (int fd = 0; nc->stdio && fd < 2; fd++)
        if (nc->fd_flags[fd] >= 0) fcntl(fd, F_SETFL, nc->fd_flags[fd]);
}

static void trace_intro(struct nc *nc)
{
    const struct nc_opts *o = nc->o;
    char a[48], h[48], m[32], text[512];
    snprintf(text, sizeof(text),
             "synack %s: the stack at %s on %s (MTU %u), the kernel side %s/%u; MSL %s.", nc->name,
             synack_addr_format(&o->addr, a, sizeof(a)), synack_tun_name(nc->tun),
             synack_tun_mtu(nc->tun), synack_addr_format(&o->tun.host_addr, h, sizeof(h)),
             o->tun.host_prefix, format_duration(o->cfg.msl, m, sizeof(m)));
    wrap_print(stderr, "", text, 100);
    wrap_print(stderr, "",
               "seq and ack count from each side's initial sequence number (ISN = 0), as "
               "Wireshark shows them; len is the number of data bytes; times are milliseconds "
               "since the start. Only this stack's view is drawn: a segment is shown when it "
               "leaves synack or arrives at it.",
               100);
}

static int nc_open(struct nc *nc, synack_time_t start)
{
    const struct nc_opts *o = nc->o;
    int err;
    uint32_t link = o->tun.tap ? PCAP_LINKTYPE_ETHERNET : PCAP_LINKTYPE_RAW;
    if (o->pcap_path && (err = pcap_file_open_link(o->pcap_path, link, &nc->pcap))) {
        fprintf(stderr, "synack %s: %s: %s\n", nc->name, o->pcap_path, strerror(-err));
        return err;
    }
    nc->loop = synack_loop_new();
    if (!nc->loop) return -ENOMEM;
    if ((err = open_device(nc))) return err;
    if (o->trace) {
        nc->trace = live_trace_new(stderr, o->mode == NC_LISTEN ? SIDE_SERVER : SIDE_CLIENT, start);
        if (!nc->trace) return -ENOMEM;
        trace_intro(nc);
    }
    signal(SIGPIPE, SIG_IGN);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if ((err = synack_loop_catch_signal(nc->loop, sigs[i], on_signal, nc))) return err;
    if (nc->stdio) set_nonblocking(nc);
    synack_loop_set_step(nc->loop, nc_step, nc);
    return 0;
}

static int nc_start(struct nc *nc, synack_time_t now)
{
    const struct nc_opts *o = nc->o;
    int err;
    if (o->mode == NC_LISTEN) {
        struct synack_endpoint ep = {o->addr, o->port};
        err = synack_listen(nc->stack, &ep, o->backlog, now, &nc->listener);
        if (err) fprintf(stderr, "synack listen: port %u: %s\n", o->port, synack_strerror(err));
        return err;
    }
    struct synack_endpoint remote = {o->host, o->port}, local = {o->addr, o->source_port};
    struct synack_conn *c;
    call_begin(nc, NULL);
    err = synack_connect(nc->stack, o->source_port ? &local : NULL, &remote, now, &c);
    call_end(nc, err ? NULL : c, CALL_CONNECT, err, NULL, now);
    if (err) {
        fprintf(stderr, "synack connect: %s\n", synack_strerror(err));
        return err;
    }
    return conn_add(nc, c) ? 0 : -ENOMEM;
}

/* --stats: what the stack, the device and the loop counted. */
static void print_stats(const struct nc *nc)
{
    const struct synack_counters *c = synack_stack_counters(nc->stack);
    const struct synack_tun_stats *t = synack_tun_stats(nc->tun);
    const struct synack_loop_stats *l = synack_loop_stats(nc->loop);
    FILE *f = stderr;
    fprintf(f, "stack: packets in %llu out %llu, segments in %llu out %llu\n",
            (unsigned long long)c->packets_in, (unsigned long long)c->packets_out,
            (unsigned long long)c->segments_in, (unsigned long long)c->segments_out);
    fprintf(f, "stack: retransmission timeouts %llu, fast retransmits %llu, recoveries %llu\n",
            (unsigned long long)c->retransmits, (unsigned long long)c->fast_retransmits,
            (unsigned long long)c->recoveries);
    fprintf(f, "stack: negative advice to IP at R1 %llu, of which with nothing to act on %llu\n",
            (unsigned long long)c->negative_advice, (unsigned long long)c->negative_advice_noop);
    fprintf(f,
            "stack: connections opened %llu active %llu passive, established %llu, reset %llu, "
            "timed out %llu\n",
            (unsigned long long)c->conns_opened_active, (unsigned long long)c->conns_opened_passive,
            (unsigned long long)c->conns_established, (unsigned long long)c->conns_reset,
            (unsigned long long)c->conns_timed_out);
    fprintf(f,
            "stack: ECN used by %u of %u connections, CE marks received %llu, window cuts for "
            "ECN-Echo %llu\n",
            nc->ecn_opened, nc->opened, (unsigned long long)c->ecn_ce_in,
            (unsigned long long)c->ecn_reductions);
    fprintf(f, "stack: urgent data received %u times, urgent pointers that moved the mark %llu\n",
            nc->urgent_signals, (unsigned long long)c->urgent_in);
    for (int i = 0; i < SYNACK_DROP_REASON_COUNT; i++)
        if (c->drops[i])
            fprintf(f, "stack: dropped %llu: %s\n", (unsigned long long)c->drops[i],
                    synack_drop_reason_name((enum synack_drop_reason)i));
    for (int i = 0; i < SYNACK_RST_REASON_COUNT; i++)
        if (c->rst_sent[i])
            fprintf(f, "stack: RST sent %llu: %s\n", (unsigned long long)c->rst_sent[i],
                    synack_rst_reason_name((enum synack_rst_reason)i));
    fprintf(f,
            "tun: read %llu packets %llu bytes, wrote %llu packets %llu bytes, dropped %llu "
            "(queue full), errors %llu read %llu write\n",
            (unsigned long long)t->rx_packets, (unsigned long long)t->rx_bytes,
            (unsigned long long)t->tx_packets, (unsigned long long)t->tx_bytes,
            (unsigned long long)t->tx_dropped, (unsigned long long)t->rx_errors,
            (unsigned long long)t->tx_errors);
    fprintf(f, "loop: %llu turns, %llu woken by a deadline, %llu full batches\n",
            (unsigned long long)l->turns, (unsigned long long)l->timeouts,
            (unsigned long long)l->full_reads);
    if (nc->pcap)
        fprintf(f, "pcap: %llu packets\n", (unsigned long long)pcap_file_packets(nc->pcap));
}

static void nc_close(struct nc *nc)
{
    synack_time_t now = synack_loop_now();
    if (nc->stack) abort_all(nc, now);
    if (nc->o->stats && nc->stack) print_stats(nc);
    restore_blocking(nc);
    int err = pcap_file_close(nc->pcap);
    if (err) {
        fprintf(stderr, "synack %s: %s: %s\n", nc->name, nc->o->pcap_path, strerror(-err));
        nc->status = 1;
    }
    live_trace_free(nc->trace);
    synack_loop_free(nc->loop);
    synack_stack_free(nc->stack);
    synack_tun_close(nc->tun); /* a device we made goes with it */
}

int nc_main(int argc, char **argv)
{
    struct nc_opts o;
    int rc = nc_parse(argc, argv, &o);
    if (rc) return rc;
    if (o.help) {
        nc_usage(stdout, o.mode);
        return 0;
    }
    struct nc *nc = calloc(1, sizeof(*nc));
    if (!nc) return 1;
    nc->o = &o;
    nc->name = o.mode == NC_LISTEN ? "listen" : "connect";
    nc->stdio = !o.echo;
    nc->fd_flags[0] = nc->fd_flags[1] = -1; /* not changed (yet) */
    synack_time_t start = synack_loop_now();
    if (nc_open(nc, start) != 0 || nc_start(nc, start) != 0) {
        nc->status = 1;
    } else {
        rc = synack_loop_run(nc->loop, SYNACK_TIME_NEVER);
        if (rc < 0) {
            fprintf(stderr, "synack %s: the device failed: %s\n", nc->name,
                    synack_tun_strerror(rc));
            nc->status = 1;
        }
    }
    if (nc->signo && !o.keep_open && (nc->conns || nc->listener)) nc->status = 128 + nc->signo;
    nc_close(nc);
    rc = nc->status;
    free(nc);
    return rc;
}
