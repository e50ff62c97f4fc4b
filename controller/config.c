/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The configuration file.  Every JSON object the file may hold (the top
 * level, "sim", "sim.domains[]", "policy", "domains[]") has one schema
 * table below, and those tables alone set the defaults, parse and
 * range-check the file, dump the effective config (`config show`) and free
 * it; tests/unit/test_config.c checks xenballoon.json(5) against them, so
 * the man page cannot drift.  Nothing here is fatal: every problem is
 * added to the caller's error list (syntax as file:line:col, the rest as
 * file: json.path: what is wrong and what is allowed) and loading goes on
 * to find the next one.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "registry.h"
#include "xmalloc.h"

/* Size units, in KiB (the unit of every size inside the daemon). */
#define KIB UINT64_C(1)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)
#define TIB (GIB * 1024)
/* Duration units, in milliseconds. */
#define MSEC UINT64_C(1)
#define SEC (MSEC * 1000)
#define MINUTE (SEC * 60)
#define HOUR (MINUTE * 60)

/* Largest size parsed at all: 2^54 KiB (16 EiB) still fits a uint64 of
 * bytes; the per-key ranges are far below. */
#define CFG_SIZE_LIMIT (UINT64_C(1) << 54)
/* Largest duration parsed at all: 2^53 ms, exact in any JSON reader. */
#define CFG_DURATION_LIMIT (UINT64_C(1) << 53)
/* The file is read whole; real configs are a few KiB. */
#define CFG_FILE_MAX (1024 * 1024)
/* Xen reserves domids from DOMID_FIRST_RESERVED (0x7FF0) up. */
#define CFG_DOMID_MAX 32751
/* Caps on lists, so a runaway generator cannot make us allocate forever. */
#define CFG_RULES_MAX 1024
#define CFG_SIMDOMS_MAX 256
/* sun_path holds 108 bytes including the NUL. */
#define CFG_SOCKET_MAX 107
/* Longest simulated domain name (Xen allows 64 with the NUL). */
#define CFG_SIMNAME_MAX 63
/* Longest user string quoted back in a message. */
#define CFG_QUOTE_MAX 40

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
#define K_NODE(n, def, parse, dump, dispose)                                   \
    {                                                                          \
        .name = (n), .type = CT_NODE, .n_defaults = (def), .n_parse = (parse), \
        .n_dump = (dump), .n_dispose = (dispose)                               \
    }
#define K_END                                                                  \
    {                                                                          \
        .name = NULL                                                           \
    }

static void cfg_error(struct cfg_ctx *, const char *, const char *, ...)
    XB_PRINTF(3, 4);
static void cfg_parse_object(struct cfg_ctx *, const struct cfg_schema *,
                             json_t *, const char *, void *);
static json_t *cfg_dump_object(const struct cfg_schema *, const void *);
static void cfg_schema_defaults(const struct cfg_schema *, void *);
static void cfg_schema_dispose(const struct cfg_schema *, void *);

/*
 * Messages.
 */

static void
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

/* A user string for a message: quoted, shortened, unprintables as '?'. */
static char *
cfg_quote(const char *s)
{
    size_t len = strlen(s), n = len > CFG_QUOTE_MAX ? CFG_QUOTE_MAX : len;
    char *out = xb_malloc(n + 6), *p = out;

    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        *p++ = (isprint(c) && c != '"' && c != '\\') ? (char)c : '?';
    }
    if (n < len) {
        memcpy(p, "...", 3);
        p += 3;
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

static const char *
cfg_jtype(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        break;
    }
    return "null";
}

/*
 * Sizes and durations.
 */

struct cfg_unit {
    const char *name;
    uint64_t mult;
};

/* Largest first: the formatter takes the first that divides exactly. */
static const struct cfg_unit cfg_size_units[] = {
    { "T", TIB },   { "TiB", TIB }, { "G", GIB },
    { "GiB", GIB }, { "M", MIB },   { "MiB", MIB },
    { "K", KIB },   { "KiB", KIB }, { NULL, 0 },
};
static const struct cfg_unit cfg_duration_units[] = {
    { "h", HOUR }, { "m", MINUTE }, { "s", SEC }, { "ms", MSEC }, { NULL, 0 },
};

enum cfg_num_rc {
    NUM_OK,
    NUM_JUNK,
    NUM_NEGATIVE,
    NUM_TOO_LARGE,
    NUM_NOT_WHOLE,
};

/*
 * "<digits>[.<digits>]<unit>", exactly; the value times the unit must be
 * a whole number of base units and at most `limit`.  Size units match
 * without regard to case ("512m"); duration units do not ("m" is minutes,
 * "ms" milliseconds).
 */
static enum cfg_num_rc
cfg_parse_units(const char *s, const struct cfg_unit *units, int icase,
                uint64_t limit, uint64_t *out)
{
    const struct cfg_unit *u;
    const char *p = s;
    uint64_t whole = 0, frac = 0, scale = 1, hi, lo, v;
    int big = 0, fine = 0;
    unsigned __int128 f;

    if (p[0] == '-' && isdigit((unsigned char)p[1]))
        return NUM_NEGATIVE;
    if (!isdigit((unsigned char)*p))
        return NUM_JUNK;
    for (; isdigit((unsigned char)*p); p++) {
        if (whole > (UINT64_MAX - 9) / 10)
            big = 1;
        else
            whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        if (!isdigit((unsigned char)*++p))
            return NUM_JUNK;
        /* 18 decimals are exact in 64 bits; beyond, only zeros. */
        for (; isdigit((unsigned char)*p); p++) {
            if (scale < UINT64_C(1000000000000000000)) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                scale *= 10;
            } else if (*p != '0')
                fine = 1;
        }
    }
    for (u = units; u->name != NULL; u++)
        if ((icase ? strcasecmp(p, u->name) : strcmp(p, u->name)) == 0)
            break;
    if (u->name == NULL)
        return NUM_JUNK;
    if (big || __builtin_mul_overflow(whole, u->mult, &hi))
        return NUM_TOO_LARGE;
    f = (unsigned __int128)frac * u->mult;
    if (fine || f % scale != 0)
        return NUM_NOT_WHOLE;
    lo = (uint64_t)(f / scale);
    if (__builtin_add_overflow(hi, lo, &v) || v > limit)
        return NUM_TOO_LARGE;
    *out = v;
    return NUM_OK;
}

/* The shortest exact spelling: "128M", "1536M", "100K", "0". */
static void
cfg_fmt_units(uint64_t v, const struct cfg_unit *units, char *buf, size_t len)
{
    const struct cfg_unit *u;

    if (v == 0) {
        snprintf(buf, len, "0");
        return;
    }
    for (u = units; u->name != NULL; u++)
        if (v % u->mult == 0)
            break;
    snprintf(buf, len, "%" PRIu64 "%s", v / u->mult, u->name);
}

static int
cfg_parse_quantity(const json_t *v, uint64_t *out, char **cause, int size)
{
    const char *what = size ? "size" : "duration";
    const char *base = size ? "KiB" : "milliseconds";
    enum cfg_num_rc rc;
    json_int_t i;
    char *q;

    if (json_is_integer(v)) {
        i = json_integer_value(v);
        if (i < 0) {
            xb_set_cause(cause, "%" JSON_INTEGER_FORMAT " is negative", i);
            return -1;
        }
        if ((uint64_t)i > (size ? CFG_SIZE_LIMIT : CFG_DURATION_LIMIT)) {
            xb_set_cause(cause, "%" JSON_INTEGER_FORMAT " is too large", i);
            return -1;
        }
        *out = (uint64_t)i;
        return 0;
    }
    if (!json_is_string(v)) {
        xb_set_cause(cause,
                     "expected a %s (%s as an integer, or a string like "
                     "\"%s\"), got %s",
                     what, base, size ? "512M" : "2s", cfg_jtype(v));
        return -1;
    }
    rc = size ? cfg_parse_units(json_string_value(v), cfg_size_units, 1,
                                CFG_SIZE_LIMIT, out)
              : cfg_parse_units(json_string_value(v), cfg_duration_units, 0,
                                CFG_DURATION_LIMIT, out);
    if (rc == NUM_OK)
        return 0;
    q = cfg_quote(json_string_value(v));
    switch (rc) {
    case NUM_NEGATIVE:
        xb_set_cause(cause, "%s is negative", q);
        break;
    case NUM_TOO_LARGE:
        xb_set_cause(cause, "%s is too large", q);
        break;
    case NUM_NOT_WHOLE:
        xb_set_cause(cause, "%s is not a whole number of %s", q, base);
        break;
    default:
        xb_set_cause(cause, "%s is not a %s (use %s)", q, what,
                     size ? "K, M, G or T" : "ms, s, m or h");
        break;
    }
    free(q);
    return -1;
}

int
cfg_parse_size(const json_t *v, uint64_t *kb, char **cause)
{
    return cfg_parse_quantity(v, kb, cause, 1);
}

int
cfg_parse_duration(const json_t *v, uint64_t *ms, char **cause)
{
    return cfg_parse_quantity(v, ms, cause, 0);
}

/*
 * String checks.
 */

static int
cfg_check_nonempty(const char *s, char **cause)
{
    if (*s != '\0')
        return 0;
    xb_set_cause(cause, "must not be empty");
    return -1;
}

static int
cfg_check_socket(const char *s, char **cause)
{
    char *q = cfg_quote(s);
    int rc = -1;

    if (*s != '/')
        xb_set_cause(cause, "%s is not an absolute path", q);
    else if (strlen(s) > CFG_SOCKET_MAX)
        xb_set_cause(cause, "%s is longer than %d bytes", q, CFG_SOCKET_MAX);
    else
        rc = 0;
    free(q);
    return rc;
}

/* A group or domain name: letters, digits, '_', '-', '.'; 1..max. */
static int
cfg_check_word(const char *s, size_t max, char **cause)
{
    char *q;
    size_t i;

    for (i = 0; s[i] != '\0'; i++)
        if (!isalnum((unsigned char)s[i]) && strchr("_-.", s[i]) == NULL)
            break;
    if (i > 0 && s[i] == '\0' && i <= max)
        return 0;
    q = cfg_quote(s);
    xb_set_cause(cause,
                 "%s is not a valid name (1 to %zu of A-Z a-z 0-9 _ - .)", q,
                 max);
    free(q);
    return -1;
}

static int
cfg_check_group(const char *s, char **cause)
{
    /* 32 is the longest group name shadow-utils accepts. */
    return cfg_check_word(s, 32, cause);
}

int
cfg_parse_listen(const char *s, char *host, size_t len, unsigned *port,
                 char **cause)
{
    static const char loopback[] = "127.0.0.1";
    const char *h, *hend, *p, *ok;
    unsigned long v = 0;
    char *q = cfg_quote(s);
    int rc = -1;

    if (*s == '[') {
        h = s + 1;
        hend = strchr(h, ']');
        ok = "0123456789abcdefABCDEF:.";
        if (hend == NULL || hend[1] != ':') {
            xb_set_cause(cause, "%s: expected [address]:port", q);
            goto out;
        }
        p = hend + 2;
    } else if (strchr(s, ':') == NULL) {
        h = loopback; /* a bare port: the loopback address */
        hend = h + strlen(h);
        ok = "0123456789.";
        p = s;
    } else {
        h = s;
        hend = strchr(s, ':');
        ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
             "0123456789.-";
        if (strchr(hend + 1, ':') != NULL) {
            xb_set_cause(cause,
                         "%s: an IPv6 address goes in brackets, "
                         "as in [::1]:9542",
                         q);
            goto out;
        }
        if (hend == h) {
            h = loopback; /* ":port" */
            hend = h + strlen(h);
        }
        p = strchr(s, ':') + 1;
    }
    if (hend == h || (size_t)(hend - h) >= len ||
        (size_t)(hend - h) >= CFG_HOST_MAX) {
        xb_set_cause(cause, "%s: the address must have 1 to %d characters", q,
                     CFG_HOST_MAX - 1);
        goto out;
    }
    for (const char *c = h; c < hend; c++)
        if (strchr(ok, *c) == NULL) {
            xb_set_cause(cause,
                         "%s is not an address (host:port, "
                         "[v6-address]:port or a port)",
                         q);
            goto out;
        }
    if (*p == '\0' || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p) ||
        (v = strtoul(p, NULL, 10)) > 65535) {
        xb_set_cause(cause, "%s: the port must be a number in [0, 65535]", q);
        goto out;
    }
    memcpy(host, h, (size_t)(hend - h));
    host[hend - h] = '\0';
    *port = (unsigned)v;
    rc = 0;
out:
    free(q);
    return rc;
}

static int
cfg_check_listen(const char *s, char **cause)
{
    char host[CFG_HOST_MAX];
    unsigned port;

    return cfg_parse_listen(s, host, sizeof(host), &port, cause);
}

static int
cfg_check_simname(const char *s, char **cause)
{
    return cfg_check_word(s, CFG_SIMNAME_MAX, cause);
}

/*
 * Word lists.
 */

static const struct cfg_word cfg_backends[] = {
    { "xen", CFG_BACKEND_XEN },
    { "sim", CFG_BACKEND_SIM },
    { NULL, 0 },
};
static const struct cfg_word cfg_log_levels[] = {
    { "error", XB_LOG_ERR },
    { "warning", XB_LOG_WARNING },
    { "info", XB_LOG_INFO },
    { "debug", XB_LOG_DEBUG },
    { NULL, 0 },
};
static const struct cfg_word cfg_drivers[] = {
    { "ideal", 0 }, { "slow", 0 }, { "capped", 0 }, { "stuck", 0 }, { NULL, 0 },
};
static const struct cfg_word cfg_workloads[] = {
    { "idle", 0 },
    { "eatmem", 0 },
    { "step", 0 },
    { NULL, 0 },
};

static const struct cfg_word *
cfg_word_find(const struct cfg_word *w, const char *name)
{
    for (; w->name != NULL; w++)
        if (strcmp(w->name, name) == 0)
            return w;
    return NULL;
}

static const char *
cfg_word_name(const struct cfg_word *w, int value)
{
    for (; w->name != NULL; w++)
        if (w->value == value)
            return w->name;
    return "unknown";
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

/*
 * Generic parsing, defaults, dumping and freeing, driven by the tables.
 */

static char *
cfg_path_key(const char *path, const char *key)
{
    char *p;

    if (*path == '\0')
        return xb_strdup(key);
    xb_asprintf(&p, "%s.%s", path, key);
    return p;
}

static int
cfg_want_object(struct cfg_ctx *ctx, json_t *v, const char *path)
{
    if (json_is_object(v))
        return 0;
    cfg_error(ctx, path, "expected an object, got %s", cfg_jtype(v));
    return -1;
}

static void
cfg_parse_quantity_key(struct cfg_ctx *ctx, const struct cfg_key *k, json_t *v,
                       const char *path, void *base)
{
    const struct cfg_unit *units;
    char *cause = NULL, val[32], lo[32], hi[32];
    uint64_t u;
    int rc;

    if (k->type == CT_SIZE) {
        rc = cfg_parse_size(v, &u, &cause);
        units = cfg_size_units;
    } else {
        rc = cfg_parse_duration(v, &u, &cause);
        units = cfg_duration_units;
    }
    if (rc != 0) {
        cfg_error(ctx, path, "%s", cause);
        free(cause);
        return;
    }
    if (u < k->min || u > k->max) {
        cfg_fmt_units(u, units, val, sizeof(val));
        cfg_fmt_units(k->min, units, lo, sizeof(lo));
        cfg_fmt_units(k->max, units, hi, sizeof(hi));
        cfg_error(ctx, path, "%s is out of range [%s, %s]", val, lo, hi);
        return;
    }
    *FIELD(base, k, uint64_t) = u;
}

static void
cfg_parse_count_key(struct cfg_ctx *ctx, const struct cfg_key *k, json_t *v,
                    const char *path, void *base)
{
    json_int_t i;

    if (!json_is_integer(v)) {
        cfg_error(ctx, path, "expected an integer, got %s", cfg_jtype(v));
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
                  (k->flags & CK_NULL) ? " or null" : "", cfg_jtype(v));
        return;
    }
    s = json_string_value(v);
    if (k->words != NULL && (w = cfg_word_find(k->words, s)) == NULL) {
        q = cfg_quote(s);
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
            cfg_error(ctx, path, "expected a number, got %s", cfg_jtype(v));
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
                      cfg_jtype(v));
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
        if (cfg_want_object(ctx, v, path) == 0)
            cfg_parse_object(ctx, k->sub, v, path, FIELD(base, k, char));
        break;
    case CT_NODE:
        k->n_parse(ctx, v, path, base);
        break;
    }
}

static void
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

static void
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

static void
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

/* For CK_SPARSE keys: still at the default, i.e. unset? */
static int
cfg_is_default(const struct cfg_key *k, const void *base)
{
    const char *s;

    switch (k->type) {
    case CT_SIZE:
    case CT_DURATION:
    case CT_U64:
        return *CFIELD(base, k, uint64_t) == k->def;
    case CT_UINT:
        return *CFIELD(base, k, unsigned) == k->def;
    case CT_INT:
    case CT_BOOL:
        return *CFIELD(base, k, int) == k->idef;
    case CT_STRING:
    case CT_WORD:
        s = *CFIELD(base, k, char *);
        return s == NULL ? k->sdef == NULL
                         : k->sdef != NULL && strcmp(s, k->sdef) == 0;
    default:
        return 0;
    }
}

static json_t *
cfg_dump_key(const struct cfg_key *k, const void *base)
{
    const char *s;
    char buf[32];
    uint64_t u;

    switch (k->type) {
    case CT_SIZE:
    case CT_DURATION:
        u = *CFIELD(base, k, uint64_t);
        if (u == 0)
            return json_integer(0);
        cfg_fmt_units(u,
                      k->type == CT_SIZE ? cfg_size_units : cfg_duration_units,
                      buf, sizeof(buf));
        return json_string(buf);
    case CT_U64:
        return json_integer((json_int_t)*CFIELD(base, k, uint64_t));
    case CT_UINT:
        return json_integer(*CFIELD(base, k, unsigned));
    case CT_INT:
        return json_integer(*CFIELD(base, k, int));
    case CT_BOOL:
        return json_boolean(*CFIELD(base, k, int) > 0);
    case CT_DOUBLE:
        return json_real(*CFIELD(base, k, double));
    case CT_ENUM:
        return json_string(cfg_word_name(k->words, *CFIELD(base, k, int)));
    case CT_STRING:
    case CT_WORD:
        s = *CFIELD(base, k, char *);
        return s != NULL ? json_string(s) : json_null();
    case CT_OBJECT:
        return cfg_dump_object(k->sub, CFIELD(base, k, char));
    case CT_NODE:
        return k->n_dump(base);
    }
    return json_null();
}

static json_t *
cfg_dump_object(const struct cfg_schema *sc, const void *base)
{
    json_t *obj = json_object();

    for (const struct cfg_key *k = sc->keys; k->name != NULL; k++) {
        if ((k->flags & CK_SPARSE) && cfg_is_default(k, base))
            continue;
        if (k->shown != NULL && !k->shown(base))
            continue;
        json_object_set_new(obj, k->name, cfg_dump_key(k, base));
    }
    return obj;
}

/*
 * "agent" (top level and per rule): the settings each guest's agent is
 * handed through memory/xenballoon/agent.  The ranges are the agent's own
 * bounds (common/gstatus.c), so what dom0 sends is never clamped there.
 */

/* Sampling every second: changes reach dom0 within a tick or two. */
static const struct cfg_key cfg_agent_keys[] = {
    K_DURATION("interval", struct cfg_agent, interval_ms, 1 * SEC, 100 * MSEC,
               1 * HOUR),
    /* Well inside stale_after (30s), so a live agent never looks stale. */
    K_DURATION("heartbeat", struct cfg_agent, heartbeat_ms, 10 * SEC, 1 * SEC,
               1 * HOUR),
    K_BOOL("compat", struct cfg_agent, compat, 1, 0),
    K_BOOL("psi_trigger", struct cfg_agent, psi_trigger, 1, 0),
    /* Four balloon hypercalls; the agent's own default. */
    K_SIZE("step", struct cfg_agent, step_kb, 8 * MIB, 1 * MIB, 1 * GIB, 0),
    K_COUNT("step_permille", CT_UINT, struct cfg_agent, step_permille, 20, 1,
            1000, 0),
    K_COUNT("refault_burst", CT_U64, struct cfg_agent, refault_burst, 1024, 64,
            UINT64_C(1) << 32, 0),
    K_COUNT("psi_min_us", CT_U64, struct cfg_agent, psi_min_us, 1000, 100,
            60 * 1000 * 1000, 0),
    K_END,
};
static const struct cfg_schema cfg_agent_schema = { cfg_agent_keys, NULL };

/* The same keys in a rule, every one unset unless given. */
#define K_AGENT_DURATION(n, f, lo, hi)                                         \
    {                                                                          \
        .name = (n), .type = CT_DURATION,                                      \
        .off = offsetof(struct cfg_agent, f), .def = 0, .min = (lo),           \
        .max = (hi), .flags = CK_SPARSE                                        \
    }
static const struct cfg_key cfg_rule_agent_keys[] = {
    K_AGENT_DURATION("interval", interval_ms, 100 * MSEC, 1 * HOUR),
    K_AGENT_DURATION("heartbeat", heartbeat_ms, 1 * SEC, 1 * HOUR),
    K_BOOL("compat", struct cfg_agent, compat, -1, CK_SPARSE),
    K_BOOL("psi_trigger", struct cfg_agent, psi_trigger, -1, CK_SPARSE),
    K_SIZE("step", struct cfg_agent, step_kb, 0, 1 * MIB, 1 * GIB, CK_SPARSE),
    K_COUNT("step_permille", CT_UINT, struct cfg_agent, step_permille, 0, 1,
            1000, CK_SPARSE),
    K_COUNT("refault_burst", CT_U64, struct cfg_agent, refault_burst, 0, 64,
            UINT64_C(1) << 32, CK_SPARSE),
    K_COUNT("psi_min_us", CT_U64, struct cfg_agent, psi_min_us, 0, 100,
            60 * 1000 * 1000, CK_SPARSE),
    K_END,
};
static const struct cfg_schema cfg_rule_agent_schema = { cfg_rule_agent_keys,
                                                         NULL };

static int
cfg_rule_agent_shown(const void *base)
{
    const struct cfg_agent *a = &((const struct cfg_rule *)base)->agent;

    return a->interval_ms || a->heartbeat_ms || a->compat >= 0 ||
           a->psi_trigger >= 0 || a->step_kb || a->step_permille ||
           a->refault_burst || a->psi_min_us;
}

/*
 * "domains": the per-domain rules.
 */

static void cfg_rule_post(struct cfg_ctx *, const char *, void *, json_t *,
                          int);

/* Every field starts unset; cfg_resolve() falls through to the next rule. */
static const struct cfg_key cfg_rule_keys[] = {
    K_STRING("match", struct cfg_rule, pattern, NULL, cfg_check_nonempty,
             CK_SPARSE),
    K_COUNT("domid", CT_INT, struct cfg_rule, domid, -1, 0, CFG_DOMID_MAX,
            CK_SPARSE),
    /* A Linux guest does not boot in less than a few MiB; 16 TiB is the
     * most memory Xen 4.17 supports on x86. */
    K_SIZE("min", struct cfg_rule, min_kb, 0, 1 * MIB, 16 * TIB, CK_SPARSE),
    K_SIZE("max", struct cfg_rule, max_kb, 0, 1 * MIB, 16 * TIB, CK_SPARSE),
    /* Relative share; unset means 100 (policy.h). */
    K_COUNT("weight", CT_UINT, struct cfg_rule, weight, 0, 1, 10000, CK_SPARSE),
    K_BOOL("exclude", struct cfg_rule, exclude, -1, CK_SPARSE),
    K_OBJECT("agent", offsetof(struct cfg_rule, agent), &cfg_rule_agent_schema,
             cfg_rule_agent_shown),
    K_END,
};
static const struct cfg_schema cfg_rule_schema = { cfg_rule_keys,
                                                   cfg_rule_post };

static void
cfg_rule_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
              int clean)
{
    struct cfg_rule *r = base;
    char lo[32], hi[32];
    int has_match = json_object_get(obj, "match") != NULL;
    int has_domid = json_object_get(obj, "domid") != NULL;

    if (has_match == has_domid)
        cfg_error(ctx, path, "needs exactly one of \"match\" or \"domid\"");
    if (json_object_get(obj, "min") == NULL &&
        json_object_get(obj, "max") == NULL &&
        json_object_get(obj, "weight") == NULL &&
        json_object_get(obj, "exclude") == NULL &&
        json_object_get(obj, "agent") == NULL)
        cfg_error(ctx, path,
                  "sets nothing (give min, max, weight, exclude or agent)");
    if (clean && r->min_kb != 0 && r->max_kb != 0 && r->min_kb > r->max_kb) {
        cfg_fmt_units(r->min_kb, cfg_size_units, lo, sizeof(lo));
        cfg_fmt_units(r->max_kb, cfg_size_units, hi, sizeof(hi));
        cfg_error(ctx, path, "min (%s) is greater than max (%s)", lo, hi);
    }
}

static void
cfg_rules_defaults(void *base)
{
    struct xb_config *cfg = base;

    TAILQ_INIT(&cfg->rules);
}

static void
cfg_rules_parse(struct cfg_ctx *ctx, json_t *v, const char *path, void *base)
{
    struct xb_config *cfg = base;
    struct cfg_rule *r;
    char *epath;
    size_t i;
    json_t *e;

    if (!json_is_array(v)) {
        cfg_error(ctx, path, "expected an array, got %s", cfg_jtype(v));
        return;
    }
    if (json_array_size(v) > CFG_RULES_MAX) {
        cfg_error(ctx, path, "has %zu rules, at most %d are allowed",
                  json_array_size(v), CFG_RULES_MAX);
        return;
    }
    json_array_foreach(v, i, e) {
        xb_asprintf(&epath, "%s[%zu]", path, i);
        if (cfg_want_object(ctx, e, epath) == 0) {
            r = xb_calloc(1, sizeof(*r));
            cfg_schema_defaults(&cfg_rule_schema, r);
            TAILQ_INSERT_TAIL(&cfg->rules, r, entry);
            cfg_parse_object(ctx, &cfg_rule_schema, e, epath, r);
        }
        free(epath);
    }
}

static json_t *
cfg_rules_dump(const void *base)
{
    const struct xb_config *cfg = base;
    const struct cfg_rule *r;
    json_t *a = json_array();

    TAILQ_FOREACH(r, &cfg->rules, entry)
        json_array_append_new(a, cfg_dump_object(&cfg_rule_schema, r));
    return a;
}

static void
cfg_rules_dispose(void *base)
{
    struct xb_config *cfg = base;
    struct cfg_rule *r;

    while ((r = TAILQ_FIRST(&cfg->rules)) != NULL) {
        TAILQ_REMOVE(&cfg->rules, r, entry);
        cfg_schema_dispose(&cfg_rule_schema, r);
        free(r);
    }
}

/*
 * "sim": the simulated host and its guests.
 */

static void cfg_simdom_post(struct cfg_ctx *, const char *, void *, json_t *,
                            int);
static void cfg_sim_post(struct cfg_ctx *, const char *, void *, json_t *, int);

static const struct cfg_key cfg_simdom_keys[] = {
    K_STRING("name", struct cfg_simdom, name, NULL, cfg_check_simname, 0),
    /* A small Debian guest. */
    K_SIZE("memory", struct cfg_simdom, memory_kb, 512 * MIB, 16 * MIB,
           16 * TIB, 0),
    /* 0 while the entry is read, then the same as memory. */
    K_SIZE("maxmem", struct cfg_simdom, maxmem_kb, 0, 16 * MIB, 16 * TIB, 0),
    /* Kernel, page tables and slab of an idle Linux guest. */
    K_SIZE("base", struct cfg_simdom, base_kb, 96 * MIB, 0, 16 * TIB, 0),
    /* Anonymous memory the workload starts with. */
    K_SIZE("demand", struct cfg_simdom, demand_kb, 128 * MIB, 0, 16 * TIB, 0),
    /* KiB per second: a balloon slowed down so that moves span ticks. */
    K_SIZE("balloon_rate", struct cfg_simdom, rate_kb_s, 64 * MIB, 1 * MIB,
           64 * GIB, 0),
    K_WORD("driver", struct cfg_simdom, driver, "ideal", cfg_drivers),
    K_WORD("workload", struct cfg_simdom, workload, "idle", cfg_workloads),
    K_BOOL("agent", struct cfg_simdom, agent, 1, 0),
    K_END,
};
static const struct cfg_schema cfg_simdom_schema = { cfg_simdom_keys,
                                                     cfg_simdom_post };

static void
cfg_simdom_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
                int clean)
{
    struct cfg_simdom *d = base;
    char a[32], b[32];

    if (json_object_get(obj, "name") == NULL)
        cfg_error(ctx, path, "needs a \"name\"");
    if (d->maxmem_kb == 0)
        d->maxmem_kb = d->memory_kb;
    if (!clean)
        return;
    if (d->memory_kb > d->maxmem_kb) {
        cfg_fmt_units(d->memory_kb, cfg_size_units, a, sizeof(a));
        cfg_fmt_units(d->maxmem_kb, cfg_size_units, b, sizeof(b));
        cfg_error(ctx, path, "memory (%s) is greater than maxmem (%s)", a, b);
    }
    if (d->base_kb > d->memory_kb) {
        cfg_fmt_units(d->base_kb, cfg_size_units, a, sizeof(a));
        cfg_fmt_units(d->memory_kb, cfg_size_units, b, sizeof(b));
        cfg_error(ctx, path, "base (%s) is greater than memory (%s)", a, b);
    }
}

static void
cfg_simdoms_defaults(void *base)
{
    struct cfg_sim *sim = base;

    TAILQ_INIT(&sim->doms);
}

static void
cfg_simdoms_parse(struct cfg_ctx *ctx, json_t *v, const char *path, void *base)
{
    struct cfg_sim *sim = base;
    struct cfg_simdom *d, *o;
    char *epath, *npath;
    size_t i, j;
    json_t *e;

    if (!json_is_array(v)) {
        cfg_error(ctx, path, "expected an array, got %s", cfg_jtype(v));
        return;
    }
    if (json_array_size(v) > CFG_SIMDOMS_MAX) {
        cfg_error(ctx, path, "has %zu domains, at most %d are allowed",
                  json_array_size(v), CFG_SIMDOMS_MAX);
        return;
    }
    json_array_foreach(v, i, e) {
        xb_asprintf(&epath, "%s[%zu]", path, i);
        if (cfg_want_object(ctx, e, epath) != 0) {
            free(epath);
            continue;
        }
        d = xb_calloc(1, sizeof(*d));
        cfg_schema_defaults(&cfg_simdom_schema, d);
        cfg_parse_object(ctx, &cfg_simdom_schema, e, epath, d);
        j = 0;
        TAILQ_FOREACH(o, &sim->doms, entry) {
            if (d->name != NULL && o->name != NULL &&
                strcmp(d->name, o->name) == 0) {
                npath = cfg_path_key(epath, "name");
                cfg_error(ctx, npath, "\"%s\" is already used by %s[%zu]",
                          d->name, path, j);
                free(npath);
                break;
            }
            j++;
        }
        TAILQ_INSERT_TAIL(&sim->doms, d, entry);
        free(epath);
    }
}

static json_t *
cfg_simdoms_dump(const void *base)
{
    const struct cfg_sim *sim = base;
    const struct cfg_simdom *d;
    json_t *a = json_array();

    TAILQ_FOREACH(d, &sim->doms, entry)
        json_array_append_new(a, cfg_dump_object(&cfg_simdom_schema, d));
    return a;
}

static void
cfg_simdoms_dispose(void *base)
{
    struct cfg_sim *sim = base;
    struct cfg_simdom *d;

    while ((d = TAILQ_FIRST(&sim->doms)) != NULL) {
        TAILQ_REMOVE(&sim->doms, d, entry);
        cfg_schema_dispose(&cfg_simdom_schema, d);
        free(d);
    }
}

static const struct cfg_key cfg_sim_keys[] = {
    /* A small lab machine. */
    K_SIZE("host", struct cfg_sim, host_kb, 4 * GIB, 256 * MIB, 16 * TIB, 0),
    /* Xen's heap, frame table and per-domain structures on such a host. */
    K_SIZE("xen_overhead", struct cfg_sim, xen_kb, 64 * MIB, 0, 1 * TIB, 0),
    /* A typical dom0_mem= for a small host. */
    K_SIZE("dom0", struct cfg_sim, dom0_kb, 512 * MIB, 64 * MIB, 1 * TIB, 0),
    K_COUNT("seed", CT_U64, struct cfg_sim, seed, 1, 0, INT64_MAX, 0),
    K_NODE("domains", cfg_simdoms_defaults, cfg_simdoms_parse, cfg_simdoms_dump,
           cfg_simdoms_dispose),
    K_END,
};
static const struct cfg_schema cfg_sim_schema = { cfg_sim_keys, cfg_sim_post };

static void
cfg_sim_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
             int clean)
{
    struct cfg_sim *sim = base;
    struct cfg_simdom *d;
    uint64_t used = sim->xen_kb + sim->dom0_kb, guests = 0;
    char a[32], b[32], c[32], h[32];

    (void)obj;
    if (!clean)
        return;
    TAILQ_FOREACH(d, &sim->doms, entry)
        guests += d->memory_kb;
    if (used + guests <= sim->host_kb)
        return;
    cfg_fmt_units(sim->xen_kb, cfg_size_units, a, sizeof(a));
    cfg_fmt_units(sim->dom0_kb, cfg_size_units, b, sizeof(b));
    cfg_fmt_units(guests, cfg_size_units, c, sizeof(c));
    cfg_fmt_units(sim->host_kb, cfg_size_units, h, sizeof(h));
    cfg_error(ctx, path,
              "xen_overhead (%s) + dom0 (%s) + the domains' memory (%s) "
              "exceed host (%s)",
              a, b, c, h);
}

static int
cfg_sim_shown(const void *base)
{
    const struct xb_config *cfg = base;

    return cfg->backend == CFG_BACKEND_SIM;
}

/*
 * "policy": the name is checked here, the parameters by the registry when
 * the whole file has been read (cfg_finish).
 */

static void cfg_policy_post(struct cfg_ctx *, const char *, void *, json_t *,
                            int);

static void
cfg_params_parse(struct cfg_ctx *ctx, json_t *v, const char *path, void *base)
{
    struct xb_config *cfg = base;

    if (cfg_want_object(ctx, v, path) != 0)
        return;
    json_decref(cfg->policy_params);
    cfg->policy_params = json_incref(v);
}

/* The instance's effective parameters when there is one, else the file's. */
static json_t *
cfg_params_dump(const void *base)
{
    const struct xb_config *cfg = base;
    json_t *d, *p;

    if (cfg->policy != NULL) {
        d = xb_policy_describe(cfg->policy);
        p = json_incref(json_object_get(d, "params"));
        json_decref(d);
        if (p != NULL)
            return p;
    }
    if (cfg->policy_params != NULL)
        return json_deep_copy(cfg->policy_params);
    return json_object();
}

static void
cfg_params_dispose(void *base)
{
    struct xb_config *cfg = base;

    json_decref(cfg->policy_params);
    cfg->policy_params = NULL;
}

/* Offsets are into struct xb_config itself (the object is not a struct). */
static const struct cfg_key cfg_policy_keys[] = {
    /* The flagship: guest need (PSI, refaults) arbitrated host-wide. */
    K_STRING("name", struct xb_config, policy_name, "pressure", NULL, 0),
    K_NODE("params", NULL, cfg_params_parse, cfg_params_dump,
           cfg_params_dispose),
    K_END,
};
static const struct cfg_schema cfg_policy_schema = { cfg_policy_keys,
                                                     cfg_policy_post };

static void
cfg_policy_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
                int clean)
{
    (void)path;
    (void)base;
    (void)obj;
    if (!clean)
        ctx->policy_bad = 1;
}

/*
 * The top level.
 */

static void cfg_top_post(struct cfg_ctx *, const char *, void *, json_t *, int);

static const struct cfg_key cfg_top_keys[] = {
    K_ENUM("backend", struct xb_config, backend, CFG_BACKEND_XEN, cfg_backends),
    K_OBJECT("sim", offsetof(struct xb_config, sim), &cfg_sim_schema,
             cfg_sim_shown),
    /* Not a struct: its fields live in struct xb_config itself. */
    K_OBJECT("policy", 0, &cfg_policy_schema, NULL),
    /* Headroom Xen needs for domain builds, p2m/shadow growth and dom0
     * spikes; squeezed and qmemman keep a similar slack. */
    K_SIZE("reserve", struct xb_config, reserve_kb, 128 * MIB, 0, 1 * TIB, 0),
    /* Often enough to follow a balloon in steps, rarely enough to be
     * invisible in dom0. */
    K_DURATION("tick", struct xb_config, tick_ms, 1 * SEC, 100 * MSEC,
               1 * MINUTE),
    /* Coalesces a burst of xenstore events into one rebalance. */
    K_DURATION("settle", struct xb_config, settle_ms, 100 * MSEC, 0, 10 * SEC),
    /* Four 2 MiB balloon hypercalls: smaller moves are not worth one. */
    K_SIZE("deadband", struct xb_config, deadband_kb, 8 * MIB, 0, 1 * GIB, 0),
    /* Shrink slowly: 5% of a domain per step lets its cache adapt ... */
    K_DOUBLE("shrink_step", struct xb_config, shrink_step, 0.05, 0.001, 1.0),
    /* ... and never more than 64 MiB per step. */
    K_SIZE("shrink_max", struct xb_config, shrink_max_kb, 64 * MIB, 2 * MIB,
           1 * TIB, 0),
    /* Two ticks: the previous change has been seen to land, or not. */
    K_DURATION("min_interval", struct xb_config, min_interval_ms, 2 * SEC, 0,
               1 * HOUR),
    /* Many agent intervals (1-2s) of silence before the last record is
     * no longer trusted. */
    K_DURATION("stale_after", struct xb_config, stale_ms, 30 * SEC, 1 * SEC,
               1 * HOUR),
    /* Linux's balloon driver retries for about 15s before giving up. */
    K_DURATION("stuck_after", struct xb_config, stuck_ms, 20 * SEC, 1 * SEC,
               1 * HOUR),
    /* Three times stuck_after: long enough to rule out a slow guest. */
    K_DURATION("uncooperative_after", struct xb_config, uncoop_ms, 60 * SEC,
               1 * SEC, 24 * HOUR),
    /* Two balloon hypercalls' worth of movement. */
    K_SIZE("progress", struct xb_config, progress_kb, 4 * MIB, 1 * MIB, 1 * GIB,
           0),
    /* An agent samples every 1-2s; 5/s leaves room for bursts. */
    K_COUNT("records_per_second", CT_U64, struct xb_config, records_per_s, 5, 1,
            1000, 0),
    K_COUNT("records_burst", CT_UINT, struct xb_config, records_burst, 10, 1,
            10000, 0),
    /* Below about 128 MiB a Debian guest starts OOM-killing. */
    K_SIZE("min_floor", struct xb_config, min_floor_kb, 128 * MIB, 0, 1 * TIB,
           0),
    /* A dead xenstored connection is noticed within 5s. */
    K_DURATION("health_check", struct xb_config, health_ms, 5 * SEC, 1 * SEC,
               1 * HOUR),
    K_BOOL("manage_dom0", struct xb_config, manage_dom0, 0, 0),
    K_NODE("domains", cfg_rules_defaults, cfg_rules_parse, cfg_rules_dump,
           cfg_rules_dispose),
    K_OBJECT("agent", offsetof(struct xb_config, agent), &cfg_agent_schema,
             NULL),
    /* A guest hears from dom0 at least this often, so its agent can tell a
     * live controller from a dead one (it waits three periods). */
    K_DURATION("status_heartbeat", struct xb_config, status_hb_ms, 10 * SEC,
               1 * SEC, 1 * HOUR),
    /* Headroom (free net of reserve, holds and promises) under 10% of the
     * host: growth will be rationed ... */
    K_DOUBLE("pressure_tight", struct xb_config, pressure_tight, 0.10, 0.0,
             1.0),
    /* ... under 5%: the host cannot absorb a spike. */
    K_DOUBLE("pressure_critical", struct xb_config, pressure_critical, 0.05,
             0.0, 1.0),
    /* Survey thresholds for warnings: the sum of maxmem at 1.5x host
     * memory is where ballooning stops being optional ... */
    K_DOUBLE("warn_overcommit", struct xb_config, warn_overcommit, 1.5, 1.0,
             1000.0),
    /* ... a domain ballooned out of more than 10% of its static-max ... */
    K_DOUBLE("warn_inflation", struct xb_config, warn_inflation, 0.10, 0.01,
             1.0),
    /* ... for a minute, not one balloon step ... */
    K_DURATION("warn_inflation_after", struct xb_config, warn_inflation_ms,
               1 * MINUTE, 1 * SEC, 24 * HOUR),
    /* ... and a guest swapping in over 256 pages (1 MiB) a second. */
    K_COUNT("warn_swapin", CT_U64, struct xb_config, warn_swapin, 256, 1,
            1000000000, 0),
    K_STRING("socket", struct xb_config, socket_path,
             "/run/xenballoon/ctl.sock", cfg_check_socket, 0),
    /* null: the socket is root's alone (mode 0600). */
    K_STRING("socket_group", struct xb_config, socket_group, NULL,
             cfg_check_group, CK_NULL),
    /* Off unless asked for: the endpoint names every domain, so it is the
     * operator's choice to expose it, and then on loopback by default. */
    K_STRING("metrics_listen", struct xb_config, metrics_listen, NULL,
             cfg_check_listen, CK_NULL),
    K_ENUM("log_level", struct xb_config, log_level, XB_LOG_INFO,
           cfg_log_levels),
    K_END,
};
static const struct cfg_schema cfg_top_schema = { cfg_top_keys, cfg_top_post };

static void
cfg_top_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
             int clean)
{
    struct xb_config *cfg = base;
    char a[32], b[32];

    (void)path;
    (void)obj;
    if (!clean)
        return;
    /* Both are checked once per tick; shorter would act on one sample. */
    cfg_fmt_units(cfg->tick_ms, cfg_duration_units, b, sizeof(b));
    if (cfg->stale_ms < cfg->tick_ms) {
        cfg_fmt_units(cfg->stale_ms, cfg_duration_units, a, sizeof(a));
        cfg_error(ctx, "stale_after", "%s is shorter than tick (%s)", a, b);
    }
    if (cfg->stuck_ms < cfg->tick_ms) {
        cfg_fmt_units(cfg->stuck_ms, cfg_duration_units, a, sizeof(a));
        cfg_error(ctx, "stuck_after", "%s is shorter than tick (%s)", a, b);
    }
    if (cfg->pressure_critical > cfg->pressure_tight)
        cfg_error(ctx, "pressure_critical", "%g is above pressure_tight (%g)",
                  cfg->pressure_critical, cfg->pressure_tight);
}

/*
 * Entry points.
 */

void
cfg_defaults(struct xb_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->path = NULL;
    cfg->policy_params = NULL;
    cfg->policy = NULL;
    cfg_schema_defaults(&cfg_top_schema, cfg);
}

/*
 * Creates the policy instance; its messages get the file name in front.
 * When the "policy" object itself was malformed only the name is checked
 * (params NULL), so that a bad name is still reported.
 */
static void
cfg_make_policy(struct cfg_ctx *ctx, struct xb_config *cfg)
{
    struct xb_errlist pel;

    xb_errlist_init(&pel);
    cfg->policy = xb_policy_create(cfg->policy_name,
                                   ctx->policy_bad ? NULL : cfg->policy_params,
                                   "policy.params", &pel);
    if (ctx->policy_bad && cfg->policy != NULL) {
        xb_policy_destroy(cfg->policy);
        cfg->policy = NULL;
    }
    for (size_t i = 0; i < pel.n; i++)
        xb_errlist_add(ctx->el, "%s: %s", ctx->name, pel.msgs[i]);
    if (cfg->policy == NULL && pel.n == 0 && !ctx->policy_bad)
        cfg_error(ctx, "policy", "cannot be created");
    xb_errlist_dispose(&pel);
}

static struct xb_config *
cfg_from_json(json_t *root, const char *name, const char *path,
              struct xb_errlist *el)
{
    struct cfg_ctx ctx = { name, el, 0 };
    struct xb_config *cfg = xb_malloc(sizeof(*cfg));
    size_t start = el->n;

    cfg_defaults(cfg);
    if (path != NULL)
        cfg->path = xb_strdup(path);
    if (root != NULL) {
        if (json_is_object(root))
            cfg_parse_object(&ctx, &cfg_top_schema, root, "", cfg);
        else
            cfg_error(&ctx, NULL, "expected an object at the top, got %s",
                      cfg_jtype(root));
    }
    cfg_make_policy(&ctx, cfg);
    if (el->n != start) {
        cfg_free(cfg);
        return NULL;
    }
    return cfg;
}

static struct xb_config *
cfg_load_buffer(const char *buf, size_t len, const char *name, const char *path,
                struct xb_errlist *el)
{
    struct xb_config *cfg;
    json_error_t jerr;
    json_t *root;

    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (jerr.line > 0)
            xb_errlist_add(el, "%s:%d:%d: %s", name, jerr.line, jerr.column,
                           jerr.text);
        else
            xb_errlist_add(el, "%s: %s", name, jerr.text);
        return NULL;
    }
    cfg = cfg_from_json(root, name, path, el);
    json_decref(root);
    return cfg;
}

struct xb_config *
cfg_load(const char *path, struct xb_errlist *el)
{
    struct xb_config *cfg = NULL;
    size_t len = 0, n;
    char *buf;
    FILE *f;

    if (path == NULL) {
        struct cfg_ctx ctx = { "(defaults)", el, 0 };

        cfg = xb_malloc(sizeof(*cfg));
        cfg_defaults(cfg);
        cfg_make_policy(&ctx, cfg);
        if (cfg->policy == NULL) {
            cfg_free(cfg);
            return NULL;
        }
        return cfg;
    }
    if ((f = fopen(path, "r")) == NULL) {
        xb_errlist_add(el, "%s: %s", path, strerror(errno));
        return NULL;
    }
    buf = xb_malloc(CFG_FILE_MAX + 1);
    while ((n = fread(buf + len, 1, CFG_FILE_MAX + 1 - len, f)) > 0)
        len += n;
    if (ferror(f))
        xb_errlist_add(el, "%s: %s", path, strerror(errno));
    else if (len > CFG_FILE_MAX)
        xb_errlist_add(el, "%s: larger than %d bytes", path, CFG_FILE_MAX);
    else
        cfg = cfg_load_buffer(buf, len, path, path, el);
    fclose(f);
    free(buf);
    return cfg;
}

struct xb_config *
cfg_load_string(const char *text, const char *name, struct xb_errlist *el)
{
    return cfg_load_buffer(text, strlen(text), name ? name : "(string)", NULL,
                           el);
}

void
cfg_free(struct xb_config *cfg)
{
    if (cfg == NULL)
        return;
    if (cfg->policy != NULL)
        xb_policy_destroy(cfg->policy);
    cfg_schema_dispose(&cfg_top_schema, cfg);
    free(cfg->path);
    free(cfg);
}

json_t *
cfg_to_json(const struct xb_config *cfg)
{
    return cfg_dump_object(&cfg_top_schema, cfg);
}

static int
cfg_rule_matches(const struct cfg_rule *r, const char *name, int domid)
{
    if (r->domid >= 0)
        return r->domid == domid;
    return r->pattern != NULL && name != NULL &&
           fnmatch(r->pattern, name, 0) == 0;
}

void
cfg_resolve(const struct xb_config *cfg, const char *name, int domid,
            struct cfg_domset *out)
{
    const struct cfg_rule *r;
    int exclude = -1;

    memset(out, 0, sizeof(*out));
    TAILQ_FOREACH(r, &cfg->rules, entry) {
        if (!cfg_rule_matches(r, name, domid))
            continue;
        if (out->min_kb == 0)
            out->min_kb = r->min_kb;
        if (out->max_kb == 0)
            out->max_kb = r->max_kb;
        if (out->weight == 0)
            out->weight = r->weight;
        if (exclude < 0)
            exclude = r->exclude;
    }
    /* Rules from different lines may cross; the ceiling wins. */
    if (out->min_kb != 0 && out->max_kb != 0 && out->min_kb > out->max_kb)
        out->min_kb = out->max_kb;
    if (out->weight == 0)
        out->weight = 100;
    out->exclude = exclude > 0;
    /* dom0 is never touched unless manage_dom0 says so, whatever a rule
     * says. */
    if (domid == 0 && !cfg->manage_dom0)
        out->exclude = 1;
}

void
cfg_resolve_agent(const struct xb_config *cfg, const char *name, int domid,
                  struct cfg_agent *out)
{
    const struct cfg_rule *r;
    struct cfg_agent set; /* what a rule already decided: nonzero */

    *out = cfg->agent;
    memset(&set, 0, sizeof(set));
    TAILQ_FOREACH(r, &cfg->rules, entry) {
        const struct cfg_agent *a = &r->agent;

        if (!cfg_rule_matches(r, name, domid))
            continue;
#define CFG_TAKE(f, unset)                                                     \
    if (!set.f && a->f != (unset)) {                                           \
        out->f = a->f;                                                         \
        set.f = 1;                                                             \
    }
        CFG_TAKE(interval_ms, 0)
        CFG_TAKE(heartbeat_ms, 0)
        CFG_TAKE(compat, -1)
        CFG_TAKE(psi_trigger, -1)
        CFG_TAKE(step_kb, 0)
        CFG_TAKE(step_permille, 0)
        CFG_TAKE(refault_burst, 0)
        CFG_TAKE(psi_min_us, 0)
#undef CFG_TAKE
    }
}
