#include "fsm.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire/ipv4.h"

static int capture(void *ctx, const uint8_t *pkt, size_t len, synack_time_t now)
{
    struct fsm *f = ctx;
    (void)now;
    struct sy_ipv4 ip;
    struct sy_tcp t;
    assert_int_equal(sy_ipv4_parse(pkt, len, &ip), SY_WIRE_OK);
    if (ip.proto != SY_IPPROTO_TCP) { /* kept whole: the last one (ICMP replies) */
        assert_true(len <= sizeof(f->other[0]));
        if (f->nother < FSM_MAX_OTHER) {
            memcpy(f->other[f->nother], pkt, len);
            f->other_len[f->nother] = len;
        }
        f->nother++;
        return 0;
    }
    assert_int_equal(sy_tcp_parse_v4(ip.payload, ip.payload_len, ip.src, ip.dst, &t), SY_WIRE_OK);
    assert_true(f->nout < FSM_MAX_OUT);
    struct fsm_seg *s = &f->out[f->nout++];
    s->flags = t.flags;
    s->seq = t.seq;
    s->ack = t.ack;
    s->wnd = t.wnd;
    s->urp = t.urp;
    s->opts = t.opts;
    s->ecn = ip.tos & 3;
    s->len = t.payload_len < sizeof(s->data) ? t.payload_len : sizeof(s->data);
    memcpy(s->data, t.payload, s->len);
    return 0;
}

static void on_event(void *ctx, const struct synack_event *ev)
{
    struct fsm *f = ctx;
    if (f->nev < FSM_MAX_EVENTS) f->ev[f->nev++] = *ev;
}

static const struct synack_device_ops capture_ops = {.transmit = capture};

static void setup(struct fsm *f, const struct synack_config *cfg, bool delack)
{
    memset(f, 0, sizeof(*f));
    if (cfg)
        f->cfg = *cfg;
    else
        synack_config_init(&f->cfg);
    if (!delack) f->cfg.delack_timeout = 0; /* every segment is ACKed at once */
    f->st = synack_stack_new(&f->cfg);
    assert_non_null(f->st);
    f->dev = synack_stack_add_device(f->st, &capture_ops, f, 1500);
    f->local = synack_addr_v4(10, 0, 0, 1);
    f->remote = synack_addr_v4(10, 0, 0, 2);
    assert_int_equal(synack_stack_add_addr(f->st, f->dev, &f->local, 24), 0);
    synack_stack_set_event_fn(f->st, on_event, f);
    f->peer_nxt = FSM_PEER_ISS;
}

void fsm_init(struct fsm *f, const struct synack_config *cfg)
{
    setup(f, cfg, false);
}

void fsm_init_delack(struct fsm *f, const struct synack_config *cfg)
{
    setup(f, cfg, true);
}

void fsm_free(struct fsm *f)
{
    synack_stack_free(f->st);
}

void fsm_at(struct fsm *f, synack_time_t t)
{
    f->now = t;
    synack_stack_poll(f->st, t);
}

void fsm_send_raw(struct fsm *f, const uint8_t *pkt, size_t len)
{
    synack_stack_input(f->st, f->dev, pkt, len, f->now);
}

size_t fsm_build(const struct fsm *f, const struct sy_tcp *t, uint8_t *pkt, size_t cap)
{
    assert_true(cap > SY_IPV4_HDR_LEN);
    size_t n = sy_tcp_emit_v4(t, f->remote.bytes, f->local.bytes, pkt + SY_IPV4_HDR_LEN,
                              cap - SY_IPV4_HDR_LEN);
    assert_true(n > 0);
    struct sy_ipv4 ip = {.total_len = (uint16_t)(n + SY_IPV4_HDR_LEN),
                         .ttl = 64,
                         .tos = f->in_ecn,
                         .proto = SY_IPPROTO_TCP};
    memcpy(ip.src, f->remote.bytes, 4);
    memcpy(ip.dst, f->local.bytes, 4);
    assert_int_equal(sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN), SY_IPV4_HDR_LEN);
    return n + SY_IPV4_HDR_LEN;
}

struct sy_tcp fsm_peer_segment(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
                               const void *data, size_t len)
{
    return (struct sy_tcp){.sport = FSM_RPORT,
                           .dport = FSM_LPORT,
                           .seq = seq,
                           .ack = ack,
                           .flags = flags,
                           .wnd = wnd,
                           .payload = data,
                           .payload_len = len};
}

void fsm_send_opts(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
                   const struct sy_tcp_opts *opts, const void *data, size_t len)
{
    static uint8_t pkt[SY_IPV4_HDR_LEN + 60 + 1600];
    struct sy_tcp t = fsm_peer_segment(flags, seq, ack, wnd, data, len);
    if (opts) t.opts = *opts;
    fsm_send_raw(f, pkt, fsm_build(f, &t, pkt, sizeof pkt));
}

void fsm_send_urgent(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t urp,
                     const void *data, size_t len)
{
    static uint8_t pkt[SY_IPV4_HDR_LEN + 60 + 1600];
    struct sy_tcp t =
        fsm_peer_segment((uint8_t)(flags | SY_TH_URG), seq, ack, FSM_PEER_WND, data, len);
    t.urp = urp;
    fsm_send_raw(f, pkt, fsm_build(f, &t, pkt, sizeof pkt));
}

void fsm_send(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
              size_t len)
{
    fsm_send_opts(f, flags, seq, ack, FSM_PEER_WND, NULL, data, len);
}

bool fsm_pop(struct fsm *f, struct fsm_seg *out)
{
    if (f->head == f->nout) return false;
    if (out) *out = f->out[f->head];
    f->head++;
    if (f->head == f->nout) f->head = f->nout = 0;
    return true;
}

const struct fsm_seg *fsm_expect(struct fsm *f, uint8_t flags, uint32_t seq, uint32_t ack)
{
    static struct fsm_seg s;
    if (!fsm_pop(f, &s))
        fail_msg("expected a segment with flags 0x%02x seq %u, got none", flags, seq);
    if (s.flags != flags || s.seq != seq || ((flags & ACK) && s.ack != ack))
        fail_msg("expected flags 0x%02x seq %u ack %u, got flags 0x%02x seq %u ack %u", flags, seq,
                 ack, s.flags, s.seq, s.ack);
    return &s;
}

void fsm_expect_none(struct fsm *f)
{
    struct fsm_seg s = {0};
    if (fsm_pop(f, &s))
        fail_msg("expected no segment, got flags 0x%02x seq %u ack %u len %zu", s.flags, s.seq,
                 s.ack, s.len);
}

size_t fsm_count_state(const struct fsm *f, enum synack_state st)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nev; i++)
        if (f->ev[i].type == SYNACK_EV_STATE && f->ev[i].new_state == st) n++;
    return n;
}

int fsm_last_error(const struct fsm *f)
{
    for (size_t i = f->nev; i-- > 0;)
        if (f->ev[i].type == SYNACK_EV_ERROR) return f->ev[i].error;
    return 0;
}

struct synack_status fsm_conn_status(const struct synack_conn *c)
{
    struct synack_status st;
    assert_int_equal(synack_status(c, &st), 0);
    return st;
}

struct synack_status fsm_status(const struct fsm *f)
{
    return fsm_conn_status(f->conn);
}

uint64_t fsm_drops(const struct fsm *f, enum synack_drop_reason r)
{
    return synack_stack_counters(f->st)->drops[r];
}

uint64_t fsm_rsts(const struct fsm *f, enum synack_rst_reason r)
{
    return synack_stack_counters(f->st)->rst_sent[r];
}

size_t fsm_count_events(const struct fsm *f, enum synack_event_type t)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nev; i++)
        n += f->ev[i].type == t;
    return n;
}

const struct synack_event *fsm_last_state_event(const struct fsm *f)
{
    for (size_t i = f->nev; i-- > 0;)
        if (f->ev[i].type == SYNACK_EV_STATE) return &f->ev[i];
    return NULL;
}

void fsm_listen(struct fsm *f)
{
    struct synack_endpoint ep = {f->local, FSM_LPORT};
    assert_int_equal(synack_listen(f->st, &ep, 8, f->now, &f->listener), 0);
    assert_int_equal(synack_conn_state(f->listener), SYNACK_LISTEN);
}

void fsm_syn_sent(struct fsm *f)
{
    struct synack_endpoint lo = {f->local, FSM_LPORT}, re = {f->remote, FSM_RPORT};
    assert_int_equal(synack_connect(f->st, &lo, &re, f->now, &f->conn), 0);
    struct fsm_seg s = {0};
    assert_true(fsm_pop(f, &s));
    assert_int_equal(s.flags, SYN);
    f->iss = s.seq;
    assert_int_equal(synack_conn_state(f->conn), SYNACK_SYN_SENT);
}

void fsm_syn_received(struct fsm *f)
{
    fsm_listen(f);
    fsm_send(f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    f->peer_nxt = FSM_PEER_ISS + 1;
    struct fsm_seg s = {0};
    assert_true(fsm_pop(f, &s));
    assert_int_equal(s.flags, SYN | ACK);
    assert_int_equal(s.ack, FSM_PEER_ISS + 1);
    f->iss = s.seq;
    /* The child is not accepted yet: find it through the event log. */
    for (size_t i = 0; i < f->nev; i++)
        if (f->ev[i].type == SYNACK_EV_STATE && f->ev[i].new_state == SYNACK_SYN_RECEIVED)
            f->conn = f->ev[i].conn;
    assert_non_null(f->conn);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_SYN_RECEIVED);
}

void fsm_syn_received_active(struct fsm *f)
{
    fsm_syn_sent(f);
    fsm_send(f, SYN, FSM_PEER_ISS, 0, NULL, 0);
    f->peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(f, SYN | ACK, f->iss, FSM_PEER_ISS + 1);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_SYN_RECEIVED);
}

void fsm_established(struct fsm *f)
{
    fsm_syn_sent(f);
    fsm_send(f, SYN | ACK, FSM_PEER_ISS, f->iss + 1, NULL, 0);
    f->peer_nxt = FSM_PEER_ISS + 1;
    fsm_expect(f, ACK, f->iss + 1, FSM_PEER_ISS + 1);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_ESTABLISHED);
}

void fsm_established_passive(struct fsm *f)
{
    fsm_syn_received(f);
    fsm_send(f, ACK, f->peer_nxt, f->iss + 1, NULL, 0);
    fsm_expect_none(f);
    struct synack_conn *c;
    assert_int_equal(synack_accept(f->listener, &c), 0);
    assert_ptr_equal(c, f->conn);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_ESTABLISHED);
}

void fsm_fin_wait_1(struct fsm *f)
{
    fsm_established(f);
    assert_int_equal(synack_shutdown(f->conn, f->now), 0);
    fsm_expect(f, FIN | ACK, f->iss + 1, f->peer_nxt);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_FIN_WAIT_1);
}

void fsm_fin_wait_2(struct fsm *f)
{
    fsm_fin_wait_1(f);
    fsm_send(f, ACK, f->peer_nxt, f->iss + 2, NULL, 0);
    fsm_expect_none(f);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_FIN_WAIT_2);
}

void fsm_close_wait(struct fsm *f)
{
    fsm_established(f);
    fsm_send(f, FIN | ACK, f->peer_nxt, f->iss + 1, NULL, 0);
    f->peer_nxt++;
    fsm_expect(f, ACK, f->iss + 1, f->peer_nxt);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_CLOSE_WAIT);
}

void fsm_closing(struct fsm *f)
{
    fsm_fin_wait_1(f);
    fsm_send(f, FIN | ACK, f->peer_nxt, f->iss + 1, NULL, 0);
    f->peer_nxt++;
    fsm_expect(f, ACK, f->iss + 2, f->peer_nxt);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_CLOSING);
}

void fsm_last_ack(struct fsm *f)
{
    fsm_close_wait(f);
    assert_int_equal(synack_shutdown(f->conn, f->now), 0);
    fsm_expect(f, FIN | ACK, f->iss + 1, f->peer_nxt);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_LAST_ACK);
}

void fsm_time_wait(struct fsm *f)
{
    fsm_fin_wait_2(f);
    fsm_send(f, FIN | ACK, f->peer_nxt, f->iss + 2, NULL, 0);
    f->peer_nxt++;
    fsm_expect(f, ACK, f->iss + 2, f->peer_nxt);
    assert_int_equal(synack_conn_state(f->conn), SYNACK_TIME_WAIT);
}

/* A segment between any two addresses (fsm_send always goes 10.0.0.2 -> 10.0.0.1). */
void fsm_send_between(struct fsm *f, const uint8_t src[4], const uint8_t dst[4], uint16_t sport,
                      uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack)
{
    uint8_t pkt[SY_IPV4_HDR_LEN + 60];
    struct sy_tcp t = {.sport = sport,
                       .dport = dport,
                       .seq = seq,
                       .ack = ack,
                       .flags = flags,
                       .wnd = FSM_PEER_WND};
    size_t n = sy_tcp_emit_v4(&t, src, dst, pkt + SY_IPV4_HDR_LEN, sizeof pkt - SY_IPV4_HDR_LEN);
    assert_true(n > 0);
    struct sy_ipv4 ip = {
        .total_len = (uint16_t)(n + SY_IPV4_HDR_LEN), .ttl = 64, .proto = SY_IPPROTO_TCP};
    memcpy(ip.src, src, 4);
    memcpy(ip.dst, dst, 4);
    sy_ipv4_emit(&ip, pkt, SY_IPV4_HDR_LEN);
    fsm_send_raw(f, pkt, n + SY_IPV4_HDR_LEN);
}

/* Whether the newest segment the stack sent left from address a. */
bool fsm_last_out_from(const struct fsm *f, const struct synack_addr *a)
{
    for (size_t i = f->nev; i-- > 0;)
        if (f->ev[i].type == SYNACK_EV_SEGMENT_OUT)
            return synack_addr_equal(&f->ev[i].seg.src.addr, a);
    return false;
}
