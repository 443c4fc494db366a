/* libsynack_packetdrill.so, tested as packetdrill uses it but without packetdrill: dlopen, then
 * packetdrill_interface_init, then conversations through netdev_send/netdev_receive with the
 * socket calls, blocking ones on a second thread (which must sleep until a packet wakes it).
 * Usage: test_packetdrill_so path/to/libsynack_packetdrill.so */
#include "packetdrill_abi.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d)\n", __FILE__, __LINE__, #cond,     \
                    errno);                                                                        \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

#define LOCAL  0xc0a80001u /* 192.168.0.1, given in --so_flags */
#define REMOTE 0xc0000201u /* 192.0.2.1, packetdrill's default remote */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static struct packetdrill_interface ifc;

/* ---- packets ---- */

struct seg {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    const uint8_t *payload;
    size_t payload_len;
    long long at; /* netdev_receive's time */
};

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1) sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint16_t tcp_checksum(const uint8_t *ip, const uint8_t *tcp, size_t tcp_len)
{
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0, pseudo[9] = IPPROTO_TCP;
    put16(pseudo + 10, (uint16_t)tcp_len);
    return fold(sum16(sum16(0, pseudo, 12), tcp, tcp_len));
}

/* An IPv4 packet holding one TCP segment (MSS option on a SYN), checksums filled in. */
static size_t build(uint8_t *buf, const struct seg *s)
{
    size_t opt = s->flags & TH_SYN ? 4 : 0, tcp_len = 20 + opt + s->payload_len;
    memset(buf, 0, 20 + tcp_len);
    buf[0] = 0x45;
    put16(buf + 2, (uint16_t)(20 + tcp_len));
    buf[8] = 64, buf[9] = IPPROTO_TCP;
    put32(buf + 12, s->src), put32(buf + 16, s->dst);
    put16(buf + 10, fold(sum16(0, buf, 20)));
    uint8_t *t = buf + 20;
    put16(t, s->sport), put16(t + 2, s->dport);
    put32(t + 4, s->seq), put32(t + 8, s->ack);
    t[12] = (uint8_t)((20 + opt) / 4 << 4), t[13] = s->flags;
    put16(t + 14, s->win);
    if (opt) t[20] = 2, t[21] = 4, put16(t + 22, 1460);
    if (s->payload_len) memcpy(t + 20 + opt, s->payload, s->payload_len);
    put16(t + 16, tcp_checksum(buf, t, tcp_len));
    return 20 + tcp_len;
}

/* Checks that buf is a well-formed IPv4/TCP packet with good checksums and reads it. */
static void parse(const uint8_t *buf, size_t len, struct seg *s)
{
    CHECK(len >= 40 && buf[0] >> 4 == 4 && buf[9] == IPPROTO_TCP);
    size_t ihl = (size_t)(buf[0] & 15) * 4;
    CHECK(get16(buf + 2) == len && fold(sum16(0, buf, ihl)) == 0);
    const uint8_t *t = buf + ihl;
    size_t tcp_len = len - ihl, off = (size_t)(t[12] >> 4) * 4;
    CHECK(off >= 20 && off <= tcp_len && tcp_checksum(buf, t, tcp_len) == 0);
    *s = (struct seg){.src = get32(buf + 12),
                      .dst = get32(buf + 16),
                      .sport = get16(t),
                      .dport = get16(t + 2),
                      .seq = get32(t + 4),
                      .ack = get32(t + 8),
                      .flags = t[13],
                      .win = get16(t + 14),
                      .payload = t + off,
                      .payload_len = tcp_len - off};
}

static void inject(const struct seg *s)
{
    uint8_t buf[1600];
    size_t len = build(buf, s);
    CHECK(ifc.netdev_send(ifc.userdata, buf, len) == 0);
}

static uint8_t rx[65536];

/* The next packet out of the stack, waiting (in virtual time) as packetdrill does. */
static void sniff(struct seg *s)
{
    for (int calls = 0; calls < 100000; calls++) {
        size_t count = sizeof(rx);
        long long at = 0;
        if (ifc.netdev_receive(ifc.userdata, rx, &count, &at) != 0) continue;
        CHECK(count > 0);
        parse(rx, count, s);
        s->at = at;
        return;
    }
    CHECK(!"a packet left the stack");
}

static void expect_nothing_queued(void)
{
    size_t count = sizeof(rx);
    long long at;
    CHECK(ifc.netdev_receive(ifc.userdata, rx, &count, &at) == -1);
}

static long long now_us(void)
{
    struct timeval tv;
    CHECK(ifc.gettimeofday(ifc.userdata, &tv, NULL) == 0);
    return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* ---- a blocking call on a second thread, as packetdrill makes it ---- */

struct blocking {
    pthread_t thread;
    int fd;
    _Atomic pid_t tid;
    _Atomic bool done;
    long result;
    int err;
    char buf[64];
};

static void *recv_thread(void *arg)
{
    struct blocking *b = arg;
    atomic_store(&b->tid, (pid_t)syscall(SYS_gettid));
    b->result = ifc.recv(ifc.userdata, b->fd, b->buf, sizeof(b->buf), 0);
    b->err = errno;
    atomic_store(&b->done, true);
    return NULL;
}

static void *accept_thread(void *arg)
{
    struct blocking *b = arg;
    atomic_store(&b->tid, (pid_t)syscall(SYS_gettid));
    b->result = ifc.accept(ifc.userdata, b->fd, NULL, NULL);
    b->err = errno;
    atomic_store(&b->done, true);
    return NULL;
}

/* packetdrill's test: the thread's state in /proc is 'S'. */
static bool sleeping(pid_t tid)
{
    char path[64], stat[512];
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    size_t n = fread(stat, 1, sizeof(stat) - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *paren = strrchr(stat, ')');
    return paren && paren[1] == ' ' && paren[2] == 'S';
}

/* Starts fn on a second thread and waits until it sleeps inside the library. */
static void start_blocking(struct blocking *b, int fd, void *(*fn)(void *))
{
    memset(b, 0, sizeof(*b));
    b->fd = fd;
    CHECK(pthread_create(&b->thread, NULL, fn, b) == 0);
    for (int ms = 0; ms < 5000; ms++) {
        CHECK(!atomic_load(&b->done)); /* it must block, not return */
        pid_t tid = atomic_load(&b->tid);
        /* Sleeping twice in a row, 1 ms apart: inside the call, not on its way in. */
        if (tid && sleeping(tid)) {
            nanosleep(&(struct timespec){0, 1000000}, NULL);
            if (sleeping(tid) && !atomic_load(&b->done)) return;
        }
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    CHECK(!"the blocking call went to sleep");
}

static void finish_blocking(struct blocking *b)
{
    CHECK(pthread_join(b->thread, NULL) == 0);
    CHECK(atomic_load(&b->done));
}

/* ---- the tests ---- */

static void test_clock(void)
{
    long long a = now_us(), b = now_us();
    CHECK(b > a); /* read repeatedly, the clock moves on */
    CHECK(ifc.usleep(ifc.userdata, 250000) == 0);
    long long c = now_us();
    CHECK(c - b >= 250000 && c - b < 251000);
    expect_nothing_queued();
}

static void test_errors(void)
{
    errno = 0;
    CHECK(ifc.close(ifc.userdata, 999) == -1 && errno == EBADF);
    errno = 0;
    CHECK(ifc.socket(ifc.userdata, AF_INET, SOCK_DGRAM, 0) == -1 && errno != 0);
    errno = 0;
    CHECK(ifc.epoll_create(ifc.userdata, 1) == -1 && errno == ENOSYS);
}

/* connect (non-blocking), SYN out, SYN,ACK in, ACK out, SO_ERROR 0; then a blocking recv on a
 * second thread sleeps until data arrives, and the data is acknowledged. */
static int test_active_open(void)
{
    int fd = ifc.socket(ifc.userdata, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK(fd >= 0 && fcntl(fd, F_GETFD) >= 0); /* a real descriptor stands for the socket */
    int fl = ifc.fcntl(ifc.userdata, fd, F_GETFL);
    CHECK(fl >= 0 && !(fl & O_NONBLOCK));
    CHECK(ifc.fcntl(ifc.userdata, fd, F_SETFL, fl | O_NONBLOCK) == 0);
    struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(8080)};
    peer.sin_addr.s_addr = htonl(REMOTE);
    errno = 0;
    CHECK(ifc.connect(ifc.userdata, fd, (struct sockaddr *)&peer, sizeof(peer)) == -1);
    CHECK(errno == EINPROGRESS);

    struct seg syn;
    sniff(&syn);
    CHECK(syn.src == LOCAL && syn.dst == REMOTE && syn.dport == 8080);
    CHECK(syn.flags == TH_SYN && syn.payload_len == 0);
    long long t_syn = syn.at;

    CHECK(ifc.usleep(ifc.userdata, 10000) == 0);
    inject(&(struct seg){.src = REMOTE,
                         .dst = LOCAL,
                         .sport = 8080,
                         .dport = syn.sport,
                         .seq = 1000,
                         .ack = syn.seq + 1,
                         .flags = TH_SYN | TH_ACK,
                         .win = 65535});
    struct seg ack;
    sniff(&ack);
    CHECK(ack.flags == TH_ACK && ack.seq == syn.seq + 1 && ack.ack == 1001);
    CHECK(ack.at - t_syn >= 10000); /* stamped with the time the stack sent it */

    int err = -1;
    socklen_t len = sizeof(err);
    CHECK(ifc.getsockopt(ifc.userdata, fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
    CHECK(err == 0 && len == sizeof(err));

    CHECK(ifc.fcntl(ifc.userdata, fd, F_SETFL, fl) == 0); /* blocking again */
    struct blocking b;
    start_blocking(&b, fd, recv_thread);
    inject(&(struct seg){.src = REMOTE,
                         .dst = LOCAL,
                         .sport = 8080,
                         .dport = syn.sport,
                         .seq = 1001,
                         .ack = syn.seq + 1,
                         .flags = TH_PSH | TH_ACK,
                         .win = 65535,
                         .payload = (const uint8_t *)"hello",
                         .payload_len = 5});
    finish_blocking(&b);
    CHECK(b.result == 5 && memcmp(b.buf, "hello", 5) == 0);

    long long t_data = now_us();
    sniff(&ack); /* a delayed ACK: netdev_receive moves the clock to its timer */
    CHECK(ack.flags == TH_ACK && ack.ack == 1006 && ack.at >= t_data);
    return fd;
}

/* A blocking accept on a second thread sleeps through the handshake and returns at its end. */
static void test_passive_open(void)
{
    int lfd = ifc.socket(ifc.userdata, AF_INET, SOCK_STREAM, 0);
    CHECK(lfd >= 0);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons(8080)};
    me.sin_addr.s_addr = htonl(LOCAL);
    CHECK(ifc.bind(ifc.userdata, lfd, (struct sockaddr *)&me, sizeof(me)) == 0);
    CHECK(ifc.listen(ifc.userdata, lfd, 1) == 0);

    struct blocking b;
    start_blocking(&b, lfd, accept_thread);
    inject(&(struct seg){.src = REMOTE,
                         .dst = LOCAL,
                         .sport = 40000,
                         .dport = 8080,
                         .seq = 5000,
                         .flags = TH_SYN,
                         .win = 65535});
    struct seg synack;
    sniff(&synack);
    CHECK(synack.flags == (TH_SYN | TH_ACK) && synack.ack == 5001 && synack.dport == 40000);
    CHECK(!atomic_load(&b.done));
    inject(&(struct seg){.src = REMOTE,
                         .dst = LOCAL,
                         .sport = 40000,
                         .dport = 8080,
                         .seq = 5001,
                         .ack = synack.seq + 1,
                         .flags = TH_ACK,
                         .win = 65535});
    finish_blocking(&b);
    CHECK(b.result >= 0 && b.result != lfd);

    char out[] = "world";
    CHECK(ifc.write(ifc.userdata, (int)b.result, out, 5) == 5);
    struct seg data;
    sniff(&data);
    CHECK(data.payload_len == 5 && memcmp(data.payload, "world", 5) == 0);
    CHECK(ifc.close(ifc.userdata, (int)b.result) == 0);
    CHECK(fcntl((int)b.result, F_GETFD) == -1); /* closed with it */
    /* packetdrill closes what a script leaves open with close(2) itself: that must work. */
    CHECK(close(lfd) == 0);
}

/* With nothing queued and nothing pending, netdev_receive gives up after the idle limit with an
 * empty packet (packetdrill then fails the script instead of waiting for ever). */
static void test_idle_limit(void *lib)
{
    packetdrill_interface_init_t init =
        (packetdrill_interface_init_t)dlsym(lib, "packetdrill_interface_init");
    struct packetdrill_interface quiet;
    init("local_ip=192.168.0.1 idle_limit_ms=100", &quiet);
    size_t count = sizeof(rx);
    long long at;
    int calls = 0;
    while (quiet.netdev_receive(quiet.userdata, rx, &count, &at) == -1) {
        CHECK(++calls < 1000);
        count = sizeof(rx);
    }
    CHECK(count == 0 && calls >= 90);
    quiet.free(quiet.userdata);
}

int main(int argc, char **argv)
{
    CHECK(argc == 2);
    /* packetdrill adds RTLD_NODELETE | RTLD_DEEPBIND; DEEPBIND does not mix with sanitizers. */
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) fprintf(stderr, "%s\n", dlerror());
    CHECK(lib);
    packetdrill_interface_init_t init =
        (packetdrill_interface_init_t)dlsym(lib, "packetdrill_interface_init");
    CHECK(init);
    CHECK(!dlsym(lib, "synack_socket") && !dlsym(lib, "pd_advance_to")); /* nothing else */

    init("--local_ip=192.168.0.1, mtu=1500", &ifc);
    void (**fn)(void) = (void (**)(void))((char *)&ifc + sizeof(void *));
    for (size_t i = 0; i < (sizeof(ifc) - sizeof(void *)) / sizeof(*fn); i++)
        CHECK(fn[i]);

    test_clock();
    test_errors();
    int fd = test_active_open();
    test_passive_open();
    CHECK(ifc.close(ifc.userdata, fd) == 0);
    ifc.free(ifc.userdata);
    test_idle_limit(lib);
    dlclose(lib);
    printf("ok: libsynack_packetdrill.so\n");
    return 0;
}
