/* packetdrill runner — %{ ... }% blocks. packetdrill hands them to Python with TCP_INFO of the
 * socket under test taken at that time; we support the form the corpus uses, one or more
 *   assert tcpi_FIELD == VALUE
 * (VALUE a number or a TCPI_* name, tcpi_state in Linux's numbering), checked at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "symbols.h"

/* Linux's tcpi_state of a synack state (TCP_ESTABLISHED = 1 ... TCP_CLOSING = 11). */
static int linux_state(enum synack_state s)
{
    static const int map[SYNACK_STATE_COUNT] = {
        [SYNACK_CLOSED] = 7,       [SYNACK_LISTEN] = 10,     [SYNACK_SYN_SENT] = 2,
        [SYNACK_SYN_RECEIVED] = 3, [SYNACK_ESTABLISHED] = 1, [SYNACK_FIN_WAIT_1] = 4,
        [SYNACK_FIN_WAIT_2] = 5,   [SYNACK_CLOSE_WAIT] = 8,  [SYNACK_CLOSING] = 11,
        [SYNACK_LAST_ACK] = 9,     [SYNACK_TIME_WAIT] = 6};
    return (unsigned)s < SYNACK_STATE_COUNT ? map[s] : 7;
}

/* TCP_INFO of the socket under test; a child not yet accepted has no descriptor: its
 * connection's state is found by its ports. */
static int tcp_info(struct pd_run *r, struct synack_tcp_info *ti, bool *state_only)
{
    const struct pd_sock *s = r->sut;
    memset(ti, 0, sizeof(*ti));
    *state_only = false;
    if (!s || !r->set) return pd_fail(r, "%%{ }%%: no socket under test");
    if (s->live_fd >= 0 && !s->closed) {
        socklen_t len = sizeof(*ti);
        int rc = synack_sock_getsockopt(r->set, s->live_fd, IPPROTO_TCP, TCP_INFO, ti, &len);
        return rc < 0 ? pd_fail(r, "TCP_INFO: %s", synack_strerror(rc)) : 0;
    }
    struct synack_conn *conns[256];
    size_t n = synack_stack_conns(r->stack, conns, 256);
    ti->tcpi_state = 7;
    *state_only = true;
    for (size_t i = 0; i < n && i < 256; i++) {
        struct synack_status st;
        if (synack_status(conns[i], &st) == 0 && st.local.port == s->local_port &&
            st.remote.port == s->remote_port)
            ti->tcpi_state = (uint8_t)linux_state(st.state);
    }
    return 0;
}

static int field(const struct synack_tcp_info *ti, const char *name, bool state_only, int64_t *v)
{
    if (!strcmp(name, "tcpi_state"))
        *v = ti->tcpi_state;
    else if (state_only)
        return -1;
    else if (!strcmp(name, "tcpi_options"))
        *v = ti->tcpi_options;
    else if (!strcmp(name, "tcpi_snd_wscale"))
        *v = ti->tcpi_wscale & 0xf;
    else if (!strcmp(name, "tcpi_rcv_wscale"))
        *v = ti->tcpi_wscale >> 4;
    else if (!strcmp(name, "tcpi_retransmits"))
        *v = ti->tcpi_retransmits;
    else if (!strcmp(name, "tcpi_backoff"))
        *v = ti->tcpi_backoff;
    else if (!strcmp(name, "tcpi_snd_cwnd"))
        *v = ti->tcpi_snd_cwnd;
    else if (!strcmp(name, "tcpi_snd_ssthresh"))
        *v = ti->tcpi_snd_ssthresh;
    else if (!strcmp(name, "tcpi_snd_mss"))
        *v = ti->tcpi_snd_mss;
    else if (!strcmp(name, "tcpi_rcv_mss"))
        *v = ti->tcpi_rcv_mss;
    else
        return -1;
    return 0;
}

/* VALUE: numbers and TCPI_* names joined by '|'. */
static int value_of(const char *text, int64_t *v)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", text);
    *v = 0;
    int terms = 0;
    for (char *t = strtok_r(buf, "| \t", &save); t; t = strtok_r(NULL, "| \t", &save), terms++) {
        char *end;
        int64_t x = strtoll(t, &end, 0);
        if (*end && !pd_symbol_lookup(t, &x)) return -1;
        *v |= x;
    }
    return terms ? 0 : -1;
}

static int one_assert(struct pd_run *r, const char *stmt)
{
    char name[64];
    int at = 0;
    if (sscanf(stmt, " assert %63[a-z_] ==%n", name, &at) != 1 || !at)
        return pd_fail(r, "unsupported code (only 'assert tcpi_X == V'): %s", stmt);
    int64_t want, got;
    if (value_of(stmt + at, &want) < 0) return pd_fail(r, "bad value in code: %s", stmt + at);
    struct synack_tcp_info ti;
    bool state_only;
    if (tcp_info(r, &ti, &state_only) < 0) return -1;
    if (field(&ti, name, state_only, &got) < 0)
        return pd_fail(r, "unsupported field in code: %s", name);
    if (got != want)
        return pd_fail(r, "assert %s ==%s failed: %s is %lld", name, stmt + at, name,
                       (long long)got);
    return 0;
}

int pd_code(struct pd_run *r, const char *code)
{
    char buf[1024], *save = NULL;
    if (strlen(code) >= sizeof buf) return pd_fail(r, "code block too long");
    snprintf(buf, sizeof buf, "%s", code);
    for (char *s = strtok_r(buf, "\n;", &save); s; s = strtok_r(NULL, "\n;", &save)) {
        if (strspn(s, " \t") == strlen(s)) continue;
        if (one_assert(r, s) < 0) return -1;
    }
    return 0;
}
