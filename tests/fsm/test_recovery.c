/* Loss recovery on the sender: limited transmit (RFC 3042), fast retransmit and NewReno
 * recovery (RFC 5681 §3.2, RFC 6582), SACK recovery (RFC 6675), and the RTO collapse (RFC 5681
 * §3.1). NewReno and TCP_NODELAY so that the arithmetic is RFC 5681's: SMSS 536 (the peer sends
 * no MSS option), IW = min(10*536, max(2*536, 14600)) = 5360 (RFC 6928). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

#define MSS 536u

static struct synack_config cfg;

static int setup(void **state)
{
    (void)state;
    synack_config_init(&cfg);
    cfg.cc = SYNACK_CC_NEWRENO;
    cfg.nodelay = true;
    cfg.delack_timeout = SYNACK_MSEC(40);
    return 0;
}

static uint8_t data[20000];

/* Established, 8000 bytes queued: the initial window's 10 segments go out. */
static void ten_out(struct fsm *f)
{
    fsm_init(f, &cfg);
    fsm_established(f);
    assert_int_equal(fsm_status(f).cwnd, 10 * MSS);
    assert_int_equal(synack_send(f->conn, data, 8000, f->now), 8000);
    for (uint32_t i = 0; i < 10; i++)
        assert_int_equal(fsm_expect(f, ACK, f->iss + 1 + i * MSS, f->peer_nxt)->len, MSS);
    fsm_expect_none(f);
}

static void dupack(struct fsm *f)
{
    fsm_send(f, ACK, f->peer_nxt, f->iss + 1, NULL, 0);
}

static void test_recovery_limited_transmit_then_fast_retransmit(void **state)
{
    (void)state;
    struct fsm f;
    ten_out(&f);
    dupack(&f); /* RFC 3042: one new segment per duplicate, up to cwnd + 2*SMSS */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1 + 10 * MSS, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    dupack(&f);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1 + 11 * MSS, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    dupack(&f); /* the third: retransmit SND.UNA's segment */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_true(st.in_recovery);
    /* FlightSize 12*536 = 6432: ssthresh = 6432/2 = 3216 (RFC 5681 eq. 4);
     * cwnd = 3216 + 3*536 = 4824 (RFC 6582 §3.2 step 2). */
    assert_int_equal(st.ssthresh, 3216);
    assert_int_equal(st.cwnd, 4824);
    assert_int_equal(synack_stack_counters(f.st)->recoveries, 1);
    fsm_free(&f);
}

static void test_recovery_newreno_partial_then_full_ack(void **state)
{
    (void)state;
    struct fsm f;
    ten_out(&f);
    for (int i = 0; i < 3; i++)
        dupack(&f);
    while (fsm_pop(&f, NULL)) {
    }           /* 2 limited-transmit segments and the retransmission */
    dupack(&f); /* step 3: cwnd 4824 + 536 = 5360; FlightSize 6432 still fills it */
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).cwnd, 5360);
    /* Partial ACK of two segments (step 5): the next hole goes again, cwnd deflates by the
     * 1072 acknowledged and regains one SMSS: 5360 - 1072 + 536 = 4824. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1 + 2 * MSS, NULL, 0);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1 + 2 * MSS, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).cwnd, 4824);
    assert_true(fsm_status(&f).in_recovery);
    /* The full ACK ends recovery (step 4): cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)
     * = min(3216, 536 + 536) = 1072: two of the remaining 1568 bytes' segments go. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1 + 12 * MSS, NULL, 0);
    struct synack_status st = fsm_status(&f);
    assert_false(st.in_recovery);
    assert_int_equal(st.cwnd, 1072);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1 + 12 * MSS, f.peer_nxt)->len, MSS);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1 + 13 * MSS, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_recovery_rto_collapses_cwnd_to_one_segment(void **state)
{
    (void)state;
    struct fsm f;
    ten_out(&f);
    synack_time_t rto = fsm_status(&f).rto;
    fsm_at(&f, f.now + rto);
    /* RFC 5681 §3.1 (4): ssthresh = max(5360/2, 2*536) = 2680, cwnd = 1 SMSS: one segment. */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.cwnd, MSS);
    assert_int_equal(st.ssthresh, 2680);
    /* Slow start from there: the ACK of that segment lets two go (cwnd 1072). */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1 + MSS, NULL, 0);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1 + MSS, f.peer_nxt)->len, MSS);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1 + 2 * MSS, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* The peer's SYN,ACK offers SACK-permitted. */
static void sack_established(struct fsm *f)
{
    fsm_init(f, &cfg);
    fsm_syn_sent(f);
    struct sy_tcp_opts o = {.has = SY_OPT_SACK_PERM};
    fsm_send_opts(f, SYN | ACK, FSM_PEER_ISS, f->iss + 1, FSM_PEER_WND, &o, NULL, 0);
    f->peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(f, ACK, f->iss + 1, f->peer_nxt);
    assert_true(fsm_status(f).sack_permitted);
}

static void sack_dupack(struct fsm *f, uint32_t left, uint32_t right)
{
    struct sy_tcp_opts o = {.has = SY_OPT_SACK, .sack_count = 1, .sack = {{left, right}}};
    fsm_send_opts(f, ACK, f->peer_nxt, f->iss + 1, FSM_PEER_WND, &o, NULL, 0);
}

/* RFC9293: MUST-5 */
static void test_recovery_sack_enters_on_first_lost_hole(void **state)
{
    (void)state;
    struct fsm f;
    sack_established(&f);
    assert_int_equal(synack_send(f.conn, data, 8000, f.now), 8000);
    for (uint32_t i = 0; i < 10; i++)
        fsm_expect(&f, ACK, f.iss + 1 + i * MSS, f.peer_nxt);
    /* One duplicate ACK SACKing segments 2-4 (1608 octets > 2*SMSS above the first hole):
     * IsLost(HighACK+1), so recovery starts without waiting for three (RFC 6675 §5). */
    uint32_t base = f.iss + 1;
    sack_dupack(&f, base + MSS, base + 4 * MSS);
    assert_int_equal(fsm_expect(&f, ACK, base, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_true(st.in_recovery);
    /* cwnd = ssthresh = 5360/2 = 2680; pipe = 536 (retransmitted) + 6*536 (segments 5-10,
     * not lost) = 3752 > cwnd: nothing more. */
    assert_int_equal(st.cwnd, 2680);
    /* SACKs up to segment 8: pipe = 536 + 2*536 = 1608, room 1072: two new segments. */
    sack_dupack(&f, base + MSS, base + 8 * MSS);
    assert_int_equal(fsm_expect(&f, ACK, base + 10 * MSS, f.peer_nxt)->len, MSS);
    assert_int_equal(fsm_expect(&f, ACK, base + 11 * MSS, f.peer_nxt)->len, MSS);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* Count the segments sent since the last look whose sequence number is seq. */
static unsigned sent_at(struct fsm *f, uint32_t seq)
{
    unsigned n = 0;
    struct fsm_seg s;
    while (fsm_pop(f, &s))
        n += s.seq == seq && s.len > 0;
    return n;
}

/* The fast retransmission of segment 1 is lost too. Data sent after it (segments 11 on) reaches
 * the peer and is SACKed while SND.UNA still waits: once three segments above the point where the
 * retransmission went are SACKed, segment 1 goes a third time, without waiting for the RTO. */
static void test_recovery_lost_retransmission_is_sent_again(void **state)
{
    (void)state;
    struct fsm f;
    sack_established(&f);
    assert_int_equal(synack_send(f.conn, data, 20000, f.now), 20000);
    for (uint32_t i = 0; i < 10; i++)
        fsm_expect(&f, ACK, f.iss + 1 + i * MSS, f.peer_nxt);
    uint32_t base = f.iss + 1;
    sack_dupack(&f, base + MSS, base + 4 * MSS); /* recovery: segment 1 again */
    assert_int_equal(sent_at(&f, base), 1);
    /* The fence is SND.MAX then: base + 10 MSS. SACKs reach it and pass it by two segments:
     * not enough evidence yet. */
    sack_dupack(&f, base + MSS, base + 10 * MSS);
    sack_dupack(&f, base + MSS, base + 12 * MSS);
    assert_int_equal(sent_at(&f, base), 0);
    assert_int_equal(synack_stack_counters(f.st)->lost_retransmits, 0);
    /* Three segments sent after the retransmission have arrived: it was lost. */
    sack_dupack(&f, base + MSS, base + 13 * MSS);
    assert_int_equal(sent_at(&f, base), 1);
    assert_int_equal(synack_stack_counters(f.st)->lost_retransmits, 1);
    assert_int_equal(synack_stack_counters(f.st)->retransmits, 0); /* no timeout */
    /* The mark moved to SND.MAX now: more SACKs alone do not send it a fourth time. */
    sack_dupack(&f, base + MSS, base + 14 * MSS);
    assert_int_equal(sent_at(&f, base), 0);
    fsm_free(&f);
}

/* RFC 6675 §2: an ACK that brings new SACK information is a duplicate ACK even when its window
 * differs (Linux widens its window in nearly every ACK); such ACKs start recovery. */
static void test_recovery_sack_dupack_with_a_new_window_counts(void **state)
{
    (void)state;
    struct fsm f;
    sack_established(&f);
    assert_int_equal(synack_send(f.conn, data, 8000, f.now), 8000);
    for (uint32_t i = 0; i < 10; i++)
        fsm_expect(&f, ACK, f.iss + 1 + i * MSS, f.peer_nxt);
    uint32_t base = f.iss + 1;
    struct sy_tcp_opts o = {.has = SY_OPT_SACK, .sack_count = 1, .sack = {{base + MSS, 0}}};
    for (uint32_t k = 2; k <= 4; k++) { /* windows 8192, 8704, 9216: each ACK a new one */
        o.sack[0].right = base + k * MSS;
        fsm_send_opts(&f, ACK, f.peer_nxt, base, (uint16_t)(FSM_PEER_WND + (k - 2) * 512), &o, NULL,
                      0);
    }
    /* Limited transmit sent new data on the first two; the third brought fast retransmit. */
    assert_int_equal(sent_at(&f, base), 1);
    assert_true(fsm_status(&f).in_recovery);
    assert_int_equal(synack_stack_counters(f.st)->retransmits, 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovery_limited_transmit_then_fast_retransmit),
        cmocka_unit_test(test_recovery_newreno_partial_then_full_ack),
        cmocka_unit_test(test_recovery_rto_collapses_cwnd_to_one_segment),
        cmocka_unit_test(test_recovery_sack_enters_on_first_lost_hole),
        cmocka_unit_test(test_recovery_lost_retransmission_is_sent_again),
        cmocka_unit_test(test_recovery_sack_dupack_with_a_new_window_counts),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
