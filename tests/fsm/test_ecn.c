/* Explicit Congestion Notification (RFC 3168; RFC 9293 SHLD-8): the negotiation in the SYNs
 * (§6.1.1) and its fallback (§6.1.1.1), ECT on new data only (§6.1.4-§6.1.6), the receiver's
 * echo of CE until CWR (§6.1.3), and the sender's cut of cwnd once per window with CWR on the
 * next new data (§6.1.2). NewReno and TCP_NODELAY keep RFC 5681's arithmetic: SMSS 536, IW 5360. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

#define MSS     536u
#define ECE     SY_TH_ECE
#define CWR     SY_TH_CWR
#define NOT_ECT 0
#define ECT0    2
#define CE      3

static struct synack_config cfg;
static uint8_t data[20000];

static int setup(void **state)
{
    (void)state;
    synack_config_init(&cfg);
    cfg.cc = SYNACK_CC_NEWRENO;
    cfg.nodelay = true;
    return 0;
}

/* Active open asking for ECN; the peer's SYN,ACK carries `answer` (ECE, ECE|CWR or nothing). */
static void open_active(struct fsm *f, uint8_t answer)
{
    cfg.ecn = SYNACK_ECN_ON;
    fsm_init(f, &cfg);
    struct synack_endpoint lo = {f->local, FSM_LPORT}, re = {f->remote, FSM_RPORT};
    assert_int_equal(synack_connect(f->st, &lo, &re, f->now, &f->conn), 0);
    struct fsm_seg syn;
    assert_true(fsm_pop(f, &syn));
    assert_int_equal(syn.flags, SYN | ECE | CWR); /* an ECN-setup SYN */
    assert_int_equal(syn.ecn, NOT_ECT);           /* §6.1.1: SYNs are not ECT */
    f->iss = syn.seq;
    fsm_send(f, SYN | ACK | answer, FSM_PEER_ISS, f->iss + 1, NULL, 0);
    f->peer_nxt = FSM_PEER_ISS + 1;
    assert_int_equal(fsm_expect(f, ACK, f->iss + 1, f->peer_nxt)->ecn, NOT_ECT);
}

/* Passive open; the peer's SYN carries `ask`; returns the flags of our SYN,ACK. */
static uint8_t open_passive(struct fsm *f, uint8_t ask)
{
    fsm_init(f, &cfg);
    fsm_listen(f);
    fsm_send(f, SYN | ask, FSM_PEER_ISS, 0, NULL, 0);
    f->peer_nxt = FSM_PEER_ISS + 1;
    struct fsm_seg s;
    assert_true(fsm_pop(f, &s));
    assert_int_equal(s.ecn, NOT_ECT);
    f->iss = s.seq;
    fsm_send(f, ACK, f->peer_nxt, f->iss + 1, NULL, 0);
    assert_int_equal(synack_accept(f->listener, &f->conn), 0);
    return s.flags;
}

/* RFC9293: SHLD-8 */
static void test_ecn_passive_answers_an_ecn_setup_syn(void **state)
{
    (void)state;
    struct fsm f;
    assert_int_equal(cfg.ecn, SYNACK_ECN_PASSIVE); /* the default, as Linux and FreeBSD */
    assert_int_equal(open_passive(&f, ECE | CWR), SYN | ACK | ECE); /* ECN-setup SYN-ACK */
    assert_true(fsm_status(&f).ecn);
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->ecn, ECT0); /* new data: ECT(0) */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 101, data, 10);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 101, f.peer_nxt + 10)->ecn, NOT_ECT); /* §6.1.4 */
    fsm_free(&f);
}

static void test_ecn_passive_without_ask_or_when_off(void **state)
{
    (void)state;
    struct fsm f;
    assert_int_equal(open_passive(&f, 0), SYN | ACK); /* a plain SYN: no ECN */
    assert_false(fsm_status(&f).ecn);
    fsm_free(&f);
    assert_int_equal(open_passive(&f, ECE), SYN | ACK); /* ECE alone is not an ECN-setup SYN */
    assert_false(fsm_status(&f).ecn);
    fsm_free(&f);
    cfg.ecn = SYNACK_ECN_OFF;
    assert_int_equal(open_passive(&f, ECE | CWR), SYN | ACK);
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt)->ecn, NOT_ECT);
    fsm_free(&f);
}

/* RFC9293: SHLD-8 */
static void test_ecn_active_open(void **state)
{
    (void)state;
    struct fsm f;
    open_active(&f, ECE); /* an ECN-setup SYN-ACK */
    assert_true(fsm_status(&f).ecn);
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt)->ecn, ECT0);
    fsm_free(&f);
    open_active(&f, ECE | CWR); /* not an ECN-setup SYN-ACK (§6.1.1) */
    assert_false(fsm_status(&f).ecn);
    fsm_free(&f);
    open_active(&f, 0);
    assert_false(fsm_status(&f).ecn);
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt)->ecn, NOT_ECT);
    fsm_free(&f);
}

/* §6.1.1.1: after cfg.ecn_syn_retries (1) retransmissions the SYN no longer asks; having sent a
 * non-ECN-setup SYN, the connection never sets ECT, even if the SYN,ACK agrees. */
static void test_ecn_syn_retransmissions_fall_back(void **state)
{
    (void)state;
    struct fsm f;
    cfg.ecn = SYNACK_ECN_ON;
    fsm_init(&f, &cfg);
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT};
    assert_int_equal(synack_connect(f.st, &lo, &re, f.now, &f.conn), 0);
    struct fsm_seg syn;
    assert_true(fsm_pop(&f, &syn));
    assert_int_equal(syn.flags, SYN | ECE | CWR);
    f.iss = syn.seq;
    fsm_at(&f, SYNACK_SEC(1));
    fsm_expect(&f, SYN | ECE | CWR, f.iss, 0);
    fsm_at(&f, SYNACK_SEC(3));
    fsm_expect(&f, SYN, f.iss, 0);
    fsm_at(&f, SYNACK_SEC(7));
    fsm_expect(&f, SYN, f.iss, 0);
    fsm_send(&f, SYN | ACK | ECE, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_false(fsm_status(&f).ecn);
    fsm_free(&f);
}

/* §6.1.3: a CE mark is echoed with ECE on every ACK until a segment with CWR arrives. */
static void test_ecn_receiver_echoes_ce_until_cwr(void **state)
{
    (void)state;
    struct fsm f;
    open_active(&f, ECE);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, data, 100); /* not ECT */
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 100);
    f.peer_nxt += 100;
    f.in_ecn = CE;
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, data, 100);
    fsm_expect(&f, ACK | ECE, f.iss + 1, f.peer_nxt + 100);
    f.peer_nxt += 100;
    assert_int_equal(synack_stack_counters(f.st)->ecn_ce_in, 1);
    f.in_ecn = ECT0;
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, data, 100); /* still echoing */
    fsm_expect(&f, ACK | ECE, f.iss + 1, f.peer_nxt + 100);
    f.peer_nxt += 100;
    fsm_send(&f, ACK | CWR, f.peer_nxt, f.iss + 1, data, 100); /* the sender has cut cwnd */
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 100);
    f.peer_nxt += 100;
    f.in_ecn = CE; /* CWR and CE together: the echo starts again */
    fsm_send(&f, ACK | CWR, f.peer_nxt, f.iss + 1, data, 100);
    fsm_expect(&f, ACK | ECE, f.iss + 1, f.peer_nxt + 100);
    f.peer_nxt += 100;
    f.in_ecn = CE; /* outside the window: ignored (§6.1.5), answered by a plain duplicate ACK */
    fsm_send(&f, ACK | CWR, f.peer_nxt - 200, f.iss + 1, data, 100);
    fsm_expect(&f, ACK | ECE, f.iss + 1, f.peer_nxt);
    assert_int_equal(synack_stack_counters(f.st)->ecn_ce_in, 2);
    fsm_free(&f);
}

/* The peer's ECN ACK of the first segments of ten: cwnd halves once for the window. */
static void ten_out_ecn(struct fsm *f)
{
    open_active(f, ECE);
    assert_int_equal(synack_send(f->conn, data, 10 * MSS, f->now), 10 * MSS);
    for (uint32_t i = 0; i < 10; i++)
        assert_int_equal(
            fsm_expect(f, ACK | (i == 9 ? PSH : 0), f->iss + 1 + i * MSS, f->peer_nxt)->ecn, ECT0);
    fsm_expect_none(f);
}

/* RFC9293: SHLD-8 */
static void test_ecn_sender_cuts_cwnd_once_per_window(void **state)
{
    (void)state;
    struct fsm f;
    ten_out_ecn(&f);
    fsm_send(&f, ACK | ECE, f.peer_nxt, f.iss + 1 + MSS, NULL, 0);
    struct synack_status st = fsm_status(&f);
    /* FlightSize 10*536 = 5360 before the ACK: ssthresh 2680 (RFC 5681 eq. 4), cwnd = ssthresh,
     * and no growth for this ACK (§6.1.2 "SHOULD NOT increase"). */
    assert_int_equal(st.ssthresh, 2680);
    assert_int_equal(st.cwnd, 2680);
    assert_false(st.in_recovery);
    assert_int_equal(synack_stack_counters(f.st)->ecn_reductions, 1);
    fsm_expect_none(&f); /* 9 segments (4824) in flight exceed the cut window */
    /* More ECE in the same window: no second cut. */
    fsm_send(&f, ACK | ECE, f.peer_nxt, f.iss + 1 + 6 * MSS, NULL, 0);
    assert_int_equal(fsm_status(&f).cwnd, 2680);
    assert_int_equal(synack_stack_counters(f.st)->ecn_reductions, 1);
    /* Four in flight (2144): one new segment fits, with CWR (§6.1.2) and ECT. */
    assert_int_equal(synack_send(f.conn, data, 4 * MSS, f.now), 4 * MSS);
    const struct fsm_seg *s = fsm_expect(&f, ACK | CWR, f.iss + 1 + 10 * MSS, f.peer_nxt);
    assert_int_equal(s->ecn, ECT0);
    fsm_expect_none(&f);
    /* The whole window acknowledged: the CWR state ends; an ECE now cuts again. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1 + 11 * MSS, NULL, 0);
    while (fsm_pop(&f, &(struct fsm_seg){0})) {
    }
    fsm_send(&f, ACK | ECE, f.peer_nxt, f.iss + 1 + 12 * MSS, NULL, 0);
    assert_int_equal(synack_stack_counters(f.st)->ecn_reductions, 2);
    fsm_free(&f);
}

/* §6.1.2, once per window: after a timeout (a cut answered by CWR as well) the echoes that
 * arrive before our CWR has reached the receiver are of congestion already answered; slow start
 * goes on; an ECE after that CWR cuts again. */
static void test_ecn_echo_before_cwr_arrives_is_not_new(void **state)
{
    (void)state;
    struct fsm f;
    ten_out_ecn(&f);
    fsm_at(&f, synack_stack_next_deadline(f.st)); /* the RTO: the first segment again */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->ecn, NOT_ECT);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).cwnd, MSS);
    fsm_at(&f, f.now + SYNACK_MSEC(10));
    fsm_send(&f, ACK | ECE, f.peer_nxt, f.iss + 1 + 10 * MSS, NULL, 0); /* all of it */
    assert_int_equal(synack_stack_counters(f.st)->ecn_reductions, 0);
    assert_int_equal(fsm_status(&f).cwnd, 3 * MSS); /* slow start (RFC 3465: +2 SMSS) */
    /* New data: CWR on the first segment only. */
    assert_int_equal(synack_send(f.conn, data, 2 * MSS, f.now), 2 * MSS);
    uint32_t cwr_seq = f.iss + 1 + 10 * MSS;
    assert_int_equal(fsm_expect(&f, ACK | CWR, cwr_seq, f.peer_nxt)->ecn, ECT0);
    assert_int_equal(fsm_expect(&f, ACK | PSH, cwr_seq + MSS, f.peer_nxt)->ecn, ECT0);
    /* Echoes up to the CWR segment itself (the receiver has not seen it yet): nothing new. */
    fsm_send(&f, ACK | ECE, f.peer_nxt, cwr_seq, NULL, 0);
    assert_int_equal(synack_stack_counters(f.st)->ecn_reductions, 0);
    /* Past it, an echo is of a new mark. */
    fsm_send(&f, ACK | ECE, f.peer_nxt, cwr_seq + MSS, NULL, 0);
    assert_int_equal(synack_stack_counters(f.st)->ecn_reductions, 1);
    /* An old ACK with ECE, reordered: nothing. */
    fsm_send(&f, ACK | ECE, f.peer_nxt, cwr_seq, NULL, 0);
    assert_int_equal(synack_stack_counters(f.st)->ecn_reductions, 1);
    fsm_free(&f);
}

/* Simultaneous open with both SYNs asking: the ECE of the peer's SYN,ACK is the agreement
 * (§6.1.1), not an echo of congestion; no data has been sent. */
static void test_ecn_simultaneous_open(void **state)
{
    (void)state;
    struct fsm f;
    cfg.ecn = SYNACK_ECN_ON;
    fsm_init(&f, &cfg);
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT};
    assert_int_equal(synack_connect(f.st, &lo, &re, f.now, &f.conn), 0);
    struct fsm_seg syn;
    assert_true(fsm_pop(&f, &syn));
    f.iss = syn.seq;
    fsm_send(&f, SYN | ECE | CWR, FSM_PEER_ISS, 0, NULL, 0); /* the peer's own ECN-setup SYN */
    f.peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(&f, SYN | ACK | ECE, f.iss, f.peer_nxt); /* SYN-RECEIVED: our SYN,ACK agrees */
    fsm_send(&f, SYN | ACK | ECE, FSM_PEER_ISS, f.iss + 1, NULL, 0); /* and so does its */
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_true(fsm_status(&f).ecn);
    assert_int_equal(synack_stack_counters(f.st)->ecn_reductions, 0);
    while (fsm_pop(&f, &syn)) {
    }
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt)->ecn, ECT0); /* no CWR */
    fsm_free(&f);
}

/* §6.1.1: a listener that agreed, then receives the peer's SYN again without ECN (its
 * §6.1.1.1 fallback), answers without ECN and never sets ECT. */
static void test_ecn_plain_syn_again_in_syn_received(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_listen(&f);
    fsm_send(&f, SYN | ECE | CWR, FSM_PEER_ISS, 0, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    struct fsm_seg s;
    assert_true(fsm_pop(&f, &s));
    assert_int_equal(s.flags, SYN | ACK | ECE);
    f.iss = s.seq;
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0); /* the same SYN, plain now */
    fsm_expect(&f, SYN | ACK, f.iss, f.peer_nxt);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    assert_int_equal(synack_accept(f.listener, &f.conn), 0);
    assert_false(fsm_status(&f).ecn);
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt)->ecn, NOT_ECT);
    fsm_free(&f);
}

/* §6.1.3 with delayed ACKs: the first CE mark is acknowledged at once, so that its ECE cannot be
 * lost to a CWR arriving before the delayed ACK. */
static void test_ecn_ce_acknowledged_at_once(void **state)
{
    (void)state;
    struct fsm f;
    cfg.ecn = SYNACK_ECN_ON;
    cfg.delack_timeout = SYNACK_MSEC(40);
    fsm_init_delack(&f, &cfg);
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT};
    assert_int_equal(synack_connect(f.st, &lo, &re, f.now, &f.conn), 0);
    struct fsm_seg syn;
    assert_true(fsm_pop(&f, &syn));
    f.iss = syn.seq;
    fsm_send(&f, SYN | ACK | ECE, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, data, 100); /* not ECT: its ACK is delayed */
    f.peer_nxt += 100;
    fsm_expect_none(&f);
    f.in_ecn = CE;
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, data, 100);
    f.peer_nxt += 100;
    fsm_expect(&f, ACK | ECE, f.iss + 1, f.peer_nxt); /* at once, not after 40 ms */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, data, 100); /* marked again, already echoing */
    f.peer_nxt += 100;
    fsm_expect_none(&f); /* delayed as usual */
    fsm_free(&f);
}

/* §6.1.5: a retransmission carries neither ECT nor CWR, even when a cut is pending. */
static void test_ecn_retransmission_not_ect(void **state)
{
    (void)state;
    struct fsm f;
    open_active(&f, ECE);
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt)->ecn, ECT0);
    fsm_at(&f, SYNACK_SEC(2)); /* the RTO */
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt)->ecn, NOT_ECT);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 101, NULL, 0);
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100); /* the next new data: CWR */
    assert_int_equal(fsm_expect(&f, ACK | PSH | CWR, f.iss + 101, f.peer_nxt)->ecn, ECT0);
    fsm_free(&f);
}

/* §6.1.6: window probes are not ECT. */
static void test_ecn_window_probe_not_ect(void **state)
{
    (void)state;
    struct fsm f;
    open_active(&f, ECE);
    fsm_send_opts(&f, ACK, f.peer_nxt, f.iss + 1, 0, NULL, NULL, 0); /* the window closes */
    assert_int_equal(synack_send(f.conn, data, 100, f.now), 100);
    fsm_expect_none(&f);
    fsm_at(&f, SYNACK_SEC(2));
    const struct fsm_seg *probe = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(probe->len, 1);
    assert_int_equal(probe->ecn, NOT_ECT);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ecn_passive_answers_an_ecn_setup_syn, setup),
        cmocka_unit_test_setup(test_ecn_passive_without_ask_or_when_off, setup),
        cmocka_unit_test_setup(test_ecn_active_open, setup),
        cmocka_unit_test_setup(test_ecn_syn_retransmissions_fall_back, setup),
        cmocka_unit_test_setup(test_ecn_receiver_echoes_ce_until_cwr, setup),
        cmocka_unit_test_setup(test_ecn_sender_cuts_cwnd_once_per_window, setup),
        cmocka_unit_test_setup(test_ecn_echo_before_cwr_arrives_is_not_new, setup),
        cmocka_unit_test_setup(test_ecn_simultaneous_open, setup),
        cmocka_unit_test_setup(test_ecn_plain_syn_again_in_syn_received, setup),
        cmocka_unit_test_setup(test_ecn_ce_acknowledged_at_once, setup),
        cmocka_unit_test_setup(test_ecn_retransmission_not_ect, setup),
        cmocka_unit_test_setup(test_ecn_window_probe_not_ect, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
