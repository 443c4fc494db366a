/* synack — BSD-style sockets over a stack.
 *
 * A socket set (struct synack_sockets) gives a stack's connections small integer descriptors and
 * the calls of the BSD socket API, with the host's constants (AF_INET, SOCK_STREAM, SOL_SOCKET,
 * SO_*, IPPROTO_TCP, TCP_*, O_NONBLOCK, MSG_*, POLL*) and sockaddr_in addresses. Each call
 * returns what its BSD namesake returns on success, and a negative errno on failure (DESIGN rule
 * 8), with the errno Linux and FreeBSD give: -EINPROGRESS, -EALREADY, -EISCONN, -ECONNREFUSED,
 * -ECONNRESET, -ETIMEDOUT, -ENOTCONN, -EPIPE, -EAGAIN, -EADDRINUSE, -EBADF, -EINVAL, ...
 *
 * Time comes from the set's clock function (DESIGN rule 2: passed in, never read here).
 *
 * Two modes:
 *   - single-threaded (threads = false): every socket behaves as non-blocking. A call on a
 *     blocking socket that would have to wait returns -EAGAIN (connect: -EINPROGRESS); the
 *     caller drives the stack (synack_stack_input/poll) and calls again.
 *   - threads = true: calls may come from any thread. A mutex guards the set and its stack, and
 *     a call on a blocking socket sleeps on a condition variable until the stack changes (never
 *     spins). The stack must then be driven only through synack_sockets_input() and
 *     synack_sockets_poll(), which take the mutex and wake the sleepers.
 */
#ifndef SYNACK_SOCKET_H
#define SYNACK_SOCKET_H

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <synack/conn.h>
#include <synack/stack.h>

/* What the host's headers hide under _POSIX_C_SOURCE, with Linux's values, and FreeBSD's
 * TCP_NOOPT (a value that collides with nothing of Linux's). */
#define SYNACK_SO_REUSEPORT 15     /* SO_REUSEPORT */
#define SYNACK_POLLRDHUP    0x2000 /* POLLRDHUP: the peer shut down its sending side */
#define SYNACK_TCP_NOOPT    0x5301 /* send no TCP options at all (FreeBSD's TCP_NOOPT) */
#define SYNACK_TCP_KEEPINIT 0x5302 /* seconds an open may take (FreeBSD's TCP_KEEPINIT) */
#ifndef TCP_SYNCNT
#define TCP_SYNCNT 7 /* Linux's: SYN retransmissions before an open fails */
#endif
#ifndef TCP_USER_TIMEOUT
#define TCP_USER_TIMEOUT 18 /* Linux's (RFC 5482): milliseconds data may wait for its ACK */
#endif

/* TCP_INFO's answer: the leading fields of Linux's struct tcp_info, in its layout. */
struct synack_tcp_info {
    uint8_t tcpi_state; /* Linux's numbering: TCP_ESTABLISHED 1 ... TCP_CLOSING 11 */
    uint8_t tcpi_ca_state, tcpi_retransmits, tcpi_probes, tcpi_backoff;
    uint8_t tcpi_options; /* 1 timestamps, 2 SACK, 4 window scale, 8 ECN */
    uint8_t tcpi_wscale;  /* send shift in the low 4 bits, receive shift in the high 4 */
    uint8_t tcpi_delivery_rate_app_limited;
    uint32_t tcpi_rto, tcpi_ato, tcpi_snd_mss, tcpi_rcv_mss; /* microseconds, bytes */
    uint32_t tcpi_unacked, tcpi_sacked, tcpi_lost, tcpi_retrans, tcpi_fackets;
    uint32_t tcpi_last_data_sent, tcpi_last_ack_sent, tcpi_last_data_recv, tcpi_last_ack_recv;
    uint32_t tcpi_pmtu, tcpi_rcv_ssthresh, tcpi_rtt, tcpi_rttvar, tcpi_snd_ssthresh;
    uint32_t tcpi_snd_cwnd, tcpi_advmss, tcpi_reordering; /* cwnd in segments */
};
#define SYNACK_TCPI_OPT_TIMESTAMPS 1
#define SYNACK_TCPI_OPT_SACK       2
#define SYNACK_TCPI_OPT_WSCALE     4
#define SYNACK_TCPI_OPT_ECN        8

typedef synack_time_t (*synack_clock_fn)(void *ctx);

struct synack_sockets_config {
    synack_clock_fn clock; /* required: the stack's time */
    void *clock_ctx;
    bool threads;         /* blocking calls sleep on condition variables (see above) */
    unsigned max_sockets; /* descriptors per set (default 1024) */
    int first_fd;         /* the lowest descriptor handed out (default 3, as after stdio) */
    /* Optional: called when a call made the set's next deadline earlier than the one
     * synack_sockets_next_deadline() last returned (a send arming a retransmission timer, a
     * poll with a timeout), so that a driver asleep until that older deadline wakes up and asks
     * again (write to an eventfd or a pipe, signal a condition variable). It runs with the
     * set's mutex held: it must not call into the set. */
    void (*wake)(void *ctx);
    void *wake_ctx;
};

struct synack_sockets;

/* NULL when out of memory or cfg has no clock. The set does not own the stack. */
struct synack_sockets *synack_sockets_new(struct synack_stack *stack,
                                          const struct synack_sockets_config *cfg);
/* Frees the set; connections still open are aborted (RST where the RFC says). No thread may
 * still be inside a call of the set. */
void synack_sockets_free(struct synack_sockets *set);
struct synack_stack *synack_sockets_stack(const struct synack_sockets *set);

/* Driving the stack in threads mode (in single-threaded mode they just call the stack), at the
 * set's clock. The next deadline also covers calls sleeping with a timeout (poll, SO_LINGER):
 * calling synack_sockets_poll() then wakes them. */
int synack_sockets_input(struct synack_sockets *set, int dev, const uint8_t *packet, size_t len);
/* Packets that arrived together, as synack_stack_input_batch (their ACKs after the last). */
int synack_sockets_input_batch(struct synack_sockets *set, int dev,
                               const struct synack_packet *packets, size_t n);
void synack_sockets_poll(struct synack_sockets *set);
synack_time_t synack_sockets_next_deadline(struct synack_sockets *set);
/* Hold the set's mutex around direct calls to the stack (no-ops without threads). */
void synack_sockets_lock(struct synack_sockets *set);
void synack_sockets_unlock(struct synack_sockets *set);

/* The calls. domain AF_INET, type SOCK_STREAM (optionally | SOCK_NONBLOCK), protocol 0 or
 * IPPROTO_TCP; anything else: -EAFNOSUPPORT, -EPROTONOSUPPORT, -EPROTOTYPE. */
int synack_socket(struct synack_sockets *set, int domain, int type, int protocol);
int synack_sock_bind(struct synack_sockets *set, int fd, const struct sockaddr *addr,
                     socklen_t len);
int synack_sock_listen(struct synack_sockets *set, int fd, int backlog);
/* addr/len may be NULL. Returns the new descriptor. */
int synack_sock_accept(struct synack_sockets *set, int fd, struct sockaddr *addr, socklen_t *len);
int synack_sock_connect(struct synack_sockets *set, int fd, const struct sockaddr *addr,
                        socklen_t len);
/* flags: MSG_DONTWAIT, MSG_NOSIGNAL (send; no signals are ever raised), MSG_PEEK and MSG_WAITALL
 * (recv). MSG_OOB on send: the data is urgent (RFC 9293 §3.8.5), the urgent pointer after its
 * last octet. Urgent data arrives in line, as with SO_OOBINLINE on Linux and the BSDs (RFC 6093
 * §5): recv with MSG_OOB is -EINVAL, a read stops before the urgent mark (the last urgent
 * octet), synack_sock_atmark() tells when the next octet is the mark, and poll reports POLLPRI
 * while the mark has arrived and is unread. */
ssize_t synack_sock_send(struct synack_sockets *set, int fd, const void *buf, size_t len,
                         int flags);
ssize_t synack_sock_recv(struct synack_sockets *set, int fd, void *buf, size_t len, int flags);
ssize_t synack_sock_write(struct synack_sockets *set, int fd, const void *buf, size_t len);
ssize_t synack_sock_read(struct synack_sockets *set, int fd, void *buf, size_t len);
/* sockatmark(3): 1 when the next octet read is the urgent mark, else 0; -EBADF. */
int synack_sock_atmark(struct synack_sockets *set, int fd);
/* how: SHUT_RD, SHUT_WR, SHUT_RDWR. */
int synack_sock_shutdown(struct synack_sockets *set, int fd, int how);
/* Releases the descriptor. SO_LINGER with l_linger 0 aborts (RST); with a positive l_linger a
 * blocking socket waits (threads mode) until the data is acknowledged or the time runs out. */
int synack_sock_close(struct synack_sockets *set, int fd);
/*
 * Options (level, name: value type):
 *   SOL_SOCKET  SO_ERROR (int, read and cleared), SO_TYPE, SO_ACCEPTCONN, SO_RCVBUF, SO_SNDBUF
 *               (int bytes), SO_REUSEADDR, SYNACK_SO_REUSEPORT, SO_KEEPALIVE (int bool),
 *               SO_LINGER (struct linger), SO_OOBINLINE (int bool: always 1; 0 is -EINVAL)
 *   IPPROTO_TCP TCP_NODELAY (int bool), TCP_MAXSEG (int bytes), TCP_KEEPIDLE, TCP_KEEPINTVL
 *               (int seconds), TCP_KEEPCNT (int), SYNACK_TCP_NOOPT (int bool),
 *               SYNACK_TCP_KEEPINIT (int seconds, 0 = no limit but the SYN retransmissions),
 *               TCP_USER_TIMEOUT (int milliseconds unacknowledged data may wait before
 *               ETIMEDOUT, 0 = no limit but the retransmissions; negative: -EINVAL),
 *               TCP_SYNCNT (int SYN retransmissions before ETIMEDOUT, 1 .. 127), the
 *               connection's R2 (RFC 9293 §3.8.3, MUST-21),
 *               TCP_INFO (struct synack_tcp_info, read only; a shorter buffer gets its start)
 * Unknown options: -ENOPROTOOPT; a short value: -EINVAL.
 */
int synack_sock_getsockopt(struct synack_sockets *set, int fd, int level, int name, void *val,
                           socklen_t *len);
int synack_sock_setsockopt(struct synack_sockets *set, int fd, int level, int name, const void *val,
                           socklen_t len);
/* F_GETFL (returns O_RDWR plus O_NONBLOCK when set) and F_SETFL (O_NONBLOCK honoured). */
int synack_sock_fcntl(struct synack_sockets *set, int fd, int cmd, int arg);
/* Readiness as poll(2): POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, SYNACK_POLLRDHUP, POLLNVAL.
 * timeout_ms 0 returns at once; otherwise (threads mode) it sleeps until ready or the time has
 * passed on the set's clock, -1 for ever. Without threads it always returns at once, as for 0.
 * Returns the number of descriptors with events. */
int synack_sock_poll(struct synack_sockets *set, struct pollfd *fds, nfds_t nfds, int timeout_ms);
int synack_sock_getsockname(struct synack_sockets *set, int fd, struct sockaddr *addr,
                            socklen_t *len);
int synack_sock_getpeername(struct synack_sockets *set, int fd, struct sockaddr *addr,
                            socklen_t *len);
/* The connection behind a descriptor (NULL before listen/connect), for STATUS and events; in
 * threads mode use it only between synack_sockets_lock and _unlock. The stack's event callback
 * runs with that lock held: it must not call the socket API. */
struct synack_conn *synack_sock_conn(struct synack_sockets *set, int fd);

#endif
