/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One simulated guest's step (see simmodel.c for the physics): its
 * workload (idle, eatmem, steps, batch, JVM-like spikes, trace replay)
 * sets anon and hot memory; its balloon driver moves actual toward the
 * target at its own rate, within what the host has free and what the
 * driver can take; its memory then swaps, refaults, stalls or OOM-kills.
 * The lookahead (sim_dom_peek) serves the clairvoyant oracle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_model.h"
#include "simmodel.h"

/* Anonymous memory becomes kb; freed pages leave swap in proportion. */
static void
set_anon(struct sim_dom *d, uint64_t kb, uint64_t hot)
{
    if (kb < d->anon_kb) {
        uint64_t freed = d->anon_kb - kb;

        d->swapped_kb -= (uint64_t)((double)d->swapped_kb * (double)freed /
                                    (double)d->anon_kb);
        if (d->swapped_kb > kb)
            d->swapped_kb = kb;
    }
    d->anon_kb = kb;
    d->hot_kb = hot < kb ? hot : kb;
}

static uint64_t
trace_at(const struct sim_trace *tr, uint64_t t)
{
    unsigned lo = 0, hi;

    if (tr == NULL || tr->n == 0)
        return 0;
    if (tr->loop && tr->t_ms[tr->n - 1] > 0)
        t %= tr->t_ms[tr->n - 1];
    /* Last point at or before t. */
    hi = tr->n;
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;

        if (tr->t_ms[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return tr->kb[lo];
}

static void
work_eatmem(struct sim_dom *d, uint64_t now, uint64_t dt_ms)
{
    const struct sim_workload *w = &d->work;
    double step;

    if (d->wstate == 0) {
        uint64_t max =
            w->demand_kb > SIM_EAT_MIN_KB ? w->demand_kb : SIM_EAT_MIN_KB;
        unsigned passes = w->passes ? w->passes : 1;

        if (now < d->next_work_ms)
            return;
        d->chunk_kb =
            SIM_EAT_MIN_KB + sim_rand(&d->rng) % (max - SIM_EAT_MIN_KB + 1);
        d->work_left_kb =
            (double)d->chunk_kb * (double)(1 + sim_rand(&d->rng) % passes);
        d->written_kb = 0;
        d->wstate = 1;
    }
    /* Writing: the resident part of the chunk at the write rate, the
     * part in swap at the device's speed (a page in, a page out), as in
     * the last step; the first pass faults the chunk in as it goes. */
    {
        double s =
            d->hot_kb ? (double)d->hot_swapped_kb / (double)d->hot_kb : 0;
        double rate =
            1.0 / ((1.0 - s) / (double)w->rate_kb_s + s / (double)d->io_kb_s);

        step = rate * (double)dt_ms / 1000.0;
    }
    d->written_kb += step;
    d->work_left_kb -= step;
    if (d->work_left_kb <= 0) {
        set_anon(d, 0, 0);
        d->wstate = 0;
        d->next_work_ms = now + sim_rand(&d->rng) % (w->period_ms + 1);
        return;
    }
    {
        uint64_t a = d->written_kb >= (double)d->chunk_kb
                         ? d->chunk_kb
                         : (uint64_t)d->written_kb;

        set_anon(d, a, a);
    }
}

void
sim_step_workload(struct sim_dom *d, uint64_t now, uint64_t dt_ms)
{
    const struct sim_workload *w = &d->work;
    uint64_t t = now - d->start_ms, a;
    int on;

    if (now < d->killed_until_ms) {
        set_anon(d, 0, 0);
        return;
    }
    switch (w->type) {
    case SIM_WORK_IDLE:
        set_anon(d, w->demand_kb, w->demand_kb / SIM_IDLE_HOT_DIV);
        break;
    case SIM_WORK_EATMEM:
        work_eatmem(d, now, dt_ms);
        break;
    case SIM_WORK_STEP:
        on = (t / SIM_STEP_MS) % 2 == 1;
        a = on ? w->demand_kb * 3 : w->demand_kb;
        set_anon(d, a, a);
        break;
    case SIM_WORK_BATCH:
        on = w->period_ms > 0 && now >= w->offset_ms &&
             (now - w->offset_ms) % w->period_ms < w->length_ms;
        if (on) {
            /* The job allocates at its write rate, then holds. */
            uint64_t ran = (now - w->offset_ms) % w->period_ms + dt_ms;

            a = w->low_kb + w->rate_kb_s * ran / 1000;
            a = min_u64(a, w->demand_kb);
            set_anon(d, a, a);
        } else
            set_anon(d, w->low_kb, w->low_kb / SIM_IDLE_HOT_DIV);
        break;
    case SIM_WORK_JVM:
        /* The heap is committed and written once; between collections
         * only the live set is touched, a full GC walks all of it. */
        on = w->period_ms > 0 &&
             t % w->period_ms >= sat_sub(w->period_ms, w->length_ms);
        set_anon(d, w->demand_kb, on ? w->demand_kb : w->low_kb);
        break;
    case SIM_WORK_TRACE:
        a = trace_at(w->trace, t);
        set_anon(d, a, a);
        break;
    }
}

void
sim_dom_peek(const struct sim_dom *d, uint64_t now_ms, uint64_t horizon_ms,
             uint64_t dt_ms, uint64_t *anon_kb, uint64_t *hot_kb)
{
    struct sim_dom c = *d;

    *anon_kb = d->anon_kb;
    *hot_kb = d->hot_kb;
    c.hot_swapped_kb = 0;
    for (uint64_t t = 0; t < horizon_ms; t += dt_ms) {
        sim_step_workload(&c, now_ms + t, dt_ms);
        if (c.anon_kb > *anon_kb)
            *anon_kb = c.anon_kb;
        if (c.hot_kb > *hot_kb)
            *hot_kb = c.hot_kb;
    }
}

static int
driver_stuck_now(const struct sim_dom *d, uint64_t now)
{
    if (d->driver == SIM_DRV_STUCK)
        return 1;
    if (d->driver == SIM_DRV_INTERMITTENT && d->stuck_period_ms > 0)
        return (now + d->stuck_phase_ms) % d->stuck_period_ms < d->stuck_ms;
    return 0;
}

/* The least a shrinking balloon leaves the guest: the kernel and the
 * anon that swap cannot hold; a capped driver takes only what is
 * available (no forced swapping). */
static uint64_t
balloon_floor_kb(const struct sim_dom *d)
{
    uint64_t lim;

    if (d->driver == SIM_DRV_CAPPED)
        lim = d->base_kb + d->anon_kb - d->swapped_kb;
    else
        lim = sim_dom_floor_kb(d);
    /* Nor can it pass the guest's own hidden floor. */
    return lim > d->hidden_floor_kb ? lim : d->hidden_floor_kb;
}

/*
 * Of a shrink of up to kb toward floor_kb (what the driver's rate allows
 * in dt_ms), what the guest gives: pages it does not use at the driver's
 * rate, and pages still in use only once the guest has written them to
 * swap, at the swap device's speed for the rest of the step.  A real
 * guest's balloon crawls there (the Xen lab's guests page out at ~8 MiB/s
 * under TCG, and a donor doing so is declared stuck).
 */
static uint64_t
shrink_kb(const struct sim_dom *d, double rate, uint64_t kb, uint64_t floor_kb,
          uint64_t dt_ms)
{
    uint64_t in_use = d->base_kb + sat_sub(d->anon_kb, d->swapped_kb);
    uint64_t spare =
        sat_sub(d->actual_kb, in_use > floor_kb ? in_use : floor_kb);
    double left;

    if (kb <= spare || rate <= 0)
        return kb;
    left = (double)dt_ms / 1000.0 - (double)spare / rate;
    if (left <= 0)
        return spare;
    return spare + min_u64(kb - spare, (uint64_t)((double)d->io_kb_s * left));
}

uint64_t
sim_dom_reach_kb(const struct sim_host *h, const struct sim_dom *d,
                 uint64_t want_kb, uint64_t dt_ms)
{
    double rate = (double)d->rate_kb_s;
    uint64_t move, lim;

    if (driver_stuck_now(d, h->now_ms))
        return d->actual_kb;
    if (d->driver == SIM_DRV_SLOW)
        rate /= 8;
    move = (uint64_t)(rate * (double)dt_ms / 1000.0);
    if (want_kb >= d->actual_kb) {
        if (d->hidden_ceil_kb != 0 && want_kb > d->hidden_ceil_kb)
            want_kb = d->hidden_ceil_kb > d->actual_kb ? d->hidden_ceil_kb
                                                       : d->actual_kb;
        return min_u64(want_kb, d->actual_kb + move);
    }
    lim = balloon_floor_kb(d);
    if (want_kb < lim)
        want_kb = lim < d->actual_kb ? lim : d->actual_kb;
    return d->actual_kb - shrink_kb(d, rate,
                                    min_u64(move, d->actual_kb - want_kb),
                                    want_kb, dt_ms);
}

void
sim_step_balloon(struct sim_host *h, struct sim_dom *d, uint64_t dt_ms)
{
    double rate = (double)d->rate_kb_s, move;
    uint64_t kb;

    if (d->actual_kb == d->target_kb || driver_stuck_now(d, h->now_ms))
        return;
    if (d->driver == SIM_DRV_SLOW)
        rate /= 8;
    move = rate * (double)dt_ms / 1000.0 + d->move_carry;
    kb = (uint64_t)move;
    d->move_carry = move - (double)kb;
    if (d->target_kb > d->actual_kb) {
        uint64_t to = d->target_kb;

        if (d->hidden_ceil_kb != 0 && to > d->hidden_ceil_kb)
            to = d->hidden_ceil_kb;
        kb = min_u64(kb, sat_sub(to, d->actual_kb));
        kb = min_u64(kb, sim_host_free_kb(h));
        d->actual_kb += kb;
    } else {
        uint64_t floor_kb = d->target_kb, lim = balloon_floor_kb(d);

        if (floor_kb < lim)
            floor_kb = lim;
        kb = shrink_kb(d, rate, min_u64(kb, sat_sub(d->actual_kb, floor_kb)),
                       floor_kb, dt_ms);
        d->actual_kb -= kb;
    }
}

uint64_t
sim_dom_lowest_kb(const struct sim_dom *d)
{
    return balloon_floor_kb(d);
}

uint64_t
sim_dom_mean_rate(const struct sim_dom *d)
{
    switch (d->driver) {
    case SIM_DRV_STUCK:
        return 0;
    case SIM_DRV_SLOW:
        return d->rate_kb_s / 8;
    case SIM_DRV_INTERMITTENT:
        if (d->stuck_period_ms == 0)
            return d->rate_kb_s;
        return (uint64_t)((double)d->rate_kb_s *
                          (double)(d->stuck_period_ms - d->stuck_ms) /
                          (double)d->stuck_period_ms);
    default:
        return d->rate_kb_s;
    }
}

static void
oom_kill(struct sim_host *h, struct sim_dom *d)
{
    d->oom_kills++;
    d->st.oom_kills++;
    d->anon_kb = d->hot_kb = d->swapped_kb = d->hot_swapped_kb = 0;
    d->killed_until_ms = h->now_ms + SIM_RESTART_MS;
    d->wstate = 0;
    d->next_work_ms = d->killed_until_ms;
}

void
sim_step_guest(struct sim_host *h, struct sim_dom *d, uint64_t dt_ms)
{
    double dt_s = (double)dt_ms / 1000.0, io = (double)d->io_kb_s * dt_s;
    double want, in, back, ref;
    uint64_t need_swap, want_swap, cold, hot_out, resident, room, shortf;

    need_swap = sat_sub(d->base_kb + d->anon_kb, d->actual_kb);
    d->stall_frac = 0;
    if (need_swap > d->swap_total_kb) {
        /* Out of memory and swap: the kernel kills the workload. */
        oom_kill(h, d);
        need_swap = 0;
    }
    /* The kernel also pushes cold anon out to keep the file working set
     * cached (refault-driven LRU balancing), as far as swap allows. */
    cold = d->anon_kb - d->hot_kb;
    want_swap = min_u64(
        min_u64(sat_sub(d->base_kb + d->anon_kb + d->file_ws_kb, d->actual_kb),
                cold),
        d->swap_total_kb);
    if (want_swap < need_swap)
        want_swap = need_swap;
    /* What must be out goes now (the balloon took it at the device's
     * speed already); the rest is written at the device's speed. */
    want_swap = min_u64(
        want_swap,
        (d->swapped_kb > need_swap ? d->swapped_kb : need_swap) + (uint64_t)io);
    if (d->swapped_kb < want_swap) {
        d->pswpout += (double)(want_swap - d->swapped_kb) / 4;
        d->swapped_kb = want_swap;
    }
    /* Hot pages in swap are touched and come back, within bandwidth;
     * without room each one pushes another out. */
    hot_out = sat_sub(d->swapped_kb, cold);
    d->hot_swapped_kb = hot_out;
    want = (double)hot_out * (double)dt_ms / SIM_TOUCH_MS;
    in = want < io ? want : io;
    back = (double)(d->swapped_kb - want_swap);
    if (back > in)
        back = in;
    d->swapped_kb -= (uint64_t)back;
    d->pswpin += in / 4;
    d->pswpout += (in - back) / 4;
    /* The page cache gets what is left; the file working set stays in it
     * as long as it fits, the rest refaults. */
    resident = d->anon_kb - d->swapped_kb;
    room = sat_sub(d->actual_kb, d->base_kb + resident);
    d->cache_kb += (uint64_t)(SIM_CACHE_FILL_KB_S * dt_s);
    if (d->cache_kb < min_u64(d->file_ws_kb, room))
        d->cache_kb = min_u64(d->file_ws_kb, room);
    if (d->cache_kb > room)
        d->cache_kb = room;
    shortf = sat_sub(d->file_ws_kb, room);
    ref = (double)shortf * (double)dt_ms / SIM_TOUCH_MS;
    if (ref > io - in)
        ref = io - in;
    d->refaults += ref / 4;
    if (d->io_kb_s > 0) {
        double stall_s = (in + ref) / (double)d->io_kb_s;

        d->stall_frac = dt_s > 0 ? stall_s / dt_s : 0;
        d->psi_some_us += stall_s * 1e6;
        d->psi_full_us += stall_s * 1e6;
        d->st.stall_us += stall_s * 1e6;
    }
    d->st.swapin_kb += in;
    d->st.refault_kb += ref;
    d->st.alloc_kb_ms += (double)d->actual_kb * (double)dt_ms;
    d->st.need_kb_ms += (double)sim_dom_need_kb(d) * (double)dt_ms;
    d->st.life_ms += dt_ms;
}
