/* Packets that arrive together (synack_stack_input_batch, or batch_begin/end around input): all
 * are processed before any ACK goes, and a connection owed several gets one (RFC 9293
 * §3.10.7.4, MUST-58 and MUST-59). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "wire/ipv4.h"

#define MSS 536u

static uint8_t pkts[8][SY_IPV4_HDR_LEN + 60 + 1600];
static struct synack_packet batch[8];
static uint8_t data[8 * MSS];

/* Packet i of the batch: a segment from the peer as fsm_send would send it. */
static void put_wnd(struct fsm *f, size_t i, uint8_t flags, uint32_t seq, uint32_t ack,
                    uint16_t wnd, const uint8_t *d, size_t len)
{
    struct sy_tcp t = fsm_peer_segment(flags, seq, ack, wnd, d, len);
    batch[i] = (struct synack_packet){pkts[i], fsm_build(f, &t, pkts[i], sizeof pkts[i])};
}

static void put(struct fsm *f, size_t i, uint8_t flags, uint32_t seq, uint32_t ack,
                const uint8_t *d, size_t len)
{
    put_wnd(f, i, flags, seq, ack, FSM_PEER_WND, d, len);
}

/* RFC9293: MUST-58, MUST-59 */
static void test_ack_batch_one_ack_after_all_segments(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL); /* every segment would be ACKed at once (delack off) */
    fsm_established(&f);
    uint32_t p = f.peer_nxt;
    for (size_t i = 0; i < 3; i++)
        put(&f, i, ACK, p + (uint32_t)i * MSS, f.iss + 1, data, MSS);
    assert_int_equal(synack_stack_input_batch(f.st, f.dev, batch, 3, f.now), 3);
    fsm_expect(&f, ACK, f.iss + 1, p + 3 * MSS); /* one, of all three */
    fsm_expect_none(&f);
    /* Out of order in a batch: the hole, the island and the filling, then one ACK of all. */
    p += 3 * MSS;
    put(&f, 0, ACK, p + MSS, f.iss + 1, data, MSS);
    put(&f, 1, ACK, p + 2 * MSS, f.iss + 1, data, MSS);
    put(&f, 2, ACK, p, f.iss + 1, data, MSS);
    assert_int_equal(synack_stack_input_batch(f.st, f.dev, batch, 3, f.now), 3);
    fsm_expect(&f, ACK, f.iss + 1, p + 3 * MSS);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).recv_queued, 6 * MSS);
    /* Outside a batch, each segment is ACKed as before. */
    fsm_send(&f, ACK, p + 3 * MSS, f.iss + 1, data, 10);
    fsm_expect(&f, ACK, f.iss + 1, p + 3 * MSS + 10);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* A segment of ours sent during the batch carries the ACK: no pure ACK after it; a connection
 * reset in the batch gets none (and is not touched after it is freed). */
/* RFC9293: MUST-59 */
static void test_ack_batch_rides_on_data_and_forgets_the_reset(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.nodelay = true;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    uint32_t p = f.peer_nxt;
    /* The peer's window is closed; our 10 bytes wait. Its data, then the window opening. */
    fsm_send_opts(&f, ACK, p, f.iss + 1, 0, NULL, NULL, 0);
    assert_int_equal(synack_send(f.conn, "0123456789", 10, f.now), 10);
    fsm_expect_none(&f);
    put_wnd(&f, 0, ACK, p, f.iss + 1, 0, data, 100);
    put(&f, 1, ACK, p + 100, f.iss + 1, NULL, 0); /* window FSM_PEER_WND again */
    synack_stack_batch_begin(f.st);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(synack_stack_input(f.st, f.dev, batch[i].data, batch[i].len, f.now), 0);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 1, p + 100);
    assert_int_equal(s->len, 10);
    synack_stack_batch_end(f.st, f.now);
    fsm_expect_none(&f);

    put(&f, 0, ACK, p + 100, f.iss + 11, data, 50);
    put(&f, 1, RST, p + 150, 0, NULL, 0);
    assert_int_equal(synack_stack_input_batch(f.st, f.dev, batch, 2, f.now), 2);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    fsm_free(&f);

    /* A closed connection freed in the batch (new data after CLOSE, §3.6.1) after it owed an
     * ACK (an unacceptable segment): only the RST goes, and the freed TCB is forgotten. */
    fsm_init(&f, NULL);
    fsm_fin_wait_2(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    f.conn = NULL;
    put(&f, 0, ACK, f.peer_nxt + 100000, f.iss + 2, NULL, 0);
    put(&f, 1, ACK, f.peer_nxt, f.iss + 2, data, 5);
    assert_int_equal(synack_stack_input_batch(f.st, f.dev, batch, 2, f.now), 2);
    fsm_expect(&f, RST, f.iss + 2, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ack_batch_one_ack_after_all_segments),
        cmocka_unit_test(test_ack_batch_rides_on_data_and_forgets_the_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
