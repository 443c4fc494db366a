/* synack CLI — the ladder diagram. Columns (0-based):
 *   [0,10) time | [12,39) client notes, right-aligned | 40 client lifeline |
 *   [41,71) arrows and their labels | 71 server lifeline | [73,100) server notes
 * Plain ASCII, so the columns line up in any terminal and any locale. */
#include "ladder.h"

#include <string.h>

#include "names.h"
#include "summary.h"
#include "wrap.h"

#define TIME_W 10
#define NOTE_W 27
#define MID_W  30
#define LIFE_L (TIME_W + 2 + NOTE_W + 1) /* 40 */
#define MID_0  (LIFE_L + 1)              /* 41 */
#define LIFE_R (MID_0 + MID_W)           /* 71 */
#define NOTE_R (LIFE_R + 2)              /* 73 */
#define GAP_US SYNACK_SEC(1)             /* a longer pause gets a row of its own */

static void put(char *line, size_t at, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max) n = max;
    memcpy(line + at, s, n);
}

/* One row: time (if it changed), a note beside one side, and something between the lifelines. */
static void row(struct ladder *l, synack_time_t now, int side, const char *note, const char *mid,
                char life)
{
    char line[LADDER_WIDTH + 1];
    memset(line, ' ', LADDER_WIDTH);
    line[LADDER_WIDTH] = '\0';
    if (now != l->shown && now != SYNACK_TIME_NEVER) {
        char ms[32], t[40];
        synack_time_t at = now - l->origin;
        /* Milliseconds; past 100 s they no longer fit the column, so seconds (the recorded demo
         * keeps its milliseconds, cut to the column, as its checked output has them). */
        if (strlen(format_ms(at, ms, sizeof(ms))) > TIME_W - 3 && !l->cut_times)
            snprintf(t, sizeof(t), "%*llu.%llu s", TIME_W - 4, (unsigned long long)(at / 1000000),
                     (unsigned long long)(at % 1000000 / 100000));
        else
            snprintf(t, sizeof(t), "%*s ms", TIME_W - 3, ms);
        put(line, 0, t, TIME_W);
        l->shown = now;
    }
    line[LIFE_L] = line[LIFE_R] = life;
    if (mid) { /* centred between the lifelines; a long label spills over both sides */
        size_t n = strlen(mid), half = n / 2, centre = MID_0 + MID_W / 2;
        size_t at = centre - half < TIME_W + 2 ? TIME_W + 2 : centre - half;
        put(line, at, mid, LADDER_WIDTH - at);
    }
    if (note && side == SIDE_CLIENT) {
        size_t n = strlen(note) < NOTE_W ? strlen(note) : NOTE_W;
        put(line, LIFE_L - 1 - n, note, n);
    } else if (note) {
        put(line, NOTE_R, note, NOTE_W);
    }
    size_t end = LADDER_WIDTH;
    while (end > 0 && line[end - 1] == ' ')
        end--;
    fprintf(l->f, "%.*s\n", (int)end, line);
}

static void note(struct ladder *l, synack_time_t now, int side, const char *text)
{
    row(l, now, side, text, NULL, '|');
}

/* The arrow between the lifelines: toward the receiver, broken with an X where it was lost. */
static void arrow(char *buf, int from, bool lost, bool rexmit)
{
    memset(buf, '-', MID_W);
    buf[MID_W] = '\0';
    if (from == SIDE_CLIENT)
        buf[MID_W - 1] = '>';
    else
        buf[0] = '<';
    if (rexmit) memcpy(from == SIDE_CLIENT ? buf + 2 : buf + MID_W - 18, " retransmission ", 16);
    if (lost && from == SIDE_CLIENT) memcpy(buf + 20, "X lost    ", 10);
    if (lost && from == SIDE_SERVER) memcpy(buf, "    lost X", 10);
}

static void segment_label(char *buf, size_t len, const struct trace_entry *e)
{
    const struct synack_segment_info *s = &e->ev.seg;
    char flags[32];
    int n = snprintf(buf, len, "%s seq=%u", synack_flags_format(s->flags, flags, sizeof(flags)),
                     e->has_rel ? e->rel_seq : s->seq);
    if (n > 0 && (size_t)n < len && (s->flags & SYNACK_TH_ACK))
        n += snprintf(buf + n, len - (size_t)n, " ack=%u", e->has_rel ? e->rel_ack : s->ack);
    if (n > 0 && (size_t)n < len && s->len) snprintf(buf + n, len - (size_t)n, " len=%u", s->len);
}

static void segment(struct ladder *l, const struct trace_entry *e)
{
    char label[80], line[MID_W + 1];
    segment_label(label, sizeof(label), e);
    row(l, e->now, e->side, NULL, label, '|');
    arrow(line, e->side, e->lost, e->retransmission);
    row(l, e->now, e->side, NULL, line, '|');
    if (l->fin_again[e->side]) note(l, e->now, e->side, "2*MSL timer starts again");
    l->fin_again[e->side] = false;
}

static void error_text(char *buf, size_t len, long err)
{
    const char *name = errno_name((int)err);
    if (name)
        snprintf(buf, len, "-%s", name);
    else
        snprintf(buf, len, "%ld", err);
}

/* "listen(:80)", "connect(10.0.0.2:80)": the arguments of an OPEN. */
static void open_args(char *buf, size_t len, const struct ladder *l, const struct trace_entry *e)
{
    char addr[48];
    if (e->call == CALL_LISTEN)
        snprintf(buf, len, ":%u", e->port);
    else
        snprintf(buf, len, "%s:%u", synack_addr_format(&l->addr[1 - e->side], addr, sizeof(addr)),
                 e->peer_port);
}

/* What the application called, and what the call returned when that is news. */
static void call_text(char *buf, size_t len, const struct ladder *l, const struct trace_entry *e)
{
    char err[32], args[64] = "";
    error_text(err, sizeof(err), e->result);
    const char *name = call_name(e->call);
    if (e->call == CALL_LISTEN || e->call == CALL_CONNECT) open_args(args, sizeof(args), l, e);
    if (e->call == CALL_RECV && e->result > 0) {
        int n = snprintf(buf, len, "recv() = \"%.*s\"", (int)e->data_len, e->data);
        if (n > NOTE_W) snprintf(buf, len, "recv() = %ld bytes", e->result);
    } else if (e->call == CALL_RECV && e->result == 0) {
        snprintf(buf, len, "recv() = 0 (end of stream)");
    } else if (e->call == CALL_SEND && e->result >= 0) {
        int n = snprintf(buf, len, "send(\"%.*s\")", (int)e->data_len, e->data);
        if (n > NOTE_W) snprintf(buf, len, "send(%ld bytes)", e->result);
    } else if (e->result < 0) {
        snprintf(buf, len, "%s(%s) = %s", name, args, err);
    } else {
        snprintf(buf, len, "%s(%s)", name, args);
    }
}

/* "drop SYN: no conn": what was dropped (the segment that just arrived) and why. */
static void drop_text(char *buf, size_t len, const struct ladder *l, const struct trace_entry *e)
{
    char flags[32] = "packet", why[48];
    if (l->have_last_in[e->side] && l->last_in_at[e->side] == e->now)
        synack_flags_format(l->last_in_flags[e->side], flags, sizeof(flags));
    snprintf(why, sizeof(why), "%s", synack_drop_reason_name(e->ev.drop));
    for (char *c = why; *c; c++)
        if (*c == '_') *c = ' ';
    snprintf(buf, len, "drop %s: %s", flags, why);
}

static void event(struct ladder *l, const struct trace_entry *e)
{
    const struct synack_event *ev = &e->ev;
    char text[64];
    switch (ev->type) {
    case SYNACK_EV_SEGMENT_OUT: segment(l, e); return;
    case SYNACK_EV_STATE:
        snprintf(text, sizeof(text), "%s -> %s", synack_state_name(ev->old_state),
                 synack_state_name(ev->new_state));
        if (ev->new_state == SYNACK_TIME_WAIT) l->time_wait[e->side] = true;
        if (ev->old_state == SYNACK_TIME_WAIT) l->time_wait[e->side] = false;
        break;
    case SYNACK_EV_ERROR: {
        const char *name = errno_name(ev->error);
        snprintf(text, sizeof(text), "error: %s", name ? name : synack_strerror(ev->error));
        break;
    }
    case SYNACK_EV_DROP: drop_text(text, sizeof(text), l, e); break;
    case SYNACK_EV_RETRANSMIT: snprintf(text, sizeof(text), "retransmission timeout"); break;
    case SYNACK_EV_DELIVERY_PROBLEM: /* RFC 9293 §3.8.3: R1 reached */
        snprintf(text, sizeof(text), "delivery problem (R1)");
        break;
    case SYNACK_EV_ICMP: {
        const char *name = errno_name(ev->error);
        snprintf(text, sizeof(text), "ICMP: %s", name ? name : synack_strerror(ev->error));
        break;
    }
    case SYNACK_EV_URGENT: snprintf(text, sizeof(text), "urgent data"); break;
    case SYNACK_EV_SEGMENT_IN: /* the sender's arrow shows it */
        l->have_last_in[e->side] = true;
        l->last_in_at[e->side] = e->now;
        l->last_in_flags[e->side] = ev->seg.flags;
        /* RFC 9293 §3.10.7.4: a FIN in TIME-WAIT is ACKed and restarts the 2 MSL timeout. */
        if (l->time_wait[e->side] && (ev->seg.flags & SYNACK_TH_FIN)) l->fin_again[e->side] = true;
        return;
    case SYNACK_EV_RST_SENT: /* the RST's own arrow follows */
    case SYNACK_EV_READABLE:
    case SYNACK_EV_WRITABLE:
    case SYNACK_EV_ACCEPTABLE:
    case SYNACK_EV_TYPE_COUNT: return;
    }
    note(l, e->now, e->side, text);
}

/* A note: each of its lines centred across the lifelines, drawn dotted. */
static void note_rows(struct ladder *l, const struct trace_entry *e)
{
    char text[LADDER_WIDTH + 1];
    row(l, SYNACK_TIME_NEVER, SIDE_CLIENT, NULL, NULL, ':');
    for (const char *p = e->text; *p;) {
        size_t n = strcspn(p, "\n");
        snprintf(text, sizeof(text), "%.*s", (int)n, p);
        row(l, e->now, SIDE_CLIENT, NULL, text, ':');
        p += n + (p[n] == '\n');
    }
    row(l, SYNACK_TIME_NEVER, SIDE_CLIENT, NULL, NULL, ':');
}

static void pause_row(struct ladder *l, synack_time_t from, synack_time_t to)
{
    char d[32], text[48];
    snprintf(text, sizeof(text), "(%s later)", format_duration(to - from, d, sizeof(d)));
    row(l, SYNACK_TIME_NEVER, SIDE_CLIENT, NULL, NULL, ':');
    row(l, SYNACK_TIME_NEVER, SIDE_CLIENT, NULL, text, ':');
    row(l, SYNACK_TIME_NEVER, SIDE_CLIENT, NULL, NULL, ':');
}

/* Text centred on a column. */
static void centre(char *line, size_t col, const char *s)
{
    size_t n = strlen(s), at = col > n / 2 ? col - n / 2 : 0;
    put(line, at, s, LADDER_WIDTH - at);
}

/* Column titles: "Client" and "Server" over their lifelines, with their address:port when known
 * (ep NULL: not). */
static void titles_print(FILE *f, const struct synack_endpoint *ep)
{
    char line[2][LADDER_WIDTH + 1], text[64], addr[48];
    memset(line, ' ', sizeof(line));
    snprintf(line[0] + TIME_W - 4, 5, "time");
    line[0][TIME_W] = ' ';
    centre(line[0], LIFE_L, "Client");
    centre(line[0], LIFE_R, "Server");
    for (int side = 0; ep && side < 2; side++) {
        snprintf(text, sizeof(text), "%s:%u",
                 synack_addr_format(&ep[side].addr, addr, sizeof(addr)), ep[side].port);
        centre(line[1], side == SIDE_CLIENT ? LIFE_L : LIFE_R, text);
    }
    for (int r = 0; r < 2; r++) {
        size_t end = LADDER_WIDTH;
        while (end > 0 && line[r][end - 1] == ' ')
            end--;
        if (end) fprintf(f, "%.*s\n", (int)end, line[r]);
    }
}

/* The endpoints as the first segment sent shows them. */
static void titles(FILE *f, const struct trace *t)
{
    for (size_t i = 0; i < t->len; i++) {
        const struct trace_entry *e = &t->e[i];
        if (e->kind != TRACE_EVENT || e->ev.type != SYNACK_EV_SEGMENT_OUT) continue;
        struct synack_endpoint ep[2];
        ep[e->side] = e->ev.seg.src;
        ep[1 - e->side] = e->ev.seg.dst;
        titles_print(f, ep);
        return;
    }
    titles_print(f, NULL);
}

static void header(FILE *f, const struct scenario *sc, const struct demo_setup *setup)
{
    char a[48], b[48], d[32], m[32];
    fprintf(f, "synack demo --scenario %s: %s\n\n", sc->name, sc->summary);
    wrap_print(f, "", sc->story, LADDER_WIDTH);
    fprintf(f, "\nClient %s and Server %s on a simulated link, %s each way; MSL %s.\n",
            synack_addr_format(&setup->addr[SIDE_CLIENT], a, sizeof(a)),
            synack_addr_format(&setup->addr[SIDE_SERVER], b, sizeof(b)),
            format_duration(setup->delay, d, sizeof(d)),
            format_duration(setup->cfg.msl, m, sizeof(m)));
    wrap_print(f, "",
               "seq and ack count from each side's initial sequence number (ISN = 0), as "
               "Wireshark shows them; len is the number of data bytes. Every segment after the "
               "first SYN carries ACK, so the FIN of the textbook pictures is a FIN,ACK here.",
               LADDER_WIDTH);
    fprintf(f, "\n");
}

void ladder_start(struct ladder *l, FILE *f, const struct synack_addr addr[2], synack_time_t origin)
{
    memset(l, 0, sizeof(*l));
    l->f = f;
    l->addr[0] = addr[0];
    l->addr[1] = addr[1];
    l->origin = origin;
    l->shown = SYNACK_TIME_NEVER;
}

void ladder_titles(struct ladder *l, const struct synack_endpoint ep[2])
{
    titles_print(l->f, ep);
    row(l, SYNACK_TIME_NEVER, SIDE_CLIENT, NULL, NULL, '|');
}

void ladder_entry(struct ladder *l, const struct trace_entry *e)
{
    if (l->have_prev && e->now - l->prev_now > GAP_US && l->prev_kind != TRACE_NOTE)
        pause_row(l, l->prev_now, e->now);
    l->have_prev = true;
    l->prev_now = e->now;
    l->prev_kind = e->kind;
    if (e->kind == TRACE_NOTE) {
        note_rows(l, e);
    } else if (e->kind == TRACE_CALL) {
        char text[64];
        call_text(text, sizeof(text), l, e);
        note(l, e->now, e->side, text);
    } else {
        event(l, e);
    }
}

void ladder_print(FILE *f, const struct scenario *sc, const struct demo_setup *setup,
                  const struct trace *t)
{
    struct ladder l;
    ladder_start(&l, f, setup->addr, 0);
    l.cut_times = true;
    header(f, sc, setup);
    titles(f, t);
    row(&l, SYNACK_TIME_NEVER, SIDE_CLIENT, NULL, NULL, '|');
    for (size_t i = 0; i < t->len; i++)
        ladder_entry(&l, &t->e[i]);
    fprintf(f, "\n");
    summary_print(f, setup, t);
}
