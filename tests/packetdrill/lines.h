/* packetdrill runner — a script's text as logical lines: comments removed (// and block
 * comments), #ifdef blocks resolved (only STANDARD is defined, as nplab's packetdrill for a stack
 * that is not FreeBSD's), and a backquoted command or a %{ }% block that spans lines joined into
 * one line. Each logical line keeps the number of the line it starts on. */
#ifndef PD_LINES_H
#define PD_LINES_H

#include <stddef.h>

#include "arena.h"

struct pd_line {
    int line;
    const char *text; /* trimmed, never empty */
};

struct pd_error {
    int line; /* 0 when the error belongs to no line */
    char msg[256];
};

/* Returns 0, or -1 with *err filled. *lines lives in the arena. */
int pd_lines_split(struct pd_arena *a, const char *buf, size_t len, struct pd_line **lines,
                   size_t *n, struct pd_error *err);

/* Fill err with a formatted message for line. Returns -1. */
int pd_error_set(struct pd_error *err, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
