/* synack CLI — parsing option values shared by the commands. */
#ifndef SYNACK_TOOLS_PARSE_H
#define SYNACK_TOOLS_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* A size: N, NK, NM or NG (binary units), from 1 to max. */
bool parse_size(const char *v, uint64_t max, uint64_t *out);

#endif
