/* packetdrill runner — parsing a script (grammar: README.md). A malformed script is an error
 * naming its line, never a crash. */
#ifndef PD_PARSE_H
#define PD_PARSE_H

#include <stddef.h>

#include "cursor.h"
#include "lines.h"
#include "script.h"

/* Parse buf into s (which owns everything it points to). Returns 0, or -1 with err filled; free
 * s with pd_script_free() either way. */
int pd_script_parse(const char *buf, size_t len, struct pd_script *s, struct pd_error *err);
/* Read and parse a file. */
int pd_script_load(const char *path, struct pd_script *s, struct pd_error *err);
void pd_script_free(struct pd_script *s);

/* The pieces, for the unit tests and for each other. Each returns 0 or -1 with err filled. */
int pd_parse_time(struct pd_cursor *c, struct pd_time *t, int64_t *end_usecs, int line,
                  struct pd_error *err);
int pd_parse_packet(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err);
int pd_parse_tcp_options(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err);
int pd_parse_icmp(struct pd_cursor *c, struct pd_packet *p, int line, struct pd_error *err);
int pd_parse_syscall(struct pd_arena *a, struct pd_cursor *c, struct pd_syscall *sc, int line,
                     struct pd_error *err);
int pd_parse_header_option(const char *text, struct pd_options *o, struct pd_arena *a, int line,
                           struct pd_error *err);

#endif
