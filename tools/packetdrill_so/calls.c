/* libsynack_packetdrill.so — the socket calls: synack's sockets behind packetdrill's interface.
 * synack returns a negative errno; packetdrill, like libc, wants -1 with errno set. Descriptors
 * are real ones standing for synack's (fds.c). The vectored and message forms gather into one
 * buffer so that a stream sees a single call. */
#include "adapter.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

static int ret(int r)
{
    if (r >= 0) return r;
    errno = -r;
    return -1;
}

static ssize_t ret_size(ssize_t r)
{
    if (r >= 0) return r;
    errno = (int)-r;
    return -1;
}

static struct synack_sockets *set_of(void *ud)
{
    return ((struct pd *)ud)->set;
}

/* synack's descriptor for fd; on a bad one the calling function returns -1 with EBADF. */
#define SOCK(ud, fd)                                                                               \
    pd_note_caller(ud);                                                                            \
    int sock = pd_fd_sock((ud), (fd));                                                             \
    if (sock < 0) return ret(sock)

/* A descriptor synack made (socket, accept) handed out under a real number. */
static int hand_out(void *ud, int sock)
{
    if (sock < 0) return ret(sock);
    int fd = pd_fd_new(ud, sock);
    if (fd < 0) synack_sock_close(set_of(ud), sock);
    return ret(fd);
}

static int pd_socket(void *ud, int domain, int type, int protocol)
{
    pd_note_caller(ud);
    return hand_out(ud, synack_socket(set_of(ud), domain, type, protocol));
}

static int pd_bind(void *ud, int fd, const struct sockaddr *addr, socklen_t len)
{
    SOCK(ud, fd);
    /* Without a --local_ip, the first address bound to becomes the stack's. */
    if (addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)addr;
        if (sin->sin_addr.s_addr != htonl(INADDR_ANY)) {
            struct synack_addr a = {.family = SYNACK_AF_INET};
            memcpy(a.bytes, &sin->sin_addr, 4);
            pd_learn_local(ud, &a);
        }
    }
    return ret(synack_sock_bind(set_of(ud), sock, addr, len));
}

static int pd_listen(void *ud, int fd, int backlog)
{
    SOCK(ud, fd);
    return ret(synack_sock_listen(set_of(ud), sock, backlog));
}

static int pd_accept(void *ud, int fd, struct sockaddr *addr, socklen_t *len)
{
    SOCK(ud, fd);
    return hand_out(ud, synack_sock_accept(set_of(ud), sock, addr, len));
}

static int pd_connect(void *ud, int fd, const struct sockaddr *addr, socklen_t len)
{
    SOCK(ud, fd);
    struct pd *pd = ud;
    if (!atomic_load(&pd->have_local) && !atomic_exchange(&pd->warned_no_local, true))
        fprintf(stderr, "libsynack_packetdrill: the stack has no address yet: give packetdrill "
                        "--local_ip=A.B.C.D (or --so_flags=local_ip=A.B.C.D)\n");
    return ret(synack_sock_connect(set_of(ud), sock, addr, len));
}

static ssize_t pd_read(void *ud, int fd, void *buf, size_t count)
{
    SOCK(ud, fd);
    return ret_size(synack_sock_read(set_of(ud), sock, buf, count));
}

static ssize_t pd_recv(void *ud, int fd, void *buf, size_t len, int flags)
{
    SOCK(ud, fd);
    return ret_size(synack_sock_recv(set_of(ud), sock, buf, len, flags));
}

static ssize_t pd_write(void *ud, int fd, const void *buf, size_t count)
{
    SOCK(ud, fd);
    return ret_size(synack_sock_write(set_of(ud), sock, buf, count));
}

static ssize_t pd_send(void *ud, int fd, const void *buf, size_t len, int flags)
{
    SOCK(ud, fd);
    return ret_size(synack_sock_send(set_of(ud), sock, buf, len, flags));
}

/* The bytes an iovec array describes, or -EINVAL. */
static ssize_t iov_total(const struct iovec *iov, int iovcnt)
{
    if (iovcnt < 0 || (iovcnt > 0 && !iov)) return -EINVAL;
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > (size_t)SSIZE_MAX - total) return -EINVAL;
        total += iov[i].iov_len;
    }
    return (ssize_t)total;
}

static ssize_t recv_iov(void *ud, int sock, const struct iovec *iov, int iovcnt, int flags)
{
    ssize_t total = iov_total(iov, iovcnt);
    if (total < 0) return total;
    uint8_t *buf = malloc(total ? (size_t)total : 1);
    if (!buf) return -ENOMEM;
    ssize_t n = synack_sock_recv(set_of(ud), sock, buf, (size_t)total, flags);
    for (ssize_t at = 0, i = 0; n > 0 && at < n; i++) {
        size_t piece = iov[i].iov_len < (size_t)(n - at) ? iov[i].iov_len : (size_t)(n - at);
        memcpy(iov[i].iov_base, buf + at, piece);
        at += (ssize_t)piece;
    }
    free(buf);
    return n;
}

static ssize_t send_iov(void *ud, int sock, const struct iovec *iov, int iovcnt, int flags)
{
    ssize_t total = iov_total(iov, iovcnt);
    if (total < 0) return total;
    uint8_t *buf = malloc(total ? (size_t)total : 1);
    if (!buf) return -ENOMEM;
    for (size_t at = 0, i = 0; at < (size_t)total; i++) {
        memcpy(buf + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    ssize_t n = synack_sock_send(set_of(ud), sock, buf, (size_t)total, flags);
    free(buf);
    return n;
}

static ssize_t pd_readv(void *ud, int fd, const struct iovec *iov, int iovcnt)
{
    SOCK(ud, fd);
    return ret_size(recv_iov(ud, sock, iov, iovcnt, 0));
}

static ssize_t pd_writev(void *ud, int fd, const struct iovec *iov, int iovcnt)
{
    SOCK(ud, fd);
    return ret_size(send_iov(ud, sock, iov, iovcnt, 0));
}

static ssize_t pd_recvfrom(void *ud, int fd, void *buf, size_t len, int flags, struct sockaddr *src,
                           socklen_t *srclen)
{
    SOCK(ud, fd);
    ssize_t n = synack_sock_recv(set_of(ud), sock, buf, len, flags);
    if (n >= 0 && src && srclen && synack_sock_getpeername(set_of(ud), sock, src, srclen) < 0)
        *srclen = 0;
    return ret_size(n);
}

static ssize_t pd_recvmsg(void *ud, int fd, struct msghdr *msg, int flags)
{
    SOCK(ud, fd);
    if (!msg) return ret_size(-EINVAL);
    ssize_t n = recv_iov(ud, sock, msg->msg_iov, (int)msg->msg_iovlen, flags);
    if (n >= 0) {
        if (msg->msg_name &&
            synack_sock_getpeername(set_of(ud), sock, msg->msg_name, &msg->msg_namelen) < 0)
            msg->msg_namelen = 0;
        msg->msg_controllen = 0; /* no ancillary data */
        msg->msg_flags = 0;
    }
    return ret_size(n);
}

/* A connected stream ignores the destination (as Linux's TCP does); TCP Fast Open is not here. */
static ssize_t pd_sendto(void *ud, int fd, const void *buf, size_t len, int flags,
                         const struct sockaddr *dst, socklen_t dstlen)
{
    SOCK(ud, fd);
    (void)dst, (void)dstlen;
#ifdef MSG_FASTOPEN
    if (flags & MSG_FASTOPEN) return ret_size(-EOPNOTSUPP);
#endif
    return ret_size(synack_sock_send(set_of(ud), sock, buf, len, flags));
}

static ssize_t pd_sendmsg(void *ud, int fd, const struct msghdr *msg, int flags)
{
    SOCK(ud, fd);
    if (!msg) return ret_size(-EINVAL);
#ifdef MSG_FASTOPEN
    if (flags & MSG_FASTOPEN) return ret_size(-EOPNOTSUPP);
#endif
    return ret_size(send_iov(ud, sock, msg->msg_iov, (int)msg->msg_iovlen, flags));
}

/* F_GETFL and F_SETFL as synack's; F_GETFD/F_SETFD: there is no exec to close on. */
static int pd_fcntl(void *ud, int fd, int cmd, ...)
{
    SOCK(ud, fd);
    int arg = 0;
    if (cmd == F_SETFL || cmd == F_SETFD) {
        va_list ap;
        va_start(ap, cmd);
        arg = va_arg(ap, int);
        va_end(ap);
    }
    if (cmd == F_GETFD || cmd == F_SETFD) {
        int r = synack_sock_fcntl(set_of(ud), sock, F_GETFL, 0);
        return ret(r < 0 ? r : 0);
    }
    return ret(synack_sock_fcntl(set_of(ud), sock, cmd, arg));
}

/* FIONBIO only, as fcntl(O_NONBLOCK). */
static int pd_ioctl(void *ud, int fd, unsigned long request, ...)
{
    SOCK(ud, fd);
    if (request != FIONBIO) return ret(-ENOTTY);
    va_list ap;
    va_start(ap, request);
    const int *on = va_arg(ap, const int *);
    va_end(ap);
    if (!on) return ret(-EFAULT);
    int flags = synack_sock_fcntl(set_of(ud), sock, F_GETFL, 0);
    if (flags < 0) return ret(flags);
    flags = *on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    return ret(synack_sock_fcntl(set_of(ud), sock, F_SETFL, flags));
}

static int pd_close(void *ud, int fd)
{
    SOCK(ud, fd);
    int r = synack_sock_close(set_of(ud), sock);
    pd_fd_release(ud, fd);
    return ret(r);
}

static int pd_shutdown(void *ud, int fd, int how)
{
    SOCK(ud, fd);
    return ret(synack_sock_shutdown(set_of(ud), sock, how));
}

static int pd_getsockopt(void *ud, int fd, int level, int name, void *val, socklen_t *len)
{
    SOCK(ud, fd);
    return ret(synack_sock_getsockopt(set_of(ud), sock, level, name, val, len));
}

static int pd_setsockopt(void *ud, int fd, int level, int name, const void *val, socklen_t len)
{
    SOCK(ud, fd);
    return ret(synack_sock_setsockopt(set_of(ud), sock, level, name, val, len));
}

/* poll on synack's descriptors: a number that stands for none gets POLLNVAL, a negative one is
 * ignored, as poll(2) does. */
static int pd_poll(void *ud, struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    pd_note_caller(ud);
    if (!fds && nfds) return ret(-EFAULT);
    struct pollfd *socks = malloc((nfds ? nfds : 1) * sizeof(*socks));
    if (!socks) return ret(-ENOMEM);
    for (nfds_t i = 0; i < nfds; i++) {
        int sock = fds[i].fd < 0 ? -1 : pd_fd_sock(ud, fds[i].fd);
        socks[i] = (struct pollfd){.fd = fds[i].fd < 0 ? -1
                                         : sock < 0    ? INT_MAX
                                                       : sock,
                                   .events = fds[i].events};
    }
    int r = synack_sock_poll(set_of(ud), socks, nfds, timeout_ms);
    for (nfds_t i = 0; i < nfds; i++)
        fds[i].revents = r < 0 ? 0 : socks[i].revents;
    free(socks);
    return ret(r);
}

/* Not offered: epoll, pipes and splice (scripts that use them fail with ENOSYS). */
static int pd_epoll_create(void *ud, int size)
{
    (void)ud, (void)size;
    return ret(-ENOSYS);
}

static int pd_epoll_ctl(void *ud, int epfd, int op, int fd, struct epoll_event *event)
{
    (void)ud, (void)epfd, (void)op, (void)fd, (void)event;
    return ret(-ENOSYS);
}

static int pd_epoll_wait(void *ud, int epfd, struct epoll_event *events, int maxevents,
                         int timeout_ms)
{
    (void)ud, (void)epfd, (void)events, (void)maxevents, (void)timeout_ms;
    return ret(-ENOSYS);
}

static int pd_pipe(void *ud, int fds[2])
{
    (void)ud, (void)fds;
    return ret(-ENOSYS);
}

static int pd_splice(void *ud, int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len,
                     unsigned int flags)
{
    (void)ud, (void)fd_in, (void)off_in, (void)fd_out, (void)off_out, (void)len, (void)flags;
    return ret(-ENOSYS);
}

void pd_calls_fill(struct packetdrill_interface *ifc)
{
    ifc->socket = pd_socket;
    ifc->bind = pd_bind;
    ifc->listen = pd_listen;
    ifc->accept = pd_accept;
    ifc->connect = pd_connect;
    ifc->read = pd_read;
    ifc->readv = pd_readv;
    ifc->recv = pd_recv;
    ifc->recvfrom = pd_recvfrom;
    ifc->recvmsg = pd_recvmsg;
    ifc->write = pd_write;
    ifc->writev = pd_writev;
    ifc->send = pd_send;
    ifc->sendto = pd_sendto;
    ifc->sendmsg = pd_sendmsg;
    ifc->fcntl = pd_fcntl;
    ifc->ioctl = pd_ioctl;
    ifc->close = pd_close;
    ifc->shutdown = pd_shutdown;
    ifc->getsockopt = pd_getsockopt;
    ifc->setsockopt = pd_setsockopt;
    ifc->poll = pd_poll;
    ifc->epoll_create = pd_epoll_create;
    ifc->epoll_ctl = pd_epoll_ctl;
    ifc->epoll_wait = pd_epoll_wait;
    ifc->pipe = pd_pipe;
    ifc->splice = pd_splice;
}
