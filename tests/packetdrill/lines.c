/* packetdrill runner — splitting a script into logical lines (see lines.h). */
#include "lines.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PD_MAX_IFDEF 16

int pd_error_set(struct pd_error *err, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->line = line;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

struct splitter {
    struct pd_arena *arena;
    const char *buf;
    size_t len, i;
    int line;       /* physical line of buf[i] */
    int start_line; /* line the current logical line started on */
    char *cur;      /* the logical line being built */
    size_t cur_len;
    bool in_bq, in_code, in_str;
    bool active[PD_MAX_IFDEF];
    int opened_on[PD_MAX_IFDEF]; /* line of each open #ifdef */
    int depth;
    struct pd_line *out;
    size_t n;
};

static bool is_active(const struct splitter *s)
{
    for (int d = 0; d < s->depth; d++)
        if (!s->active[d]) return false;
    return true;
}

/* Ends the logical line: trimmed, kept when not empty and not in a skipped #ifdef branch. */
static int flush(struct splitter *s)
{
    size_t b = 0, e = s->cur_len;
    while (b < e && isspace((unsigned char)s->cur[b]))
        b++;
    while (e > b && isspace((unsigned char)s->cur[e - 1]))
        e--;
    if (e > b && is_active(s)) {
        const char *t = pd_arena_strndup(s->arena, s->cur + b, e - b);
        if (!t) return -1;
        s->out[s->n].line = s->start_line;
        s->out[s->n].text = t;
        s->n++;
    }
    s->cur_len = 0;
    return 0;
}

/* "#ifdef NAME", "#ifndef NAME", "#else", "#endif" on a line of its own. */
static int directive(struct splitter *s, struct pd_error *err)
{
    size_t e = s->i;
    while (e < s->len && s->buf[e] != '\n')
        e++;
    char d[64] = "", name[64] = "";
    size_t n = e - s->i < 127 ? e - s->i : 127;
    char text[128];
    memcpy(text, s->buf + s->i, n);
    text[n] = '\0';
    s->i = e;
    int k = sscanf(text, "#%63s %63s", d, name);
    if (k >= 1 && (!strcmp(d, "ifdef") || !strcmp(d, "ifndef")) && k == 2) {
        if (s->depth == PD_MAX_IFDEF) return pd_error_set(err, s->line, "#ifdef nested too deep");
        bool defined = !strcmp(name, "STANDARD");
        s->opened_on[s->depth] = s->line;
        s->active[s->depth++] = !strcmp(d, "ifdef") ? defined : !defined;
        return 0;
    }
    if (k >= 1 && !strcmp(d, "else")) {
        if (!s->depth) return pd_error_set(err, s->line, "#else without #ifdef");
        s->active[s->depth - 1] = !s->active[s->depth - 1];
        return 0;
    }
    if (k >= 1 && !strcmp(d, "endif")) {
        if (!s->depth) return pd_error_set(err, s->line, "#endif without #ifdef");
        s->depth--;
        return 0;
    }
    return pd_error_set(err, s->line, "unsupported preprocessor line: %s", text);
}

/* Skip a block comment starting at s->i ("/" "*"); newlines in it still count. */
static int block_comment(struct splitter *s, struct pd_error *err)
{
    int start = s->line;
    for (s->i += 2; s->i + 1 < s->len; s->i++) {
        if (s->buf[s->i] == '\n') s->line++;
        if (s->buf[s->i] == '*' && s->buf[s->i + 1] == '/') {
            s->i += 2;
            return 0;
        }
    }
    return pd_error_set(err, start, "unterminated /* comment");
}

static bool at(const struct splitter *s, const char *two)
{
    return s->i + 1 < s->len && s->buf[s->i] == two[0] && s->buf[s->i + 1] == two[1];
}

static bool line_is_blank_so_far(const struct splitter *s)
{
    for (size_t k = 0; k < s->cur_len; k++)
        if (!isspace((unsigned char)s->cur[k])) return false;
    return true;
}

/* One step outside backquotes, code and strings. Returns 1 when it consumed input itself. */
static int plain_step(struct splitter *s, struct pd_error *err)
{
    if (at(s, "//")) {
        while (s->i < s->len && s->buf[s->i] != '\n')
            s->i++;
        return 1;
    }
    if (at(s, "/*")) return block_comment(s, err) < 0 ? -1 : 1;
    if (s->buf[s->i] == '#' && line_is_blank_so_far(s)) return directive(s, err) < 0 ? -1 : 1;
    if (at(s, "%{")) s->in_code = true;
    if (s->buf[s->i] == '`') s->in_bq = true;
    if (s->buf[s->i] == '"') s->in_str = true;
    return 0;
}

static int step(struct splitter *s, struct pd_error *err)
{
    char c = s->buf[s->i];
    if (c == '\n') {
        s->line++;
        s->i++;
        if (s->in_bq || s->in_code) {
            s->cur[s->cur_len++] = '\n';
            return 0;
        }
        s->in_str = false;
        int r = flush(s);
        s->start_line = s->line;
        return r;
    }
    if (s->cur_len == 0) s->start_line = s->line;
    if (s->in_code && at(s, "}%")) {
        s->in_code = false;
        s->cur[s->cur_len++] = s->buf[s->i++];
    } else if (s->in_bq && c == '`') {
        s->in_bq = false;
    } else if (s->in_str && c == '"') {
        s->in_str = false;
    } else if (!s->in_bq && !s->in_code && !s->in_str) {
        int r = plain_step(s, err);
        if (r) return r < 0 ? -1 : 0;
    }
    s->cur[s->cur_len++] = s->buf[s->i++];
    return 0;
}

static int finish(struct splitter *s, struct pd_error *err)
{
    if (s->in_bq) return pd_error_set(err, s->start_line, "unterminated backquoted command");
    if (s->in_code) return pd_error_set(err, s->start_line, "unterminated %%{ block");
    if (s->depth) return pd_error_set(err, s->opened_on[s->depth - 1], "#ifdef without #endif");
    return flush(s) < 0 ? pd_error_set(err, 0, "out of memory") : 0;
}

int pd_lines_split(struct pd_arena *a, const char *buf, size_t len, struct pd_line **lines,
                   size_t *n, struct pd_error *err)
{
    size_t max_lines = 1;
    for (size_t k = 0; k < len; k++)
        max_lines += buf[k] == '\n';
    struct splitter s = {.arena = a, .buf = buf, .len = len, .line = 1, .start_line = 1};
    s.out = pd_arena_alloc(a, max_lines * sizeof(*s.out));
    s.cur = malloc(len + 1);
    if (!s.out || !s.cur) {
        free(s.cur);
        return pd_error_set(err, 0, "out of memory");
    }
    int r = 0;
    while (r == 0 && s.i < s.len) {
        if (buf[s.i] == '\0')
            r = pd_error_set(err, s.line, "NUL byte in script");
        else
            r = step(&s, err);
    }
    if (r == 0) r = finish(&s, err);
    free(s.cur);
    *lines = s.out;
    *n = s.n;
    return r;
}
