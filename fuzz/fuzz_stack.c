/* libFuzzer target: a whole stack fed arbitrary packets. The input is a list of records
 *   [flags][time step][length, 2 bytes big-endian][packet]
 * flags bit 0: make the packet's addresses the peer's (10.0.0.2) to ours (10.0.0.1);
 * bit 1: fix the IPv4, TCP and ICMP checksums so the packet reaches the protocols;
 * bit 2: then let the applications act (accept, read, write, close);
 * bit 3: hand it to the Ethernet device (10.1.0.1 on 02:00:00:00:00:01) as a frame instead.
 * The stack has a listener on port 80 and an active open to 10.0.0.2:6000 (fixed seed and
 * clock, so sequence numbers are reproducible). Every input gets a fresh stack, freed at the end:
 * ASan and UBSan watch every step, LeakSanitizer the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <synack/synack.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int discard(void *ctx, const uint8_t *pkt, size_t len, synack_time_t now)
{
    (void)ctx, (void)pkt, (void)len, (void)now;
    return 0;
}

static const struct synack_device_ops ops = {.transmit = discard};

/* Recompute the checksums of an IPv4 packet in place, as far as its lengths allow. */
static void fix(uint8_t *p, size_t len, bool addresses)
{
    if (len < 20 || p[0] >> 4 != 4) return;
    size_t ihl = (size_t)(p[0] & 15) * 4, total = sy_get16(p + 2);
    if (ihl < 20 || ihl > len) return;
    if (total > len || total < ihl) sy_put16(p + 2, (uint16_t)(total = len));
    if (addresses) {
        const uint8_t peer[4] = {10, 0, 0, 2}, us[4] = {10, 0, 0, 1};
        memcpy(p + 12, peer, 4);
        memcpy(p + 16, us, 4);
    }
    sy_put16(p + 10, 0);
    sy_put16(p + 10, sy_csum_finish(sy_csum_add(0, p, ihl)));
    uint8_t *l4 = p + ihl;
    size_t n = total - ihl;
    if (p[9] == 6 && n >= 20) {
        sy_put16(l4 + 16, 0);
        uint32_t sum = sy_csum_pseudo_v4(p + 12, p + 16, 6, (uint16_t)n);
        sy_put16(l4 + 16, sy_csum_finish(sy_csum_add(sum, l4, n)));
    } else if (p[9] == 1 && n >= 8) {
        sy_put16(l4 + 2, 0);
        sy_put16(l4 + 2, sy_csum_finish(sy_csum_add(0, l4, n)));
    }
}

struct world {
    struct synack_stack *st;
    struct synack_conn *listener, *active, *accepted[4];
    synack_time_t now;
};

static void act(struct world *w, uint8_t how)
{
    static uint8_t buf[4096];
    struct synack_conn *c = NULL;
    if (synack_accept(w->listener, &c) == 0) {
        for (int i = 0; i < 4; i++)
            if (!w->accepted[i]) {
                w->accepted[i] = c, c = NULL;
                break;
            }
        if (c) synack_close(c, w->now);
    }
    struct synack_conn *all[5] = {w->active, w->accepted[0], w->accepted[1], w->accepted[2],
                                  w->accepted[3]};
    for (int i = 0; i < 5; i++) {
        if (!all[i]) continue;
        (void)synack_recv(all[i], buf, sizeof buf, w->now);
        if (how & 8) (void)synack_send(all[i], buf, 100 + (how & 0x70) * 20, w->now);
        if (how & 0x80) (void)synack_shutdown(all[i], w->now);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct synack_config cfg;
    synack_config_init(&cfg);
    struct world w = {.st = synack_stack_new(&cfg)};
    if (!w.st) return 0;
    int dev = synack_stack_add_device(w.st, &ops, NULL, 1500);
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    int edev = synack_stack_add_ether_device(w.st, &ops, NULL, 1500, mac);
    struct synack_addr us = synack_addr_v4(10, 0, 0, 1), peer = synack_addr_v4(10, 0, 0, 2);
    struct synack_addr eth_us = synack_addr_v4(10, 1, 0, 1);
    synack_stack_add_addr(w.st, dev, &us, 24);
    synack_stack_add_addr(w.st, edev, &eth_us, 24);
    struct synack_endpoint l = {us, 80}, a = {us, 5000}, r = {peer, 6000};
    synack_listen(w.st, &l, 4, 0, &w.listener);
    synack_connect(w.st, &a, &r, 0, &w.active);
    static uint8_t pkt[65536];
    size_t i = 0;
    while (i + 4 <= size) {
        uint8_t flags = data[i], step = data[i + 1];
        size_t len = sy_get16(data + i + 2);
        i += 4;
        if (len > size - i) len = size - i;
        memcpy(pkt, data + i, len);
        i += len;
        if (flags & 2) fix(pkt, len, flags & 1);
        w.now += (synack_time_t)step * step * 1000; /* up to 65 s a step */
        synack_stack_poll(w.st, w.now);
        synack_stack_input(w.st, (flags & 8) ? edev : dev, pkt, len, w.now);
        if (flags & 4) act(&w, flags);
    }
    synack_stack_free(w.st);
    return 0;
}
