/* packetdrill runner — the scripts under a path: the path itself when it is a file, else every
 * *.pkt below it, recursively, in sorted order. */
#ifndef PD_SCAN_H
#define PD_SCAN_H

#include <stddef.h>

struct pd_paths {
    char **v;
    size_t n, cap;
};

/* 0, or -1 when path does not exist (or memory ran out). */
int pd_scan(const char *path, struct pd_paths *out);
void pd_paths_free(struct pd_paths *p);

#endif
