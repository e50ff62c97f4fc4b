/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `proportional` policy, after Qubes OS qmemman (algo.py).  Each domain
 * with fresh agent data prefers
 *
 *   pref = clamp(max(used * margin, floor), min, max)
 *
 * where used is the guest's used memory including swapped-out pages, in
 * the domain-total frame.  With pool = host free + what the domains hold -
 * reserve - what silent domains keep:
 *
 *   enough (sum pref <= pool): every domain gets pref plus a share of the
 *     surplus in proportion to pref, capped at max; what a capped domain
 *     cannot take is split among the others in the same proportion
 *     (qmemman's balance_when_enough_memory, without its 0.999 factor:
 *     the balancer keeps the reserve).
 *   low (sum pref > pool): donors (pref <= actual, or at max) go down to
 *     pref (balance_when_low_on_memory).  Every other domain's share is
 *     pool * pref / sum pref: one holding more than its share goes down
 *     to it, but not below what it uses, so that memory still moves when every domain is below its
 *     preference (qmemman would find no donor and move nothing).
 *     Acceptors (below their share) take only what is free right now
 *     (host free - reserve - promised but not yet taken): each its whole
 *     gap when that covers every gap, else in proportion to pref on top
 *     of what they hold; never above their share.
 *
 * The floor default is qmemman's MIN_PREFMEM, 200 MiB: below that a
 * general-purpose Linux guest has no room for page cache at all.  dom0 is
 * treated like any other domain (no dom0 boost).  Domains without fresh
 * agent data keep their target.
 *
 * Enough mode uses one scratch array of n terms for the water-fill, the
 * only allocation in plan.
 */
#include <stddef.h>
#include <stdlib.h>

#include "builtin.h"
#include "policy.h"
#include "xmalloc.h"

struct prop_params {
    double margin;  /* preference = used * margin */
    uint64_t floor; /* KiB, lowest preference */
};

static const struct xb_pol_param prop_params_table[] = {
    { "margin", XB_PP_DOUBLE, 1.3, 1, 4, offsetof(struct prop_params, margin),
      "preferred size as a multiple of used memory (qmemman: 1.3)" },
    { "floor", XB_PP_KIB, 204800, 0, POL_KIB_MAX,
      offsetof(struct prop_params, floor),
      "KiB, smallest preferred size (qmemman MIN_PREFMEM: 200 MiB)" },
    { NULL, XB_PP_DOUBLE, 0, 0, 0, 0, NULL },
};

static uint64_t
prop_pref(const struct prop_params *p, const struct xb_pol_dom *d,
          uint64_t used)
{
    uint64_t pref = pol_scale(used, p->margin);

    if (pref < p->floor)
        pref = p->floor;
    return xb_pol_clamp(d, pref);
}

static void
prop_enough(const struct xb_pol_snapshot *snap, uint64_t pool,
            struct xb_pol_want *out)
{
    struct pol_term *t = xb_calloc(snap->ndoms, sizeof(*t));
    unsigned n = 0;

    /* out[i].target_kb holds pref for managed domains at this point. */
    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];

        if (xb_pol_latest(d) == NULL)
            continue;
        t[n].base = t[n].lo = t[n].w = out[i].target_kb;
        t[n].hi = d->max_kb > t[n].lo ? d->max_kb : t[n].lo;
        n++;
    }
    pol_fill(t, n, pool);
    n = 0;
    for (unsigned i = 0; i < snap->ndoms; i++) {
        if (xb_pol_latest(&snap->doms[i]) == NULL)
            continue;
        xb_pol_reason(&out[i], "pref %llu MiB + share",
                      (unsigned long long)(out[i].target_kb / 1024));
        out[i].target_kb = t[n++].out;
    }
    free(t);
}

/* A domain's share of a scarce pool: in proportion to its preference,
 * never below its min. */
static uint64_t
prop_share(const struct xb_pol_dom *d, uint64_t pool, uint64_t pref,
           uint64_t sumpref)
{
    return xb_pol_clamp(d, pol_muldiv(pool, pref, sumpref));
}

static int
prop_donor(const struct xb_pol_dom *d, uint64_t pref)
{
    return pref <= d->actual_kb || d->actual_kb >= d->max_kb;
}

static void
prop_low(const struct xb_pol_snapshot *snap, uint64_t pool, uint64_t sumpref,
         struct xb_pol_want *out)
{
    uint64_t free_now = snap->host_free_kb, promised = 0, accpref = 0;
    uint64_t gaps = 0;

    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];

        if (d->target_kb > d->actual_kb)
            promised += d->target_kb - d->actual_kb;
    }
    promised += snap->reserve_kb;
    free_now = free_now > promised ? free_now - promised : 0;
    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        uint64_t pref = out[i].target_kb, cap;

        if (xb_pol_latest(d) == NULL || prop_donor(d, pref))
            continue;
        cap = prop_share(d, pool, pref, sumpref);
        if (cap > d->actual_kb) {
            accpref += pref;
            gaps += cap - d->actual_kb;
        }
    }
    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        uint64_t pref = out[i].target_kb, cap, tgt;

        if (xb_pol_latest(d) == NULL)
            continue;
        if (prop_donor(d, pref)) {
            xb_pol_reason(&out[i], "low: donor to pref");
            continue;
        }
        cap = prop_share(d, pool, pref, sumpref);
        if (cap <= d->actual_kb) {
            /* Below its pref but above its share: it gives the rest to
             * the ones further below theirs (none would be a donor when
             * every domain is short), but never what it uses: a guest
             * that claims a huge use would otherwise shrink every share
             * and squeeze honest guests into swap. */
            if (cap < out[i].need_kb)
                cap = out[i].need_kb < d->actual_kb ? out[i].need_kb
                                                    : d->actual_kb;
            out[i].target_kb = cap;
            xb_pol_reason(&out[i], "low: above its share %llu MiB",
                          (unsigned long long)(cap / 1024));
            continue;
        }
        tgt = gaps <= free_now
                  ? cap
                  : d->actual_kb + pol_muldiv(free_now, pref, accpref);
        out[i].target_kb = tgt < cap ? tgt : cap;
        xb_pol_reason(&out[i], "low: acceptor, share %llu MiB",
                      (unsigned long long)(cap / 1024));
    }
}

static void
prop_plan(const void *params, const struct xb_pol_snapshot *snap,
          struct xb_pol_want *out)
{
    const struct prop_params *p = params;
    uint64_t pool = pol_pool(snap), sumpref = 0;

    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        const struct xb_pol_sample *s = xb_pol_latest(d);

        if (s == NULL) {
            pol_keep(d, &out[i], "silent: keep");
            continue;
        }
        out[i].need_kb = pol_used_kb(d, &s->rec);
        out[i].target_kb = prop_pref(p, d, out[i].need_kb);
        sumpref += out[i].target_kb;
    }
    if (sumpref <= pool)
        prop_enough(snap, pool, out);
    else
        prop_low(snap, pool, sumpref, out);
}

const struct xb_policy xb_policy_proportional = {
    .abi = XB_POLICY_ABI,
    .name = "proportional",
    .summary = "used memory times a margin, surplus split in proportion "
               "(Qubes qmemman)",
    .params = prop_params_table,
    .params_size = sizeof(struct prop_params),
    .history = 1,
    .plan = prop_plan,
};
