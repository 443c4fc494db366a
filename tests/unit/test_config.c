/* Settings are checked once, when a stack is made: each out-of-range value is refused with a
 * sentence that names it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <synack/synack.h>

static void expect_refused(const struct synack_config *cfg, const char *names)
{
    const char *why = NULL;
    assert_int_equal(synack_config_check(cfg, &why), -EINVAL);
    assert_non_null(why);
    assert_non_null(strstr(why, names));
    assert_null(synack_stack_new(cfg));
}

static void test_config_defaults_pass(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    const char *why = "unset";
    assert_int_equal(synack_config_check(&cfg, &why), 0);
    assert_null(why);
    struct synack_stack *s = synack_stack_new(&cfg);
    assert_non_null(s);
    synack_stack_free(s);
    assert_int_equal(synack_config_check(NULL, &why), -EINVAL);
}

/* RFC9293: MUST-40 */
static void test_config_each_bad_setting_is_named(void **state)
{
    (void)state;
    struct synack_config cfg;
#define REFUSED(change, name)                                                                      \
    do {                                                                                           \
        synack_config_init(&cfg);                                                                  \
        change;                                                                                    \
        expect_refused(&cfg, name);                                                                \
    } while (0)
    REFUSED(cfg.msl = 0, "msl");
    REFUSED(cfg.rto_min = SYNACK_SEC(90), "rto_min");
    REFUSED(cfg.rto_max = 0, "rto_max");
    REFUSED(cfg.rto_initial = SYNACK_MSEC(100), "rto_initial");
    REFUSED(cfg.rto_initial = SYNACK_SEC(61), "rto_initial");
    REFUSED(cfg.delack_timeout = SYNACK_MSEC(500), "delack_timeout");
    REFUSED(cfg.sndbuf = 0, "sndbuf");
    REFUSED(cfg.rcvbuf = (1u << 30) + 1, "rcvbuf");
    REFUSED(cfg.mss = 40, "mss");
    REFUSED(cfg.initial_window = 0, "initial_window");
    REFUSED(cfg.cc = SYNACK_CC_COUNT, "cc");
    REFUSED(cfg.keepintvl = 0, "keepintvl");
#undef REFUSED
}

/* The edges that are allowed. */
static void test_config_edges_pass(void **state)
{
    (void)state;
    struct synack_config cfg;
    synack_config_init(&cfg);
    cfg.delack_timeout = SYNACK_MSEC(499);
    cfg.rto_min = cfg.rto_initial = cfg.rto_max = SYNACK_SEC(1);
    cfg.sndbuf = cfg.rcvbuf = 1u << 30;
    cfg.mss = 64;
    cfg.initial_window = 1;
    cfg.cc = SYNACK_CC_NEWRENO;
    assert_int_equal(synack_config_check(&cfg, NULL), 0);
}

/* A running stack takes new settings after the same checks, and keeps its secret. */
static void test_config_set_on_a_running_stack(void **state)
{
    (void)state;
    struct synack_stack *s = synack_stack_new(NULL);
    assert_non_null(s);
    struct synack_config cfg = *synack_stack_config(s);
    uint64_t seed = cfg.seed;
    assert_int_not_equal(seed, 0); /* drawn at creation */
    cfg.keepcnt = 2;
    cfg.seed = 42;
    assert_int_equal(synack_stack_set_config(s, &cfg, NULL), 0);
    assert_int_equal(synack_stack_config(s)->keepcnt, 2);
    assert_int_equal(synack_stack_config(s)->seed, seed);
    const char *why = NULL;
    cfg.msl = 0;
    assert_int_equal(synack_stack_set_config(s, &cfg, &why), -EINVAL);
    assert_non_null(why);
    assert_int_not_equal(synack_stack_config(s)->msl, 0);
    struct synack_conn_params p;
    synack_conn_params_init(s, &p);
    assert_int_equal(p.keepcnt, 2); /* new connections take the new default */
    synack_stack_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults_pass),
        cmocka_unit_test(test_config_set_on_a_running_stack),
        cmocka_unit_test(test_config_each_bad_setting_is_named),
        cmocka_unit_test(test_config_edges_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
