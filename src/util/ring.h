/* util — a byte ring buffer of fixed capacity, allocated once per connection. */
#ifndef SY_UTIL_RING_H
#define SY_UTIL_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sy_ring {
    uint8_t *buf;
    size_t cap;
    size_t head; /* index of the first byte */
    size_t len;  /* bytes stored */
};

/* Allocates cap bytes; returns 0 or -ENOMEM. cap 0 is allowed (always full). */
int sy_ring_init(struct sy_ring *r, size_t cap);
void sy_ring_free(struct sy_ring *r);
static inline size_t sy_ring_len(const struct sy_ring *r)
{
    return r->len;
}
static inline size_t sy_ring_space(const struct sy_ring *r)
{
    return r->cap - r->len;
}
/* Enlarge the capacity to cap (> the old one), keeping the bytes and those written ahead with
 * sy_ring_write_at at their offsets. Returns 0 or -ENOMEM (the ring unchanged). */
int sy_ring_grow(struct sy_ring *r, size_t cap);
/* Append up to len bytes; returns how many were stored. */
size_t sy_ring_write(struct sy_ring *r, const void *data, size_t len);
/* Copy up to len bytes starting at offset off from the head, without consuming. Returns count. */
size_t sy_ring_peek(const struct sy_ring *r, size_t off, void *out, size_t len);
/* Remove up to len bytes from the head (copy them to out unless out is NULL). Returns count. */
size_t sy_ring_read(struct sy_ring *r, void *out, size_t len);

/* Write len bytes at offset off past the stored bytes without storing them yet (data that
 * arrived early); false when they would not fit. sy_ring_commit() later counts them in. */
bool sy_ring_write_at(struct sy_ring *r, size_t off, const void *data, size_t len);
void sy_ring_commit(struct sy_ring *r, size_t n);

/* Where len bytes at offset off from the head lie, without copying: up to two pieces, the
 * second across the wrap (*n2 is 0 when there is none). Returns the bytes covered. */
size_t sy_ring_span(const struct sy_ring *r, size_t off, size_t len, const uint8_t **p1, size_t *n1,
                    const uint8_t **p2, size_t *n2);

#endif
