/* Urgent data of any length between two stacks (RFC 9293 §3.8.5, MUST-31): more urgent octets
 * than a 16-bit pointer reaches, sent in pieces, arrive in line and byte for byte; the receiver
 * is told once, sees how much urgent data is ahead of it, and leaves urgent mode at its end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pair.h"

#define PORT 80

static size_t count_urgent(const struct pair *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nlog; i++)
        if (p->log[i].side == 1 && p->log[i].ev.type == SYNACK_EV_URGENT) n++;
    return n;
}

/* RFC9293: MUST-31, MUST-32, MUST-33 */
static void test_urgent_longer_than_the_pointer_reaches(void **state)
{
    (void)state;
    static struct pair p;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.sndbuf = cfg.rcvbuf = 256 * 1024;
    pair_init(&p, &cfg, SYNACK_MSEC(10));
    struct synack_conn *l, *c, *s;
    struct synack_endpoint local = {p.addr[1], PORT}, remote = {p.addr[1], PORT};
    assert_int_equal(synack_listen(p.st[1], &local, 16, 0, &l), 0);
    assert_int_equal(synack_connect(p.st[0], NULL, &remote, 0, &c), 0);
    pair_run(&p, SYNACK_MSEC(100));
    assert_int_equal(synack_accept(l, &s), 0);

    static uint8_t big[200000], got[sizeof big + 8];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 13 + (i >> 9));
    size_t sent = 0, rcvd = 0;
    uint32_t most = 0;
    while (sent < sizeof big && p.now < SYNACK_SEC(30)) {
        ssize_t n = synack_send_urgent(c, big + sent, sizeof big - sent, p.now);
        if (n > 0) sent += (size_t)n;
        pair_run(&p, p.now + SYNACK_MSEC(5));
    }
    assert_int_equal(sent, sizeof big);
    assert_int_equal(synack_send(c, "tail", 4, p.now), 4);
    while (rcvd < sizeof big + 4 && p.now < SYNACK_SEC(60)) {
        pair_run(&p, p.now + SYNACK_MSEC(5));
        /* Ahead of the reader until the last urgent octet, never past it: the pointer of each
         * segment reaches at most 64 KiB on, and the last one ends where "tail" begins. */
        uint32_t u = synack_conn_urgent(s);
        if (rcvd < sizeof big) assert_true(u > 0 && u <= sizeof big - rcvd);
        most = u > most ? u : most;
        ssize_t n = synack_recv(s, got + rcvd, sizeof got - rcvd, p.now);
        if (n > 0) rcvd += (size_t)n;
    }
    assert_int_equal(rcvd, sizeof big + 4);
    assert_memory_equal(big, got, sizeof big);
    assert_memory_equal(got + sizeof big, "tail", 4);
    assert_true(most > 0xffff); /* RCV.UP went beyond what one pointer reaches */
    assert_int_equal(synack_conn_urgent(s), 0);
    assert_int_equal(count_urgent(&p), 1); /* one continuous sequence of urgent data */
    pair_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urgent_longer_than_the_pointer_reaches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
