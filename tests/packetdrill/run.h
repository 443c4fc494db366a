/* packetdrill runner — playing one script against a fresh stack on a virtual clock.
 *
 * The script's side ("remote", fixed addresses) talks to our stack ("local") over an in-memory
 * device: inbound packets go in through synack_stack_input(), outbound ones are queued with the
 * time they left. The clock jumps from event to event, running the stack's timers in between.
 * Sequence numbers follow packetdrill: the script's inbound ones are live (its ISN is the SYN's
 * number) and relative to that ISN after the SYN; the stack's are relative to its ISN, learned
 * from its SYN or SYN,ACK. */
#ifndef PD_RUN_H
#define PD_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synack/socket.h>

#include "script.h"
#include "wire_io.h"

#define PD_MAX_SOCKS   64
#define PD_MAX_QUEUE   4096
#define PD_MAX_TS_MAP  256
#define PD_REASON_SIZE 2048

/* Where a script socket is in its life, as packetdrill tracks it to map sequence numbers. */
enum pd_sock_state {
    PD_SOCK_NEW,          /* socket(), maybe bound */
    PD_SOCK_LISTENING,    /* listen() */
    PD_SOCK_CONNECTING,   /* connect(), SYN not seen yet */
    PD_SOCK_SYN_SENT,     /* the stack's SYN seen: its ISN known */
    PD_SOCK_SYN_ACKED,    /* the script's SYN,ACK injected */
    PD_SOCK_CHILD_SYN,    /* a child of a listener: the script's SYN injected */
    PD_SOCK_CHILD_SYNACK, /* the stack's SYN,ACK seen */
    PD_SOCK_CHILD_ACKED,  /* the script's ACK injected */
};

struct pd_sock {
    enum pd_sock_state state;
    int script_fd, live_fd; /* -1 when none (a child not accepted yet) */
    bool closed;
    uint16_t local_port, remote_port;     /* live; 0 until known */
    uint32_t local_isn, script_local_isn; /* the stack's ISN, live and as the script wrote it */
    uint32_t remote_isn;                  /* the script's ISN (live = script) */
    bool ts_known;
    uint32_t ts_first_script, ts_first_live;
    struct {
        uint32_t script, live;
    } ts_map[PD_MAX_TS_MAP];
    size_t nts;
};

struct pd_out_pkt {
    synack_time_t time;
    size_t len;
    uint8_t *bytes;
};

/* A blocking call waiting for the stack (single-threaded mode answers -EAGAIN). */
struct pd_pending {
    const struct pd_event *ev; /* NULL when none */
    size_t done;               /* bytes sent so far by a blocking send/write */
};

struct pd_run {
    const struct pd_script *script;
    bool verbose;
    struct synack_config cfg;
    struct synack_stack *stack;
    struct synack_sockets *set;
    int dev;
    struct synack_addr local, remote;
    synack_time_t base, now;   /* live time of script time 0; the clock */
    int64_t last_start;        /* script time the previous event was due */
    bool last_inbound;         /* the previous event was an inbound packet */
    const struct pd_event *ev; /* the event being played */
    struct pd_out_pkt queue[PD_MAX_QUEUE];
    size_t qhead, qlen;
    bool queue_overflow;
    struct pd_sock socks[PD_MAX_SOCKS];
    size_t nsocks;
    struct pd_sock *sut; /* the socket under test: where packets belong */
    uint16_t next_remote_port;
    struct pd_pending pending;
    bool failed;
    char reason[PD_REASON_SIZE];
    char notes[512];  /* settings we could not apply (sysctl.c), added to a failure */
    unsigned ignored; /* outbound packets of other connections, ignored as packetdrill does */
    uint8_t scratch[PD_MAX_PACKET]; /* the packet being built */
};

/* How the runner sets up each stack (main.c's options). */
struct pd_run_opts {
    bool freebsd; /* --profile freebsd: synack_config_init_freebsd(), FreeBSD's free choices */
    bool verbose;                      /* --verbose: every packet and call on stderr */
};

/* Play a script. Returns 0 when it passed, else -1 with reason filled. */
int pd_run_script(const struct pd_script *s, const struct pd_run_opts *o, char *reason, size_t cap);

/* Record the failure of the current event (the first one wins). Returns -1. */
int pd_fail(struct pd_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a note (a setting not applied). */
void pd_note(struct pd_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Script time of the clock. */
int64_t pd_script_now(const struct pd_run *r);
/* Create the stack and its socket set if not yet done (the first event that needs them). */
int pd_ensure_stack(struct pd_run *r);
/* Move the clock to live time t, running every timer due on the way. */
int pd_advance(struct pd_run *r, synack_time_t t);

/* run_packet.c */
int pd_inbound(struct pd_run *r, const struct pd_packet *p);
/* The outbound packet of event ev, due in [lo, hi] (live times). */
int pd_outbound(struct pd_run *r, const struct pd_packet *p, synack_time_t lo, synack_time_t hi);
/* Fail if a packet left before `before` and is still unclaimed. */
int pd_check_unexpected(struct pd_run *r, synack_time_t before);

/* run_syscall.c */
int pd_syscall(struct pd_run *r, const struct pd_event *ev);
/* Try the pending blocking call again; checks its result once it returns. */
int pd_retry_pending(struct pd_run *r);
/* The live descriptor of a script descriptor (the script's number when unknown). */
int pd_live_fd(const struct pd_run *r, int script_fd);
struct pd_sock *pd_sock_new(struct pd_run *r, enum pd_sock_state st);

/* shell.c and code.c */
int pd_command(struct pd_run *r, const char *cmd);
int pd_code(struct pd_run *r, const char *code);

#endif
