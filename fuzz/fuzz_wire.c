/* libFuzzer target: every parser of the wire layer on arbitrary bytes — IPv4, TCP with its
 * options (checksum taken as it comes), ICMP and the datagram an ICMP error quotes. What parses
 * is emitted again and parsed back: the second parse must give the same fields (emit and parse
 * agree on every input the parser accepts). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) abort();                                                                         \
    } while (0)

static void tcp_round_trip(const struct sy_tcp *t, const uint8_t src[4], const uint8_t dst[4])
{
    static uint8_t out[65536];
    size_t n = sy_tcp_emit_v4(t, src, dst, out, sizeof out);
    if (n == 0) return; /* options that do not fit the emitter's layout: nothing to compare */
    struct sy_tcp back;
    CHECK(sy_tcp_parse_v4(out, n, src, dst, &back) == SY_WIRE_OK);
    CHECK(back.sport == t->sport && back.dport == t->dport && back.seq == t->seq);
    CHECK(back.ack == t->ack && back.flags == t->flags && back.wnd == t->wnd);
    CHECK(back.payload_len == t->payload_len);
    CHECK(!t->payload_len || memcmp(back.payload, t->payload, t->payload_len) == 0);
    CHECK(back.opts.has == t->opts.has);
    if (t->opts.has & SY_OPT_MSS) CHECK(back.opts.mss == t->opts.mss);
    if (t->opts.has & SY_OPT_TS) CHECK(back.opts.ts_val == t->opts.ts_val);
}

static void icmp_round_trip(const struct sy_icmp *m)
{
    static uint8_t out[65536];
    size_t n = sy_icmp_emit(m, out, sizeof out);
    CHECK(n == SY_ICMP_HDR_LEN + m->payload_len);
    struct sy_icmp back;
    CHECK(sy_icmp_parse(out, n, &back) == SY_WIRE_OK);
    CHECK(back.type == m->type && back.code == m->code && back.payload_len == m->payload_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sy_ipv4 ip;
    if (sy_ipv4_parse(data, size, &ip) == SY_WIRE_OK) {
        CHECK(ip.ihl >= 20 && ip.ihl <= size && ip.total_len <= size);
        CHECK(ip.payload + ip.payload_len <= data + size);
        struct sy_tcp t;
        if (sy_tcp_parse_v4(ip.payload, ip.payload_len, ip.src, ip.dst, &t) == SY_WIRE_OK)
            tcp_round_trip(&t, ip.src, ip.dst);
        struct sy_icmp m;
        if (sy_icmp_parse(ip.payload, ip.payload_len, &m) == SY_WIRE_OK) {
            icmp_round_trip(&m);
            struct sy_icmp_quote q;
            (void)sy_icmp_parse_quote(m.payload, m.payload_len, &q);
        }
    }
    /* The TCP parser alone, with the checksum fixed to what it is, so the options get parsed. */
    if (size >= 8) {
        static const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
        struct sy_tcp t;
        (void)sy_tcp_parse_v4(data, size, a, b, &t);
        struct sy_tcp_opts o;
        if (sy_tcp_options_parse(data, size > 40 ? 40 : size, &o) == SY_WIRE_OK)
            CHECK(o.sack_count <= SY_TCP_MAX_SACK);
    }
    return 0;
}
