/* packetdrill runner — the system calls a script makes, played through the socket API
 * (include/synack/socket.h). Shared by the calls (syscall_*.c). */
#ifndef PD_SYSCALL_H
#define PD_SYSCALL_H

#include "run.h"

/* One call: its live result (>= 0, or a negative errno). A negative return of the function itself
 * means the script failed (bad arguments). */
typedef int (*pd_call_fn)(struct pd_run *r, const struct pd_syscall *sc, int64_t *result);

struct pd_call {
    const char *name;
    pd_call_fn fn;
    bool may_block;
};

/* The call of that name, or NULL. */
const struct pd_call *pd_call_find(const char *name);

/* Arguments: a number (also "[N]"), a script descriptor mapped to the live one. */
int pd_arg_int(struct pd_run *r, const struct pd_syscall *sc, size_t i, int64_t *v);
int pd_arg_fd(struct pd_run *r, const struct pd_syscall *sc, size_t i, int *fd);
bool pd_arg_is(const struct pd_syscall *sc, size_t i, enum pd_expr_kind kind);
struct pd_sock *pd_sock_by_script_fd(struct pd_run *r, int script_fd);

/* A failed expectation of a call: fails the script, or only notes it with --non_fatal=syscall. */
int pd_call_fail(struct pd_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* syscall_sockopt.c */
int pd_call_getsockopt(struct pd_run *r, const struct pd_syscall *sc, int64_t *result);
int pd_call_setsockopt(struct pd_run *r, const struct pd_syscall *sc, int64_t *result);
/* syscall_io.c: send and write, recv and read (a blocking send goes on from r->pending.done) */
int pd_call_send(struct pd_run *r, const struct pd_syscall *sc, int64_t *result);
int pd_call_recv(struct pd_run *r, const struct pd_syscall *sc, int64_t *result);
/* syscall_poll.c: poll with a timeout of 0 */
int pd_call_poll(struct pd_run *r, const struct pd_syscall *sc, int64_t *result);

#endif
