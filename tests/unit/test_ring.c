/* Unit tests: the byte ring (util/ring.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/ring.h"

static int ring_setup8(void **state)
{
    static struct sy_ring r;
    if (sy_ring_init(&r, 8) != 0) return -1;
    *state = &r;
    return 0;
}

static int ring_teardown(void **state)
{
    sy_ring_free(*state);
    return 0;
}

static void test_ring_starts_empty(void **state)
{
    struct sy_ring *r = *state;
    uint8_t out[4];
    assert_int_equal(sy_ring_len(r), 0);
    assert_int_equal(sy_ring_space(r), 8);
    assert_int_equal(sy_ring_read(r, out, sizeof(out)), 0);
    assert_int_equal(sy_ring_peek(r, 0, out, sizeof(out)), 0);
}

static void test_ring_write_then_read_in_order(void **state)
{
    struct sy_ring *r = *state;
    uint8_t out[8] = {0};
    assert_int_equal(sy_ring_write(r, "abcde", 5), 5);
    assert_int_equal(sy_ring_len(r), 5);
    assert_int_equal(sy_ring_space(r), 3);
    assert_int_equal(sy_ring_read(r, out, 3), 3);
    assert_memory_equal(out, "abc", 3);
    assert_int_equal(sy_ring_read(r, out, 8), 2);
    assert_memory_equal(out, "de", 2);
    assert_int_equal(sy_ring_len(r), 0);
}

/* A write larger than the free space stores only what fits. */
static void test_ring_partial_write_when_nearly_full(void **state)
{
    struct sy_ring *r = *state;
    uint8_t out[8];
    assert_int_equal(sy_ring_write(r, "0123456", 7), 7);
    assert_int_equal(sy_ring_write(r, "XYZ", 3), 1);
    assert_int_equal(sy_ring_space(r), 0);
    assert_int_equal(sy_ring_write(r, "Q", 1), 0);
    assert_int_equal(sy_ring_read(r, out, 8), 8);
    assert_memory_equal(out, "0123456X", 8);
}

/* Data that straddles the end of the buffer comes back whole. */
static void test_ring_wraps_around_end(void **state)
{
    struct sy_ring *r = *state;
    uint8_t out[8];
    assert_int_equal(sy_ring_write(r, "abcdef", 6), 6);
    assert_int_equal(sy_ring_read(r, NULL, 5), 5);       /* discard; head now at 5 */
    assert_int_equal(sy_ring_write(r, "ghijklm", 7), 7); /* wraps: 3 at the end, 4 at start */
    assert_int_equal(sy_ring_len(r), 8);
    assert_int_equal(sy_ring_read(r, out, 8), 8);
    assert_memory_equal(out, "fghijklm", 8);
}

static void test_ring_peek_at_offsets_across_wrap(void **state)
{
    struct sy_ring *r = *state;
    uint8_t out[8];
    assert_int_equal(sy_ring_write(r, "......", 6), 6);
    assert_int_equal(sy_ring_read(r, NULL, 5), 5); /* head at 5, one byte left */
    assert_int_equal(sy_ring_write(r, "ABCDEFG", 7), 7);
    assert_int_equal(sy_ring_read(r, NULL, 1), 1); /* "ABCDEFG" sits at 6,7,0,1,2,3,4 */
    assert_int_equal(sy_ring_peek(r, 0, out, 8), 7);
    assert_memory_equal(out, "ABCDEFG", 7);
    assert_int_equal(sy_ring_peek(r, 0, out, 2), 2); /* both before the end */
    assert_memory_equal(out, "AB", 2);
    assert_int_equal(sy_ring_peek(r, 1, out, 3), 3); /* straddles the end */
    assert_memory_equal(out, "BCD", 3);
    assert_int_equal(sy_ring_peek(r, 4, out, 8), 3); /* wholly after the wrap */
    assert_memory_equal(out, "EFG", 3);
    assert_int_equal(sy_ring_peek(r, 7, out, 1), 0); /* at the end */
    assert_int_equal(sy_ring_peek(r, 100, out, 1), 0);
    assert_int_equal(sy_ring_len(r), 7); /* peek consumed nothing */
}

/* Many small writes and reads of varying sizes preserve the byte stream. */
static void test_ring_stream_survives_many_wraps(void **state)
{
    struct sy_ring *r = *state;
    uint8_t next_in = 0, next_out = 0;
    for (int step = 0; step < 200; step++) {
        uint8_t chunk[8], out[8];
        size_t want = (size_t)(step % 7) + 1;
        for (size_t i = 0; i < want; i++)
            chunk[i] = (uint8_t)(next_in + i);
        size_t put = sy_ring_write(r, chunk, want);
        next_in = (uint8_t)(next_in + put);
        size_t got = sy_ring_read(r, out, (size_t)(step % 5) + 1);
        for (size_t i = 0; i < got; i++)
            assert_int_equal(out[i], next_out++);
    }
    assert_int_equal(sy_ring_len(r), (uint8_t)(next_in - next_out));
}

static void test_ring_zero_capacity_is_always_full(void **state)
{
    (void)state;
    struct sy_ring z;
    uint8_t out[1];
    assert_int_equal(sy_ring_init(&z, 0), 0);
    assert_int_equal(sy_ring_space(&z), 0);
    assert_int_equal(sy_ring_write(&z, "a", 1), 0);
    assert_int_equal(sy_ring_read(&z, out, 1), 0);
    assert_int_equal(sy_ring_peek(&z, 0, out, 1), 0);
    sy_ring_free(&z);
}

#define RING_TEST(f) cmocka_unit_test_setup_teardown(f, ring_setup8, ring_teardown)

/* A span across the wrap: cap 8, head at 4 after reading 4 of 6, then 5 more: bytes at offsets
 * 1..5 lie at buf[5..7] and buf[0..1]. */
static void test_ring_span_splits_at_the_wrap(void **state)
{
    (void)state;
    struct sy_ring r;
    assert_int_equal(sy_ring_init(&r, 8), 0);
    uint8_t out[8];
    sy_ring_write(&r, "abcdef", 6);
    sy_ring_read(&r, out, 4);
    assert_int_equal(sy_ring_write(&r, "ghijk", 5), 5); /* ring: e f g h i j k */
    const uint8_t *p1, *p2;
    size_t n1, n2;
    assert_int_equal(sy_ring_span(&r, 1, 5, &p1, &n1, &p2, &n2), 5);
    assert_int_equal(n1, 3);
    assert_memory_equal(p1, "fgh", 3);
    assert_int_equal(n2, 2);
    assert_memory_equal(p2, "ij", 2);
    assert_int_equal(sy_ring_span(&r, 0, 2, &p1, &n1, &p2, &n2), 2); /* no wrap */
    assert_int_equal(n2, 0);
    assert_ptr_equal(p2, NULL);
    assert_int_equal(sy_ring_span(&r, 6, 10, &p1, &n1, &p2, &n2), 1); /* clipped to the end */
    assert_int_equal(sy_ring_span(&r, 7, 1, &p1, &n1, &p2, &n2), 0);  /* past the end */
    sy_ring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        RING_TEST(test_ring_starts_empty),
        RING_TEST(test_ring_write_then_read_in_order),
        RING_TEST(test_ring_partial_write_when_nearly_full),
        RING_TEST(test_ring_wraps_around_end),
        RING_TEST(test_ring_peek_at_offsets_across_wrap),
        RING_TEST(test_ring_stream_survives_many_wraps),
        cmocka_unit_test(test_ring_zero_capacity_is_always_full),
        cmocka_unit_test(test_ring_span_splits_at_the_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
