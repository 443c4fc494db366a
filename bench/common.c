/* bench — options, clocks, the data pattern and the report shared by the bulk benchmarks. */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#endif

/* An odd length, so the pattern lines up with neither segments nor application chunks. */
#define PATTERN_LEN ((size_t)(1u << 20) - 3)

static uint8_t *pattern; /* PATTERN_LEN bytes, then its first `pattern_chunk` bytes again */
static size_t pattern_chunk;

static void usage(const char *prog, int status)
{
    fprintf(status ? stderr : stdout,
            "usage: %s [options]\n"
            "  --bytes N          payload per run; suffixes K, M, G, T are powers of 1024 "
            "(default 4G)\n"
            "  --runs R           runs; each is printed, then the median (default 5)\n"
            "  --mtu M            largest IP packet on the in-memory link (default 1500)\n"
            "  --chunk C          bytes per application send/receive call (default 64K)\n"
            "  --sndbuf B         send buffer per connection (synack only; default 64K)\n"
            "  --rcvbuf B         receive buffer per connection (synack only; default 64K)\n"
            "  --timestamps on|off  RFC 7323 timestamps (synack only; default on)\n"
            "  --sack on|off      RFC 2018 SACK (synack only; default on)\n"
            "  --rx-in-place      verify lwIP's pbufs without copying them out (lwIP only)\n",
            prog);
    exit(status);
}

static uint64_t parse_size(const char *prog, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) usage(prog, 2);
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K': shift = 10; break;
    case 'm':
    case 'M': shift = 20; break;
    case 'g':
    case 'G': shift = 30; break;
    case 't':
    case 'T': shift = 40; break;
    case '\0': break;
    default: usage(prog, 2);
    }
    if (shift && strcmp(end + 1, "") != 0 && strcmp(end + 1, "i") != 0 &&
        strcmp(end + 1, "iB") != 0 && strcmp(end + 1, "B") != 0)
        usage(prog, 2);
    if (shift && v > (UINT64_MAX >> shift)) usage(prog, 2);
    return (uint64_t)v << shift;
}

static bool parse_onoff(const char *prog, const char *s)
{
    if (strcmp(s, "on") == 0) return true;
    if (strcmp(s, "off") == 0) return false;
    usage(prog, 2);
    return false;
}

void bench_parse(int argc, char **argv, const char *prog, struct bench_opts *o)
{
    *o = (struct bench_opts){.bytes = (uint64_t)4 << 30,
                             .runs = 5,
                             .mtu = 1500,
                             .chunk = 64 * 1024,
                             .sndbuf = 64 * 1024,
                             .rcvbuf = 64 * 1024,
                             .timestamps = true,
                             .sack = true};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) usage(prog, 0);
        if (strcmp(a, "--rx-in-place") == 0) {
            o->rx_in_place = true;
            continue;
        }
        if (i + 1 >= argc) usage(prog, 2);
        const char *v = argv[++i];
        if (strcmp(a, "--bytes") == 0)
            o->bytes = parse_size(prog, v);
        else if (strcmp(a, "--runs") == 0)
            o->runs = (unsigned)parse_size(prog, v);
        else if (strcmp(a, "--mtu") == 0)
            o->mtu = (unsigned)parse_size(prog, v);
        else if (strcmp(a, "--chunk") == 0)
            o->chunk = (size_t)parse_size(prog, v);
        else if (strcmp(a, "--sndbuf") == 0)
            o->sndbuf = (uint32_t)parse_size(prog, v);
        else if (strcmp(a, "--rcvbuf") == 0)
            o->rcvbuf = (uint32_t)parse_size(prog, v);
        else if (strcmp(a, "--timestamps") == 0)
            o->timestamps = parse_onoff(prog, v);
        else if (strcmp(a, "--sack") == 0)
            o->sack = parse_onoff(prog, v);
        else
            usage(prog, 2);
    }
    if (o->bytes == 0 || o->runs == 0 || o->runs > BENCH_MAX_RUNS || o->mtu < 576 ||
        o->mtu > 65535 || o->chunk == 0 || o->chunk > (1u << 20) || o->sndbuf < 4096 ||
        o->rcvbuf < 4096) {
        fprintf(stderr,
                "%s: need bytes > 0, 1 <= runs <= %d, 576 <= mtu <= 65535, "
                "1 <= chunk <= 1M, buffers >= 4096\n",
                prog, BENCH_MAX_RUNS);
        exit(2);
    }
}

uint64_t bench_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_mono_us(void)
{
    return bench_mono_ns() / 1000u;
}

double bench_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_sleep_until_us(uint64_t us)
{
    struct timespec ts = {.tv_sec = (time_t)(us / 1000000u),
                          .tv_nsec = (long)(us % 1000000u) * 1000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

void bench_pattern_init(size_t chunk)
{
    pattern_chunk = chunk;
    pattern = malloc(PATTERN_LEN + chunk);
    if (!pattern) {
        perror("bench: pattern");
        exit(1);
    }
    uint64_t x = 0x9e3779b97f4a7c15ull; /* xorshift64 */
    for (size_t i = 0; i < PATTERN_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        pattern[i] = (uint8_t)(x >> 32);
    }
    for (size_t i = 0; i < chunk; i++)
        pattern[PATTERN_LEN + i] = pattern[i % PATTERN_LEN];
}

void bench_pattern_free(void)
{
    free(pattern);
    pattern = NULL;
}

const uint8_t *bench_pattern_at(uint64_t off, size_t *max_len)
{
    *max_len = pattern_chunk;
    return pattern + off % PATTERN_LEN;
}

bool bench_verify(uint64_t off, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        size_t n = len < pattern_chunk ? len : pattern_chunk;
        if (memcmp(pattern + off % PATTERN_LEN, buf, n) != 0) return false;
        off += n;
        buf += n;
        len -= n;
    }
    return true;
}

double bench_verify_cost(size_t chunk)
{
    /* A second copy of the pattern stands for the receive buffer: memcmp reads two buffers. */
    uint8_t *copy = malloc(PATTERN_LEN + chunk);
    if (!copy) return 0;
    memcpy(copy, pattern, PATTERN_LEN + chunk);
    const uint64_t total = (uint64_t)256 << 20;
    uint64_t bad = 0;
    double t0 = bench_cpu_s();
    for (uint64_t off = 0; off < total; off += chunk)
        bad += !bench_verify(off, copy + off % PATTERN_LEN, chunk);
    double spent = bench_cpu_s() - t0;
    free(copy);
    return bad ? -1 : spent * 1e9 / (double)total;
}

void bench_profile_begin(void)
{
#ifdef BENCH_HAVE_CALLGRIND
    CALLGRIND_TOGGLE_COLLECT;
#endif
}

void bench_profile_end(void)
{
#ifdef BENCH_HAVE_CALLGRIND
    CALLGRIND_TOGGLE_COLLECT;
#endif
}

void bench_print_header(const char *stack, const struct bench_opts *o, const char *detail)
{
    printf("%s bulk: %llu bytes per run, %u runs, mtu %u, chunk %zu; %s\n", stack,
           (unsigned long long)o->bytes, o->runs, o->mtu, o->chunk, detail);
}

void bench_print_run(unsigned i, const struct bench_opts *o, const struct bench_run *r)
{
    printf("run %u: %7.3f Gbit/s  %6.3f cpu-ns/byte  wall %.3f s  cpu %.3f s  packets %llu", i + 1,
           (double)o->bytes * 8 / r->wall_s / 1e9, r->cpu_s * 1e9 / (double)o->bytes, r->wall_s,
           r->cpu_s, (unsigned long long)r->packets);
    printf("  stalls %llu (%.3f s)", (unsigned long long)r->stalls, r->stall_s);
    if (r->link_drops) printf("  link drops %llu", (unsigned long long)r->link_drops);
    if (r->retransmits) printf("  retransmits %llu", (unsigned long long)r->retransmits);
    printf("\n");
    fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_print_median(const char *stack, const struct bench_opts *o, const struct bench_run *r,
                        unsigned n)
{
    double gbps[BENCH_MAX_RUNS], nspb[BENCH_MAX_RUNS];
    for (unsigned i = 0; i < n; i++) {
        gbps[i] = (double)o->bytes * 8 / r[i].wall_s / 1e9;
        nspb[i] = r[i].cpu_s * 1e9 / (double)o->bytes;
    }
    printf("median %s: %.3f Gbit/s  %.3f cpu-ns/byte  (%u runs)\n", stack, median(gbps, n),
           median(nspb, n), n);
    fflush(stdout);
}
