/* IPv4 fragments (RFC 791 §3.2; RFC 1122 §3.3.2: a host MUST reassemble): reassembled in any
 * order, repeats ignored, partial overlaps and tiny TCP fragments dropped (RFC 1858), a datagram
 * left incomplete for 60 s dropped with ICMP Time Exceeded if fragment zero came; an echo reply
 * too large for the link leaves in fragments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

static uint8_t datagram[65536]; /* the payload being cut up */

/* Send payload[off, off+len) of datagram `id` as a fragment from the peer. */
static void frag(struct fsm *f, uint8_t proto, uint16_t id, size_t off, size_t len, bool more)
{
    uint8_t pkt[1600];
    struct sy_ipv4 ip = {.total_len = (uint16_t)(len + SY_IPV4_HDR_LEN),
                         .id = id,
                         .frag = (uint16_t)(off / 8 | (more ? SY_IPV4_MF : 0)),
                         .ttl = 64,
                         .proto = proto};
    memcpy(ip.src, f->remote.bytes, 4);
    memcpy(ip.dst, f->local.bytes, 4);
    sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN);
    memcpy(pkt + SY_IPV4_HDR_LEN, datagram + off, len);
    fsm_send_raw(f, pkt, len + SY_IPV4_HDR_LEN);
}

/* An echo request of n data bytes into `datagram` (its ICMP message is n + 8 bytes). */
static size_t ping(size_t n)
{
    static uint8_t data[4000];
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    struct sy_icmp req = {
        .type = SY_ICMP_ECHO_REQUEST, .id = 9, .seq = 1, .payload = data, .payload_len = n};
    return sy_icmp_emit(&req, datagram, sizeof datagram);
}

/* The fragments the stack sent, put back together: the ICMP message they carry. */
static size_t collect(const struct fsm *f, uint8_t *out, unsigned *pieces)
{
    size_t total = 0;
    *pieces = f->nother;
    for (unsigned i = 0; i < f->nother && i < FSM_MAX_OTHER; i++) {
        struct sy_ipv4 ip;
        assert_int_equal(sy_ipv4_parse(f->other[i], f->other_len[i], &ip), SY_WIRE_OK);
        assert_int_equal(ip.frag & SY_IPV4_DF, 0);
        assert_true(ip.total_len <= 1500);
        size_t off = (size_t)(ip.frag & SY_IPV4_OFFMASK) * 8;
        memcpy(out + off, ip.payload, ip.payload_len);
        if (!(ip.frag & SY_IPV4_MF)) total = off + ip.payload_len;
    }
    return total;
}

/* A 3000-byte ping in three pieces, last first and the middle twice: one reply, itself in
 * fragments of at most 1480 payload bytes (1500-byte MTU), carrying the same data. */
static void test_ipfrag_ping_reassembled_and_answered_in_fragments(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    size_t n = ping(3000);
    assert_int_equal(n, 3008);
    frag(&f, SY_IPPROTO_ICMP, 0x4242, 2960, n - 2960, false);
    frag(&f, SY_IPPROTO_ICMP, 0x4242, 1480, 1480, true);
    frag(&f, SY_IPPROTO_ICMP, 0x4242, 1480, 1480, true); /* a repeat: ignored */
    assert_int_equal(f.nother, 0);
    frag(&f, SY_IPPROTO_ICMP, 0x4242, 0, 1480, true);
    assert_int_equal(synack_stack_counters(f.st)->ip_reassembled, 1);
    static uint8_t back[4000];
    unsigned pieces;
    assert_int_equal(collect(&f, back, &pieces), n);
    assert_int_equal(pieces, 3); /* 1480 + 1480 + 48 */
    assert_int_equal(synack_stack_counters(f.st)->ip_fragments_out, 3);
    struct sy_icmp rep;
    assert_int_equal(sy_icmp_parse(back, n, &rep), SY_WIRE_OK);
    assert_int_equal(rep.type, SY_ICMP_ECHO_REPLY);
    assert_int_equal(rep.payload_len, 3000);
    assert_memory_equal(rep.payload, datagram + 8, 3000);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_FRAGMENT), 0);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER); /* queue freed */
    fsm_free(&f);
}

/* A piece that partly overlaps one received discards the datagram (RFC 1858 §4 and the later
 * overlap attacks); its remaining pieces then make a new, incomplete one. */
static void test_ipfrag_partial_overlap_discards(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    size_t n = ping(2000);
    frag(&f, SY_IPPROTO_ICMP, 7, 0, 1480, true);
    frag(&f, SY_IPPROTO_ICMP, 7, 1472, n - 1472, false); /* overlaps the first by 8 octets */
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_FRAGMENT), 1);
    frag(&f, SY_IPPROTO_ICMP, 7, 1480, n - 1480, false);
    assert_int_equal(f.nother, 0);
    assert_int_equal(synack_stack_counters(f.st)->ip_reassembled, 0);
    fsm_free(&f);
}

/* RFC 1858 §3.2: a TCP fragment at offset 8 could rewrite the flags of the header that passed a
 * filter; such a fragment is dropped. Non-final pieces must hold a multiple of 8 octets. */
static void test_ipfrag_tiny_and_ragged_fragments_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    memset(datagram, 0, 64);
    frag(&f, SY_IPPROTO_TCP, 1, 8, 16, false);
    frag(&f, SY_IPPROTO_ICMP, 2, 0, 13, true);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_FRAGMENT), 2);
    fsm_free(&f);
}

/* 60 s without the rest: dropped, and with fragment zero in hand an ICMP Time Exceeded (code 1)
 * quoting its header and first 8 octets goes to the source (RFC 1122 §3.3.2). Without fragment
 * zero nothing is sent. */
static void test_ipfrag_timeout_sends_time_exceeded(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    size_t n = ping(2000);
    frag(&f, SY_IPPROTO_ICMP, 11, 0, 1480, true);
    frag(&f, SY_IPPROTO_ICMP, 12, 1480, n - 1480, false);
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_SEC(60));
    fsm_at(&f, SYNACK_SEC(60) - 1);
    assert_int_equal(f.nother, 0);
    fsm_at(&f, SYNACK_SEC(60));
    assert_int_equal(f.nother, 1);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_FRAGMENT), 2);
    struct sy_ipv4 ip;
    assert_int_equal(sy_ipv4_parse(f.other[0], f.other_len[0], &ip), SY_WIRE_OK);
    assert_memory_equal(ip.dst, f.remote.bytes, 4);
    struct sy_icmp m;
    assert_int_equal(sy_icmp_parse(ip.payload, ip.payload_len, &m), SY_WIRE_OK);
    assert_int_equal(m.type, SY_ICMP_TIME_EXCEEDED);
    assert_int_equal(m.code, 1);
    assert_int_equal(m.payload_len, 28);
    assert_int_equal(sy_get16(m.payload + 4), 11);    /* the quoted identification */
    assert_memory_equal(m.payload + 20, datagram, 8); /* and the first 8 octets */
    assert_int_equal(synack_stack_next_deadline(f.st), SYNACK_TIME_NEVER);
    fsm_free(&f);
}

/* Eight datagrams in pieces at once at most; a ninth is refused until one completes. */
static void test_ipfrag_queues_are_bounded(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    size_t n = ping(2000);
    for (uint16_t id = 100; id < 109; id++)
        frag(&f, SY_IPPROTO_ICMP, id, 0, 1480, true);
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_FRAGMENT), 1);
    frag(&f, SY_IPPROTO_ICMP, 100, 1480, n - 1480, false);
    assert_int_equal(synack_stack_counters(f.st)->ip_reassembled, 1);
    frag(&f, SY_IPPROTO_ICMP, 108, 0, 1480, true); /* room again */
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_FRAGMENT), 1);
    fsm_free(&f);
}

/* Fragment zero carries 40 octets of IP options; the later pieces bring the payload to 65480:
 * with that header the datagram would be 65540 octets, more than IPv4 can say. Dropped. */
static void test_ipfrag_too_long_with_options_dropped(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    static uint8_t big[SY_IPV4_HDR_LEN + 40 + 1432];
    memset(big, 1, sizeof big); /* options: NOP, NOP, ... */
    struct sy_ipv4 ip = {
        .total_len = sizeof big, .id = 99, .frag = SY_IPV4_MF, .ttl = 64, .proto = SY_IPPROTO_ICMP};
    memcpy(ip.src, f.remote.bytes, 4);
    memcpy(ip.dst, f.local.bytes, 4);
    sy_ipv4_emit(&ip, big, SY_IPV4_HDR_LEN);
    big[0] = 0x4f; /* IHL 15: 60 octets */
    big[10] = big[11] = 0;
    sy_put16(big + 10, sy_csum_finish(sy_csum_add(0, big, 60)));
    fsm_send_raw(&f, big, sizeof big);
    memset(datagram, 0, sizeof datagram);
    size_t off = 1432, total = 65480;
    while (off < total) {
        size_t n = total - off < 1480 ? total - off : 1480;
        frag(&f, SY_IPPROTO_ICMP, 99, off, n, off + n < total);
        off += n;
    }
    assert_int_equal(fsm_drops(&f, SYNACK_DROP_IP_FRAGMENT), 1);
    assert_int_equal(synack_stack_counters(f.st)->ip_reassembled, 0);
    assert_int_equal(f.nother, 0);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipfrag_ping_reassembled_and_answered_in_fragments),
        cmocka_unit_test(test_ipfrag_partial_overlap_discards),
        cmocka_unit_test(test_ipfrag_tiny_and_ragged_fragments_dropped),
        cmocka_unit_test(test_ipfrag_timeout_sends_time_exceeded),
        cmocka_unit_test(test_ipfrag_queues_are_bounded),
        cmocka_unit_test(test_ipfrag_too_long_with_options_dropped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
