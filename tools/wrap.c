/* synack CLI — word wrapping. */
#include "wrap.h"

#include <stdbool.h>
#include <string.h>

/* "ms" or "s", maybe followed by one punctuation mark. */
static bool is_unit(const char *w, size_t n)
{
    size_t u = (w[0] == 'm' && w[1] == 's') ? 2 : w[0] == 's' ? 1 : 0;
    if (u == 0) return false;
    return u == n || (u + 1 == n && strchr(",;:.)", w[u]) != NULL);
}

/* Length of the word at p; a unit after it counts as part of it, so that a number never ends a
 * line without its unit ("20.0 ms"). */
static size_t word_len(const char *p)
{
    size_t n = strcspn(p, " ");
    if (p[n] == ' ') {
        size_t m = strcspn(p + n + 1, " ");
        if (m && is_unit(p + n + 1, m)) n += 1 + m;
    }
    return n;
}

void wrap_print(FILE *f, const char *prefix, const char *text, size_t width)
{
    size_t indent = strlen(prefix), col = indent;
    bool first = true;
    fputs(prefix, f);
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        size_t n = word_len(p);
        if (n == 0) break;
        if (!first && col + 1 + n > width) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
            first = true;
        }
        if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, n, f);
        col += n;
        first = false;
        p += n;
    }
    fputc('\n', f);
}
