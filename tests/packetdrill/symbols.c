/* packetdrill runner — the table of symbolic constants. */
#define _GNU_SOURCE /* TCP_KEEPIDLE and friends, SOCK_NONBLOCK, POLLRDHUP */
#include "symbols.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <synack/socket.h>

struct pd_symbol {
    const char *name;
    int64_t value;
};

#define SYM(x)                                                                                     \
    {                                                                                              \
#x, x                                                                                      \
    }

static const struct pd_symbol errnos[] = {
    SYM(EPERM),
    SYM(ENOENT),
    SYM(EINTR),
    SYM(EIO),
    SYM(EBADF),
    SYM(EAGAIN),
    {"EWOULDBLOCK", EWOULDBLOCK},
    SYM(ENOMEM),
    SYM(EACCES),
    SYM(EFAULT),
    SYM(EBUSY),
    SYM(EEXIST),
    SYM(EINVAL),
    SYM(ENFILE),
    SYM(EMFILE),
    SYM(ENOSPC),
    SYM(EPIPE),
    SYM(ENOTSOCK),
    SYM(EDESTADDRREQ),
    SYM(EMSGSIZE),
    SYM(EPROTOTYPE),
    SYM(ENOPROTOOPT),
    SYM(EPROTONOSUPPORT),
    SYM(EOPNOTSUPP),
    SYM(EAFNOSUPPORT),
    SYM(EADDRINUSE),
    SYM(EADDRNOTAVAIL),
    SYM(ENETDOWN),
    SYM(ENETUNREACH),
    SYM(ENETRESET),
    SYM(ECONNABORTED),
    SYM(ECONNRESET),
    SYM(ENOBUFS),
    SYM(EISCONN),
    SYM(ENOTCONN),
    SYM(ESHUTDOWN),
    SYM(ETIMEDOUT),
    SYM(ECONNREFUSED),
    SYM(EHOSTDOWN),
    SYM(EHOSTUNREACH),
    SYM(EALREADY),
    SYM(EINPROGRESS),
    SYM(ENOTSUP),
};

static const struct pd_symbol constants[] = {
    SYM(AF_INET),
    SYM(AF_INET6),
    SYM(AF_UNSPEC),
    SYM(PF_INET),
    SYM(PF_INET6),
    SYM(SOCK_STREAM),
    SYM(SOCK_DGRAM),
    SYM(SOCK_NONBLOCK),
    SYM(IPPROTO_IP),
    SYM(IPPROTO_IPV6),
    SYM(IPPROTO_TCP),
    SYM(IPPROTO_UDP),
    SYM(SOL_SOCKET),
    SYM(SO_REUSEADDR),
    SYM(SO_REUSEPORT),
    SYM(SO_RCVBUF),
    SYM(SO_SNDBUF),
    SYM(SO_ERROR),
    SYM(SO_KEEPALIVE),
    SYM(SO_LINGER),
    SYM(SO_TYPE),
    SYM(SO_ACCEPTCONN),
    SYM(SO_DEBUG),
    SYM(SO_OOBINLINE),
    SYM(TCP_NODELAY),
    SYM(TCP_MAXSEG),
    SYM(TCP_KEEPIDLE),
    SYM(TCP_KEEPINTVL),
    SYM(TCP_KEEPCNT),
    SYM(TCP_SYNCNT),
    SYM(TCP_USER_TIMEOUT),
    SYM(TCP_INFO),
    SYM(TCP_MD5SIG),
    {"TCP_NOOPT", SYNACK_TCP_NOOPT},
    {"TCP_KEEPINIT", SYNACK_TCP_KEEPINIT},
    SYM(IP_TOS),
    SYM(IP_TTL),
    SYM(IPV6_TCLASS),
    SYM(IPV6_UNICAST_HOPS),
    SYM(F_GETFL),
    SYM(F_SETFL),
    SYM(O_RDONLY),
    SYM(O_WRONLY),
    SYM(O_RDWR),
    SYM(O_NONBLOCK),
    SYM(MSG_PEEK),
    SYM(MSG_DONTWAIT),
    SYM(MSG_WAITALL),
    SYM(MSG_NOSIGNAL),
    SYM(MSG_OOB),
    SYM(SHUT_RD),
    SYM(SHUT_WR),
    SYM(SHUT_RDWR),
    SYM(POLLIN),
    SYM(POLLPRI),
    SYM(POLLOUT),
    SYM(POLLERR),
    SYM(POLLHUP),
    SYM(POLLRDHUP),
    SYM(POLLNVAL),
    /* DSCP class selectors (RFC 2474) as TOS bytes, as FreeBSD's <netinet/ip.h>. */
    {"IPTOS_DSCP_CS0", 0x00},
    {"IPTOS_DSCP_CS1", 0x20},
    {"IPTOS_DSCP_CS2", 0x40},
    {"IPTOS_DSCP_CS3", 0x60},
    {"IPTOS_DSCP_CS4", 0x80},
    {"IPTOS_DSCP_CS5", 0xa0},
    {"IPTOS_DSCP_CS6", 0xc0},
    {"IPTOS_DSCP_CS7", 0xe0},
    /* tcpi_state in Linux's numbering (TCP_INFO), under the names nplab's scripts use. */
    {"TCPI_ESTABLISHED", 1},
    {"TCPI_SYN_SENT", 2},
    {"TCPI_SYN_RECEIVED", 3},
    {"TCPI_FIN_WAIT_1", 4},
    {"TCPI_FIN_WAIT_2", 5},
    {"TCPI_TIME_WAIT", 6},
    {"TCPI_CLOSED", 7},
    {"TCPI_CLOSE_WAIT", 8},
    {"TCPI_LAST_ACK", 9},
    {"TCPI_LISTEN", 10},
    {"TCPI_CLOSING", 11},
    {"TCPI_OPT_TIMESTAMPS", 1},
    {"TCPI_OPT_SACK", 2},
    {"TCPI_OPT_WSCALE", 4},
    {"TCPI_OPT_ECN", 8},
};

static bool find(const struct pd_symbol *t, size_t n, const char *name, int64_t *value)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].name, name)) {
            *value = t[i].value;
            return true;
        }
    return false;
}

bool pd_symbol_lookup(const char *name, int64_t *value)
{
    return find(constants, sizeof constants / sizeof constants[0], name, value) ||
           find(errnos, sizeof errnos / sizeof errnos[0], name, value);
}

int pd_errno_lookup(const char *name)
{
    int64_t v;
    return find(errnos, sizeof errnos / sizeof errnos[0], name, &v) ? (int)v : 0;
}

const char *pd_errno_name(int err)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (errnos[i].value == err) return errnos[i].name;
    return NULL;
}
