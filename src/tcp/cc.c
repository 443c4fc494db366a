/* tcp — congestion control: the registry and what all modules share. */
#include "tcp/cc.h"

/* RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)) for the default of ten segments; another
 * count of segments is taken as asked (RFC 5681 §3.1 allows up to four without 6928). */
uint32_t sy_cc_initial_window(uint32_t mss, unsigned iw_segments)
{
    if (iw_segments == 0) iw_segments = 1;
    uint64_t iw = (uint64_t)iw_segments * mss;
    if (iw_segments == 10) {
        uint64_t cap = 2 * (uint64_t)mss > 14600 ? 2 * (uint64_t)mss : 14600;
        if (iw > cap) iw = cap;
    }
    return iw > SY_CC_CWND_MAX ? SY_CC_CWND_MAX : (uint32_t)iw;
}

/* RFC 5681 §3.1 with RFC 3465 §2.2: slow start grows cwnd by the bytes acknowledged, at most
 * L = 2*SMSS per ACK. cwnd saturates at SY_CC_CWND_MAX: while ssthresh is still "arbitrarily
 * high" a long loss-free transfer acknowledges gigabytes. */
void sy_cc_slow_start(struct sy_cc *cc, uint32_t acked)
{
    uint32_t limit = 2 * cc->mss, inc = acked < limit ? acked : limit;
    if (cc->hs.on && cc->ssthresh == UINT32_MAX) inc = sy_hystart_on_ack(cc, inc);
    uint64_t cwnd = (uint64_t)cc->cwnd + inc;
    cc->cwnd = cwnd > SY_CC_CWND_MAX ? SY_CC_CWND_MAX : (uint32_t)cwnd;
}

/* RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
uint32_t sy_cc_half_flight(const struct sy_cc *cc)
{
    uint32_t half = cc->flight / 2;
    return half > 2 * cc->mss ? half : 2 * cc->mss;
}

const struct sy_cc_ops *sy_cc_lookup(enum synack_cc which)
{
    switch (which) {
    case SYNACK_CC_NEWRENO: return sy_cc_newreno_ops();
    case SYNACK_CC_CUBIC:
    case SYNACK_CC_COUNT: break;
    }
    return sy_cc_cubic_ops();
}
