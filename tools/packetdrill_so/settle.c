/* libsynack_packetdrill.so — letting a woken call finish before time jumps.
 *
 * A blocking call sleeps on packetdrill's second thread. A packet the first thread injects (or a
 * timer) wakes it, but it runs only when the scheduler gets to it; meanwhile the first thread
 * may already be asking for the next packet, and netdev_receive would jump the virtual clock to
 * the next deadline (a delayed ACK 40 ms on). The call would then read the clock after the jump
 * and seem to have returned late. So before a jump we wait, in real time and for a bounded
 * while, until every other thread that has called in is not running: sleeping in a call, or in
 * packetdrill waiting for its lock (after it has read the clock). This is the test packetdrill
 * itself uses to tell that a call has blocked: the thread's state in /proc is 'S'. Only the
 * driver (the thread that injects, sniffs and sleeps) waits; a call that reads the clock does not.
 */
#include "adapter.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PD_SETTLE_MAX_NS 1000000000LL /* give up waiting on a thread that keeps running */

static pid_t self_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

void pd_note_caller(struct pd *pd)
{
    pid_t tid = self_tid();
    for (int i = 0; i < PD_MAX_CALLERS; i++)
        if (atomic_load(&pd->callers[i]) == tid) return;
    for (int i = 0; i < PD_MAX_CALLERS; i++) {
        pid_t empty = 0;
        if (atomic_compare_exchange_strong(&pd->callers[i], &empty, tid)) return;
    }
}

/* The thread's state letter ('R', 'S', 'D', ...), or 0 when it is gone. */
static char thread_state(pid_t tid)
{
    char path[64], stat[512];
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(stat, 1, sizeof(stat) - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *paren = strrchr(stat, ')'); /* the name may hold spaces and parentheses */
    return paren && paren[1] == ' ' ? paren[2] : 0;
}

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void pd_note_driver(struct pd *pd)
{
    atomic_store(&pd->driver, self_tid());
}

void pd_settle(struct pd *pd)
{
    pid_t self = self_tid();
    if (self != atomic_load(&pd->driver)) return; /* only the driver waits for the others */
    long long give_up = mono_ns() + PD_SETTLE_MAX_NS;
    for (int i = 0; i < PD_MAX_CALLERS; i++) {
        pid_t tid = atomic_load(&pd->callers[i]);
        if (tid == 0 || tid == self) continue;
        char st;
        while ((st = thread_state(tid)) == 'R' && mono_ns() < give_up)
            sched_yield();
        if (st == 0) atomic_compare_exchange_strong(&pd->callers[i], &tid, 0);
    }
}
