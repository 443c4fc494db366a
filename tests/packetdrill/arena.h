/* packetdrill runner — a bump allocator: everything parsed from one script lives in one arena and
 * is freed at once, so no parse path can leak. */
#ifndef PD_ARENA_H
#define PD_ARENA_H

#include <stddef.h>

struct pd_arena_chunk;

struct pd_arena {
    struct pd_arena_chunk *head;
};

/* Zeroed memory, aligned for any type; NULL only when out of memory. */
void *pd_arena_alloc(struct pd_arena *a, size_t size);
/* A NUL-terminated copy of n bytes of s. */
char *pd_arena_strndup(struct pd_arena *a, const char *s, size_t n);
void pd_arena_free(struct pd_arena *a);

#endif
