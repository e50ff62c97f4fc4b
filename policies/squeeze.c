/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `squeeze` policy, after XenServer's squeezed: no guest signal at all.
 * Every managed domain sits at the same fraction g of its [min, max] range,
 *
 *   target = min + g * (max - min),  g = clamp((pool - sum min) /
 *                                               sum (max - min), 0, 1),
 *
 * so that the domains together use exactly the pool (host free + what they
 * hold - the host reserve) and the host keeps its reserve; squeezed's 9 MiB
 * "slush" is the balancer's reserve here.  The closed form replaces
 * squeezed's iteration; the split is exact in integers (floor).  A domain
 * whose agent is silent keeps its target and what it holds is taken out of
 * the pool first (squeezed only balloons domains with a live guest agent).
 */
#include "builtin.h"
#include "policy.h"

static const struct xb_pol_param squeeze_params[] = {
    { NULL, XB_PP_DOUBLE, 0, 0, 0, 0, NULL },
};

static void
squeeze_plan(const void *params, const struct xb_pol_snapshot *snap,
             struct xb_pol_want *out)
{
    uint64_t pool = pol_pool(snap), summin = 0, range = 0, extra;

    (void)params;
    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];

        if (xb_pol_latest(d) == NULL || d->max_kb < d->min_kb)
            continue;
        summin += d->min_kb;
        range += d->max_kb - d->min_kb;
    }
    extra = pool > summin ? pool - summin : 0;
    if (extra > range)
        extra = range;
    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        uint64_t span;

        if (xb_pol_latest(d) == NULL) {
            pol_keep(d, &out[i], "silent: keep");
            continue;
        }
        span = d->max_kb > d->min_kb ? d->max_kb - d->min_kb : 0;
        out[i].target_kb =
            d->min_kb + (range > 0 ? pol_muldiv(span, extra, range) : 0);
        out[i].need_kb = 0;
        xb_pol_reason(&out[i], "squeeze %.1f%% of range",
                      range > 0 ? 100.0 * (double)extra / (double)range
                                : 100.0);
    }
}

const struct xb_policy xb_policy_squeeze = {
    .abi = XB_POLICY_ABI,
    .name = "squeeze",
    .summary = "every domain at the same fraction of its [min, max] "
               "(XenServer squeezed)",
    .params = squeeze_params,
    .params_size = 0,
    .history = 1,
    .plan = squeeze_plan,
};
