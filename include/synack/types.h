/* synack — basic types shared by the whole public API. */
#ifndef SYNACK_TYPES_H
#define SYNACK_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Time: monotonic microseconds, always passed in by the caller. */
typedef uint64_t synack_time_t;
#define SYNACK_TIME_NEVER UINT64_MAX
#define SYNACK_USEC(x)    ((synack_time_t)(x))
#define SYNACK_MSEC(x)    ((synack_time_t)(x)*1000u)
#define SYNACK_SEC(x)     ((synack_time_t)(x)*1000000u)

enum synack_family { SYNACK_AF_NONE = 0, SYNACK_AF_INET = 4, SYNACK_AF_INET6 = 6 };

/* An address carries its family so IPv6 can sit beside IPv4. Bytes in network order. */
struct synack_addr {
    uint8_t family; /* enum synack_family */
    uint8_t bytes[16];
};

struct synack_endpoint {
    struct synack_addr addr;
    uint16_t port; /* host order */
};

/* Build an IPv4 address from its four octets; parse "a.b.c.d" (returns 0 or -EINVAL). */
struct synack_addr synack_addr_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
int synack_addr_parse(const char *text, struct synack_addr *out);
/* Write "a.b.c.d" into buf (at least 16 bytes); returns buf. */
const char *synack_addr_format(const struct synack_addr *addr, char *buf, size_t len);
bool synack_addr_equal(const struct synack_addr *a, const struct synack_addr *b);

/* Error strings for the negative errno-style codes every call returns. */
const char *synack_strerror(int err);

#endif
