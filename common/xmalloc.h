/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Allocation helpers that never return NULL: running out of memory in dom0
 * is not something a balancing daemon can recover from, so they log and
 * exit.  Sizes are overflow-checked.
 */
#ifndef XB_COMMON_XMALLOC_H
#define XB_COMMON_XMALLOC_H

#include <stddef.h>

#include "log.h"

void *xb_malloc(size_t size);
void *xb_calloc(size_t nmemb, size_t size);
void *xb_reallocarray(void *ptr, size_t nmemb, size_t size);
char *xb_strdup(const char *s);
char *xb_strndup(const char *s, size_t n);
int xb_asprintf(char **ret, const char *fmt, ...) XB_PRINTF(2, 3);
/* Convenience for `char **cause` out-parameters: NULL-safe. */
void xb_set_cause(char **cause, const char *fmt, ...) XB_PRINTF(2, 3);

#endif
