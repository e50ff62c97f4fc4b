/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `pressure` policy, the flagship: a closed loop per domain driven by
 * the guest's own distress (Senpai/TMO style), and a global arbiter by
 * weight with an idle-memory tax (Waldspurger, ESX) when the host cannot
 * give everyone what they want.
 *
 * Signals come from the agent history: rates between the newest sample and
 * the oldest one within `window` (same agent run: seq increasing), so a
 * missed update loses nothing.  PSI some/full stall is in ms per second,
 * swap-ins and refaults in pages per second.
 *
 * Per domain, with used = the guest's used memory (incl. swapped out) in
 * the domain frame and F = used + floor (never probed below), or more:
 * the part of the recent peak of used (over the history and the last 5
 * to 10 minutes) that the domain's balloon, at the fastest it was seen
 * moving, would not bring back within `recall` (nothing when it was
 * never seen moving; all of it and `floor` above when it stalled
 * lately).  Memory belongs where it is hardest to bring back: guests
 * with fast balloons absorb the swings, slow and unreliable ones keep
 * their peak.
 *   OOM kill or full stall >= full_emergency:
 *       D = max(target, actual * (1 + emergency_step), F)
 *   some stall >= some_grow, swap-ins >= swapin_grow or refaults >=
 *   refault_grow (x = the largest signal / its threshold):
 *       D = max(target, actual * (1 + min(grow_max, grow_step * x)), F)
 *   calm (some stall <= some_probe, the others below threshold):
 *       D = max(F, min(target, actual - max(actual * probe, probe_min,
 *                                           MemFree)))
 *       where MemFree (neither used nor cache) is reported to the
 *       balancer as quick: released at once, not in slow steps.
 *   otherwise hold: D = max(F, target)
 * Steps are taken from `actual`, so planning again before the balloon has
 * moved does not compound them.  A guest whose kernel lacks PSI gets a
 * MemAvailable set-point instead of F, max(F, used * (1 + headroom)), and
 * is calm unless swap-ins, refaults or an OOM kill say otherwise.
 *
 * When sum D fits the pool with `spare` left over, calm guests are probed
 * only as far as it takes to keep `spare` free: memory no one needs does
 * more good staying in the guest than in Xen's free pool, from which a
 * spiking guest would have to wait for slow balloons to bring it back.
 *
 * Arbitration over the pool (host free + held - reserve - what silent
 * domains keep), when sum D exceeds it, in three stages so that floors go
 * before used memory and used memory last:
 *   1. sum F <= pool: each domain gets clamp(tax * active + weight * c,
 *      F, D) for one level c.  This is ESX's min-funding revocation with
 *      the idle tax solved in closed form: equal shares-per-page ratio
 *      rho = S / (a + k (P - a)), k = 1 / (1 - tax), a = active KiB, gives
 *      P = tax * a + S * c.  Active = used for calm or holding domains, the
 *      whole allocation for those in distress.
 *   2. sum used <= pool: clamp(used + weight * c, used, F), where a
 *      domain in distress from refaults (more than swap-ins: its page
 *      cache is short) starts from used + cache_first * (F - used), and
 *      one in distress otherwise from used + swap_first * (F - used).
 *   3. otherwise pure shares: clamp(weight * c, min, used).
 * Domains without fresh agent data keep their target and are not
 * arbitrated.  The scarce path allocates one scratch array.
 */
#include <stddef.h>
#include <stdlib.h>

#include "builtin.h"
#include "policy.h"
#include "rate.h"
#include "xmalloc.h"

struct pr_params {
    uint64_t window;       /* ms of history the rates span at most */
    double some_grow;      /* ms/s of PSI some: grow */
    double some_probe;     /* ms/s of PSI some: calm enough to probe */
    double full_emergency; /* ms/s of PSI full: grow at once */
    double swapin_grow;    /* pages/s */
    double refault_grow;   /* pages/s */
    double grow_step;      /* fraction at the threshold */
    double grow_max;       /* fraction per step, most */
    double emergency_step; /* fraction at once on OOM / full stall */
    double probe;          /* fraction per step when calm */
    uint64_t probe_min;    /* KiB: smallest probe step */
    uint64_t floor;        /* KiB above used never probed away */
    double headroom;       /* no-PSI set-point: used * (1 + headroom) */
    unsigned release_free; /* 1: a calm guest's MemFree goes at once */
    double tax;            /* idle memory tax rate */
    uint64_t spare;        /* KiB: host memory kept free before probing */
    uint64_t recall;       /* ms a balloon has to bring the peak back */
    double cache_first;    /* of a refaulting domain's margin, stage 2 */
    double swap_first;     /* of another distressed domain's, stage 2 */
};

static const struct xb_pol_param pr_params_table[] = {
    { "window", XB_PP_MS, 10000, 1000, 600000,
      offsetof(struct pr_params, window),
      "ms of agent history the stall and swap rates are measured over" },
    { "some_grow", XB_PP_DOUBLE, 10, 0.01, 1000,
      offsetof(struct pr_params, some_grow),
      "ms/s of PSI 'some' memory stall at which a domain grows (1%)" },
    { "some_probe", XB_PP_DOUBLE, 1, 0, 1000,
      offsetof(struct pr_params, some_probe),
      "ms/s of PSI 'some' stall at or below which a domain is probed down" },
    { "full_emergency", XB_PP_DOUBLE, 100, 0.01, 1000,
      offsetof(struct pr_params, full_emergency),
      "ms/s of PSI 'full' stall that grows a domain at once (10%)" },
    { "swapin_grow", XB_PP_DOUBLE, 256, 0.01, 1e9,
      offsetof(struct pr_params, swapin_grow),
      "swap-ins per second (4 KiB pages) at which a domain grows (1 MiB/s)" },
    { "refault_grow", XB_PP_DOUBLE, 1024, 0.01, 1e9,
      offsetof(struct pr_params, refault_grow),
      "workingset refaults per second (pages) at which a domain grows" },
    { "grow_step", XB_PP_DOUBLE, 0.05, 0.001, 4,
      offsetof(struct pr_params, grow_step),
      "fraction of actual added at the threshold, scaled by signal/threshold" },
    { "grow_max", XB_PP_DOUBLE, 0.25, 0.001, 4,
      offsetof(struct pr_params, grow_max),
      "largest fraction of actual added in one step" },
    { "emergency_step", XB_PP_DOUBLE, 0.5, 0.001, 4,
      offsetof(struct pr_params, emergency_step),
      "fraction of actual added at once after an OOM kill or full stall" },
    { "probe", XB_PP_DOUBLE, 0.02, 0, 0.5, offsetof(struct pr_params, probe),
      "fraction of actual taken per step from a domain without stall" },
    /* A step below the balancer's deadband (8 MiB by default) is never
     * issued, so a domain stops being probed near deadband / probe
     * (400 MiB by default).  Off by default: probing further buys density
     * (BENCHMARKS.md: 6 idle guests instead of 3) at the price of stall
     * and OOM kills when demand returns to a guest with a slow balloon. */
    { "probe_min", XB_PP_KIB, 0, 0, POL_KIB_MAX,
      offsetof(struct pr_params, probe_min),
      "smallest probe step, KiB (0: off; 8192 or more reaches past the default "
      "deadband)" },
    { "floor", XB_PP_KIB, 196608, 0, POL_KIB_MAX,
      offsetof(struct pr_params, floor),
      "KiB above used memory a domain is never probed below (192 MiB)" },
    { "headroom", XB_PP_DOUBLE, 0.2, 0, 4, offsetof(struct pr_params, headroom),
      "without PSI: set-point is used * (1 + headroom) (20%, as MoM)" },
    /* Memory a calm guest leaves plainly free (MemFree: not even cache)
     * helps no one there; handed back at once, it is there for the guest
     * that spikes next (BENCHMARKS.md: density at health). */
    { "release_free", XB_PP_UINT, 1, 0, 1,
      offsetof(struct pr_params, release_free),
      "1: a calm guest's MemFree is released at once, 0: probed like cache" },
    { "tax", XB_PP_DOUBLE, 0.75, 0, 0.99, offsetof(struct pr_params, tax),
      "idle memory tax rate under scarcity (ESX default 0.75)" },
    { "spare", XB_PP_KIB, 262144, 0, POL_KIB_MAX,
      offsetof(struct pr_params, spare),
      "KiB of host memory (above reserve and holds) kept for the next "
      "spike; calm guests are probed only while less is free (0: off, "
      "always probed)" },
    /* Memory belongs where it is hardest to bring back: a guest whose
     * balloon is slow cannot get back in time what it gave, so it keeps
     * what of its recent peak its balloon would not return within
     * `recall`; guests with fast balloons absorb the swings.  2 s: a
     * 256 MiB/s balloon returns a 512 MiB peak, a 32 MiB/s one 64 MiB
     * (BENCHMARKS.md: 1 to 2 s did best, 3 and 4 s less). */
    { "recall", XB_PP_MS, 2000, 0, 600000, offsetof(struct pr_params, recall),
      "ms within which a guest's balloon must be able to bring back its "
      "recent peak of used memory; what it cannot is kept (0: off)" },
    /* When only used memory fits (stage 2), the margins up to F are page
     * cache; a calm domain's is not needed, a refaulting one's is.  Equal
     * shares of the slack starved a web server's file working set while
     * others kept cache no one read (BENCHMARKS.md: 0.25 did better than
     * 0.1 or 0.5, and than 0.75, which cost the JVMs' cache). */
    { "cache_first", XB_PP_DOUBLE, 0.25, 0, 1,
      offsetof(struct pr_params, cache_first),
      "when only used memory fits: fraction of its floor margin a domain "
      "in distress from refaults gets before the slack is shared" },
    /* The same for a domain swapping or stalling: equal shares of the
     * slack left the guest that had just begun a burst with as little
     * room as the idle ones, and it swapped while they kept margins no
     * one used (BENCHMARKS.md: a quarter made nine eatmem guests healthy
     * on the paper's host, 0.5 and 1 did less, the suite unchanged). */
    { "swap_first", XB_PP_DOUBLE, 0.25, 0, 1,
      offsetof(struct pr_params, swap_first),
      "when only used memory fits: fraction of its floor margin a domain "
      "in distress from stall or swap-ins gets before the slack is shared" },
    { NULL, XB_PP_DOUBLE, 0, 0, 0, 0, NULL },
};

enum pr_state {
    PR_HOLD,
    PR_PROBE,
    PR_GROW,
    PR_EMERGENCY,
};

/* Rates between two samples of the same agent run. */
struct pr_rates {
    int pair;               /* 0: a single usable sample, no rates */
    int psi;                /* the guest's kernel reports PSI */
    double some, full;      /* ms/s */
    double swapin, refault; /* pages/s */
    int oom;
};

/* One domain's evaluation: what it wants and its bounds. */
struct pr_eval {
    enum pr_state state;
    uint64_t want;   /* D */
    uint64_t floor;  /* F = clamp(used + floor) */
    uint64_t used;   /* clamp(used) */
    uint64_t raw;    /* used, unclamped: the need */
    uint64_t active; /* KiB not taxed as idle */
    uint64_t quick;  /* of a shrink, plainly free in the guest */
    double x;        /* signal / threshold that drove growth */
    char why;        /* 'o'om, 'f'ull, 's'ome, 'w' swap, 'r'efault */
    int cache;       /* refaults outnumber swap-ins: short of page cache */
};

static int
pr_init(void *params, char **cause)
{
    const struct pr_params *p = params;

    if (p->some_probe >= p->some_grow) {
        xb_set_cause(cause,
                     "some_probe (%g ms/s) must be below some_grow "
                     "(%g ms/s)",
                     p->some_probe, p->some_grow);
        return -1;
    }
    if (p->grow_step > p->grow_max || p->grow_max > p->emergency_step) {
        xb_set_cause(cause,
                     "need grow_step (%g) <= grow_max (%g) <= "
                     "emergency_step (%g)",
                     p->grow_step, p->grow_max, p->emergency_step);
        return -1;
    }
    return 0;
}

/* The clamped rate of f between the pair (rate.h); none counts as 0. */
static double
pr_rate(const struct xb_pol_sample *old, const struct xb_pol_sample *now,
        enum xb_field f)
{
    double r;

    return xb_rate(&old->rec, old->t_ms, &now->rec, now->t_ms, f, &r) == 0
               ? r
               : 0.0;
}

static void
pr_rates(const struct pr_params *p, const struct xb_pol_dom *d,
         struct pr_rates *r)
{
    const struct xb_pol_sample *now = &d->hist[d->nhist - 1], *old = NULL;

    *r = (struct pr_rates){ 0 };
    r->psi = xb_record_has(&now->rec, XB_F_PSI_SOME);
    for (unsigned j = d->nhist - 1; j-- > 0;) {
        const struct xb_pol_sample *h = &d->hist[j], *next = &d->hist[j + 1];

        if (h->t_ms >= next->t_ms ||
            h->rec.v[XB_F_SEQ] >= next->rec.v[XB_F_SEQ])
            break; /* clock or agent restarted */
        if (now->t_ms - h->t_ms > p->window)
            break;
        old = h;
    }
    if (old == NULL)
        return;
    r->pair = 1;
    r->some = pr_rate(old, now, XB_F_PSI_SOME);
    r->full = pr_rate(old, now, XB_F_PSI_FULL);
    r->swapin = pr_rate(old, now, XB_F_PSWPIN);
    r->refault = pr_rate(old, now, XB_F_REFAULT);
    r->oom = pr_rate(old, now, XB_F_OOMKILL) > 0.0;
    if (!xb_record_has(&old->rec, XB_F_PSI_SOME))
        r->psi = 0;
}

static uint64_t
max3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t m = a > b ? a : b;

    return m > c ? m : c;
}

/*
 * What of the recent peak of used memory (over the history, and the
 * daemon's long peak of the last 5 to 10 minutes) the domain's balloon
 * would not bring back within `recall` at the fastest it was seen moving
 * (one not yet seen moving is not judged): kept.  When the balloon
 * stalled lately, its speed says nothing of when it moves next: it keeps
 * its floor at the peak, all of the peak and `floor` above it, as F
 * would have been then (the page cache that peak had to share, too).
 */
static uint64_t
pr_recall(const struct pr_params *p, const struct xb_pol_dom *d)
{
    uint64_t peak = pol_peak_kb(d), back;

    if (p->recall == 0 || (d->rate_kb_s == 0 && !d->wary))
        return 0;
    for (unsigned j = 0; j < d->nhist; j++) {
        uint64_t u = pol_used_kb(d, &d->hist[j].rec);

        if (u > peak)
            peak = u;
    }
    if (d->wary)
        return peak > UINT64_MAX - p->floor ? UINT64_MAX : peak + p->floor;
    back = pol_muldiv(d->rate_kb_s, p->recall, 1000);
    return peak > back ? peak - back : 0;
}

static void
pr_eval(const struct pr_params *p, const struct xb_pol_dom *d,
        const struct xb_pol_sample *s, struct pr_eval *e)
{
    struct pr_rates r;
    uint64_t setpoint, up, keep;
    double x = 0.0;

    pr_rates(p, d, &r);
    e->raw = pol_used_kb(d, &s->rec);
    e->used = xb_pol_clamp(d, e->raw);
    keep = pr_recall(p, d);
    e->floor =
        xb_pol_clamp(d, keep > e->raw + p->floor ? keep : e->raw + p->floor);
    e->quick = 0;
    setpoint = e->floor;
    if (!r.psi) {
        uint64_t sp = xb_pol_clamp(d, pol_scale(e->raw, 1.0 + p->headroom));

        setpoint = sp > setpoint ? sp : setpoint;
    }
    e->why = 0;
    if (r.pair && r.psi && r.some / p->some_grow > x) {
        x = r.some / p->some_grow;
        e->why = 's';
    }
    if (r.pair && r.swapin / p->swapin_grow > x) {
        x = r.swapin / p->swapin_grow;
        e->why = 'w';
    }
    if (r.pair && r.refault / p->refault_grow > x) {
        x = r.refault / p->refault_grow;
        e->why = 'r';
    }
    e->x = x;
    e->cache = r.pair && r.refault > r.swapin;
    if (r.pair && (r.oom || (r.psi && r.full >= p->full_emergency))) {
        e->state = PR_EMERGENCY;
        e->why = r.oom ? 'o' : 'f';
        up = pol_scale(d->actual_kb, 1.0 + p->emergency_step);
        e->want = max3(d->target_kb, up, setpoint);
    } else if (x >= 1.0) {
        double g = p->grow_step * x;

        e->state = PR_GROW;
        up = pol_scale(d->actual_kb, 1.0 + (g < p->grow_max ? g : p->grow_max));
        e->want = max3(d->target_kb, up, setpoint);
    } else if (r.psi ? (r.pair && r.some <= p->some_probe) : 1) {
        uint64_t step = d->actual_kb - pol_scale(d->actual_kb, 1.0 - p->probe);
        uint64_t down;

        if (p->probe > 0 && step < p->probe_min)
            step = p->probe_min;
        /* What the guest leaves plainly free (not even cache) goes at
         * once; the probe only feels its way into cache and cold pages. */
        e->quick = p->probe > 0 && p->release_free ? s->rec.v[XB_F_FREE] : 0;
        if (step < e->quick)
            step = e->quick;
        down = d->actual_kb > step ? d->actual_kb - step : 0;

        e->state = PR_PROBE;
        e->want = down < d->target_kb ? down : d->target_kb;
        if (e->want < setpoint)
            e->want = setpoint;
    } else {
        e->state = PR_HOLD;
        e->want = d->target_kb > setpoint ? d->target_kb : setpoint;
    }
    e->want = xb_pol_clamp(d, e->want);
    e->active = e->state >= PR_GROW ? d->actual_kb : e->raw;
}

static const char *
pr_signal_name(char why)
{
    switch (why) {
    case 'o':
        return "oom kill";
    case 'f':
        return "full stall";
    case 's':
        return "stall";
    case 'w':
        return "swap-in";
    case 'r':
        return "refault";
    }
    return "?";
}

static void
pr_explain(const struct pr_params *p, const struct pr_eval *e,
           struct xb_pol_want *w)
{
    switch (e->state) {
    case PR_EMERGENCY:
        xb_pol_reason(w, "%s: grow at once", pr_signal_name(e->why));
        break;
    case PR_GROW:
        xb_pol_reason(w, "%s %.1fx: grow", pr_signal_name(e->why), e->x);
        break;
    case PR_PROBE:
        xb_pol_reason(w, "calm: probe -%g%%", p->probe * 100.0);
        break;
    case PR_HOLD:
        xb_pol_reason(w, "hold");
        break;
    }
}

static void
pr_arbitrate(const struct pr_params *p, const struct xb_pol_snapshot *snap,
             const struct pr_eval *ev, uint64_t pool, int stage,
             struct xb_pol_want *out)
{
    struct pol_term *t = xb_calloc(snap->ndoms, sizeof(*t));
    static const char *const names[] = {
        "",
        "scarce: idle-taxed share",
        "scarce: floor share",
        "scarce: below used, shares",
    };
    unsigned n = 0;

    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        const struct pr_eval e = ev[i];

        if (xb_pol_latest(d) == NULL)
            continue;
        t[n].w = d->weight > 0 ? d->weight : 1;
        if (stage == 1) {
            t[n].base = pol_scale(e.active, p->tax);
            t[n].lo = e.floor;
            t[n].hi = e.want;
        } else if (stage == 2) {
            t[n].base = t[n].lo = e.used;
            if (e.state >= PR_GROW)
                t[n].base += pol_scale(
                    e.floor - e.used, e.cache ? p->cache_first : p->swap_first);
            t[n].hi = e.floor;
        } else {
            t[n].base = 0;
            t[n].lo = d->min_kb < e.used ? d->min_kb : e.used;
            t[n].hi = e.used;
        }
        n++;
    }
    pol_fill(t, n, pool);
    n = 0;
    for (unsigned i = 0; i < snap->ndoms; i++) {
        if (xb_pol_latest(&snap->doms[i]) == NULL)
            continue;
        out[i].target_kb = t[n++].out;
        xb_pol_reason(&out[i], "%s", names[stage]);
    }
    free(t);
}

/* What a domain keeps when calm guests are not probed: a probe's target
 * is raised back to the current one. */
static uint64_t
pr_keep(const struct xb_pol_dom *d, const struct pr_eval *e)
{
    return e->state == PR_PROBE && d->target_kb > e->want ? d->target_kb
                                                          : e->want;
}

/*
 * The host has memory to spare: probing a calm guest would only move
 * memory no one needs from the guest into Xen's free pool, where it helps
 * no one until someone spikes, and a slow balloon then has to bring it
 * back.  So calm guests give up only what it takes to keep `spare` free
 * in the pool after everyone's growth: `cut` of the `probes` they would
 * give, each the same fraction of its own probe (MemFree first).  When
 * that is all of it they are probed as usual.
 */
static void
pr_keep_calm(const struct xb_pol_snapshot *snap, const struct pr_eval *ev,
             uint64_t cut, uint64_t probes, struct xb_pol_want *out)
{
    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        const struct pr_eval e = ev[i];
        uint64_t keep, give;

        if (xb_pol_latest(d) == NULL)
            continue;
        keep = pr_keep(d, &e);
        if (keep == e.want)
            continue;
        /* What it keeps of its probe rounds down, so the cuts add up
         * to at least `cut`. */
        give = keep - e.want - pol_muldiv(keep - e.want, probes - cut, probes);
        out[i].target_kb = keep - give;
        out[i].quick_kb = e.quick < give ? e.quick : give;
        xb_pol_reason(&out[i], "calm: probe %llu of %llu MiB (host has spare)",
                      (unsigned long long)(give / 1024),
                      (unsigned long long)((keep - e.want) / 1024));
    }
}

static void
pr_plan(const void *params, const struct xb_pol_snapshot *snap,
        struct xb_pol_want *out)
{
    const struct pr_params *p = params;
    uint64_t pool = pol_pool(snap), sumd = 0, sumk = 0, sumf = 0, sumu = 0;
    /* Each domain evaluated once; the second passes read it back. */
    struct pr_eval *ev = xb_calloc(snap->ndoms ? snap->ndoms : 1, sizeof(*ev));

    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        const struct xb_pol_sample *s = xb_pol_latest(d);
        struct pr_eval e;

        if (s == NULL) {
            pol_keep(d, &out[i], "silent: keep");
            continue;
        }
        pr_eval(p, d, s, &e);
        ev[i] = e;
        out[i].target_kb = e.want;
        out[i].need_kb = e.raw;
        out[i].quick_kb = e.quick;
        pr_explain(p, &e, &out[i]);
        sumd += e.want;
        sumk += pr_keep(d, &e);
        sumf += e.floor;
        sumu += e.used;
    }
    if (sumd <= pool) {
        /* Calm guests give what keeps `spare` free after everyone's
         * growth; all their probes when that is not enough. */
        uint64_t cut = sumk + p->spare > pool ? sumk + p->spare - pool : 0;

        if (p->spare > 0 && sumk > sumd && cut < sumk - sumd)
            pr_keep_calm(snap, ev, cut, sumk - sumd, out);
    } else {
        int stage = sumf <= pool ? 1 : sumu <= pool ? 2 : 3;

        pr_arbitrate(p, snap, ev, pool, stage, out);
    }
    free(ev);
}

const struct xb_policy xb_policy_pressure = {
    .abi = XB_POLICY_ABI,
    .name = "pressure",
    .summary = "closed loop on guest stall (PSI, swap-in, refault, OOM), "
               "arbitrated by weight with an idle-memory tax",
    .params = pr_params_table,
    .params_size = sizeof(struct pr_params),
    /* The most the daemon keeps: the peak `recall` protects then spans
     * about a minute of a busy guest's samples, ten of an idle one's. */
    .history = XB_POL_HISTORY_MAX,
    .init = pr_init,
    .plan = pr_plan,
};
