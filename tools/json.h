/* synack CLI — a small JSON writer: one flat object per line, strings escaped per RFC 8259. */
#ifndef SYNACK_TOOLS_JSON_H
#define SYNACK_TOOLS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_obj {
    FILE *f;
    bool first;
};

void json_begin(struct json_obj *o, FILE *f);
void json_end(struct json_obj *o); /* closes the object and the line */
void json_str(struct json_obj *o, const char *key, const char *val);
void json_strn(struct json_obj *o, const char *key, const char *val, size_t len);
void json_int(struct json_obj *o, const char *key, long long val);
void json_bool(struct json_obj *o, const char *key, bool val);
void json_null(struct json_obj *o, const char *key);
/* A JSON string literal, quotes included. */
void json_write_string(FILE *f, const char *s, size_t len);

#endif
