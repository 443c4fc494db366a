/* packetdrill runner — a system call line after its time:
 *   getsockopt(3, SOL_SOCKET, SO_RCVBUF, [65536], [4]) = 0
 *   fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0
 *   setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0
 *   connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
 *   fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)
 * Symbols are looked up now (symbols.c); an unknown one stays a symbol, for the call to refuse. */
#include <string.h>

#include "parse.h"
#include "symbols.h"

#define PD_MAX_ITEMS 16

static int expr(struct pd_arena *a, struct pd_cursor *c, struct pd_expr *x, int line,
                struct pd_error *err);

static int items(struct pd_arena *a, struct pd_cursor *c, struct pd_expr *x, char close, bool named,
                 int line, struct pd_error *err)
{
    struct pd_expr tmp[PD_MAX_ITEMS];
    size_t n = 0;
    if (!pd_accept(c, close)) {
        do {
            if (n == PD_MAX_ITEMS) return pd_error_set(err, line, "too many items in a list");
            memset(&tmp[n], 0, sizeof tmp[n]);
            char field[64];
            if (named && pd_ident(c, field, sizeof field)) {
                if (!pd_accept(c, '='))
                    return pd_error_set(err, line, "expected '=' after %s", field);
                tmp[n].field = pd_arena_strndup(a, field, strlen(field));
            }
            struct pd_expr item;
            if (expr(a, c, &item, line, err) < 0) return -1;
            item.field = tmp[n].field;
            tmp[n++] = item;
        } while (pd_accept(c, ','));
        if (!pd_accept(c, close)) return pd_error_set(err, line, "expected '%c'", close);
    }
    x->items = pd_arena_alloc(a, (n ? n : 1) * sizeof(*x->items));
    if (!x->items) return pd_error_set(err, line, "out of memory");
    memcpy(x->items, tmp, n * sizeof(*tmp));
    x->nitems = n;
    return 0;
}

static int string(struct pd_arena *a, struct pd_cursor *c, struct pd_expr *x, int line,
                  struct pd_error *err)
{
    const char *s = c->p, *e = strchr(s, '"');
    if (!e) return pd_error_set(err, line, "unterminated string");
    x->kind = PD_X_STRING;
    x->text = pd_arena_strndup(a, s, (size_t)(e - s));
    c->p = e + 1;
    return 0;
}

static int symbol(struct pd_arena *a, struct pd_cursor *c, struct pd_expr *x, int line,
                  struct pd_error *err)
{
    char name[64];
    if (!pd_ident(c, name, sizeof name))
        return pd_error_set(err, line, "bad expression: '%s'", c->p);
    x->name = pd_arena_strndup(a, name, strlen(name));
    x->kind = pd_symbol_lookup(name, &x->num) ? PD_X_INT : PD_X_SYMBOL;
    return 0;
}

static int primary(struct pd_arena *a, struct pd_cursor *c, struct pd_expr *x, int line,
                   struct pd_error *err)
{
    memset(x, 0, sizeof(*x));
    if (pd_accept_str(c, "...")) {
        x->kind = PD_X_ELLIPSIS;
        return 0;
    }
    if (pd_int(c, &x->num)) {
        x->kind = PD_X_INT;
        return 0;
    }
    if (pd_accept(c, '[')) {
        x->kind = PD_X_LIST;
        return items(a, c, x, ']', false, line, err);
    }
    if (pd_accept(c, '{')) {
        x->kind = PD_X_STRUCT;
        return items(a, c, x, '}', true, line, err);
    }
    if (pd_accept(c, '"')) return string(a, c, x, line, err);
    return symbol(a, c, x, line, err);
}

/* primary ('|' primary)*: flags ORed now; both sides must be known numbers. */
static int expr(struct pd_arena *a, struct pd_cursor *c, struct pd_expr *x, int line,
                struct pd_error *err)
{
    if (primary(a, c, x, line, err) < 0) return -1;
    while (pd_accept(c, '|')) {
        struct pd_expr rhs;
        if (primary(a, c, &rhs, line, err) < 0) return -1;
        if (x->kind != PD_X_INT || rhs.kind != PD_X_INT)
            return pd_error_set(err, line, "'|' of something not a known number (%s)",
                                x->kind == PD_X_SYMBOL ? x->name
                                : rhs.name             ? rhs.name
                                                       : "?");
        x->num |= rhs.num;
        x->name = NULL;
    }
    return 0;
}

/* "(free text)" after a result: skipped, nested parentheses included. */
static void skip_comment(struct pd_cursor *c)
{
    if (pd_peek(c) != '(') return;
    int depth = 0;
    for (const char *s = c->p; *s; s++) {
        depth += (*s == '(') - (*s == ')');
        if (depth == 0) {
            c->p = s + 1;
            return;
        }
    }
}

static int result(struct pd_arena *a, struct pd_cursor *c, struct pd_syscall *sc, int line,
                  struct pd_error *err)
{
    if (!pd_accept(c, '=')) return pd_error_set(err, line, "expected '= result' after the call");
    if (pd_accept_str(c, "...")) {
        sc->ret_any = true;
    } else if (!pd_int(c, &sc->ret)) {
        struct pd_expr x;
        if (symbol(a, c, &x, line, err) < 0 || x.kind != PD_X_INT)
            return pd_error_set(err, line, "bad result value");
        sc->ret = x.num;
    }
    char name[32];
    struct pd_cursor t = *c;
    if (pd_ident(&t, name, sizeof name) && pd_errno_lookup(name)) {
        sc->err = pd_errno_lookup(name);
        sc->err_name = pd_arena_strndup(a, name, strlen(name));
        *c = t;
    }
    skip_comment(c);
    if (!pd_at_end(c)) return pd_error_set(err, line, "unexpected text after result: '%s'", c->p);
    if (sc->ret == -1 && !sc->err && !sc->ret_any)
        return pd_error_set(err, line, "result -1 without an errno name");
    return 0;
}

int pd_parse_syscall(struct pd_arena *a, struct pd_cursor *c, struct pd_syscall *sc, int line,
                     struct pd_error *err)
{
    char name[32];
    memset(sc, 0, sizeof(*sc));
    sc->end_usecs = -1;
    if (!pd_ident(c, name, sizeof name) || !pd_accept(c, '('))
        return pd_error_set(err, line, "bad system call (want name(args) = result)");
    sc->name = pd_arena_strndup(a, name, strlen(name));
    struct pd_expr list;
    if (items(a, c, &list, ')', false, line, err) < 0) return -1;
    sc->args = list.items;
    sc->nargs = list.nitems;
    return result(a, c, sc, line, err);
}
