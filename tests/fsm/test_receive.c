/* Receiving out of order (RFC 9293 §3.10.7.4 seventh step; RFC 5681 §4.2; RFC 2018 §4): held in
 * place, ACKed at once, SACKed, and delivered byte for byte when the hole fills. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

/* Established with SACK-permitted offered by the peer's SYN,ACK. */
static void sack_established(struct fsm *f)
{
    fsm_init(f, NULL);
    fsm_syn_sent(f);
    struct sy_tcp_opts o = {.has = SY_OPT_SACK_PERM};
    fsm_send_opts(f, SYN | ACK, FSM_PEER_ISS, f->iss + 1, FSM_PEER_WND, &o, NULL, 0);
    f->peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(f, ACK, f->iss + 1, f->peer_nxt);
}

/* RFC9293: SHLD-31 */
static void test_receive_out_of_order_held_sacked_and_delivered(void **state)
{
    (void)state;
    struct fsm f;
    sack_established(&f);
    uint32_t p = f.peer_nxt;
    fsm_send(&f, ACK, p + 10, f.iss + 1, "klmnopqrst", 10);      /* bytes 10-19 first */
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, p); /* immediate duplicate ACK */
    assert_int_equal(s->opts.sack_count, 1);
    assert_int_equal(s->opts.sack[0].left, p + 10);
    assert_int_equal(s->opts.sack[0].right, p + 20);
    fsm_send(&f, ACK, p + 25, f.iss + 1, "zz", 2); /* a second island: newest first */
    s = fsm_expect(&f, ACK, f.iss + 1, p);
    assert_int_equal(s->opts.sack_count, 2);
    assert_int_equal(s->opts.sack[0].left, p + 25);
    assert_int_equal(s->opts.sack[1].left, p + 10);
    char buf[64];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -EAGAIN);
    fsm_send(&f, ACK, p, f.iss + 1, "abcdefghij", 10); /* fills the first hole */
    s = fsm_expect(&f, ACK, f.iss + 1, p + 20);        /* at once, with the island after it */
    assert_int_equal(s->opts.sack_count, 1);
    assert_int_equal(s->opts.sack[0].left, p + 25);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 20);
    assert_memory_equal(buf, "abcdefghijklmnopqrst", 20);
    fsm_send(&f, ACK, p + 20, f.iss + 1, "uvwxy", 5);
    s = fsm_expect(&f, ACK, f.iss + 1, p + 27);
    assert_false(s->opts.has & SY_OPT_SACK); /* nothing held any more */
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 7);
    assert_memory_equal(buf, "uvwxyzz", 7);
    fsm_free(&f);
}

/* RFC9293: SHLD-31 */
static void test_receive_early_fin_taken_when_hole_fills(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    uint32_t p = f.peer_nxt;
    fsm_send(&f, FIN | ACK, p + 3, f.iss + 1, "def", 3);
    fsm_expect(&f, ACK, f.iss + 1, p);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_send(&f, ACK, p, f.iss + 1, "abc", 3);
    fsm_expect(&f, ACK, f.iss + 1, p + 7); /* the data and the FIN */
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    char buf[8];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 6);
    assert_memory_equal(buf, "abcdef", 6);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    fsm_free(&f);
}

static uint8_t full[1460]; /* a full-sized segment: our MSS, no options in use */

/* One full-sized segment: the ACK waits exactly delack_timeout (§3.8.6.3). */
/* RFC9293: MUST-40, SHLD-18 */
static void test_receive_delayed_ack_after_timeout(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.delack_timeout = SYNACK_MSEC(40);
    struct fsm f;
    fsm_init_delack(&f, &cfg);
    fsm_established(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, full, sizeof full);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), f.now + SYNACK_MSEC(40));
    fsm_at(&f, f.now + SYNACK_MSEC(40) - 1);
    fsm_expect_none(&f);
    fsm_at(&f, f.now + 1);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 1460);
    fsm_free(&f);
}

/* The second full-sized segment is ACKed at once (RFC 1122 §4.2.3.2). */
/* RFC9293: MUST-58, SHLD-19 */
static void test_receive_every_second_full_segment_acked_at_once(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    struct fsm f;
    fsm_init_delack(&f, &cfg);
    fsm_established(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, full, sizeof full);
    fsm_expect_none(&f);
    fsm_send(&f, ACK, f.peer_nxt + 1460, f.iss + 1, full, sizeof full);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 2920);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER); /* timer off */
    fsm_free(&f);
}

/* Data we send carries the ACK: the delayed one is not sent afterwards. */
/* RFC9293: MUST-58 */
static void test_receive_delayed_ack_rides_on_data(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    struct fsm f;
    fsm_init_delack(&f, &cfg);
    fsm_established(&f);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "ping", 4);
    fsm_expect_none(&f);
    assert_int_equal(synack_send(f.conn, "pong", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt + 4);
    fsm_send(&f, ACK, f.peer_nxt + 4, f.iss + 5, NULL, 0); /* the peer takes "pong" */
    fsm_at(&f, f.now + SYNACK_SEC(1));
    fsm_expect_none(&f);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_receive_out_of_order_held_sacked_and_delivered),
        cmocka_unit_test(test_receive_early_fin_taken_when_hole_fills),
        cmocka_unit_test(test_receive_delayed_ack_after_timeout),
        cmocka_unit_test(test_receive_every_second_full_segment_acked_at_once),
        cmocka_unit_test(test_receive_delayed_ack_rides_on_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
