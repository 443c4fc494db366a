/* packetdrill runner — the known-failures list. */
#include "known.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_span(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int add_line(struct pd_known *k, const char *line)
{
    line += strspn(line, " \t");
    size_t plen = strcspn(line, " \t\r\n");
    if (plen == 0 || line[0] == '#') return 0;
    const char *reason = line + plen;
    reason += strspn(reason, " \t");
    size_t rlen = strcspn(reason, "\r\n");
    struct pd_known_entry *v = realloc(k->v, (k->n + 1) * sizeof(*v));
    if (!v) return -1;
    k->v = v;
    v[k->n].path = dup_span(line, plen);
    v[k->n].reason = dup_span(reason, rlen);
    if (!v[k->n].path || !v[k->n].reason) {
        free(v[k->n].path);
        free(v[k->n].reason);
        return -1;
    }
    k->n++;
    return 0;
}

int pd_known_load(struct pd_known *k, const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "synack-packetdrill: cannot read %s\n", file);
        return -1;
    }
    char line[2048];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f))
        rc = add_line(k, line);
    fclose(f);
    if (rc) fprintf(stderr, "synack-packetdrill: out of memory reading %s\n", file);
    return rc;
}

/* path ends with "/" + listed (or is listed). */
const char *pd_known_reason(const struct pd_known *k, const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < k->n; i++) {
        size_t m = strlen(k->v[i].path);
        if (m <= n && !strcmp(path + n - m, k->v[i].path) && (m == n || path[n - m - 1] == '/'))
            return k->v[i].reason;
    }
    return NULL;
}

void pd_known_free(struct pd_known *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].path);
        free(k->v[i].reason);
    }
    free(k->v);
    k->v = NULL;
    k->n = 0;
}
