/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The schema-table engine (see cfg_schema.h): generic parsing, defaults
 * and freeing of one JSON object, driven by its key table (dumping it is
 * cfg_dump.c's).
 * Nothing here is fatal: every problem is added to the caller's error
 * list and parsing goes on to find the next one.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_schema.h"
#include "cfg_value.h"
#include "config.h"
#include "xmalloc.h"

void
cfg_error(struct cfg_ctx *ctx, const char *path, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        fatal("vasprintf");
    va_end(ap);
    if (path == NULL || *path == '\0')
        xb_errlist_add(ctx->el, "%s: %s", ctx->name, msg);
    else
        xb_errlist_add(ctx->el, "%s: %s: %s", ctx->name, path, msg);
    free(msg);
}

static const struct cfg_word *
cfg_word_find(const struct cfg_word *w, const char *name)
{
    for (; w->name != NULL; w++)
        if (strcmp(w->name, name) == 0)
            return w;
    return NULL;
}

/* "a, b, c" (caller frees). */
static char *
cfg_list_names(const struct cfg_word *w, const struct cfg_key *k)
{
    size_t len = 1, n = 0;
    char *out;

    for (size_t i = 0; w ? w[i].name != NULL : k[i].name != NULL; i++)
        len += strlen(w ? w[i].name : k[i].name) + 2;
    out = xb_malloc(len);
    *out = '\0';
    for (size_t i = 0; w ? w[i].name != NULL : k[i].name != NULL; i++) {
        if (n++ > 0)
            strcat(out, ", ");
        strcat(out, w ? w[i].name : k[i].name);
    }
    return out;
}

char *
cfg_path_key(const char *path, const char *key)
{
    return xb_path_key(path, key);
}

int
cfg_want_object(struct cfg_ctx *ctx, json_t *v, const char *path)
{
    if (json_is_object(v))
        return 0;
    cfg_error(ctx, path, "expected an object, got %s",
              cfg_type_name(json_typeof(v)));
    return -1;
}

static void
cfg_parse_quantity_key(struct cfg_ctx *ctx, const struct cfg_key *k, json_t *v,
                       const char *path, void *base)
{
    enum xb_qty q = k->type == CT_SIZE ? XB_QTY_SIZE : XB_QTY_DURATION;
    char *cause = NULL;
    uint64_t u;
    int rc;

    rc = k->type == CT_SIZE ? cfg_parse_size(v, &u, &cause)
                            : cfg_parse_duration(v, &u, &cause);
    if (rc != 0 || xb_qty_check(q, u, k->min, k->max, &cause) != 0) {
        cfg_error(ctx, path, "%s", cause);
        free(cause);
        return;
    }
    *FIELD(base, k, uint64_t) = u;
}

int
cfg_key_parse_text(const struct cfg_key *k, const char *text, uint64_t bare,
                   uint64_t *out, char **cause)
{
    enum xb_qty q = k->type == CT_SIZE ? XB_QTY_SIZE : XB_QTY_DURATION;

    return xb_qty_parse_range(q, text, bare, k->min, k->max, out, cause);
}

static void
cfg_parse_count_key(struct cfg_ctx *ctx, const struct cfg_key *k, json_t *v,
                    const char *path, void *base)
{
    json_int_t i;

    if (!json_is_integer(v)) {
        cfg_error(ctx, path, "expected an integer, got %s",
                  cfg_type_name(json_typeof(v)));
        return;
    }
    i = json_integer_value(v);
    if (i < 0 || (uint64_t)i < k->min || (uint64_t)i > k->max) {
        cfg_error(ctx, path,
                  "%" JSON_INTEGER_FORMAT " is out of range [%" PRIu64
                  ", %" PRIu64 "]",
                  i, k->min, k->max);
        return;
    }
    if (k->type == CT_U64)
        *FIELD(base, k, uint64_t) = (uint64_t)i;
    else if (k->type == CT_UINT)
        *FIELD(base, k, unsigned) = (unsigned)i;
    else
        *FIELD(base, k, int) = (int)i;
}

static void
cfg_parse_string_key(struct cfg_ctx *ctx, const struct cfg_key *k, json_t *v,
                     const char *path, void *base)
{
    char **field = FIELD(base, k, char *), *cause = NULL, *q, *names;
    const struct cfg_word *w = NULL;
    const char *s;

    if (json_is_null(v) && (k->flags & CK_NULL)) {
        free(*field);
        *field = NULL;
        return;
    }
    if (!json_is_string(v)) {
        cfg_error(ctx, path, "expected a string%s, got %s",
                  (k->flags & CK_NULL) ? " or null" : "",
                  cfg_type_name(json_typeof(v)));
        return;
    }
    s = json_string_value(v);
    if (k->words != NULL && (w = cfg_word_find(k->words, s)) == NULL) {
        q = xb_quote(s);
        names = cfg_list_names(k->words, NULL);
        cfg_error(ctx, path, "%s is not one of: %s", q, names);
        free(names);
        free(q);
        return;
    }
    if (k->check != NULL && k->check(s, &cause) != 0) {
        cfg_error(ctx, path, "%s", cause);
        free(cause);
        return;
    }
    if (k->type == CT_ENUM) {
        *FIELD(base, k, int) = w->value;
        return;
    }
    free(*field);
    *field = xb_strdup(s);
}

static void
cfg_parse_key(struct cfg_ctx *ctx, const struct cfg_key *k, json_t *v,
              const char *path, void *base)
{
    double d;

    switch (k->type) {
    case CT_SIZE:
    case CT_DURATION:
        cfg_parse_quantity_key(ctx, k, v, path, base);
        break;
    case CT_DOUBLE:
        if (!json_is_number(v)) {
            cfg_error(ctx, path, "expected a number, got %s",
                      cfg_type_name(json_typeof(v)));
            break;
        }
        d = json_number_value(v);
        if (!(d >= k->dmin && d <= k->dmax)) {
            cfg_error(ctx, path, "%g is out of range [%g, %g]", d, k->dmin,
                      k->dmax);
            break;
        }
        *FIELD(base, k, double) = d;
        break;
    case CT_U64:
    case CT_UINT:
    case CT_INT:
        cfg_parse_count_key(ctx, k, v, path, base);
        break;
    case CT_BOOL:
        if (!json_is_boolean(v)) {
            cfg_error(ctx, path, "expected true or false, got %s",
                      cfg_type_name(json_typeof(v)));
            break;
        }
        *FIELD(base, k, int) = json_is_true(v);
        break;
    case CT_STRING:
    case CT_ENUM:
    case CT_WORD:
        cfg_parse_string_key(ctx, k, v, path, base);
        break;
    case CT_OBJECT:
        if (k->shorthand != NULL && json_is_string(v)) {
            /* Errors then name the key the string stands for. */
            json_t *obj = json_pack("{sO}", k->shorthand, v);

            cfg_parse_object(ctx, k->sub, obj, path, FIELD(base, k, char));
            json_decref(obj);
        } else if (k->shorthand != NULL && !json_is_object(v))
            cfg_error(ctx, path, "expected an object or a string, got %s",
                      cfg_type_name(json_typeof(v)));
        else if (cfg_want_object(ctx, v, path) == 0)
            cfg_parse_object(ctx, k->sub, v, path, FIELD(base, k, char));
        break;
    case CT_NODE:
        k->n_parse(ctx, v, path, base);
        break;
    }
}

void
cfg_parse_object(struct cfg_ctx *ctx, const struct cfg_schema *sc, json_t *obj,
                 const char *path, void *base)
{
    const struct cfg_key *k;
    size_t start = ctx->el->n;
    const char *key;
    char *kpath, *names;
    json_t *v;

    json_object_foreach(obj, key, v) {
        for (k = sc->keys; k->name != NULL; k++)
            if (strcmp(k->name, key) == 0)
                break;
        kpath = cfg_path_key(path, key);
        if (k->name != NULL)
            cfg_parse_key(ctx, k, v, kpath, base);
        else {
            names = cfg_list_names(NULL, sc->keys);
            cfg_error(ctx, kpath, "unknown key (known: %s)", names);
            free(names);
        }
        free(kpath);
    }
    if (sc->post != NULL)
        sc->post(ctx, path, base, obj, ctx->el->n == start);
}

void
cfg_schema_defaults(const struct cfg_schema *sc, void *base)
{
    for (const struct cfg_key *k = sc->keys; k->name != NULL; k++) {
        switch (k->type) {
        case CT_SIZE:
        case CT_DURATION:
        case CT_U64:
            *FIELD(base, k, uint64_t) = k->def;
            break;
        case CT_UINT:
            *FIELD(base, k, unsigned) = (unsigned)k->def;
            break;
        case CT_INT:
        case CT_BOOL:
            *FIELD(base, k, int) = (int)k->idef;
            break;
        case CT_ENUM:
            *FIELD(base, k, int) = (int)k->def;
            break;
        case CT_DOUBLE:
            *FIELD(base, k, double) = k->ddef;
            break;
        case CT_STRING:
        case CT_WORD:
            *FIELD(base, k, char *) =
                k->sdef != NULL ? xb_strdup(k->sdef) : NULL;
            break;
        case CT_OBJECT:
            cfg_schema_defaults(k->sub, FIELD(base, k, char));
            break;
        case CT_NODE:
            if (k->n_defaults != NULL)
                k->n_defaults(base);
            break;
        }
    }
}

void
cfg_schema_dispose(const struct cfg_schema *sc, void *base)
{
    for (const struct cfg_key *k = sc->keys; k->name != NULL; k++) {
        switch (k->type) {
        case CT_STRING:
        case CT_WORD:
            free(*FIELD(base, k, char *));
            *FIELD(base, k, char *) = NULL;
            break;
        case CT_OBJECT:
            cfg_schema_dispose(k->sub, FIELD(base, k, char));
            break;
        case CT_NODE:
            if (k->n_dispose != NULL)
                k->n_dispose(base);
            break;
        default:
            break;
        }
    }
}
