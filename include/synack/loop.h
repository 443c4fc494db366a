/* synack — a real-time event loop for programs: poll() on the devices' fds and any others the
 * program registers, with the timeout the stacks' next deadline gives, on CLOCK_MONOTONIC.
 *
 * One turn of the loop:
 *   1. wait in poll() until an fd is ready or the earliest stack deadline comes (never longer
 *      than that, never a busy wait: the timeout is rounded up to the next millisecond);
 *   2. read up to SYNACK_LOOP_BATCH packets from each readable device into its stack;
 *   3. call the callback of each ready fd;
 *   4. run the timers of each stack whose deadline has come (synack_stack_poll);
 *   5. call the step function, where the program makes its calls (send, recv, accept, close):
 *      the stack's events have all been delivered by then.
 * Then the next deadline is taken afresh. Signals caught with synack_loop_catch_signal() reach
 * the loop through a pipe (the handler only write()s a byte, which is async-signal-safe) and are
 * handed to the signal callback at step 3; without one, the loop stops. */
#ifndef SYNACK_LOOP_H
#define SYNACK_LOOP_H

#include <synack/stack.h>
#include <synack/types.h>

struct synack_loop;

/* Packets read from a readable device in one turn, at most. */
#define SYNACK_LOOP_BATCH 64

/* CLOCK_MONOTONIC in microseconds: the loop's `now`. */
synack_time_t synack_loop_now(void);

struct synack_loop *synack_loop_new(void);
/* Frees the loop (not the stacks or fds registered with it); restores the signals it caught. */
void synack_loop_free(struct synack_loop *loop);

/* Receive one packet into buf: its length, -EAGAIN when none is waiting, or another negative
 * errno (counted, and the fd is left alone until the next turn). NULL means read(fd). */
typedef ssize_t (*synack_loop_recv_fn)(void *ctx, uint8_t *buf, size_t len);

/* Packets readable from fd go to `stack` as device `dev`; the loop also runs the stack's timers.
 * Several devices (of one stack or of several) may share a loop. */
int synack_loop_add_device(struct synack_loop *loop, struct synack_stack *stack, int dev, int fd,
                           synack_loop_recv_fn recv, void *ctx);

/* Another fd to wait on: fn(ctx, fd, revents, now) is called when poll() reports any of events
 * (POLLIN, POLLOUT) or an error or hang-up. Watching an fd again replaces its events and
 * callback; events 0 keeps the registration but waits for nothing, not even a hang-up. */
typedef void (*synack_loop_fd_fn)(void *ctx, int fd, short revents, synack_time_t now);
int synack_loop_watch(struct synack_loop *loop, int fd, short events, synack_loop_fd_fn fn,
                      void *ctx);
int synack_loop_unwatch(struct synack_loop *loop, int fd);

/* Called once per turn after the stacks have taken their packets and run their timers. */
typedef void (*synack_loop_step_fn)(void *ctx, synack_time_t now);
void synack_loop_set_step(struct synack_loop *loop, synack_loop_step_fn fn, void *ctx);

/* Catch signo (SIGINT, SIGTERM, ...): fn(ctx, signo, now) runs in the loop, outside the handler;
 * fn NULL stops the loop. One loop per process catches signals at a time (-EBUSY otherwise). */
typedef void (*synack_loop_signal_fn)(void *ctx, int signo, synack_time_t now);
int synack_loop_catch_signal(struct synack_loop *loop, int signo, synack_loop_signal_fn fn,
                             void *ctx);

/* Run turns until synack_loop_stop() or until `until` (SYNACK_TIME_NEVER: no limit). Returns 0
 * when stopped, -ETIMEDOUT when `until` came first, or a negative errno if poll() failed. */
int synack_loop_run(struct synack_loop *loop, synack_time_t until);
/* One turn, waiting at most until `until`. Returns 0 or a negative errno. */
int synack_loop_turn(struct synack_loop *loop, synack_time_t until);
/* Make run() return after the current turn; callable from any callback. */
void synack_loop_stop(struct synack_loop *loop);

struct synack_loop_stats {
    uint64_t turns;       /* times round the loop */
    uint64_t timeouts;    /* turns woken by a deadline, not by an fd */
    uint64_t packets_in;  /* packets handed to a stack */
    uint64_t full_reads;  /* batches that filled up (the device may have held more) */
    uint64_t recv_errors; /* recv errors other than -EAGAIN */
    uint64_t signals;     /* signals taken */
};
const struct synack_loop_stats *synack_loop_stats(const struct synack_loop *loop);

#endif
