/* synack CLI — the scenarios of `synack demo`: each a list of user calls at fixed times on the
 * virtual clock. The link delay is 10 ms each way, so a round trip is 20 ms. */
#include "scenario.h"

#include <string.h>

#define C    SIDE_CLIENT
#define S    SIDE_SERVER
#define P    DEMO_SERVER_PORT
#define Q    DEMO_CLIENT_PORT
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The server listens, the client connects: the 3-way handshake. */
#define OPEN_STEPS                                                                                 \
    {0, S, CALL_LISTEN, P, 0, NULL},                                                               \
    {                                                                                              \
        0, C, CALL_CONNECT, 0, P, NULL                                                             \
    }
#define ACCEPT_AT(ms)                                                                              \
    {                                                                                              \
        ms, S, CALL_ACCEPT, 0, 0, NULL                                                             \
    }

static const struct demo_step handshake[] = {
    OPEN_STEPS,
    ACCEPT_AT(40),
    {50, C, CALL_SEND, 0, 0, "hello"},
    {80, S, CALL_RECV, 0, 0, NULL},
    {90, S, CALL_SEND, 0, 0, "hi there"},
    {120, C, CALL_RECV, 0, 0, NULL},
    {150, C, CALL_CLOSE, 0, 0, NULL},
    {180, S, CALL_RECV, 0, 0, NULL},
    {200, S, CALL_CLOSE, 0, 0, NULL},
};

static const struct demo_step simultaneous_open[] = {
    {0, C, CALL_CONNECT, Q, P, NULL}, {0, S, CALL_CONNECT, P, Q, NULL},
    {50, C, CALL_CLOSE, 0, 0, NULL},  {80, S, CALL_RECV, 0, 0, NULL},
    {100, S, CALL_CLOSE, 0, 0, NULL},
};

static const struct demo_step simultaneous_close[] = {
    OPEN_STEPS,
    ACCEPT_AT(40),
    {100, C, CALL_CLOSE, 0, 0, NULL},
    {100, S, CALL_CLOSE, 0, 0, NULL},
};

static const struct demo_step half_close[] = {
    OPEN_STEPS,
    ACCEPT_AT(40),
    {50, C, CALL_SEND, 0, 0, "request"},
    {80, C, CALL_SHUTDOWN, 0, 0, NULL},
    {110, S, CALL_RECV, 0, 0, NULL},
    {120, S, CALL_SEND, 0, 0, "reply, part 1"},
    {150, C, CALL_RECV, 0, 0, NULL},
    {170, S, CALL_SEND, 0, 0, "reply, part 2"},
    {200, C, CALL_RECV, 0, 0, NULL},
    {220, S, CALL_CLOSE, 0, 0, NULL},
    {250, C, CALL_RECV, 0, 0, NULL},
    {260, C, CALL_CLOSE, 0, 0, NULL},
};

static const struct demo_step refused[] = {
    {0, C, CALL_CONNECT, 0, P, NULL},
    {50, C, CALL_CLOSE, 0, 0, NULL},
};

static const struct demo_step syn_lost[] = {
    OPEN_STEPS,
    ACCEPT_AT(1040),
    {1100, C, CALL_CLOSE, 0, 0, NULL},
    {1130, S, CALL_RECV, 0, 0, NULL},
    {1150, S, CALL_CLOSE, 0, 0, NULL},
};

static const struct demo_step fin_lost[] = {
    OPEN_STEPS,
    ACCEPT_AT(40),
    {100, C, CALL_CLOSE, 0, 0, NULL},
    {500, S, CALL_RECV, 0, 0, NULL},
    {550, S, CALL_CLOSE, 0, 0, NULL},
};

static const struct demo_step abort_steps[] = {
    OPEN_STEPS,
    ACCEPT_AT(40),
    {50, C, CALL_SEND, 0, 0, "hello"},
    {80, S, CALL_RECV, 0, 0, NULL},
    {100, C, CALL_ABORT, 0, 0, NULL},
    {150, S, CALL_RECV, 0, 0, NULL},
    {160, S, CALL_CLOSE, 0, 0, NULL},
};

static const struct demo_step time_wait[] = {
    OPEN_STEPS,
    ACCEPT_AT(40),
    {100, C, CALL_CLOSE, 0, 0, NULL},
    {130, S, CALL_RECV, 0, 0, NULL},
    {150, S, CALL_CLOSE, 0, 0, NULL},
};

#define ACK SYNACK_TH_ACK
static const struct scenario scenarios[] = {
    {"handshake",
     "3-way handshake, a little data both ways, 4-way close (default)",
     "The client connects (SYN, SYN,ACK, ACK), sends \"hello\", the server answers \"hi "
     "there\", then the client closes first (FIN, ACK) and the server after it (FIN, ACK). "
     "The client, which closed first, waits in TIME-WAIT for 2*MSL.",
     handshake,
     N(handshake),
     {0}},
    {"simultaneous-open",
     "both sides connect to each other at the same instant",
     "Both sides send a SYN at 0 ms; each SYN crosses the other on the link. Each side goes "
     "SYN-SENT -> SYN-RECEIVED and answers with a SYN,ACK; four segments, no third ACK "
     "(RFC 9293 Figure 8). Then the client closes.",
     simultaneous_open,
     N(simultaneous_open),
     {0}},
    {"simultaneous-close",
     "both sides close at the same instant",
     "After the handshake both applications call close() at 100 ms. The two FINs cross: each "
     "side goes FIN-WAIT-1 -> CLOSING -> TIME-WAIT (RFC 9293 Figure 13), and both wait 2*MSL.",
     simultaneous_close,
     N(simultaneous_close),
     {0}},
    {"half-close",
     "the client stops sending; the server still sends, then closes",
     "The client sends a request and shuts down its sending side (FIN). The server, in "
     "CLOSE-WAIT, can still send: two replies reach the client in FIN-WAIT-2. Then the server "
     "closes and the client reads the end of the stream.",
     half_close,
     N(half_close),
     {0}},
    {"refused",
     "SYN to a port with no listener: RST,ACK, ECONNREFUSED",
     "Nothing listens on the server's port 80. Its stack answers the SYN with <SEQ=0>"
     "<ACK=SEG.SEQ+1><CTL=RST,ACK> (RFC 9293 section 3.10.7.1), and the client's connect fails "
     "with "
     "\"connection refused\".",
     refused,
     N(refused),
     {0}},
    {"syn-lost",
     "the first SYN is lost and sent again after the 1 s RTO",
     "The link loses the client's first SYN. Nothing comes back, so after the initial "
     "retransmission timeout of 1 s (RFC 6298 section 2.1) the client sends the SYN again, and the "
     "handshake completes.",
     syn_lost,
     N(syn_lost),
     {1, C, SYNACK_TH_SYN, false}},
    {"fin-lost",
     "the client's FIN is lost and sent again after the RTO",
     "The link loses the client's FIN. The client stays in FIN-WAIT-1 until its retransmission "
     "timer fires, then sends the FIN again; the close goes on as usual.",
     fin_lost,
     N(fin_lost),
     {1, C, SYNACK_TH_FIN | ACK, false}},
    {"abort",
     "the client aborts: RST, the server sees ECONNRESET",
     "After the handshake and a little data the client calls abort(): its stack sends a RST "
     "and forgets the connection at once (RFC 9293 section 3.10.5). The server's connection is "
     "reset: "
     "it goes to CLOSED and reports \"connection reset\".",
     abort_steps,
     N(abort_steps),
     {0}},
    {"time-wait",
     "the last ACK is lost; the FIN is sent again into TIME-WAIT",
     "The link loses the client's ACK of the server's FIN. The server, in LAST-ACK, sends its "
     "FIN again; the client, already in TIME-WAIT, ACKs it again and restarts the 2*MSL timer "
     "(RFC 9293 section 3.10.7.4). TIME-WAIT ends 2*MSL after that last FIN.",
     time_wait,
     N(time_wait),
     {1, C, ACK, true}},
    {"transfer",
     "bulk data over a faulty link (--bytes --loss --reorder --seed)",
     "The client sends --bytes (default 1 MiB) to the server through a link that loses --loss "
     "percent of the packets each way and holds back --reorder percent of them by 20 ms, so "
     "later ones overtake them (both 0 by default; the faults are drawn from --seed). The "
     "handshake and the close are drawn; the data phase between them is summarised under the "
     "ladder, with each segment that had to be sent again (fast retransmit and SACK recovery, "
     "or a retransmission timeout), and every byte the server reads is checked.",
     NULL,
     0,
     {0}},
};

const struct scenario *scenario_all(size_t *n)
{
    *n = N(scenarios);
    return scenarios;
}

const struct scenario *scenario_find(const char *name)
{
    for (size_t i = 0; i < N(scenarios); i++)
        if (strcmp(scenarios[i].name, name) == 0) return &scenarios[i];
    return NULL;
}
