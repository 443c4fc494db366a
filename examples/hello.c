/* hello — the smallest complete use of libsynack, through the public headers only.
 *
 * A client stack (10.0.0.1) and a server stack (10.0.0.2) share a simulated link with 10 ms of
 * delay each way. The server listens on port 80; the client connects (the 3-way handshake),
 * sends "hello", and closes (the 4-way close); the server reads "hello", sees the end of the
 * stream and closes too. Every state change of both stacks is printed as it happens.
 * Exits 0 only if the server received "hello" and both connections ended in CLOSED. */
#include <stdio.h>
#include <string.h>

#include <synack/synack.h>

struct side {
    const char *name;
    enum synack_state last; /* the last state a connection (not the listener) entered */
};

static void on_event(void *ctx, const struct synack_event *ev)
{
    struct side *side = ctx;
    if (ev->type != SYNACK_EV_STATE) return;
    printf("%8.1f ms  %-6s  %s -> %s\n", (double)ev->now / 1000.0, side->name,
           synack_state_name(ev->old_state), synack_state_name(ev->new_state));
    if (ev->old_state != SYNACK_CLOSED || ev->new_state != SYNACK_LISTEN)
        side->last = ev->new_state;
}

static int fail(const char *what, long err)
{
    fprintf(stderr, "hello: %s: %s\n", what, err < 0 ? synack_strerror((int)err) : "failed");
    return 1;
}

/* The client says hello and closes; the server reads it, sees the end and closes. */
static int talk(struct synack_simlink *link, struct synack_conn *listener,
                struct synack_conn *client, synack_time_t *now)
{
    struct synack_conn *server;
    char buf[16];
    *now = synack_simlink_run(link, *now, *now + SYNACK_MSEC(100)); /* the handshake */
    int err = synack_accept(listener, &server);
    if (err) return fail("accept", err);
    ssize_t n = synack_send(client, "hello", 5, *now);
    if (n != 5) return fail("send", n);
    *now = synack_simlink_run(link, *now, *now + SYNACK_MSEC(100));
    n = synack_recv(server, buf, sizeof(buf), *now);
    if (n != 5 || memcmp(buf, "hello", 5) != 0) return fail("recv \"hello\"", n);
    printf("%8.1f ms  server  received \"%.*s\"\n", (double)*now / 1000.0, (int)n, buf);
    if ((err = synack_close(client, *now))) return fail("close (client)", err);
    *now = synack_simlink_run(link, *now, *now + SYNACK_MSEC(100));
    if ((n = synack_recv(server, buf, sizeof(buf), *now)) != 0) return fail("end of stream", n);
    if ((err = synack_close(server, *now))) return fail("close (server)", err);
    /* The client, which closed first, waits 2*MSL (60 s) in TIME-WAIT. */
    *now = synack_simlink_run(link, *now, *now + SYNACK_SEC(120));
    return 0;
}

static int run(struct synack_stack *cs, struct synack_stack *ss, struct synack_simlink *link,
               int dc, int ds)
{
    struct synack_addr ca = synack_addr_v4(10, 0, 0, 1), sa = synack_addr_v4(10, 0, 0, 2);
    if (synack_stack_add_addr(cs, dc, &ca, 24) || synack_stack_add_addr(ss, ds, &sa, 24))
        return fail("add_addr", -1);
    struct synack_endpoint ep = {sa, 80};
    struct synack_conn *listener, *client;
    synack_time_t now = 0;
    int err = synack_listen(ss, &ep, 4, now, &listener);
    if (err) return fail("listen", err);
    if ((err = synack_connect(cs, NULL, &ep, now, &client))) return fail("connect", err);
    if (talk(link, listener, client, &now)) return 1;
    synack_close(listener, now);
    return 0;
}

int main(void)
{
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.seed = 1; /* the same sequence numbers and ports on every run */
    struct side client = {"client", SYNACK_CLOSED}, server = {"server", SYNACK_CLOSED};
    struct synack_stack *cs = synack_stack_new(&cfg), *ss = synack_stack_new(&cfg);
    int dc = -1, ds = -1;
    struct synack_simlink *link =
        cs && ss ? synack_simlink_new(cs, ss, SYNACK_MSEC(10), &dc, &ds) : NULL;
    int rc = link ? 0 : fail("setup", -1);
    if (!rc) {
        synack_stack_set_event_fn(cs, on_event, &client);
        synack_stack_set_event_fn(ss, on_event, &server);
        rc = run(cs, ss, link, dc, ds);
    }
    if (!rc && (client.last != SYNACK_CLOSED || server.last != SYNACK_CLOSED ||
                synack_stack_conn_count(cs) != 0 || synack_stack_conn_count(ss) != 0))
        rc = fail("both connections should have ended in CLOSED", 0);
    synack_simlink_free(link);
    synack_stack_free(cs);
    synack_stack_free(ss);
    if (!rc) printf("ok\n");
    return rc;
}
