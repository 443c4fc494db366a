/* The urgent mechanism (RFC 9293 §3.8.5, §3.10.2, §3.10.7.4 sixth; RFC 6093): SEND with the
 * URGENT flag sets URG and an urgent pointer at the octet after the urgent data on every segment
 * before it until it is acknowledged; a received pointer moves RCV.UP, the application is told
 * once per continuous sequence of urgent data and can see how much is unread; the data itself
 * stays in line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

#define URG SY_TH_URG

static uint32_t urgent_unread(const struct fsm *f)
{
    uint32_t n = fsm_status(f).urgent_unread;
    assert_int_equal(synack_conn_urgent(f->conn), n);
    return n;
}

/* RFC9293: MUST-30, MUST-62 */
static void test_urgent_send_points_after_the_urgent_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "ab", 2, f.now), 2);
    const struct fsm_seg *s = fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->urp, 0);
    assert_int_equal(synack_send_urgent(f.conn, "XYZ", 3, f.now), 3);
    /* Nagle holds the 3 octets behind the unacknowledged 2: the ACK of them lets them go. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 3, NULL, 0);
    s = fsm_expect(&f, ACK | PSH | URG, f.iss + 3, f.peer_nxt);
    assert_int_equal(s->len, 3);
    assert_int_equal(s->urp, 3); /* SEG.SEQ + 3: the octet after "XYZ" (RFC 6093 §4) */
    assert_memory_equal(s->data, "XYZ", 3);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 6, NULL, 0);
    assert_int_equal(synack_send(f.conn, "n", 1, f.now), 1);
    s = fsm_expect(&f, ACK | PSH, f.iss + 6, f.peer_nxt); /* urgent mode is over */
    assert_int_equal(s->urp, 0);
    assert_int_equal(synack_send_urgent(f.conn, "", 0, f.now), -EINVAL); /* one octet at least */
    fsm_free(&f);
}

/* RFC9293: MUST-30, MUST-31 */
static void test_urgent_every_segment_before_snd_up_carries_it(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.nodelay = true;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    static uint8_t big[1500];
    memset(big, 'u', sizeof big);
    assert_int_equal(synack_send_urgent(f.conn, big, sizeof big, f.now), (ssize_t)sizeof big);
    /* Three segments of the 536-byte MSS; each points to the same end, SND.UP. */
    uint32_t seq = f.iss + 1, end = f.iss + 1 + sizeof big;
    for (int i = 0; i < 3; i++) {
        struct fsm_seg seg;
        assert_true(fsm_pop(&f, &seg));
        assert_true(seg.flags & URG);
        assert_int_equal(seg.seq, seq);
        assert_int_equal(seg.urp, end - seq);
        seq += (uint32_t)seg.len;
    }
    assert_int_equal(seq, end);
    /* A pure ACK still before SND.UP is not: nothing before it is unsent. Data from the peer
     * while the urgent data waits for its ACK draws an ACK at SND.MAX = SND.UP: no URG. */
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "q", 1);
    const struct fsm_seg *s = fsm_expect(&f, ACK, end, f.peer_nxt + 1);
    assert_false(s->flags & URG);
    fsm_free(&f);
}

/* RFC9293: MUST-30, MUST-66 */
static void test_urgent_pointer_reaches_a_closed_window(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    /* The peer's window takes one segment of the 600 urgent octets: the rest waits, and every
     * segment meanwhile (here the ACK of the peer's data) carries the pointer to its end. */
    fsm_send_opts(&f, ACK, f.peer_nxt, f.iss + 1, 536, NULL, NULL, 0);
    static uint8_t urgent[600];
    assert_int_equal(synack_send_urgent(f.conn, urgent, sizeof urgent, f.now), 600);
    const struct fsm_seg *s = fsm_expect(&f, ACK | URG, f.iss + 1, f.peer_nxt);
    assert_int_equal(s->len, 536);
    assert_int_equal(s->urp, 600);
    fsm_expect_none(&f);
    fsm_send_opts(&f, ACK | PSH, f.peer_nxt, f.iss + 537, 0, NULL, "hi", 2);
    s = fsm_expect(&f, ACK | URG, f.iss + 537, f.peer_nxt + 2);
    assert_int_equal(s->len, 0);
    assert_int_equal(s->urp, 64); /* SND.UP - SEG.SEQ */
    fsm_free(&f);
}

/* RFC9293: MUST-30, MUST-32, MUST-33, MUST-47, MUST-62 */
static void test_urgent_received_in_line_signalled_once(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(urgent_unread(&f), 0);
    /* "abc" plain, then "XY" urgent: the pointer 5 past SEG.SEQ is the octet after 'Y'. */
    fsm_send_urgent(&f, ACK | PSH, f.peer_nxt, f.iss + 1, 5, "abcXY", 5);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 5);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_URGENT), 1);
    assert_int_equal(urgent_unread(&f), 5); /* read 5 more octets and the urgent data is done */
    /* The same pointer again, and one further on within this urgent data: no second signal. */
    fsm_send_urgent(&f, ACK | PSH, f.peer_nxt + 5, f.iss + 1, 2, "Z!", 2);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 7);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_URGENT), 1);
    assert_int_equal(urgent_unread(&f), 7);
    char buf[16];
    assert_int_equal(synack_recv(f.conn, buf, 4, f.now), 4);
    assert_memory_equal(buf, "abcX", 4); /* in line: nothing is taken out of the stream */
    assert_int_equal(urgent_unread(&f), 3);
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 3);
    assert_memory_equal(buf, "YZ!", 3);
    assert_int_equal(urgent_unread(&f), 0);
    /* Urgent mode ended: new urgent data is signalled again. */
    fsm_send_urgent(&f, ACK | PSH, f.peer_nxt + 7, f.iss + 1, 1, "!", 1);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 8);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_URGENT), 2);
    assert_int_equal(urgent_unread(&f), 1);
    assert_int_equal(synack_stack_counters(f.st)->urgent_in, 3);
    fsm_free(&f);
}

/* RFC9293: MUST-31, MUST-32, MUST-33 */
static void test_urgent_pointer_ahead_of_the_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    /* 4 octets now, a pointer 0xffff on: the urgent data goes on past what has arrived, and the
     * next segment's pointer moves RCV.UP further (urgent data of any length). */
    fsm_send_urgent(&f, ACK | PSH, f.peer_nxt, f.iss + 1, 0xffff, "aaaa", 4);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 4);
    assert_int_equal(urgent_unread(&f), 0xffff);
    fsm_send_urgent(&f, ACK | PSH, f.peer_nxt + 4, f.iss + 1, 0xffff, "bbbb", 4);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 8);
    assert_int_equal(urgent_unread(&f), 0xffff + 4);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_URGENT), 1);
    fsm_free(&f);
}

/* RFC9293: MUST-66 */
static void test_urgent_taken_with_the_receive_window_closed(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.rcvbuf = 1024;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_established(&f);
    static uint8_t fill[1024];
    memset(fill, 'f', sizeof fill);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, fill, 536);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 536);
    fsm_send(&f, ACK, f.peer_nxt + 536, f.iss + 1, fill, 488);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 1024)->wnd, 0);
    /* §3.10.7.4: with RCV.WND zero "special allowance should be made to accept valid ACKs,
     * URGs, and RSTs": the octet is not taken, its urgent pointer is. */
    fsm_send_urgent(&f, ACK | PSH, f.peer_nxt + 1024, f.iss + 1, 1, "!", 1);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 1024);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_URGENT), 1);
    assert_int_equal(urgent_unread(&f), 1024 + 1);
    assert_int_equal(fsm_status(&f).recv_queued, 1024);
    fsm_free(&f);
}

/* After the peer's FIN "this should not occur ... Ignore the URG" (§3.10.7.4 sixth). */
static void test_urgent_ignored_in_close_wait(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_close_wait(&f);
    fsm_send_urgent(&f, ACK, f.peer_nxt, f.iss + 1, 5, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(urgent_unread(&f), 0);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_URGENT), 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urgent_send_points_after_the_urgent_data),
        cmocka_unit_test(test_urgent_every_segment_before_snd_up_carries_it),
        cmocka_unit_test(test_urgent_pointer_reaches_a_closed_window),
        cmocka_unit_test(test_urgent_received_in_line_signalled_once),
        cmocka_unit_test(test_urgent_pointer_ahead_of_the_data),
        cmocka_unit_test(test_urgent_taken_with_the_receive_window_closed),
        cmocka_unit_test(test_urgent_ignored_in_close_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
