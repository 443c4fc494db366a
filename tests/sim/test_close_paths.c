/* Two stacks on a simulated link: the other paths through RFC 9293 Figure 5 — simultaneous
 * close, half-close, simultaneous open, and a lost FIN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pair.h"

#define PORT  80
#define DELAY SYNACK_MSEC(10)

/* The states conn went through on side, in order (its first state included). */
static size_t path_of(const struct pair *p, int side, const struct synack_conn *c,
                      enum synack_state *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nlog && n < max; i++) {
        const struct synack_event *e = &p->log[i].ev;
        if (p->log[i].side == side && e->type == SYNACK_EV_STATE && e->conn == c)
            out[n++] = e->new_state;
    }
    return n;
}

static void assert_path(const struct pair *p, int side, const struct synack_conn *c,
                        const enum synack_state *want, size_t nwant)
{
    enum synack_state got[16];
    size_t n = path_of(p, side, c, got, 16);
    for (size_t i = 0; i < n && i < nwant; i++)
        if (got[i] != want[i])
            fail_msg("side %d state %zu: %s, expected %s", side, i, synack_state_name(got[i]),
                     synack_state_name(want[i]));
    assert_int_equal(n, nwant);
}

/* Time of the event at which side's conn entered st. */
static synack_time_t entered_at(const struct pair *p, int side, const struct synack_conn *c,
                                enum synack_state st)
{
    for (size_t i = 0; i < p->nlog; i++) {
        const struct synack_event *e = &p->log[i].ev;
        if (p->log[i].side == side && e->type == SYNACK_EV_STATE && e->conn == c &&
            e->new_state == st)
            return e->now;
    }
    fail_msg("side %d never entered %s", side, synack_state_name(st));
    return 0;
}

/* Client connects to a listening server; both ESTABLISHED. */
static void open_pair(struct pair *p, struct synack_conn **l, struct synack_conn **c,
                      struct synack_conn **s)
{
    struct synack_endpoint local = {p->addr[1], PORT}, remote = {p->addr[1], PORT};
    assert_int_equal(synack_listen(p->st[1], &local, 16, p->now, l), 0);
    assert_int_equal(synack_connect(p->st[0], NULL, &remote, p->now, c), 0);
    pair_run(p, p->now + SYNACK_MSEC(100));
    assert_int_equal(synack_conn_state(*c), SYNACK_ESTABLISHED);
    assert_int_equal(synack_accept(*l, s), 0);
    assert_int_equal(synack_conn_state(*s), SYNACK_ESTABLISHED);
}

static void test_close_paths_simultaneous_close_goes_through_closing(void **state)
{
    (void)state;
    static struct pair p;
    pair_init(&p, NULL, DELAY);
    struct synack_conn *l, *c, *s;
    open_pair(&p, &l, &c, &s);
    synack_time_t t0 = p.now;
    /* Both close at once: the FINs cross on the link. */
    assert_int_equal(synack_shutdown(c, t0), 0);
    assert_int_equal(synack_shutdown(s, t0), 0);
    pair_run(&p, t0 + SYNACK_MSEC(100));
    const enum synack_state client[] = {SYNACK_SYN_SENT, SYNACK_ESTABLISHED, SYNACK_FIN_WAIT_1,
                                        SYNACK_CLOSING, SYNACK_TIME_WAIT};
    const enum synack_state server[] = {SYNACK_SYN_RECEIVED, SYNACK_ESTABLISHED, SYNACK_FIN_WAIT_1,
                                        SYNACK_CLOSING, SYNACK_TIME_WAIT};
    assert_path(&p, 0, c, client, 5);
    assert_path(&p, 1, s, server, 5);
    assert_int_equal(synack_conn_state(c), SYNACK_TIME_WAIT);
    assert_int_equal(synack_conn_state(s), SYNACK_TIME_WAIT);
    /* Each FIN arrived one delay later; each ACK of a FIN one more. */
    assert_int_equal(entered_at(&p, 0, c, SYNACK_CLOSING), t0 + DELAY);
    assert_int_equal(entered_at(&p, 1, s, SYNACK_CLOSING), t0 + DELAY);
    synack_time_t tw = entered_at(&p, 0, c, SYNACK_TIME_WAIT);
    assert_int_equal(tw, t0 + 2 * DELAY);
    assert_int_equal(entered_at(&p, 1, s, SYNACK_TIME_WAIT), t0 + 2 * DELAY);
    /* One FIN each, no retransmission, no RST. */
    assert_int_equal(pair_count_segments(&p, 0, 0x11), 1);
    assert_int_equal(pair_count_segments(&p, 1, 0x11), 1);
    assert_int_equal(pair_count_segments(&p, 0, 0x04), 0);
    assert_int_equal(pair_count_segments(&p, 1, 0x04), 0);
    /* Both handles go; 2 MSL later both TCBs are gone. */
    assert_int_equal(synack_close(c, p.now), 0);
    assert_int_equal(synack_close(s, p.now), 0);
    pair_run(&p, tw + SYNACK_SEC(60) - 1);
    assert_int_equal(synack_stack_conn_count(p.st[0]), 1);
    assert_int_equal(synack_stack_conn_count(p.st[1]), 2);
    pair_run(&p, SYNACK_TIME_NEVER);
    assert_int_equal(synack_stack_conn_count(p.st[0]), 0);
    assert_int_equal(synack_stack_conn_count(p.st[1]), 1); /* the listener */
    assert_int_equal(synack_close(l, p.now), 0);
    pair_free(&p);
}

static void test_close_paths_half_close_server_keeps_sending(void **state)
{
    (void)state;
    static struct pair p;
    pair_init(&p, NULL, DELAY);
    struct synack_conn *l, *c, *s;
    open_pair(&p, &l, &c, &s);
    /* The client is done sending; the server is not. */
    assert_int_equal(synack_shutdown(c, p.now), 0);
    pair_run(&p, p.now + SYNACK_MSEC(100));
    assert_int_equal(synack_conn_state(c), SYNACK_FIN_WAIT_2);
    assert_int_equal(synack_conn_state(s), SYNACK_CLOSE_WAIT);
    uint8_t b[4];
    assert_int_equal(synack_recv(s, b, sizeof b, p.now), 0); /* the server sees the end */

    static uint8_t big[100 * 1024], got[100 * 1024];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 31 + (i >> 9));
    size_t sent = 0, rcvd = 0;
    while (rcvd < sizeof big && p.now < SYNACK_SEC(100)) {
        ssize_t n = synack_send(s, big + sent, sizeof big - sent, p.now);
        if (n > 0) sent += (size_t)n;
        pair_run(&p, p.now + SYNACK_MSEC(5));
        n = synack_recv(c, got + rcvd, sizeof got - rcvd, p.now);
        if (n > 0) rcvd += (size_t)n;
        assert_int_equal(synack_conn_state(c), SYNACK_FIN_WAIT_2);
    }
    assert_int_equal(rcvd, sizeof big);
    assert_memory_equal(big, got, sizeof big);

    assert_int_equal(synack_close(s, p.now), 0);
    pair_run(&p, p.now + SYNACK_MSEC(100));
    assert_int_equal(synack_conn_state(c), SYNACK_TIME_WAIT);
    assert_int_equal(synack_recv(c, b, sizeof b, p.now), 0);
    assert_int_equal(pair_count_state(&p, 1, SYNACK_LAST_ACK), 1);
    assert_int_equal(synack_stack_conn_count(p.st[1]), 1); /* LAST-ACK done: the listener */
    const enum synack_state client[] = {SYNACK_SYN_SENT, SYNACK_ESTABLISHED, SYNACK_FIN_WAIT_1,
                                        SYNACK_FIN_WAIT_2, SYNACK_TIME_WAIT};
    assert_path(&p, 0, c, client, 5);
    assert_int_equal(pair_count_segments(&p, 0, 0x04), 0);
    assert_int_equal(pair_count_segments(&p, 1, 0x04), 0);
    assert_int_equal(synack_close(c, p.now), 0);
    pair_run(&p, SYNACK_TIME_NEVER);
    assert_int_equal(synack_stack_conn_count(p.st[0]), 0);
    assert_int_equal(synack_close(l, p.now), 0);
    pair_free(&p);
}

/* RFC9293: MUST-10 */
static void test_close_paths_simultaneous_open_via_syn_received(void **state)
{
    (void)state;
    static struct pair p;
    pair_init(&p, NULL, DELAY);
    struct synack_endpoint ea = {p.addr[0], 5001}, eb = {p.addr[1], 5002};
    struct synack_conn *a, *b;
    /* Both open actively at the same moment, each toward the other's fixed port. */
    assert_int_equal(synack_connect(p.st[0], &ea, &eb, 0, &a), 0);
    assert_int_equal(synack_connect(p.st[1], &eb, &ea, 0, &b), 0);
    pair_run(&p, SYNACK_MSEC(100));
    const enum synack_state path[] = {SYNACK_SYN_SENT, SYNACK_SYN_RECEIVED, SYNACK_ESTABLISHED};
    assert_path(&p, 0, a, path, 3);
    assert_path(&p, 1, b, path, 3);
    assert_int_equal(entered_at(&p, 0, a, SYNACK_SYN_RECEIVED), DELAY);
    assert_int_equal(entered_at(&p, 0, a, SYNACK_ESTABLISHED), 2 * DELAY);
    assert_int_equal(entered_at(&p, 1, b, SYNACK_ESTABLISHED), 2 * DELAY);
    /* Each side sent its SYN, then a SYN,ACK; nobody needed a RST or a retransmission. */
    assert_int_equal(pair_count_segments(&p, 0, 0x02), 1);
    assert_int_equal(pair_count_segments(&p, 0, 0x12), 1);
    assert_int_equal(pair_count_segments(&p, 1, 0x02), 1);
    assert_int_equal(pair_count_segments(&p, 1, 0x12), 1);
    assert_int_equal(synack_stack_counters(p.st[0])->retransmits, 0);
    /* Data flows both ways over the connection. */
    uint8_t buf[8];
    assert_int_equal(synack_send(a, "ping", 4, p.now), 4);
    assert_int_equal(synack_send(b, "pong", 4, p.now), 4);
    pair_run(&p, p.now + SYNACK_MSEC(100));
    assert_int_equal(synack_recv(b, buf, sizeof buf, p.now), 4);
    assert_memory_equal(buf, "ping", 4);
    assert_int_equal(synack_recv(a, buf, sizeof buf, p.now), 4);
    assert_memory_equal(buf, "pong", 4);
    synack_abort(a, p.now);
    synack_abort(b, p.now);
    pair_free(&p);
}

static void test_close_paths_lost_fin_is_retransmitted(void **state)
{
    (void)state;
    static struct pair p;
    pair_init(&p, NULL, DELAY);
    struct synack_conn *l, *c, *s;
    open_pair(&p, &l, &c, &s);
    struct synack_status st;
    assert_int_equal(synack_status(c, &st), 0);
    synack_time_t rto = st.rto, t0 = p.now;
    p.drop_side = 0;
    p.drop_flags = 0x11; /* the client's FIN,ACK */
    p.drop_count = 1;
    assert_int_equal(synack_close(c, t0), 0);
    pair_run(&p, t0 + rto - 1);
    assert_int_equal(p.drop_count, 0);
    assert_int_equal(synack_conn_state(s), SYNACK_ESTABLISHED); /* it never arrived */
    assert_int_equal(pair_count_segments(&p, 0, 0x11), 1);
    pair_run(&p, t0 + rto + 3 * DELAY);
    assert_int_equal(pair_count_segments(&p, 0, 0x11), 2);
    assert_int_equal(synack_stack_counters(p.st[0])->retransmits, 1);
    assert_int_equal(synack_conn_state(s), SYNACK_CLOSE_WAIT);
    assert_int_equal(entered_at(&p, 1, s, SYNACK_CLOSE_WAIT), t0 + rto + DELAY);
    assert_int_equal(pair_count_state(&p, 0, SYNACK_FIN_WAIT_2), 1);
    assert_int_equal(synack_close(s, p.now), 0);
    pair_run(&p, p.now + SYNACK_MSEC(100));
    assert_int_equal(pair_count_state(&p, 0, SYNACK_TIME_WAIT), 1);
    assert_int_equal(synack_stack_conn_count(p.st[1]), 1);
    pair_run(&p, SYNACK_TIME_NEVER);
    assert_int_equal(synack_stack_conn_count(p.st[0]), 0);
    assert_int_equal(synack_close(l, p.now), 0);
    pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_paths_simultaneous_close_goes_through_closing),
        cmocka_unit_test(test_close_paths_half_close_server_keeps_sending),
        cmocka_unit_test(test_close_paths_simultaneous_open_via_syn_received),
        cmocka_unit_test(test_close_paths_lost_fin_is_retransmitted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
