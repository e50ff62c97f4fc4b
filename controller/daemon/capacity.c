/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A host's capacity (capacity.h): sums over the balanced domains, what
 * the make-room model could free and how fast (the balancer's
 * bal_time_to_free over the donors, as a hold's estimate is made), and
 * what a new guest could be given within a horizon.
 */
#include <stdlib.h>
#include <string.h>

#include "balancer.h"
#include "capacity.h"
#include "xmalloc.h"

static uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static uint64_t
rate_of(const struct dom *d)
{
    return d->rate_kb_s ? d->rate_kb_s : BAL_RATE_DEFAULT_KB_S;
}

/* How long the donors take to free everything above their floors,
 * releasing in parallel at their speeds (dmn_hold.c's estimate). */
static uint64_t
reclaim_ms(const struct domtab *t, const struct cap_in *in, uint64_t kb)
{
    struct bal_params p = { .rate_kb_s = BAL_RATE_DEFAULT_KB_S };
    struct bal_dom *bd;
    uint64_t ms;

    if (kb == 0)
        return 0;
    bd = xb_calloc(t->n ? t->n : 1, sizeof(*bd));
    for (unsigned i = 0; i < t->n; i++) {
        const struct dom *d = t->v[i];

        bd[i].managed = dom_donor(d);
        bd[i].new_target_kb = d->actual_kb;
        bd[i].min_kb = d->min_kb;
        bd[i].max_kb = d->max_kb > d->actual_kb ? d->max_kb : d->actual_kb;
        bd[i].floor_kb = d->floor_kb;
        bd[i].rate_kb_s = d->rate_kb_s;
    }
    ms = bal_time_to_free(&p, bd, t->n, kb);
    free(bd);
    return ms == UINT64_MAX ? ms : ms + in->overhead_ms;
}

void
cap_compute(const struct domtab *t, const struct cap_in *in,
            struct cap_out *out)
{
    uint64_t span = sat_sub(in->within_ms, in->overhead_ms);

    memset(out, 0, sizeof(*out));
    out->available_kb =
        sat_sub(in->free_kb, in->reserve_kb + in->held_kb + in->promised_kb);
    out->admittable_kb = out->available_kb;
    for (unsigned i = 0; i < t->n; i++) {
        const struct dom *d = t->v[i];
        uint64_t floor_kb, give;

        if (d->excluded)
            continue;
        out->guaranteed_kb += d->min_kb;
        out->committed_kb += d->target_kb;
        out->in_use_kb += d->need_kb;
        if (in->paused || !dom_donor(d))
            continue;
        /* Never below what it needs now, nor below its floor. */
        floor_kb = dom_floor_kb(d) > d->need_kb ? dom_floor_kb(d) : d->need_kb;
        give = (uint64_t)((__uint128_t)rate_of(d) * span / 1000);
        if (give > sat_sub(d->actual_kb, floor_kb))
            give = sat_sub(d->actual_kb, floor_kb);
        out->admittable_kb += give;
    }
    if (!in->paused)
        out->reclaimable_kb = domtab_reclaimable(t, &out->donors);
    out->reclaim_ms = reclaim_ms(t, in, out->reclaimable_kb);
}
