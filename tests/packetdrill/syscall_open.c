/* packetdrill runner — the calls that open and close: socket, bind, listen, accept, connect,
 * shutdown, close, fcntl. They also move the socket under test as packetdrill does: socket(),
 * listen() and connect() make their socket the one later packets belong to. */
#include <netinet/in.h>
#include <string.h>

#include "syscall.h"

static int call_socket(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int64_t domain = AF_INET, type, proto;
    if (!pd_arg_is(sc, 0, PD_X_ELLIPSIS) && pd_arg_int(r, sc, 0, &domain) < 0) return -1;
    if (pd_arg_int(r, sc, 1, &type) < 0 || pd_arg_int(r, sc, 2, &proto) < 0) return -1;
    *result = synack_socket(r->set, (int)domain, (int)type, (int)proto);
    if (*result < 0) return 0;
    struct pd_sock *s = pd_sock_new(r, PD_SOCK_NEW);
    if (!s) return pd_fail(r, "too many sockets");
    s->script_fd = (int)sc->ret;
    s->live_fd = (int)*result;
    r->sut = s;
    return 0;
}

static void sockaddr_of(const struct synack_addr *a, uint16_t port, struct sockaddr_in *sin)
{
    memset(sin, 0, sizeof(*sin));
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    memcpy(&sin->sin_addr, a->bytes, 4);
}

static int call_bind(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    if (pd_arg_fd(r, sc, 0, &fd) < 0) return -1;
    struct sockaddr_in sin;
    uint16_t port = (uint16_t)r->script->opts.bind_port;
    sockaddr_of(&r->local, port, &sin);
    *result = synack_sock_bind(r->set, fd, (const struct sockaddr *)&sin, sizeof sin);
    struct pd_sock *s = pd_sock_by_script_fd(r, (int)sc->args[0].num);
    if (*result == 0 && s) s->local_port = port;
    return 0;
}

static int call_listen(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    int64_t backlog;
    if (pd_arg_fd(r, sc, 0, &fd) < 0 || pd_arg_int(r, sc, 1, &backlog) < 0) return -1;
    *result = synack_sock_listen(r->set, fd, (int)backlog);
    struct pd_sock *s = pd_sock_by_script_fd(r, (int)sc->args[0].num);
    if (*result == 0 && s) {
        s->state = PD_SOCK_LISTENING;
        if (!s->local_port) s->local_port = (uint16_t)r->script->opts.bind_port;
        r->sut = s;
    }
    return 0;
}

/* The accepted descriptor belongs to the child the script's SYN made (the socket under test),
 * or to a socket of its own. */
static int call_accept(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    if (pd_arg_fd(r, sc, 0, &fd) < 0) return -1;
    *result = synack_sock_accept(r->set, fd, NULL, NULL);
    if (*result < 0) return 0;
    struct pd_sock *s = r->sut;
    if (!s || s->live_fd >= 0 || s->state < PD_SOCK_CHILD_SYN)
        s = pd_sock_new(r, PD_SOCK_CHILD_ACKED);
    if (!s) return pd_fail(r, "too many sockets");
    s->script_fd = (int)sc->ret;
    s->live_fd = (int)*result;
    return 0;
}

static int call_connect(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    if (pd_arg_fd(r, sc, 0, &fd) < 0) return -1;
    struct pd_sock *s = pd_sock_by_script_fd(r, (int)sc->args[0].num);
    if (s && s->state == PD_SOCK_NEW) {
        s->state = PD_SOCK_CONNECTING;
        s->remote_port = (uint16_t)r->script->opts.connect_port;
        s->local_port = 0;
        r->sut = s;
    }
    struct sockaddr_in sin;
    sockaddr_of(&r->remote, (uint16_t)r->script->opts.connect_port, &sin);
    *result = synack_sock_connect(r->set, fd, (const struct sockaddr *)&sin, sizeof sin);
    return 0;
}

static int call_close(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    if (pd_arg_fd(r, sc, 0, &fd) < 0) return -1;
    *result = synack_sock_close(r->set, fd);
    struct pd_sock *s = pd_sock_by_script_fd(r, (int)sc->args[0].num);
    if (*result == 0 && s) s->closed = true;
    return 0;
}

static int call_shutdown(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    int64_t how;
    if (pd_arg_fd(r, sc, 0, &fd) < 0 || pd_arg_int(r, sc, 1, &how) < 0) return -1;
    *result = synack_sock_shutdown(r->set, fd, (int)how);
    return 0;
}

static int call_fcntl(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    int64_t cmd, arg = 0;
    if (pd_arg_fd(r, sc, 0, &fd) < 0 || pd_arg_int(r, sc, 1, &cmd) < 0) return -1;
    if (sc->nargs > 2 && pd_arg_int(r, sc, 2, &arg) < 0) return -1;
    *result = synack_sock_fcntl(r->set, fd, (int)cmd, (int)arg);
    return 0;
}

static const struct pd_call calls[] = {
    {"socket", call_socket, false},
    {"bind", call_bind, false},
    {"listen", call_listen, false},
    {"accept", call_accept, true},
    {"connect", call_connect, true},
    {"close", call_close, false},
    {"shutdown", call_shutdown, false},
    {"fcntl", call_fcntl, false},
    {"getsockopt", pd_call_getsockopt, false},
    {"setsockopt", pd_call_setsockopt, false},
    {"send", pd_call_send, true},
    {"write", pd_call_send, true},
    {"recv", pd_call_recv, true},
    {"read", pd_call_recv, true},
    {"poll", pd_call_poll, false},
};

const struct pd_call *pd_call_find(const char *name)
{
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        if (!strcmp(calls[i].name, name)) return &calls[i];
    return NULL;
}
