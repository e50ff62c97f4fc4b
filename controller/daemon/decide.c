/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One balancing decision: see decide.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "registry.h"
#include "xmalloc.h"

/* What a policy is told of the domain's state. */
static enum xb_pol_state
pol_state(const struct dom *dom)
{
    if (dom->uncoop)
        return XB_POL_UNCOOPERATIVE;
    if (dom->stuck)
        return XB_POL_STUCK;
    /* Not running: its figures say nothing new, and it is not touched. */
    if (dom->state == DOM_NO_AGENT || dom->state == DOM_STALE ||
        !dom_running(dom))
        return XB_POL_SILENT;
    return XB_POL_MANAGED;
}

int
decide(struct domtab *t, const struct xb_config *cfg,
       const struct hv_physinfo *phys, uint64_t held_kb, int paused,
       uint64_t now, struct bal_dom *bd, struct bal_result *res, char **cause)
{
    struct xb_pol_snapshot snap;
    struct xb_pol_dom *pd;
    struct xb_pol_want *want;
    struct bal_params bp;
    unsigned n = t->n, np = 0, nh;
    int rc;

    pd = xb_calloc(n, sizeof(*pd));
    want = xb_calloc(n, sizeof(*want));
    for (unsigned i = 0; i < n; i++) {
        const struct dom *dom = t->v[i];

        if (dom->excluded)
            continue;
        pd[np].domid = dom->domid;
        pd[np].name = dom->name;
        pd[np].is_dom0 = dom->is_dom0;
        pd[np].actual_kb = dom->actual_kb;
        pd[np].target_kb = dom->target_kb;
        pd[np].min_kb = dom->min_kb;
        pd[np].max_kb = dom->max_kb;
        pd[np].weight = dom->weight;
        pd[np].since_change_ms = now - dom->last_change_ms;
        /* The policy sees the history it asked for; the daemon may keep
         * more for its own rates (rates.h). */
        nh = dom->nhist < cfg->policy->pol->history ? dom->nhist
                                                    : cfg->policy->pol->history;
        pd[np].hist = dom->hist + (dom->nhist - nh);
        pd[np].nhist = nh;
        pd[np].stale = dom->state == DOM_STALE;
        pd[np].state = pol_state(dom);
        pd[np].rate_kb_s = dom->top_rate_kb_s;
        pd[np].wary = now < dom->wary_until_ms;
        pd[np].peak_kb = dom_peak_kb(dom, now);
        np++;
    }
    snap.now_ms = now;
    snap.host_total_kb = phys->total_kb;
    snap.host_free_kb = phys->free_kb;
    snap.reserve_kb = cfg->reserve_kb + held_kb;
    snap.doms = pd;
    snap.ndoms = np;
    xb_policy_plan(cfg->policy, &snap, want);

    for (unsigned i = 0, k = 0; i < n; i++) {
        struct dom *dom = t->v[i];
        struct bal_dom *b = &bd[i];

        memset(b, 0, sizeof(*b));
        b->domid = dom->domid;
        b->actual_kb = dom->actual_kb;
        b->target_kb = dom->target_kb;
        b->min_kb = dom->min_kb;
        b->max_kb = dom->max_kb;
        b->wanted_kb = dom->target_kb;
        b->since_change_ms = now - dom->last_change_ms;
        b->stuck = dom->stuck;
        b->floor_kb = dom->floor_kb;
        b->ceil_kb = dom->ceil_kb;
        b->rate_kb_s = dom->rate_kb_s;
        b->frozen = !dom_running(dom);
        if (dom->excluded)
            continue;
        dom->need_kb = want[k].need_kb;
        memcpy(dom->reason, want[k].reason, sizeof(dom->reason));
        /* Until its agent has spoken, a domain is left alone: there is
         * nothing to decide on, and one that libxl is still building
         * would refuse a target anyway.  Paused, suspended or migrating,
         * it is left alone too: a target set now would be carried to
         * where it resumes (a migration's destination starts from it),
         * or met at once when it runs again, whatever it needs then. */
        b->managed = !paused && dom->heard > 0 && !b->frozen;
        b->silent = dom->state == DOM_NO_AGENT || dom->state == DOM_STALE;
        b->wanted_kb = want[k].target_kb;
        b->quick_kb = want[k].quick_kb;
        b->wary = now < dom->wary_until_ms;
        if (dom->uncoop) {
            /* Squeezed's rule: an uncooperative domain is held where it
             * is, and its unmet promise withdrawn. */
            b->wanted_kb = dom->actual_kb;
            snprintf(dom->reason, sizeof(dom->reason), "uncooperative");
        }
        k++;
    }
    bp.reserve_kb = cfg->reserve_kb;
    bp.held_kb = held_kb;
    bp.deadband_kb = cfg->deadband_kb;
    bp.shrink_step = cfg->shrink_step;
    bp.shrink_max_kb = cfg->shrink_max_kb;
    bp.min_interval_ms = cfg->min_interval_ms;
    bp.progress_kb = cfg->progress_kb;
    bp.rate_kb_s = BAL_RATE_DEFAULT_KB_S;
    bal_run(&bp, phys->free_kb, bd, n, res);
    rc = bal_check(&bp, phys->free_kb, bd, n, cause);
    free(pd);
    free(want);
    return rc;
}
