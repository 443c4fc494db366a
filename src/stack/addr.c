/* stack — addresses with their family. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <synack/types.h>

struct synack_addr synack_addr_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct synack_addr addr = {.family = SYNACK_AF_INET, .bytes = {a, b, c, d}};
    return addr;
}

int synack_addr_parse(const char *text, struct synack_addr *out)
{
    unsigned v[4];
    char tail;
    if (!text || sscanf(text, "%3u.%3u.%3u.%3u%c", &v[0], &v[1], &v[2], &v[3], &tail) != 4)
        return -EINVAL;
    for (int i = 0; i < 4; i++)
        if (v[i] > 255) return -EINVAL;
    *out = synack_addr_v4((uint8_t)v[0], (uint8_t)v[1], (uint8_t)v[2], (uint8_t)v[3]);
    return 0;
}

const char *synack_addr_format(const struct synack_addr *addr, char *buf, size_t len)
{
    if (addr->family == SYNACK_AF_INET)
        snprintf(buf, len, "%u.%u.%u.%u", addr->bytes[0], addr->bytes[1], addr->bytes[2],
                 addr->bytes[3]);
    else
        snprintf(buf, len, "*");
    return buf;
}

bool synack_addr_equal(const struct synack_addr *a, const struct synack_addr *b)
{
    if (a->family != b->family) return false;
    size_t n = a->family == SYNACK_AF_INET6 ? 16 : a->family == SYNACK_AF_INET ? 4 : 0;
    return memcmp(a->bytes, b->bytes, n) == 0;
}
