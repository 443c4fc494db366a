/* stack — creation, devices and addresses, packet input, poll and deadlines. */
#define _DEFAULT_SOURCE /* getentropy() */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ip/ipv4.h"
#include "stack/stack.h"
#include "wire/ether.h"
#include "tcp/tcb.h"

/* 64 random bits from the kernel (getentropy(3), getrandom(2) underneath). If that fails, which
 * no supported kernel does, the stack's own address (randomised by ASLR) is the weak fallback. */
uint64_t sy_stack_random_seed(void)
{
    uint64_t v = 0;
    if (getentropy(&v, sizeof v) != 0 || v == 0)
        v = (uint64_t)(uintptr_t)&v * 0x9e3779b97f4a7c15ull;
    return v ? v : 1;
}

void synack_config_init(struct synack_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->seed = 0; /* random per stack (synack_stack_new) */
    cfg->msl = SYNACK_SEC(30);
    cfg->rto_initial = SYNACK_SEC(1); /* RFC 6298 §2.1 */
    cfg->rto_min = SYNACK_MSEC(200);  /* Linux's floor; RFC 6298 §2.4 allows it */
    cfg->rto_max = SYNACK_SEC(60);    /* RFC 6298 §2.5 */
    /* RFC 9293 §3.8.3 (MUST-23): R2 for a SYN covers at least 3 minutes. With the 1 s initial
     * RTO doubling up to rto_max (60 s), 7 tries give up at 183 s; 6 gave up at 123 s. */
    cfg->syn_retries = 7;
    cfg->synack_retries = 5;
    cfg->data_retries = 15;
    cfg->r1_retries = 3; /* RFC 9293 §3.8.3 SHLD-10: at least 3; Linux's tcp_retries1 */
    cfg->fin_wait_2_timeout = SYNACK_SEC(60);
    cfg->sndbuf = 64 * 1024;
    cfg->rcvbuf = 64 * 1024;
    cfg->mss = 0;
    cfg->ip_ttl = 64;
    cfg->opt_wscale = true;
    cfg->opt_timestamps = true;
    cfg->opt_sack = true;
    cfg->rfc5961_rst = cfg->rfc5961_syn = cfg->rfc5961_ack = true;
    cfg->time_wait_reopen = true;
    cfg->ecn = SYNACK_ECN_PASSIVE;
    cfg->ecn_syn_retries = 1;
    cfg->syn_backlog = 128;
    cfg->max_conns = 0;
    cfg->ephemeral_lo = 49152;
    cfg->ephemeral_hi = 65535;
    cfg->cc = SYNACK_CC_CUBIC;
    cfg->initial_window = 10; /* RFC 6928 */
    cfg->hystart = true;
    cfg->nodelay = false;
    cfg->delack_timeout = SYNACK_MSEC(40); /* Linux's; RFC 9293 §3.8.6.3 wants < 500 ms */
    cfg->keepalive = false;
    cfg->keepidle = SYNACK_SEC(7200); /* RFC 9293 §3.8.4: no less than two hours */
    cfg->keepintvl = SYNACK_SEC(75);
    cfg->keepcnt = 9;
    cfg->user_timeout = 0;
}

static void stack_keys(struct synack_stack *s)
{
    /* RFC 9293 MUST-9 / RFC 6528: no secret anyone can read in the source. */
    if (s->cfg.seed == 0) s->cfg.seed = sy_stack_random_seed();
    /* Both secrets derive from the seed; a different seed gives unrelated keys. */
    struct sy_siphash_key k = {s->cfg.seed, ~s->cfg.seed};
    static const char isn_tag[] = "synack-isn";
    static const char hash_tag[] = "synack-demux";
    s->isn_key.k0 = sy_siphash24(&k, isn_tag, sizeof(isn_tag));
    s->isn_key.k1 = sy_siphash24(&k, isn_tag, sizeof(isn_tag) - 1);
    s->hash_key.k0 = sy_siphash24(&k, hash_tag, sizeof(hash_tag));
    s->hash_key.k1 = sy_siphash24(&k, hash_tag, sizeof(hash_tag) - 1);
    s->ephemeral_next = (uint32_t)sy_siphash24(&s->hash_key, &s->cfg.seed, sizeof(s->cfg.seed));
}

void synack_config_init_freebsd(struct synack_config *cfg)
{
    synack_config_init(cfg);
    cfg->opt_layout = SYNACK_OPTS_BSD;
    cfg->max_sockbuf = 2 * 1024 * 1024; /* kern.ipc.maxsockbuf */
    cfg->buf_round_mss = true;
    cfg->rcv_wnd_bsd = true;
    cfg->ack_resends_fin = true;
    cfg->time_wait_bsd = true;
    cfg->rto_slop = SYNACK_MSEC(200); /* net.inet.tcp.rexmit_slop */
    cfg->rto_min = SYNACK_MSEC(30);   /* net.inet.tcp.rexmit_min */
    cfg->drop_synfin = false;         /* net.inet.tcp.drop_synfin */
    cfg->delack_two_segments = true;
    cfg->icmp_bsd = true;
    cfg->delack_timeout = SYNACK_MSEC(100); /* net.inet.tcp.delacktime */
    cfg->sndbuf = 32 * 1024;                /* net.inet.tcp.sendspace */
    cfg->syn_retries = 12;                  /* TCP_MAXRXTSHIFT */
    cfg->rto_max = SYNACK_SEC(64);          /* TCPTV_REXMTMAX */
    cfg->connect_timeout = SYNACK_SEC(75);  /* net.inet.tcp.keepinit */
    cfg->rcvbuf = 64 * 1024;                /* net.inet.tcp.recvspace */
}

/* Each rule: a setting out of its range, and what it must be. */
int synack_config_check(const struct synack_config *cfg, const char **why)
{
    const char *bad = NULL;
    if (!cfg)
        bad = "no configuration";
    else if (cfg->msl == 0)
        bad = "msl must be positive";
    else if (cfg->rto_max == 0 || cfg->rto_min > cfg->rto_max)
        bad = "rto_min must not exceed rto_max, and rto_max must be positive";
    else if (cfg->rto_slop > cfg->rto_max)
        bad = "rto_slop must not exceed rto_max";
    else if (cfg->rto_initial < cfg->rto_min || cfg->rto_initial > cfg->rto_max)
        bad = "rto_initial must lie between rto_min and rto_max";
    else if (cfg->delack_timeout >= SYNACK_MSEC(500))
        bad = "delack_timeout must be below 500 ms (RFC 9293 section 3.8.6.3, MUST-40)";
    else if (cfg->sndbuf == 0 || cfg->rcvbuf == 0 || cfg->sndbuf > (1u << 30) ||
             cfg->rcvbuf > (1u << 30))
        bad = "sndbuf and rcvbuf must be from 1 byte to 1 GiB (RFC 7323 section 2.3)";
    else if (cfg->ip_ttl == 0)
        bad = "ip_ttl must be from 1 to 255";
    else if (cfg->mss != 0 && cfg->mss < 64)
        bad = "mss must be 0 (from the device MTU) or at least 64";
    else if (cfg->max_sockbuf > (1u << 30) ||
             (cfg->max_sockbuf &&
              (cfg->sndbuf > cfg->max_sockbuf || cfg->rcvbuf > cfg->max_sockbuf)))
        bad = "max_sockbuf must be 0 or from the buffer sizes to 1 GiB";
    else if ((unsigned)cfg->opt_layout > SYNACK_OPTS_BSD)
        bad = "opt_layout must be SYNACK_OPTS_LINUX or SYNACK_OPTS_BSD";
    else if ((unsigned)cfg->ecn > SYNACK_ECN_PASSIVE)
        bad = "ecn must be SYNACK_ECN_OFF, SYNACK_ECN_ON or SYNACK_ECN_PASSIVE";
    else if (cfg->connect_timeout > SYNACK_CONNECT_TIMEOUT_MAX)
        bad = "connect_timeout must be at most a year (SYNACK_CONNECT_TIMEOUT_MAX)";
    else if (cfg->user_timeout > SYNACK_USER_TIMEOUT_MAX)
        bad = "user_timeout must be at most a year (SYNACK_USER_TIMEOUT_MAX)";
    else if (cfg->initial_window == 0)
        bad = "initial_window must be at least one segment";
    else if ((unsigned)cfg->cc >= SYNACK_CC_COUNT)
        bad = "cc must name a congestion control algorithm";
    else if (cfg->keepidle == 0 || cfg->keepintvl == 0) /* also for synack_set_keepalive() */
        bad = "keepidle and keepintvl must be positive";
    if (why) *why = bad;
    return bad ? -EINVAL : 0;
}

int synack_stack_set_config(struct synack_stack *s, const struct synack_config *cfg,
                            const char **why)
{
    int err = synack_config_check(cfg, why);
    if (err || !s) return err ? err : -EINVAL;
    uint64_t seed = s->cfg.seed;
    uint16_t lo = s->cfg.ephemeral_lo, hi = s->cfg.ephemeral_hi;
    s->cfg = *cfg;
    s->cfg.seed = seed;
    if (cfg->ephemeral_lo == 0 || cfg->ephemeral_hi < cfg->ephemeral_lo) {
        s->cfg.ephemeral_lo = lo;
        s->cfg.ephemeral_hi = hi;
    }
    return 0;
}

struct synack_stack *synack_stack_new(const struct synack_config *cfg)
{
    if (cfg && synack_config_check(cfg, NULL) != 0) return NULL;
    struct synack_stack *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    if (cfg)
        s->cfg = *cfg;
    else
        synack_config_init(&s->cfg);
    if (s->cfg.ephemeral_lo == 0 || s->cfg.ephemeral_hi < s->cfg.ephemeral_lo) {
        s->cfg.ephemeral_lo = 49152;
        s->cfg.ephemeral_hi = 65535;
    }
    stack_keys(s);
    s->event_mask = SYNACK_EV_ALL;
    if (sy_demux_init(&s->demux) < 0 || sy_timers_init(&s->timers) < 0) {
        sy_demux_free(&s->demux);
        free(s);
        return NULL;
    }
    return s;
}

void synack_stack_free(struct synack_stack *s)
{
    if (!s) return;
    while (s->all)
        sy_conn_free(s->all);
    sy_demux_free(&s->demux);
    sy_timers_free(&s->timers);
    sy_reasm_free(&s->reasm);
    sy_arp_free(&s->arp);
    free(s);
}

const struct synack_config *synack_stack_config(const struct synack_stack *s)
{
    return &s->cfg;
}

int synack_stack_add_device(struct synack_stack *s, const struct synack_device_ops *ops, void *ctx,
                            uint16_t mtu)
{
    if (!ops || !ops->transmit || mtu < 68) return -EINVAL; /* RFC 791: 68 is the minimum */
    if (s->ndevs == SY_MAX_DEVICES) return -ENOSPC;
    s->devs[s->ndevs] = (struct sy_device){*ops, ctx, mtu};
    return s->ndevs++;
}

int synack_stack_add_ether_device(struct synack_stack *s, const struct synack_device_ops *ops,
                                  void *ctx, uint16_t mtu, const uint8_t mac[6])
{
    if (!mac || (mac[0] & 1)) return -EINVAL; /* a group address cannot be a device's own */
    int dev = synack_stack_add_device(s, ops, ctx, mtu);
    if (dev < 0) return dev;
    s->devs[dev].ether = true;
    memcpy(s->devs[dev].mac, mac, 6);
    return dev;
}

int synack_stack_set_gateway(struct synack_stack *s, const struct synack_addr *gw)
{
    if (!gw || (gw->family != SYNACK_AF_INET && gw->family != SYNACK_AF_NONE)) return -EINVAL;
    s->gateway = *gw;
    return 0;
}

int synack_stack_add_addr(struct synack_stack *s, int dev, const struct synack_addr *addr,
                          unsigned prefix_len)
{
    if (dev < 0 || dev >= s->ndevs || !addr) return -EINVAL;
    if (addr->family != SYNACK_AF_INET) return -EAFNOSUPPORT;
    if (prefix_len > 32) return -EINVAL;
    if (s->naddrs == SY_MAX_ADDRS) return -ENOSPC;
    s->addrs[s->naddrs++] = (struct sy_ifaddr){dev, *addr, prefix_len};
    return 0;
}

bool sy_stack_is_local(const struct synack_stack *s, const struct synack_addr *addr)
{
    for (int i = 0; i < s->naddrs; i++)
        if (synack_addr_equal(&s->addrs[i].addr, addr)) return true;
    return false;
}

bool sy_stack_on_prefix(const struct sy_ifaddr *ia, const struct synack_addr *dst)
{
    unsigned bits = ia->prefix_len;
    for (unsigned i = 0; i < 4 && bits; i++) {
        unsigned take = bits >= 8 ? 8 : bits;
        uint8_t mask = (uint8_t)(0xff << (8 - take));
        if ((ia->addr.bytes[i] & mask) != (dst->bytes[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

/* The host part of a on the prefix of ia is all ones: ia's subnet broadcast (RFC 1122
 * §3.2.1.3 (d)); /31 and /32 have none (RFC 3021). */
static bool subnet_broadcast(const struct sy_ifaddr *ia, const struct synack_addr *a)
{
    if (ia->prefix_len > 30 || !sy_stack_on_prefix(ia, a)) return false;
    uint32_t v = (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
                 (uint32_t)a->bytes[2] << 8 | a->bytes[3];
    uint32_t host = ia->prefix_len ? 0xffffffffu >> ia->prefix_len : 0xffffffffu;
    return (v & host) == host;
}

/* RFC 1122 §3.2.1.3 and §4.2.3.10, RFC 9293 MUST-46 and MUST-63: a TCP peer is a unicast host:
 * not "this network" (0/8), loopback (127/8, never on a device), multicast (224/4), reserved or
 * limited broadcast (240/4), nor the broadcast address of one of our subnets. */
bool sy_stack_addr_unicast(const struct synack_stack *s, const struct synack_addr *a)
{
    if (a->family != SYNACK_AF_INET) return false;
    uint8_t b0 = a->bytes[0];
    if (b0 == 0 || b0 == 127 || b0 >= 224) return false;
    for (int i = 0; i < s->naddrs; i++)
        if (subnet_broadcast(&s->addrs[i], a)) return false;
    return true;
}

int sy_stack_route(const struct synack_stack *s, const struct synack_addr *dst, int *dev,
                   struct synack_addr *src)
{
    const struct sy_ifaddr *best = NULL;
    for (int i = 0; i < s->naddrs; i++) {
        const struct sy_ifaddr *ia = &s->addrs[i];
        if (ia->addr.family != dst->family) continue;
        if (sy_stack_on_prefix(ia, dst) && (!best || ia->prefix_len > best->prefix_len)) best = ia;
    }
    /* No on-link match: the first address's device is the default route. */
    for (int i = 0; !best && i < s->naddrs; i++)
        if (s->addrs[i].addr.family == dst->family) best = &s->addrs[i];
    if (!best) return -ENETUNREACH;
    *dev = best->dev;
    *src = best->addr;
    return 0;
}

/* An Ethernet frame: ours (or broadcast), then IPv4 or ARP by its EtherType. */
static int ether_input(struct synack_stack *s, int dev, const uint8_t *frame, size_t len,
                       synack_time_t now)
{
    struct sy_ether e;
    if (sy_ether_parse(frame, len, &e) != SY_WIRE_OK ||
        (memcmp(e.dst, s->devs[dev].mac, 6) != 0 && !sy_ether_is_broadcast(e.dst))) {
        sy_stack_drop(s, NULL, SYNACK_DROP_LINK, now);
        return -EINVAL;
    }
    if (e.type == SY_ETH_TYPE_IPV4) return sy_ip_input(s, dev, e.payload, e.payload_len, now);
    if (e.type == SY_ETH_TYPE_ARP) {
        sy_arp_input(s, dev, &e, now);
        return 0;
    }
    sy_stack_drop(s, NULL, SYNACK_DROP_LINK, now);
    return -EPROTONOSUPPORT;
}

int synack_stack_input(struct synack_stack *s, int dev, const uint8_t *pkt, size_t len,
                       synack_time_t now)
{
    if (dev < 0 || dev >= s->ndevs || (!pkt && len)) return -EINVAL;
    s->counters.packets_in++;
    if (s->devs[dev].ether) return ether_input(s, dev, pkt, len, now);
    return sy_ip_input(s, dev, pkt, len, now);
}

int synack_stack_input_batch(struct synack_stack *s, int dev, const struct synack_packet *pkts,
                             size_t n, synack_time_t now)
{
    if (dev < 0 || dev >= s->ndevs || (!pkts && n)) return -EINVAL;
    size_t taken = 0;
    synack_stack_batch_begin(s);
    for (size_t i = 0; i < n; i++)
        if (synack_stack_input(s, dev, pkts[i].data, pkts[i].len, now) == 0) taken++;
    synack_stack_batch_end(s, now);
    return (int)taken;
}

void synack_stack_batch_begin(struct synack_stack *s)
{
    s->batch = true; /* RFC 9293 §3.10.7.4 (MUST-59): every packet before any ACK */
}

void synack_stack_batch_end(struct synack_stack *s, synack_time_t now)
{
    sy_ack_batch_flush(s, now);
}

void synack_stack_poll(struct synack_stack *s, synack_time_t now)
{
    /* Neighbours first: an entry that gave up is gone before a retransmission asks anew. */
    if (sy_arp_next(&s->arp) <= now) sy_arp_expire(s, now);
    if (sy_reasm_next(&s->reasm) <= now) sy_reasm_expire(s, now);
    sy_timers_run(s, now);
}

synack_time_t synack_stack_next_deadline(const struct synack_stack *s)
{
    synack_time_t t = sy_timers_next(&s->timers), r = sy_reasm_next(&s->reasm);
    synack_time_t a = sy_arp_next(&s->arp);
    if (r < t) t = r;
    return a < t ? a : t;
}

void synack_stack_set_event_fn(struct synack_stack *s, synack_event_fn fn, void *ctx)
{
    s->event_fn = fn;
    s->event_ctx = ctx;
}

const struct synack_counters *synack_stack_counters(const struct synack_stack *s)
{
    return &s->counters;
}

size_t synack_stack_conn_count(const struct synack_stack *s)
{
    return s->nconns;
}

void sy_stack_emit(struct synack_stack *s, struct synack_event *ev, synack_time_t now)
{
    ev->now = now;
    if (s->event_fn && (s->event_mask & SYNACK_EV_BIT(ev->type))) s->event_fn(s->event_ctx, ev);
}

void synack_stack_set_event_mask(struct synack_stack *s, uint32_t mask)
{
    s->event_mask = mask & SYNACK_EV_ALL;
}

void sy_stack_drop(struct synack_stack *s, struct synack_conn *c, enum synack_drop_reason why,
                   synack_time_t now)
{
    s->counters.drops[why]++;
    struct synack_event ev = {.type = SYNACK_EV_DROP, .conn = c, .drop = why};
    sy_stack_emit(s, &ev, now);
}
