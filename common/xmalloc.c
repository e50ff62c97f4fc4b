/* SPDX-License-Identifier: GPL-2.0-only */
/* Allocation helpers: see xmalloc.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void *
xb_malloc(size_t size)
{
    void *p = malloc(size == 0 ? 1 : size);

    if (p == NULL)
        fatal("malloc(%zu)", size);
    return p;
}

void *
xb_calloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

    if (p == NULL)
        fatal("calloc(%zu, %zu)", nmemb, size);
    return p;
}

void *
xb_reallocarray(void *ptr, size_t nmemb, size_t size)
{
    void *p;

    if (size != 0 && nmemb > SIZE_MAX / size)
        fatalx("reallocarray: %zu * %zu overflows", nmemb, size);
    p = realloc(ptr, nmemb * size == 0 ? 1 : nmemb * size);
    if (p == NULL)
        fatal("realloc(%zu)", nmemb * size);
    return p;
}

char *
xb_strdup(const char *s)
{
    char *p = strdup(s);

    if (p == NULL)
        fatal("strdup");
    return p;
}

char *
xb_strndup(const char *s, size_t n)
{
    char *p = strndup(s, n);

    if (p == NULL)
        fatal("strndup");
    return p;
}

static char *xb_vasprintf(const char *fmt, va_list ap) XB_PRINTF(1, 0);

static char *
xb_vasprintf(const char *fmt, va_list ap)
{
    char *p;

    if (vasprintf(&p, fmt, ap) < 0)
        fatal("vasprintf");
    return p;
}

int
xb_asprintf(char **ret, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    *ret = xb_vasprintf(fmt, ap);
    va_end(ap);
    return (int)strlen(*ret);
}

void
xb_set_cause(char **cause, const char *fmt, ...)
{
    va_list ap;

    if (cause == NULL)
        return;
    va_start(ap, fmt);
    *cause = xb_vasprintf(fmt, ap);
    va_end(ap);
}
