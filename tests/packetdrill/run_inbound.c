/* packetdrill runner — injecting the script's packets: which socket a packet belongs to (a SYN
 * to a listener makes a child, as packetdrill), its live numbers, its bytes. */
#include <string.h>

#include <stdio.h>

#include "format.h"
#include "map.h"
#include "run.h"
#include "wire/tcp.h"

struct pd_sock *pd_sock_new(struct pd_run *r, enum pd_sock_state st)
{
    if (r->nsocks == PD_MAX_SOCKS) return NULL;
    struct pd_sock *s = &r->socks[r->nsocks++];
    memset(s, 0, sizeof(*s));
    s->state = st;
    s->script_fd = s->live_fd = -1;
    return s;
}

/* The socket an inbound packet is for; NULL when out of room. */
static struct pd_sock *owner(struct pd_run *r, const struct pd_packet *p)
{
    struct pd_sock *s = r->sut;
    bool syn_only = !p->icmp && (p->flags & (SY_TH_SYN | SY_TH_ACK)) == SY_TH_SYN;
    if (syn_only && (!s || s->state == PD_SOCK_LISTENING)) {
        struct pd_sock *c = pd_sock_new(r, PD_SOCK_CHILD_SYN);
        if (!c) return NULL;
        c->local_port = s && s->local_port ? s->local_port : (uint16_t)r->script->opts.bind_port;
        c->remote_port = r->next_remote_port++;
        c->remote_isn = p->seq;
        return r->sut = c;
    }
    if (!s && !(s = r->sut = pd_sock_new(r, PD_SOCK_NEW))) return NULL;
    if (!s->local_port) s->local_port = (uint16_t)r->script->opts.bind_port;
    if (!s->remote_port) s->remote_port = r->next_remote_port++;
    return s;
}

static void track_state(struct pd_sock *s, const struct pd_packet *p)
{
    bool syn = p->flags & SY_TH_SYN, ack = p->flags & SY_TH_ACK;
    if (s->state == PD_SOCK_CHILD_SYNACK && ack) {
        s->state = PD_SOCK_CHILD_ACKED;
    } else if ((s->state == PD_SOCK_SYN_SENT || s->state == PD_SOCK_CONNECTING) && syn && ack) {
        s->state = PD_SOCK_SYN_ACKED;
        s->remote_isn = p->seq;
    }
}

static int inject(struct pd_run *r, const uint8_t *pkt, size_t len)
{
    if (!len) return pd_fail(r, "cannot build the packet");
    synack_sockets_input(r->set, r->dev, pkt, len);
    return 0;
}

static int inbound_icmp(struct pd_run *r, const struct pd_packet *p, const struct pd_sock *s)
{
    struct pd_icmp_out m = {.type = p->icmp_type,
                            .code = p->icmp_code,
                            .mtu = p->icmp_mtu,
                            .sport = s->local_port,
                            .dport = s->remote_port,
                            .seq = p->seq + pd_local_offset(s, false),
                            .len = p->len};
    memcpy(m.src, r->remote.bytes, 4);
    memcpy(m.dst, r->local.bytes, 4);
    memcpy(m.quoted_src, r->local.bytes, 4);
    memcpy(m.quoted_dst, r->remote.bytes, 4);
    return inject(r, r->scratch, pd_build_icmp(&m, r->scratch, sizeof r->scratch));
}

int pd_inbound(struct pd_run *r, const struct pd_packet *p)
{
    if (r->verbose) {
        char text[512];
        fprintf(stderr, "%9.6f   < %s\n", (double)pd_script_now(r) / 1e6,
                pd_format_packet(p, text, sizeof text));
    }
    struct pd_sock *s = owner(r, p);
    if (!s) return pd_fail(r, "too many sockets");
    if (p->icmp) return inbound_icmp(r, p, s);
    track_state(s, p);
    struct pd_seg seg;
    memset(&seg, 0, sizeof seg);
    pd_map_inbound(s, p, &seg);
    memcpy(seg.src, r->remote.bytes, 4);
    memcpy(seg.dst, r->local.bytes, 4);
    seg.sport = s->remote_port;
    seg.dport = s->local_port;
    seg.ttl = (uint8_t)(p->ip.ttl >= 0 ? p->ip.ttl : 64);
    seg.tos = (uint8_t)(p->ip.tos >= 0 ? p->ip.tos : 0);
    if (p->ip.ecn >= 0)
        seg.tos = (uint8_t)((seg.tos & ~3) | (p->ip.ecn == PD_ECN_ECT01 ? 2 : p->ip.ecn));
    return inject(r, r->scratch, pd_build_tcp(&seg, r->scratch, sizeof r->scratch));
}
