/* Timestamps on arrival (RFC 7323): PAWS (§5.3 R1-R4), the TS.Recent our segments echo (§4.3),
 * a TS.Recent outdated by 24 days idle (§5.5), segments without a TSopt (§3.2). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

#define PEER_TS0 100u

/* Established with timestamps: the peer's SYN,ACK carries TSval PEER_TS0. */
static void ts_established(struct fsm *f, const struct synack_config *cfg)
{
    fsm_init(f, cfg);
    fsm_syn_sent(f);
    struct sy_tcp_opts o = {.has = SY_OPT_TS, .ts_val = PEER_TS0, .ts_ecr = 1};
    fsm_send_opts(f, SYN | ACK, FSM_PEER_ISS, f->iss + 1, FSM_PEER_WND, &o, NULL, 0);
    f->peer_nxt = FSM_PEER_ISS + 1;
    const struct fsm_seg *s = fsm_expect(f, ACK, f->iss + 1, f->peer_nxt);
    assert_true(s->opts.has & SY_OPT_TS);
    assert_int_equal(s->opts.ts_ecr, PEER_TS0);
    assert_true(fsm_status(f).timestamps);
}

/* A data segment from the peer with this TSval. */
static void send_ts(struct fsm *f, uint32_t seq, uint32_t ts_val, const char *data)
{
    struct sy_tcp_opts o = {.has = SY_OPT_TS, .ts_val = ts_val, .ts_ecr = 1};
    fsm_send_opts(f, ACK | (data ? PSH : 0), seq, f->iss + 1, FSM_PEER_WND, &o, data,
                  data ? strlen(data) : 0);
}

/* RFC9293: MUST-5 */
static void test_paws_old_tsval_is_acked_and_dropped(void **state)
{
    (void)state;
    struct fsm f;
    ts_established(&f, NULL);
    send_ts(&f, f.peer_nxt, PEER_TS0 - 1, "old"); /* R1: SEG.TSval < TS.Recent */
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 0);
    assert_int_equal(s->opts.ts_ecr, PEER_TS0); /* TS.Recent unchanged */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_PAWS), 1);
    assert_int_equal(fsm_status(&f).recv_queued, 0);
    assert_int_equal(fsm_status(&f).rcv_nxt, f.peer_nxt);
    /* The same TSval is not older: R4, accepted. */
    send_ts(&f, f.peer_nxt, PEER_TS0, "new");
    f.peer_nxt += 3;
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->opts.ts_ecr, PEER_TS0);
    assert_int_equal(fsm_status(&f).recv_queued, 3);
    fsm_free(&f);
}

/* TSvals compare modulo 2^32: a clock that wrapped is newer, not older. */
static void test_paws_tsval_compares_modulo_2_32(void **state)
{
    (void)state;
    struct fsm f;
    ts_established(&f, NULL);
    send_ts(&f, f.peer_nxt, 0xfffffff0u, "a"); /* newer than 100 by 2^32 - 116: older! */
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_PAWS), 1);
    send_ts(&f, f.peer_nxt, PEER_TS0 + 0x7fff0000u, "b"); /* half the space ahead: newer */
    f.peer_nxt += 1;
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->opts.ts_ecr,
                     PEER_TS0 + 0x7fff0000u);
    send_ts(&f, f.peer_nxt, 0xfffe0000u, "c");
    f.peer_nxt += 1;
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->opts.ts_ecr, 0xfffe0000u);
    send_ts(&f, f.peer_nxt, 5, "d"); /* after the wrap: newer again */
    f.peer_nxt += 1;
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->opts.ts_ecr, 5);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_PAWS), 1);
    fsm_free(&f);
}

/* A RST is not subject to PAWS (R1 applies to non-RST segments). */
static void test_paws_rst_with_old_tsval_still_resets(void **state)
{
    (void)state;
    struct fsm f;
    ts_established(&f, NULL);
    struct sy_tcp_opts o = {.has = SY_OPT_TS, .ts_val = 1, .ts_ecr = 1};
    fsm_send_opts(&f, RST, f.peer_nxt, 0, 0, &o, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    fsm_free(&f);
}

/* §4.3: only a segment at or before Last.ACK.sent moves TS.Recent; out-of-order data does not,
 * so the echo keeps the TSval of the segment that advanced the left edge. */
static void test_paws_ts_recent_follows_the_left_edge(void **state)
{
    (void)state;
    struct fsm f;
    ts_established(&f, NULL);
    uint32_t p = f.peer_nxt;
    send_ts(&f, p + 5, 300, "fghij"); /* out of order: held, ACKed at once */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, p)->opts.ts_ecr, PEER_TS0);
    send_ts(&f, p, 200, "abcde"); /* fills the hole: SEG.SEQ = Last.ACK.sent */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, p + 10)->opts.ts_ecr, 200);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* A retransmission of data already received (its ACK was lost): the ACK it draws echoes its
 * own TSval, so the sender measures one round trip, not the time since the first copy. */
static void test_paws_duplicate_echoes_its_own_tsval(void **state)
{
    (void)state;
    struct fsm f;
    ts_established(&f, NULL);
    uint32_t p = f.peer_nxt;
    send_ts(&f, p, 200, "abc");
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, p + 3)->opts.ts_ecr, 200);
    send_ts(&f, p, 300, "abc"); /* the same octets again, 100 ms later */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, p + 3)->opts.ts_ecr, 300);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 1);
    send_ts(&f, p, 250, "abc"); /* an older copy: PAWS drops it, the echo stays */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, p + 3)->opts.ts_ecr, 300);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_PAWS), 1);
    assert_int_equal(fsm_status(&f).recv_queued, 3);
    fsm_free(&f);
}

/* A pure duplicate ACK overtaken by a newer segment (reordered ACKs) is taken: it changes
 * nothing, and fast recovery counts duplicate ACKs. One with data is still dropped. */
static void test_paws_reordered_duplicate_ack_is_taken(void **state)
{
    (void)state;
    struct fsm f;
    ts_established(&f, NULL);
    send_ts(&f, f.peer_nxt, 300, NULL); /* TS.Recent 300 */
    fsm_expect_none(&f);
    send_ts(&f, f.peer_nxt, 290, NULL); /* an older duplicate ACK arriving late */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_PAWS), 0);
    send_ts(&f, f.peer_nxt, 290, "x"); /* with data: PAWS drops it and ACKs */
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_PAWS), 1);
    fsm_free(&f);
}

/* §5.5: after 24 days without an update TS.Recent is outdated; an older TSval is taken. */
static void test_paws_outdated_ts_recent_after_24_days(void **state)
{
    (void)state;
    struct fsm f;
    ts_established(&f, NULL);
    fsm_at(&f, f.now + SYNACK_SEC(24ull * 24 * 3600 - 10));
    send_ts(&f, f.peer_nxt, 50, "x"); /* still within 24 days: rejected */
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_PAWS), 1);
    fsm_at(&f, f.now + SYNACK_SEC(20));
    send_ts(&f, f.peer_nxt, 50, "x");
    f.peer_nxt += 1;
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->opts.ts_ecr, 50);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_PAWS), 1);
    fsm_free(&f);
}

/* §3.2: without a TSopt a non-RST segment is dropped silently (FreeBSD's default); with
 * ts_tolerate_missing it is taken (Linux's behaviour). */
static void test_paws_missing_tsopt_dropped_or_tolerated(void **state)
{
    (void)state;
    struct fsm f;
    ts_established(&f, NULL);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "bare", 4);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TS_MISSING), 1);
    assert_int_equal(fsm_status(&f).recv_queued, 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);

    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.ts_tolerate_missing = true;
    ts_established(&f, &cfg);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "bare", 4);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 4)->opts.ts_ecr, PEER_TS0);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TS_MISSING), 0);
    assert_int_equal(fsm_status(&f).recv_queued, 4);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paws_old_tsval_is_acked_and_dropped),
        cmocka_unit_test(test_paws_tsval_compares_modulo_2_32),
        cmocka_unit_test(test_paws_rst_with_old_tsval_still_resets),
        cmocka_unit_test(test_paws_ts_recent_follows_the_left_edge),
        cmocka_unit_test(test_paws_duplicate_echoes_its_own_tsval),
        cmocka_unit_test(test_paws_reordered_duplicate_ack_is_taken),
        cmocka_unit_test(test_paws_outdated_ts_recent_after_24_days),
        cmocka_unit_test(test_paws_missing_tsopt_dropped_or_tolerated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
