/* Timers of the opening handshake on the virtual clock: SYN and SYN,ACK retransmission with
 * RFC 6298 backoff (§2.1 initial RTO 1 s, §5.5 doubling, §2.5 upper bound), giving up after the
 * configured number of tries (RFC 9293 §3.8.3), synack_stack_next_deadline, and the 3 s RTO
 * after a retransmitted SYN (RFC 6298 §5.7). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

/* The next timer is due at exactly t: nothing a microsecond before, then this segment. */
static const struct fsm_seg *expect_at(struct fsm *f, synack_time_t t, uint8_t flags, uint32_t seq,
                                       uint32_t ack)
{
    assert_int_equal(synack_stack_next_deadline(f->st), t);
    fsm_at(f, t - 1);
    fsm_expect_none(f);
    fsm_at(f, t);
    const struct fsm_seg *s = fsm_expect(f, flags, seq, ack);
    fsm_expect_none(f);
    return s;
}

static struct fsm_seg connect_syn(struct fsm *f)
{
    struct synack_endpoint lo = {f->local, FSM_LPORT}, re = {f->remote, FSM_RPORT};
    assert_int_equal(synack_connect(f->st, &lo, &re, f->now, &f->conn), 0);
    struct fsm_seg s;
    assert_true(fsm_pop(f, &s));
    f->iss = s.seq;
    return s;
}

/* ---- SYN-SENT ---- */

/* RFC9293: MUST-22, MUST-47, SHLD-9 */
static void test_timers_open_syn_backoff_then_etimedout(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.syn_retries = 4;
    struct fsm f;
    fsm_init(&f, &cfg);
    struct fsm_seg first = connect_syn(&f);
    /* 1 s, then 2, 4, 8 s later: retransmissions at 1, 3, 7, 15 s. */
    const synack_time_t at[] = {SYNACK_SEC(1), SYNACK_SEC(3), SYNACK_SEC(7), SYNACK_SEC(15)};
    for (size_t i = 0; i < 4; i++) {
        const struct fsm_seg *s = expect_at(&f, at[i], SYN, f.iss, 0);
        /* The same SYN: same ISS, same options. */
        assert_int_equal(s->opts.has, first.opts.has);
        assert_int_equal(s->opts.mss, first.opts.mss);
        assert_int_equal(s->opts.wscale, first.opts.wscale);
        assert_int_equal(fsm_conn_status(f.conn).retransmits, i + 1);
        assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    }
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_RETRANSMIT), 4);
    assert_int_equal(synack_stack_counters(f.st)->retransmits, 4);
    /* R1 (3) was reached at the 15 s timeout and reported once, before R2 (4). */
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_DELIVERY_PROBLEM), 1);
    /* The fifth expiry, 16 s after the last SYN: no more tries. */
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(31));
    fsm_at(&f, SYNACK_SEC(31) - 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    fsm_at(&f, SYNACK_SEC(31));
    fsm_expect_none(&f); /* nothing to the peer: it never answered */
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_state_event(&f)->old_state, SYNACK_SYN_SENT);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_TIMEOUT);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    assert_int_equal(synack_stack_counters(f.st)->conns_timed_out, 1);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -ETIMEDOUT);
    char buf[2];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -ETIMEDOUT);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

/* RFC9293: MUST-23 */
static void test_timers_open_default_syn_retries_keep_trying_for_three_minutes(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    /* RFC 9293 §3.8.3 (MUST-23): "R2 for a SYN segment MUST be set large enough to provide
     * retransmission of the segment for at least 3 minutes." Doubling from 1 s, capped at
     * rto_max = 60 s (RFC 6298 §2.5): 1, 3, 7, 15, 31, 63, 123 s; gives up at 183 s. */
    const synack_time_t at[] = {1, 3, 7, 15, 31, 63, 123};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        expect_at(&f, SYNACK_SEC(at[i]), SYN, f.iss, 0);
    assert_int_equal(fsm_conn_status(f.conn).retransmits, synack_stack_config(f.st)->syn_retries);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(183));
    fsm_at(&f, SYNACK_SEC(180));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT); /* still trying at 3 min */
    fsm_at(&f, SYNACK_SEC(183));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    fsm_free(&f);
}

static void test_timers_open_syn_backoff_is_capped_at_rto_max(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.syn_retries = 5;
    cfg.rto_max = SYNACK_SEC(4);
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_syn_sent(&f);
    /* 1, 2, 4, 4, 4 s apart (RFC 6298 §2.5: a maximum value may be placed on RTO). */
    const synack_time_t at[] = {1, 3, 7, 11, 15};
    for (size_t i = 0; i < 5; i++)
        expect_at(&f, SYNACK_SEC(at[i]), SYN, f.iss, 0);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(19));
    fsm_at(&f, SYNACK_SEC(19));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    fsm_free(&f);
}

static void test_timers_open_zero_syn_retries_gives_up_at_first_timeout(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.syn_retries = 0;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_syn_sent(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(1));
    fsm_at(&f, SYNACK_SEC(1));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_RETRANSMIT), 0);
    fsm_free(&f);
}

static void test_timers_open_syn_ack_after_retransmission_stops_the_timer(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    expect_at(&f, SYNACK_SEC(1), SYN, f.iss, 0);
    expect_at(&f, SYNACK_SEC(3), SYN, f.iss, 0);
    fsm_at(&f, SYNACK_MSEC(3500));
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    assert_int_equal(fsm_conn_status(f.conn).retransmits, 0);
    fsm_at(&f, SYNACK_SEC(100));
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* ---- RFC 6298 §5.7 ---- */

/* RFC9293: MUST-18 */
static void test_timers_open_rto_is_3s_after_retransmitted_syn(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    expect_at(&f, SYNACK_SEC(1), SYN, f.iss, 0);
    /* The SYN,ACK 500 ms after the retransmission gives no RTT sample (Karn): the RTO for the
     * data is 3 s, not the backed-off 2 s nor a sample of 500 ms. */
    fsm_at(&f, SYNACK_MSEC(1500));
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(fsm_conn_status(f.conn).rto, SYNACK_SEC(3));
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    fsm_expect(&f, ACK | PSH, f.iss + 1, FSM_PEER_ISS + 1);
    /* The data is retransmitted 3 s after it was sent. */
    const struct fsm_seg *s =
        expect_at(&f, SYNACK_MSEC(1500) + SYNACK_SEC(3), ACK | PSH, f.iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(s->len, 3);
    fsm_free(&f);
}

/* RFC9293: MUST-18 */
static void test_timers_open_rto_from_sample_without_syn_retransmission(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_at(&f, SYNACK_MSEC(100));
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, FSM_PEER_ISS + 1);
    /* RFC 6298 §2.2: SRTT = 100 ms, RTTVAR = 50 ms, RTO = 100 + 4 * 50 = 300 ms. */
    assert_int_equal(fsm_conn_status(f.conn).rto, SYNACK_MSEC(300));
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    fsm_expect(&f, ACK | PSH, f.iss + 1, FSM_PEER_ISS + 1);
    expect_at(&f, SYNACK_MSEC(400), ACK | PSH, f.iss + 1, FSM_PEER_ISS + 1);
    fsm_free(&f);
}

/* ---- SYN-RECEIVED ---- */

/* RFC9293: MUST-22 */
static void test_timers_open_syn_ack_backoff_then_child_removed(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.synack_retries = 3;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_syn_received(&f);
    struct synack_conn *child = f.conn;
    const synack_time_t at[] = {1, 3, 7};
    for (size_t i = 0; i < 3; i++) {
        expect_at(&f, SYNACK_SEC(at[i]), SYN | ACK, f.iss, FSM_PEER_ISS + 1);
        assert_int_equal(synack_conn_state(child), SYNACK_SYN_RECEIVED);
    }
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(15));
    assert_int_equal(synack_stack_conn_count(f.st), 2);
    fsm_at(&f, SYNACK_SEC(15));
    fsm_expect_none(&f);
    /* The half-open child is dropped quietly: nobody holds its handle. */
    const struct synack_event *ev = fsm_last_state_event(&f);
    assert_ptr_equal(ev->conn, child);
    assert_int_equal(ev->old_state, SYNACK_SYN_RECEIVED);
    assert_int_equal(ev->new_state, SYNACK_CLOSED);
    assert_int_equal(ev->cause, SYNACK_CAUSE_TIMEOUT);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ERROR), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    assert_int_equal(synack_stack_counters(f.st)->conns_timed_out, 1);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    struct synack_conn *c;
    assert_int_equal(synack_accept(f.listener, &c), -EAGAIN);
    /* The peer's late ACK reaches the listener: <SEQ=SEG.ACK><CTL=RST> (§3.10.7.2). */
    fsm_send(&f, ACK, FSM_PEER_ISS + 1, f.iss + 1, NULL, 0);
    fsm_expect(&f, RST, f.iss + 1, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    fsm_free(&f);
}

static void test_timers_open_default_syn_ack_series(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    const synack_time_t at[] = {1, 3, 7, 15, 31};
    for (size_t i = 0; i < 5; i++)
        expect_at(&f, SYNACK_SEC(at[i]), SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    assert_int_equal(synack_stack_config(f.st)->synack_retries, 5);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(63));
    fsm_at(&f, SYNACK_SEC(63));
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_free(&f);
}

static void test_timers_open_syn_ack_timer_keeps_schedule_after_peer_syn(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received(&f);
    expect_at(&f, SYNACK_SEC(1), SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    /* The peer's retransmitted SYN is answered at once; the timer keeps its schedule. */
    fsm_at(&f, SYNACK_MSEC(1500));
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    fsm_expect(&f, SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(3));
    fsm_free(&f);
}

static void test_timers_open_simultaneous_open_syn_ack_retransmitted(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_received_active(&f);
    /* The SYN timer runs on in SYN-RECEIVED: now it resends the SYN,ACK. */
    expect_at(&f, SYNACK_SEC(1), SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    expect_at(&f, SYNACK_SEC(3), SYN | ACK, f.iss, FSM_PEER_ISS + 1);
    fsm_send(&f, ACK, FSM_PEER_ISS + 1, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_conn_status(f.conn).rto, SYNACK_SEC(3)); /* RFC 6298 §5.7 */
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

/* connect_timeout (FreeBSD's TCP_KEEPINIT): the open fails when its time is up, between two
 * retransmissions and with tries left. */
static void test_timers_open_connect_timeout_ends_the_open(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct synack_conn_params p;
    synack_conn_params_init(f.st, &p);
    p.connect_timeout = SYNACK_CONNECT_TIMEOUT_MAX + 1; /* refused, not wrapped around */
    assert_int_equal(synack_conn_params_check(&p), -EINVAL);
    p.connect_timeout = SYNACK_SEC(5);
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT};
    assert_int_equal(synack_connect_with(f.st, &lo, &re, &p, f.now, &f.conn), 0);
    struct fsm_seg s;
    assert_true(fsm_pop(&f, &s));
    f.iss = s.seq;
    expect_at(&f, SYNACK_SEC(1), SYN, f.iss, 0);
    expect_at(&f, SYNACK_SEC(3), SYN, f.iss, 0);
    /* The next retransmission would be at 7 s: the deadline at 5 s comes first. */
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(5));
    fsm_at(&f, SYNACK_SEC(5));
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    fsm_free(&f);
}

/* cfg.syn_rtx_drop_options (FreeBSD's rexmit_drop_options): the third retransmission and later
 * carry the MSS alone; a SYN,ACK may still answer an earlier SYN, whose options it takes up. */
static void test_timers_open_syn_rtx_drop_options(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.syn_rtx_drop_options = true;
    struct fsm f;
    fsm_init(&f, &cfg);
    struct fsm_seg first = connect_syn(&f);
    uint8_t all = SY_OPT_MSS | SY_OPT_WSCALE | SY_OPT_SACK_PERM | SY_OPT_TS;
    assert_int_equal(first.opts.has, all);
    assert_int_equal(expect_at(&f, SYNACK_SEC(1), SYN, f.iss, 0)->opts.has, all);
    assert_int_equal(expect_at(&f, SYNACK_SEC(3), SYN, f.iss, 0)->opts.has, all);
    assert_int_equal(expect_at(&f, SYNACK_SEC(7), SYN, f.iss, 0)->opts.has, SY_OPT_MSS);
    assert_int_equal(expect_at(&f, SYNACK_SEC(15), SYN, f.iss, 0)->opts.has, SY_OPT_MSS);
    struct sy_tcp_opts o = {.has = all, .mss = 1460, .wscale = 7, .ts_val = 5};
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, 8192, &o, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    const struct fsm_seg *ack = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(ack->opts.has & SY_OPT_TS, SY_OPT_TS);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.snd_wscale, 7);
    assert_true(st.timestamps);
    assert_true(st.sack_permitted);
    assert_int_equal(st.snd_mss, 1460);
    fsm_free(&f);
    /* With TCP_NOOPT no SYN offered anything: a SYN,ACK's options are not taken up. */
    fsm_init(&f, &cfg);
    struct synack_conn_params p;
    synack_conn_params_init(f.st, &p);
    p.noopt = true;
    struct synack_endpoint lo = {f.local, FSM_LPORT}, re = {f.remote, FSM_RPORT};
    assert_int_equal(synack_connect_with(f.st, &lo, &re, &p, f.now, &f.conn), 0);
    struct fsm_seg s;
    assert_true(fsm_pop(&f, &s));
    assert_int_equal(s.opts.has, 0);
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, s.seq + 1, 8192, &o, NULL, 0);
    st = fsm_status(&f);
    assert_int_equal(st.snd_wscale, -1);
    assert_false(st.timestamps);
    assert_false(st.sack_permitted);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_open_syn_backoff_then_etimedout),
        cmocka_unit_test(test_timers_open_default_syn_retries_keep_trying_for_three_minutes),
        cmocka_unit_test(test_timers_open_syn_backoff_is_capped_at_rto_max),
        cmocka_unit_test(test_timers_open_zero_syn_retries_gives_up_at_first_timeout),
        cmocka_unit_test(test_timers_open_syn_ack_after_retransmission_stops_the_timer),
        cmocka_unit_test(test_timers_open_rto_is_3s_after_retransmitted_syn),
        cmocka_unit_test(test_timers_open_rto_from_sample_without_syn_retransmission),
        cmocka_unit_test(test_timers_open_syn_ack_backoff_then_child_removed),
        cmocka_unit_test(test_timers_open_default_syn_ack_series),
        cmocka_unit_test(test_timers_open_syn_ack_timer_keeps_schedule_after_peer_syn),
        cmocka_unit_test(test_timers_open_simultaneous_open_syn_ack_retransmitted),
        cmocka_unit_test(test_timers_open_connect_timeout_ends_the_open),
        cmocka_unit_test(test_timers_open_syn_rtx_drop_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
