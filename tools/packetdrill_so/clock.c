/* libsynack_packetdrill.so — the virtual clock that packetdrill and the stack share. */
#include "adapter.h"

#include <sched.h>

synack_time_t pd_clock_read(void *ctx)
{
    struct pd *pd = ctx;
    return atomic_load(&pd->now);
}

/* The set's next deadline covers the stack's timers and the calls sleeping with a timeout
 * (poll, SO_LINGER): polling at each deadline fires the one and wakes the other. The clock stops
 * at each deadline until what the poll woke has run (pd_settle), so that a woken call reads the
 * time it was woken at. A woken call withdraws its deadline only when it runs: a deadline that
 * does not move after its poll is left behind. */
void pd_advance_to(struct pd *pd, synack_time_t target)
{
    synack_time_t last = SYNACK_TIME_NEVER;
    for (;;) {
        pthread_mutex_lock(&pd->drive);
        synack_time_t due = synack_sockets_next_deadline(pd->set);
        bool fire = due <= target && due != last;
        if (fire) {
            if (due > atomic_load(&pd->now)) atomic_store(&pd->now, due);
            synack_sockets_poll(pd->set);
            last = due;
        } else if (target > atomic_load(&pd->now)) {
            atomic_store(&pd->now, target);
        }
        pthread_mutex_unlock(&pd->drive);
        if (!fire) return;
        pd_settle(pd);
    }
}

int pd_gettimeofday(void *ud, struct timeval *tv, struct timezone *tz)
{
    struct pd *pd = ud;
    synack_time_t t = atomic_load(&pd->now);
    pd_advance_to(pd, t + pd->opt.step);
    if (tv) {
        tv->tv_sec = (time_t)(t / 1000000u);
        tv->tv_usec = (suseconds_t)(t % 1000000u);
    }
    if (tz) tz->tz_minuteswest = tz->tz_dsttime = 0;
    return 0;
}

int pd_usleep(void *ud, useconds_t usec)
{
    struct pd *pd = ud;
    pd_note_driver(pd);
    pd_settle(pd);
    pd_advance_to(pd, atomic_load(&pd->now) + SYNACK_USEC(usec));
    sched_yield(); /* let a blocked call that this woke run before packetdrill goes on */
    return 0;
}
