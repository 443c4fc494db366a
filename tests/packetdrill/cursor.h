/* packetdrill runner — a cursor over one logical line, with the small readers every part of the
 * parser shares. Readers skip leading blanks, consume only on success and never read past the
 * terminating NUL. */
#ifndef PD_CURSOR_H
#define PD_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pd_cursor {
    const char *p;
};

void pd_skip_blank(struct pd_cursor *c);
bool pd_at_end(struct pd_cursor *c);
/* The next non-blank character (without consuming it), or '\0'. */
char pd_peek(struct pd_cursor *c);
/* Consume ch if it comes next. */
bool pd_accept(struct pd_cursor *c, char ch);
/* Consume s if it comes next (as text, no word boundary check). */
bool pd_accept_str(struct pd_cursor *c, const char *s);
/* Consume the word w if it comes next and is not followed by a word character. */
bool pd_accept_word(struct pd_cursor *c, const char *w);
/* An identifier [A-Za-z_][A-Za-z0-9_]* into buf (cap bytes with the NUL). */
bool pd_ident(struct pd_cursor *c, char *buf, size_t cap);
/* An unsigned integer: decimal or 0x hex, at most max. */
bool pd_uint(struct pd_cursor *c, uint64_t max, uint64_t *out);
/* A signed integer (decimal or hex). */
bool pd_int(struct pd_cursor *c, int64_t *out);
/* A time in seconds with up to 6 decimals ("0.1", "3", ".25") as microseconds. */
bool pd_seconds(struct pd_cursor *c, int64_t *usecs);

#endif
