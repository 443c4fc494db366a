/* synack CLI — the options of `synack listen` and `synack connect`. */
#ifndef SYNACK_TOOLS_NC_OPTS_H
#define SYNACK_TOOLS_NC_OPTS_H

#include <stdio.h>

#include <synack/synack.h>

enum nc_mode { NC_LISTEN, NC_CONNECT };

struct nc_opts {
    enum nc_mode mode;
    struct synack_addr host; /* connect: the peer */
    uint16_t port;           /* listen: ours; connect: the peer's */
    bool keep_open;          /* listen: serve connections until interrupted */
    bool echo;               /* send back what arrives instead of using stdin and stdout */
    bool help;
    bool trace;            /* the ladder diagram of each connection on stderr */
    bool stats;            /* the counters on stderr at the end */
    const char *pcap_path; /* every packet in and out; NULL: none */
    struct synack_tun_config tun;
    struct synack_addr addr; /* the stack's own address */
    unsigned backlog;        /* listen: connections waiting to be accepted */
    uint16_t source_port;    /* connect: our port (0: ephemeral) */
    const char *urgent;      /* sent as urgent data first on each connection; NULL: none */
    size_t urgent_len;
    bool seed_set, mtu_set;
    struct synack_config cfg;
};

/* argv[0] is "listen" or "connect". Returns 0, or 2 after printing a usage error. */
int nc_parse(int argc, char **argv, struct nc_opts *o);
void nc_usage(FILE *f, enum nc_mode mode);

#endif
