/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Quoting untrusted text for messages: see quote.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"
#include "xmalloc.h"

/*
 * The filter every quoting here shares: at most XB_QUOTE_MAX bytes then
 * "...", each byte that is not printable ASCII (or is the quote `q` or a
 * backslash) as '?', between two `q`.  out holds XB_QUOTE_MAX + 6 bytes.
 */
static void
q_copy(char *out, const char *s, size_t len, char q)
{
    size_t n = len > XB_QUOTE_MAX ? XB_QUOTE_MAX : len;
    char *p = out;

    *p++ = q;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        /* Not isprint(): a locale must not widen what passes. */
        *p++ = (c >= 0x20 && c < 0x7f && c != q && c != '\\') ? (char)c : '?';
    }
    if (n < len) {
        memcpy(p, "...", 3);
        p += 3;
    }
    *p++ = q;
    *p = '\0';
}

char *
xb_quote_n(const char *s, size_t len)
{
    char *out = xb_malloc(XB_QUOTE_MAX + 6);

    q_copy(out, s, len, '"');
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

char *
xb_quote_near(const char *text)
{
    const char *near = strstr(text, " near '");
    size_t plen = near != NULL ? (size_t)(near - text) : strlen(text);
    char q[XB_QUOTE_MAX + 6] = "", *out;

    if (near != NULL) {
        const char *tok = near + 7;
        size_t tlen = strlen(tok);

        if (tlen > 0 && tok[tlen - 1] == '\'')
            tlen--;
        /* jansson's own quotes, around the filtered token. */
        q_copy(q, tok, tlen, '\'');
    }
    xb_asprintf(&out, "%.*s%s%s", (int)plen, text, near != NULL ? " near " : "",
                q);
    for (size_t i = 0; i < plen; i++)
        if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
            out[i] = '?';
    return out;
}

char *
xb_path_key(const char *path, const char *key)
{
    char *q = xb_plain(key) ? NULL : xb_quote(key), *p;

    if (path == NULL || *path == '\0')
        p = xb_strdup(q != NULL ? q : key);
    else
        xb_asprintf(&p, "%s.%s", path, q != NULL ? q : key);
    free(q);
    return p;
}
