/* libsynack_packetdrill.so — synack behind packetdrill's shared-object interface.
 *
 * One stack with one raw IPv4 device stands where packetdrill's tun device would be. The stack is
 * driven only through a socket set in threads mode (include/synack/socket.h): packetdrill's main
 * thread injects packets (netdev_send -> synack_sockets_input) and moves time on; a call that the
 * script marks as blocking runs on packetdrill's second thread and sleeps on the set's condition
 * variable until a packet or a timer wakes it.
 *
 * Time is virtual (DESIGN rule 2): the library's gettimeofday and usleep are packetdrill's clock.
 * Each read moves the clock on by a small step (packetdrill spins on gettimeofday for the last
 * few microseconds before an event), usleep moves it on by the time asked, and netdev_receive,
 * when nothing is queued, jumps to the stack's next deadline: timers fire at their exact times,
 * and every outbound packet carries the time at which the stack sent it.
 *
 * Locks, always taken in this order: drive (moves the clock) -> the set's mutex (inside
 * synack_sockets_*) -> queue (the outbound packets). The clock itself is an atomic read so that
 * the stack may read it under the set's mutex. No lock is held while waiting for the other
 * thread (settle.c).
 */
#ifndef SYNACK_PD_ADAPTER_H
#define SYNACK_PD_ADAPTER_H

#include <pthread.h>
#include <stdatomic.h>

#include <synack/socket.h>

#include "packetdrill_abi.h"

struct pd_options {
    struct synack_config cfg; /* the stack's settings */
    struct synack_addr local; /* family NONE until known */
    unsigned prefix_len;
    uint16_t mtu;
    synack_time_t step;       /* added to the clock by every gettimeofday */
    synack_time_t idle_step;  /* added by an empty netdev_receive with no timer pending */
    synack_time_t idle_limit; /* so long with nothing queued and nothing pending: fail */
};

struct pd_packet {
    synack_time_t at;
    size_t len;
    uint8_t *data;
};

#define PD_QUEUE_MAX   4096 /* outbound packets waiting for packetdrill; more are dropped */
#define PD_MAX_FDS     4096 /* real descriptor numbers a socket may be handed out under */
#define PD_MAX_CALLERS 8    /* threads that make socket calls (packetdrill has two) */

struct pd {
    struct pd_options opt;
    struct synack_stack *stack;
    struct synack_sockets *set;
    int dev;

    _Atomic synack_time_t now;
    pthread_mutex_t drive;
    bool idle;                /* under drive: the last netdev_receive found nothing */
    synack_time_t idle_since; /* under drive */
    _Atomic bool have_local;
    _Atomic bool warned_no_local;

    _Atomic pid_t callers[PD_MAX_CALLERS]; /* thread ids, 0 = free (settle.c) */
    _Atomic pid_t driver;                  /* the thread that calls netdev_* and usleep */

    pthread_mutex_t fd_lock;
    int fd_map[PD_MAX_FDS]; /* real descriptor -> synack's, or -1 (fds.c) */

    pthread_mutex_t queue;
    struct pd_packet *q; /* ring of PD_QUEUE_MAX */
    size_t q_head, q_count;
    uint64_t q_dropped;
};

/* options.c: defaults, then packetdrill's own --local_ip/--netmask_ip/--mtu (read from
 * /proc/self/cmdline: packetdrill hands the library nothing but --so_flags), then the flags.
 * 0, or -EINVAL with a message on stderr. */
int pd_options_parse(struct pd_options *opt, const char *flags);

/* clock.c */
synack_time_t pd_clock_read(void *ctx);
/* Moves the clock to target (never back), firing each timer due on the way at its own time.
 * Takes drive itself. */
void pd_advance_to(struct pd *pd, synack_time_t target);
int pd_gettimeofday(void *ud, struct timeval *tv, struct timezone *tz);
int pd_usleep(void *ud, useconds_t usec);

/* netdev.c */
int pd_transmit(void *ctx, const uint8_t *packet, size_t len, synack_time_t now);
int pd_netdev_send(void *ud, const void *buf, size_t count);
int pd_netdev_receive(void *ud, void *buf, size_t *count, long long *time_usecs);
void pd_queue_free(struct pd *pd);
/* Gives the stack addr as its address unless it has one (the first bind to a specific address,
 * or the destination of the first packet injected, when no --local_ip was to be found). */
void pd_learn_local(struct pd *pd, const struct synack_addr *addr);

/* fds.c: the descriptors packetdrill sees are real ones held on /dev/null (see there). */
void pd_fds_init(struct pd *pd);
void pd_fds_free(struct pd *pd);
/* Hands out synack's descriptor sock under a new real descriptor; returns it or -errno. */
int pd_fd_new(struct pd *pd, int sock);
/* synack's descriptor behind fd, or -EBADF. */
int pd_fd_sock(struct pd *pd, int fd);
void pd_fd_release(struct pd *pd, int fd);

/* settle.c: a socket call notes its thread; pd_settle waits (a bounded while, in real time)
 * until no other such thread is running, so that a call woken by a packet or a timer returns
 * before the clock jumps. Call it before moving time on, holding no lock. */
void pd_note_caller(struct pd *pd);
void pd_note_driver(struct pd *pd);
void pd_settle(struct pd *pd);

/* calls.c: the socket calls, negative errno turned into -1 with errno. */
void pd_calls_fill(struct packetdrill_interface *ifc);

#endif
