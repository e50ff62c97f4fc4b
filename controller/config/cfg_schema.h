/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The schema-table engine behind the config file, private to the config module
 * (cfg_top.c, cfg_rules.c, cfg_sim.c).  A table of keys describes one JSON
 * object: each key's type, the struct field it fills, its default and its
 * range.  From that table alone cfg_schema.c sets the defaults, parses and
 * range-checks an object (unknown keys are errors), dumps it back as JSON and
 * frees it.  Keys the engine cannot describe (arrays of objects, the policy's
 * parameters) are CT_NODE with hooks of their own.
 */
#ifndef XB_CONFIG_CFG_SCHEMA_H
#define XB_CONFIG_CFG_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "errlist.h"

/* One load of one file.  policy_bad is cfg_load.c's, not the engine's. */
struct cfg_ctx {
    const char *name; /* file name in messages */
    struct xb_errlist *el;
    int policy_bad; /* the "policy" object had errors: check the name only */
};

enum cfg_type {
    CT_SIZE,     /* uint64_t, KiB */
    CT_DURATION, /* uint64_t, ms */
    CT_DOUBLE,   /* double */
    CT_U64,      /* uint64_t */
    CT_UINT,     /* unsigned */
    CT_INT,      /* int, non-negative in the file (-1 may mean unset) */
    CT_BOOL,     /* int, 0 or 1 (-1 may mean unset) */
    CT_STRING,   /* char *, owned */
    CT_ENUM,     /* int, one of `words` */
    CT_WORD,     /* char *, owned, one of `words` */
    CT_OBJECT,   /* embedded struct described by `sub` */
    CT_NODE,     /* anything else: the key's own hooks */
};

/* CK_SPARSE: dumped only when it differs from its default ("unset"). */
#define CK_SPARSE 0x1
/* CK_NULL: a string that may be JSON null (stored as NULL). */
#define CK_NULL 0x2

struct cfg_word {
    const char *name;
    int value;
};

struct cfg_schema;

struct cfg_key {
    const char *name;
    enum cfg_type type;
    size_t off; /* offset of the field in the object's struct */
    unsigned flags;
    uint64_t def; /* default: sizes, durations, counts, bools, enums */
    int64_t idef; /* default for CT_INT and CT_BOOL (may be -1) */
    double ddef;
    const char *sdef;
    uint64_t min, max; /* inclusive range of numeric keys */
    double dmin, dmax;
    const struct cfg_word *words;
    const struct cfg_schema *sub;
    /* CT_STRING: extra validation; 0, or -1 with *cause (the whole
     * message after the path, quoting the value). */
    int (*check)(const char *s, char **cause);
    /* CT_OBJECT: dumped only if this says so (NULL: always). */
    int (*shown)(const void *base);
    /* CT_OBJECT: a string in place of the object stands for
     * { <shorthand>: string } ("policy": "pressure"); NULL: objects only. */
    const char *shorthand;
    /* CT_NODE hooks; `base` is the struct holding the key. */
    void (*n_defaults)(void *base);
    void (*n_parse)(struct cfg_ctx *ctx, json_t *v, const char *path,
                    void *base);
    json_t *(*n_dump)(const void *base);
    void (*n_dispose)(void *base);
};

struct cfg_schema {
    const struct cfg_key *keys; /* terminated by { NULL } */
    /*
     * Checks across keys once the object is read.  `obj` is what the file
     * said (to test presence); `clean` is 1 if the object itself parsed
     * without errors, so cross checks do not pile onto a bad value.
     */
    void (*post)(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
                 int clean);
};

#define FIELD(base, k, type) ((type *)(void *)((char *)(base) + (k)->off))
#define CFIELD(base, k, type)                                                  \
    ((type const *)(const void *)((const char *)(base) + (k)->off))

/*
 * Table entries, one line each: key name, the struct and field it fills,
 * the default, then the inclusive range where there is one.  `fl` is
 * CK_* flags.
 */
#define K_SIZE(n, st, f, d, lo, hi, fl)                                        \
    {                                                                          \
        .name = (n), .type = CT_SIZE, .off = offsetof(st, f), .def = (d),      \
        .min = (lo), .max = (hi), .flags = (fl)                                \
    }
#define K_DURATION(n, st, f, d, lo, hi)                                        \
    {                                                                          \
        .name = (n), .type = CT_DURATION, .off = offsetof(st, f), .def = (d),  \
        .min = (lo), .max = (hi)                                               \
    }
#define K_DOUBLE(n, st, f, d, lo, hi)                                          \
    {                                                                          \
        .name = (n), .type = CT_DOUBLE, .off = offsetof(st, f), .ddef = (d),   \
        .dmin = (lo), .dmax = (hi)                                             \
    }
/* t: CT_U64, CT_UINT or CT_INT (whose default may be -1: unset). */
#define K_COUNT(n, t, st, f, d, lo, hi, fl)                                    \
    {                                                                          \
        .name = (n), .type = (t), .off = offsetof(st, f), .def = (d),          \
        .idef = (d), .min = (lo), .max = (hi), .flags = (fl)                   \
    }
#define K_BOOL(n, st, f, d, fl)                                                \
    {                                                                          \
        .name = (n), .type = CT_BOOL, .off = offsetof(st, f), .idef = (d),     \
        .flags = (fl)                                                          \
    }
#define K_STRING(n, st, f, d, chk, fl)                                         \
    {                                                                          \
        .name = (n), .type = CT_STRING, .off = offsetof(st, f), .sdef = (d),   \
        .check = (chk), .flags = (fl)                                          \
    }
#define K_ENUM(n, st, f, d, w)                                                 \
    {                                                                          \
        .name = (n), .type = CT_ENUM, .off = offsetof(st, f), .def = (d),      \
        .words = (w)                                                           \
    }
#define K_WORD(n, st, f, d, w)                                                 \
    {                                                                          \
        .name = (n), .type = CT_WORD, .off = offsetof(st, f), .sdef = (d),     \
        .words = (w)                                                           \
    }
#define K_OBJECT(n, off_, sc, show)                                            \
    {                                                                          \
        .name = (n), .type = CT_OBJECT, .off = (off_), .sub = (sc),            \
        .shown = (show)                                                        \
    }
/* An object that a string may stand for: { sh: "the string" }. */
#define K_OBJECT_OR_STRING(n, off_, sc, show, sh)                              \
    {                                                                          \
        .name = (n), .type = CT_OBJECT, .off = (off_), .sub = (sc),            \
        .shown = (show), .shorthand = (sh)                                     \
    }
#define K_NODE(n, def, parse, dump, dispose)                                   \
    {                                                                          \
        .name = (n), .type = CT_NODE, .n_defaults = (def), .n_parse = (parse), \
        .n_dump = (dump), .n_dispose = (dispose)                               \
    }
#define K_END                                                                  \
    {                                                                          \
        .name = NULL                                                           \
    }

/*
 * Adds "name: path: message" to the context's error list ("name: message"
 * for an empty or NULL path).
 */
void cfg_error(struct cfg_ctx *ctx, const char *path, const char *fmt, ...)
    XB_PRINTF(3, 4);
/* "path.key", or "key" at the top (caller frees). */
char *cfg_path_key(const char *path, const char *key);
/* 0 if v is an object, else -1 with an error at path. */
int cfg_want_object(struct cfg_ctx *ctx, json_t *v, const char *path);

/*
 * A size or duration key's value given as text (a control request, the
 * command line): the shared parser (common/number.h), `bare` for a number
 * without a unit, then the key's own range, with the config's words.
 * 0 and *out, or -1 with *cause.
 */
int cfg_key_parse_text(const struct cfg_key *k, const char *text, uint64_t bare,
                       uint64_t *out, char **cause);

/* Every key's default into the struct at base. */
void cfg_schema_defaults(const struct cfg_schema *sc, void *base);
/* Reads obj (an object) into base, reporting every bad or unknown key,
 * then runs the table's post hook. */
void cfg_parse_object(struct cfg_ctx *ctx, const struct cfg_schema *sc,
                      json_t *obj, const char *path, void *base);
/* The object as JSON (new reference). */
json_t *cfg_dump_object(const struct cfg_schema *sc, const void *base);
/* Frees what the keys own (not base itself). */
void cfg_schema_dispose(const struct cfg_schema *sc, void *base);

#endif
