/* synack CLI — printing prose wrapped to a width. */
#ifndef SYNACK_TOOLS_WRAP_H
#define SYNACK_TOOLS_WRAP_H

#include <stddef.h>
#include <stdio.h>

/* Print prefix then text, words wrapped so no line exceeds width; continuation lines are
 * indented by the prefix's length. Ends with a newline. */
void wrap_print(FILE *f, const char *prefix, const char *text, size_t width);

#endif
