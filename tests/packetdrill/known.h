/* packetdrill runner — the list of known failures: lines "path  reason" (path relative to the
 * corpus folder, matched as the end of a script's path), '#' comments and blank lines ignored. */
#ifndef PD_KNOWN_H
#define PD_KNOWN_H

#include <stddef.h>

struct pd_known_entry {
    char *path, *reason;
};

struct pd_known {
    struct pd_known_entry *v;
    size_t n;
};

/* 0, or -1 with a message on stderr. */
int pd_known_load(struct pd_known *k, const char *file);
/* The listed reason when path is on the list, else NULL. */
const char *pd_known_reason(const struct pd_known *k, const char *path);
void pd_known_free(struct pd_known *k);

#endif
