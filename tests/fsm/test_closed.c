/* CLOSED: segments for no connection (RFC 9293 §3.10.7.1), the user calls on a connection that
 * became CLOSED (§3.10.2-§3.10.5 "connection does not exist", "connection reset", "connection
 * refused"), and malformed packets, dropped before any state is consulted and counted by reason
 * (DESIGN rule 8). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "wire/ipv4.h"

/* A complete, valid IPv4+TCP packet from the peer to FSM_LPORT, as fsm_send would build it. */
static size_t build_packet(const struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack,
                           const void *data, size_t len, uint8_t *pkt, size_t cap)
{
    struct sy_tcp t = {.sport = FSM_RPORT,
                       .dport = FSM_LPORT,
                       .seq = seq,
                       .ack = ack,
                       .flags = flags,
                       .wnd = FSM_PEER_WND,
                       .payload = data,
                       .payload_len = len};
    return fsm_build(f, &t, pkt, cap);
}

/* ---- §3.10.7.1: segments for no connection ---- */

static void test_closed_rst_is_dropped_without_reply(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_send(&f, RST, 5000, 0, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST | ACK, 5000, 777, NULL, 0);
    fsm_expect_none(&f);
    fsm_send(&f, RST | ACK, 5000, 777, "data", 4);
    fsm_expect_none(&f);
    /* "An incoming segment containing a RST is discarded": counted, never answered. */
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_CONN), 3);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_NO_CONN), 0);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_RST_SENT), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_closed_ack_gets_rst_with_seq_seg_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_send(&f, ACK, 5000, 123456, NULL, 0);
    /* "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>": no ACK bit on the RST. */
    const struct fsm_seg *s = fsm_expect(&f, RST, 123456, 0);
    assert_int_equal(s->len, 0);
    assert_int_equal(s->opts.has, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_CONN), 1);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_NO_CONN), 1);
    fsm_free(&f);
}

static void test_closed_ack_with_data_or_fin_gets_rst_with_seq_seg_ack(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_send(&f, ACK | PSH, 5000, 0xfffffff0u, "hello", 5);
    fsm_expect(&f, RST, 0xfffffff0u, 0);
    fsm_expect_none(&f);
    fsm_send(&f, FIN | ACK, 5000, 42, NULL, 0);
    fsm_expect(&f, RST, 42, 0);
    fsm_expect_none(&f);
    fsm_send(&f, SYN | ACK, 5000, 99, NULL, 0);
    fsm_expect(&f, RST, 99, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_NO_CONN), 3);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_CONN), 3);
    fsm_free(&f);
}

static void test_closed_syn_gets_rst_ack_seq_zero_ack_seq_plus_one(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    /* "If the ACK bit is off, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"; the SYN counts one. */
    const struct fsm_seg *s = fsm_expect(&f, RST | ACK, 0, FSM_PEER_ISS + 1);
    assert_int_equal(s->len, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_closed_data_without_ack_gets_rst_ack_past_the_data(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_send(&f, PSH, 7000, 0, "hello", 5);
    fsm_expect(&f, RST | ACK, 0, 7005);
    fsm_expect_none(&f);
    fsm_send(&f, 0, 7000, 0, NULL, 0); /* no flags at all, no data: SEG.LEN = 0 */
    fsm_expect(&f, RST | ACK, 0, 7000);
    fsm_expect_none(&f);
    fsm_free(&f);
}

static void test_closed_fin_without_ack_counts_in_seg_len(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_send(&f, FIN, 7000, 0, NULL, 0);
    fsm_expect(&f, RST | ACK, 0, 7001);
    fsm_expect_none(&f);
    fsm_send(&f, FIN, 7000, 0, "abc", 3);
    fsm_expect(&f, RST | ACK, 0, 7004);
    fsm_expect_none(&f);
    /* SYN and FIN both count in SEG.LEN (§3.4), around the wrap of sequence space. */
    fsm_send(&f, SYN | FIN, 0xfffffffeu, 0, "abc", 3);
    fsm_expect(&f, RST | ACK, 0, 3);
    fsm_expect_none(&f);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_NO_CONN), 3);
    fsm_free(&f);
}

static void test_closed_port_without_listener_beside_a_listener(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct synack_conn *other;
    struct synack_endpoint ep = {f.local, FSM_LPORT + 1};
    assert_int_equal(synack_listen(f.st, &ep, 8, f.now, &other), 0);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0); /* to FSM_LPORT: nobody there */
    fsm_expect(&f, RST | ACK, 0, FSM_PEER_ISS + 1);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    assert_int_equal(synack_conn_state(other), SYNACK_LISTEN);
    fsm_free(&f);
}

static void test_closed_rst_reply_is_reported_with_reason(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_send(&f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    fsm_expect(&f, RST | ACK, 0, FSM_PEER_ISS + 1);
    const struct synack_event *rst = NULL, *drop = NULL;
    for (size_t i = 0; i < f.nev; i++) {
        if (f.ev[i].type == SYNACK_EV_RST_SENT) rst = &f.ev[i];
        if (f.ev[i].type == SYNACK_EV_DROP) drop = &f.ev[i];
    }
    assert_non_null(rst);
    assert_int_equal(rst->rst, SYNACK_RST_NO_CONN);
    assert_null(rst->conn);
    assert_int_equal(rst->seg.flags, RST | ACK);
    assert_int_equal(rst->seg.ack, FSM_PEER_ISS + 1);
    assert_int_equal(rst->seg.dst.port, FSM_RPORT);
    assert_non_null(drop);
    assert_int_equal(drop->drop, SYNACK_DROP_NO_CONN);
    fsm_free(&f);
}

/* ---- user calls on a connection that became CLOSED ---- */

/* RFC9293: MUST-12 */
static void test_closed_after_rst_send_and_recv_report_connection_reset(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNRESET);
    /* §3.10.7.4: "Any outstanding RECEIVEs and SEND should receive 'reset' responses". */
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -ECONNRESET);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -ECONNRESET);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_error(f.conn), -ECONNRESET);
    assert_int_equal(synack_conn_error(f.conn), 0); /* read once, like SO_ERROR */
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_closed_after_refused_connect_calls_report_connection_refused(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    fsm_send(&f, RST | ACK, 0, f.iss + 1, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -ECONNREFUSED);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), -ECONNREFUSED);
    assert_int_equal(synack_shutdown(f.conn, f.now), -ECONNREFUSED);
    fsm_expect_none(&f);
    assert_int_equal(synack_abort(f.conn, f.now), 0); /* no TCB: nothing on the wire */
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_closed_after_orderly_close_send_is_enotconn_recv_is_eof(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_last_ack(&f);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 2, NULL, 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), 0);
    /* §3.10.2 CLOSED: "error: connection does not exist"; RECEIVE sees the end of the stream. */
    assert_int_equal(synack_send(f.conn, "x", 1, f.now), -ENOTCONN);
    char buf[4];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 0);
    assert_int_equal(synack_shutdown(f.conn, f.now), -ENOTCONN);
    fsm_expect_none(&f);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_conn_count(f.st), 0);
    fsm_free(&f);
}

static void test_closed_connection_answers_segments_like_no_connection(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, RST, f.peer_nxt, 0, NULL, 0);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    uint64_t base = fsm_drops(&f, SYNACK_DROP_NO_CONN);
    /* The handle is still held, but the TCB is gone from the demux: §3.10.7.1 applies. */
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 1, "late", 4);
    fsm_expect(&f, RST, f.iss + 1, 0);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_CONN), base + 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(synack_close(f.conn, f.now), 0);
    fsm_free(&f);
}

/* ---- malformed packets: dropped, counted by reason, never answered ---- */

/* RFC9293: MUST-3 */
static void test_closed_bad_tcp_checksum_is_dropped_without_reply(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    uint8_t pkt[128];
    size_t n = build_packet(&f, SYN, FSM_PEER_ISS, 0, NULL, 0, pkt, sizeof pkt);
    pkt[SY_IPV4_HDR_LEN + 16] ^= 0x01; /* TCP checksum */
    fsm_send_raw(&f, pkt, n);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TCP_CHECKSUM), 1);
    assert_int_equal(synack_stack_conn_count(f.st), 1); /* no child */
    /* The same packet with its checksum intact is answered: the drop was the checksum. */
    pkt[SY_IPV4_HDR_LEN + 16] ^= 0x01;
    fsm_send_raw(&f, pkt, n);
    assert_true(fsm_pop(&f, NULL));
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TCP_CHECKSUM), 1);
    fsm_free(&f);
}

/* RFC9293: MUST-3 */
static void test_closed_bad_tcp_checksum_for_no_connection_gets_no_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    uint8_t pkt[128];
    size_t n = build_packet(&f, ACK, 5000, 6000, "data", 4, pkt, sizeof pkt);
    pkt[n - 1] ^= 0xff; /* a payload byte: the checksum no longer matches */
    fsm_send_raw(&f, pkt, n);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TCP_CHECKSUM), 1);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_CONN), 0);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_NO_CONN), 0);
    fsm_free(&f);
}

static void test_closed_bad_ip_checksum_is_dropped_without_reply(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    uint8_t pkt[128];
    size_t n = build_packet(&f, SYN, FSM_PEER_ISS, 0, NULL, 0, pkt, sizeof pkt);
    pkt[10] ^= 0x40; /* IPv4 header checksum */
    fsm_send_raw(&f, pkt, n);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_CHECKSUM), 1);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TCP_CHECKSUM), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    fsm_free(&f);
}

static void test_closed_short_packets_are_dropped_by_reason(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_listen(&f);
    uint8_t pkt[128];
    size_t n = build_packet(&f, SYN, FSM_PEER_ISS, 0, NULL, 0, pkt, sizeof pkt);
    assert_int_equal(n, 40);

    fsm_send_raw(&f, pkt, 12); /* not even an IPv4 header */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_MALFORMED), 1);

    fsm_send_raw(&f, pkt, 30); /* total length says 40, 30 arrived */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_MALFORMED), 2);

    /* A valid IPv4 header around a 10-byte TCP header. */
    struct sy_ipv4 ip = {.total_len = 30, .ttl = 64, .proto = SY_IPPROTO_TCP};
    memcpy(ip.src, f.remote.bytes, 4);
    memcpy(ip.dst, f.local.bytes, 4);
    sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN);
    fsm_send_raw(&f, pkt, 30);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TCP_MALFORMED), 1);

    /* A TCP data offset below 5 (20 bytes). */
    n = build_packet(&f, SYN, FSM_PEER_ISS, 0, NULL, 0, pkt, sizeof pkt);
    pkt[SY_IPV4_HDR_LEN + 12] = 4 << 4;
    fsm_send_raw(&f, pkt, n);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TCP_MALFORMED), 2);

    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_CONN), 0);
    assert_int_equal(synack_stack_conn_count(f.st), 1);
    assert_int_equal(synack_conn_state(f.listener), SYNACK_LISTEN);
    fsm_free(&f);
}

static void test_closed_packet_for_another_address_is_dropped_without_reply(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    uint8_t pkt[128];
    struct sy_tcp t = {.sport = FSM_RPORT, .dport = FSM_LPORT, .seq = 1, .flags = SYN, .wnd = 1};
    static const uint8_t elsewhere[4] = {10, 0, 0, 9};
    size_t n = sy_tcp_emit_v4(&t, f.remote.bytes, elsewhere, pkt + SY_IPV4_HDR_LEN,
                              sizeof pkt - SY_IPV4_HDR_LEN);
    struct sy_ipv4 ip = {
        .total_len = (uint16_t)(n + SY_IPV4_HDR_LEN), .ttl = 64, .proto = SY_IPPROTO_TCP};
    memcpy(ip.src, f.remote.bytes, 4);
    memcpy(ip.dst, elsewhere, 4);
    sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN);
    fsm_send_raw(&f, pkt, n + SY_IPV4_HDR_LEN);
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_NOT_OURS), 1);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_NO_CONN), 0);
    fsm_free(&f);
}

/* RFC9293: MUST-63 */
static void test_closed_segment_from_multicast_source_gets_no_rst(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    uint8_t pkt[128];
    static const uint8_t mcast[4] = {224, 0, 0, 1};
    struct sy_tcp t = {.sport = FSM_RPORT, .dport = FSM_LPORT, .seq = 1, .flags = SYN, .wnd = 1};
    size_t n = sy_tcp_emit_v4(&t, mcast, f.local.bytes, pkt + SY_IPV4_HDR_LEN,
                              sizeof pkt - SY_IPV4_HDR_LEN);
    struct sy_ipv4 ip = {
        .total_len = (uint16_t)(n + SY_IPV4_HDR_LEN), .ttl = 64, .proto = SY_IPPROTO_TCP};
    memcpy(ip.src, mcast, 4);
    memcpy(ip.dst, f.local.bytes, 4);
    sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN);
    fsm_send_raw(&f, pkt, n + SY_IPV4_HDR_LEN);
    /* RFC 1122 §4.2.3.10: no reply toward a multicast source, not even a RST. */
    fsm_expect_none(&f);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_TCP_BAD_ADDR), 1);
    assert_int_equal(fsm_rsts(&f, SYNACK_RST_NO_CONN), 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_rst_is_dropped_without_reply),
        cmocka_unit_test(test_closed_ack_gets_rst_with_seq_seg_ack),
        cmocka_unit_test(test_closed_ack_with_data_or_fin_gets_rst_with_seq_seg_ack),
        cmocka_unit_test(test_closed_syn_gets_rst_ack_seq_zero_ack_seq_plus_one),
        cmocka_unit_test(test_closed_data_without_ack_gets_rst_ack_past_the_data),
        cmocka_unit_test(test_closed_fin_without_ack_counts_in_seg_len),
        cmocka_unit_test(test_closed_port_without_listener_beside_a_listener),
        cmocka_unit_test(test_closed_rst_reply_is_reported_with_reason),
        cmocka_unit_test(test_closed_after_rst_send_and_recv_report_connection_reset),
        cmocka_unit_test(test_closed_after_refused_connect_calls_report_connection_refused),
        cmocka_unit_test(test_closed_after_orderly_close_send_is_enotconn_recv_is_eof),
        cmocka_unit_test(test_closed_connection_answers_segments_like_no_connection),
        cmocka_unit_test(test_closed_bad_tcp_checksum_is_dropped_without_reply),
        cmocka_unit_test(test_closed_bad_tcp_checksum_for_no_connection_gets_no_rst),
        cmocka_unit_test(test_closed_bad_ip_checksum_is_dropped_without_reply),
        cmocka_unit_test(test_closed_short_packets_are_dropped_by_reason),
        cmocka_unit_test(test_closed_packet_for_another_address_is_dropped_without_reply),
        cmocka_unit_test(test_closed_segment_from_multicast_source_gets_no_rst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
