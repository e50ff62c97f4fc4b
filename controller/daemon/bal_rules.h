/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The balancer's small rules, shared by its files (bal_run.c: the passes,
 * bal_reclaim.c: reclaim and the balloons' timing, bal_check.c: the plan
 * checked): what is promised and still being released, a domain's lowest
 * and highest target, its wish, its shrink step, who may give and how
 * much.  Only those files include this header.
 */
#ifndef XB_DAEMON_BAL_RULES_H
#define XB_DAEMON_BAL_RULES_H

#include <stdint.h>

#include "balancer.h"

static inline uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static inline uint64_t
clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return v;
}

static inline uint64_t
promised(const struct bal_dom *doms, unsigned n, int use_new)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++)
        sum += sat_sub(use_new ? doms[i].new_target_kb : doms[i].target_kb,
                       doms[i].actual_kb);
    return sum;
}

/* What d is still releasing toward a target it has not reached (not the
 * last few MiB of one that has arrived): its balloon is busy with that
 * first. */
static inline uint64_t
pending(const struct bal_params *p, const struct bal_dom *d)
{
    uint64_t gap = sat_sub(d->actual_kb, d->new_target_kb);

    return !d->stuck && !d->frozen && gap > p->progress_kb ? gap : 0;
}

/* Memory shrinking domains are still to release and will (pending). */
static inline uint64_t
releasing(const struct bal_params *p, const struct bal_dom *doms, unsigned n)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++)
        sum += pending(p, &doms[i]);
    return sum;
}

/* The lowest target a shrink may ask for: min, or the floor learnt (never
 * above max). */
static inline uint64_t
lo(const struct bal_dom *d)
{
    uint64_t l = d->floor_kb > d->min_kb ? d->floor_kb : d->min_kb;

    return l < d->max_kb ? l : d->max_kb;
}

/* The highest target growth may ask for: max, or the ceiling learnt; a
 * floor learnt later wins over an older, lower ceiling. */
static inline uint64_t
hi(const struct bal_dom *d)
{
    uint64_t h = d->max_kb;

    if (d->ceil_kb != 0 && d->ceil_kb < h)
        h = d->ceil_kb;
    return h > lo(d) ? h : lo(d);
}

/* The wish, clamped into the domain's range and its learnt limits. */
static inline uint64_t
wish(const struct bal_dom *d)
{
    return clamp(d->wanted_kb, lo(d), hi(d));
}

static inline uint64_t
shrink_step(const struct bal_params *p, const struct bal_dom *d)
{
    double frac = d->wary && p->shrink_step > BAL_WARY_STEP ? BAL_WARY_STEP
                                                            : p->shrink_step;
    uint64_t max = d->wary && p->shrink_max_kb > BAL_WARY_MAX_KB
                       ? BAL_WARY_MAX_KB
                       : p->shrink_max_kb;
    uint64_t step = (uint64_t)(frac * (double)d->actual_kb);

    if (step > max)
        step = max;
    /* A step below the deadband would never be issued: round it up. */
    if (step < p->deadband_kb)
        step = p->deadband_kb;
    /* Memory the guest plainly does not use goes at once, unless its
     * balloon is not to be trusted to bring it back. */
    return d->wary || step > d->quick_kb ? step : d->quick_kb;
}

static inline int
donor(const struct bal_dom *d)
{
    return d->managed && !d->silent && !d->stuck;
}

/* What reclaim may take from d: its target down to its floor. */
static inline uint64_t
room_of(const struct bal_dom *d)
{
    return donor(d) ? sat_sub(d->new_target_kb, lo(d)) : 0;
}

/* Free memory does not yet cover the reserve, the holds and promises. */
static inline int
host_short(const struct bal_params *p, uint64_t free_kb,
           const struct bal_dom *doms, unsigned n)
{
    return free_kb < p->reserve_kb + p->held_kb + promised(doms, n, 1);
}

/* Passes in bal_reclaim.c: when the host is short, re-split what the
 * shrinking donors release; then reclaim the deficit (returns what is
 * left). */
void bal_pass_resplit(const struct bal_params *p, uint64_t free_kb,
                      struct bal_dom *doms, unsigned n);
uint64_t bal_pass_reclaim(const struct bal_params *p, uint64_t free_kb,
                          struct bal_dom *doms, unsigned n,
                          struct bal_result *res);

#endif
