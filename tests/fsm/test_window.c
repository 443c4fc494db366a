/* Windows: the persist timer and its probes (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17), the
 * sender's silly-window override (§3.8.6.2.1), and the receiver's window updates under silly
 * window avoidance (§3.8.6.2.2). The peer here offers no options: the send MSS is 536. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static void peer_window(struct fsm *f, uint32_t ack, uint16_t wnd)
{
    fsm_send_opts(f, ACK, f->peer_nxt, ack, wnd, NULL, NULL, 0);
}

static void established_cfg(struct fsm *f, void (*tune)(struct synack_config *))
{
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.nodelay = true;
    if (tune) tune(&cfg);
    fsm_init(f, &cfg);
    fsm_established(f);
}

static const struct fsm_seg *expect_probe(struct fsm *f, uint32_t seq, uint8_t octet)
{
    const struct fsm_seg *s = fsm_expect(f, ACK, seq, f->peer_nxt);
    assert_int_equal(s->len, 1);
    assert_int_equal(s->data[0], octet);
    fsm_expect_none(f);
    return s;
}

/* Probes back off on their own: after the window opens, the data goes with the RTO it had. */
/* RFC9293: MUST-37, SHLD-29, SHLD-30 */
static void test_window_probe_backoff_leaves_rto_alone(void **state)
{
    (void)state;
    struct fsm f;
    established_cfg(&f, NULL);
    synack_time_t rto = fsm_status(&f).rto, t0 = f.now;
    peer_window(&f, f.iss + 1, 0);
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), t0 + rto);
    synack_time_t at = t0;
    for (unsigned i = 0; i < 4; i++) { /* probes at 1, 3, 7 and 15 RTO */
        at += rto << i;
        fsm_at(&f, at - 1);
        fsm_expect_none(&f);
        fsm_at(&f, at);
        expect_probe(&f, f.iss + 1, 'a');
        peer_window(&f, f.iss + 1, 0); /* answered: still no room */
        fsm_expect_none(&f);
    }
    assert_int_equal(synack_stack_counters(f.st)->window_probes, 4);
    assert_int_equal(synack_stack_counters(f.st)->retransmits, 0);
    assert_int_equal(synack_stack_counters(f.st)->fast_retransmits, 0); /* no dup ACKs */
    assert_int_equal(fsm_status(&f).rto, rto);
    assert_int_equal(fsm_status(&f).retransmits, 0);
    /* The window opens: everything from SND.UNA, and the retransmission timer at one RTO. */
    peer_window(&f, f.iss + 1, 4096);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 3);
    assert_memory_equal(s->data, "abc", 3);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), f.now + rto);
    fsm_free(&f);
}

static void retries_3(struct synack_config *cfg)
{
    cfg->data_retries = 3;
}

/* Unanswered probes: the peer is gone. data_retries of them, then ETIMEDOUT. */
static void test_window_unanswered_probes_time_out(void **state)
{
    (void)state;
    struct fsm f;
    established_cfg(&f, retries_3);
    synack_time_t rto = fsm_status(&f).rto, t0 = f.now;
    peer_window(&f, f.iss + 1, 0);
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    synack_time_t at = t0;
    for (unsigned i = 0; i < 3; i++) {
        at += rto << i;
        fsm_at(&f, at);
        expect_probe(&f, f.iss + 1, 'a');
        assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    }
    at += rto << 3;
    fsm_at(&f, at - 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_at(&f, at);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ETIMEDOUT);
    fsm_free(&f);
}

static void rto_max_800ms(struct synack_config *cfg)
{
    cfg->rto_initial = cfg->rto_max = SYNACK_MSEC(800);
}

/* The probe interval doubles up to rto_max and stays there. */
/* RFC9293: SHLD-30 */
static void test_window_probe_interval_capped_at_rto_max(void **state)
{
    (void)state;
    struct fsm f;
    established_cfg(&f, rto_max_800ms);
    synack_time_t rto = fsm_status(&f).rto, t0 = f.now;
    assert_int_equal(rto, SYNACK_MSEC(200)); /* rto_min: the handshake's RTT sample was 0 */
    peer_window(&f, f.iss + 1, 0);
    assert_int_equal(synack_send(f.conn, "abc", 3, f.now), 3);
    const synack_time_t gaps[] = {SYNACK_MSEC(200), SYNACK_MSEC(400), SYNACK_MSEC(800),
                                  SYNACK_MSEC(800), SYNACK_MSEC(800)};
    synack_time_t at = t0;
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
        at += gaps[i];
        fsm_at(&f, at - 1);
        fsm_expect_none(&f);
        fsm_at(&f, at);
        expect_probe(&f, f.iss + 1, 'a');
        peer_window(&f, f.iss + 1, 0);
    }
    fsm_free(&f);
}

/* The window closes as the peer ACKs the last octet in flight: the retransmission timer stops
 * and the persist timer takes over, probing with the next unsent octet. */
/* RFC9293: MUST-36 */
static void test_window_closed_by_ack_starts_persist(void **state)
{
    (void)state;
    struct fsm f;
    established_cfg(&f, NULL);
    synack_time_t rto = fsm_status(&f).rto;
    peer_window(&f, f.iss + 1, 536);
    static uint8_t data[1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i % 251);
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), (ssize_t)sizeof data);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, 536);
    fsm_expect_none(&f);
    fsm_at(&f, f.now + SYNACK_MSEC(50));
    peer_window(&f, f.iss + 537, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_next_deadline(f.st), f.now + rto);
    fsm_at(&f, f.now + rto);
    expect_probe(&f, f.iss + 537, data[536]);
    /* The peer takes the probe's octet and opens its window: the rest follows it. */
    peer_window(&f, f.iss + 538, 4096);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 538, f.peer_nxt);
    assert_int_equal(s->len, 1000 - 537);
    assert_memory_equal(s->data, data + 537, 1000 - 537);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* §3.8.6.2.1: a window smaller than a segment and than half the largest the peer offered holds
 * the data back; the persist timer's override sends what fits. */
/* RFC9293: MUST-38, MUST-60 */
static void test_window_small_window_override_sends_what_fits(void **state)
{
    (void)state;
    struct fsm f;
    established_cfg(&f, NULL);
    synack_time_t rto = fsm_status(&f).rto, t0 = f.now;
    peer_window(&f, f.iss + 1, 100); /* the peer offered 8192 before */
    static uint8_t data[600];
    memset(data, 'w', sizeof data);
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), (ssize_t)sizeof data);
    fsm_expect_none(&f);
    fsm_at(&f, t0 + rto - 1);
    fsm_expect_none(&f);
    fsm_at(&f, t0 + rto);
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 100);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_counters(f.st)->window_probes, 0);
    /* Now data is in flight: the retransmission timer watches it. */
    assert_int_equal(synack_stack_next_deadline(f.st), f.now + rto);
    fsm_free(&f);
}

static void our_mss_1000_rcvbuf_4096(struct synack_config *cfg)
{
    cfg->mss = 1000;
    cfg->rcvbuf = 4096;
}

/* §3.8.6.2.2: after a full window, reads open it again; the window update goes only once the
 * right edge can move by min(RCV.BUFF / 2, MSS) = 1000 octets, and it announces all the room. */
/* RFC9293: MUST-39, SHLD-14 */
static void test_window_update_after_reads_waits_for_an_mss(void **state)
{
    (void)state;
    struct fsm f;
    established_cfg(&f, our_mss_1000_rcvbuf_4096);
    static uint8_t fill[4096], got[4096];
    for (size_t i = 0; i < sizeof fill; i++)
        fill[i] = (uint8_t)(i * 7);
    uint32_t wnd = fsm_status(&f).rcv_wnd;
    assert_int_equal(wnd, 4096);
    for (uint32_t off = 0; off < wnd; off += 1000) { /* four segments and a tail */
        uint32_t n = wnd - off < 1000 ? wnd - off : 1000;
        fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, fill + off, n);
        f.peer_nxt += n;
        assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->wnd, wnd - off - n);
    }
    fsm_expect_none(&f);
    assert_int_equal(synack_recv(f.conn, got, 400, f.now), 400);
    fsm_expect_none(&f); /* 400 octets: the edge stays */
    assert_int_equal(synack_recv(f.conn, got + 400, 599, f.now), 599);
    fsm_expect_none(&f); /* 999 */
    assert_int_equal(synack_recv(f.conn, got + 999, 1, f.now), 1);
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->wnd, 1000);
    fsm_expect_none(&f);
    /* Another 500 read: not enough to move the edge again. The peer sees 1000 still. */
    assert_int_equal(synack_recv(f.conn, got + 1000, 500, f.now), 500);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).rcv_wnd, 1000);
    /* An ACK sent for another reason keeps the edge too (no silly window in it). */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, fill, 10);
    f.peer_nxt += 10;
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->wnd, 990);
    assert_int_equal(synack_recv(f.conn, got + 1500, sizeof got - 1500, f.now), 4096 - 1500);
    s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt); /* the rest read: all the room */
    assert_int_equal(s->wnd, 4096 - 10);
    assert_memory_equal(got, fill, 4096);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* RFC 7323 §2: with window scaling a 1 MiB buffer is offered whole, in both directions. */
/* RFC9293: MUST-1, REC-1 */
static void test_window_scaled_above_64k(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rcvbuf = cfg.sndbuf = 1u << 20;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_syn_sent(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS | SY_OPT_WSCALE, .mss = 1460, .wscale = 7};
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, 2000, &o, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.rcv_wscale, 5); /* the smallest shift that covers 1 MiB in 16 bits */
    assert_int_equal((uint32_t)s->wnd << 5, 1u << 20);
    assert_int_equal(st.rcv_wnd, 1u << 20);
    /* An octet 1 MB ahead is inside our window: held (and ACKed at once), not dropped. */
    fsm_send_opts(&f, ACK, f.peer_nxt + 1000000, f.iss + 1, 2000, NULL, "z", 1);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 0);
    /* The peer's window: 2000 << 7 = 256000 octets, beyond 64 KiB. */
    peer_window(&f, f.iss + 1, 2000);
    assert_int_equal(fsm_status(&f).snd_wnd, 256000);
    fsm_free(&f);
}

/* The peer shrinks its window, moving the right edge left over data already sent (§3.8.6): no
 * new data goes beyond it (SHLD-15); at the timeout the unacknowledged data within the new window
 * is sent again (SHLD-16); and as long as the peer acknowledges that, the data past the edge
 * does not time the connection out (SHLD-17), however many rounds it takes (MUST-34). */
/* RFC9293: MUST-34, SHLD-15, SHLD-16, SHLD-17 */
static void test_window_shrunk_by_the_peer(void **state)
{
    (void)state;
    struct fsm f;
    established_cfg(&f, retries_3);
    static uint8_t data[2000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i % 253);
    assert_int_equal(synack_send(f.conn, data, 1608, f.now), 1608);
    for (uint32_t off = 0; off < 1608; off += 536)
        assert_int_equal(
            fsm_expect(&f, ACK | (off == 1072 ? PSH : 0), f.iss + 1 + off, f.peer_nxt)->len, 536);
    fsm_expect_none(&f);
    /* ACK of the first segment with a window of 300: the right edge falls from ISS+8193 to
     * ISS+837, below SND.NXT = ISS+1609. */
    peer_window(&f, f.iss + 537, 300);
    fsm_expect_none(&f);
    assert_int_equal(synack_send(f.conn, data + 1608, 392, f.now), 392);
    fsm_expect_none(&f); /* nothing new while the window is overcommitted */
    uint32_t una = f.iss + 537;
    for (int round = 0; round < 4; round++) { /* more rounds than data_retries (3) */
        fsm_at(&f, synack_stack_next_deadline(f.st));
        const struct fsm_seg *s = fsm_expect(&f, ACK, una, f.peer_nxt);
        assert_int_equal(s->len, 300); /* what the window holds, not a full segment */
        assert_memory_equal(s->data, data + (una - f.iss - 1), 300);
        fsm_expect_none(&f);
        una += 300;
        peer_window(&f, una, 300);  /* taken; the window stays 300 */
        while (fsm_pop(&f, NULL)) { /* the next 300 may follow at once */
        }
        assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    }
    assert_int_equal(fsm_last_error(&f), 0);
    fsm_free(&f);
}

/* The window shrinks to zero with data in flight beyond it: after the timeout the sender probes
 * the closed window as usual (§3.8.6, MUST-35), and resumes when it opens. */
/* RFC9293: MUST-34, MUST-35 */
static void test_window_shrunk_to_zero_is_probed(void **state)
{
    (void)state;
    struct fsm f;
    established_cfg(&f, NULL);
    static uint8_t data[1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i % 251);
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), (ssize_t)sizeof data);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, 536);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 537, f.peer_nxt)->len, 464);
    peer_window(&f, f.iss + 537, 0); /* the edge moves back from ISS+8193 to ISS+537 */
    fsm_expect_none(&f);
    unsigned probes = 0;
    for (int i = 0; i < 8 && probes < 3; i++) {
        fsm_at(&f, synack_stack_next_deadline(f.st));
        struct fsm_seg s;
        while (fsm_pop(&f, &s)) {
            assert_int_equal(s.seq, f.iss + 537); /* nothing beyond the closed window */
            assert_true(s.len <= 1);
            if (s.len == 1) {
                assert_int_equal(s.data[0], data[536]);
                probes++;
            }
        }
        peer_window(&f, f.iss + 537, 0); /* answered: still closed */
    }
    assert_int_equal(probes, 3);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    peer_window(&f, f.iss + 537, 4096);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 537, f.peer_nxt);
    assert_int_equal(s->len, 464);
    assert_memory_equal(s->data, data + 536, 464);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_probe_backoff_leaves_rto_alone),
        cmocka_unit_test(test_window_unanswered_probes_time_out),
        cmocka_unit_test(test_window_probe_interval_capped_at_rto_max),
        cmocka_unit_test(test_window_closed_by_ack_starts_persist),
        cmocka_unit_test(test_window_small_window_override_sends_what_fits),
        cmocka_unit_test(test_window_update_after_reads_waits_for_an_mss),
        cmocka_unit_test(test_window_scaled_above_64k),
        cmocka_unit_test(test_window_shrunk_by_the_peer),
        cmocka_unit_test(test_window_shrunk_to_zero_is_probed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
