/* packetdrill's shared-object interface, declared for synack.
 *
 * packetdrill (github.com/google/packetdrill) can test a TCP stack built as a shared object:
 * `packetdrill --so_filename=LIB.so --so_flags=FLAGS script.pkt` dlopen()s LIB.so, calls its
 * exported packetdrill_interface_init(FLAGS, &ifc) and then makes every socket call of the script
 * through ifc, injects the script's inbound packets with ifc.netdev_send, sniffs the stack's
 * outbound packets with ifc.netdev_receive, and keeps its own time with ifc.gettimeofday and
 * ifc.usleep. Packets both ways are bare IP packets (no link header).
 *
 * The struct below must match, member for member, `struct packetdrill_interface` in packetdrill's
 * gtests/net/packetdrill/packetdrill.h: it is the ABI between the two. Conventions there:
 *   - socket calls return what their libc namesakes return: -1 with errno on failure;
 *   - netdev_send returns 0, or -1 on error;
 *   - netdev_receive returns 0 with a packet in buf and its length in *count, or -1 when it has
 *     nothing; packetdrill calls it again and again until it gets a packet (returning 0 with
 *     *count 0 makes packetdrill fail the script: "IP header overflows packet");
 *   - userdata is handed back to every function; free(userdata) is called once at the end.
 * A call that a script marks as blocking (`+0...0.1 accept(...)`) runs on a second thread while
 * the first keeps injecting and sniffing packets; packetdrill decides that the call has blocked
 * when that thread's state in /proc is 'S' (sleeping).
 */
#ifndef SYNACK_PACKETDRILL_ABI_H
#define SYNACK_PACKETDRILL_ABI_H

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

struct packetdrill_interface {
    void *userdata;
    void (*free)(void *userdata);
    int (*socket)(void *userdata, int domain, int type, int protocol);
    int (*bind)(void *userdata, int fd, const struct sockaddr *addr, socklen_t len);
    int (*listen)(void *userdata, int fd, int backlog);
    int (*accept)(void *userdata, int fd, struct sockaddr *addr, socklen_t *len);
    int (*connect)(void *userdata, int fd, const struct sockaddr *addr, socklen_t len);
    ssize_t (*read)(void *userdata, int fd, void *buf, size_t count);
    ssize_t (*readv)(void *userdata, int fd, const struct iovec *iov, int iovcnt);
    ssize_t (*recv)(void *userdata, int fd, void *buf, size_t len, int flags);
    ssize_t (*recvfrom)(void *userdata, int fd, void *buf, size_t len, int flags,
                        struct sockaddr *src, socklen_t *srclen);
    ssize_t (*recvmsg)(void *userdata, int fd, struct msghdr *msg, int flags);
    ssize_t (*write)(void *userdata, int fd, const void *buf, size_t count);
    ssize_t (*writev)(void *userdata, int fd, const struct iovec *iov, int iovcnt);
    ssize_t (*send)(void *userdata, int fd, const void *buf, size_t len, int flags);
    ssize_t (*sendto)(void *userdata, int fd, const void *buf, size_t len, int flags,
                      const struct sockaddr *dst, socklen_t dstlen);
    ssize_t (*sendmsg)(void *userdata, int fd, const struct msghdr *msg, int flags);
    int (*fcntl)(void *userdata, int fd, int cmd, ...);
    int (*ioctl)(void *userdata, int fd, unsigned long request, ...);
    int (*close)(void *userdata, int fd);
    int (*shutdown)(void *userdata, int fd, int how);
    int (*getsockopt)(void *userdata, int fd, int level, int name, void *val, socklen_t *len);
    int (*setsockopt)(void *userdata, int fd, int level, int name, const void *val, socklen_t len);
    int (*poll)(void *userdata, struct pollfd *fds, nfds_t nfds, int timeout_ms);
    int (*netdev_send)(void *userdata, const void *buf, size_t count);
    int (*netdev_receive)(void *userdata, void *buf, size_t *count, long long *time_usecs);
    int (*usleep)(void *userdata, useconds_t usec);
    int (*gettimeofday)(void *userdata, struct timeval *tv, struct timezone *tz);
    int (*epoll_create)(void *userdata, int size);
    int (*epoll_ctl)(void *userdata, int epfd, int op, int fd, struct epoll_event *event);
    int (*epoll_wait)(void *userdata, int epfd, struct epoll_event *events, int maxevents,
                      int timeout_ms);
    int (*pipe)(void *userdata, int fds[2]);
    int (*splice)(void *userdata, int fd_in, loff_t *off_in, int fd_out, loff_t *off_out,
                  size_t len, unsigned int flags);
};

/* The one symbol the library exports. flags is --so_flags (NULL when not given). */
typedef void (*packetdrill_interface_init_t)(const char *flags, struct packetdrill_interface *ifc);
void packetdrill_interface_init(const char *flags, struct packetdrill_interface *ifc);

#endif
