/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `static` policy: every domain keeps the target it has.  The
 * no-overcommit baseline the other policies are measured against; it
 * reports the guest's used memory as its need for the CLI, nothing more.
 */
#include "builtin.h"
#include "policy.h"

static const struct xb_pol_param static_params[] = {
    { NULL, XB_PP_DOUBLE, 0, 0, 0, 0, NULL },
};

static void
static_plan(const void *params, const struct xb_pol_snapshot *snap,
            struct xb_pol_want *out)
{
    (void)params;
    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        const struct xb_pol_sample *s = xb_pol_latest(d);

        out[i].target_kb = d->target_kb;
        out[i].need_kb = s != NULL ? pol_used_kb(d, &s->rec) : 0;
        xb_pol_reason(&out[i], "static");
    }
}

const struct xb_policy xb_policy_static = {
    .abi = XB_POLICY_ABI,
    .name = "static",
    .summary = "never changes a target (the no-overcommit baseline)",
    .params = static_params,
    .params_size = 0,
    .history = 1,
    .plan = static_plan,
};
