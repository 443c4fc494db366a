/* tcp — HyStart++ (RFC 9406): slow start that watches the RTT. Each round (a window of data) the
 * smallest RTT sample is kept; when a round's minimum exceeds the last one's by RttThresh, the
 * queue at the bottleneck has begun to fill: Conservative Slow Start (CSS) grows cwnd at a
 * quarter of the rate for CSS_ROUNDS rounds, then congestion avoidance begins at that cwnd. A
 * round whose minimum falls back below the baseline was a false alarm: slow start resumes. */
#include "tcp/cc.h"

#define MIN_RTT_THRESH     SYNACK_MSEC(4) /* §4.3 constants */
#define MAX_RTT_THRESH     SYNACK_MSEC(16)
#define MIN_RTT_DIVISOR    8
#define N_RTT_SAMPLE       8
#define CSS_GROWTH_DIVISOR 4
#define CSS_ROUNDS         5

void sy_hystart_init(struct sy_hystart *h, bool on)
{
    *h = (struct sy_hystart){.on = on,
                             .last_round_min = SYNACK_TIME_NEVER,
                             .cur_round_min = SYNACK_TIME_NEVER,
                             .css_baseline = SYNACK_TIME_NEVER};
}

/* "At the start of each round": the next round ends when SND.NXT of now is acknowledged. */
static void round_start(struct sy_hystart *h, uint32_t nxt)
{
    h->round_open = true;
    h->window_end = nxt;
    h->last_round_min = h->cur_round_min;
    h->cur_round_min = SYNACK_TIME_NEVER;
    h->samples = 0;
}

/* The delay test of §4.2, once a round has N_RTT_SAMPLE samples and the last round had some. */
static void check_delay(struct sy_hystart *h)
{
    if (h->samples < N_RTT_SAMPLE || h->cur_round_min == SYNACK_TIME_NEVER ||
        h->last_round_min == SYNACK_TIME_NEVER)
        return;
    if (!h->in_css) {
        synack_time_t t = h->last_round_min / MIN_RTT_DIVISOR;
        if (t > MAX_RTT_THRESH) t = MAX_RTT_THRESH;
        if (t < MIN_RTT_THRESH) t = MIN_RTT_THRESH;
        if (h->cur_round_min >= h->last_round_min + t) { /* exit slow start, enter CSS */
            h->css_baseline = h->cur_round_min;
            h->in_css = true;
            h->css_rounds = 0;
        }
    } else if (h->cur_round_min < h->css_baseline) { /* a spurious exit: back to slow start */
        h->css_baseline = SYNACK_TIME_NEVER;
        h->in_css = false;
    }
}

uint32_t sy_hystart_on_ack(struct sy_cc *cc, uint32_t increase)
{
    struct sy_hystart *h = &cc->hs;
    if (!h->round_open || (int32_t)(cc->una - h->window_end) >= 0) {
        if (h->round_open && h->in_css && ++h->css_rounds >= CSS_ROUNDS) {
            cc->ssthresh = cc->cwnd; /* CSS done: congestion avoidance from here */
            h->in_css = false;
            return 0;
        }
        round_start(h, cc->nxt);
    }
    if (cc->rtt) {
        if (cc->rtt < h->cur_round_min) h->cur_round_min = cc->rtt;
        h->samples++;
    }
    check_delay(h);
    return h->in_css ? increase / CSS_GROWTH_DIVISOR : increase;
}
