/* synack CLI — running a scenario on two stacks and a simulated link. */
#include "run.h"

#include <errno.h>
#include <string.h>

#define DEMO_SEED 0x5eed5eedu

struct side_ctx {
    struct demo_run *run;
    int side;
};

struct demo_run {
    const struct scenario *sc;
    const struct demo_setup *setup;
    struct trace *trace;
    struct synack_stack *st[2];
    struct synack_simlink *link;
    struct side_ctx ctx[2];
    struct synack_conn *listener, *conn[2];
    int drops_left;
    bool peer_fin_seen; /* the drop rule's side has seen the other side's FIN pass */
    synack_time_t now;
};

void demo_setup_init(struct demo_setup *setup)
{
    memset(setup, 0, sizeof(*setup));
    setup->addr[SIDE_CLIENT] = synack_addr_v4(10, 0, 0, 1);
    setup->addr[SIDE_SERVER] = synack_addr_v4(10, 0, 0, 2);
    setup->delay = SYNACK_MSEC(10);
    synack_config_init(&setup->cfg);
    setup->cfg.seed = DEMO_SEED;
    /* Every data segment is ACKed at once, as the handshake pictures draw it; delayed ACKs
     * (RFC 9293 §3.8.6.3) would fold the ACK into the next segment and hide the exchange. */
    setup->cfg.delack_timeout = 0;
    setup->horizon = SYNACK_SEC(600);
}

static void on_event(void *ctx, const struct synack_event *ev)
{
    struct side_ctx *sc = ctx;
    trace_event(sc->run->trace, sc->side, ev);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Every packet entering the link passes here: the scenario's drop rule decides. */
static enum synack_sim_verdict on_packet(void *ctx, int side, const uint8_t *pkt, size_t len,
                                         synack_time_t now, synack_time_t *extra_delay)
{
    struct demo_run *r = ctx;
    const struct drop_rule *rule = &r->sc->drop;
    (void)now;
    (void)extra_delay;
    size_t ihl = len ? (size_t)(pkt[0] & 0x0f) * 4 : 0;
    if (len < 20 || ihl < 20 || len < ihl + 20) return SYNACK_SIM_PASS;
    uint8_t flags = pkt[ihl + 13];
    if (side != rule->side && (flags & SYNACK_TH_FIN)) r->peer_fin_seen = true;
    if (r->drops_left <= 0 || side != rule->side || flags != rule->flags) return SYNACK_SIM_PASS;
    if (rule->after_peer_fin && !r->peer_fin_seen) return SYNACK_SIM_PASS;
    r->drops_left--;
    trace_mark_lost(r->trace, side, be32(pkt + ihl + 4), flags);
    return SYNACK_SIM_DROP;
}

int demo_link_open(struct demo_link *l, const struct demo_setup *setup)
{
    memset(l, 0, sizeof(*l));
    for (int i = 0; i < 2; i++) {
        l->st[i] = synack_stack_new(&setup->cfg);
        if (!l->st[i]) return -ENOMEM;
    }
    int dev[2];
    l->link = synack_simlink_new(l->st[0], l->st[1], setup->delay, &dev[0], &dev[1]);
    if (!l->link) return -ENOMEM;
    for (int i = 0; i < 2; i++) {
        int err = synack_stack_add_addr(l->st[i], dev[i], &setup->addr[i], 24);
        if (err) return err;
    }
    return 0;
}

void demo_link_close(struct demo_link *l)
{
    for (int i = 0; i < 2; i++)
        if (l->st[i]) synack_stack_set_event_fn(l->st[i], NULL, NULL);
    synack_simlink_free(l->link);
    for (int i = 0; i < 2; i++)
        synack_stack_free(l->st[i]);
    memset(l, 0, sizeof(*l));
}

static int setup_link(struct demo_run *r)
{
    struct demo_link l;
    int err = demo_link_open(&l, r->setup);
    memcpy(r->st, l.st, sizeof(r->st));
    r->link = l.link;
    if (err) return err;
    for (int i = 0; i < 2; i++) {
        r->ctx[i] = (struct side_ctx){r, i};
        synack_stack_set_event_fn(r->st[i], on_event, &r->ctx[i]);
    }
    r->drops_left = r->sc->drop.count;
    synack_simlink_set_hook(r->link, on_packet, r);
    return 0;
}

static void teardown(struct demo_run *r)
{
    struct demo_link l = {{r->st[0], r->st[1]}, r->link};
    demo_link_close(&l);
}

static long do_open(struct demo_run *r, const struct demo_step *s)
{
    struct synack_endpoint local = {r->setup->addr[s->side], s->port};
    if (s->call == CALL_LISTEN)
        return synack_listen(r->st[s->side], &local, 8, r->now, &r->listener);
    struct synack_endpoint remote = {r->setup->addr[1 - s->side], s->peer_port};
    return synack_connect(r->st[s->side], s->port ? &local : NULL, &remote, r->now,
                          &r->conn[s->side]);
}

/* Read everything there is: one record per chunk, then the end of stream (0) or the error. */
static void do_recv(struct demo_run *r, int side)
{
    char buf[TRACE_DATA_MAX];
    for (bool got = false;; got = true) {
        size_t i = trace_call(r->trace, side, r->now, CALL_RECV);
        ssize_t n = synack_recv(r->conn[side], buf, sizeof(buf), r->now);
        if (n == -EAGAIN && got) {
            trace_call_forget(r->trace, i); /* drained: nothing worth showing */
            return;
        }
        trace_call_done(r->trace, i, (long)n, buf, n > 0 ? (size_t)n : 0);
        if (n <= 0) return;
    }
}

static long do_call(struct demo_run *r, const struct demo_step *s)
{
    struct synack_conn **c = &r->conn[s->side];
    struct synack_conn *conn = *c;
    switch (s->call) {
    case CALL_LISTEN:
    case CALL_CONNECT: return do_open(r, s);
    case CALL_ACCEPT: return synack_accept(r->listener, c);
    case CALL_SEND: return (long)synack_send(conn, s->data, strlen(s->data), r->now);
    case CALL_SHUTDOWN: return synack_shutdown(conn, r->now);
    case CALL_CLOSE: *c = NULL; return synack_close(conn, r->now);
    case CALL_ABORT: *c = NULL; return synack_abort(conn, r->now);
    case CALL_RECV: break; /* do_recv */
    }
    return -EINVAL;
}

static void do_step(struct demo_run *r, const struct demo_step *s)
{
    bool needs_conn = s->call != CALL_LISTEN && s->call != CALL_CONNECT && s->call != CALL_ACCEPT;
    if (needs_conn && !r->conn[s->side]) { /* e.g. the connection was never accepted */
        size_t i = trace_call(r->trace, s->side, r->now, s->call);
        trace_call_done(r->trace, i, -ENOTCONN, NULL, 0);
        return;
    }
    if (s->call == CALL_RECV) {
        do_recv(r, s->side);
        return;
    }
    size_t i = trace_call(r->trace, s->side, r->now, s->call);
    trace_call_ports(r->trace, i, s->port, s->peer_port);
    long res = do_call(r, s);
    const char *data = s->call == CALL_SEND ? s->data : NULL;
    trace_call_done(r->trace, i, res, data, data ? strlen(data) : 0);
}

int demo_run(const struct scenario *sc, const struct demo_setup *setup, struct trace *t)
{
    struct demo_run r = {.sc = sc, .setup = setup, .trace = t};
    int err = setup_link(&r);
    for (size_t i = 0; !err && i < sc->nsteps; i++) {
        const struct demo_step *s = &sc->steps[i];
        r.now = synack_simlink_run(r.link, r.now, SYNACK_MSEC(s->at_ms));
        do_step(&r, s);
    }
    if (!err) synack_simlink_run(r.link, r.now, r.now + setup->horizon);
    teardown(&r);
    if (!err && t->oom) err = -ENOMEM;
    return err;
}
