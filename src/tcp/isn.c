/* tcp — initial sequence numbers (RFC 6528 §3): ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), M a 4-microsecond timer and F SipHash-2-4 under a per-stack secret. */
#include <string.h>

#include "tcp/tcb.h"

uint32_t sy_isn(const struct synack_stack *s, const struct synack_endpoint *local,
                const struct synack_endpoint *remote, synack_time_t now)
{
    uint8_t tuple[36];
    memcpy(tuple, local->addr.bytes, 16);
    memcpy(tuple + 16, remote->addr.bytes, 16);
    tuple[32] = (uint8_t)(local->port >> 8);
    tuple[33] = (uint8_t)local->port;
    tuple[34] = (uint8_t)(remote->port >> 8);
    tuple[35] = (uint8_t)remote->port;
    uint32_t f = (uint32_t)sy_siphash24(&s->isn_key, tuple, sizeof(tuple));
    uint32_t m = (uint32_t)(now / 4);
    return m + f;
}
