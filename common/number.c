/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sizes and durations: the one parser, range check and formatter (see
 * number.h).  Exact and bounded: nothing is rounded, and nothing a person
 * writes can overflow.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "number.h"
#include "quote.h"
#include "xmalloc.h"

struct qty_unit {
    const char *name;
    uint64_t mult;
};

#define Q_KIB UINT64_C(1)
#define Q_MIB (Q_KIB * 1024)
#define Q_GIB (Q_MIB * 1024)
#define Q_TIB (Q_GIB * 1024)
#define Q_MS UINT64_C(1)
#define Q_SEC (Q_MS * 1000)
#define Q_MIN (Q_SEC * 60)
#define Q_HOUR (Q_MIN * 60)
#define Q_DAY (Q_HOUR * 24)

/* Largest first: the formatter takes the first that divides exactly. */
static const struct qty_unit size_units[] = {
    { "T", Q_TIB },   { "TiB", Q_TIB }, { "G", Q_GIB },
    { "GiB", Q_GIB }, { "M", Q_MIB },   { "MiB", Q_MIB },
    { "K", Q_KIB },   { "KiB", Q_KIB }, { NULL, 0 },
};
static const struct qty_unit duration_units[] = {
    { "d", Q_DAY }, { "h", Q_HOUR }, { "m", Q_MIN }, { "min", Q_MIN },
    { "s", Q_SEC }, { "ms", Q_MS },  { NULL, 0 },
};
/* What the formatter writes: days are not used, so that "24h" in the man
 * pages and `config show` stays as it is. */
static const struct qty_unit duration_fmt_units[] = {
    { "h", Q_HOUR }, { "m", Q_MIN }, { "s", Q_SEC },
    { "ms", Q_MS },  { NULL, 0 },
};

enum qty_rc {
    QTY_OK,
    QTY_JUNK,
    QTY_NEGATIVE,
    QTY_TOO_LARGE,
    QTY_NOT_WHOLE,
};

static int
q_digit(char c)
{
    return c >= '0' && c <= '9';
}

static uint64_t
q_limit(enum xb_qty q)
{
    return q == XB_QTY_SIZE ? XB_SIZE_LIMIT : XB_DURATION_LIMIT;
}

/* Number and unit, exactly; see number.h. */
static enum qty_rc
q_parse(enum xb_qty q, const char *s, uint64_t bare, uint64_t *out)
{
    const struct qty_unit *u,
        *units = q == XB_QTY_SIZE ? size_units : duration_units;
    const char *p = s;
    uint64_t whole = 0, frac = 0, scale = 1, mult = 0, hi, lo, v;
    int big = 0, fine = 0;
    unsigned __int128 f;

    if (p[0] == '-' && q_digit(p[1]))
        return QTY_NEGATIVE;
    /* A digit first: no sign, no dot, and no whitespace of any kind
     * (strtod would skip " \t\n\v\f\r"). */
    if (!q_digit(*p))
        return QTY_JUNK;
    for (; q_digit(*p); p++) {
        if (whole > (UINT64_MAX - 9) / 10)
            big = 1;
        else
            whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        if (!q_digit(*++p))
            return QTY_JUNK;
        /* 18 decimals are exact in 64 bits; beyond, only zeros. */
        for (; q_digit(*p); p++) {
            if (scale < UINT64_C(1000000000000000000)) {
                frac = frac * 10 + (uint64_t)(*p - '0');
                scale *= 10;
            } else if (*p != '0')
                fine = 1;
        }
    }
    if (*p == '\0')
        mult = bare;
    for (u = units; mult == 0 && u->name != NULL; u++)
        if ((q == XB_QTY_SIZE ? strcasecmp(p, u->name) : strcmp(p, u->name)) ==
            0)
            mult = u->mult;
    if (mult == 0)
        return QTY_JUNK;
    if (big || __builtin_mul_overflow(whole, mult, &hi))
        return QTY_TOO_LARGE;
    f = (unsigned __int128)frac * mult;
    if (fine || f % scale != 0)
        return QTY_NOT_WHOLE;
    lo = (uint64_t)(f / scale);
    if (__builtin_add_overflow(hi, lo, &v) || v > q_limit(q))
        return QTY_TOO_LARGE;
    *out = v;
    return QTY_OK;
}

const char *
xb_qty_base(enum xb_qty q)
{
    return q == XB_QTY_SIZE ? "KiB" : "milliseconds";
}

int
xb_qty_parse(enum xb_qty q, const char *s, uint64_t bare, uint64_t *out,
             char **cause)
{
    enum qty_rc rc = q_parse(q, s, bare, out);
    char *qs;

    if (rc == QTY_OK)
        return 0;
    qs = xb_quote(s);
    switch (rc) {
    case QTY_NEGATIVE:
        xb_set_cause(cause, "%s is negative", qs);
        break;
    case QTY_TOO_LARGE:
        xb_set_cause(cause, "%s is too large", qs);
        break;
    case QTY_NOT_WHOLE:
        xb_set_cause(cause, "%s is not a whole number of %s", qs,
                     xb_qty_base(q));
        break;
    default:
        xb_set_cause(cause, "%s is not a %s (use %s)", qs,
                     q == XB_QTY_SIZE ? "size" : "duration",
                     q == XB_QTY_SIZE ? "K, M, G or T" : "ms, s, m, h or d");
        break;
    }
    free(qs);
    return -1;
}

int
xb_qty_from_int(enum xb_qty q, long long v, uint64_t *out, char **cause)
{
    if (v < 0) {
        xb_set_cause(cause, "%lld is negative", v);
        return -1;
    }
    if ((uint64_t)v > q_limit(q)) {
        xb_set_cause(cause, "%lld is too large", v);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

void
xb_qty_format(enum xb_qty q, uint64_t v, char *buf, size_t len)
{
    const struct qty_unit *u =
        q == XB_QTY_SIZE ? size_units : duration_fmt_units;

    if (v == 0) {
        snprintf(buf, len, "0");
        return;
    }
    for (; u->name != NULL; u++)
        if (v % u->mult == 0)
            break;
    snprintf(buf, len, "%" PRIu64 "%s", v / u->mult, u->name);
}

int
xb_qty_check(enum xb_qty q, uint64_t v, uint64_t min, uint64_t max,
             char **cause)
{
    char val[XB_QTY_BUF], lo[XB_QTY_BUF], hi[XB_QTY_BUF];

    if (v >= min && v <= max)
        return 0;
    xb_qty_format(q, v, val, sizeof(val));
    xb_qty_format(q, min, lo, sizeof(lo));
    xb_qty_format(q, max, hi, sizeof(hi));
    xb_set_cause(cause, "%s is out of range [%s, %s]", val, lo, hi);
    return -1;
}

int
xb_qty_parse_range(enum xb_qty q, const char *s, uint64_t bare, uint64_t min,
                   uint64_t max, uint64_t *out, char **cause)
{
    uint64_t v;

    if (xb_qty_parse(q, s, bare, &v, cause) < 0 ||
        xb_qty_check(q, v, min, max, cause) < 0)
        return -1;
    *out = v;
    return 0;
}
