/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A list of error messages, for parsers that report every problem they find
 * rather than stopping at the first (the config loader, policy parameters).
 * Every error is counted, but only the first XB_ERRLIST_KEEP are kept: a
 * file with 20,000 unknown keys gets 20 messages and a count of the rest,
 * not megabytes of them.
 */
#ifndef XB_COMMON_ERRLIST_H
#define XB_COMMON_ERRLIST_H

#include <stddef.h>

#include "log.h"

/* Messages kept; the rest are counted (joined as "... and N more"). */
#define XB_ERRLIST_KEEP 20

struct xb_errlist {
    char **msgs;  /* the first nmsgs errors */
    size_t n;     /* every error added (compare it to see if any were) */
    size_t nmsgs; /* at most XB_ERRLIST_KEEP */
};

void xb_errlist_init(struct xb_errlist *el);
void xb_errlist_add(struct xb_errlist *el, const char *fmt, ...)
    XB_PRINTF(2, 3);
/* Adds src's errors to dst, each kept one prefixed with `prefix` (may be
 * NULL); the ones src dropped are counted in dst too. */
void xb_errlist_append(struct xb_errlist *dst, const struct xb_errlist *src,
                       const char *prefix);
/* Joins the kept messages with newlines, then "... and N more errors" if
 * some were dropped, into a new string (caller frees). */
char *xb_errlist_join(const struct xb_errlist *el);
void xb_errlist_dispose(struct xb_errlist *el);

#endif
