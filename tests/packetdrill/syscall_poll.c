/* packetdrill runner — poll([{fd=N, events=E, revents=R}, ...], nfds, 0): the readiness of each
 * descriptor checked against the revents the script expects. Only a timeout of 0: a waiting
 * poll would need the blocking machinery of the other calls. */
#include <string.h>

#include "syscall.h"

#define PD_MAX_POLL 16

static int field(struct pd_run *r, const struct pd_expr *s, const char *name, int64_t *v)
{
    for (size_t i = 0; i < s->nitems; i++) {
        const struct pd_expr *x = &s->items[i];
        if (!x->field || strcmp(x->field, name)) continue;
        if (x->kind != PD_X_INT) return pd_fail(r, "poll: %s is not a number", name);
        *v = x->num;
        return 0;
    }
    return pd_fail(r, "poll: a pollfd without %s", name);
}

int pd_call_poll(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int64_t nfds, timeout;
    if (sc->nargs != 3 || !pd_arg_is(sc, 0, PD_X_LIST))
        return pd_fail(r, "poll: expected ([{fd=, events=, revents=}, ...], nfds, timeout)");
    if (pd_arg_int(r, sc, 1, &nfds) < 0 || pd_arg_int(r, sc, 2, &timeout) < 0) return -1;
    const struct pd_expr *list = &sc->args[0];
    if (nfds < 0 || nfds > PD_MAX_POLL || (size_t)nfds != list->nitems)
        return pd_fail(r, "poll: nfds %lld for %zu pollfds", (long long)nfds, list->nitems);
    if (timeout != 0) return pd_fail(r, "poll: only a timeout of 0 is supported");
    struct pollfd p[PD_MAX_POLL];
    int64_t fd[PD_MAX_POLL], events = 0, want[PD_MAX_POLL];
    for (int64_t i = 0; i < nfds; i++) {
        const struct pd_expr *s = &list->items[i];
        if (s->kind != PD_X_STRUCT)
            return pd_fail(r, "poll: item %lld is not a struct", (long long)i);
        if (field(r, s, "fd", &fd[i]) < 0 || field(r, s, "events", &events) < 0 ||
            field(r, s, "revents", &want[i]) < 0)
            return -1;
        p[i] = (struct pollfd){.fd = fd[i] < 0 ? -1 : pd_live_fd(r, (int)fd[i]),
                               .events = (short)events};
    }
    *result = synack_sock_poll(r->set, p, (nfds_t)nfds, 0);
    for (int64_t i = 0; i < nfds; i++)
        if (p[i].revents != want[i])
            return pd_call_fail(r, "poll: fd %lld revents 0x%x, expected 0x%llx", (long long)fd[i],
                                (unsigned)p[i].revents, (unsigned long long)want[i]);
    return 0;
}
