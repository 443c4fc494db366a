/* packetdrill runner — the bump allocator. */
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define PD_CHUNK_SIZE 16384

struct pd_arena_chunk {
    struct pd_arena_chunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

static struct pd_arena_chunk *chunk_new(size_t cap)
{
    struct pd_arena_chunk *c = malloc(sizeof(*c) + cap);
    if (!c) return NULL;
    c->next = NULL;
    c->used = 0;
    c->cap = cap;
    return c;
}

void *pd_arena_alloc(struct pd_arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    struct pd_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < size) {
        c = chunk_new(size > PD_CHUNK_SIZE ? size : PD_CHUNK_SIZE);
        if (!c) return NULL;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *pd_arena_strndup(struct pd_arena *a, const char *s, size_t n)
{
    char *p = pd_arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void pd_arena_free(struct pd_arena *a)
{
    while (a->head) {
        struct pd_arena_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}
