/* synack — a Linux TUN device: IPv4 packets between the kernel and a stack.
 *
 * A TUN device is a network interface whose other end is a file descriptor: what the kernel
 * routes to the interface is read from the fd as a bare IPv4 packet (IFF_TUN | IFF_NO_PI), and
 * what is written to the fd enters the kernel as if it had arrived on the interface. The stack
 * sits at the fd's end with its own address (10.7.0.2, say) on the interface's subnet; the kernel
 * side of the interface has another (10.7.0.1/24).
 *
 * Calls return 0 (or a count) on success and a negative errno on failure; synack_tun_strerror()
 * says what the error means for a TUN device:
 *   -ENOENT   no /dev/net/tun (the kernel has no TUN driver, or the node is missing)
 *   -EPERM    creating or configuring a device needs CAP_NET_ADMIN
 *   -EBUSY    the name belongs to another kind of device, or to a TUN device someone else holds
 *   -EOPNOTSUPP on systems other than Linux.
 * Every fd is non-blocking and close-on-exec. */
#ifndef SYNACK_TUN_H
#define SYNACK_TUN_H

#include <synack/stack.h>
#include <synack/types.h>

struct synack_tun;

#define SYNACK_TUN_DEFAULT_NAME "synack0"

struct synack_tun_config {
    const char *name; /* interface name, at most 15 bytes (default "synack0"); the device is
                       * created if it does not exist and then disappears when it is closed */
    bool configure;   /* set the MTU, give the kernel side host_addr/host_prefix and bring the
                       * device up (default); false leaves the device as the user set it up */
    struct synack_addr host_addr; /* the kernel side's address (default 10.7.0.1) */
    unsigned host_prefix;         /* its prefix length: the route to the stack (default 24) */
    uint16_t mtu; /* largest IP packet (default 1500); without `configure`, 0 takes the
                   * device's own MTU */
    bool tap;     /* a TAP device (IFF_TAP): Ethernet frames, with ARP (RFC 826) in the stack,
                   * so that the device can sit on a bridge (default off: TUN, bare IPv4) */
};

void synack_tun_config_init(struct synack_tun_config *cfg);

/* Open (or create) the device and configure it as cfg says. */
int synack_tun_open(const struct synack_tun_config *cfg, struct synack_tun **out);
/* Close the fd: a device this process created disappears with it, with its address and route.
 * NULL is allowed. */
void synack_tun_close(struct synack_tun *tun);

int synack_tun_fd(const struct synack_tun *tun);
const char *synack_tun_name(const struct synack_tun *tun); /* the kernel's name for it */
uint16_t synack_tun_mtu(const struct synack_tun *tun);
bool synack_tun_created(const struct synack_tun *tun); /* made by synack_tun_open */
bool synack_tun_is_tap(const struct synack_tun *tun);  /* a TAP device: Ethernet frames */
/* The stack's Ethernet address on a TAP device (locally administered, from its name). */
void synack_tun_mac(const struct synack_tun *tun, uint8_t mac[6]);

/* One packet from the kernel into buf: its length, or -EAGAIN when none is waiting. A packet
 * longer than len is cut short (and counted as rx_truncated). */
ssize_t synack_tun_read(struct synack_tun *tun, uint8_t *buf, size_t len);
/* One packet to the kernel. When the device cannot take it now (-EAGAIN) it is dropped and
 * counted (tx_dropped), as a full interface queue would: TCP sends it again. Returns 0 then. */
int synack_tun_write(struct synack_tun *tun, const uint8_t *packet, size_t len);

/* A struct synack_device_ops transmit with the tun as ctx: synack_tun_write(). */
int synack_tun_transmit(void *tun, const uint8_t *packet, size_t len, synack_time_t now);
/* Add the tun to the stack as a device with its MTU (a TAP as an Ethernet device with a locally
 * administered address of its own); returns the device index or an error. */
int synack_tun_attach(struct synack_tun *tun, struct synack_stack *stack);

struct synack_tun_stats {
    uint64_t rx_packets, rx_bytes, rx_truncated, rx_errors;
    uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};
const struct synack_tun_stats *synack_tun_stats(const struct synack_tun *tun);

/* A sentence for an error of synack_tun_open() (and the other calls here). */
const char *synack_tun_strerror(int err);

#endif
