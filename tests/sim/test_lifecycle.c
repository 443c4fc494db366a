/* Two stacks on a simulated link: whole connection lifetimes, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pair.h"

#define PORT 80

static void print_log(const struct pair *p)
{
    char f[32];
    for (size_t i = 0; i < p->nlog; i++) {
        const struct synack_event *e = &p->log[i].ev;
        if (e->type == SYNACK_EV_STATE)
            print_message("%8llu %s state %s -> %s\n", (unsigned long long)e->now,
                          p->log[i].side ? "S" : "C", synack_state_name(e->old_state),
                          synack_state_name(e->new_state));
        else if (e->type == SYNACK_EV_SEGMENT_OUT)
            print_message("%8llu %s out %s seq=%u ack=%u len=%u win=%u\n",
                          (unsigned long long)e->now, p->log[i].side ? "S" : "C",
                          synack_flags_format(e->seg.flags, f, sizeof f), e->seg.seq, e->seg.ack,
                          e->seg.len, e->seg.wnd);
    }
}

static void test_handshake_data_close(void **state)
{
    (void)state;
    static struct pair p;
    pair_init(&p, NULL, SYNACK_MSEC(10));
    struct synack_conn *l, *c, *s;
    struct synack_endpoint local = {p.addr[1], PORT}, remote = {p.addr[1], PORT};
    assert_int_equal(synack_listen(p.st[1], &local, 16, 0, &l), 0);
    assert_int_equal(synack_connect(p.st[0], NULL, &remote, 0, &c), 0);
    pair_run(&p, SYNACK_MSEC(100));
    assert_int_equal(synack_conn_state(c), SYNACK_ESTABLISHED);
    assert_int_equal(synack_accept(l, &s), 0);
    assert_int_equal(synack_conn_state(s), SYNACK_ESTABLISHED);

    static uint8_t big[200000], got[200000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7 + (i >> 8));
    size_t sent = 0, rcvd = 0;
    while (rcvd < sizeof big && p.now < SYNACK_SEC(100)) {
        ssize_t n = synack_send(c, big + sent, sizeof big - sent, p.now);
        if (n > 0) sent += (size_t)n;
        pair_run(&p, p.now + SYNACK_MSEC(5));
        n = synack_recv(s, got + rcvd, sizeof got - rcvd, p.now);
        if (n > 0) rcvd += (size_t)n;
    }
    assert_int_equal(rcvd, sizeof big);
    assert_memory_equal(big, got, sizeof big);

    assert_int_equal(synack_close(c, p.now), 0);
    pair_run(&p, p.now + SYNACK_MSEC(100));
    assert_int_equal(synack_conn_state(s), SYNACK_CLOSE_WAIT);
    uint8_t b[4];
    assert_int_equal(synack_recv(s, b, sizeof b, p.now), 0);
    assert_int_equal(synack_close(s, p.now), 0);
    pair_run(&p, p.now + SYNACK_SEC(1));
    assert_int_equal(pair_count_state(&p, 0, SYNACK_TIME_WAIT), 1);
    assert_int_equal(pair_count_state(&p, 1, SYNACK_LAST_ACK), 1);
    pair_run(&p, SYNACK_TIME_NEVER);
    if (synack_stack_conn_count(p.st[0]) != 0) print_log(&p);
    assert_int_equal(synack_stack_conn_count(p.st[0]), 0);
    assert_int_equal(synack_stack_conn_count(p.st[1]), 1); /* the listener */
    assert_int_equal(synack_close(l, p.now), 0);
    assert_int_equal(synack_stack_conn_count(p.st[1]), 0);
    pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_data_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
