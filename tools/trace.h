/* synack CLI — a recorded run: every event of both stacks and every call the demo made, in order,
 * with sequence numbers made relative to each sender's first SYN (as Wireshark shows them). */
#ifndef SYNACK_TOOLS_TRACE_H
#define SYNACK_TOOLS_TRACE_H

#include <synack/synack.h>

enum side { SIDE_CLIENT = 0, SIDE_SERVER = 1 };

/* The user calls a scenario makes (RFC 9293 §3.10). */
enum demo_call {
    CALL_LISTEN,
    CALL_CONNECT,
    CALL_ACCEPT,
    CALL_SEND,
    CALL_RECV,
    CALL_SHUTDOWN,
    CALL_CLOSE,
    CALL_ABORT,
};

enum trace_kind { TRACE_EVENT, TRACE_CALL, TRACE_NOTE };

#define TRACE_DATA_MAX 48

struct trace_entry {
    enum trace_kind kind;
    int side; /* enum side */
    synack_time_t now;
    /* TRACE_EVENT */
    struct synack_event ev; /* ev.conn is not kept valid: never dereference it */
    bool has_rel;           /* rel_seq/rel_ack are known (the sender's ISN is); rel_ack means
                             * something only when the segment has ACK set */
    uint32_t rel_seq, rel_ack;
    bool lost;           /* SEGMENT_OUT that the link dropped */
    bool retransmission; /* SEGMENT_OUT resending sequence space after a timeout */
    bool has_rst_reason; /* SEGMENT_OUT of a RST: why it was sent (from RST_SENT) */
    enum synack_rst_reason rst_reason;
    /* TRACE_CALL */
    enum demo_call call;
    uint16_t port, peer_port; /* LISTEN, CONNECT: the local port (0: any) and the peer's */
    long result;              /* what the call returned */
    size_t data_len;
    char data[TRACE_DATA_MAX]; /* bytes sent or received */
    /* TRACE_NOTE: lines of text drawn across the ladder (owned by whoever added it) */
    const char *text;
};

struct trace {
    struct trace_entry *e;
    size_t len, cap;
    bool oom;
    /* Per sending side: the ISN (first SYN, else first segment) and the highest sequence sent. */
    bool have_isn[2];
    uint32_t isn[2];
    uint32_t snd_max[2];
    synack_time_t rto_at[2]; /* when this side's last retransmission timeout fired */
};

void trace_init(struct trace *t);
void trace_free(struct trace *t);
/* Record an event of one side's stack. */
void trace_event(struct trace *t, int side, const struct synack_event *ev);
/* Record a call before it is made (what it causes follows it); returns its index, or
 * TRACE_NONE when out of memory. trace_call_done() adds what it returned and the bytes sent or
 * received (data may be NULL); trace_call_forget() removes it if nothing was recorded after it. */
#define TRACE_NONE ((size_t)-1)
size_t trace_call(struct trace *t, int side, synack_time_t now, enum demo_call call);
void trace_call_done(struct trace *t, size_t i, long result, const void *data, size_t len);
void trace_call_forget(struct trace *t, size_t i);
void trace_call_ports(struct trace *t, size_t i, uint16_t port, uint16_t peer_port);
/* The link dropped the segment `side` just sent with this raw seq and flags: mark it lost. */
void trace_mark_lost(struct trace *t, int side, uint32_t seq, uint8_t flags);

/* A note across the ladder at `now` (a summarised stretch of the run); text must outlive t. */
void trace_note(struct trace *t, synack_time_t now, const char *text);

/* Sequence space a segment occupies (SYN and FIN count one each). */
uint32_t trace_seg_space(const struct synack_segment_info *seg);

#endif
