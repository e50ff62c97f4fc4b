/* SPDX-License-Identifier: GPL-2.0-only */
/* Error lists: see errlist.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errlist.h"
#include "xmalloc.h"

void
xb_errlist_init(struct xb_errlist *el)
{
    el->msgs = NULL;
    el->n = 0;
}

void
xb_errlist_add(struct xb_errlist *el, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        fatal("vasprintf");
    va_end(ap);
    el->msgs = xb_reallocarray(el->msgs, el->n + 1, sizeof(*el->msgs));
    el->msgs[el->n++] = msg;
}

char *
xb_errlist_join(const struct xb_errlist *el)
{
    size_t len = 1;
    char *out, *p;

    for (size_t i = 0; i < el->n; i++)
        len += strlen(el->msgs[i]) + 1;
    out = p = xb_malloc(len);
    *p = '\0';
    for (size_t i = 0; i < el->n; i++) {
        size_t l = strlen(el->msgs[i]);

        memcpy(p, el->msgs[i], l);
        p += l;
        if (i + 1 < el->n)
            *p++ = '\n';
        *p = '\0';
    }
    return out;
}

void
xb_errlist_dispose(struct xb_errlist *el)
{
    for (size_t i = 0; i < el->n; i++)
        free(el->msgs[i]);
    free(el->msgs);
    xb_errlist_init(el);
}
