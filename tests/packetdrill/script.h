/* packetdrill runner — a script as parsed: its header options and its events, in order.
 *
 * Everything here lives in the script's arena (arena.h). Times are microseconds of script time.
 * Packet fields are kept as the script writes them (script sequence space); the runner maps them
 * to and from the live connection (run_packet.c). */
#ifndef PD_SCRIPT_H
#define PD_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define PD_MAX_OPT_BYTES 40

enum pd_time_kind {
    PD_TIME_ABS,       /* 0.100 */
    PD_TIME_REL,       /* +0.100 */
    PD_TIME_ANY,       /* * */
    PD_TIME_ABS_RANGE, /* 0.1~0.2 */
    PD_TIME_REL_RANGE, /* +0~+0.04 */
};

struct pd_time {
    enum pd_time_kind kind;
    int64_t usecs, end_usecs; /* end_usecs for the ranges */
};

/* The IP-level decorations of a packet line: (tos 0x28), (ttl 3), [ect0], ... -1 = not given. */
struct pd_ip_info {
    int tos;        /* the whole TOS byte */
    int ttl;        /* TTL (or IPv6 hop limit) */
    int ecn;        /* ECN codepoint from [noecn] [ect0] [ect1] [ce]; PD_ECN_ECT01 for [ect01] */
    bool ipv6_only; /* (class ...) or (hlim ...): IPv6 header fields */
};
#define PD_ECN_ECT01 4

enum pd_icmp_kind { PD_ICMP_NONE = 0, PD_ICMP_V4 };

struct pd_packet {
    bool inbound; /* '<' (the script sends) or '>' (the stack must send) */
    struct pd_ip_info ip;
    /* TCP */
    uint8_t flags;     /* SY_TH_* including ECE and CWR */
    bool seq_any;      /* "...(len)": sequence number not checked */
    bool seq_absolute; /* "seq!": not mapped through the ISN */
    uint32_t seq;
    uint16_t len; /* payload bytes */
    bool has_ack; /* "ack N" given (the ACK flag comes from '.') */
    uint32_t ack;
    int32_t win; /* -1: "win" absent, not checked */
    uint16_t urg;
    bool opts_any;                  /* "<...>" or no list on an outbound SYN: options not checked */
    bool opts_given;                /* a list was written */
    uint8_t opts[PD_MAX_OPT_BYTES]; /* the option area as it goes on the wire */
    uint8_t opts_len;
    bool has_md5;   /* an md5 option (TCP-MD5, RFC 2385) */
    bool udp_encap; /* "/udp(sport > dport)": TCP over UDP (RFC 6951) */
    /* ICMP: "icmp TYPE CODE [mtu N] [seq:end(len)]" quoting a segment of the stack's */
    enum pd_icmp_kind icmp;
    uint8_t icmp_type, icmp_code;
    uint16_t icmp_mtu;
    bool icmp_ipv6_only; /* a type or code that exists only in ICMPv6 */
};

/* An expression in a system call: 3, ..., SOL_SOCKET, O_RDWR|O_NONBLOCK, [65536], {a=1, b=0}. */
enum pd_expr_kind { PD_X_INT, PD_X_ELLIPSIS, PD_X_SYMBOL, PD_X_LIST, PD_X_STRUCT, PD_X_STRING };

struct pd_expr {
    enum pd_expr_kind kind;
    int64_t num;           /* PD_X_INT */
    const char *name;      /* PD_X_SYMBOL: the unknown name; PD_X_INT: the symbol it came from */
    const char *field;     /* inside a struct literal: the field's name */
    const char *text;      /* PD_X_STRING */
    struct pd_expr *items; /* PD_X_LIST and PD_X_STRUCT */
    size_t nitems;
};

struct pd_syscall {
    const char *name;
    struct pd_expr *args;
    size_t nargs;
    bool ret_any; /* "= ..." */
    int64_t ret;  /* expected return value */
    int err;      /* expected errno when ret is -1 (positive), 0 if none */
    const char *err_name;
    int64_t end_usecs; /* "t1...t2": a blocking call that returns at t2; -1 if not given */
};

enum pd_event_kind { PD_EV_PACKET, PD_EV_SYSCALL, PD_EV_COMMAND, PD_EV_CODE };

struct pd_event {
    int line;
    struct pd_time time;
    enum pd_event_kind kind;
    struct pd_packet *packet;
    struct pd_syscall *syscall;
    const char *command; /* backquoted shell command, without the quotes */
    const char *code;    /* the text between %{ and }% */
    struct pd_event *next;
};

/* The --name=value header lines. */
struct pd_options {
    int ip_version; /* 4; 6 for ipv6 and ipv4-mapped-ipv6 */
    int64_t tolerance_usecs;
    int mss; /* 0 = not given */
    int mtu; /* 0 = not given */
    int bind_port, connect_port;
    bool non_fatal_syscall, non_fatal_packet;
    bool md5;              /* --tcp_md5_secret */
    bool udp_encap;        /* --udp_encapsulation */
    int64_t ts_tick_usecs; /* --tcp_ts_tick_usecs: check outbound TS val (0 = no) */
    const char *local_ip, *remote_ip;
    const char *unsupported; /* the first option we cannot honour, or NULL */
};

struct pd_script {
    struct pd_arena arena;
    struct pd_options opts;
    struct pd_event *events; /* in script order */
    size_t nevents;
};

#endif
