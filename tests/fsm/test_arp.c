/* Ethernet devices and ARP (RFC 826, RFC 1122 §2.3.2): requests for our address answered and
 * the asker learned; a packet for an unknown neighbour waits while a broadcast request is
 * repeated, leaves when the reply comes, is dropped after three unanswered requests; frames for
 * others ignored; off-link destinations go to the gateway; entries expire after 60 s; TCP's
 * negative advice at R1 (RFC 9293 §3.8.3) has the next hop polled by unicast requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <synack/synack.h>

#include "wire/bytes.h"
#include "wire/ether.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define MAX_FRAMES 16

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t peer_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t our_ip[4] = {10, 0, 0, 1}, peer_ip[4] = {10, 0, 0, 2};

struct rig {
    struct synack_stack *st;
    int dev;
    synack_time_t now;
    uint8_t frame[MAX_FRAMES][1600];
    size_t len[MAX_FRAMES];
    size_t n, head;
};

static int capture(void *ctx, const uint8_t *f, size_t len, synack_time_t now)
{
    struct rig *r = ctx;
    (void)now;
    assert_true(r->n < MAX_FRAMES && len <= sizeof r->frame[0]);
    memcpy(r->frame[r->n], f, len);
    r->len[r->n++] = len;
    return 0;
}

static const struct synack_device_ops ops = {.transmit = capture};

static void rig_init_cfg(struct rig *r, const struct synack_config *cfg)
{
    memset(r, 0, sizeof(*r));
    r->st = synack_stack_new(cfg);
    r->dev = synack_stack_add_ether_device(r->st, &ops, r, 1500, our_mac);
    assert_true(r->dev >= 0);
    struct synack_addr a = synack_addr_v4(10, 0, 0, 1);
    assert_int_equal(synack_stack_add_addr(r->st, r->dev, &a, 24), 0);
}

static void rig_init(struct rig *r)
{
    rig_init_cfg(r, NULL);
}

static void at(struct rig *r, synack_time_t t)
{
    r->now = t;
    synack_stack_poll(r->st, t);
}

static void send_frame(struct rig *r, const uint8_t dst[6], uint16_t type, const uint8_t *p,
                       size_t len)
{
    uint8_t f[1600];
    struct sy_ether h = {.type = type};
    memcpy(h.dst, dst, 6);
    memcpy(h.src, peer_mac, 6);
    sy_ether_emit(&h, f, sizeof f);
    memcpy(f + SY_ETH_HDR_LEN, p, len);
    synack_stack_input(r->st, r->dev, f, len + SY_ETH_HDR_LEN, r->now);
}

static void send_arp(struct rig *r, uint16_t op, const uint8_t tha[6], const uint8_t tpa[4],
                     const uint8_t to[6])
{
    struct sy_arp a = {.op = op};
    memcpy(a.sha, peer_mac, 6);
    memcpy(a.spa, peer_ip, 4);
    memcpy(a.tha, tha, 6);
    memcpy(a.tpa, tpa, 4);
    uint8_t p[SY_ARP_LEN];
    sy_arp_emit(&a, p, sizeof p);
    send_frame(r, to, SY_ETH_TYPE_ARP, p, sizeof p);
}

/* The next frame the stack sent, parsed; asserts there is one. */
static struct sy_ether next(struct rig *r)
{
    assert_true(r->head < r->n);
    struct sy_ether e;
    assert_int_equal(sy_ether_parse(r->frame[r->head], r->len[r->head], &e), SY_WIRE_OK);
    r->head++;
    assert_memory_equal(e.src, our_mac, 6);
    return e;
}

static struct sy_arp expect_arp(struct rig *r, uint16_t op, const uint8_t to[6],
                                const uint8_t tpa[4])
{
    struct sy_ether e = next(r);
    assert_int_equal(e.type, SY_ETH_TYPE_ARP);
    assert_memory_equal(e.dst, to, 6);
    struct sy_arp a;
    assert_int_equal(sy_arp_parse(e.payload, e.payload_len, &a), SY_WIRE_OK);
    assert_int_equal(a.op, op);
    assert_memory_equal(a.sha, our_mac, 6);
    assert_memory_equal(a.spa, our_ip, 4);
    assert_memory_equal(a.tpa, tpa, 4);
    return a;
}

static struct sy_ipv4 expect_ip(struct rig *r, const uint8_t to[6])
{
    struct sy_ether e = next(r);
    assert_int_equal(e.type, SY_ETH_TYPE_IPV4);
    assert_memory_equal(e.dst, to, 6);
    struct sy_ipv4 ip;
    assert_int_equal(sy_ipv4_parse(e.payload, e.payload_len, &ip), SY_WIRE_OK);
    return ip;
}

static void expect_none(struct rig *r)
{
    assert_int_equal(r->head, r->n);
}

static void connect_to(struct rig *r, struct synack_addr to)
{
    struct synack_endpoint re = {to, 80};
    struct synack_conn *c;
    assert_int_equal(synack_connect(r->st, NULL, &re, r->now, &c), 0);
}

/* A request for our address is answered to the asker, who is learned: our reply to its ping
 * needs no request of our own. */
static void test_arp_request_answered_and_asker_learned(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    static const uint8_t zero[6];
    send_arp(&r, SY_ARP_REQUEST, zero, our_ip, bcast);
    struct sy_arp a = expect_arp(&r, SY_ARP_REPLY, peer_mac, peer_ip);
    assert_memory_equal(a.tha, peer_mac, 6);
    expect_none(&r);
    uint8_t p[64];
    struct sy_icmp req = {.type = SY_ICMP_ECHO_REQUEST, .id = 1, .seq = 1};
    size_t n = sy_icmp_emit(&req, p + 20, sizeof p - 20);
    struct sy_ipv4 ip = {.total_len = (uint16_t)(n + 20), .ttl = 64, .proto = SY_IPPROTO_ICMP};
    memcpy(ip.src, peer_ip, 4);
    memcpy(ip.dst, our_ip, 4);
    sy_ipv4_emit(&ip, p, 20);
    send_frame(&r, our_mac, SY_ETH_TYPE_IPV4, p, n + 20);
    struct sy_ipv4 rep = expect_ip(&r, peer_mac);
    assert_int_equal(rep.proto, SY_IPPROTO_ICMP);
    expect_none(&r);
    assert_int_equal(synack_stack_counters(r.st)->arp_replies, 1);
    assert_int_equal(synack_stack_counters(r.st)->arp_requests, 0);
    synack_stack_free(r.st);
}

/* A SYN to an unknown neighbour waits for ARP; the reply lets it go, to the right address. */
static void test_arp_resolves_then_sends_the_waiting_packet(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    connect_to(&r, synack_addr_v4(10, 0, 0, 2));
    static const uint8_t zero[6];
    struct sy_arp q = expect_arp(&r, SY_ARP_REQUEST, bcast, peer_ip);
    assert_memory_equal(q.tha, zero, 6);
    expect_none(&r);
    send_arp(&r, SY_ARP_REPLY, our_mac, our_ip, our_mac);
    struct sy_ipv4 ip = expect_ip(&r, peer_mac);
    assert_int_equal(ip.proto, SY_IPPROTO_TCP);
    struct sy_tcp t;
    assert_int_equal(sy_tcp_parse_v4(ip.payload, ip.payload_len, ip.src, ip.dst, &t), SY_WIRE_OK);
    assert_int_equal(t.flags, SY_TH_SYN);
    expect_none(&r);
    synack_stack_free(r.st);
}

/* Nobody answers: a request at 0, 1 and 2 s; at 3 s the waiting packet is dropped. */
static void test_arp_unanswered_requests_drop_the_packet(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    connect_to(&r, synack_addr_v4(10, 0, 0, 7)); /* its SYN's RTO is 1 s, then 2 s */
    const uint8_t seven[4] = {10, 0, 0, 7};
    expect_arp(&r, SY_ARP_REQUEST, bcast, seven);
    at(&r, SYNACK_SEC(1)); /* a retry, and the SYN sent again replaces the one waiting */
    expect_arp(&r, SY_ARP_REQUEST, bcast, seven);
    expect_none(&r);
    assert_int_equal(synack_stack_counters(r.st)->drops[SYNACK_DROP_ARP_UNRESOLVED], 1);
    at(&r, SYNACK_SEC(2));
    expect_arp(&r, SY_ARP_REQUEST, bcast, seven);
    expect_none(&r);
    at(&r, SYNACK_SEC(3)); /* three tries: forgotten; the SYN's next try starts afresh */
    assert_int_equal(synack_stack_counters(r.st)->drops[SYNACK_DROP_ARP_UNRESOLVED], 2);
    expect_arp(&r, SY_ARP_REQUEST, bcast, seven);
    expect_none(&r);
    synack_stack_free(r.st);
}

/* Frames for another address, and EtherTypes we do not speak, are dropped and counted. */
static void test_arp_foreign_frames_dropped(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    static const uint8_t other[6] = {0x02, 9, 9, 9, 9, 9};
    send_arp(&r, SY_ARP_REQUEST, other, our_ip, other);
    send_frame(&r, our_mac, 0x86dd, (const uint8_t *)"ipv6", 4);
    expect_none(&r);
    assert_int_equal(synack_stack_counters(r.st)->drops[SYNACK_DROP_LINK], 2);
    synack_stack_free(r.st);
}

/* Off every prefix, the gateway is the next hop: ARP asks for it. */
static void test_arp_off_link_goes_to_the_gateway(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    struct synack_addr gw = synack_addr_v4(10, 0, 0, 254);
    assert_int_equal(synack_stack_set_gateway(r.st, &gw), 0);
    connect_to(&r, synack_addr_v4(192, 0, 2, 5));
    const uint8_t gw_ip[4] = {10, 0, 0, 254};
    expect_arp(&r, SY_ARP_REQUEST, bcast, gw_ip);
    synack_stack_free(r.st);
}

/* An entry is trusted 60 s; after that the next packet asks again. */
static void test_arp_entry_expires(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    static const uint8_t zero[6];
    send_arp(&r, SY_ARP_REQUEST, zero, our_ip, bcast); /* learned at 0 */
    expect_arp(&r, SY_ARP_REPLY, peer_mac, peer_ip);
    assert_int_equal(synack_stack_next_deadline(r.st), SYNACK_SEC(60));
    at(&r, SYNACK_SEC(60));
    assert_int_equal(synack_stack_next_deadline(r.st), SYNACK_TIME_NEVER);
    connect_to(&r, synack_addr_v4(10, 0, 0, 2));
    expect_arp(&r, SY_ARP_REQUEST, bcast, peer_ip);
    synack_stack_free(r.st);
}

/* A rig whose R1 is the first unanswered retransmission; the peer (10.0.0.2) is learned from its
 * request for us, and is the gateway too when gateway is true. A SYN to dst then goes straight to
 * the peer's address, at 0 s and again at 1 s. */
static void syn_to_learned_peer(struct rig *r, bool gateway, struct synack_addr dst)
{
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.r1_retries = 1;
    rig_init_cfg(r, &cfg);
    struct synack_addr gw = synack_addr_v4(10, 0, 0, 2);
    if (gateway) assert_int_equal(synack_stack_set_gateway(r->st, &gw), 0);
    static const uint8_t zero[6];
    send_arp(r, SY_ARP_REQUEST, zero, our_ip, bcast);
    expect_arp(r, SY_ARP_REPLY, peer_mac, peer_ip);
    connect_to(r, dst);
    struct sy_ipv4 ip = expect_ip(r, peer_mac);
    assert_int_equal(ip.proto, SY_IPPROTO_TCP);
    assert_memory_equal(ip.dst, dst.bytes, 4);
    at(r, SYNACK_SEC(1));
    assert_int_equal(expect_ip(r, peer_mac).proto, SY_IPPROTO_TCP);
    expect_none(r);
    assert_int_equal(synack_stack_counters(r->st)->negative_advice, 0);
}

/* RFC 9293 §3.8.3 (MUST-20): at R1 TCP's negative advice reaches the link layer. The next hop's
 * entry is put in question (RFC 1122 §3.3.1.4): a unicast ARP request asks it to confirm (RFC
 * 1122 §2.3.2.1 "unicast poll") while the retransmission still goes to the address held; its
 * reply settles the doubt and no more requests follow. */
/* RFC9293: MUST-20 */
static void test_arp_negative_advice_polls_the_next_hop(void **state)
{
    (void)state;
    struct rig r;
    syn_to_learned_peer(&r, false, synack_addr_v4(10, 0, 0, 2));
    at(&r, SYNACK_SEC(3)); /* the first retransmission went unanswered: R1 */
    struct sy_arp q = expect_arp(&r, SY_ARP_REQUEST, peer_mac, peer_ip);
    static const uint8_t zero[6];
    assert_memory_equal(q.tha, zero, 6);
    assert_int_equal(expect_ip(&r, peer_mac).proto, SY_IPPROTO_TCP);
    expect_none(&r);
    const struct synack_counters *k = synack_stack_counters(r.st);
    assert_int_equal(k->negative_advice, 1);
    assert_int_equal(k->negative_advice_noop, 0);
    assert_int_equal(k->arp_requests, 1);
    send_arp(&r, SY_ARP_REPLY, our_mac, our_ip, our_mac); /* confirmed */
    expect_none(&r);
    at(&r, SYNACK_SEC(4)); /* no second poll */
    at(&r, SYNACK_SEC(6));
    expect_none(&r);
    assert_int_equal(k->arp_requests, 1);
    synack_stack_free(r.st);
}

/* The same through the gateway (an off-link destination): the gateway's entry is the one in
 * question. Nobody answers three polls (3, 4, 5 s): at 6 s the entry is forgotten, and the next
 * retransmission (7 s) asks for the gateway by broadcast; advice then finds nothing resolved to
 * question and is a counted no-op. */
/* RFC9293: MUST-20 */
static void test_arp_negative_advice_unanswered_forgets_the_gateway(void **state)
{
    (void)state;
    struct rig r;
    syn_to_learned_peer(&r, true, synack_addr_v4(192, 0, 2, 5));
    at(&r, SYNACK_SEC(3));
    expect_arp(&r, SY_ARP_REQUEST, peer_mac, peer_ip);
    expect_ip(&r, peer_mac);
    at(&r, SYNACK_SEC(4));
    expect_arp(&r, SY_ARP_REQUEST, peer_mac, peer_ip);
    at(&r, SYNACK_SEC(5));
    expect_arp(&r, SY_ARP_REQUEST, peer_mac, peer_ip);
    at(&r, SYNACK_SEC(6));
    expect_none(&r);
    at(&r, SYNACK_SEC(7));
    expect_arp(&r, SY_ARP_REQUEST, bcast, peer_ip); /* resolved afresh; the SYN waits */
    expect_none(&r);
    const struct synack_counters *k = synack_stack_counters(r.st);
    assert_int_equal(k->negative_advice, 2);
    assert_int_equal(k->negative_advice_noop, 1);
    synack_stack_free(r.st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arp_request_answered_and_asker_learned),
        cmocka_unit_test(test_arp_resolves_then_sends_the_waiting_packet),
        cmocka_unit_test(test_arp_unanswered_requests_drop_the_packet),
        cmocka_unit_test(test_arp_foreign_frames_dropped),
        cmocka_unit_test(test_arp_off_link_goes_to_the_gateway),
        cmocka_unit_test(test_arp_entry_expires),
        cmocka_unit_test(test_arp_negative_advice_polls_the_next_hop),
        cmocka_unit_test(test_arp_negative_advice_unanswered_forgets_the_gateway),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
