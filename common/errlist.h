/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A list of error messages, for parsers that report every problem they find
 * rather than stopping at the first (the config loader, policy parameters).
 */
#ifndef XB_COMMON_ERRLIST_H
#define XB_COMMON_ERRLIST_H

#include <stddef.h>

#include "log.h"

struct xb_errlist {
    char **msgs;
    size_t n;
};

void xb_errlist_init(struct xb_errlist *el);
void xb_errlist_add(struct xb_errlist *el, const char *fmt, ...)
    XB_PRINTF(2, 3);
/* Joins the messages with newlines into a new string (caller frees). */
char *xb_errlist_join(const struct xb_errlist *el);
void xb_errlist_dispose(struct xb_errlist *el);

#endif
