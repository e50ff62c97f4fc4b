/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Quoting untrusted text for messages: see quote.h.
 */
#include <string.h>

#include "quote.h"
#include "xmalloc.h"

char *
xb_quote_n(const char *s, size_t len)
{
    size_t n = len > XB_QUOTE_MAX ? XB_QUOTE_MAX : len;
    char *out = xb_malloc(n + 6), *p = out;

    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        /* Not isprint(): a locale must not widen what passes. */
        *p++ = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
    }
    if (n < len) {
        memcpy(p, "...", 3);
        p += 3;
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

char *
xb_quote(const char *s)
{
    return xb_quote_n(s, strlen(s));
}

int
xb_plain(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}
