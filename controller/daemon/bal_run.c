/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The safety balancer: see balancer.h for the rules it enforces.  Passes
 * over the domains: bring targets above max down, withdraw what stuck
 * domains cannot do, shrink what the policy wants smaller (stepped,
 * rate-limited, never a silent domain), reclaim what the host's reserve
 * and the operator's holds need, then grow from what is truly free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bal_rules.h"
#include "balancer.h"
#include "xmalloc.h"

/* Pass 0: a target above max is brought down at once (operator order). */
static void
pass_clamp(struct bal_dom *doms, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];

        if (d->managed && d->new_target_kb > d->max_kb) {
            d->new_target_kb = d->max_kb;
            d->why = BAL_CLAMP;
        }
    }
}

/*
 * Pass 1: a stuck domain is not asked again for what it cannot do: its
 * unmet shrink or growth is withdrawn, the target put back to what it
 * holds (within [min, max]).  Its share goes to the others in the passes
 * that follow.
 */
static void
pass_withdraw(const struct bal_params *p, struct bal_dom *doms, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t to;

        if (!d->managed || !d->stuck || d->why != BAL_KEEP)
            continue;
        to = clamp(d->actual_kb, d->min_kb, d->max_kb);
        /* Never a new promise (below min, `to` is above what it holds). */
        if (to > d->actual_kb && to > d->new_target_kb)
            continue;
        if (d->new_target_kb + p->progress_kb >= to &&
            to + p->progress_kb >= d->new_target_kb)
            continue;
        d->new_target_kb = to;
        d->why = BAL_WITHDRAW;
    }
}

/* Pass 2: shrinks the policy asked for, slowly. */
static void
pass_shrink(const struct bal_params *p, struct bal_dom *doms, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t w = wish(d), cand;

        if (!d->managed || d->silent || d->why != BAL_KEEP)
            continue;
        if (w >= d->new_target_kb)
            continue;
        if (d->since_change_ms < p->min_interval_ms)
            continue;
        cand = sat_sub(d->new_target_kb, shrink_step(p, d));
        if (cand < w)
            cand = w;
        if (d->new_target_kb - cand < p->deadband_kb)
            continue;
        d->new_target_kb = cand;
        d->why = BAL_SHRINK;
    }
}

/* What raising d from its new target to `to` adds to the promises. */
static uint64_t
grow_cost(const struct bal_dom *d, uint64_t to)
{
    return sat_sub(to, d->actual_kb) - sat_sub(d->new_target_kb, d->actual_kb);
}

/* Growth the policy wants for d, or 0 when none is to be issued.  While
 * the host is short, a domain releasing memory is not raised back. */
static uint64_t
grow_wish(const struct bal_params *p, const struct bal_dom *d, int short_)
{
    uint64_t w = wish(d);

    if (!d->managed || d->why == BAL_RECLAIM || d->why == BAL_WITHDRAW)
        return 0;
    if (short_ && d->new_target_kb < d->actual_kb)
        return 0;
    /* A stuck domain is raised to its min, never further. */
    if (d->stuck) {
        if (d->new_target_kb >= d->min_kb)
            return 0;
        w = d->min_kb;
    }
    if (w <= d->new_target_kb)
        return 0;
    /* Below-min domains are raised even by less than the deadband. */
    if (w - d->new_target_kb < p->deadband_kb && d->new_target_kb >= d->min_kb)
        return 0;
    return w;
}

/*
 * Pass 4: growth, paid only from memory that is free and unpromised.  When
 * it does not stretch to every wish, each grower gets a share of it in
 * proportion to what it asked for.
 */
static void
pass_grow(const struct bal_params *p, uint64_t free_kb, struct bal_dom *doms,
          unsigned n)
{
    uint64_t avail, pool, total = 0;
    int short_ = host_short(p, free_kb, doms, n);

    avail = sat_sub(free_kb, p->reserve_kb + p->held_kb + promised(doms, n, 1));
    pool = avail;
    for (unsigned i = 0; i < n; i++) {
        uint64_t w = grow_wish(p, &doms[i], short_);

        if (w != 0)
            total += grow_cost(&doms[i], w);
    }
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t w = grow_wish(p, d, short_), cost, grant, to;

        if (w == 0)
            continue;
        cost = grow_cost(d, w);
        if (total <= pool)
            grant = cost;
        else
            grant = (uint64_t)(((__uint128_t)pool * cost) / total);
        if (grant > avail)
            grant = avail;
        if (grant >= cost) {
            to = w;
        } else {
            /* Raising the target back up to what the domain still holds
             * costs nothing; only the part above it is a promise. */
            to = d->new_target_kb > d->actual_kb ? d->new_target_kb
                                                 : d->actual_kb;
            to += grant;
            if (to > w)
                to = w;
        }
        if (to <= d->new_target_kb)
            continue;
        if (to - d->new_target_kb < p->deadband_kb && to >= d->min_kb &&
            d->new_target_kb >= d->min_kb)
            continue;
        avail -= grow_cost(d, to);
        d->why = to == w ? BAL_GROW : BAL_GROW_PART;
        d->new_target_kb = to;
    }
}

void
bal_run(const struct bal_params *p, uint64_t host_free_kb, struct bal_dom *doms,
        unsigned n, struct bal_result *res)
{
    memset(res, 0, sizeof(*res));
    for (unsigned i = 0; i < n; i++) {
        doms[i].new_target_kb = doms[i].target_kb;
        doms[i].why = BAL_KEEP;
    }
    pass_clamp(doms, n);
    pass_withdraw(p, doms, n);
    pass_shrink(p, doms, n);
    bal_pass_resplit(p, host_free_kb, doms, n);
    res->shortfall_kb = bal_pass_reclaim(p, host_free_kb, doms, n, res);
    pass_grow(p, host_free_kb, doms, n);

    res->free_kb = host_free_kb;
    res->promised_kb = promised(doms, n, 1);
    res->releasing_kb = releasing(p, doms, n);
    res->available_kb =
        sat_sub(host_free_kb, p->reserve_kb + p->held_kb + res->promised_kb);
    for (unsigned i = 0; i < n; i++)
        if (doms[i].new_target_kb != doms[i].target_kb)
            res->changed++;
}
