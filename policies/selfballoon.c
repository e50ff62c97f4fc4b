/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `selfballoon` policy: Xen 3.3's xenballoond self-ballooning, run from
 * dom0 per domain, blind to the host.  It is the baseline every benchmark
 * compares against, so it stays faithful rather than improved:
 *
 *   goal  = Committed_AS + reserved + reserved_pct% of MemTotal
 *   floor = minmem, or if 0 the old balloon.c minimum_target() heuristic
 *           from maxmem (MiB, pages = maxmem / 4 KiB):
 *             maxmem <  125 MiB:   8 + pages >> 9
 *             maxmem <  500 MiB:  40 + pages >> 10
 *             maxmem < 2000 MiB: 104 + pages >> 11
 *             otherwise:         296 + pages >> 13
 *   goal  = max(goal, floor)
 *   cur > goal: target = cur - (cur - goal) / downhysteresis
 *   cur < goal: target = cur + (goal - cur) / uphysteresis
 *
 * The reserve is the later xen-selfballoon fix (Linux 3.13 "deaggressive
 * selfballoon driver", selfballoon_reserved_mb, 10% of RAM by default);
 * reserved_pct=0 gives the original xenballoond.
 *
 * Frames: xenballoond's `cur` is MemTotal, the guest's view of its current
 * size; here `cur` is the domain's actual allocation, the same quantity in
 * the domain-total frame, and the goal is moved into that frame by adding
 * the memory the guest does not count in MemTotal (pol_frame_kb).  Using
 * `actual` rather than the current target keeps the damping per balloon
 * step, as in xenballoond: calling plan again before the guest has moved
 * asks for the same target instead of compounding another 1/10.
 *
 * One shrink step per `interval` (xenballoond slept XENBALLOON_SELF_INTERVAL,
 * 1 s, between two), counted from the daemon's last change of the target,
 * so that the baseline's pace does not follow the daemon's min_interval.
 * Growth is not held back (with uphysteresis 1 it is one step anyway).
 *
 * A domain without fresh agent data, or whose agent does not report
 * Committed_AS, keeps its target.
 */
#include <stddef.h>

#include "builtin.h"
#include "policy.h"

struct sb_params {
    unsigned down;       /* downhysteresis: 1/N of the gap per step */
    unsigned up;         /* uphysteresis */
    uint64_t reserved;   /* KiB added to the goal */
    double reserved_pct; /* % of MemTotal added to the goal */
    uint64_t minmem;     /* KiB floor for the goal; 0: heuristic */
    uint64_t interval;   /* ms between two shrink steps of one domain */
};

static const struct xb_pol_param sb_params_table[] = {
    { "downhysteresis", XB_PP_UINT, 10, 1, 1000,
      offsetof(struct sb_params, down),
      "shrink by 1/N of the distance to the goal per step (xenballoond: 10)" },
    { "uphysteresis", XB_PP_UINT, 1, 1, 1000, offsetof(struct sb_params, up),
      "grow by 1/N of the distance to the goal per step (1: at once)" },
    { "reserved", XB_PP_KIB, 0, 0, POL_KIB_MAX,
      offsetof(struct sb_params, reserved),
      "KiB added to Committed_AS (xen-selfballoon selfballoon_reserved_mb)" },
    { "reserved_pct", XB_PP_DOUBLE, 10, 0, 100,
      offsetof(struct sb_params, reserved_pct),
      "percent of the guest's MemTotal added to the goal (Linux 3.13: 10)" },
    { "minmem", XB_PP_KIB, 0, 0, POL_KIB_MAX,
      offsetof(struct sb_params, minmem),
      "KiB floor for the goal; 0 = minimum_target() heuristic from maxmem" },
    { "interval", XB_PP_MS, 1000, 0, 3600000,
      offsetof(struct sb_params, interval),
      "ms between two shrink steps of one domain (xenballoond's "
      "XENBALLOON_SELF_INTERVAL: 1 s)" },
    { NULL, XB_PP_DOUBLE, 0, 0, 0, 0, NULL },
};

/* xenballoond's fallback floor from the domain's maxmem, KiB. */
static uint64_t
sb_minimum_target_kb(uint64_t maxmem_kb)
{
    uint64_t pages = maxmem_kb / 4, mb = maxmem_kb / 1024, floor_mb;

    if (mb < 125)
        floor_mb = 8 + (pages >> 9);
    else if (mb < 500)
        floor_mb = 40 + (pages >> 10);
    else if (mb < 2000)
        floor_mb = 104 + (pages >> 11);
    else
        floor_mb = 296 + (pages >> 13);
    return floor_mb * 1024;
}

static void
sb_plan(const void *params, const struct xb_pol_snapshot *snap,
        struct xb_pol_want *out)
{
    const struct sb_params *p = params;

    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        const struct xb_pol_sample *s = xb_pol_latest(d);
        uint64_t goal, floor, cur = d->actual_kb, tgt;
        const char *dir;

        if (s == NULL) {
            pol_keep(d, &out[i], "silent: keep");
            continue;
        }
        if (!xb_record_has(&s->rec, XB_F_COMMITTED)) {
            pol_keep(d, &out[i], "no Committed_AS: keep");
            continue;
        }
        goal = s->rec.v[XB_F_COMMITTED] + p->reserved +
               pol_scale(s->rec.v[XB_F_TOTAL], p->reserved_pct / 100.0);
        floor = p->minmem != 0 ? p->minmem : sb_minimum_target_kb(d->max_kb);
        if (goal < floor)
            goal = floor;
        goal += pol_frame_kb(d, &s->rec);
        if (cur > goal) {
            tgt = cur - (cur - goal) / p->down;
            dir = "down";
        } else if (cur < goal) {
            tgt = cur + (goal - cur) / p->up;
            dir = "up";
        } else {
            tgt = cur;
            dir = "at";
        }
        out[i].need_kb = goal;
        if (tgt < d->target_kb && d->since_change_ms < p->interval) {
            /* xenballoond shrank once per interval, whatever the
             * daemon's own pace. */
            out[i].target_kb = d->target_kb;
            xb_pol_reason(&out[i], "wait: goal %llu MiB",
                          (unsigned long long)(goal / 1024));
            continue;
        }
        out[i].target_kb = tgt;
        xb_pol_reason(&out[i], "%s goal %llu MiB", dir,
                      (unsigned long long)(goal / 1024));
    }
}

const struct xb_policy xb_policy_selfballoon = {
    .abi = XB_POLICY_ABI,
    .name = "selfballoon",
    .summary = "xenballoond: Committed_AS goal with hysteresis, per domain, "
               "blind to the host",
    .params = sb_params_table,
    .params_size = sizeof(struct sb_params),
    .history = 1,
    .plan = sb_plan,
};
