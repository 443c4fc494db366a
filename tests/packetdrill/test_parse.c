/* Unit tests: the packetdrill script parser (lines, times, packets, options, system calls). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include "parse.h"
#include "wire/tcp.h"

static int parse(struct pd_script *s, const char *text, struct pd_error *err)
{
    return pd_script_parse(text, strlen(text), s, err);
}

static struct pd_event *nth(struct pd_script *s, size_t n)
{
    struct pd_event *ev = s->events;
    while (ev && n--)
        ev = ev->next;
    assert_non_null(ev);
    return ev;
}

static void test_comments_and_ifdef_keep_line_numbers(void **state)
{
    (void)state;
    const char *text = "// header\n"
                       "--tolerance_usecs=75000\n"
                       "/* a block\n comment */ 0.0 close(3) = 0 // trailing\n"
                       "#ifdef STANDARD\n"
                       "+0.1 close(4) = 0\n"
                       "#endif\n"
                       "#ifdef FreeBSD\n"
                       "+0.1 close(5) = 0\n"
                       "#else\n"
                       "+0.2 close(6) = 0\n"
                       "#endif\n";
    struct pd_script s;
    struct pd_error err = {0};
    assert_int_equal(parse(&s, text, &err), 0);
    assert_int_equal(s.opts.tolerance_usecs, 75000);
    assert_int_equal(s.nevents, 3);
    assert_int_equal(nth(&s, 0)->line, 4);
    assert_int_equal(nth(&s, 1)->line, 6);
    assert_int_equal(nth(&s, 2)->line, 11);
    assert_int_equal(nth(&s, 2)->syscall->args[0].num, 6);
    pd_script_free(&s);
}

static void test_times(void **state)
{
    (void)state;
    const char *text = "0.100 close(3) = 0\n+ 0.25 close(3) = 0\n* > S 0:0(0) <...>\n"
                       "+0~+0.04 close(3) = 0\n1.5~2 close(3) = 0\n0...0.2 close(3) = 0\n";
    struct pd_script s;
    struct pd_error err = {0};
    assert_int_equal(parse(&s, text, &err), 0);
    assert_int_equal(nth(&s, 0)->time.kind, PD_TIME_ABS);
    assert_int_equal(nth(&s, 0)->time.usecs, 100000);
    assert_int_equal(nth(&s, 1)->time.kind, PD_TIME_REL);
    assert_int_equal(nth(&s, 1)->time.usecs, 250000);
    assert_int_equal(nth(&s, 2)->time.kind, PD_TIME_ANY);
    assert_int_equal(nth(&s, 3)->time.kind, PD_TIME_REL_RANGE);
    assert_int_equal(nth(&s, 3)->time.end_usecs, 40000);
    assert_int_equal(nth(&s, 4)->time.kind, PD_TIME_ABS_RANGE);
    assert_int_equal(nth(&s, 4)->time.usecs, 1500000);
    assert_int_equal(nth(&s, 4)->time.end_usecs, 2000000);
    assert_int_equal(nth(&s, 5)->syscall->end_usecs, 200000);
    pd_script_free(&s);
}

static const struct pd_packet *one_packet(struct pd_script *s, const char *line)
{
    struct pd_error err = {0};
    if (parse(s, line, &err) != 0) fail_msg("line %d: %s", err.line, err.msg);
    assert_int_equal(s->events->kind, PD_EV_PACKET);
    return s->events->packet;
}

static void test_outbound_syn_with_options(void **state)
{
    (void)state;
    struct pd_script s;
    const struct pd_packet *p =
        one_packet(&s, "+0 > S 0:0(0) win 65535 <mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0>");
    static const uint8_t want[] = {2, 4,  0x05, 0xb4, 1, 3,   3, 6, 4, 2,
                                   8, 10, 0,    0,    0, 100, 0, 0, 0, 0};
    assert_false(p->inbound);
    assert_int_equal(p->flags, SY_TH_SYN);
    assert_int_equal(p->win, 65535);
    assert_false(p->has_ack);
    assert_int_equal(p->opts_len, sizeof want);
    assert_memory_equal(p->opts, want, sizeof want);
    pd_script_free(&s);
}

static void test_inbound_flags_ack_and_sack(void **state)
{
    (void)state;
    struct pd_script s;
    const struct pd_packet *p =
        one_packet(&s, "+0.1 < P. 1:1001(1000) ack 7 win 32767 <sack 4381:5841, nop, nop>");
    assert_true(p->inbound);
    assert_int_equal(p->flags, SY_TH_PSH | SY_TH_ACK);
    assert_int_equal(p->seq, 1);
    assert_int_equal(p->len, 1000);
    assert_true(p->has_ack);
    assert_int_equal(p->ack, 7);
    assert_int_equal(p->opts_len, 12);
    assert_int_equal(p->opts[0], 5);
    assert_int_equal(p->opts[1], 10);
    pd_script_free(&s);
}

static void test_packet_decorations(void **state)
{
    (void)state;
    struct pd_script s;
    const struct pd_packet *p = one_packet(&s, "+0 > (tos 0x20) R. 0:0(0)! ack 1 win 0");
    assert_int_equal(p->ip.tos, 0x20);
    assert_int_equal(p->ip.ttl, -1);
    assert_true(p->seq_absolute);
    assert_int_equal(p->flags, SY_TH_RST | SY_TH_ACK);
    assert_false(p->opts_given);
    pd_script_free(&s);
    p = one_packet(&s, "+0 >[noecn] SEW 0:0(0) win 100 <...>");
    assert_int_equal(p->ip.ecn, 0);
    assert_int_equal(p->flags, SY_TH_SYN | SY_TH_ECE | SY_TH_CWR);
    pd_script_free(&s);
    p = one_packet(&s, "+0 > S. ...(0) ack 65538 win 65535 <...>");
    assert_true(p->seq_any);
    assert_true(p->opts_any);
    pd_script_free(&s);
}

static void test_icmp_line(void **state)
{
    (void)state;
    struct pd_script s;
    const struct pd_packet *p =
        one_packet(&s, "+0.1 < icmp unreachable port_unreachable [4294967295:4294967295(0)]");
    assert_int_equal(p->icmp, PD_ICMP_V4);
    assert_int_equal(p->icmp_type, 3);
    assert_int_equal(p->icmp_code, 3);
    assert_int_equal(p->seq, 4294967295u);
    pd_script_free(&s);
    p = one_packet(&s, "+0.1 < icmp time_exceeded exceeded_hop_limit [0:0(0)]");
    assert_true(p->icmp_ipv6_only);
    pd_script_free(&s);
}

static const struct pd_syscall *one_call(struct pd_script *s, const char *line)
{
    struct pd_error err = {0};
    if (parse(s, line, &err) != 0) fail_msg("line %d: %s", err.line, err.msg);
    assert_int_equal(s->events->kind, PD_EV_SYSCALL);
    return s->events->syscall;
}

static void test_syscall_arguments(void **state)
{
    (void)state;
    struct pd_script s;
    const struct pd_syscall *sc =
        one_call(&s, "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0");
    assert_string_equal(sc->name, "getsockopt");
    assert_int_equal(sc->nargs, 5);
    assert_int_equal(sc->args[1].num, SOL_SOCKET);
    assert_int_equal(sc->args[3].kind, PD_X_LIST);
    assert_int_equal(sc->args[3].items[0].num, ECONNRESET);
    assert_int_equal(sc->ret, 0);
    pd_script_free(&s);
    sc = one_call(&s, "+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0");
    assert_int_equal(sc->args[2].num, O_RDWR | O_NONBLOCK);
    pd_script_free(&s);
    sc = one_call(&s, "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0");
    assert_int_equal(sc->args[3].kind, PD_X_STRUCT);
    assert_string_equal(sc->args[3].items[1].field, "l_linger");
    pd_script_free(&s);
    sc = one_call(&s, "+0 setsockopt(3, IPPROTO_TCP, TCP_NO_SUCH, [1], 4) = 0");
    assert_int_equal(sc->args[2].kind, PD_X_SYMBOL);
    pd_script_free(&s);
}

static void test_syscall_results(void **state)
{
    (void)state;
    struct pd_script s;
    const struct pd_syscall *sc =
        one_call(&s, "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
    assert_int_equal(sc->args[1].kind, PD_X_ELLIPSIS);
    assert_int_equal(sc->ret, -1);
    assert_int_equal(sc->err, EINPROGRESS);
    pd_script_free(&s);
    sc = one_call(&s, "+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)");
    assert_int_equal(sc->ret, 2);
    assert_int_equal(sc->err, 0);
    pd_script_free(&s);
    sc = one_call(&s, "+0 write (3, ..., 10) = 10");
    assert_string_equal(sc->name, "write");
    pd_script_free(&s);
}

static void test_commands_and_code(void **state)
{
    (void)state;
    const char *text = "0 `sysctl -w net.inet.tcp.sack.enable=1`\n"
                       "`kldstat -q -m tcpmd5; echo 'add\n  more' | setkey -c`\n"
                       "+0 %{ assert tcpi_state == TCPI_LISTEN }%\n";
    struct pd_script s;
    struct pd_error err = {0};
    assert_int_equal(parse(&s, text, &err), 0);
    assert_string_equal(nth(&s, 0)->command, "sysctl -w net.inet.tcp.sack.enable=1");
    assert_int_equal(nth(&s, 1)->line, 2);
    assert_non_null(strstr(nth(&s, 1)->command, "more"));
    assert_int_equal(nth(&s, 2)->kind, PD_EV_CODE);
    assert_int_equal(nth(&s, 2)->line, 4);
    assert_string_equal(nth(&s, 2)->code, " assert tcpi_state == TCPI_LISTEN ");
    pd_script_free(&s);
}

/* Each malformed line is an error that names its line. */
static void test_errors_name_the_line(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "0 close(3) = 0\n+0 > S 0:1(0) win 1\n",          /* inconsistent sequence numbers */
        "0 close(3) = 0\n+0 < S 0:0(0)\n",                /* inbound without window */
        "0 close(3) = 0\n+0 > S 0:0(0) <mss 1460,nop>\n", /* options not padded */
        "0 close(3) = 0\n+0 > X 0:0(0)\n",                /* bad flag */
        "0 close(3) = 0\n+0 close(3 = 0\n",               /* unbalanced */
        "0 close(3) = 0\n+0 close(3) = -1\n",             /* -1 without errno */
        "0 close(3) = 0\n+0 `sysctl\n",                   /* unterminated backquote */
        "0 close(3) = 0\n#ifdef STANDARD\n",              /* unterminated #ifdef */
        "0 close(3) = 0\n+0 < icmp unreachable nonsense [1:1(0)]\n",
        "0 close(3) = 0\n+0 > S 0:0(0) <mss 99999999>\n",
        "0 close(3) = 0\n+x close(3) = 0\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct pd_script s;
        struct pd_error err = {0};
        if (parse(&s, bad[i], &err) == 0) fail_msg("parsed: %s", bad[i]);
        if (err.line != 2) fail_msg("%s: line %d: %s", bad[i], err.line, err.msg);
        assert_int_equal(err.line, 2);
        assert_true(err.msg[0] != '\0');
        pd_script_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comments_and_ifdef_keep_line_numbers),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_outbound_syn_with_options),
        cmocka_unit_test(test_inbound_flags_ack_and_sack),
        cmocka_unit_test(test_packet_decorations),
        cmocka_unit_test(test_icmp_line),
        cmocka_unit_test(test_syscall_arguments),
        cmocka_unit_test(test_syscall_results),
        cmocka_unit_test(test_commands_and_code),
        cmocka_unit_test(test_errors_name_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
