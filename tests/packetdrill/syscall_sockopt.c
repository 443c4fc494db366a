/* packetdrill runner — getsockopt and setsockopt: an int value ("[65536]"), a struct linger
 * ("{l_onoff=1, l_linger=0}"), or "..."; getsockopt checks the value and length it gets back. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "symbols.h"
#include "syscall.h"

union pd_optval {
    int i;
    struct linger l;
    struct synack_tcp_info ti;
};

static int linger_field(struct pd_run *r, const struct pd_expr *x, const char *name, int64_t *v)
{
    for (size_t i = 0; i < x->nitems; i++)
        if (x->items[i].field && !strcmp(x->items[i].field, name)) {
            if (x->items[i].kind != PD_X_INT) return pd_fail(r, "%s must be a number", name);
            *v = x->items[i].num;
            return 1;
        }
    return 0;
}

int pd_call_setsockopt(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    int64_t level, name, len, v = 0, on = 0, secs = 0;
    if (pd_arg_fd(r, sc, 0, &fd) < 0 || pd_arg_int(r, sc, 1, &level) < 0 ||
        pd_arg_int(r, sc, 2, &name) < 0 || pd_arg_int(r, sc, 4, &len) < 0)
        return -1;
    union pd_optval val;
    memset(&val, 0, sizeof val);
    if (pd_arg_is(sc, 3, PD_X_STRUCT)) {
        if (linger_field(r, &sc->args[3], "l_onoff", &on) < 0 ||
            linger_field(r, &sc->args[3], "l_linger", &secs) < 0)
            return -1;
        val.l.l_onoff = (int)on;
        val.l.l_linger = (int)secs;
    } else {
        if (pd_arg_int(r, sc, 3, &v) < 0) return -1;
        val.i = (int)v;
    }
    if (len < 0 || (size_t)len > sizeof val) return pd_fail(r, "setsockopt: bad length");
    *result = synack_sock_setsockopt(r->set, fd, (int)level, (int)name, &val, (socklen_t)len);
    return 0;
}

static void show_int(int v, bool is_errno, char *buf, size_t cap)
{
    const char *e = v > 0 && is_errno ? pd_errno_name(v) : NULL;
    if (e)
        snprintf(buf, cap, "%d (%s)", v, e);
    else
        snprintf(buf, cap, "%d", v);
}

/* The value got back against "[N]" or "{l_onoff=.., l_linger=..}". */
static int check_value(struct pd_run *r, const struct pd_expr *want, const union pd_optval *got,
                       bool is_errno)
{
    int64_t on = 0, secs = 0;
    char a[48], b[48];
    if (want->kind == PD_X_STRUCT) {
        if (linger_field(r, want, "l_onoff", &on) < 0 ||
            linger_field(r, want, "l_linger", &secs) < 0)
            return -1;
        if (got->l.l_onoff != on || got->l.l_linger != secs)
            return pd_call_fail(r,
                                "getsockopt: expected {l_onoff=%lld, l_linger=%lld}, actual "
                                "{l_onoff=%d, l_linger=%d}",
                                (long long)on, (long long)secs, got->l.l_onoff, got->l.l_linger);
        return 0;
    }
    const struct pd_expr *x = want->kind == PD_X_LIST && want->nitems == 1 ? &want->items[0] : want;
    if (x->kind == PD_X_ELLIPSIS) return 0;
    if (x->kind != PD_X_INT) return pd_fail(r, "getsockopt: cannot check this value");
    if (got->i == x->num) return 0;
    show_int((int)x->num, is_errno, a, sizeof a);
    show_int(got->i, is_errno, b, sizeof b);
    return pd_call_fail(r, "getsockopt: expected value %s, actual %s", a, b);
}

int pd_call_getsockopt(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    int64_t level, name, want_len = sizeof(int);
    if (pd_arg_fd(r, sc, 0, &fd) < 0 || pd_arg_int(r, sc, 1, &level) < 0 ||
        pd_arg_int(r, sc, 2, &name) < 0)
        return -1;
    bool check_len = !pd_arg_is(sc, 4, PD_X_ELLIPSIS);
    if (check_len && pd_arg_int(r, sc, 4, &want_len) < 0) return -1;
    union pd_optval val;
    memset(&val, 0, sizeof val);
    socklen_t len =
        want_len > 0 && (size_t)want_len <= sizeof val ? (socklen_t)want_len : sizeof val;
    *result = synack_sock_getsockopt(r->set, fd, (int)level, (int)name, &val, &len);
    if (*result < 0 || sc->ret != 0 || sc->nargs < 4) return 0;
    bool is_errno = level == SOL_SOCKET && name == SO_ERROR;
    if (check_value(r, &sc->args[3], &val, is_errno) < 0) return r->failed ? -1 : 0;
    if (check_len && (int64_t)len != want_len)
        return pd_call_fail(r, "getsockopt: expected length %lld, actual %u", (long long)want_len,
                            (unsigned)len);
    return 0;
}
