/* api — the socket layer's internals: descriptors, the set, locking and waiting. */
#ifndef SY_API_SOCK_H
#define SY_API_SOCK_H

#include <pthread.h>
#include <synack/socket.h>

/* One descriptor. Before listen/connect it only holds what the calls set; then conn. */
struct sy_sock {
    bool used;
    unsigned gen;  /* which socket holds the slot: a sleeper checks it on waking */
    bool nonblock; /* O_NONBLOCK */
    bool reuseaddr, reuseport;
    bool bound;           /* local is set (bind, or implied by listen/connect) */
    bool listening;       /* conn is a listener */
    bool shut_rd;         /* SHUT_RD: reads return end of stream */
    bool connecting;      /* a connect was started and not yet reported (EALREADY) */
    bool failed;          /* the connection's error was reported: EPIPE, end of stream */
    struct linger linger; /* SO_LINGER */
    struct synack_endpoint local;
    struct synack_conn_params prm;
    struct synack_conn *conn;
};

/* A call sleeping with a deadline (poll's timeout, SO_LINGER): next_deadline() covers it. */
struct sy_waiter {
    synack_time_t deadline;
    struct sy_waiter *next;
};

struct synack_sockets {
    struct synack_stack *stack;
    struct synack_sockets_config cfg;
    struct sy_sock *socks; /* cfg.max_sockets entries; descriptor = cfg.first_fd + index */
    pthread_mutex_t mu;    /* threads mode only */
    pthread_cond_t cv;     /* broadcast whenever the stack may have changed */
    struct sy_waiter *waiters;
    unsigned gen;          /* the last generation handed out */
    synack_time_t told;    /* the deadline next_deadline() last gave the driver */
};

/* sockets.c */
synack_time_t sy_sock_now(struct synack_sockets *set);
/* The descriptor's socket, or NULL (EBADF). */
struct sy_sock *sy_sock_get(struct synack_sockets *set, int fd);
int sy_sock_alloc(struct synack_sockets *set); /* a free descriptor, or -EMFILE */
/* After a wait: the socket of fd if it is still the one of generation gen, else NULL (another
 * thread closed the descriptor meanwhile, perhaps reused: the sleeper answers EBADF). */
struct sy_sock *sy_sock_same(struct synack_sockets *set, int fd, unsigned gen);
void sy_sock_release(struct synack_sockets *set, int fd);
void sy_sock_lock(struct synack_sockets *set);
void sy_sock_unlock(struct synack_sockets *set);
void sy_sock_wake(struct synack_sockets *set);
/* Whether a call on so may sleep (threads mode, blocking socket, no MSG_DONTWAIT). */
bool sy_sock_may_block(const struct synack_sockets *set, const struct sy_sock *so, int flags);
/* Sleep until woken (the lock held); with a deadline on the set's clock, until then at most.
 * Returns false when the deadline has passed. */
bool sy_sock_wait(struct synack_sockets *set, synack_time_t deadline);

/* addr.c — sockaddr_in <-> endpoint */
int sy_sock_addr_in(const struct sockaddr *sa, socklen_t len, struct synack_endpoint *out);
void sy_sock_addr_out(const struct synack_endpoint *ep, struct sockaddr *sa, socklen_t *len);

/* sock_poll.c — the poll(2) events of one socket now */
short sy_sock_events(struct synack_sockets *set, const struct sy_sock *so);

#endif
