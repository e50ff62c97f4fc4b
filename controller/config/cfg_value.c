/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Value syntax for the config file (see cfg_value.h): sizes and durations
 * (through the shared parser, common/number.h), listen addresses, names,
 * and how a value's type is named in a message.  Every parser here is
 * exact and bounded: nothing is rounded, and nothing the file says can
 * overflow.  User text in messages goes through xb_quote().
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_value.h"
#include "config.h"
#include "number.h"
#include "quote.h"
#include "xmalloc.h"

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
 * Sizes and durations: the shared parser (common/number.h), with JSON
 * integers in base units.
 */

void
cfg_fmt_size(uint64_t kb, char *buf, size_t len)
{
    xb_qty_format(XB_QTY_SIZE, kb, buf, len);
}

void
cfg_fmt_duration(uint64_t ms, char *buf, size_t len)
{
    xb_qty_format(XB_QTY_DURATION, ms, buf, len);
}

static int
cfg_parse_quantity(const json_t *v, uint64_t *out, char **cause, int size)
{
    enum xb_qty q = size ? XB_QTY_SIZE : XB_QTY_DURATION;

    if (json_is_integer(v))
        return xb_qty_from_int(q, json_integer_value(v), out, cause);
    if (!json_is_string(v)) {
        xb_set_cause(cause,
                     "expected a %s (%s as an integer, or a string like "
                     "\"%s\"), got %s",
                     size ? "size" : "duration", xb_qty_base(q),
                     size ? "512M" : "2s", cfg_type_name(json_typeof(v)));
        return -1;
    }
    /* A string needs its unit: a bare number is a JSON integer. */
    return xb_qty_parse(q, json_string_value(v), 0, out, cause);
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
    q = xb_quote(s);
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
    char *q = xb_quote(s);
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
