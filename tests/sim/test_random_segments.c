/* Robustness: seeded random segments and timer steps against a connection in every state. The
 * stack must never crash, leak or break its invariants (ASan/UBSan watch the first two). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"
#include "tcp/tcb.h"

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

typedef void (*fixture_fn)(struct fsm *);

/* Children of a listener not yet accepted are not the application's handle to call. */
static bool owned_handle(fixture_fn fixture)
{
    return fixture != fsm_syn_received && fixture != fsm_listen;
}

/* A segment near the interesting sequence numbers, with random flags, options and payload. */
static void random_segment(struct fsm *f, uint64_t *rng)
{
    static const uint8_t flag_sets[] = {SYN,       SYN | ACK, ACK,       FIN | ACK, RST,
                                        RST | ACK, FIN,       SYN | FIN, ACK | PSH, 0xff};
    uint64_t r = rng_next(rng);
    uint8_t flags = flag_sets[r % sizeof(flag_sets)];
    int32_t dseq = (int32_t)((r >> 8) % 40000) - 20000;
    int32_t dack = (int32_t)((r >> 24) % 200) - 100;
    if ((r >> 40) % 4 == 0) dseq = 0;
    if ((r >> 42) % 4 == 0) dack = 0;
    uint8_t data[300];
    size_t len = (r >> 44) % 3 == 0 ? (size_t)((r >> 46) % sizeof data) : 0;
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)rng_next(rng);
    struct sy_tcp_opts o = {0};
    if ((r >> 56) & 1) o.has |= SY_OPT_MSS, o.mss = (uint16_t)rng_next(rng);
    if ((r >> 57) & 1) o.has |= SY_OPT_WSCALE, o.wscale = (uint8_t)(rng_next(rng) % 20);
    if ((r >> 58) & 1) o.has |= SY_OPT_TS, o.ts_val = (uint32_t)rng_next(rng);
    if ((r >> 59) & 1) o.has |= SY_OPT_SACK_PERM;
    uint16_t wnd = (uint16_t)((r >> 60) % 3 == 0 ? 0 : rng_next(rng));
    fsm_send_opts(f, flags, f->peer_nxt + (uint32_t)dseq, f->iss + 1 + (uint32_t)dack, wnd, &o,
                  data, len);
}

static void random_user_call(struct fsm *f, uint64_t *rng)
{
    char buf[512] = {0};
    if (!f->conn) return;
    switch (rng_next(rng) % 8) {
    case 0: synack_send(f->conn, buf, rng_next(rng) % sizeof buf, f->now); break;
    case 3: synack_send_urgent(f->conn, buf, 1 + rng_next(rng) % sizeof buf, f->now); break;
    case 1: synack_recv(f->conn, buf, sizeof buf, f->now); break;
    case 2: synack_shutdown(f->conn, f->now); break;
    default: break;
    }
}

static void run_state(fixture_fn fixture, uint64_t seed, bool owned)
{
    struct fsm f;
    fsm_init(&f, NULL);
    fixture(&f);
    uint64_t rng = seed;
    for (int i = 0; i < 3000; i++) {
        random_segment(&f, &rng);
        if (owned && i % 7 == 0) random_user_call(&f, &rng);
        if (i % 13 == 0) fsm_at(&f, f.now + rng_next(&rng) % SYNACK_SEC(5));
        while (fsm_pop(&f, NULL)) {
        }
        /* Every state change the stack reported was a legal one. */
        for (size_t e = 0; e < f.nev; e++)
            if (f.ev[e].type == SYNACK_EV_STATE)
                assert_true(sy_state_legal(f.ev[e].old_state, f.ev[e].new_state));
        f.nev = 0;
        assert_true(synack_stack_next_deadline(f.st) == SYNACK_TIME_NEVER ||
                    synack_stack_next_deadline(f.st) > f.now);
    }
    fsm_free(&f);
}

#define STATE_TEST(name)                                                                           \
    static void test_random_segments_##name(void **state)                                          \
    {                                                                                              \
        (void)state;                                                                               \
        for (uint64_t seed = 1; seed <= 4; seed++)                                                 \
            run_state(fsm_##name, seed * 0x9e3779b97f4a7c15ull, owned_handle(fsm_##name));         \
    }

STATE_TEST(listen)
STATE_TEST(syn_sent)
STATE_TEST(syn_received)
STATE_TEST(syn_received_active)
STATE_TEST(established)
STATE_TEST(fin_wait_1)
STATE_TEST(fin_wait_2)
STATE_TEST(close_wait)
STATE_TEST(closing)
STATE_TEST(last_ack)
STATE_TEST(time_wait)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_segments_listen),
        cmocka_unit_test(test_random_segments_syn_sent),
        cmocka_unit_test(test_random_segments_syn_received),
        cmocka_unit_test(test_random_segments_syn_received_active),
        cmocka_unit_test(test_random_segments_established),
        cmocka_unit_test(test_random_segments_fin_wait_1),
        cmocka_unit_test(test_random_segments_fin_wait_2),
        cmocka_unit_test(test_random_segments_close_wait),
        cmocka_unit_test(test_random_segments_closing),
        cmocka_unit_test(test_random_segments_last_ack),
        cmocka_unit_test(test_random_segments_time_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
