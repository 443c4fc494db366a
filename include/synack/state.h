/* synack — the eleven states of RFC 9293 Figure 5. */
#ifndef SYNACK_STATE_H
#define SYNACK_STATE_H

/* Ordered as in FreeBSD's tcp_fsm.h: states >= ESTABLISHED are synchronized. */
enum synack_state {
    SYNACK_CLOSED = 0,
    SYNACK_LISTEN,
    SYNACK_SYN_SENT,
    SYNACK_SYN_RECEIVED,
    SYNACK_ESTABLISHED,
    SYNACK_CLOSE_WAIT,
    SYNACK_FIN_WAIT_1,
    SYNACK_CLOSING,
    SYNACK_LAST_ACK,
    SYNACK_FIN_WAIT_2,
    SYNACK_TIME_WAIT,
    SYNACK_STATE_COUNT
};

/* "SYN-RECEIVED", "TIME-WAIT", ... as RFC 9293 spells them. */
const char *synack_state_name(enum synack_state s);

#endif
