/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arithmetic every policy shares: the budget and pool of memory, the
 * domain-total frame for guest figures, saturating and exact integer
 * scaling, and the weighted water-fill.  All of it is pure.
 */
#include <stdarg.h>
#include <stdio.h>

#include "builtin.h"
#include "policy.h"

#ifndef __SIZEOF_INT128__
#error "policies/util.c needs a compiler with 128-bit integers"
#endif

/* Exact intermediate products: KiB (< 2^44) times KiB or weight. */
__extension__ typedef unsigned __int128 pol_u128;
__extension__ typedef __int128 pol_s128;

/*
 * Bisection steps for the fill level.  Each halves the interval; 200 is far
 * more than the 2^-1074 resolution of a double needs, and the loop stops
 * early once the interval cannot shrink further.
 */
#define FILL_STEPS 200

static uint64_t
sat_u64(pol_u128 v)
{
    return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

uint64_t
xb_pol_budget(const struct xb_pol_snapshot *snap)
{
    pol_u128 have = snap->host_free_kb;

    for (unsigned i = 0; i < snap->ndoms; i++)
        have += snap->doms[i].actual_kb;
    if (have <= snap->reserve_kb)
        return 0;
    return sat_u64(have - snap->reserve_kb);
}

const struct xb_pol_sample *
xb_pol_latest(const struct xb_pol_dom *d)
{
    if (d->nhist == 0 || d->hist == NULL || d->stale)
        return NULL;
    return &d->hist[d->nhist - 1];
}

uint64_t
xb_pol_clamp(const struct xb_pol_dom *d, uint64_t kb)
{
    if (kb < d->min_kb)
        kb = d->min_kb;
    if (kb > d->max_kb)
        kb = d->max_kb;
    return kb;
}

void
xb_pol_reason(struct xb_pol_want *w, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(w->reason, sizeof(w->reason), fmt, ap);
    va_end(ap);
}

uint64_t
pol_frame_kb(const struct xb_pol_dom *d, const struct xb_record *r)
{
    uint64_t total = xb_record_get(r, XB_F_TOTAL, 0);
    uint64_t whole = xb_record_get(r, XB_F_BALLOON, d->actual_kb);

    return whole > total ? whole - total : 0;
}

uint64_t
pol_used_kb(const struct xb_pol_dom *d, const struct xb_record *r)
{
    return sat_u64((pol_u128)xb_record_used_kb(r) + pol_frame_kb(d, r));
}

uint64_t
pol_peak_kb(const struct xb_pol_dom *d)
{
    const struct xb_pol_sample *s = xb_pol_latest(d);

    if (s == NULL || d->peak_kb == 0)
        return 0;
    return sat_u64((pol_u128)d->peak_kb + pol_frame_kb(d, &s->rec));
}

uint64_t
pol_pool(const struct xb_pol_snapshot *snap)
{
    uint64_t budget = xb_pol_budget(snap);

    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        uint64_t keep;

        if (xb_pol_latest(d) != NULL)
            continue;
        keep = d->actual_kb > d->target_kb ? d->actual_kb : d->target_kb;
        budget = budget > keep ? budget - keep : 0;
    }
    return budget;
}

void
pol_keep(const struct xb_pol_dom *d, struct xb_pol_want *w, const char *why)
{
    w->target_kb = d->target_kb;
    w->need_kb = 0;
    xb_pol_reason(w, "%s", why);
}

uint64_t
pol_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
    return sat_u64((pol_u128)a * b / c);
}

uint64_t
pol_scale(uint64_t kb, double factor)
{
    double x = (double)kb * factor + 0.5;

    if (!(x > 0.0))
        return 0;
    if (x >= 18446744073709551616.0)
        return UINT64_MAX;
    return (uint64_t)x;
}

/* The term's value at level c if it is clamped there, else -1 (free). */
static int
term_fixed(const struct pol_term *t, double c, uint64_t *out)
{
    double v = (double)t->base + (double)t->w * c;

    if (t->w == 0) {
        *out = t->base < t->lo ? t->lo : t->base > t->hi ? t->hi : t->base;
        return 1;
    }
    if (v <= (double)t->lo) {
        *out = t->lo;
        return 1;
    }
    if (v >= (double)t->hi) {
        *out = t->hi;
        return 1;
    }
    return 0;
}

static double
fill_sum(const struct pol_term *t, unsigned n, double c)
{
    double s = 0.0;

    for (unsigned i = 0; i < n; i++) {
        double v = (double)t[i].base + (double)t[i].w * c;

        if (v < (double)t[i].lo)
            v = (double)t[i].lo;
        if (v > (double)t[i].hi)
            v = (double)t[i].hi;
        s += v;
    }
    return s;
}

/* floor(num / den) for den > 0, rounding toward minus infinity. */
static pol_s128
floor_div(pol_s128 num, pol_s128 den)
{
    pol_s128 q = num / den;

    if (num % den != 0 && num < 0)
        q--;
    return q;
}

void
pol_fill(struct pol_term *t, unsigned n, uint64_t total)
{
    pol_u128 slo = 0, shi = 0;
    double clo = 0.0, chi = 0.0, c;
    pol_s128 rest = (pol_s128)total, wsum = 0;
    int any = 0;

    for (unsigned i = 0; i < n; i++) {
        if (t[i].hi < t[i].lo)
            t[i].hi = t[i].lo;
        slo += t[i].lo;
        shi += t[i].hi;
    }
    if (total <= slo || total >= shi) {
        for (unsigned i = 0; i < n; i++)
            t[i].out = total <= slo ? t[i].lo : t[i].hi;
        return;
    }
    /* Below clo every sloped term sits at lo, above chi at hi. */
    for (unsigned i = 0; i < n; i++) {
        double a, b;

        if (t[i].w == 0)
            continue;
        a = ((double)t[i].lo - (double)t[i].base) / (double)t[i].w;
        b = ((double)t[i].hi - (double)t[i].base) / (double)t[i].w;
        if (!any || a < clo)
            clo = a;
        if (!any || b > chi)
            chi = b;
        any = 1;
    }
    for (int step = 0; any && step < FILL_STEPS; step++) {
        double mid = clo + (chi - clo) / 2.0;

        if (mid <= clo || mid >= chi)
            break;
        if (fill_sum(t, n, mid) >= (double)total)
            chi = mid;
        else
            clo = mid;
    }
    c = chi;
    /* Terms clamped at the level found are final; the rest share exactly. */
    for (unsigned i = 0; i < n; i++) {
        if (term_fixed(&t[i], c, &t[i].out)) {
            rest -= (pol_s128)t[i].out;
        } else {
            rest -= (pol_s128)t[i].base;
            wsum += (pol_s128)t[i].w;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t fixed;
        pol_s128 v;

        if (term_fixed(&t[i], c, &fixed))
            continue;
        v = (pol_s128)t[i].base + floor_div((pol_s128)t[i].w * rest, wsum);
        if (v < (pol_s128)t[i].lo)
            v = (pol_s128)t[i].lo;
        if (v > (pol_s128)t[i].hi)
            v = (pol_s128)t[i].hi;
        t[i].out = (uint64_t)v;
    }
}
