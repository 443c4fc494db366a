/* packetdrill runner — the line cursor. */
#include "cursor.h"

#include <ctype.h>
#include <string.h>

static bool is_word(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

void pd_skip_blank(struct pd_cursor *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n')
        c->p++;
}

bool pd_at_end(struct pd_cursor *c)
{
    pd_skip_blank(c);
    return *c->p == '\0';
}

char pd_peek(struct pd_cursor *c)
{
    pd_skip_blank(c);
    return *c->p;
}

bool pd_accept(struct pd_cursor *c, char ch)
{
    pd_skip_blank(c);
    if (*c->p != ch || ch == '\0') return false;
    c->p++;
    return true;
}

bool pd_accept_str(struct pd_cursor *c, const char *s)
{
    pd_skip_blank(c);
    size_t n = strlen(s);
    if (strncmp(c->p, s, n) != 0) return false;
    c->p += n;
    return true;
}

bool pd_accept_word(struct pd_cursor *c, const char *w)
{
    pd_skip_blank(c);
    size_t n = strlen(w);
    if (strncmp(c->p, w, n) != 0 || is_word(c->p[n])) return false;
    c->p += n;
    return true;
}

bool pd_ident(struct pd_cursor *c, char *buf, size_t cap)
{
    pd_skip_blank(c);
    const char *s = c->p;
    if (!isalpha((unsigned char)*s) && *s != '_') return false;
    size_t n = 0;
    while (is_word(s[n]))
        n++;
    if (n + 1 > cap) return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    c->p += n;
    return true;
}

static int digit_value(char ch, unsigned base)
{
    int v = -1;
    if (ch >= '0' && ch <= '9')
        v = ch - '0';
    else if (ch >= 'a' && ch <= 'f')
        v = ch - 'a' + 10;
    else if (ch >= 'A' && ch <= 'F')
        v = ch - 'A' + 10;
    return v >= 0 && (unsigned)v < base ? v : -1;
}

bool pd_uint(struct pd_cursor *c, uint64_t max, uint64_t *out)
{
    pd_skip_blank(c);
    const char *s = c->p;
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2], 16) >= 0) {
        base = 16;
        s += 2;
    }
    if (digit_value(*s, base) < 0) return false;
    uint64_t v = 0;
    for (int d; (d = digit_value(*s, base)) >= 0; s++) {
        if (v > (max - (uint64_t)d) / base) return false;
        v = v * base + (uint64_t)d;
    }
    if (is_word(*s)) return false;
    c->p = s;
    *out = v;
    return true;
}

bool pd_int(struct pd_cursor *c, int64_t *out)
{
    struct pd_cursor t = *c;
    bool neg = pd_accept(&t, '-');
    uint64_t v;
    if (!pd_uint(&t, (uint64_t)INT64_MAX, &v)) return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    *c = t;
    return true;
}

bool pd_seconds(struct pd_cursor *c, int64_t *usecs)
{
    pd_skip_blank(c);
    const char *s = c->p;
    int64_t whole = 0, frac = 0;
    int nd = 0, nf = 0;
    for (; isdigit((unsigned char)*s) && nd < 9; s++, nd++)
        whole = whole * 10 + (*s - '0');
    /* "..." after a time belongs to the caller: a '.' counts only with a digit after it. */
    if (*s == '.' && isdigit((unsigned char)s[1]))
        for (s++; isdigit((unsigned char)*s); s++, nf++)
            if (nf < 6) frac = frac * 10 + (*s - '0');
    if (nd == 0 && nf == 0) return false;
    if (isdigit((unsigned char)*s)) return false;
    for (int k = nf < 6 ? nf : 6; k < 6; k++)
        frac *= 10;
    *usecs = whole * 1000000 + frac;
    c->p = s;
    return true;
}
