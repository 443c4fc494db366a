/* packetdrill runner — running a call and checking what it returns. A call on a blocking socket
 * that would block (single-threaded mode answers -EAGAIN, connect -EINPROGRESS) stays pending,
 * tried again after every later event; its result is checked when it returns (packetdrill's
 * blocking calls start at their time and are checked when they return). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "symbols.h"
#include "syscall.h"

int pd_call_fail(struct pd_run *r, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!r->script->opts.non_fatal_syscall) return pd_fail(r, "%s", msg);
    pd_note(r, "line %d (non-fatal): %s", r->ev ? r->ev->line : 0, msg);
    return 0;
}

bool pd_arg_is(const struct pd_syscall *sc, size_t i, enum pd_expr_kind kind)
{
    return i < sc->nargs && sc->args[i].kind == kind;
}

int pd_arg_int(struct pd_run *r, const struct pd_syscall *sc, size_t i, int64_t *v)
{
    if (i >= sc->nargs) return pd_fail(r, "%s(): argument %zu missing", sc->name, i + 1);
    const struct pd_expr *x = &sc->args[i];
    if (x->kind == PD_X_LIST && x->nitems == 1) x = &x->items[0];
    if (x->kind == PD_X_SYMBOL)
        return pd_fail(r, "%s(): unknown symbol %s (not in synack's socket API)", sc->name,
                       x->name);
    if (x->kind != PD_X_INT)
        return pd_fail(r, "%s(): argument %zu must be a number", sc->name, i + 1);
    *v = x->num;
    return 0;
}

struct pd_sock *pd_sock_by_script_fd(struct pd_run *r, int script_fd)
{
    for (size_t i = r->nsocks; i-- > 0;)
        if (r->socks[i].script_fd == script_fd && !r->socks[i].closed) return &r->socks[i];
    return NULL;
}

int pd_live_fd(const struct pd_run *r, int script_fd)
{
    for (size_t i = r->nsocks; i-- > 0;)
        if (r->socks[i].script_fd == script_fd && !r->socks[i].closed) return r->socks[i].live_fd;
    return script_fd;
}

int pd_arg_fd(struct pd_run *r, const struct pd_syscall *sc, size_t i, int *fd)
{
    int64_t v;
    if (pd_arg_int(r, sc, i, &v) < 0) return -1;
    *fd = pd_live_fd(r, (int)v);
    return 0;
}

static void show_result(int64_t v, char *buf, size_t cap)
{
    const char *e = v < 0 ? pd_errno_name((int)-v) : NULL;
    if (v < 0)
        snprintf(buf, cap, "-1 %s", e ? e : "(unknown errno)");
    else
        snprintf(buf, cap, "%lld", (long long)v);
}

/* socket() and accept() return descriptors: any one will do, the script's is mapped to it. */
static int check_result(struct pd_run *r, const struct pd_syscall *sc, int64_t got)
{
    bool is_fd = !strcmp(sc->name, "socket") || !strcmp(sc->name, "accept");
    if (sc->ret_any) return 0;
    if (sc->ret == -1 ? (got < 0 && -got == sc->err) : (got == sc->ret || (is_fd && got >= 0)))
        return 0;
    char want[64], act[64];
    show_result(sc->ret == -1 ? -(int64_t)sc->err : sc->ret, want, sizeof want);
    show_result(got, act, sizeof act);
    return pd_call_fail(r, "%s() = %s, expected %s", sc->name, act, want);
}

static bool would_block(struct pd_run *r, const struct pd_syscall *sc, int64_t got)
{
    int64_t flags = 0;
    if (!strcmp(sc->name, "connect") ? got != -EINPROGRESS : got != -EAGAIN) return false;
    if ((!strcmp(sc->name, "send") || !strcmp(sc->name, "recv")) && sc->nargs > 3 &&
        sc->args[3].kind == PD_X_INT)
        flags = sc->args[3].num;
    int fd = pd_live_fd(r, (int)sc->args[0].num);
    int fl = synack_sock_fcntl(r->set, fd, F_GETFL, 0);
    return fl >= 0 && !(fl & O_NONBLOCK) && !(flags & MSG_DONTWAIT);
}

int pd_syscall(struct pd_run *r, const struct pd_event *ev)
{
    const struct pd_syscall *sc = ev->syscall;
    const struct pd_call *call = pd_call_find(sc->name);
    if (!call) return pd_fail(r, "unsupported system call %s()", sc->name);
    if (call->may_block && r->pending.ev)
        return pd_fail(r, "%s() while the blocking call of line %d has not returned", sc->name,
                       r->pending.ev->line);
    int64_t got = 0;
    if (call->fn(r, sc, &got) < 0 || r->failed) return -1;
    if (call->may_block && sc->nargs && would_block(r, sc, got)) {
        r->pending = (struct pd_pending){.ev = ev, .done = 0};
        return 0;
    }
    return check_result(r, sc, got);
}

/* A pending connect has returned once the socket is writable or failed: SO_ERROR says how. */
static bool connect_done(struct pd_run *r, const struct pd_syscall *sc, int64_t *got)
{
    int fd = pd_live_fd(r, (int)sc->args[0].num);
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    if (synack_sock_poll(r->set, &p, 1, 0) <= 0) return false;
    int err = 0;
    socklen_t len = sizeof err;
    synack_sock_getsockopt(r->set, fd, SOL_SOCKET, SO_ERROR, &err, &len);
    *got = err ? -err : 0;
    return true;
}

int pd_retry_pending(struct pd_run *r)
{
    const struct pd_event *ev = r->pending.ev, *cur = r->ev;
    const struct pd_syscall *sc = ev->syscall;
    int64_t got = 0;
    if (!strcmp(sc->name, "connect")) {
        if (!connect_done(r, sc, &got)) return 0;
    } else {
        r->ev = ev;
        int rc = pd_call_find(sc->name)->fn(r, sc, &got);
        r->ev = cur;
        if (rc < 0) return -1;
        if (would_block(r, sc, got)) return 0;
    }
    r->pending.ev = NULL;
    r->ev = ev;
    int rc = check_result(r, sc, got);
    r->ev = cur;
    return rc;
}
