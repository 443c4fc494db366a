/* bench — what the bulk-transfer benchmarks share: options, clocks, the data pattern, the report.
 *
 * Both programs (synack-bench-bulk and lwip-bench-bulk) push the same number of bytes through one
 * connection between two endpoints in one thread and print the same lines, so that
 * bench/run.sh can set them side by side. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_RUNS 101

struct bench_opts {
    uint64_t bytes;  /* --bytes: payload pushed per run (default 4 GiB) */
    unsigned runs;   /* --runs: default 5 */
    unsigned mtu;    /* --mtu: largest IP packet on the in-memory link (default 1500) */
    size_t chunk;    /* --chunk: bytes per send/receive call of the application (64 KiB) */
    uint32_t sndbuf; /* --sndbuf, --rcvbuf: per connection (synack only; lwIP's are compiled in) */
    uint32_t rcvbuf;
    bool timestamps;  /* --timestamps on|off (synack only; Debian's lwIP has none) */
    bool sack;        /* --sack on|off (synack only; Debian's lwIP has none) */
    bool rx_in_place; /* --rx-in-place (lwIP only): verify the pbuf without copying it out */
};

/* One run's figures. */
struct bench_run {
    double wall_s, cpu_s;
    uint64_t packets;     /* packets carried by the link, both directions */
    uint64_t stalls;      /* times nothing could move until a timer fired */
    double stall_s;       /* wall time spent waiting for those timers */
    uint64_t link_drops;  /* packets refused by a full ring (0 unless the ring is too small) */
    uint64_t retransmits; /* retransmissions of either side (0 on this lossless link) */
};

/* Parse argv; prints usage and exits on --help or an error. `prog` names the program. */
void bench_parse(int argc, char **argv, const char *prog, struct bench_opts *o);

/* CLOCK_MONOTONIC in microseconds and nanoseconds; CLOCK_PROCESS_CPUTIME_ID in seconds. */
uint64_t bench_mono_us(void);
uint64_t bench_mono_ns(void);
double bench_cpu_s(void);
/* Sleep until the monotonic clock reads `us`. */
void bench_sleep_until_us(uint64_t us);

/* The data: a pseudo-random pattern of bench_pattern_len() bytes repeated, readable as one
 * contiguous span of up to `chunk` bytes from any offset (the buffer holds pattern + chunk). */
void bench_pattern_init(size_t chunk);
void bench_pattern_free(void);
/* Longest span that may be read at stream offset `off`, and the bytes there. */
const uint8_t *bench_pattern_at(uint64_t off, size_t *max_len);
/* True when buf[0..len) matches the stream at `off`. */
bool bench_verify(uint64_t off, const uint8_t *buf, size_t len);
/* What verification alone costs, in ns per byte (measured with the same chunk size). */
double bench_verify_cost(size_t chunk);

/* Mark the measured part of a run for callgrind (no-ops elsewhere): instructions are counted
 * between begin and end when the program runs under `valgrind --tool=callgrind
 * --collect-atstart=no`, so the profile leaves out setup and the pattern. */
void bench_profile_begin(void);
void bench_profile_end(void);

/* Print the header line, one line per run, the median line. */
void bench_print_header(const char *stack, const struct bench_opts *o, const char *detail);
void bench_print_run(unsigned i, const struct bench_opts *o, const struct bench_run *r);
void bench_print_median(const char *stack, const struct bench_opts *o, const struct bench_run *r,
                        unsigned n);

#endif
