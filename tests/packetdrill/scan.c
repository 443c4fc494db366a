/* packetdrill runner — finding the scripts. */
#include "scan.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PD_MAX_DEPTH 16

static int add(struct pd_paths *p, const char *path)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        char **v = realloc(p->v, cap * sizeof(*v));
        if (!v) return -1;
        p->v = v;
        p->cap = cap;
    }
    size_t len = strlen(path);
    p->v[p->n] = malloc(len + 1);
    if (!p->v[p->n]) return -1;
    memcpy(p->v[p->n++], path, len + 1);
    return 0;
}

static bool is_script(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && !strcmp(name + n - 4, ".pkt");
}

static int walk(const char *dir, struct pd_paths *out, int depth)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        struct stat st;
        if (stat(path, &st) < 0) continue;
        if (S_ISDIR(st.st_mode) && depth < PD_MAX_DEPTH)
            rc = walk(path, out, depth + 1);
        else if (S_ISREG(st.st_mode) && is_script(e->d_name))
            rc = add(out, path);
    }
    closedir(d);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int pd_scan(const char *path, struct pd_paths *out)
{
    struct stat st;
    if (stat(path, &st) < 0) return -1;
    char clean[4096];
    snprintf(clean, sizeof clean, "%s", path);
    size_t n = strlen(clean);
    while (n > 1 && clean[n - 1] == '/')
        clean[--n] = '\0';
    int rc = S_ISDIR(st.st_mode) ? walk(clean, out, 0) : add(out, clean);
    if (rc == 0) qsort(out->v, out->n, sizeof(*out->v), by_name);
    return rc;
}

void pd_paths_free(struct pd_paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    p->v = NULL;
    p->n = p->cap = 0;
}
