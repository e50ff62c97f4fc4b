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
    el->nmsgs = 0;
}

static void
errlist_keep(struct xb_errlist *el, char *msg)
{
    el->n++;
    if (el->nmsgs >= XB_ERRLIST_KEEP) {
        free(msg);
        return;
    }
    el->msgs = xb_reallocarray(el->msgs, el->nmsgs + 1, sizeof(*el->msgs));
    el->msgs[el->nmsgs++] = msg;
}

void
xb_errlist_add(struct xb_errlist *el, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (el->nmsgs >= XB_ERRLIST_KEEP) {
        el->n++; /* counted, not formatted */
        return;
    }
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        fatal("vasprintf");
    va_end(ap);
    errlist_keep(el, msg);
}

void
xb_errlist_append(struct xb_errlist *dst, const struct xb_errlist *src,
                  const char *prefix)
{
    for (size_t i = 0; i < src->nmsgs; i++) {
        char *msg;

        if (prefix != NULL)
            xb_asprintf(&msg, "%s%s", prefix, src->msgs[i]);
        else
            msg = xb_strdup(src->msgs[i]);
        errlist_keep(dst, msg);
    }
    dst->n += src->n - src->nmsgs;
}

char *
xb_errlist_join(const struct xb_errlist *el)
{
    size_t len = 1, more = el->n - el->nmsgs;
    char tail[64] = "";
    char *out, *p;

    if (more > 0)
        snprintf(tail, sizeof(tail), "... and %zu more error%s", more,
                 more == 1 ? "" : "s");
    for (size_t i = 0; i < el->nmsgs; i++)
        len += strlen(el->msgs[i]) + 1;
    len += strlen(tail);
    out = p = xb_malloc(len);
    *p = '\0';
    for (size_t i = 0; i < el->nmsgs; i++) {
        size_t l = strlen(el->msgs[i]);

        memcpy(p, el->msgs[i], l);
        p += l;
        if (i + 1 < el->nmsgs || *tail != '\0')
            *p++ = '\n';
        *p = '\0';
    }
    memcpy(p, tail, strlen(tail) + 1);
    return out;
}

void
xb_errlist_dispose(struct xb_errlist *el)
{
    for (size_t i = 0; i < el->nmsgs; i++)
        free(el->msgs[i]);
    free(el->msgs);
    xb_errlist_init(el);
}
