/* api — socket addresses: struct sockaddr_in to and from an endpoint. */
#include <errno.h>
#include <string.h>

#include "api/sock.h"

int sy_sock_addr_in(const struct sockaddr *sa, socklen_t len, struct synack_endpoint *out)
{
    if (!sa || len < (socklen_t)sizeof(struct sockaddr_in)) return -EINVAL;
    if (sa->sa_family != AF_INET) return -EAFNOSUPPORT;
    struct sockaddr_in in;
    memcpy(&in, sa, sizeof(in));
    *out = (struct synack_endpoint){.port = ntohs(in.sin_port)};
    if (in.sin_addr.s_addr != htonl(INADDR_ANY)) {
        out->addr.family = SYNACK_AF_INET;
        memcpy(out->addr.bytes, &in.sin_addr.s_addr, 4);
    }
    return 0;
}

/* As the kernel: the address truncated to *len, *len set to its full size. */
void sy_sock_addr_out(const struct synack_endpoint *ep, struct sockaddr *sa, socklen_t *len)
{
    if (!sa || !len) return;
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(ep->port)};
    if (ep->addr.family == SYNACK_AF_INET) memcpy(&in.sin_addr.s_addr, ep->addr.bytes, 4);
    size_t n = *len < sizeof(in) ? *len : sizeof(in);
    memcpy(sa, &in, n);
    *len = sizeof(in);
}
