/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The safety balancer: see balancer.h for the rules it enforces.  Passes
 * over the domains: bring targets above max down, withdraw what stuck
 * domains cannot do, shrink what the policy wants smaller (stepped,
 * rate-limited, never a silent domain), reclaim what the host's reserve
 * and the operator's holds need, then grow from what is truly free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balancer.h"
#include "xmalloc.h"

static uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static uint64_t
clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return v;
}

static uint64_t
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
static uint64_t
pending(const struct bal_params *p, const struct bal_dom *d)
{
    uint64_t gap = sat_sub(d->actual_kb, d->new_target_kb);

    return !d->stuck && gap > p->progress_kb ? gap : 0;
}

/* Memory shrinking domains are still to release and will (pending). */
static uint64_t
releasing(const struct bal_params *p, const struct bal_dom *doms, unsigned n)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++)
        sum += pending(p, &doms[i]);
    return sum;
}

/* The lowest target a shrink may ask for: min, or the floor learnt (never
 * above max). */
static uint64_t
lo(const struct bal_dom *d)
{
    uint64_t l = d->floor_kb > d->min_kb ? d->floor_kb : d->min_kb;

    return l < d->max_kb ? l : d->max_kb;
}

/* The highest target growth may ask for: max, or the ceiling learnt; a
 * floor learnt later wins over an older, lower ceiling. */
static uint64_t
hi(const struct bal_dom *d)
{
    uint64_t h = d->max_kb;

    if (d->ceil_kb != 0 && d->ceil_kb < h)
        h = d->ceil_kb;
    return h > lo(d) ? h : lo(d);
}

/* The wish, clamped into the domain's range and its learnt limits. */
static uint64_t
wish(const struct bal_dom *d)
{
    return clamp(d->wanted_kb, lo(d), hi(d));
}

static uint64_t
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

/* Pass 0: a target above max is brought down at once (operator order). */
static void
pass_clamp(struct bal_dom *doms, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];

        if (d->managed && d->new_target_kb > d->max_kb) {
            d->new_target_kb = d->max_kb;
            d->why = BAL_CLAMP;
        }
    }
}

/*
 * Pass 1: a stuck domain is not asked again for what it cannot do: its
 * unmet shrink or growth is withdrawn, the target put back to what it
 * holds (within [min, max]).  Its share goes to the others in the passes
 * that follow.
 */
static void
pass_withdraw(const struct bal_params *p, struct bal_dom *doms, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t to;

        if (!d->managed || !d->stuck || d->why != BAL_KEEP)
            continue;
        to = clamp(d->actual_kb, d->min_kb, d->max_kb);
        /* Never a new promise (below min, `to` is above what it holds). */
        if (to > d->actual_kb && to > d->new_target_kb)
            continue;
        if (d->new_target_kb + p->progress_kb >= to &&
            to + p->progress_kb >= d->new_target_kb)
            continue;
        d->new_target_kb = to;
        d->why = BAL_WITHDRAW;
    }
}

/* Pass 2: shrinks the policy asked for, slowly. */
static void
pass_shrink(const struct bal_params *p, struct bal_dom *doms, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t w = wish(d), cand;

        if (!d->managed || d->silent || d->why != BAL_KEEP)
            continue;
        if (w >= d->new_target_kb)
            continue;
        if (d->since_change_ms < p->min_interval_ms)
            continue;
        cand = sat_sub(d->new_target_kb, shrink_step(p, d));
        if (cand < w)
            cand = w;
        if (d->new_target_kb - cand < p->deadband_kb)
            continue;
        d->new_target_kb = cand;
        d->why = BAL_SHRINK;
    }
}

static int
donor(const struct bal_dom *d)
{
    return d->managed && !d->silent && !d->stuck;
}

/* What reclaim may take from d: its target down to its floor. */
static uint64_t
room_of(const struct bal_dom *d)
{
    return donor(d) ? sat_sub(d->new_target_kb, lo(d)) : 0;
}

/*
 * A deficit under the deadband is taken where it hurts least: from the
 * donor with the most room, then the next, so that a few MiB do not turn
 * into a change for every domain.  Returns what is left.
 */
static uint64_t
take_small(struct bal_dom *doms, unsigned n, uint64_t deficit)
{
    while (deficit > 0) {
        struct bal_dom *best = NULL;
        uint64_t give;

        for (unsigned i = 0; i < n; i++)
            if (room_of(&doms[i]) > 0 &&
                (best == NULL || room_of(&doms[i]) > room_of(best)))
                best = &doms[i];
        if (best == NULL)
            break;
        give = room_of(best) < deficit ? room_of(best) : deficit;
        best->new_target_kb -= give;
        best->why = BAL_RECLAIM;
        deficit -= give;
    }
    return deficit;
}

static uint64_t
rate_of(const struct bal_params *p, const struct bal_dom *d)
{
    return d->rate_kb_s ? d->rate_kb_s : p->rate_kb_s ? p->rate_kb_s : 1;
}

/* What d gives, beyond what it is already releasing, if every donor
 * releases for t_ms at its own speed: donors finish together. */
static uint64_t
give_at(const struct bal_params *p, const struct bal_dom *d, uint64_t t_ms)
{
    __uint128_t g = (__uint128_t)rate_of(p, d) * t_ms / 1000;
    uint64_t busy = pending(p, d);

    g = g > busy ? g - busy : 0;
    return g < room_of(d) ? (uint64_t)g : room_of(d);
}

static uint64_t
given_at(const struct bal_params *p, const struct bal_dom *doms, unsigned n,
         uint64_t t_ms)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++)
        sum += give_at(p, &doms[i], t_ms);
    return sum;
}

/*
 * A larger deficit is made up as fast as the balloons allow: every donor
 * releases in parallel, so the shortest time T is the one in which each
 * gives min(its room, its speed x T) and together they cover the deficit
 * (water-filling).  A fast donor gives more than a slow one; one that runs
 * out of room gives what it has.  Returns what is left.
 */
typedef uint64_t (*bal_amount_fn)(const struct bal_params *p,
                                  const struct bal_dom *doms, unsigned n,
                                  uint64_t t_ms);

/* The least t_ms at which amount(t_ms) reaches kb (amount grows with t;
 * searched up to 2^40 ms). */
static uint64_t
least_ms(const struct bal_params *p, const struct bal_dom *doms, unsigned n,
         uint64_t kb, bal_amount_fn amount)
{
    uint64_t lo_ms = 0, hi_ms = 1;

    while (amount(p, doms, n, hi_ms) < kb && hi_ms < (1ULL << 40))
        hi_ms *= 2;
    while (lo_ms + 1 < hi_ms) {
        uint64_t mid = lo_ms + (hi_ms - lo_ms) / 2;

        if (amount(p, doms, n, mid) >= kb)
            hi_ms = mid;
        else
            lo_ms = mid;
    }
    return hi_ms;
}

/* The least t_ms in which the donors give kb (or the time they need to
 * give all they have). */
static uint64_t
fill_ms(const struct bal_params *p, const struct bal_dom *doms, unsigned n,
        uint64_t kb)
{
    return least_ms(p, doms, n, kb, given_at);
}

uint64_t
bal_time_to_free(const struct bal_params *p, const struct bal_dom *doms,
                 unsigned n, uint64_t kb)
{
    uint64_t t;

    if (kb == 0)
        return 0;
    t = fill_ms(p, doms, n, kb);
    return given_at(p, doms, n, t) >= kb ? t : UINT64_MAX;
}

static uint64_t
take_fastest(const struct bal_params *p, struct bal_dom *doms, unsigned n,
             uint64_t deficit)
{
    uint64_t hi_ms = fill_ms(p, doms, n, deficit), over;

    over = given_at(p, doms, n, hi_ms);
    over = over > deficit ? over - deficit : 0;
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t give = give_at(p, d, hi_ms), trim;

        /* The last millisecond's rounding: handed back in table order. */
        trim = over < give ? over : give;
        give -= trim;
        over -= trim;
        if (give == 0)
            continue;
        d->new_target_kb -= give;
        d->why = BAL_RECLAIM;
        deficit = deficit > give ? deficit - give : 0;
    }
    return deficit;
}

/*
 * Pass 3a: the first split of a deficit assumes a speed for donors not
 * yet seen moving.  Once their speeds are seen, if what they are
 * releasing covers what the host lacks much later (BAL_RESPLIT_SLACK,
 * and by more than min_interval: a re-split must be worth a policy's
 * shrink cut short) than the donors together could from what they hold,
 * each donor seen too slow for what it was asked is asked only its share
 * of that least time (its target raised back toward what it holds, never
 * above), and pass 3 asks the others for the rest: donors finish
 * together.
 */
#define BAL_RESPLIT_SLACK 1.25

/* What the releases under way have given after t_ms. */
static uint64_t
released_at(const struct bal_params *p, const struct bal_dom *doms, unsigned n,
            uint64_t t_ms)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++) {
        __uint128_t g = (__uint128_t)rate_of(p, &doms[i]) * t_ms / 1000;
        uint64_t busy = donor(&doms[i]) ? pending(p, &doms[i]) : 0;

        sum += g < busy ? (uint64_t)g : busy;
    }
    return sum;
}

/* When the releases under way cover `kb` (or give all they will). */
static uint64_t
covered_ms(const struct bal_params *p, const struct bal_dom *doms, unsigned n,
           uint64_t kb)
{
    uint64_t total = 0;

    for (unsigned i = 0; i < n; i++)
        total += donor(&doms[i]) ? pending(p, &doms[i]) : 0;
    return least_ms(p, doms, n, kb < total ? kb : total, released_at);
}

static void
pass_resplit(const struct bal_params *p, uint64_t free_kb, struct bal_dom *doms,
             unsigned n)
{
    uint64_t need = p->reserve_kb + p->held_kb + promised(doms, n, 1), t;
    struct bal_dom *from;

    if (free_kb >= need)
        return;
    /* The least time in which the donors release what lacks, each from
     * what it holds now. */
    from = xb_reallocarray(NULL, n ? n : 1, sizeof(*from));
    memcpy(from, doms, n * sizeof(*from));
    for (unsigned i = 0; i < n; i++)
        from[i].new_target_kb = from[i].actual_kb;
    t = fill_ms(p, from, n, need - free_kb);
    if ((double)covered_ms(p, doms, n, need - free_kb) <=
        BAL_RESPLIT_SLACK * (double)t + (double)p->min_interval_ms) {
        free(from);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t busy = pending(p, d), share;

        if (!donor(d) || d->why != BAL_KEEP || d->rate_kb_s == 0 || busy == 0)
            continue;
        share = give_at(p, &from[i], t);
        if ((double)busy <= BAL_RESPLIT_SLACK * (double)share + p->deadband_kb)
            continue;
        d->new_target_kb = d->actual_kb - share;
        d->why = BAL_RECLAIM;
    }
    free(from);
}

/*
 * Pass 3: when free memory plus what is already being released does not
 * cover the reserve, the holds and the promises, take the shortfall: first
 * by withdrawing promises not yet taken, then from the donors with room
 * above their floor (take_small for a small deficit, take_fastest for a
 * larger one).  Sets res->deficit_kb, returns what
 * could not be covered.
 */
static uint64_t
pass_reclaim(const struct bal_params *p, uint64_t free_kb, struct bal_dom *doms,
             unsigned n, struct bal_result *res)
{
    uint64_t need = p->reserve_kb + p->held_kb + promised(doms, n, 1);
    uint64_t have = free_kb + releasing(p, doms, n);
    uint64_t deficit;

    if (have >= need)
        return 0;
    deficit = need - have;
    res->deficit_kb = deficit;
    /* Withdraw unmet promises first: no memory has to move for that. */
    for (unsigned i = 0; i < n && deficit > 0; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t floor_kb, give;

        if (!d->managed || d->new_target_kb <= d->actual_kb)
            continue;
        floor_kb = d->actual_kb > d->min_kb ? d->actual_kb : d->min_kb;
        give = sat_sub(d->new_target_kb, floor_kb);
        if (give > deficit)
            give = deficit;
        if (give == 0)
            continue;
        d->new_target_kb -= give;
        d->why = BAL_RECLAIM;
        deficit -= give;
    }
    if (deficit > 0 && deficit < p->deadband_kb)
        return take_small(doms, n, deficit);
    return take_fastest(p, doms, n, deficit);
}

/* What raising d from its new target to `to` adds to the promises. */
static uint64_t
grow_cost(const struct bal_dom *d, uint64_t to)
{
    return sat_sub(to, d->actual_kb) - sat_sub(d->new_target_kb, d->actual_kb);
}

/* Growth the policy wants for d, or 0 when none is to be issued.  While
 * the host is short, a domain releasing memory is not raised back. */
static uint64_t
grow_wish(const struct bal_params *p, const struct bal_dom *d, int short_)
{
    uint64_t w = wish(d);

    if (!d->managed || d->why == BAL_RECLAIM || d->why == BAL_WITHDRAW)
        return 0;
    if (short_ && d->new_target_kb < d->actual_kb)
        return 0;
    /* A stuck domain is raised to its min, never further. */
    if (d->stuck) {
        if (d->new_target_kb >= d->min_kb)
            return 0;
        w = d->min_kb;
    }
    if (w <= d->new_target_kb)
        return 0;
    /* Below-min domains are raised even by less than the deadband. */
    if (w - d->new_target_kb < p->deadband_kb && d->new_target_kb >= d->min_kb)
        return 0;
    return w;
}

/* Free memory does not yet cover the reserve, the holds and promises. */
static int
host_short(const struct bal_params *p, uint64_t free_kb,
           const struct bal_dom *doms, unsigned n)
{
    return free_kb < p->reserve_kb + p->held_kb + promised(doms, n, 1);
}

/*
 * Pass 4: growth, paid only from memory that is free and unpromised.  When
 * it does not stretch to every wish, each grower gets a share of it in
 * proportion to what it asked for.
 */
static void
pass_grow(const struct bal_params *p, uint64_t free_kb, struct bal_dom *doms,
          unsigned n)
{
    uint64_t avail, pool, total = 0;
    int short_ = host_short(p, free_kb, doms, n);

    avail = sat_sub(free_kb, p->reserve_kb + p->held_kb + promised(doms, n, 1));
    pool = avail;
    for (unsigned i = 0; i < n; i++) {
        uint64_t w = grow_wish(p, &doms[i], short_);

        if (w != 0)
            total += grow_cost(&doms[i], w);
    }
    for (unsigned i = 0; i < n; i++) {
        struct bal_dom *d = &doms[i];
        uint64_t w = grow_wish(p, d, short_), cost, grant, to;

        if (w == 0)
            continue;
        cost = grow_cost(d, w);
        if (total <= pool)
            grant = cost;
        else
            grant = (uint64_t)(((__uint128_t)pool * cost) / total);
        if (grant > avail)
            grant = avail;
        if (grant >= cost) {
            to = w;
        } else {
            /* Raising the target back up to what the domain still holds
             * costs nothing; only the part above it is a promise. */
            to = d->new_target_kb > d->actual_kb ? d->new_target_kb
                                                 : d->actual_kb;
            to += grant;
            if (to > w)
                to = w;
        }
        if (to <= d->new_target_kb)
            continue;
        if (to - d->new_target_kb < p->deadband_kb && to >= d->min_kb &&
            d->new_target_kb >= d->min_kb)
            continue;
        avail -= grow_cost(d, to);
        d->why = to == w ? BAL_GROW : BAL_GROW_PART;
        d->new_target_kb = to;
    }
}

void
bal_run(const struct bal_params *p, uint64_t host_free_kb, struct bal_dom *doms,
        unsigned n, struct bal_result *res)
{
    memset(res, 0, sizeof(*res));
    for (unsigned i = 0; i < n; i++) {
        doms[i].new_target_kb = doms[i].target_kb;
        doms[i].why = BAL_KEEP;
    }
    pass_clamp(doms, n);
    pass_withdraw(p, doms, n);
    pass_shrink(p, doms, n);
    pass_resplit(p, host_free_kb, doms, n);
    res->shortfall_kb = pass_reclaim(p, host_free_kb, doms, n, res);
    pass_grow(p, host_free_kb, doms, n);

    res->free_kb = host_free_kb;
    res->promised_kb = promised(doms, n, 1);
    res->releasing_kb = releasing(p, doms, n);
    res->available_kb =
        sat_sub(host_free_kb, p->reserve_kb + p->held_kb + res->promised_kb);
    for (unsigned i = 0; i < n; i++)
        if (doms[i].new_target_kb != doms[i].target_kb)
            res->changed++;
}

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
