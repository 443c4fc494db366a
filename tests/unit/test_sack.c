/* The SACK scoreboard against RFC 6675 §4, values worked by hand (SMSS 1000, DupThresh 3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcp/sack.h"

static void sack(struct sy_sack_board *b, uint32_t l, uint32_t r, uint32_t una, uint32_t max)
{
    struct sy_tcp_opts o = {.has = SY_OPT_SACK, .sack_count = 1, .sack = {{l, r}}};
    sy_sack_update(b, &o, una, max);
}

/* SND.UNA 1000, SND.MAX 11000; SACKed [2000,5000) (two blocks merged) and [6000,7000). */
static void board(struct sy_sack_board *b)
{
    sy_sack_reset(b, 1000);
    sack(b, 2000, 3000, 1000, 11000);
    sack(b, 3000, 5000, 1000, 11000);
    sack(b, 6000, 7000, 1000, 11000);
}

static void test_sack_blocks_merge_and_sort(void **state)
{
    (void)state;
    struct sy_sack_board b;
    board(&b);
    assert_int_equal(b.n, 2);
    assert_int_equal(b.blk[0].left, 2000);
    assert_int_equal(b.blk[0].right, 5000);
    assert_int_equal(b.blk[1].left, 6000);
    assert_int_equal(sy_sack_bytes(&b), 4000);
    sack(&b, 4500, 6500, 1000, 11000); /* bridges the two */
    assert_int_equal(b.n, 1);
    assert_int_equal(b.blk[0].right, 7000);
}

static void test_sack_invalid_blocks_ignored(void **state)
{
    (void)state;
    struct sy_sack_board b;
    board(&b);
    sack(&b, 500, 900, 1000, 11000);     /* below SND.UNA (a D-SACK) */
    sack(&b, 10000, 12000, 1000, 11000); /* beyond SND.MAX */
    sack(&b, 8000, 8000, 1000, 11000);   /* empty */
    assert_int_equal(b.n, 2);
    assert_int_equal(sy_sack_bytes(&b), 4000);
}

/* Hole [1000,2000): above it 2 blocks, 4000 octets > (3-1)*1000: lost. Hole [5000,6000): one
 * block, 1000 octets: not lost. Tail [7000,11000): nothing above: not lost.
 * pipe = 0 + 1000 + 4000 = 5000. */
static void test_sack_is_lost_and_pipe(void **state)
{
    (void)state;
    struct sy_sack_board b;
    board(&b);
    assert_true(sy_sack_first_lost(&b, 1000, 1000));
    assert_int_equal(sy_sack_pipe(&b, 1000, 11000, 1000), 5000);
    /* Retransmitting [1000,2000) puts it back in the pipe: 5000 + 1000. */
    b.high_rxt = 2000;
    assert_int_equal(sy_sack_pipe(&b, 1000, 11000, 1000), 6000);
}

static void test_sack_one_small_block_is_not_a_loss(void **state)
{
    (void)state;
    struct sy_sack_board b;
    sy_sack_reset(&b, 1000);
    sack(&b, 2000, 3000, 1000, 5000);
    assert_false(sy_sack_first_lost(&b, 1000, 1000)); /* 1000 octets, 1 block above */
    sack(&b, 3500, 4000, 1000, 5000);
    sack(&b, 4500, 4600, 1000, 5000);
    assert_true(sy_sack_first_lost(&b, 1000, 1000)); /* 3 blocks above: DupThresh */
}

static void test_sack_next_rtx_rules_1_and_3(void **state)
{
    (void)state;
    struct sy_sack_board b;
    board(&b);
    uint32_t seq, len;
    assert_true(sy_sack_next_rtx(&b, 1000, 1000, true, &seq, &len));
    assert_int_equal(seq, 1000);
    assert_int_equal(len, 1000);
    b.high_rxt = 2000; /* done: rule (1) has nothing more, rule (3) offers [5000,6000) */
    assert_false(sy_sack_next_rtx(&b, 1000, 1000, true, &seq, &len));
    assert_true(sy_sack_next_rtx(&b, 1000, 1000, false, &seq, &len));
    assert_int_equal(seq, 5000);
    assert_int_equal(len, 1000);
    b.high_rxt = 1500; /* half retransmitted: the rest of the hole */
    assert_true(sy_sack_next_rtx(&b, 1000, 1000, true, &seq, &len));
    assert_int_equal(seq, 1500);
    assert_int_equal(len, 500);
}

static void test_sack_advance_drops_acknowledged(void **state)
{
    (void)state;
    struct sy_sack_board b;
    board(&b);
    sy_sack_advance(&b, 5000);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.blk[0].left, 6000);
    assert_int_equal(b.high_rxt, 5000);
    assert_false(sy_sack_first_lost(&b, 5000, 1000));
}

static void test_sack_wraps_around_sequence_space(void **state)
{
    (void)state;
    struct sy_sack_board b;
    uint32_t una = 0xfffffc00u; /* 1024 below the wrap */
    sy_sack_reset(&b, una);
    sack(&b, una + 1000, una + 4000, una, una + 8000);
    assert_int_equal(b.n, 1);
    assert_true(sy_sack_first_lost(&b, una, 1000));
    assert_int_equal(sy_sack_pipe(&b, una, una + 8000, 1000), 4000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sack_blocks_merge_and_sort),
        cmocka_unit_test(test_sack_invalid_blocks_ignored),
        cmocka_unit_test(test_sack_is_lost_and_pipe),
        cmocka_unit_test(test_sack_one_small_block_is_not_a_loss),
        cmocka_unit_test(test_sack_next_rtx_rules_1_and_3),
        cmocka_unit_test(test_sack_advance_drops_acknowledged),
        cmocka_unit_test(test_sack_wraps_around_sequence_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
