/* util — a byte ring of fixed capacity: allocated by sy_ring_init, enlarged only by
 * sy_ring_grow (a socket option asking for a bigger buffer). */
#include "util/ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sy_ring_init(struct sy_ring *r, size_t cap)
{
    r->buf = NULL;
    r->cap = 0;
    r->head = 0;
    r->len = 0;
    if (cap == 0) return 0;
    r->buf = malloc(cap);
    if (r->buf == NULL) return -ENOMEM;
    r->cap = cap;
    return 0;
}

void sy_ring_free(struct sy_ring *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
    r->head = 0;
    r->len = 0;
}

int sy_ring_grow(struct sy_ring *r, size_t cap)
{
    if (cap <= r->cap) return 0;
    uint8_t *b = malloc(cap);
    if (b == NULL) return -ENOMEM;
    size_t first = r->cap - r->head; /* every slot, stored or ahead, from the head on */
    if (r->cap) {
        memcpy(b, r->buf + r->head, first);
        memcpy(b + first, r->buf, r->head);
    }
    free(r->buf);
    r->buf = b;
    r->cap = cap;
    r->head = 0;
    return 0;
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Index of the byte off bytes past the head (off <= cap, head < cap). */
static size_t pos(const struct sy_ring *r, size_t off)
{
    size_t i = r->head + off;
    return i >= r->cap ? i - r->cap : i;
}

size_t sy_ring_write(struct sy_ring *r, const void *data, size_t len)
{
    size_t n = min_size(len, sy_ring_space(r));
    if (n == 0) return 0;
    size_t tail = pos(r, r->len);
    size_t first = min_size(n, r->cap - tail);
    memcpy(r->buf + tail, data, first);
    memcpy(r->buf, (const uint8_t *)data + first, n - first);
    r->len += n;
    return n;
}

size_t sy_ring_peek(const struct sy_ring *r, size_t off, void *out, size_t len)
{
    if (off >= r->len) return 0;
    size_t n = min_size(len, r->len - off);
    if (n == 0) return 0;
    size_t start = pos(r, off);
    size_t first = min_size(n, r->cap - start);
    memcpy(out, r->buf + start, first);
    memcpy((uint8_t *)out + first, r->buf, n - first);
    return n;
}

size_t sy_ring_read(struct sy_ring *r, void *out, size_t len)
{
    size_t n = out ? sy_ring_peek(r, 0, out, len) : min_size(len, r->len);
    if (n == 0) return 0;
    r->head = pos(r, n);
    r->len -= n;
    /* head stays where it is even when empty: bytes written ahead (sy_ring_write_at) are placed
     * relative to it. */
    return n;
}

size_t sy_ring_span(const struct sy_ring *r, size_t off, size_t len, const uint8_t **p1, size_t *n1,
                    const uint8_t **p2, size_t *n2)
{
    *p1 = *p2 = NULL;
    *n1 = *n2 = 0;
    if (off >= r->len || r->cap == 0) return 0;
    if (len > r->len - off) len = r->len - off;
    size_t start = (r->head + off) % r->cap;
    size_t first = r->cap - start < len ? r->cap - start : len;
    *p1 = r->buf + start;
    *n1 = first;
    if (first < len) {
        *p2 = r->buf;
        *n2 = len - first;
    }
    return len;
}

bool sy_ring_write_at(struct sy_ring *r, size_t off, const void *data, size_t len)
{
    if (off > r->cap - r->len || len > r->cap - r->len - off) return false;
    const uint8_t *p = data;
    size_t pos = (r->head + r->len + off) % (r->cap ? r->cap : 1);
    while (len) {
        size_t n = r->cap - pos < len ? r->cap - pos : len;
        memcpy(r->buf + pos, p, n);
        p += n;
        len -= n;
        pos = 0;
    }
    return true;
}

void sy_ring_commit(struct sy_ring *r, size_t n)
{
    r->len += n <= r->cap - r->len ? n : r->cap - r->len;
}
