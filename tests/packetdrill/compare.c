/* packetdrill runner — matching an outbound segment against the script (compare.h). */
#include "compare.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "map.h"
#include "wire/tcp.h"

__attribute__((format(printf, 3, 4))) static int differ(char *what, size_t cap, const char *fmt,
                                                        ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, cap, fmt, ap);
    va_end(ap);
    return -1;
}

static int compare_ip(const struct pd_packet *want, const struct pd_seg *seg, char *what,
                      size_t cap)
{
    int ecn = seg->tos & 3;
    if (want->ip.tos >= 0 && want->ip.tos != seg->tos)
        return differ(what, cap, "tos: expected 0x%x, actual 0x%x", want->ip.tos, seg->tos);
    if (want->ip.ecn == PD_ECN_ECT01 && ecn != 1 && ecn != 2)
        return differ(what, cap, "ECN: expected ECT(0) or ECT(1), actual %d", ecn);
    if (want->ip.ecn >= 0 && want->ip.ecn < PD_ECN_ECT01 && want->ip.ecn != ecn)
        return differ(what, cap, "ECN: expected %d, actual %d", want->ip.ecn, ecn);
    if (want->ip.ttl >= 0 && want->ip.ttl != seg->ttl)
        return differ(what, cap, "ttl: expected %d, actual %u", want->ip.ttl, seg->ttl);
    return 0;
}

static int compare_header(const struct pd_packet *want, const struct pd_packet *act, char *what,
                          size_t cap)
{
    char fw[12], fa[12];
    pd_format_flags(want->flags, fw, sizeof fw);
    pd_format_flags(act->flags, fa, sizeof fa);
    uint32_t want_ack = want->has_ack ? want->ack : 0;
    if (want->flags != act->flags)
        return differ(what, cap, "flags: expected %s, actual %s", fw, fa);
    if (!want->seq_any && want->seq != act->seq)
        return differ(what, cap, "seq: expected %u, actual %u", want->seq, act->seq);
    if (want->len != act->len)
        return differ(what, cap, "payload: expected %u bytes, actual %u", want->len, act->len);
    if (want_ack != act->ack)
        return differ(what, cap, "ack: expected %u, actual %u", want_ack, act->ack);
    if (want->win >= 0 && want->win != act->win)
        return differ(what, cap, "window: expected %d, actual %d", want->win, act->win);
    if (want->urg != act->urg)
        return differ(what, cap, "urgent pointer: expected %u, actual %u", want->urg, act->urg);
    return 0;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int compare_one_option(const struct pd_run *r, const uint8_t *w, const uint8_t *a, int n,
                              char *what, size_t cap)
{
    if (w[0] == SY_TCPOPT_TS) {
        int64_t tick = r->script->opts.ts_tick_usecs;
        int64_t dv = (int32_t)(get32(a + 2) - get32(w + 2));
        if (tick && llabs(dv) * tick > r->script->opts.tolerance_usecs)
            return differ(what, cap, "TS val: expected %u, actual %u", get32(w + 2), get32(a + 2));
        return 0;
    }
    if (w[0] != SY_TCPOPT_EOL && w[0] != SY_TCPOPT_NOP && memcmp(w, a, (size_t)n) != 0)
        return differ(what, cap, "options: the value of option kind %u differs", w[0]);
    return 0;
}

static int compare_options(const struct pd_run *r, const struct pd_packet *want,
                           const struct pd_packet *act, char *what, size_t cap)
{
    size_t wo = 0, ao = 0;
    for (;;) {
        int wn = pd_opt_len(want->opts, want->opts_len, wo);
        int an = pd_opt_len(act->opts, act->opts_len, ao);
        if (wn == 0 && an == 0) return 0;
        if (an < 0) return differ(what, cap, "options: malformed");
        if (wn == 0 || an == 0 || want->opts[wo] != act->opts[ao] || wn != an)
            return differ(what, cap, "options: expected kind %d at byte %zu, actual %d",
                          wn ? want->opts[wo] : -1, wo, an ? act->opts[ao] : -1);
        if (compare_one_option(r, want->opts + wo, act->opts + ao, wn, what, cap) < 0) return -1;
        wo += (size_t)wn;
        ao += (size_t)an;
    }
}

int pd_compare(struct pd_run *r, const struct pd_packet *want, const struct pd_seg *seg, char *what,
               size_t cap)
{
    if (want->icmp) return differ(what, cap, "an outbound ICMP message cannot be checked");
    int wts = pd_find_ts(want->opts, want->opts_len), ats = pd_find_ts(seg->opts, seg->opts_len);
    if (r->sut && wts >= 0 && ats >= 0)
        pd_map_ts_learn(r->sut, get32(want->opts + wts + 2), get32(seg->opts + ats + 2));
    struct pd_packet act;
    pd_map_outbound(r->sut, seg, want, &act);
    if (compare_ip(want, seg, what, cap) < 0 || compare_header(want, &act, what, cap) < 0)
        return -1;
    if (!want->opts_any && compare_options(r, want, &act, what, cap) < 0) return -1;
    return 0;
}
