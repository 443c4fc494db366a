/* synack CLI — live ladder diagrams: one per connection (keyed by its 4-tuple), each entry drawn
 * as soon as it is known. A connection's record keeps only the entry drawn last (for the
 * relative sequence numbers and the RST reasons of trace.c), so a long transfer costs no memory. */
#include "live_trace.h"

#include <stdlib.h>
#include <string.h>

#include "ladder.h"

struct lt_conn {
    unsigned id;
    struct synack_endpoint local, remote;
    struct synack_conn *conn; /* NULL until known, and again once CLOSED */
    struct trace trace;
    struct ladder ladder;
    bool drawn; /* its titles are out */
    struct lt_conn *next;
};

struct lt_held {
    struct lt_conn *rec;
    struct synack_event ev;
};

struct live_trace {
    FILE *f;
    int us, peer; /* enum side */
    synack_time_t origin;
    struct lt_conn *conns;
    unsigned next_id;
    const struct lt_conn *last_drawn;
    struct lt_conn *last_in; /* the record of the segment that arrived last, and when */
    synack_time_t last_in_at;
    bool holding; /* a call is under way: its events wait in held[] */
    struct lt_conn *call_rec;
    struct lt_held *held;
    size_t nheld, capheld;
};

struct live_trace *live_trace_new(FILE *f, int our_side, synack_time_t origin)
{
    struct live_trace *lt = calloc(1, sizeof(*lt));
    if (!lt) return NULL;
    lt->f = f;
    lt->us = our_side;
    lt->peer = 1 - our_side;
    lt->origin = origin;
    return lt;
}

static void free_rec(struct lt_conn *r)
{
    trace_free(&r->trace);
    free(r);
}

void live_trace_free(struct live_trace *lt)
{
    if (!lt) return;
    while (lt->conns) {
        struct lt_conn *r = lt->conns;
        lt->conns = r->next;
        free_rec(r);
    }
    free(lt->held);
    free(lt);
}

static bool ep_equal(const struct synack_endpoint *a, const struct synack_endpoint *b)
{
    return a->port == b->port && synack_addr_equal(&a->addr, &b->addr);
}

static struct lt_conn *find(struct live_trace *lt, const struct synack_endpoint *local,
                            const struct synack_endpoint *remote)
{
    for (struct lt_conn *r = lt->conns; r; r = r->next)
        if (ep_equal(&r->local, local) && ep_equal(&r->remote, remote)) return r;
    return NULL;
}

static struct lt_conn *find_conn(struct live_trace *lt, const struct synack_conn *c)
{
    for (struct lt_conn *r = lt->conns; c && r; r = r->next)
        if (r->conn == c) return r;
    return NULL;
}

static struct lt_conn *get(struct live_trace *lt, const struct synack_endpoint *local,
                           const struct synack_endpoint *remote)
{
    struct lt_conn *r = find(lt, local, remote);
    if (r) return r;
    r = calloc(1, sizeof(*r));
    if (!r) return NULL;
    r->id = ++lt->next_id;
    r->local = *local;
    r->remote = *remote;
    trace_init(&r->trace);
    struct synack_addr addr[2];
    addr[lt->us] = local->addr;
    addr[lt->peer] = remote->addr;
    ladder_start(&r->ladder, lt->f, addr, lt->origin);
    r->next = lt->conns;
    lt->conns = r;
    return r;
}

/* The record of a connection handle: known, or by its endpoints (a listener has none). */
static struct lt_conn *by_conn(struct live_trace *lt, struct synack_conn *c)
{
    struct lt_conn *r = find_conn(lt, c);
    if (r || !c) return r;
    struct synack_status st;
    if (synack_status(c, &st) != 0 || st.remote.port == 0) return NULL;
    r = get(lt, &st.local, &st.remote);
    if (r) r->conn = c;
    return r;
}

/* Which connection an event belongs to; NULL for those the ladder does not draw. */
static struct lt_conn *resolve(struct live_trace *lt, const struct synack_event *ev)
{
    const struct synack_segment_info *s = &ev->seg;
    switch (ev->type) {
    case SYNACK_EV_SEGMENT_OUT:
    case SYNACK_EV_RST_SENT: return get(lt, &s->src, &s->dst);
    case SYNACK_EV_SEGMENT_IN: {
        struct lt_conn *r = get(lt, &s->dst, &s->src);
        lt->last_in = r;
        lt->last_in_at = ev->now;
        return r;
    }
    case SYNACK_EV_DROP: /* about the packet that just arrived */
        if (lt->last_in && lt->last_in_at == ev->now) return lt->last_in;
        return by_conn(lt, ev->conn);
    case SYNACK_EV_RETRANSMIT: /* seg holds the sequence number only */
    case SYNACK_EV_STATE:
    case SYNACK_EV_ERROR:
    case SYNACK_EV_DELIVERY_PROBLEM:
    case SYNACK_EV_ICMP:
    case SYNACK_EV_URGENT: return by_conn(lt, ev->conn);
    case SYNACK_EV_READABLE:
    case SYNACK_EV_WRITABLE:
    case SYNACK_EV_ACCEPTABLE:
    case SYNACK_EV_TYPE_COUNT: return NULL;
    }
    return NULL;
}

/* Before a record's entry: its titles the first time, a reminder of which connection it is when
 * another was drawn in between. */
static void switch_to(struct live_trace *lt, struct lt_conn *r)
{
    if (lt->last_drawn == r) return;
    lt->last_drawn = r;
    char a[48], b[48];
    const struct synack_endpoint *cl = lt->us == SIDE_CLIENT ? &r->local : &r->remote;
    const struct synack_endpoint *sv = lt->us == SIDE_CLIENT ? &r->remote : &r->local;
    fprintf(lt->f, "\nconnection #%u: %s:%u -> %s:%u%s\n", r->id,
            synack_addr_format(&cl->addr, a, sizeof(a)), cl->port,
            synack_addr_format(&sv->addr, b, sizeof(b)), sv->port, r->drawn ? " (continued)" : "");
    if (!r->drawn) {
        struct synack_endpoint ep[2] = {*cl, *sv};
        ladder_titles(&r->ladder, ep);
        r->drawn = true;
    }
    r->ladder.shown = SYNACK_TIME_NEVER; /* show the time again */
}

/* Draw the entry just recorded, then forget all but it. */
static void draw_last(struct live_trace *lt, struct lt_conn *r)
{
    struct trace *t = &r->trace;
    if (t->len == 0) return;
    switch_to(lt, r);
    ladder_entry(&r->ladder, &t->e[t->len - 1]);
    if (t->len > 1) {
        t->e[0] = t->e[t->len - 1];
        t->len = 1;
    }
    fflush(lt->f);
}

static void draw_event(struct live_trace *lt, struct lt_conn *r, const struct synack_event *ev)
{
    if (ev->type == SYNACK_EV_SEGMENT_IN) {
        /* The peer sent it: its arrow, then our side's arrival (for drops and TIME-WAIT). */
        struct synack_event out = *ev;
        out.type = SYNACK_EV_SEGMENT_OUT;
        out.conn = NULL;
        trace_event(&r->trace, lt->peer, &out);
        draw_last(lt, r);
    }
    trace_event(&r->trace, lt->us, ev);
    draw_last(lt, r);
    if (ev->type == SYNACK_EV_STATE && ev->new_state == SYNACK_CLOSED) r->conn = NULL;
    if (ev->type == SYNACK_EV_STATE && ev->conn && ev->new_state != SYNACK_CLOSED)
        r->conn = ev->conn;
}

static void hold(struct live_trace *lt, struct lt_conn *r, const struct synack_event *ev)
{
    if (lt->nheld == lt->capheld) {
        size_t cap = lt->capheld ? 2 * lt->capheld : 64;
        struct lt_held *h = realloc(lt->held, cap * sizeof(*h));
        if (!h) return;
        lt->held = h;
        lt->capheld = cap;
    }
    lt->held[lt->nheld++] = (struct lt_held){r, *ev};
}

void live_trace_event(struct live_trace *lt, const struct synack_event *ev)
{
    struct lt_conn *r = resolve(lt, ev);
    if (!r) return;
    if (lt->holding)
        hold(lt, r, ev);
    else
        draw_event(lt, r, ev);
}

void live_trace_call_begin(struct live_trace *lt, struct synack_conn *c)
{
    lt->holding = true;
    lt->nheld = 0;
    lt->call_rec = find_conn(lt, c);
}

/* Data as the ladder can print it on one line: \n, \r, \t, \" and \\ escaped, other bytes
 * outside printable ASCII as '.'. Returns the length written (at most TRACE_DATA_MAX). */
static size_t printable(char *out, const void *data, size_t len)
{
    const unsigned char *d = data;
    size_t n = 0;
    for (size_t i = 0; i < len && n < TRACE_DATA_MAX; i++) {
        const char *esc = d[i] == '\n'   ? "\\n"
                          : d[i] == '\r' ? "\\r"
                          : d[i] == '\t' ? "\\t"
                          : d[i] == '"'  ? "\\\""
                          : d[i] == '\\' ? "\\\\"
                                         : NULL;
        if (esc && n + 2 > TRACE_DATA_MAX) break;
        if (esc) {
            memcpy(out + n, esc, 2);
            n += 2;
        } else {
            out[n++] = d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '.';
        }
    }
    return n;
}

void live_trace_call_end(struct live_trace *lt, struct synack_conn *c, enum demo_call call,
                         long result, const void *data, size_t len, synack_time_t now)
{
    struct lt_conn *r = lt->call_rec ? lt->call_rec : by_conn(lt, c);
    lt->holding = false;
    if (r) {
        char text[TRACE_DATA_MAX];
        size_t i = trace_call(&r->trace, lt->us, now, call);
        trace_call_ports(&r->trace, i, r->local.port, r->remote.port);
        trace_call_done(&r->trace, i, result, text, data ? printable(text, data, len) : 0);
        draw_last(lt, r);
    }
    for (size_t k = 0; k < lt->nheld; k++)
        draw_event(lt, lt->held[k].rec, &lt->held[k].ev);
    lt->nheld = 0;
    lt->call_rec = NULL;
}

void live_trace_call_cancel(struct live_trace *lt)
{
    lt->holding = false;
    for (size_t k = 0; k < lt->nheld; k++)
        draw_event(lt, lt->held[k].rec, &lt->held[k].ev);
    lt->nheld = 0;
    lt->call_rec = NULL;
}

void live_trace_tidy(struct live_trace *lt)
{
    for (struct lt_conn **p = &lt->conns; *p;) {
        struct lt_conn *r = *p;
        if (r->conn) {
            p = &r->next;
            continue;
        }
        *p = r->next;
        if (lt->last_drawn == r) lt->last_drawn = NULL;
        if (lt->last_in == r) lt->last_in = NULL;
        free_rec(r);
    }
}
