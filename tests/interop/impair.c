/* interop-impair: netem's loss, delay and reordering, done in user space through NFQUEUE.
 *
 *   interop-impair QUEUE LOSS% REORDER% DELAY_US SEED
 *
 * The interop tests want `tc qdisc add dev TUN root netem loss 5% reorder 10% delay 1ms` on the
 * kernel side of the TUN device. Kernels built without sch_netem (CONFIG_NET_SCH_NETEM unset, as on
 * the machines here) cannot do that, so lib.sh falls back to this program: iptables sends the
 * packets of the TUN device to NFQUEUE number QUEUE and this program gives each its verdict the
 * way netem would treat it:
 *   - LOSS% of the packets are dropped;
 *   - of the others, REORDER% go at once and the rest are held DELAY_US microseconds, in order,
 *     so the ones that go at once overtake those held (netem's `reorder` with a `delay`).
 * A verdict given later is invisible to the sender: the kernel's TCP took the packet as sent when
 * it was queued, so a drop here is a loss on the wire, not a local error it would retry at once.
 * Draws come from SEED (xorshift64*), so a run can be repeated.
 *
 * It binds the queue, prints "ready" on stdout, and runs until SIGTERM or SIGINT; then it lets
 * every held packet go, prints its counts on stderr and exits 0. Only Linux netlink headers; no
 * library. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HELD_MAX 65536 /* more than the kernel queue holds (maxlen below) */
#define QUEUE_MAXLEN 16384

struct held {
    uint32_t id;
    uint64_t due_ns;
};

static struct held held[HELD_MAX];
static size_t held_head, held_count;
static volatile sig_atomic_t stop;
static int nl_fd;
static uint16_t queue_num;
static uint64_t rng_state;
static uint64_t n_packets, n_dropped, n_at_once, n_delayed;

static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: a draw in [0, 1). */
static double draw(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static void die(const char *what) {
    fprintf(stderr, "interop-impair: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* A netfilter netlink message: header, nfgenmsg, then attributes added with put_attr. */
struct msg {
    char buf[256];
    struct nlmsghdr *nlh;
};

static void msg_init(struct msg *m, uint16_t type) {
    memset(m->buf, 0, sizeof m->buf);
    m->nlh = (struct nlmsghdr *)m->buf;
    m->nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct nfgenmsg));
    m->nlh->nlmsg_type = (uint16_t)((NFNL_SUBSYS_QUEUE << 8) | type);
    m->nlh->nlmsg_flags = NLM_F_REQUEST;
    struct nfgenmsg *g = NLMSG_DATA(m->nlh);
    g->nfgen_family = AF_UNSPEC;
    g->version = NFNETLINK_V0;
    g->res_id = htons(queue_num);
}

static void put_attr(struct msg *m, uint16_t type, const void *data, size_t len) {
    struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(m->nlh->nlmsg_len));
    a->nla_type = type;
    a->nla_len = (uint16_t)(NLA_HDRLEN + len);
    memcpy((char *)a + NLA_HDRLEN, data, len);
    m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void msg_send(struct msg *m) {
    struct sockaddr_nl to = {.nl_family = AF_NETLINK};
    while (sendto(nl_fd, m->buf, m->nlh->nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) < 0) {
        if (errno != EINTR)
            die("sendto");
    }
}

/* A configuration command, acknowledged: the kernel answers with an error message carrying the
 * request's sequence number (error 0 = done). Other messages met meanwhile are skipped: packets
 * (given their verdict at exit: none are held then) and errors for verdicts on packets the kernel
 * has dropped already (ENOENT, when the device went away). */
static void config(const void *attr, uint16_t type, size_t len) {
    static uint32_t seq = 1000;
    struct msg m;
    msg_init(&m, NFQNL_MSG_CONFIG);
    m.nlh->nlmsg_flags |= NLM_F_ACK;
    m.nlh->nlmsg_seq = ++seq;
    put_attr(&m, type, attr, len);
    msg_send(&m);
    static char buf[1 << 16];
    for (;;) {
        ssize_t n = recv(nl_fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("recv (config)");
        size_t left = (size_t)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq != seq)
                continue;
            struct nlmsgerr *e = NLMSG_DATA(h);
            if (e->error != 0) {
                errno = -e->error;
                die("configuring the queue");
            }
            return;
        }
    }
}

static void verdict(uint32_t id, uint32_t v) {
    struct msg m;
    msg_init(&m, NFQNL_MSG_VERDICT);
    struct nfqnl_msg_verdict_hdr vh = {.verdict = htonl(v), .id = htonl(id)};
    put_attr(&m, NFQA_VERDICT_HDR, &vh, sizeof vh);
    msg_send(&m);
}

static void release_due(uint64_t now, int all) {
    while (held_count > 0 && (all || held[held_head].due_ns <= now)) {
        verdict(held[held_head].id, NF_ACCEPT);
        held_head = (held_head + 1) % HELD_MAX;
        held_count--;
    }
}

static void on_packet(uint32_t id, double loss, double reorder, uint64_t delay_ns) {
    n_packets++;
    if (draw() < loss) {
        n_dropped++;
        verdict(id, NF_DROP);
    } else if (delay_ns == 0 || draw() < reorder || held_count == HELD_MAX) {
        n_at_once++;
        verdict(id, NF_ACCEPT);
    } else {
        n_delayed++;
        held[(held_head + held_count) % HELD_MAX] = (struct held){id, now_ns() + delay_ns};
        held_count++;
    }
}

/* Every NFQNL_MSG_PACKET in one datagram from the kernel. */
static void on_datagram(const char *buf, size_t len, double loss, double reorder, uint64_t delay_ns) {
    for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if ((h->nlmsg_type & 0xff) != NFQNL_MSG_PACKET || h->nlmsg_type >> 8 != NFNL_SUBSYS_QUEUE)
            continue;
        const char *p = (const char *)NLMSG_DATA(h) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
        const char *end = (const char *)h + h->nlmsg_len;
        while (p + NLA_HDRLEN <= end) {
            const struct nlattr *a = (const struct nlattr *)p;
            if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
                break;
            if ((a->nla_type & NLA_TYPE_MASK) == NFQA_PACKET_HDR) {
                struct nfqnl_msg_packet_hdr ph;
                memcpy(&ph, p + NLA_HDRLEN, sizeof ph);
                on_packet(ntohl(ph.packet_id), loss, reorder, delay_ns);
                break;
            }
            p += NLA_ALIGN(a->nla_len);
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: interop-impair QUEUE LOSS%% REORDER%% DELAY_US SEED\n");
        return 2;
    }
    queue_num = (uint16_t)atoi(argv[1]);
    double loss = atof(argv[2]) / 100.0, reorder = atof(argv[3]) / 100.0;
    uint64_t delay_ns = strtoull(argv[4], NULL, 10) * 1000u;
    rng_state = strtoull(argv[5], NULL, 0) * 0x9E3779B97F4A7C15ull + 1;

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    if (nl_fd < 0)
        die("netlink socket");
    int rcvbuf = 16 << 20;
    if (setsockopt(nl_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(nl_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_nl local = {.nl_family = AF_NETLINK};
    if (bind(nl_fd, (struct sockaddr *)&local, sizeof local) < 0)
        die("netlink bind");

    struct nfqnl_msg_config_cmd bind_cmd = {.command = NFQNL_CFG_CMD_BIND, .pf = htons(AF_INET)};
    config(&bind_cmd, NFQA_CFG_CMD, sizeof bind_cmd);
    struct nfqnl_msg_config_params params = {.copy_range = htonl(0), .copy_mode = NFQNL_COPY_META};
    config(&params, NFQA_CFG_PARAMS, sizeof params);
    uint32_t maxlen = htonl(QUEUE_MAXLEN);
    config(&maxlen, NFQA_CFG_QUEUE_MAXLEN, sizeof maxlen);

    printf("ready\n");
    fflush(stdout);

    static char buf[1 << 16];
    while (!stop) {
        struct timespec timeout = {1, 0}, *tp = &timeout;
        if (held_count > 0) {
            uint64_t now = now_ns(), due = held[held_head].due_ns;
            uint64_t wait = due > now ? due - now : 0;
            timeout.tv_sec = (time_t)(wait / 1000000000u);
            timeout.tv_nsec = (long)(wait % 1000000000u);
        }
        struct pollfd pfd = {.fd = nl_fd, .events = POLLIN};
        int r = ppoll(&pfd, 1, tp, NULL);
        if (r < 0 && errno != EINTR)
            die("ppoll");
        if (r > 0) {
            ssize_t n = recv(nl_fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n < 0 && errno == ENOBUFS)
                fprintf(stderr, "interop-impair: netlink overrun: some packets stay queued\n");
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
                die("recv");
            else if (n > 0)
                on_datagram(buf, (size_t)n, loss, reorder, delay_ns);
        }
        release_due(now_ns(), 0);
    }
    release_due(0, 1);
    struct nfqnl_msg_config_cmd unbind = {.command = NFQNL_CFG_CMD_UNBIND, .pf = htons(AF_INET)};
    config(&unbind, NFQA_CFG_CMD, sizeof unbind);
    fprintf(stderr, "interop-impair: %llu packets: %llu dropped, %llu at once, %llu delayed\n",
            (unsigned long long)n_packets, (unsigned long long)n_dropped, (unsigned long long)n_at_once,
            (unsigned long long)n_delayed);
    return 0;
}
