/* synack CLI — the demo's scenarios: what each side's application does, and when. */
#ifndef SYNACK_TOOLS_SCENARIO_H
#define SYNACK_TOOLS_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* Ports: the server listens on SERVER_PORT; simultaneous open uses two fixed ports. */
#define DEMO_SERVER_PORT 80
#define DEMO_CLIENT_PORT 5000

/* One call by one side's application at a fixed time. */
struct demo_step {
    unsigned at_ms;
    int side; /* enum side */
    enum demo_call call;
    uint16_t port;      /* LISTEN: local port; CONNECT: local port (0 = ephemeral) */
    uint16_t peer_port; /* CONNECT: the peer's port */
    const char *data;   /* SEND: the bytes */
};

/* The link drops the first `count` packets from `side` whose TCP flags byte equals `flags`
 * (counting only after the other side's FIN went by, if after_peer_fin). */
struct drop_rule {
    int count;
    int side;
    uint8_t flags;
    bool after_peer_fin;
};

struct scenario {
    const char *name;
    const char *summary; /* one line, for --list */
    const char *story;   /* what happens, printed above the ladder */
    const struct demo_step *steps;
    size_t nsteps;
    struct drop_rule drop;
};

const struct scenario *scenario_find(const char *name);
/* The scenarios in display order; *n receives their number. */
const struct scenario *scenario_all(size_t *n);

#endif
