/* ESTABLISHED: data both ways, the close arcs, RST rules, acceptability edges (RFC 9293
 * §3.10.7.4), RFC 5961 challenge ACKs, and the user calls of §3.10.2-§3.10.5. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

/* A stack with the given receive buffer, established (the peer offers no options). */
static void established_rcvbuf(struct fsm *f, uint32_t rcvbuf)
{
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rcvbuf = rcvbuf;
    fsm_init(f, &cfg);
    fsm_established(f);
}

/* Fill the receive window exactly, leaving RCV.WND = 0 (the ACK announces window 0). */
static void fill_window(struct fsm *f)
{
    static uint8_t fill[1600];
    uint32_t wnd = fsm_status(f).rcv_wnd;
    assert_true(wnd > 0 && wnd <= sizeof fill);
    uint32_t snd_una = fsm_status(f).snd_una, snd_nxt = fsm_status(f).snd_nxt;
    fsm_send(f, ACK, f->peer_nxt, snd_una, fill, wnd);
    f->peer_nxt += wnd;
    assert_int_equal(fsm_expect(f, ACK, snd_nxt, f->peer_nxt)->wnd, 0);
    assert_int_equal(fsm_status(f).rcv_wnd, 0);
}

/* The peer changes its window: a pure ACK that is newer than the last update. */
static void peer_window(struct fsm *f, uint32_t ack, uint16_t wnd)
{
    fsm_send_opts(f, ACK, f->peer_nxt, ack, wnd, NULL, NULL, 0);
}

/* TCP_NODELAY: every segment goes as soon as the windows allow (Nagle is tested in
 * test_send.c). */
static struct synack_config nodelay_cfg;

static int setup_nodelay(void **state)
{
    (void)state;
    synack_config_init(&nodelay_cfg);
    nodelay_cfg.nodelay = true;
    return 0;
}

static void test_established_data_is_acked_and_readable(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "hello", 5);
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 5);
    assert_int_equal(s->len, 0);
    /* Unread data narrows the window; the right edge (65535 offered in the SYN) stays put. */
    assert_int_equal(s->wnd, 65535 - 5);
    fsm_expect_none(&f);
    char buf[16];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -EAGAIN);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

/* RFC9293: MAY-13 */
static void test_established_out_of_order_data_gets_immediate_duplicate_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, ACK, f.peer_nxt + 10, f.iss + 1, "later", 5);
    /* RFC 5681 §4.2 / RFC 9293 §3.10.7.4: an out-of-order segment draws an immediate ACK
     * of RCV.NXT, which stays where it was. */
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    char buf[16];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -EAGAIN);
    assert_int_equal(fsm_status(&f).rcv_nxt, f.peer_nxt);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

static void test_established_data_beyond_window_is_trimmed(void **state)
{
    (void)state;
    struct fsm f;
    established_rcvbuf(&f, 1000);
    static uint8_t data[1200];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, data, sizeof data);
    /* Only the 1000 bytes of the window are taken: RCV.NXT moves by 1000, the window is 0. */
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 1000);
    assert_int_equal(s->wnd, 0);
    fsm_expect_none(&f);
    static uint8_t got[1200];
    assert_int_equal(synack_recv(f.conn, got, sizeof got, f.now), 1000);
    assert_memory_equal(got, data, 1000);
    fsm_free(&f);
}

static void test_established_fin_beyond_trimmed_text_is_not_taken(void **state)
{
    (void)state;
    struct fsm f;
    established_rcvbuf(&f, 1000);
    static uint8_t data[1200];
    /* 1200 bytes and a FIN into a 1000-byte window: the text is trimmed, the FIN with it. */
    fsm_send(&f, ACK | FIN, f.peer_nxt, f.iss + 1, data, sizeof data);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 1000)->wnd, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    char buf[16];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 16); /* data, not the end */
    fsm_free(&f);
}

/* §3.10.7.4, zero-length segment, RCV.WND > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND. */
static void test_established_acceptability_empty_segment_open_window(void **state)
{
    (void)state;
    struct fsm f;
    established_rcvbuf(&f, 4096);
    uint32_t nxt = f.peer_nxt, wnd = fsm_status(&f).rcv_wnd;
    assert_int_equal(wnd, 4096);

    fsm_send(&f, ACK, nxt - 1, f.iss + 1, NULL, 0); /* left of the window */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, nxt)->wnd, 4096);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 1);

    fsm_send(&f, ACK, nxt, f.iss + 1, NULL, 0); /* the left edge: acceptable */
    fsm_expect_none(&f);
    fsm_send(&f, ACK, nxt + wnd - 1, f.iss + 1, NULL, 0); /* the last sequence number in it */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 1);

    fsm_send(&f, ACK, nxt + wnd, f.iss + 1, NULL, 0); /* just right of the window */
    fsm_expect(&f, ACK, f.iss + 1, nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 2);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

/* §3.10.7.4, zero-length segment, RCV.WND = 0: only SEG.SEQ = RCV.NXT. */
static void test_established_acceptability_empty_segment_zero_window(void **state)
{
    (void)state;
    struct fsm f;
    established_rcvbuf(&f, 1000);
    fill_window(&f);
    uint32_t nxt = f.peer_nxt;
    uint64_t base = fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE);

    fsm_send(&f, ACK, nxt - 1, f.iss + 1, NULL, 0); /* RCV.NXT-1 (= RCV.NXT+RCV.WND-1) */
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, nxt)->wnd, 0);
    fsm_expect_none(&f);
    fsm_send(&f, ACK, nxt, f.iss + 1, NULL, 0); /* RCV.NXT (= RCV.NXT+RCV.WND): acceptable */
    fsm_expect_none(&f);
    fsm_send(&f, ACK, nxt + 1, f.iss + 1, NULL, 0);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, nxt)->wnd, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), base + 2);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

/* §3.10.7.4, data, RCV.WND > 0: the first or the last byte inside the window. */
/* RFC9293: SHLD-14 */
static void test_established_acceptability_data_open_window(void **state)
{
    (void)state;
    struct fsm f;
    established_rcvbuf(&f, 4096);
    uint32_t nxt = f.peer_nxt;

    fsm_send(&f, ACK, nxt - 1, f.iss + 1, "x", 1); /* RCV.NXT-1: wholly old */
    fsm_expect(&f, ACK, f.iss + 1, nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 1);
    assert_int_equal(fsm_status(&f).recv_queued, 0);

    fsm_send(&f, ACK, nxt - 1, f.iss + 1, "xa", 2); /* overlaps RCV.NXT: the new byte is taken */
    fsm_expect(&f, ACK, f.iss + 1, nxt + 1);
    fsm_expect_none(&f);
    nxt += 1;
    char c;
    assert_int_equal(synack_recv(f.conn, &c, 1, f.now), 1);
    assert_int_equal(c, 'a');

    uint32_t wnd = fsm_status(&f).rcv_wnd;
    fsm_send(&f, ACK, nxt + wnd - 1, f.iss + 1, "z", 1); /* last byte of the window: acceptable */
    fsm_expect(&f, ACK, f.iss + 1, nxt);                 /* but out of order: a duplicate ACK */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 1);

    /* That ACK kept the right edge: a read of one octet does not move it (§3.8.6.2.2). */
    wnd = fsm_status(&f).rcv_wnd;
    assert_int_equal(wnd, 4095);
    fsm_send(&f, ACK, nxt + wnd, f.iss + 1, "z", 1); /* RCV.NXT+RCV.WND: outside */
    fsm_expect(&f, ACK, f.iss + 1, nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_UNACCEPTABLE), 2);
    assert_int_equal(fsm_status(&f).recv_queued, 0);
    fsm_free(&f);
}

/* §3.10.7.4, data, RCV.WND = 0: not acceptable; the text is never taken. */
/* RFC9293: MAY-8 */
static void test_established_acceptability_data_zero_window(void **state)
{
    (void)state;
    struct fsm f;
    established_rcvbuf(&f, 1000);
    fill_window(&f);
    uint32_t nxt = f.peer_nxt;
    const uint32_t offs[] = {(uint32_t)-1, 0, 1};
    for (size_t i = 0; i < 3; i++) {
        fsm_send(&f, ACK, nxt + offs[i], f.iss + 1, "y", 1);
        const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, nxt);
        assert_int_equal(s->wnd, 0);
        fsm_expect_none(&f);
    }
    assert_int_equal(fsm_status(&f).rcv_nxt, nxt);
    assert_int_equal(fsm_status(&f).recv_queued, 1000);
    fsm_free(&f);
}

/* The ACK of an unacceptable segment is not processed; with a zero window the "special
 * allowance" of §3.10.7.4 still takes the ACK of a segment at RCV.NXT. */
static void test_established_unacceptable_segment_ack_ignored_zero_window_ack_taken(void **state)
{
    (void)state;
    struct fsm f;
    established_rcvbuf(&f, 1000);
    assert_int_equal(synack_send(f.conn, "abcd", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    fill_window(&f);
    uint32_t nxt = f.peer_nxt;
    fsm_send(&f, ACK, nxt + 5, f.iss + 5, "y", 1); /* unacceptable: the ACK is not looked at */
    fsm_expect(&f, ACK, f.iss + 5, nxt);
    assert_int_equal(fsm_status(&f).snd_una, f.iss + 1);
    fsm_send(&f, ACK, nxt, f.iss + 5, "y", 1); /* at RCV.NXT: the ACK counts, the text not */
    fsm_expect(&f, ACK, f.iss + 5, nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).snd_una, f.iss + 5);
    assert_int_equal(fsm_status(&f).send_queued, 0);
    fsm_free(&f);
}

/* RFC9293: MUST-12 */
static void test_established_rst_at_rcv_nxt_resets(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -ECONNRESET);
    assert_int_equal(synack_send(f.conn, "a", 1, f.now), -ECONNRESET);
    assert_int_equal(synack_stack_counters(f.st)->conns_reset, 1);
    fsm_free(&f);
}

static void test_established_rst_ack_at_rcv_nxt_resets(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, RST | ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_conn_error(f.conn), -ECONNRESET);
    fsm_free(&f);
}

static void test_established_rst_in_window_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    /* RFC 5961 §3.2: in the window but not exactly RCV.NXT: a challenge ACK, nothing else. */
    fsm_send(&f, RST, f.peer_nxt + 1, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    fsm_send(&f, RST | ACK, f.peer_nxt + 65534, f.iss + 1, NULL, 0); /* last in the window */
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_RST_CHALLENGED), 2);
    assert_int_equal(fsm_last_error(&f), 0);
    fsm_free(&f);
}

static void test_established_rst_in_window_resets_without_rfc5961(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rfc5961_rst = false;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    fsm_send(&f, RST, f.peer_nxt + 100, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    fsm_free(&f);
}

static void test_established_rst_outside_window_is_dropped_silently(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, RST, f.peer_nxt - 1, 0, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST | ACK, f.peer_nxt + 65535, f.iss + 1, NULL, 0); /* RCV.NXT+RCV.WND */
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_RST_OUT_OF_WINDOW), 2);
    fsm_free(&f);
}

static void test_established_syn_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    /* RFC 5961 §4.2: a SYN in a synchronized state, whatever its sequence number. */
    fsm_send(&f, SYN, f.peer_nxt, 0, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    fsm_send(&f, SYN | ACK, f.peer_nxt + 10, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    fsm_send(&f, SYN, FSM_PEER_ISS + 0x40000000u, 0, NULL, 0); /* far outside the window */
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 0);
    fsm_free(&f);
}

static void test_established_syn_in_window_resets_without_rfc5961(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rfc5961_syn = false;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    fsm_send(&f, SYN, f.peer_nxt + 5, 0, NULL, 0);
    /* §3.10.7.4 (RFC 793 behaviour): "send a reset", flush, "connection reset", CLOSED. */
    fsm_expect(&f, RST | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    assert_int_equal(synack_stack_counters(f.st)->rst_sent[SYNACK_RST_SYN_IN_WINDOW], 1);
    fsm_free(&f);
}

static void test_established_segment_without_ack_is_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, PSH, f.peer_nxt, 0, "data", 4);
    fsm_expect_none(&f);
    fsm_send(&f, FIN, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_ACK), 2);
    assert_int_equal(fsm_status(&f).rcv_nxt, f.peer_nxt);
    assert_int_equal(fsm_status(&f).recv_queued, 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

static void test_established_ack_of_unsent_data_is_acked_and_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 100, "data", 4);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt); /* RCV.NXT unchanged: the text was dropped */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ACK_UNSENT), 1);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.snd_una, f.iss + 1);
    assert_int_equal(st.recv_queued, 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

static void test_established_duplicate_and_old_acks_are_ignored(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, &nodelay_cfg); /* segmentation, not Nagle, is under test */
    fsm_established(&f);
    static uint8_t data[1000];
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), 1000);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect(&f, ACK | PSH, f.iss + 537, f.peer_nxt);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 537, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).snd_una, f.iss + 537);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 537, NULL, 0); /* duplicate: SEG.ACK = SND.UNA */
    fsm_expect_none(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, NULL, 0); /* old: SEG.ACK < SND.UNA */
    fsm_expect_none(&f);
    struct synack_status st = fsm_status(&f);
    assert_int_equal(st.snd_una, f.iss + 537);
    assert_int_equal(st.send_queued, 464);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    fsm_free(&f);
}

/* RFC9293: MAY-12 */
static void test_established_ack_older_than_max_window_gets_challenge_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    /* RFC 5961 §5.2: SEG.ACK < SND.UNA - MAX.SND.WND draws an ACK and is dropped. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1 - FSM_PEER_WND - 1, "zz", 2);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ACK_OLD), 1);
    assert_int_equal(fsm_status(&f).recv_queued, 0);
    fsm_free(&f);
}

/* RFC9293: MUST-15, MUST-61, SHLD-27, SHLD-28 */
static void test_established_send_segments_at_default_mss_536(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, &nodelay_cfg); /* segmentation, not Nagle, is under test */
    fsm_established(&f);
    assert_int_equal(fsm_status(&f).snd_mss, 536);
    static uint8_t data[2000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 13);
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), 2000);
    const struct fsm_seg *s;
    for (uint32_t off = 0; off < 1608; off += 536) {
        s = fsm_expect(&f, ACK, f.iss + 1 + off, f.peer_nxt);
        assert_int_equal(s->len, 536);
        assert_memory_equal(s->data, data + off, 536);
    }
    s = fsm_expect(&f, ACK | PSH, f.iss + 1 + 1608, f.peer_nxt);
    assert_int_equal(s->len, 392);
    assert_memory_equal(s->data, data + 1608, 392);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* RFC9293: MUST-14, MUST-16, SHLD-28 */
static void test_established_send_segments_at_peer_mss_option(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, &nodelay_cfg); /* segmentation, not Nagle, is under test */
    fsm_syn_sent(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS, .mss = 1000};
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, FSM_PEER_WND, &o, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    static uint8_t data[2500];
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), 2500);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, 1000);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1001, f.peer_nxt)->len, 1000);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 2001, f.peer_nxt)->len, 500);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* The peer's window limits sending; a window-limited piece smaller than an MSS and than half
 * the largest window the peer offered (8192 in its SYN,ACK) waits: sender-side silly window
 * avoidance, RFC 9293 §3.8.6.2.1. */
/* RFC9293: MUST-38 */
static void test_established_send_limited_by_peer_window(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, &nodelay_cfg); /* segmentation, not Nagle, is under test */
    fsm_established(&f);
    peer_window(&f, f.iss + 1, 1000);
    fsm_expect_none(&f);
    static uint8_t data[2000];
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), 2000);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, 536);
    fsm_expect_none(&f); /* 464 usable < MSS and < 8192/2: held */
    /* The peer takes the 536 and offers 1000 again: one more full segment, the rest held. */
    peer_window(&f, f.iss + 537, 1000);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 537, f.peer_nxt)->len, 536);
    fsm_expect_none(&f);
    /* A window of 4096 (half of 8192) lets a short piece go; all the rest fits now. */
    peer_window(&f, f.iss + 1073, 4096);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1073, f.peer_nxt)->len, 536);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1609, f.peer_nxt)->len, 392);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_established_window_update_sends_waiting_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    peer_window(&f, f.iss + 1, 0);
    assert_int_equal(synack_send(f.conn, "waiting", 7, f.now), 7);
    fsm_expect_none(&f);
    peer_window(&f, f.iss + 1, 4096); /* same SEQ and ACK, new window: SND.WL1/WL2 allow it */
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 7);
    assert_memory_equal(s->data, "waiting", 7);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* RFC9293: MUST-19 */
static void test_established_data_retransmitted_from_snd_una_on_rto(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, &nodelay_cfg); /* segmentation, not Nagle, is under test */
    fsm_established(&f);
    /* The handshake took no time: RTO = max(SRTT + 4 RTTVAR, rto_min) = 200 ms (RFC 6298). */
    synack_time_t rto = fsm_status(&f).rto;
    assert_int_equal(rto, SYNACK_MSEC(200));
    static uint8_t data[1000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i ^ 0x5a);
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), 1000);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    fsm_expect(&f, ACK | PSH, f.iss + 537, f.peer_nxt);
    fsm_at(&f, rto - 1);
    fsm_expect_none(&f);
    fsm_at(&f, rto);
    /* Go back to SND.UNA; after a timeout cwnd is one segment (RFC 5681 §3.1 (4)). */
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 536);
    assert_memory_equal(s->data, data, 536);
    fsm_expect_none(&f);
    assert_int_equal(fsm_status(&f).cwnd, 536);
    assert_int_equal(fsm_status(&f).rto, 2 * rto); /* RFC 6298 §5.5 */
    /* Its ACK grows cwnd to two segments (slow start): the rest goes again at once. */
    fsm_at(&f, rto + SYNACK_MSEC(10));
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 537, NULL, 0);
    s = fsm_expect(&f, ACK | PSH, f.iss + 537, f.peer_nxt);
    assert_int_equal(s->len, 464);
    assert_memory_equal(s->data, data + 536, 464);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* RFC9293: MUST-36, SHLD-29 */
static void test_established_zero_window_probe_after_rto(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    synack_time_t rto = fsm_status(&f).rto;
    peer_window(&f, f.iss + 1, 0);
    assert_int_equal(synack_send(f.conn, "probe", 5, f.now), 5);
    fsm_expect_none(&f);
    fsm_at(&f, rto - 1);
    fsm_expect_none(&f);
    fsm_at(&f, rto);
    /* §3.8.6.1: one byte beyond the zero window. */
    const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 1);
    assert_int_equal(s->data[0], 'p');
    fsm_expect_none(&f);
    /* The peer still has no room: it does not take the byte. Probes back off (2 x RTO). */
    fsm_send_opts(&f, ACK, f.peer_nxt, f.iss + 1, 0, NULL, NULL, 0);
    fsm_expect_none(&f);
    fsm_at(&f, rto + 2 * rto - 1);
    fsm_expect_none(&f);
    fsm_at(&f, rto + 2 * rto);
    s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 1);
    assert_int_equal(s->data[0], 'p');
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    /* The window opens, the probe byte still unacknowledged: everything from SND.UNA goes. */
    peer_window(&f, f.iss + 1, 4096);
    s = fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 5);
    assert_memory_equal(s->data, "probe", 5);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_established_zero_window_probe_accepted_moves_on(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    synack_time_t rto = fsm_status(&f).rto;
    peer_window(&f, f.iss + 1, 0);
    assert_int_equal(synack_send(f.conn, "probe", 5, f.now), 5);
    fsm_at(&f, rto);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, 1);
    /* The peer takes the byte and opens its window: the rest follows from SND.UNA. */
    peer_window(&f, f.iss + 2, 4096);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 2, f.peer_nxt);
    assert_int_equal(s->len, 4);
    assert_memory_equal(s->data, "robe", 4);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* RFC9293: MUST-37 */
static void test_established_zero_window_probes_answered_never_time_out(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.data_retries = 3;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    peer_window(&f, f.iss + 1, 0);
    assert_int_equal(synack_send(f.conn, "probe", 5, f.now), 5);
    /* RFC 1122 §4.2.2.17 (RFC 9293 §3.8.6.1): as long as the receiver answers the probes, the
     * sender MUST keep the connection open, however many probes that takes. */
    for (int i = 0; i < 10; i++) {
        fsm_at(&f, synack_stack_next_deadline(f.st));
        const struct fsm_seg *s = fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
        assert_int_equal(s->len, 1);
        fsm_expect_none(&f);
        fsm_send_opts(&f, ACK, f.peer_nxt, f.iss + 1, 0, NULL, NULL, 0);
        fsm_expect_none(&f);
        assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    }
    assert_int_equal(fsm_last_error(&f), 0);
    fsm_free(&f);
}

static void test_established_fin_moves_to_close_wait_with_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, FIN | ACK, f.peer_nxt, f.iss + 1, NULL, 0);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    assert_true(fsm_count_events(&f, SYNACK_EV_READABLE) > 0); /* the end of stream is readable */
    fsm_free(&f);
}

/* RFC9293: MUST-12 */
static void test_established_recv_returns_zero_after_peer_fin(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, FIN | ACK | PSH, f.peer_nxt, f.iss + 1, "bye", 3);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 4);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSE_WAIT);
    char buf[8];
    assert_int_equal(synack_recv(f.conn, buf, 2, f.now), 2);
    assert_memory_equal(buf, "by", 2);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 1);
    assert_int_equal(buf[0], 'e');
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_established_shutdown_sends_fin_and_enters_fin_wait_1(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_shutdown(f.conn, f.now), 0);
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_FIN_WAIT_1);
    assert_int_equal(fsm_status(&f).snd_nxt, f.iss + 2); /* the FIN occupies a number */
    fsm_free(&f);
}

static void test_established_close_sends_fin_after_queued_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    peer_window(&f, f.iss + 1, 0);
    assert_int_equal(synack_send(f.conn, "tail", 4, f.now), 4);
    fsm_expect_none(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect_none(&f); /* §3.10.4: the FIN waits behind the data */
    assert_int_equal(fsm_count_state(&f, SYNACK_FIN_WAIT_1), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    peer_window(&f, f.iss + 1, 4096);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH | FIN, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 4);
    assert_memory_equal(s->data, "tail", 4);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_established_close_enters_fin_wait_1_with_fin(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect(&f, FIN | ACK, f.iss + 1, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_FIN_WAIT_1), 1);
    assert_int_equal(f.ev[f.nev - 2].type, SYNACK_EV_STATE);
    assert_int_equal(f.ev[f.nev - 2].old_state, SYNACK_ESTABLISHED);
    assert_int_equal(f.ev[f.nev - 2].cause, SYNACK_CAUSE_USER_CLOSE);
    assert_int_equal(synack_stack_conn_count(f.st), 1); /* the stack finishes the close */
    fsm_free(&f);
}

static void test_established_abort_sends_rst_at_snd_nxt(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "unacked", 7, f.now), 7);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(synack_abort(f.conn, f.now), 0);
    /* §3.10.5: <SEQ=SND.NXT><CTL=RST>. */
    fsm_expect(&f, RST | ACK, f.iss + 8, f.peer_nxt);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    assert_int_equal(synack_stack_counters(f.st)->rst_sent[SYNACK_RST_ABORT], 1);
    fsm_free(&f);
}

/* RFC9293: SHLD-3, MAY-1 */
static void test_established_close_with_unread_data_sends_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, "unread", 6);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 6);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    /* RFC 2525 §2.17: a RST, not a FIN, so the peer learns its data was lost. */
    fsm_expect(&f, RST | ACK, f.iss + 1, f.peer_nxt + 6);
    fsm_expect_none(&f);
    assert_int_equal(fsm_count_state(&f, SYNACK_FIN_WAIT_1), 0);
    assert_int_equal(fsm_count_state(&f, SYNACK_CLOSED), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

/* A RST may carry data (diagnostic text, RFC 9293 §3.5.3): it resets all the same. */
/* RFC9293: SHLD-2 */
static void test_established_rst_with_data_resets(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, RST | ACK, f.peer_nxt, f.iss + 1, "host is going down", 18);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    fsm_free(&f);
}

/* With the receive window closed, a RST at RCV.NXT is still processed (§3.4: "A TCP receiver
 * MUST process the RST and URG fields of all incoming segments, even when the receive window is
 * zero"), and so is one that carries data: its text is trimmed away. */
/* RFC9293: MUST-66, SHLD-2 */
static void test_established_rst_at_rcv_nxt_resets_with_zero_window(void **state)
{
    (void)state;
    struct fsm f;
    established_rcvbuf(&f, 1000);
    fill_window(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    fsm_free(&f);

    established_rcvbuf(&f, 1000);
    fill_window(&f);
    fsm_send(&f, RST | ACK, f.peer_nxt, f.iss + 1, "out of memory", 13);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    fsm_free(&f);
}

/* §3.8.3: with the default settings a peer that never answers is given up on (R2) only after
 * more than 100 seconds of retransmissions with exponential backoff, each one reported as an
 * event, R1 reported once on the way, and the application hears ETIMEDOUT. */
/* RFC9293: MUST-19, MUST-20, SHLD-9, SHLD-11 */
static void test_established_default_retries_give_up_after_more_than_100_s(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "lost", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    synack_time_t last = f.now, gap = 0;
    unsigned sent = 0;
    while (synack_conn_state(f.conn) == SYNACK_ESTABLISHED) {
        synack_time_t t = synack_stack_next_deadline(f.st);
        assert_true(t != SYNACK_TIME_NEVER);
        assert_true(t - last >= gap); /* the intervals never shrink */
        gap = t - last;
        last = t;
        fsm_at(&f, t);
        while (fsm_pop(&f, NULL))
            sent++;
    }
    assert_int_equal(sent, synack_stack_config(f.st)->data_retries);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_RETRANSMIT), sent);
    /* R1 (3 retransmissions) was reported once on the way, and IP advised at each later RTO. */
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_DELIVERY_PROBLEM), 1);
    assert_int_equal(synack_stack_counters(f.st)->negative_advice, sent - 3);
    assert_true(last > SYNACK_SEC(100));
    assert_int_equal(gap, synack_stack_config(f.st)->rto_max); /* backed off to the cap */
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_conn_error(f.conn), -ETIMEDOUT);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_established_data_is_acked_and_readable),
        cmocka_unit_test(test_established_out_of_order_data_gets_immediate_duplicate_ack),
        cmocka_unit_test(test_established_data_beyond_window_is_trimmed),
        cmocka_unit_test(test_established_fin_beyond_trimmed_text_is_not_taken),
        cmocka_unit_test(test_established_acceptability_empty_segment_open_window),
        cmocka_unit_test(test_established_acceptability_empty_segment_zero_window),
        cmocka_unit_test(test_established_acceptability_data_open_window),
        cmocka_unit_test(test_established_acceptability_data_zero_window),
        cmocka_unit_test(test_established_unacceptable_segment_ack_ignored_zero_window_ack_taken),
        cmocka_unit_test(test_established_rst_at_rcv_nxt_resets),
        cmocka_unit_test(test_established_rst_ack_at_rcv_nxt_resets),
        cmocka_unit_test(test_established_rst_in_window_gets_challenge_ack),
        cmocka_unit_test(test_established_rst_in_window_resets_without_rfc5961),
        cmocka_unit_test(test_established_rst_outside_window_is_dropped_silently),
        cmocka_unit_test(test_established_syn_gets_challenge_ack),
        cmocka_unit_test(test_established_syn_in_window_resets_without_rfc5961),
        cmocka_unit_test(test_established_segment_without_ack_is_dropped),
        cmocka_unit_test(test_established_ack_of_unsent_data_is_acked_and_dropped),
        cmocka_unit_test(test_established_duplicate_and_old_acks_are_ignored),
        cmocka_unit_test(test_established_ack_older_than_max_window_gets_challenge_ack),
        cmocka_unit_test(test_established_send_segments_at_default_mss_536),
        cmocka_unit_test(test_established_send_segments_at_peer_mss_option),
        cmocka_unit_test(test_established_send_limited_by_peer_window),
        cmocka_unit_test(test_established_window_update_sends_waiting_data),
        cmocka_unit_test(test_established_data_retransmitted_from_snd_una_on_rto),
        cmocka_unit_test(test_established_zero_window_probe_after_rto),
        cmocka_unit_test(test_established_zero_window_probe_accepted_moves_on),
        cmocka_unit_test(test_established_zero_window_probes_answered_never_time_out),
        cmocka_unit_test(test_established_fin_moves_to_close_wait_with_ack),
        cmocka_unit_test(test_established_recv_returns_zero_after_peer_fin),
        cmocka_unit_test(test_established_shutdown_sends_fin_and_enters_fin_wait_1),
        cmocka_unit_test(test_established_close_sends_fin_after_queued_data),
        cmocka_unit_test(test_established_close_enters_fin_wait_1_with_fin),
        cmocka_unit_test(test_established_abort_sends_rst_at_snd_nxt),
        cmocka_unit_test(test_established_close_with_unread_data_sends_rst),
        cmocka_unit_test(test_established_rst_with_data_resets),
        cmocka_unit_test(test_established_rst_at_rcv_nxt_resets_with_zero_window),
        cmocka_unit_test(test_established_default_retries_give_up_after_more_than_100_s),
    };
    return cmocka_run_group_tests(tests, setup_nodelay, NULL);
}
