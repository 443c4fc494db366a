/* synack CLI — names for sides, calls and errno codes; time formatting. */
#include "names.h"

#include <errno.h>
#include <stdio.h>

const char *side_name(int side)
{
    return side == SIDE_CLIENT ? "client" : "server";
}

const char *side_title(int side)
{
    return side == SIDE_CLIENT ? "Client" : "Server";
}

const char *call_name(enum demo_call c)
{
    switch (c) {
    case CALL_LISTEN: return "listen";
    case CALL_CONNECT: return "connect";
    case CALL_ACCEPT: return "accept";
    case CALL_SEND: return "send";
    case CALL_RECV: return "recv";
    case CALL_SHUTDOWN: return "shutdown";
    case CALL_CLOSE: return "close";
    case CALL_ABORT: return "abort";
    }
    return "?";
}

const char *errno_name(int err)
{
    static const struct {
        int code;
        const char *name;
    } names[] = {
        {ECONNREFUSED, "ECONNREFUSED"},
        {ECONNRESET, "ECONNRESET"},
        {ETIMEDOUT, "ETIMEDOUT"},
        {EPIPE, "EPIPE"},
        {ENOTCONN, "ENOTCONN"},
        {EADDRINUSE, "EADDRINUSE"},
        {EAGAIN, "EAGAIN"},
        {EINVAL, "EINVAL"},
        {ENOMEM, "ENOMEM"},
        {ENETUNREACH, "ENETUNREACH"},
        {EISCONN, "EISCONN"},
        {EALREADY, "EALREADY"},
        {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
        {EOPNOTSUPP, "EOPNOTSUPP"},
        {ENOSPC, "ENOSPC"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].code == -err) return names[i].name;
    return NULL;
}

const char *format_ms(synack_time_t us, char *buf, size_t len)
{
    snprintf(buf, len, "%llu.%llu", (unsigned long long)(us / 1000),
             (unsigned long long)(us % 1000 / 100));
    return buf;
}

const char *format_duration(synack_time_t us, char *buf, size_t len)
{
    if (us < SYNACK_SEC(10)) {
        char ms[32];
        snprintf(buf, len, "%s ms", format_ms(us, ms, sizeof(ms)));
        return buf;
    }
    /* Seconds with up to three decimals, trailing zeros dropped: "60 s", "60.36 s". */
    unsigned long long ms = us % 1000000 / 1000;
    int decimals = ms == 0 ? 0 : ms % 100 == 0 ? 1 : ms % 10 == 0 ? 2 : 3;
    unsigned long long frac = decimals == 1 ? ms / 100 : decimals == 2 ? ms / 10 : ms;
    if (decimals)
        snprintf(buf, len, "%llu.%0*llu s", (unsigned long long)(us / 1000000), decimals, frac);
    else
        snprintf(buf, len, "%llu s", (unsigned long long)(us / 1000000));
    return buf;
}
