/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Value syntax for the config file (see cfg_value.h): sizes with binary
 * units, durations, listen addresses, names, and how a value is named or
 * quoted back in a message.  Every parser here is exact and bounded:
 * nothing is rounded, and nothing the file says can overflow.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_value.h"
#include "config.h"
#include "xmalloc.h"

/* Largest size parsed at all: 2^54 KiB (16 EiB) still fits a uint64 of
 * bytes; the per-key ranges are far below. */
#define CFG_SIZE_LIMIT (UINT64_C(1) << 54)
/* Largest duration parsed at all: 2^53 ms, exact in any JSON reader. */
#define CFG_DURATION_LIMIT (UINT64_C(1) << 53)
/* Longest user string quoted back in a message. */
#define CFG_QUOTE_MAX 40

/* A user string for a message: quoted, shortened, unprintables as '?'. */
char *
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

const char *
cfg_type_name(json_type t)
{
    switch (t) {
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

void
cfg_fmt_size(uint64_t kb, char *buf, size_t len)
{
    cfg_fmt_units(kb, cfg_size_units, buf, len);
}

void
cfg_fmt_duration(uint64_t ms, char *buf, size_t len)
{
    cfg_fmt_units(ms, cfg_duration_units, buf, len);
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
                     what, base, size ? "512M" : "2s",
                     cfg_type_name(json_typeof(v)));
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
 * Names and listen addresses.
 */

/* A group or domain name: letters, digits, '_', '-', '.'; 1..max. */
int
cfg_check_name(const char *s, size_t max, char **cause)
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
