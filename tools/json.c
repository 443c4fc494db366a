/* synack CLI — a small JSON writer. */
#include "json.h"

#include <string.h>

void json_write_string(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            /* Control characters, and bytes that are not ASCII (data is not known to be
             * UTF-8), as \u00XX. */
            if (c < 0x20 || c >= 0x7f)
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

void json_begin(struct json_obj *o, FILE *f)
{
    o->f = f;
    o->first = true;
    fputc('{', f);
}

void json_end(struct json_obj *o)
{
    fputs("}\n", o->f);
}

static void key(struct json_obj *o, const char *k)
{
    if (!o->first) fputc(',', o->f);
    o->first = false;
    json_write_string(o->f, k, strlen(k));
    fputc(':', o->f);
}

void json_str(struct json_obj *o, const char *k, const char *val)
{
    json_strn(o, k, val, strlen(val));
}

void json_strn(struct json_obj *o, const char *k, const char *val, size_t len)
{
    key(o, k);
    json_write_string(o->f, val, len);
}

void json_int(struct json_obj *o, const char *k, long long val)
{
    key(o, k);
    fprintf(o->f, "%lld", val);
}

void json_bool(struct json_obj *o, const char *k, bool val)
{
    key(o, k);
    fputs(val ? "true" : "false", o->f);
}

void json_null(struct json_obj *o, const char *k)
{
    key(o, k);
    fputs("null", o->f);
}
