/* libsynack_packetdrill.so — packetdrill_interface_init: one stack, one device, one socket set. */
#include "adapter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the virtual clock starts: packetdrill only ever looks at differences. */
#define PD_CLOCK_START SYNACK_SEC(1)

static void pd_free(void *ud)
{
    struct pd *pd = ud;
    if (!pd) return;
    if (pd->set) synack_sockets_free(pd->set);
    if (pd->stack) synack_stack_free(pd->stack);
    if (pd->q) pd_queue_free(pd);
    free(pd->q);
    pd_fds_free(pd);
    pthread_mutex_destroy(&pd->fd_lock);
    pthread_mutex_destroy(&pd->queue);
    pthread_mutex_destroy(&pd->drive);
    free(pd);
}

static struct pd *pd_new(const char *flags)
{
    struct pd *pd = calloc(1, sizeof(*pd));
    if (!pd) return NULL;
    pthread_mutex_init(&pd->drive, NULL);
    pthread_mutex_init(&pd->queue, NULL);
    pthread_mutex_init(&pd->fd_lock, NULL);
    pd_fds_init(pd);
    for (int i = 0; i < PD_MAX_CALLERS; i++)
        atomic_init(&pd->callers[i], 0);
    atomic_init(&pd->driver, 0);
    atomic_init(&pd->now, PD_CLOCK_START);
    atomic_init(&pd->have_local, false);
    atomic_init(&pd->warned_no_local, false);
    pd->q = calloc(PD_QUEUE_MAX, sizeof(*pd->q));
    if (!pd->q || pd_options_parse(&pd->opt, flags)) goto fail;

    pd->stack = synack_stack_new(&pd->opt.cfg);
    if (!pd->stack) goto fail;
    static const struct synack_device_ops ops = {.transmit = pd_transmit};
    pd->dev = synack_stack_add_device(pd->stack, &ops, pd, pd->opt.mtu);
    if (pd->dev < 0) goto fail;
    struct synack_sockets_config scfg = {.clock = pd_clock_read, .clock_ctx = pd, .threads = true};
    pd->set = synack_sockets_new(pd->stack, &scfg);
    if (!pd->set) goto fail;
    if (pd->opt.local.family == SYNACK_AF_INET) pd_learn_local(pd, &pd->opt.local);
    return pd;
fail:
    fprintf(stderr, "libsynack_packetdrill: cannot set up the stack\n");
    pd_free(pd);
    return NULL;
}

/* The library's one exported symbol (everything else is hidden: CMakeLists.txt, exports.map). */
__attribute__((visibility("default"))) void
packetdrill_interface_init(const char *flags, struct packetdrill_interface *ifc)
{
    memset(ifc, 0, sizeof(*ifc));
    struct pd *pd = pd_new(flags);
    if (!pd) exit(EXIT_FAILURE); /* packetdrill's init has no way to fail */
    ifc->userdata = pd;
    ifc->free = pd_free;
    pd_calls_fill(ifc);
    ifc->netdev_send = pd_netdev_send;
    ifc->netdev_receive = pd_netdev_receive;
    ifc->usleep = pd_usleep;
    ifc->gettimeofday = pd_gettimeofday;
}
