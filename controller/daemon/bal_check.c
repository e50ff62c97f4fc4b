/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The balancer's plan checked against its own rules (bal_check: every
 * target within its range, no promise beyond what is free, shrinks
 * stepped, nothing silent shrunk), and the names of its reasons.  The
 * daemon refuses a plan that fails, and says so loudly.
 */
#include <stdint.h>

#include "bal_rules.h"
#include "balancer.h"
#include "xmalloc.h"

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
    case BAL_WITHDRAW:
        return "withdraw (stuck)";
    }
    return "?";
}

int
bal_check(const struct bal_params *p, uint64_t host_free_kb,
          const struct bal_dom *doms, unsigned n, char **cause)
{
    uint64_t before = promised(doms, n, 0), after = promised(doms, n, 1);
    uint64_t room = sat_sub(host_free_kb, p->reserve_kb + p->held_kb);
    int short_ = host_short(p, host_free_kb, doms, n);

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
        if (d->why == BAL_WITHDRAW) {
            if (!d->stuck || nt != clamp(d->actual_kb, d->min_kb, d->max_kb)) {
                xb_set_cause(cause, "domain %u: bad withdrawal to %llu",
                             d->domid, (unsigned long long)nt);
                return -1;
            }
            continue;
        }
        if (nt > t && d->stuck && nt > d->min_kb) {
            xb_set_cause(cause, "domain %u: stuck but grown", d->domid);
            return -1;
        }
        if (nt > t && nt > hi(d) && nt > d->min_kb) {
            xb_set_cause(cause, "domain %u: grown above its ceiling %llu",
                         d->domid, (unsigned long long)hi(d));
            return -1;
        }
        if (nt < t && nt < lo(d) && nt < d->actual_kb && d->why != BAL_CLAMP) {
            xb_set_cause(cause, "domain %u: shrunk below its floor %llu (%s)",
                         d->domid, (unsigned long long)lo(d),
                         bal_why_name(d->why));
            return -1;
        }
        /* A re-split (pass 3a) raises a slow donor, never above what it
         * holds, and asks the others for the difference. */
        if (nt > t && short_ && t < d->actual_kb &&
            !(d->why == BAL_RECLAIM && nt <= d->actual_kb)) {
            xb_set_cause(cause,
                         "domain %u: releasing donor raised while the "
                         "host is short",
                         d->domid);
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
