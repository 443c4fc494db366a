/* synack CLI — the summary under the ladder: one line per phase. Phases are found from the
 * events: the opening handshake runs from the first SYN until both sides are ESTABLISHED, the
 * close from the first FIN or RST after that; the data phase lies between. */
#include "summary.h"

#include <string.h>

#include "ladder.h"
#include "names.h"
#include "wrap.h"

#define LABEL_W 20

enum phase_id { PH_OPEN, PH_DATA, PH_CLOSE, PH_COUNT };

struct phase {
    size_t segs, data_segs, lost, rexmit;
    uint32_t bytes[2];
    char list[160]; /* "SYN, SYN,ACK, ACK" */
    bool list_full;
    synack_time_t first, last;
};

/* Milestones of the run, per side where it matters. */
struct run_marks {
    synack_time_t first_syn, open_end, close_start, last;
    synack_time_t est[2], closed[2], tw_in[2], tw_restart[2];
    int error[2];
    bool syn_only[2]; /* the side sent a SYN without ACK: an active open */
    bool closing, rst_in_close;
};

static bool is_segment(const struct trace_entry *e)
{
    return e->kind == TRACE_EVENT && e->ev.type == SYNACK_EV_SEGMENT_OUT;
}

static void mark_state(struct run_marks *m, const struct trace_entry *e)
{
    int s = e->side;
    switch (e->ev.new_state) {
    case SYNACK_ESTABLISHED:
        if (m->est[s] == SYNACK_TIME_NEVER) m->est[s] = e->now;
        break;
    case SYNACK_TIME_WAIT: m->tw_in[s] = m->tw_restart[s] = e->now; break;
    case SYNACK_CLOSED: m->closed[s] = e->now; break;
    case SYNACK_CLOSING: m->closing = true; break;
    case SYNACK_LISTEN:
    case SYNACK_SYN_SENT:
    case SYNACK_SYN_RECEIVED:
    case SYNACK_CLOSE_WAIT:
    case SYNACK_FIN_WAIT_1:
    case SYNACK_LAST_ACK:
    case SYNACK_FIN_WAIT_2:
    case SYNACK_STATE_COUNT: break;
    }
}

static void mark_segment(struct run_marks *m, const struct trace_entry *e)
{
    uint8_t f = e->ev.seg.flags;
    if ((f & SYNACK_TH_SYN) && m->first_syn == SYNACK_TIME_NEVER) m->first_syn = e->now;
    if ((f & SYNACK_TH_SYN) && !(f & SYNACK_TH_ACK)) m->syn_only[e->side] = true;
}

static void find_marks(struct run_marks *m, const struct trace *t)
{
    bool in_tw[2] = {false, false};
    memset(m, 0, sizeof(*m));
    m->first_syn = m->open_end = m->close_start = SYNACK_TIME_NEVER;
    for (int s = 0; s < 2; s++)
        m->est[s] = m->closed[s] = m->tw_in[s] = SYNACK_TIME_NEVER;
    for (size_t i = 0; i < t->len; i++) {
        const struct trace_entry *e = &t->e[i];
        m->last = e->now;
        if (is_segment(e)) mark_segment(m, e);
        if (e->kind != TRACE_EVENT) continue;
        /* RFC 9293 §3.10.7.4: a FIN arriving in TIME-WAIT restarts the 2 MSL timeout. */
        if (e->ev.type == SYNACK_EV_SEGMENT_IN && in_tw[e->side] &&
            (e->ev.seg.flags & SYNACK_TH_FIN))
            m->tw_restart[e->side] = e->now;
        if (e->ev.type == SYNACK_EV_ERROR && !m->error[e->side]) m->error[e->side] = e->ev.error;
        if (e->ev.type != SYNACK_EV_STATE) continue;
        mark_state(m, e);
        in_tw[e->side] = e->ev.new_state == SYNACK_TIME_WAIT;
    }
    if (m->est[0] != SYNACK_TIME_NEVER && m->est[1] != SYNACK_TIME_NEVER)
        m->open_end = m->est[0] > m->est[1] ? m->est[0] : m->est[1];
}

static enum phase_id classify(struct run_marks *m, const struct trace_entry *e)
{
    const struct synack_segment_info *s = &e->ev.seg;
    bool ends = (s->flags & (SYNACK_TH_FIN | SYNACK_TH_RST)) != 0;
    if (m->open_end == SYNACK_TIME_NEVER) return PH_OPEN; /* the handshake never completed */
    if (e->now < m->open_end || (e->now == m->open_end && !s->len && !ends)) return PH_OPEN;
    if (ends && m->close_start == SYNACK_TIME_NEVER) m->close_start = e->now;
    if (m->close_start == SYNACK_TIME_NEVER) return PH_DATA;
    if (s->flags & SYNACK_TH_RST) m->rst_in_close = true;
    return PH_CLOSE;
}

static void phase_add(struct phase *p, const struct trace_entry *e)
{
    char flags[32], item[64];
    const struct synack_segment_info *s = &e->ev.seg;
    if (p->segs++ == 0) p->first = e->now;
    p->last = e->now;
    p->lost += e->lost;
    p->rexmit += e->retransmission;
    p->bytes[e->side] += s->len;
    p->data_segs += s->len > 0;
    snprintf(item, sizeof(item), "%s%s%s%s", p->segs > 1 ? ", " : "",
             synack_flags_format(s->flags, flags, sizeof(flags)),
             e->retransmission ? " (again)" : "", e->lost ? " (lost)" : "");
    if (strlen(p->list) + strlen(item) < sizeof(p->list))
        strcat(p->list, item);
    else
        p->list_full = true;
}

static void line(FILE *f, const char *label, const char *text)
{
    char prefix[LABEL_W + 1];
    snprintf(prefix, sizeof(prefix), "%-*s", LABEL_W, label);
    wrap_print(f, prefix, text, LADDER_WIDTH);
}

/* "SYN, SYN,ACK, ACK: 3 segments" (the list only when it is short), then losses. */
static int seg_list(char *buf, size_t len, const struct phase *p)
{
    int n;
    if (p->list_full || p->segs > 8)
        n = snprintf(buf, len, "%zu segments", p->segs);
    else
        n = snprintf(buf, len, "%s: %zu segment%s", p->list, p->segs, p->segs == 1 ? "" : "s");
    if (n > 0 && (size_t)n < len && (p->lost || p->rexmit))
        n += snprintf(buf + n, len - (size_t)n, " (%zu lost on the link, %zu sent again)", p->lost,
                      p->rexmit);
    return n;
}

static int error_phrase(char *buf, size_t len, int err)
{
    const char *name = errno_name(err);
    return snprintf(buf, len, " with %s (%s)", name ? name : "an error", synack_strerror(err));
}

static void open_line(FILE *f, const struct run_marks *m, const struct phase *p)
{
    char text[512], a[32], b[32], e[96] = "";
    bool simultaneous = m->syn_only[SIDE_CLIENT] && m->syn_only[SIDE_SERVER];
    int n = seg_list(text, sizeof(text), p);
    if (n < 0 || (size_t)n >= sizeof(text)) return;
    if (m->open_end != SYNACK_TIME_NEVER) {
        snprintf(text + n, sizeof(text) - (size_t)n,
                 "; the client is ESTABLISHED after %s, the server after %s",
                 format_duration(m->est[SIDE_CLIENT] - m->first_syn, a, sizeof(a)),
                 format_duration(m->est[SIDE_SERVER] - m->first_syn, b, sizeof(b)));
    } else {
        synack_time_t end =
            m->closed[SIDE_CLIENT] != SYNACK_TIME_NEVER ? m->closed[SIDE_CLIENT] : m->last;
        if (m->error[SIDE_CLIENT]) error_phrase(e, sizeof(e), m->error[SIDE_CLIENT]);
        snprintf(text + n, sizeof(text) - (size_t)n,
                 "; no connection: the client's connect failed after %s%s",
                 format_duration(end - m->first_syn, a, sizeof(a)), e);
    }
    line(f, simultaneous ? "simultaneous open:" : "3-way handshake:", text);
}

static void data_line(FILE *f, const struct phase *p)
{
    char text[256];
    snprintf(text, sizeof(text),
             "%zu segment%s (%zu with data, %zu ACK%s): %u bytes client->server, %u bytes "
             "server->client",
             p->segs, p->segs == 1 ? "" : "s", p->data_segs, p->segs - p->data_segs,
             p->segs - p->data_segs == 1 ? "" : "s", p->bytes[SIDE_CLIENT], p->bytes[SIDE_SERVER]);
    line(f, "data:", text);
}

/* "the client is in TIME-WAIT after 10.0 ms" or "the server is CLOSED after 20.0 ms". */
static int side_end(char *buf, size_t len, const struct run_marks *m, int s)
{
    char d[32], e[96] = "";
    if (m->tw_in[s] != SYNACK_TIME_NEVER)
        return snprintf(buf, len, "the %s is in TIME-WAIT after %s", side_name(s),
                        format_duration(m->tw_in[s] - m->close_start, d, sizeof(d)));
    if (m->closed[s] == SYNACK_TIME_NEVER)
        return snprintf(buf, len, "the %s never reaches CLOSED", side_name(s));
    if (m->error[s]) error_phrase(e, sizeof(e), m->error[s]);
    if (m->closed[s] == m->close_start)
        return snprintf(buf, len, "the %s is CLOSED at once%s", side_name(s), e);
    return snprintf(buf, len, "the %s is CLOSED after %s%s", side_name(s),
                    format_duration(m->closed[s] - m->close_start, d, sizeof(d)), e);
}

static void close_line(FILE *f, const struct run_marks *m, const struct phase *p)
{
    char text[512], a[160], b[160];
    int n = seg_list(text, sizeof(text), p);
    if (n < 0 || (size_t)n >= sizeof(text)) return;
    if (p->bytes[0] + p->bytes[1])
        n += snprintf(text + n, sizeof(text) - (size_t)n,
                      "; after the first FIN, %u bytes of data still flow the other way",
                      p->bytes[0] + p->bytes[1]);
    side_end(a, sizeof(a), m, SIDE_CLIENT);
    side_end(b, sizeof(b), m, SIDE_SERVER);
    if (n > 0 && (size_t)n < sizeof(text))
        snprintf(text + n, sizeof(text) - (size_t)n, "; %s, %s", a, b);
    const char *label = m->rst_in_close             ? "abort:"
                        : m->closing                ? "simultaneous close:"
                        : p->bytes[0] + p->bytes[1] ? "half-close:"
                                                    : "4-way close:";
    line(f, label, text);
}

static void time_wait_line(FILE *f, const struct demo_setup *setup, const struct run_marks *m,
                           int s)
{
    char text[512], in[32], out[32], d[32], r[32], all[32];
    synack_time_t msl2 = 2 * setup->cfg.msl, closed = m->closed[s];
    if (closed == SYNACK_TIME_NEVER || closed < m->tw_in[s]) {
        snprintf(text, sizeof(text),
                 "the %s entered it at %s and is still in it when the demo "
                 "stops",
                 side_name(s), format_duration(m->tw_in[s], in, sizeof(in)));
    } else if (m->tw_restart[s] == m->tw_in[s]) {
        snprintf(text, sizeof(text), "the %s waits from %s to %s: %s%s", side_name(s),
                 format_duration(m->tw_in[s], in, sizeof(in)),
                 format_duration(closed, out, sizeof(out)),
                 format_duration(closed - m->tw_in[s], d, sizeof(d)),
                 closed - m->tw_in[s] == msl2 ? " = 2*MSL, then CLOSED" : ", then CLOSED");
    } else {
        snprintf(text, sizeof(text),
                 "the %s enters it at %s; at %s the FIN comes again and is ACKed again, which "
                 "restarts the 2*MSL timer; CLOSED at %s, %s after that%s (%s in TIME-WAIT)",
                 side_name(s), format_duration(m->tw_in[s], in, sizeof(in)),
                 format_duration(m->tw_restart[s], r, sizeof(r)),
                 format_duration(closed, out, sizeof(out)),
                 format_duration(closed - m->tw_restart[s], d, sizeof(d)),
                 closed - m->tw_restart[s] == msl2 ? " = 2*MSL" : "",
                 format_duration(closed - m->tw_in[s], all, sizeof(all)));
    }
    line(f, "TIME-WAIT:", text);
}

static void total_line(FILE *f, const struct run_marks *m, const struct phase *ph)
{
    size_t segs = 0, lost = 0, rexmit = 0;
    char text[256], d[32];
    for (int i = 0; i < PH_COUNT; i++) {
        segs += ph[i].segs;
        lost += ph[i].lost;
        rexmit += ph[i].rexmit;
    }
    snprintf(text, sizeof(text),
             "%zu segments, %zu lost on the link, %zu sent again; the last "
             "event at %s",
             segs, lost, rexmit, format_duration(m->last, d, sizeof(d)));
    line(f, "in all:", text);
}

void summary_print(FILE *f, const struct demo_setup *setup, const struct trace *t)
{
    struct run_marks m;
    struct phase ph[PH_COUNT];
    memset(ph, 0, sizeof(ph));
    find_marks(&m, t);
    for (size_t i = 0; i < t->len; i++)
        if (is_segment(&t->e[i])) phase_add(&ph[classify(&m, &t->e[i])], &t->e[i]);
    if (ph[PH_OPEN].segs) open_line(f, &m, &ph[PH_OPEN]);
    if (ph[PH_DATA].segs) data_line(f, &ph[PH_DATA]);
    if (ph[PH_CLOSE].segs) close_line(f, &m, &ph[PH_CLOSE]);
    for (int s = 0; s < 2; s++)
        if (m.tw_in[s] != SYNACK_TIME_NEVER) time_wait_line(f, setup, &m, s);
    total_line(f, &m, ph);
}
