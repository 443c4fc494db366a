/* packetdrill runner — moving data: send/write of zeros (what packetdrill writes) and
 * recv/read into a scratch buffer. */
#include <stdlib.h>
#include <string.h>

#include "syscall.h"

#define PD_MAX_IO (16u << 20)

static int io_args(struct pd_run *r, const struct pd_syscall *sc, int *fd, int64_t *len,
                   int64_t *flags)
{
    bool has_flags = !strcmp(sc->name, "send") || !strcmp(sc->name, "recv");
    *flags = 0;
    if (pd_arg_fd(r, sc, 0, fd) < 0 || pd_arg_int(r, sc, 2, len) < 0) return -1;
    if (has_flags && pd_arg_int(r, sc, 3, flags) < 0) return -1;
    if (*len < 0 || *len > PD_MAX_IO)
        return pd_fail(r, "%s: length %lld out of range", sc->name, (long long)*len);
    return 0;
}

int pd_call_send(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    int64_t len, flags;
    if (io_args(r, sc, &fd, &len, &flags) < 0) return -1;
    size_t done = r->pending.ev && r->pending.ev->syscall == sc ? r->pending.done : 0;
    uint8_t *buf = calloc(1, (size_t)len + 1);
    if (!buf) return pd_fail(r, "out of memory");
    ssize_t n = !strcmp(sc->name, "write")
                    ? synack_sock_write(r->set, fd, buf, (size_t)len - done)
                    : synack_sock_send(r->set, fd, buf, (size_t)len - done, (int)flags);
    free(buf);
    *result = n < 0 ? n : (int64_t)(done + (size_t)n);
    return 0;
}

int pd_call_recv(struct pd_run *r, const struct pd_syscall *sc, int64_t *result)
{
    int fd;
    int64_t len, flags;
    if (io_args(r, sc, &fd, &len, &flags) < 0) return -1;
    uint8_t *buf = malloc((size_t)len + 1);
    if (!buf) return pd_fail(r, "out of memory");
    *result = !strcmp(sc->name, "read")
                  ? synack_sock_read(r->set, fd, buf, (size_t)len)
                  : synack_sock_recv(r->set, fd, buf, (size_t)len, (int)flags);
    free(buf);
    return 0;
}
