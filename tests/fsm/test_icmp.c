/* ICMP: echo answered (RFC 1122 §3.2.2.6); errors quoting a segment of a connection taken as
 * RFC 1122 §4.2.3.9 says — hard ones end a connection still opening, soft ones are kept and
 * reported if it later times out, and in the synchronized states all are soft (RFC 5461);
 * "fragmentation needed" lowers the MSS (RFC 1191); errors that quote nothing in flight are
 * ignored (RFC 5927 §4.1). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "wire/bytes.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* An ICMP message to the stack from 10.0.0.254 (a router). */
static void send_icmp(struct fsm *f, const struct sy_icmp *m)
{
    uint8_t pkt[256];
    size_t n = sy_icmp_emit(m, pkt + SY_IPV4_HDR_LEN, sizeof pkt - SY_IPV4_HDR_LEN);
    assert_true(n > 0);
    struct sy_ipv4 ip = {
        .total_len = (uint16_t)(n + SY_IPV4_HDR_LEN), .ttl = 64, .proto = SY_IPPROTO_ICMP};
    memcpy(ip.src, ((const uint8_t[]){10, 0, 0, 254}), 4);
    memcpy(ip.dst, f->local.bytes, 4);
    sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN);
    fsm_send_raw(f, pkt, n + SY_IPV4_HDR_LEN);
}

/* An error quoting our segment of the connection under test with sequence number seq. */
static void send_error(struct fsm *f, uint8_t type, uint8_t code, uint16_t mtu, uint32_t seq)
{
    struct synack_status st = fsm_status(f);
    uint8_t quote[28] = {0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, SY_IPPROTO_TCP};
    memcpy(quote + 12, st.local.addr.bytes, 4);
    memcpy(quote + 16, st.remote.addr.bytes, 4);
    sy_put16(quote + 20, st.local.port);
    sy_put16(quote + 22, st.remote.port);
    sy_put32(quote + 24, seq);
    struct sy_icmp m = {
        .type = type, .code = code, .next_mtu = mtu, .payload = quote, .payload_len = 28};
    send_icmp(f, &m);
}

static void test_icmp_echo_request_is_answered(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    struct sy_icmp req = {.type = SY_ICMP_ECHO_REQUEST,
                          .id = 77,
                          .seq = 3,
                          .payload = (const uint8_t *)"ping data",
                          .payload_len = 9};
    send_icmp(&f, &req);
    assert_int_equal(f.nother, 1);
    struct sy_ipv4 ip;
    assert_int_equal(sy_ipv4_parse(f.other[0], f.other_len[0], &ip), SY_WIRE_OK);
    assert_int_equal(ip.proto, SY_IPPROTO_ICMP);
    assert_memory_equal(ip.src, f.local.bytes, 4);
    assert_memory_equal(ip.dst, ((const uint8_t[]){10, 0, 0, 254}), 4);
    assert_int_equal(ip.ttl, 64);
    struct sy_icmp rep;
    assert_int_equal(sy_icmp_parse(ip.payload, ip.payload_len, &rep), SY_WIRE_OK);
    assert_int_equal(rep.type, SY_ICMP_ECHO_REPLY);
    assert_int_equal(rep.id, 77);
    assert_int_equal(rep.seq, 3);
    assert_int_equal(rep.payload_len, 9);
    assert_memory_equal(rep.payload, "ping data", 9);
    assert_int_equal(synack_stack_counters(f.st)->icmp_echo_replies, 1);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* RFC9293: MUST-55 */
static void test_icmp_bad_and_ignored_messages_are_counted(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    uint8_t pkt[64];
    struct sy_icmp req = {
        .type = SY_ICMP_ECHO_REQUEST, .payload = (const uint8_t *)"x", .payload_len = 1};
    size_t n = sy_icmp_emit(&req, pkt + 20, sizeof pkt - 20);
    pkt[20 + 8] ^= 0xff; /* the data no longer matches the checksum */
    struct sy_ipv4 ip = {.total_len = (uint16_t)(n + 20), .ttl = 64, .proto = SY_IPPROTO_ICMP};
    memcpy(ip.src, f.remote.bytes, 4);
    memcpy(ip.dst, f.local.bytes, 4);
    sy_ipv4_emit(&ip, pkt, 20);
    fsm_send_raw(&f, pkt, n + 20);
    assert_int_equal(f.nother, 0);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ICMP_BAD), 1);
    struct sy_icmp quench = {.type = SY_ICMP_SOURCE_QUENCH}; /* RFC 6633: ignored */
    send_icmp(&f, &quench);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ICMP_IGNORED), 1);
    fsm_free(&f);
}

/* Port unreachable answering our SYN: a hard error while opening, "connection refused". */
/* RFC9293: MUST-54, SHLD-26 */
static void test_icmp_port_unreachable_refuses_a_connect(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_PORT_UNREACH, 0, f.iss);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -ECONNREFUSED);
    assert_int_equal(fsm_last_state_event(&f)->cause, SYNACK_CAUSE_ICMP);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ICMP), 1);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* Host unreachable while opening is soft: the SYN goes on being sent; when the tries run out the
 * application hears "host unreachable", not "timed out". */
/* RFC9293: MUST-56, SHLD-25 */
static void test_icmp_host_unreachable_is_soft_while_connecting(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.syn_retries = 1;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_syn_sent(&f);
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_HOST_UNREACH, 0, f.iss);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    assert_int_equal(fsm_last_error(&f), 0);
    fsm_at(&f, SYNACK_SEC(1));
    fsm_expect(&f, SYN, f.iss, 0); /* retransmitted */
    fsm_at(&f, SYNACK_SEC(3));
    assert_int_equal(synack_conn_state(f.conn), SYNACK_CLOSED);
    assert_int_equal(fsm_last_error(&f), -EHOSTUNREACH);
    fsm_free(&f);
}

/* Established: even port unreachable is soft (RFC 5461 §4); the data goes on. */
/* RFC9293: MUST-47, SHLD-25, SHLD-26 */
static void test_icmp_hard_error_is_soft_when_established(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    assert_int_equal(synack_send(f.conn, "data", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_PORT_UNREACH, 0, f.iss + 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_last_error(&f), 0);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ICMP), 1);
    fsm_send(&f, ACK, f.peer_nxt, f.iss + 5, NULL, 0);
    assert_int_equal(synack_send(f.conn, "more", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 5, f.peer_nxt);
    fsm_free(&f);
}

/* Time Exceeded and Parameter Problem are soft errors (§3.9.2.2): the connection is not
 * aborted, whether it is opening or established; the application hears of them as events. */
/* RFC9293: MUST-56 */
static void test_icmp_time_exceeded_and_parameter_problem_are_soft(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    send_error(&f, SY_ICMP_TIME_EXCEEDED, 0, 0, f.iss);
    send_error(&f, SY_ICMP_PARAM_PROBLEM, 0, 0, f.iss);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ICMP), 2);
    fsm_send(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    assert_int_equal(synack_send(f.conn, "data", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    send_error(&f, SY_ICMP_TIME_EXCEEDED, 1, 0, f.iss + 1);
    send_error(&f, SY_ICMP_PARAM_PROBLEM, 0, 0, f.iss + 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ICMP), 4);
    assert_int_equal(fsm_last_error(&f), 0);
    fsm_free(&f);
}

/* RFC 5927 §4.1: an error must quote a sequence number in flight (SND.UNA =< seq < SND.MAX);
 * one quoting another connection or old data is ignored. */
/* RFC9293: MUST-54 */
static void test_icmp_errors_outside_the_flight_are_ignored(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_syn_sent(&f);
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_PORT_UNREACH, 0, f.iss + 1); /* unsent */
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_PORT_UNREACH, 0, f.iss - 1); /* before */
    assert_int_equal(synack_conn_state(f.conn), SYNACK_SYN_SENT);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ICMP_STALE), 2);
    fsm_free(&f);

    fsm_init(&f, NULL); /* no connection at all */
    fsm_listen(&f);
    struct sy_icmp m = {.type = SY_ICMP_DEST_UNREACH, .code = SY_ICMP_PORT_UNREACH};
    uint8_t quote[28] = {0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 9};
    m.payload = quote;
    m.payload_len = sizeof quote;
    send_icmp(&f, &m);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_ICMP_STALE), 1);
    fsm_free(&f);
}

/* RFC 1191: "fragmentation needed" with a next-hop MTU of 1000 lowers the MSS to 960, and what
 * is unacknowledged goes again at that size. */
/* RFC9293: MUST-16, MUST-54 */
static void test_icmp_frag_needed_lowers_mss_and_resends(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.nodelay = true;
    struct fsm f;
    fsm_init(&f, &cfg);
    fsm_syn_sent(&f);
    struct sy_tcp_opts o = {.has = SY_OPT_MSS, .mss = 1460};
    fsm_send_opts(&f, SYN | ACK, FSM_PEER_ISS, f.iss + 1, 8192, &o, NULL, 0);
    f.peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt);
    static uint8_t data[2000];
    memset(data, 'm', sizeof data);
    assert_int_equal(synack_send(f.conn, data, sizeof data, f.now), 2000);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, 1460);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1461, f.peer_nxt)->len, 540);
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_FRAG_NEEDED, 1000, f.iss + 1);
    assert_int_equal(fsm_status(&f).snd_mss, 960);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt)->len, 960);
    assert_int_equal(fsm_expect(&f, ACK, f.iss + 961, f.peer_nxt)->len, 960);
    assert_int_equal(fsm_expect(&f, ACK | PSH, f.iss + 1921, f.peer_nxt)->len, 80);
    fsm_expect_none(&f);
    assert_int_equal(synack_stack_counters(f.st)->pmtu_lowered, 1);
    assert_int_equal(synack_conn_state(f.conn), SYNACK_ESTABLISHED);
    /* A larger MTU, or none at all (an old router), changes nothing. */
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_FRAG_NEEDED, 1200, f.iss + 1);
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_FRAG_NEEDED, 0, f.iss + 1);
    assert_int_equal(fsm_status(&f).snd_mss, 960);
    fsm_expect_none(&f);
    fsm_free(&f);
}

/* An application that wants no error reports masks them (§3.9.1.8): the ICMP error and the
 * urgent data are still acted on, only not reported; the other events go on. */
/* RFC9293: SHLD-20 */
static void test_icmp_error_reports_can_be_disabled(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    synack_stack_set_event_mask(f.st, SYNACK_EV_ALL & ~SYNACK_EV_ERROR_REPORTS);
    size_t before = f.nev;
    assert_int_equal(synack_send(f.conn, "data", 4, f.now), 4);
    fsm_expect(&f, ACK | PSH, f.iss + 1, f.peer_nxt);
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_PORT_UNREACH, 0, f.iss + 1);
    assert_int_equal(synack_stack_counters(f.st)->icmp_errors, 1);
    fsm_send_urgent(&f, ACK | PSH, f.peer_nxt, f.iss + 5, 1, "!", 1);
    fsm_expect(&f, ACK, f.iss + 5, f.peer_nxt + 1);
    assert_int_equal(fsm_status(&f).urgent_unread, 1);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ICMP), 0);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_URGENT), 0);
    assert_true(f.nev > before); /* segments and readiness are still reported */
    synack_stack_set_event_mask(f.st, SYNACK_EV_ALL);
    assert_int_equal(synack_send(f.conn, "more", 4, f.now), 4); /* in flight for the quote */
    fsm_expect(&f, ACK | PSH, f.iss + 5, f.peer_nxt + 1);
    send_error(&f, SY_ICMP_DEST_UNREACH, SY_ICMP_PORT_UNREACH, 0, f.iss + 5);
    assert_int_equal(fsm_count_events(&f, SYNACK_EV_ICMP), 1);
    synack_stack_set_event_mask(f.st, 0); /* nothing at all */
    before = f.nev;
    fsm_send(&f, ACK, f.peer_nxt + 1, f.iss + 5, NULL, 0);
    assert_int_equal(f.nev, before);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icmp_echo_request_is_answered),
        cmocka_unit_test(test_icmp_bad_and_ignored_messages_are_counted),
        cmocka_unit_test(test_icmp_port_unreachable_refuses_a_connect),
        cmocka_unit_test(test_icmp_host_unreachable_is_soft_while_connecting),
        cmocka_unit_test(test_icmp_hard_error_is_soft_when_established),
        cmocka_unit_test(test_icmp_time_exceeded_and_parameter_problem_are_soft),
        cmocka_unit_test(test_icmp_errors_outside_the_flight_are_ignored),
        cmocka_unit_test(test_icmp_frag_needed_lowers_mss_and_resends),
        cmocka_unit_test(test_icmp_error_reports_can_be_disabled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
