/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain table (see domain.h): domains sorted by domid, found by domid
 * or by name, added with their record rate limits and history, removed,
 * and the history resized when the policy asks for more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "domain.h"
#include "rate.h"
#include "xmalloc.h"

/* Rejection log lines per domain: a burst of 3, then one a minute. */
#define REJECT_LOG_BURST 3
#define REJECT_LOG_INTERVAL_MS 60000

void
domtab_init(struct domtab *t, unsigned hist_cap)
{
    t->v = NULL;
    t->n = 0;
    t->hist_cap = hist_cap ? hist_cap : 1;
}

static void
dom_free(struct dom *d)
{
    free(d->hist);
    free(d);
}

void
domtab_dispose(struct domtab *t)
{
    for (unsigned i = 0; i < t->n; i++)
        dom_free(t->v[i]);
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

static unsigned
domtab_pos(const struct domtab *t, uint32_t domid)
{
    unsigned lo = 0, hi = t->n;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (t->v[mid]->domid < domid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct dom *
domtab_find(const struct domtab *t, uint32_t domid)
{
    unsigned i = domtab_pos(t, domid);

    return i < t->n && t->v[i]->domid == domid ? t->v[i] : NULL;
}

struct dom *
domtab_find_from(const struct domtab *t, uint32_t domid, unsigned *at)
{
    unsigned i =
        *at < t->n && t->v[*at]->domid == domid ? *at : domtab_pos(t, domid);

    if (i < t->n && t->v[i]->domid == domid) {
        *at = i + 1;
        return t->v[i];
    }
    *at = i;
    return NULL;
}

struct dom *
domtab_lookup(const struct domtab *t, const char *s)
{
    const char *p = s;

    while (*p >= '0' && *p <= '9')
        p++;
    if (*s != '\0' && *p == '\0' && p - s < 7)
        return domtab_find(t, (uint32_t)strtoul(s, NULL, 10));
    for (unsigned i = 0; i < t->n; i++)
        if (strcmp(t->v[i]->name, s) == 0)
            return t->v[i];
    return NULL;
}

struct dom *
domtab_add(struct domtab *t, uint32_t domid)
{
    unsigned i = domtab_pos(t, domid);
    struct dom *d;

    if (i < t->n && t->v[i]->domid == domid)
        return t->v[i];
    d = xb_calloc(1, sizeof(*d));
    d->domid = domid;
    d->is_dom0 = domid == 0;
    d->weight = 100;
    d->set_exclude = -1;
    d->hist_cap = t->hist_cap;
    d->hist = xb_calloc(d->hist_cap, sizeof(*d->hist));
    d->tokens = -1; /* full bucket on first use */
    d->state = DOM_NO_AGENT;
    xb_ratelimit_init(&d->log_rl, REJECT_LOG_BURST, REJECT_LOG_INTERVAL_MS);
    t->v = xb_reallocarray(t->v, t->n + 1, sizeof(*t->v));
    memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
    t->v[i] = d;
    t->n++;
    return d;
}

void
domtab_remove(struct domtab *t, uint32_t domid)
{
    unsigned i = domtab_pos(t, domid);

    if (i >= t->n || t->v[i]->domid != domid)
        return;
    dom_free(t->v[i]);
    memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
    t->n--;
}

void
domtab_set_history(struct domtab *t, unsigned cap)
{
    if (cap == 0)
        cap = 1;
    t->hist_cap = cap;
    for (unsigned i = 0; i < t->n; i++) {
        struct dom *d = t->v[i];

        if (d->nhist > cap) {
            memmove(d->hist, d->hist + (d->nhist - cap),
                    cap * sizeof(*d->hist));
            d->nhist = cap;
        }
        d->hist = xb_reallocarray(d->hist, cap, sizeof(*d->hist));
        d->hist_cap = cap;
    }
}
