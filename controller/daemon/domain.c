/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A domain's state and limits (see domain.h): targets changed and the
 * progress toward them, stuck and uncooperative detection with the limits
 * it learns, the state names, what donors can give, and the limits from
 * the config rules and `set` overrides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "domain.h"
#include "rate.h"
#include "xmalloc.h"

/* -1 shrinking, 0 there, 1 growing. */
static int
direction(uint64_t target_kb, uint64_t actual_kb)
{
    return target_kb < actual_kb ? -1 : target_kb > actual_kb;
}

void
dom_target_changed(struct dom *d, uint64_t target_kb, uint64_t now)
{
    int turned = direction(target_kb, d->actual_kb) !=
                 direction(d->target_kb, d->actual_kb);

    d->target_kb = target_kb;
    d->last_change_ms = now;
    /* A further step the same way (a stepped shrink) does not restart
     * the stuck timer: only a change of direction does. */
    if (turned || d->progress_ms == 0) {
        d->progress_ref_kb = d->actual_kb;
        d->progress_ms = now;
        if (d->floor_kb == 0 && d->ceil_kb == 0)
            d->stuck = 0;
    }
}

static uint64_t
absdiff(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

/* Forgets learnt limits it has moved past, or that have had their time. */
static void
forget_limits(struct dom *d, const struct dom_limits *lim, uint64_t now)
{
    int expired = now - d->learnt_ms >= lim->retry_ms;

    if (d->floor_kb != 0 &&
        (expired || d->actual_kb + lim->progress_kb < d->floor_kb))
        d->floor_kb = 0;
    if (d->ceil_kb != 0 &&
        (expired || d->actual_kb > d->ceil_kb + lim->progress_kb))
        d->ceil_kb = 0;
}

/* No progress for stuck_ms: remember where it stopped. */
static void
declare_stuck(struct dom *d, const struct dom_limits *lim, uint64_t now)
{
    if (!d->stuck) {
        d->stuck = 1;
        d->learnt_ms = now;
        d->stalled_since_ms = d->progress_ms;
        if (d->target_kb < d->actual_kb)
            d->floor_kb = d->actual_kb;
        else
            d->ceil_kb = d->actual_kb;
    }
    (void)lim;
}

/* The balloon's speed, from how far it moved since the last look while
 * a change was pending (an estimate: it may have arrived meanwhile).  A
 * balloon that moves less than progress_kb between two looks is measured
 * over as many looks as it takes, so that a slow one is seen slow rather
 * than not at all. */
static void
track_rate(struct dom *d, uint64_t gap, const struct dom_limits *lim,
           uint64_t now)
{
    uint64_t moved = absdiff(d->actual_kb, d->rate_ref_kb), inst;

    if (d->rate_ms != 0 && moved < lim->progress_kb && gap > lim->progress_kb)
        return;
    if (d->rate_ms != 0 && now > d->rate_ms && moved >= lim->progress_kb &&
        gap + moved > lim->progress_kb) {
        inst = moved * 1000 / (now - d->rate_ms);
        d->rate_kb_s = d->rate_kb_s ? (d->rate_kb_s + inst) / 2 : inst;
        if (inst > d->top_rate_kb_s)
            d->top_rate_kb_s = inst;
    }
    d->rate_ref_kb = d->actual_kb;
    d->rate_ms = now;
}

/*
 * While it does not run, its balloon cannot move: the time since the
 * last look is added to the clocks that measure a stalled balloon (its
 * progress, its stall), so that pausing a domain for an hour neither
 * makes it stuck nor uncooperative, and a stuck one resumes its count
 * where it stopped.  Its speed is measured afresh once it runs.
 */
static enum dom_state
freeze(struct dom *d, uint64_t now)
{
    uint64_t dt =
        d->frozen_ms != 0 && now > d->frozen_ms ? now - d->frozen_ms : 0;

    if (d->progress_ms != 0)
        d->progress_ms += dt;
    if (d->stuck)
        d->stalled_since_ms += dt;
    if (d->wary_until_ms != 0)
        d->wary_until_ms += dt;
    d->frozen_ms = dom_running(d) ? 0 : now;
    d->rate_ms = 0;
    switch (d->life) {
    case HV_PAUSED:
        return DOM_PAUSED;
    case HV_SUSPENDED:
        return DOM_SUSPENDED;
    default:
        return DOM_MIGRATING;
    }
}

void
dom_update_state(struct dom *d, const struct dom_limits *lim, uint64_t now)
{
    uint64_t gap = absdiff(d->actual_kb, d->target_kb);

    if (!dom_running(d) || d->frozen_ms != 0) {
        enum dom_state s = freeze(d, now);

        if (!dom_running(d)) {
            d->state = s;
            return;
        }
    }
    track_rate(d, gap, lim, now);
    if (d->progress_ms == 0) {
        d->progress_ms = now;
        d->progress_ref_kb = d->actual_kb;
    }
    forget_limits(d, lim, now);
    if (gap <= lim->progress_kb) {
        /* At its target: unless it is held at a learnt limit, it
         * cooperates now. */
        if (d->floor_kb == 0 && d->ceil_kb == 0)
            d->stuck = d->uncoop = 0;
        d->progress_ms = now;
        d->progress_ref_kb = d->actual_kb;
    } else if (absdiff(d->actual_kb, d->progress_ref_kb) >= lim->progress_kb &&
               absdiff(d->actual_kb, d->target_kb) <
                   absdiff(d->progress_ref_kb, d->target_kb)) {
        d->stuck = d->uncoop = 0;
        d->floor_kb = d->ceil_kb = 0;
        d->progress_ms = now;
        d->progress_ref_kb = d->actual_kb;
    } else {
        if (now - d->progress_ms >= lim->stuck_ms / 4)
            d->wary_until_ms = now + DOM_WARY_MS;
        if (now - d->progress_ms >= lim->stuck_ms)
            declare_stuck(d, lim, now);
    }
    /* Stuck, and no progress since, for uncoop_ms: uncooperative. */
    if (d->stuck && !d->uncoop && now - d->stalled_since_ms >= lim->uncoop_ms) {
        d->uncoop = 1;
        d->uncoop_since_ms = now;
    }

    if (d->excluded)
        d->state = DOM_EXCLUDED;
    else if (d->uncoop)
        d->state = DOM_UNCOOPERATIVE;
    else if (d->stuck)
        d->state = DOM_STUCK;
    else if (d->nhist == 0 || d->heard == 0)
        d->state = DOM_NO_AGENT;
    else if (now - d->last_record_ms > lim->stale_ms)
        d->state = DOM_STALE;
    else
        d->state = DOM_MANAGED;
}

const char *
dom_state_name(enum dom_state s)
{
    switch (s) {
    case DOM_MANAGED:
        return "managed";
    case DOM_NO_AGENT:
        return "no-agent";
    case DOM_STALE:
        return "stale";
    case DOM_STUCK:
        return "stuck";
    case DOM_UNCOOPERATIVE:
        return "uncooperative";
    case DOM_EXCLUDED:
        return "excluded";
    case DOM_PAUSED:
        return "paused";
    case DOM_SUSPENDED:
        return "suspended";
    case DOM_MIGRATING:
        return "migrating";
    }
    return "?";
}

int
dom_donor(const struct dom *d)
{
    return d->state == DOM_MANAGED && d->heard > 0;
}

uint64_t
dom_floor_kb(const struct dom *d)
{
    return d->floor_kb > d->min_kb ? d->floor_kb : d->min_kb;
}

uint64_t
domtab_reclaimable(const struct domtab *t, unsigned *ndonors)
{
    uint64_t sum = 0;
    unsigned n = 0;

    for (unsigned i = 0; i < t->n; i++) {
        const struct dom *d = t->v[i];

        if (!dom_donor(d) || d->actual_kb <= dom_floor_kb(d))
            continue;
        sum += d->actual_kb - dom_floor_kb(d);
        n++;
    }
    if (ndonors != NULL)
        *ndonors = n;
    return sum;
}

struct dom_limits
dom_limits_of(const struct xb_config *cfg)
{
    struct dom_limits l = {
        .stale_ms = cfg->stale_ms,
        .stuck_ms = cfg->stuck_ms,
        .uncoop_ms = cfg->uncoop_ms,
        .progress_kb = cfg->progress_kb,
        .retry_ms = cfg->stuck_retry_ms,
        .records_per_s = cfg->records_per_s,
        .records_burst = cfg->records_burst,
    };

    return l;
}

uint64_t
dom_default_min(uint64_t maxmem_kb, uint64_t floor_kb)
{
    uint64_t mb = maxmem_kb / 1024, pages = maxmem_kb / 4, min_mb, min_kb;

    /* Linux's pre-2.6.26 balloon minimum_target(), in MiB. */
    if (mb < 125)
        min_mb = 8 + (pages >> 9);
    else if (mb < 500)
        min_mb = 40 + (pages >> 10);
    else if (mb < 2000)
        min_mb = 104 + (pages >> 11);
    else
        min_mb = 296 + (pages >> 13);
    min_kb = min_mb * 1024;
    if (min_kb < floor_kb)
        min_kb = floor_kb;
    if (maxmem_kb != 0 && min_kb > maxmem_kb)
        min_kb = maxmem_kb;
    return min_kb;
}

void
dom_clear_overrides(struct dom *d)
{
    d->set_min_kb = 0;
    d->set_max_kb = 0;
    d->set_weight = 0;
    d->set_exclude = -1;
}

void
dom_apply_rules(struct dom *dom, const struct xb_config *cfg)
{
    struct cfg_domset set;
    uint64_t maxmem = dom->maxmem_kb ? dom->maxmem_kb : dom->actual_kb;

    cfg_resolve(cfg, dom->name, (int)dom->domid, &set);
    dom->max_kb = set.max_kb ? set.max_kb : maxmem;
    if (dom->set_max_kb)
        dom->max_kb = dom->set_max_kb;
    /* libxl refuses targets above static-max. */
    if (dom->maxmem_kb && dom->max_kb > dom->maxmem_kb)
        dom->max_kb = dom->maxmem_kb;
    dom->min_kb =
        set.min_kb ? set.min_kb : dom_default_min(maxmem, cfg->min_floor_kb);
    if (dom->set_min_kb)
        dom->min_kb = dom->set_min_kb;
    if (dom->min_kb > dom->max_kb)
        dom->min_kb = dom->max_kb;
    dom->weight =
        dom->set_weight ? dom->set_weight : (set.weight ? set.weight : 100);
    dom->excluded = set.exclude == 1;
    if (dom->set_exclude >= 0)
        dom->excluded = dom->set_exclude;
    if (dom->is_dom0)
        dom->excluded = 1;
}
