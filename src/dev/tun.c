/* dev — a Linux TUN device (IFF_TUN | IFF_NO_PI): one bare IPv4 packet per read() and write(),
 * non-blocking. Configured with the classic interface ioctls on an AF_INET socket (MTU, address,
 * netmask, flags), so nothing beyond libc is needed. Elsewhere every call says -EOPNOTSUPP. */
#ifdef __linux__
#define _DEFAULT_SOURCE /* struct ifreq, IFF_UP in <net/if.h> */
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <synack/tun.h>

const char *synack_tun_strerror(int err)
{
    switch (-err) {
    case 0: return "success";
    case ENOENT: return "no /dev/net/tun: the kernel has no TUN driver (try 'modprobe tun')";
    case EACCES: return "permission denied opening /dev/net/tun (run as root)";
    case EPERM: return "operation not permitted: a TUN device needs CAP_NET_ADMIN (run as root)";
    case EBUSY:
        return "the name is in use by another device (not a TUN device, or one that another "
               "process holds)";
    case ENAMETOOLONG: return "the interface name is empty or longer than 15 bytes";
    case EINVAL: return "invalid argument";
    case EOPNOTSUPP: return "TUN devices are supported on Linux only";
    case EIO: return "the TUN device is gone or down";
    default: return strerror(-err);
    }
}

void synack_tun_config_init(struct synack_tun_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = SYNACK_TUN_DEFAULT_NAME;
    cfg->configure = true;
    cfg->host_addr = synack_addr_v4(10, 7, 0, 1);
    cfg->host_prefix = 24;
    cfg->mtu = 1500;
}

int synack_tun_transmit(void *tun, const uint8_t *packet, size_t len, synack_time_t now)
{
    (void)now;
    return synack_tun_write(tun, packet, len);
}

void synack_tun_mac(const struct synack_tun *tun, uint8_t mac[6])
{
    /* 02:53:59: locally administered, unicast (IEEE 802); the rest from the device's name. */
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = synack_tun_name(tun); *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    const uint8_t m[6] = {0x02, 0x53, 0x59, (uint8_t)(h >> 16), (uint8_t)(h >> 8), (uint8_t)h};
    memcpy(mac, m, 6);
}

int synack_tun_attach(struct synack_tun *tun, struct synack_stack *stack)
{
    if (!tun || !stack) return -EINVAL;
    static const struct synack_device_ops ops = {.transmit = synack_tun_transmit};
    if (!synack_tun_is_tap(tun))
        return synack_stack_add_device(stack, &ops, tun, synack_tun_mtu(tun));
    uint8_t mac[6];
    synack_tun_mac(tun, mac);
    return synack_stack_add_ether_device(stack, &ops, tun, synack_tun_mtu(tun), mac);
}

#ifdef __linux__

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct synack_tun {
    int fd;
    bool created, tap;
    uint16_t mtu;
    char name[IFNAMSIZ];
    struct synack_tun_stats stats;
};

/* A name the kernel takes: 1-15 bytes, no '/', no white space, not "." or "..". */
static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return false;
    for (const char *c = name; *c; c++)
        if (*c == '/' || *c == ' ' || *c == '\t' || *c == '\n') return false;
    return true;
}

static int open_clone_device(void)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) return fd;
    if (errno == ENXIO || errno == ENODEV) return -ENOENT; /* a node without a driver */
    return -errno;
}

/* TUNSETIFF: attach fd to the device `name`, creating it if it does not exist. */
static int attach(struct synack_tun *t, const char *name)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = (short)((t->tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI);
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    bool existed = strchr(name, '%') == NULL && if_nametoindex(name) != 0;
    if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
        int err = errno;
        /* An existing device of another kind (or a TAP device) is refused with EINVAL. */
        if (err == EINVAL && existed) return -EBUSY;
        return -err;
    }
    t->created = !existed;
    snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
    return 0;
}

static void ifr_for(struct ifreq *ifr, const struct synack_tun *t)
{
    memset(ifr, 0, sizeof(*ifr));
    snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", t->name);
}

static void put_in_addr(struct sockaddr *sa, const uint8_t bytes[4])
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    memcpy(&sin.sin_addr, bytes, 4);
    memcpy(sa, &sin, sizeof(sin));
}

static int ioctl_err(int sock, unsigned long req, struct ifreq *ifr)
{
    return ioctl(sock, req, ifr) < 0 ? -errno : 0;
}

/* The device speaks IPv4 only: keep the kernel from sending IPv6 router and multicast listener
 * solicitations onto it. Best effort (there may be no IPv6 at all). */
static void disable_ipv6(const struct synack_tun *t)
{
    char path[96];
    snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", t->name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = write(fd, "1\n", 2);
    (void)n;
    close(fd);
}

/* MTU, the kernel side's address and prefix, then up. */
static int configure(struct synack_tun *t, const struct synack_tun_config *cfg, int sock)
{
    struct ifreq ifr;
    ifr_for(&ifr, t);
    ifr.ifr_mtu = t->mtu;
    int err = ioctl_err(sock, SIOCSIFMTU, &ifr);
    if (err) return err;
    disable_ipv6(t);
    ifr_for(&ifr, t);
    put_in_addr(&ifr.ifr_addr, cfg->host_addr.bytes);
    if ((err = ioctl_err(sock, SIOCSIFADDR, &ifr))) return err;
    uint32_t mask = cfg->host_prefix ? 0xffffffffu << (32 - cfg->host_prefix) : 0;
    uint8_t m[4] = {(uint8_t)(mask >> 24), (uint8_t)(mask >> 16), (uint8_t)(mask >> 8),
                    (uint8_t)mask};
    ifr_for(&ifr, t);
    put_in_addr(&ifr.ifr_netmask, m);
    if ((err = ioctl_err(sock, SIOCSIFNETMASK, &ifr))) return err;
    ifr_for(&ifr, t);
    if ((err = ioctl_err(sock, SIOCGIFFLAGS, &ifr))) return err;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ioctl_err(sock, SIOCSIFFLAGS, &ifr);
}

static int read_mtu(struct synack_tun *t, int sock)
{
    struct ifreq ifr;
    ifr_for(&ifr, t);
    int err = ioctl_err(sock, SIOCGIFMTU, &ifr);
    if (err) return err;
    t->mtu = ifr.ifr_mtu > 65535 ? 65535 : (uint16_t)ifr.ifr_mtu;
    return 0;
}

static int setup(struct synack_tun *t, const struct synack_tun_config *cfg)
{
    int err = attach(t, cfg->name ? cfg->name : SYNACK_TUN_DEFAULT_NAME);
    if (err) return err;
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return -errno;
    t->mtu = cfg->mtu;
    if (cfg->configure)
        err = configure(t, cfg, sock);
    else if (!cfg->mtu)
        err = read_mtu(t, sock);
    close(sock);
    return err;
}

int synack_tun_open(const struct synack_tun_config *cfg, struct synack_tun **out)
{
    if (!cfg || !out) return -EINVAL;
    *out = NULL;
    const char *name = cfg->name ? cfg->name : SYNACK_TUN_DEFAULT_NAME;
    if (!name_ok(name)) return -ENAMETOOLONG;
    if (cfg->configure &&
        (cfg->host_addr.family != SYNACK_AF_INET || cfg->host_prefix > 32 || cfg->mtu < 68))
        return -EINVAL;
    struct synack_tun *t = calloc(1, sizeof(*t));
    if (!t) return -ENOMEM;
    t->tap = cfg->tap;
    t->fd = open_clone_device();
    if (t->fd < 0) {
        int err = t->fd;
        free(t);
        return err;
    }
    int err = setup(t, cfg);
    if (err) {
        synack_tun_close(t);
        return err;
    }
    *out = t;
    return 0;
}

void synack_tun_close(struct synack_tun *t)
{
    if (!t) return;
    if (t->fd >= 0) close(t->fd); /* a device we created is not persistent: it goes now */
    free(t);
}

int synack_tun_fd(const struct synack_tun *t)
{
    return t->fd;
}

const char *synack_tun_name(const struct synack_tun *t)
{
    return t->name;
}

uint16_t synack_tun_mtu(const struct synack_tun *t)
{
    return t->mtu;
}

bool synack_tun_created(const struct synack_tun *t)
{
    return t->created;
}

bool synack_tun_is_tap(const struct synack_tun *t)
{
    return t->tap;
}

const struct synack_tun_stats *synack_tun_stats(const struct synack_tun *t)
{
    return &t->stats;
}

ssize_t synack_tun_read(struct synack_tun *t, uint8_t *buf, size_t len)
{
    for (;;) {
        ssize_t n = read(t->fd, buf, len);
        if (n >= 0) {
            t->stats.rx_packets++;
            t->stats.rx_bytes += (uint64_t)n;
            /* The driver cuts a packet to the buffer and says so with the length it had. */
            if ((size_t)n > len) {
                t->stats.rx_truncated++;
                n = (ssize_t)len;
            }
            return n;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return -EAGAIN;
        t->stats.rx_errors++;
        return -errno;
    }
}

int synack_tun_write(struct synack_tun *t, const uint8_t *packet, size_t len)
{
    for (;;) {
        ssize_t n = write(t->fd, packet, len);
        if (n >= 0) {
            t->stats.tx_packets++;
            t->stats.tx_bytes += len;
            return 0;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            t->stats.tx_dropped++; /* as a full queue: the stack retransmits */
            return 0;
        }
        t->stats.tx_errors++;
        return -errno;
    }
}

#else /* not Linux */

struct synack_tun {
    int unused;
};

int synack_tun_open(const struct synack_tun_config *cfg, struct synack_tun **out)
{
    (void)cfg;
    if (out) *out = NULL;
    return -EOPNOTSUPP;
}

void synack_tun_close(struct synack_tun *t)
{
    free(t);
}

int synack_tun_fd(const struct synack_tun *t)
{
    (void)t;
    return -1;
}

const char *synack_tun_name(const struct synack_tun *t)
{
    (void)t;
    return "";
}

uint16_t synack_tun_mtu(const struct synack_tun *t)
{
    (void)t;
    return 0;
}

bool synack_tun_created(const struct synack_tun *t)
{
    (void)t;
    return false;
}

bool synack_tun_is_tap(const struct synack_tun *t)
{
    (void)t;
    return false;
}

const struct synack_tun_stats *synack_tun_stats(const struct synack_tun *t)
{
    (void)t;
    static const struct synack_tun_stats none;
    return &none;
}

ssize_t synack_tun_read(struct synack_tun *t, uint8_t *buf, size_t len)
{
    (void)t, (void)buf, (void)len;
    return -EOPNOTSUPP;
}

int synack_tun_write(struct synack_tun *t, const uint8_t *packet, size_t len)
{
    (void)t, (void)packet, (void)len;
    return -EOPNOTSUPP;
}

#endif
