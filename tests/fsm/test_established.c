/* ESTABLISHED: data both ways, the close arcs, RST rules, acceptability edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fsm.h"

static void test_established_data_is_acked_and_readable(void **state)
{
    (void)state;
    struct fsm f;
    fsm_init(&f, NULL);
    fsm_established(&f);
    fsm_send(&f, ACK | PSH, f.peer_nxt, f.iss + 1, "hello", 5);
    fsm_expect(&f, ACK, f.iss + 1, f.peer_nxt + 5);
    char buf[16];
    assert_int_equal(synack_recv(f.conn, buf, sizeof buf, f.now), 5);
    assert_memory_equal(buf, "hello", 5);
    fsm_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_established_data_is_acked_and_readable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
