/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The balancer's reclaim (pass 3) and the time balloons take: a deficit
 * of the host's reserve, holds and promises is taken from the donors
 * above their floors, a small one where it hurts least, a larger one as
 * fast as their balloons allow together (water-filling on each donor's
 * speed); while the host is short, what the shrinking donors release is
 * re-split when one of them would cover it much later than the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bal_rules.h"
#include "balancer.h"
#include "xmalloc.h"

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

void
bal_pass_resplit(const struct bal_params *p, uint64_t free_kb,
                 struct bal_dom *doms, unsigned n)
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
uint64_t
bal_pass_reclaim(const struct bal_params *p, uint64_t free_kb,
                 struct bal_dom *doms, unsigned n, struct bal_result *res)
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
