/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The safety balancer: see balancer.h for the rules it enforces.  Three
 * passes over the domains: shrink what the policy wants smaller (stepped,
 * rate-limited, never a silent domain), reclaim what the host's reserve
 * and the operator's holds need, then grow from what is truly free.
 */
#include <stdio.h>
#include <string.h>

#include "balancer.h"
#include "xmalloc.h"

static uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static uint64_t
clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return v;
}

static uint64_t
promised(const struct bal_dom *doms, unsigned n, int use_new)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++)
        sum += sat_sub(use_new ? doms[i].new_target_kb : doms[i].target_kb,
                       doms[i].actual_kb);
    return sum;
}

static uint64_t
releasing(const struct bal_dom *doms, unsigned n)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++)
        if (!doms[i].stuck)
            sum += sat_sub(doms[i].actual_kb, doms[i].new_target_kb);
    return sum;
}

/* The wish, clamped into the domain's range. */
static uint64_t
wish(const struct bal_dom *d)
{
    return clamp(d->wanted_kb, d->min_kb, d->max_kb);
}

static uint64_t
shrink_step(const struct bal_params *p, const struct bal_dom *d)
{
    uint64_t step = (uint64_t)(p->shrink_step * (double)d->actual_kb);

    if (step > p->shrink_max_kb)
        step = p->shrink_max_kb;
    /* A step below the deadband would never be issued: round it up. */
    if (step < p->deadband_kb)
        step = p->deadband_kb;
    return step;
}

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

/* Pass 1: shrinks the policy asked for, slowly. */
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

/*
 * Pass 2: when free memory plus what is already being released does not
 * cover the reserve, the holds and the promises, take the shortfall: first
 * by withdrawing promises not yet taken, then from the donors with the most
 * room above their floor, in proportion to that room.
 */
static uint64_t
pass_reclaim(const struct bal_params *p, uint64_t free_kb, struct bal_dom *doms,
             unsigned n)
{
    uint64_t need = p->reserve_kb + p->held_kb + promised(doms, n, 1);
    uint64_t have = free_kb + releasing(doms, n);
    uint64_t deficit, room = 0, taken = 0;

    if (have >= need)
        return 0;
    deficit = need - have;
    if (deficit < p->deadband_kb)
        return 0;
    /* Withdraw unmet promises first: no memory has to move for that. */
    for (unsigned i = 0; i < n && deficit > 0; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t floor_kb, give;

        if (!d->managed || d->new_target_kb <= d->actual_kb)
            continue;
        floor_kb = d->actual_kb > d->min_kb ? d->actual_kb : d->min_kb;
        give = sat_sub(d->new_target_kb, floor_kb);
        if (give > deficit)
            give = deficit;
        if (give == 0)
            continue;
        d->new_target_kb -= give;
        d->why = BAL_RECLAIM;
        deficit -= give;
    }
    for (unsigned i = 0; i < n; i++) {
        const struct bal_dom *d = &doms[i];

        if (d->managed && !d->silent && !d->stuck)
            room += sat_sub(d->new_target_kb, d->min_kb);
    }
    if (deficit == 0 || room == 0)
        return deficit;
    for (unsigned i = 0; i < n && taken < deficit; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t r, give;

        if (!d->managed || d->silent || d->stuck)
            continue;
        r = sat_sub(d->new_target_kb, d->min_kb);
        if (r == 0)
            continue;
        /* Proportional share, rounded up so the sum covers the deficit. */
        give = (uint64_t)(((__uint128_t)deficit * r + room - 1) / room);
        if (give > r)
            give = r;
        if (give > deficit - taken)
            give = deficit - taken;
        d->new_target_kb -= give;
        d->why = BAL_RECLAIM;
        taken += give;
    }
    return deficit - taken;
}

/* What raising d from its new target to `to` adds to the promises. */
static uint64_t
grow_cost(const struct bal_dom *d, uint64_t to)
{
    return sat_sub(to, d->actual_kb) - sat_sub(d->new_target_kb, d->actual_kb);
}

/* Growth the policy wants for d, or 0 when none is to be issued. */
static uint64_t
grow_wish(const struct bal_params *p, const struct bal_dom *d)
{
    uint64_t w = wish(d);

    if (!d->managed || d->stuck || d->why == BAL_RECLAIM)
        return 0;
    if (w <= d->new_target_kb)
        return 0;
    /* Below-min domains are raised even by less than the deadband. */
    if (w - d->new_target_kb < p->deadband_kb && d->new_target_kb >= d->min_kb)
        return 0;
    return w;
}

/*
 * Pass 3: growth, paid only from memory that is free and unpromised.  When
 * it does not stretch to every wish, each grower gets a share of it in
 * proportion to what it asked for.
 */
static void
pass_grow(const struct bal_params *p, uint64_t free_kb, struct bal_dom *doms,
          unsigned n)
{
    uint64_t avail, pool, total = 0;

    avail = sat_sub(free_kb, p->reserve_kb + p->held_kb + promised(doms, n, 1));
    pool = avail;
    for (unsigned i = 0; i < n; i++) {
        uint64_t w = grow_wish(p, &doms[i]);

        if (w != 0)
            total += grow_cost(&doms[i], w);
    }
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t w = grow_wish(p, d), cost, grant, to;

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
    pass_shrink(p, doms, n);
    res->shortfall_kb = pass_reclaim(p, host_free_kb, doms, n);
    pass_grow(p, host_free_kb, doms, n);

    res->free_kb = host_free_kb;
    res->promised_kb = promised(doms, n, 1);
    res->releasing_kb = releasing(doms, n);
    res->available_kb =
        sat_sub(host_free_kb, p->reserve_kb + p->held_kb + res->promised_kb);
    for (unsigned i = 0; i < n; i++)
        if (doms[i].new_target_kb != doms[i].target_kb)
            res->changed++;
}

const char *
bal_why_name(enum bal_why why)
{
    switch (why) {
    case BAL_KEEP:
        return "keep";
    case BAL_GROW:
        return "grow";
    case BAL_GROW_PART:
        return "grow (partial: host memory short)";
    case BAL_SHRINK:
        return "shrink";
    case BAL_RECLAIM:
        return "reclaim for host reserve";
    case BAL_CLAMP:
        return "clamp to max";
    }
    return "?";
}

int
bal_check(const struct bal_params *p, uint64_t host_free_kb,
          const struct bal_dom *doms, unsigned n, char **cause)
{
    uint64_t before = promised(doms, n, 0), after = promised(doms, n, 1);
    uint64_t room = sat_sub(host_free_kb, p->reserve_kb + p->held_kb);

    for (unsigned i = 0; i < n; i++) {
        const struct bal_dom *d = &doms[i];
        uint64_t t = d->target_kb, nt = d->new_target_kb;

        if (nt == t)
            continue;
        if (!d->managed) {
            xb_set_cause(cause, "domain %u: unmanaged but changed", d->domid);
            return -1;
        }
        if (nt > d->max_kb || (nt < d->min_kb && nt < t)) {
            xb_set_cause(cause, "domain %u: target %llu outside [%llu, %llu]",
                         d->domid, (unsigned long long)nt,
                         (unsigned long long)d->min_kb,
                         (unsigned long long)d->max_kb);
            return -1;
        }
        /* Lowering an unmet promise of a silent domain moves no memory. */
        if (nt < t && d->silent && d->why != BAL_CLAMP && nt < d->actual_kb) {
            xb_set_cause(cause, "domain %u: silent but shrunk", d->domid);
            return -1;
        }
        if (nt < t && d->why == BAL_SHRINK) {
            uint64_t step = shrink_step(p, d);

            if (t - nt > step) {
                xb_set_cause(cause, "domain %u: shrink of %llu over step %llu",
                             d->domid, (unsigned long long)(t - nt),
                             (unsigned long long)step);
                return -1;
            }
            if (d->since_change_ms < p->min_interval_ms) {
                xb_set_cause(cause, "domain %u: shrunk too soon", d->domid);
                return -1;
            }
        }
        if ((d->why == BAL_SHRINK || d->why == BAL_GROW) && t >= d->min_kb &&
            (nt > t ? nt - t : t - nt) < p->deadband_kb) {
            xb_set_cause(cause, "domain %u: change within deadband", d->domid);
            return -1;
        }
        if (nt > t && d->stuck) {
            xb_set_cause(cause, "domain %u: stuck but grown", d->domid);
            return -1;
        }
    }
    if (after > before && after > room) {
        xb_set_cause(cause,
                     "promised %llu KiB with only %llu KiB free above "
                     "reserve and holds",
                     (unsigned long long)after, (unsigned long long)room);
        return -1;
    }
    return 0;
}
