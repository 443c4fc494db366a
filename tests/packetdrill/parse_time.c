/* packetdrill runner — an event's time: "0.100" (absolute), "+0.1" or "+ 0.1" (relative to the
 * previous event), "*" (any time), "0.1~0.2" and "+0~+0.04" (a range), and for a blocking call
 * "0.1...0.2" (it starts at 0.1 and returns at 0.2). */
#include "parse.h"

static int seconds(struct pd_cursor *c, bool *rel, int64_t *usecs, int line, struct pd_error *err)
{
    *rel = pd_accept(c, '+');
    if (!pd_seconds(c, usecs)) return pd_error_set(err, line, "bad time");
    return 0;
}

int pd_parse_time(struct pd_cursor *c, struct pd_time *t, int64_t *end_usecs, int line,
                  struct pd_error *err)
{
    bool rel, rel_end;
    *end_usecs = -1;
    t->end_usecs = 0;
    if (pd_accept(c, '*')) {
        t->kind = PD_TIME_ANY;
        t->usecs = 0;
        return 0;
    }
    if (seconds(c, &rel, &t->usecs, line, err) < 0) return -1;
    t->kind = rel ? PD_TIME_REL : PD_TIME_ABS;
    if (pd_accept(c, '~')) {
        if (seconds(c, &rel_end, &t->end_usecs, line, err) < 0) return -1;
        if (rel != rel_end) return pd_error_set(err, line, "time range mixes + and absolute");
        if (t->end_usecs < t->usecs)
            return pd_error_set(err, line, "time range ends before it starts");
        t->kind = rel ? PD_TIME_REL_RANGE : PD_TIME_ABS_RANGE;
    } else if (pd_accept_str(c, "...")) {
        if (seconds(c, &rel_end, end_usecs, line, err) < 0) return -1;
        if (rel_end) *end_usecs += t->usecs; /* "+0...+0.1": both from the same start */
    }
    return 0;
}
