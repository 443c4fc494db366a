/* The live ladder of synack listen/connect --trace (tools/live_trace.c), fed by one of two
 * stacks on a simulated link: each connection gets its titles once, the peer's segments are
 * drawn as its arrows, calls come before what they cause, connections drawn in turn are named
 * again, a segment for no connection is drawn with its drop and RST, and no line is wider than
 * the demo's 100 columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <synack/synack.h>

#include "live_trace.h"

struct run {
    struct synack_stack *st[2]; /* client, server */
    struct synack_simlink *link;
    struct live_trace *lt;
    char *text;
    size_t len;
    FILE *f;
    synack_time_t now;
};

static void on_event(void *ctx, const struct synack_event *ev)
{
    live_trace_event(ctx, ev);
}

static void run_open(struct run *r)
{
    memset(r, 0, sizeof(*r));
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.seed = 7;
    cfg.delack_timeout = 0;
    cfg.msl = SYNACK_SEC(1);
    int dev[2];
    for (int i = 0; i < 2; i++) {
        r->st[i] = synack_stack_new(&cfg);
        assert_non_null(r->st[i]);
    }
    r->link = synack_simlink_new(r->st[0], r->st[1], SYNACK_MSEC(1), &dev[0], &dev[1]);
    assert_non_null(r->link);
    for (int i = 0; i < 2; i++) {
        struct synack_addr a = synack_addr_v4(10, 0, 0, (uint8_t)(i + 1));
        assert_int_equal(synack_stack_add_addr(r->st[i], dev[i], &a, 24), 0);
    }
    r->f = open_memstream(&r->text, &r->len);
    assert_non_null(r->f);
    r->lt = live_trace_new(r->f, SIDE_SERVER, 0);
    assert_non_null(r->lt);
    synack_stack_set_event_fn(r->st[1], on_event, r->lt);
}

static void run_close(struct run *r)
{
    live_trace_free(r->lt);
    fclose(r->f);
    synack_simlink_free(r->link);
    for (int i = 0; i < 2; i++)
        synack_stack_free(r->st[i]);
    free(r->text);
}

static void go(struct run *r, synack_time_t ms)
{
    r->now = synack_simlink_run(r->link, r->now, r->now + SYNACK_MSEC(ms));
    live_trace_tidy(r->lt);
}

static const char *text(struct run *r)
{
    fflush(r->f);
    return r->text;
}

/* Each needle found after the one before it. */
static void assert_in_order(const char *hay, const char *const *needles, size_t n)
{
    const char *at = hay;
    for (size_t i = 0; i < n; i++) {
        const char *p = strstr(at, needles[i]);
        if (!p) fail_msg("'%s' missing (or out of order) in:\n%s", needles[i], hay);
        at = p + strlen(needles[i]);
    }
}

static void assert_narrow(const char *t)
{
    for (const char *line = t; *line;) {
        size_t n = strcspn(line, "\n");
        if (n > 100) fail_msg("a line of %zu columns: %.*s", n, (int)n, line);
        line += n + (line[n] == '\n');
    }
}

static struct synack_conn *server_accept(struct run *r, struct synack_conn *listener)
{
    struct synack_conn *c;
    live_trace_call_begin(r->lt, NULL);
    assert_int_equal(synack_accept(listener, &c), 0);
    live_trace_call_end(r->lt, c, CALL_ACCEPT, 0, NULL, 0, r->now);
    return c;
}

static void test_live_trace_draws_one_connection(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    struct synack_endpoint ep = {synack_addr_v4(10, 0, 0, 2), 80};
    struct synack_conn *listener, *client, *server;
    assert_int_equal(synack_listen(r.st[1], &ep, 4, r.now, &listener), 0);
    assert_int_equal(synack_connect(r.st[0], NULL, &ep, r.now, &client), 0);
    go(&r, 10);
    server = server_accept(&r, listener);
    assert_int_equal(synack_send(client, "hello\n", 6, r.now), 6);
    go(&r, 10);
    char buf[16];
    live_trace_call_begin(r.lt, server);
    ssize_t n = synack_recv(server, buf, sizeof(buf), r.now);
    assert_int_equal(n, 6);
    live_trace_call_end(r.lt, NULL, CALL_RECV, n, buf, (size_t)n, r.now);
    assert_int_equal(synack_shutdown(client, r.now), 0);
    go(&r, 10);
    live_trace_call_begin(r.lt, server);
    assert_int_equal(synack_shutdown(server, r.now), 0);
    live_trace_call_end(r.lt, NULL, CALL_SHUTDOWN, 0, NULL, 0, r.now);
    go(&r, 10);
    const char *t = text(&r);
    const char *order[] = {
        "connection #1: 10.0.0.1:",
        " -> 10.0.0.2:80\n",
        "Client",
        "Server",
        "SYN seq=0",
        "|----------------------------->|",
        "| LISTEN -> SYN-RECEIVED",
        "SYN,ACK seq=0 ack=1",
        "|<-----------------------------|",
        "ACK seq=1 ack=1",
        "| SYN-RECEIVED -> ESTABLISHED",
        "| accept()",
        "PSH,ACK seq=1 ack=1 len=6",
        "| recv() = \"hello\\n\"",
        "FIN,ACK seq=7 ack=1",
        "| ESTABLISHED -> CLOSE-WAIT",
        "| shutdown()",
        "| CLOSE-WAIT -> LAST-ACK",
        "FIN,ACK seq=1 ack=8",
        "|<-----------------------------|",
        "ACK seq=8 ack=2",
        "| LAST-ACK -> CLOSED",
    };
    assert_in_order(t, order, sizeof(order) / sizeof(order[0]));
    assert_null(strstr(t, "(continued)"));
    assert_null(strstr(t, "connection #2"));
    assert_narrow(t);
    synack_close(client, r.now);
    synack_close(server, r.now);
    synack_close(listener, r.now);
    run_close(&r);
}

/* Two connections whose handshakes interleave: each is named again when its turn comes. */
static void test_live_trace_names_each_connection_in_turn(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    struct synack_endpoint ep = {synack_addr_v4(10, 0, 0, 2), 80};
    struct synack_conn *listener, *c1, *c2;
    assert_int_equal(synack_listen(r.st[1], &ep, 4, r.now, &listener), 0);
    assert_int_equal(synack_connect(r.st[0], NULL, &ep, r.now, &c1), 0);
    assert_int_equal(synack_connect(r.st[0], NULL, &ep, r.now, &c2), 0);
    go(&r, 10);
    const char *t = text(&r);
    const char *order[] = {"connection #1: ", "SYN seq=0",
                           "SYN,ACK",         "connection #2: ",
                           "SYN seq=0",       "SYN,ACK",
                           "connection #1: ", "(continued)",
                           "ACK seq=1 ack=1", "| SYN-RECEIVED -> ESTABLISHED",
                           "connection #2: ", "(continued)",
                           "ACK seq=1 ack=1", "| SYN-RECEIVED -> ESTABLISHED"};
    assert_in_order(t, order, sizeof(order) / sizeof(order[0]));
    assert_narrow(t);
    synack_abort(c1, r.now);
    synack_abort(c2, r.now);
    synack_close(listener, r.now);
    run_close(&r);
}

/* A SYN to a port with no listener: its arrow, the drop, the RST that answers it. */
static void test_live_trace_draws_a_refused_syn(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    struct synack_endpoint ep = {synack_addr_v4(10, 0, 0, 2), 81};
    struct synack_conn *c;
    assert_int_equal(synack_connect(r.st[0], NULL, &ep, r.now, &c), 0);
    go(&r, 10);
    const char *t = text(&r);
    const char *order[] = {"connection #1: ",
                           "-> 10.0.0.2:81",
                           "SYN seq=0",
                           "|----------------------------->|",
                           "| drop SYN: no conn",
                           "RST,ACK seq=0 ack=1",
                           "|<-----------------------------|"};
    assert_in_order(t, order, sizeof(order) / sizeof(order[0]));
    assert_narrow(t);
    synack_close(c, r.now);
    run_close(&r);
}

static enum synack_sim_verdict drop_first_synack(void *ctx, int side, const uint8_t *pkt,
                                                 size_t len, synack_time_t now,
                                                 synack_time_t *extra_delay)
{
    int *left = ctx;
    (void)now, (void)extra_delay;
    if (side == 1 && len >= 40 && pkt[33] == (SYNACK_TH_SYN | SYNACK_TH_ACK) && *left > 0) {
        --*left;
        return SYNACK_SIM_DROP;
    }
    return SYNACK_SIM_PASS;
}

/* The server's SYN,ACK is lost: its retransmission timeout and the SYN,ACK sent again belong to
 * the connection's ladder. */
static void test_live_trace_draws_a_retransmission(void **state)
{
    (void)state;
    struct run r;
    run_open(&r);
    int drops = 1;
    synack_simlink_set_hook(r.link, drop_first_synack, &drops);
    struct synack_endpoint ep = {synack_addr_v4(10, 0, 0, 2), 80};
    struct synack_conn *listener, *client;
    assert_int_equal(synack_listen(r.st[1], &ep, 4, r.now, &listener), 0);
    assert_int_equal(synack_connect(r.st[0], NULL, &ep, r.now, &client), 0);
    go(&r, 1500);
    const char *t = text(&r);
    const char *order[] = {"SYN seq=0",
                           "SYN,ACK seq=0 ack=1",
                           "| retransmission timeout",
                           "SYN,ACK seq=0 ack=1",
                           "<----------- retransmission --|",
                           "| SYN-RECEIVED -> ESTABLISHED"};
    assert_in_order(t, order, sizeof(order) / sizeof(order[0]));
    assert_null(strstr(t, "connection #2"));
    synack_abort(client, r.now);
    synack_close(listener, r.now);
    run_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_trace_draws_one_connection),
        cmocka_unit_test(test_live_trace_names_each_connection_in_turn),
        cmocka_unit_test(test_live_trace_draws_a_refused_syn),
        cmocka_unit_test(test_live_trace_draws_a_retransmission),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
