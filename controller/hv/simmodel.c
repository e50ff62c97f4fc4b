/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated host model: see simmodel.h.  First-order physics, stepped
 * at a fixed interval:
 *
 *   workload -> anon (allocated), hot (touched every SIM_TOUCH_MS)
 *   balloon  -> actual moves toward target at its rate, growth only from
 *               host free, shrink only down to what the driver can take
 *   memory   -> swapped >= base + anon - actual (cold pages go first);
 *               swapped > swap: OOM kill of the workload;
 *               hot pages in swap are touched and swapped in, within the
 *               device bandwidth, pushing others out when there is no
 *               room (thrashing); the cache gets what is left, and a file
 *               working set that does not fit refaults from the same
 *               device; stall = device busy time for those reads.
 *
 * The guest has one busy task (its workload), so while it waits on a read
 * nothing productive runs: PSI "full" equals "some".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simmodel.h"
#include "xmalloc.h"

/* Swap each guest has, KiB: a typical small cloud image's swap file. */
#define SIM_SWAP_KB (512 * 1024ULL)
/* Swap/file device bandwidth, KiB/s: a virtual disk shared with other
 * guests, a fraction of an SSD's 4 KiB random-read throughput. */
#define SIM_IO_KB_S (64 * 1024ULL)
/* ms in which a workload touches every page of its hot set once: eatmem
 * rewrites its chunk continuously, a server walks its heap about as often. */
#define SIM_TOUCH_MS 1000.0
/* KiB/s by which page cache grows while there is room (logs, packages,
 * files read once): it fills what is left over minutes, as in a guest. */
#define SIM_CACHE_FILL_KB_S (4 * 1024.0)
/* ms before a supervisor restarts an OOM-killed workload (systemd's
 * Restart= with a 10 s RestartSec, or the paper's launch loop). */
#define SIM_RESTART_MS 10000
/* Idle and batch-between-runs workloads touch a quarter of their memory:
 * daemons keep most of what they allocated cold. */
#define SIM_IDLE_HOT_DIV 4
/* eatmem defaults (the seed paper): chunks of 1 MiB .. max, 1-4 write
 * passes, sleeps of 0-63 s; a 2008-era guest writes fresh anonymous
 * memory at about 256 MiB/s. */
#define SIM_EAT_MIN_KB 1024ULL
#define SIM_EAT_RATE_KB_S (256 * 1024ULL)
#define SIM_EAT_PASSES 4
#define SIM_EAT_SLEEP_MS 63000ULL
/* The legacy `step` workload's period, ms. */
#define SIM_STEP_MS 60000ULL

/* splitmix64: small, seedable, the same everywhere. */
static unsigned long long
sim_rand(unsigned long long *s)
{
    unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

void
sim_guest_defaults(struct sim_guest *g)
{
    memset(g, 0, sizeof(*g));
    g->name = "guest";
    g->memory_kb = g->maxmem_kb = 512 * 1024;
    g->base_kb = 96 * 1024;
    g->swap_kb = SIM_SWAP_KB;
    g->io_kb_s = SIM_IO_KB_S;
    g->rate_kb_s = 64 * 1024;
    g->driver = SIM_DRV_IDEAL;
    g->work.type = SIM_WORK_IDLE;
    g->work.rate_kb_s = SIM_EAT_RATE_KB_S;
    g->work.passes = SIM_EAT_PASSES;
    g->work.period_ms = SIM_EAT_SLEEP_MS;
    g->agent = 1;
}

void
sim_host_init(struct sim_host *h, uint64_t total_kb, uint64_t xen_kb,
              uint64_t dom0_kb, uint64_t seed)
{
    struct sim_guest g;

    memset(h, 0, sizeof(*h));
    h->total_kb = total_kb;
    h->xen_kb = xen_kb;
    h->publish_ms = 1000;
    h->seed = seed ? seed : 1;
    sim_guest_defaults(&g);
    g.name = "Domain-0";
    g.memory_kb = g.maxmem_kb = g.base_kb = dom0_kb;
    g.swap_kb = 0;
    g.driver = SIM_DRV_STUCK;
    g.agent = 0;
    sim_host_add(h, &g);
}

void
sim_host_dispose(struct sim_host *h)
{
    free(h->doms);
    memset(h, 0, sizeof(*h));
}

struct sim_dom *
sim_host_add(struct sim_host *h, const struct sim_guest *g)
{
    struct sim_dom *d;

    h->doms = xb_reallocarray(h->doms, h->n + 1, sizeof(*h->doms));
    d = &h->doms[h->n];
    memset(d, 0, sizeof(*d));
    d->domid = h->n;
    snprintf(d->name, sizeof(d->name), "%s", g->name);
    d->alive = 1;
    d->agent = g->agent;
    d->driver = g->driver;
    d->work = g->work;
    d->actual_kb = d->target_kb = g->memory_kb;
    d->hidden_floor_kb = g->hidden_floor_kb;
    d->hidden_ceil_kb = g->hidden_ceil_kb;
    if (d->hidden_ceil_kb != 0 && d->actual_kb > d->hidden_ceil_kb)
        d->actual_kb = d->hidden_ceil_kb;
    d->maxmem_kb = g->maxmem_kb < g->memory_kb ? g->memory_kb : g->maxmem_kb;
    d->base_kb = g->base_kb;
    d->file_ws_kb = g->file_ws_kb;
    d->rate_kb_s = g->rate_kb_s;
    d->io_kb_s = g->io_kb_s ? g->io_kb_s : SIM_IO_KB_S;
    d->swap_total_kb = d->domid == 0 ? 0 : g->swap_kb;
    d->stuck_period_ms = g->stuck_period_ms;
    d->stuck_ms = g->stuck_ms;
    d->start_ms = h->now_ms;
    d->rng = h->seed ^ (0x632be59bd9b4e019ULL * (d->domid + 1));
    if (d->stuck_period_ms > 0)
        d->stuck_phase_ms = sim_rand(&d->rng) % d->stuck_period_ms;
    d->next_work_ms = h->now_ms;
    /* eatmem guests do not all start their first chunk at once. */
    if (d->work.type == SIM_WORK_EATMEM)
        d->next_work_ms += sim_rand(&d->rng) % (d->work.period_ms + 1);
    /* Spread the agents' publication over the period. */
    d->next_publish_ms = h->now_ms + (h->n * 97) % (h->publish_ms + 1);
    h->n++;
    return d;
}

struct sim_dom *
sim_host_find(struct sim_host *h, uint32_t domid)
{
    if (domid < h->n && h->doms[domid].alive)
        return &h->doms[domid];
    return NULL;
}

uint64_t
sim_host_free_kb(const struct sim_host *h)
{
    uint64_t used = h->xen_kb;

    for (unsigned i = 0; i < h->n; i++)
        if (h->doms[i].alive)
            used += h->doms[i].actual_kb;
    return sat_sub(h->total_kb, used);
}

uint64_t
sim_host_promised_kb(const struct sim_host *h)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < h->n; i++)
        if (h->doms[i].alive)
            sum += sat_sub(h->doms[i].target_kb, h->doms[i].actual_kb);
    return sum;
}

uint64_t
sim_dom_need_kb(const struct sim_dom *d)
{
    return d->base_kb + d->anon_kb + d->file_ws_kb;
}

uint64_t
sim_dom_floor_kb(const struct sim_dom *d)
{
    return d->base_kb + sat_sub(d->anon_kb, d->swap_total_kb);
}

uint64_t
sim_dom_hot_kb(const struct sim_dom *d)
{
    uint64_t cold = d->anon_kb - d->hot_kb;

    return d->base_kb + d->hot_kb + sat_sub(cold, d->swap_total_kb);
}

void
sim_dom_set_actual(struct sim_host *h, struct sim_dom *d, uint64_t kb)
{
    if (kb > d->maxmem_kb)
        kb = d->maxmem_kb;
    if (kb > d->actual_kb) {
        uint64_t room = sim_host_free_kb(h);

        if (kb - d->actual_kb > room)
            kb = d->actual_kb + room;
    }
    d->actual_kb = d->target_kb = kb;
}

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

static void
step_workload(struct sim_dom *d, uint64_t now, uint64_t dt_ms)
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
        step_workload(&c, now_ms + t, dt_ms);
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
    return d->actual_kb - min_u64(move, d->actual_kb - want_kb);
}

static void
step_balloon(struct sim_host *h, struct sim_dom *d, uint64_t dt_ms)
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
        kb = min_u64(kb, sat_sub(d->actual_kb, floor_kb));
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

static void
step_guest(struct sim_host *h, struct sim_dom *d, uint64_t dt_ms)
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

void
sim_host_work(struct sim_host *h, uint64_t dt_ms)
{
    for (unsigned i = 1; i < h->n; i++)
        if (h->doms[i].alive)
            step_workload(&h->doms[i], h->now_ms, dt_ms);
}

void
sim_host_mem(struct sim_host *h, uint64_t dt_ms)
{
    for (unsigned i = 1; i < h->n; i++) {
        struct sim_dom *d = &h->doms[i];

        if (!d->alive)
            continue;
        step_balloon(h, d, dt_ms);
        step_guest(h, d, dt_ms);
    }
    h->now_ms += dt_ms;
}

void
sim_host_step(struct sim_host *h, uint64_t dt_ms)
{
    sim_host_work(h, dt_ms);
    sim_host_mem(h, dt_ms);
}

int
sim_dom_publish_due(struct sim_host *h, struct sim_dom *d)
{
    if (!d->alive || !d->agent || h->now_ms < d->next_publish_ms)
        return 0;
    d->next_publish_ms = h->now_ms + h->publish_ms;
    return 1;
}

void
sim_dom_record(struct sim_dom *d, struct xb_record *r)
{
    uint64_t resident = d->anon_kb - d->swapped_kb;
    uint64_t avail = sat_sub(d->actual_kb, d->base_kb + resident);
    uint64_t cache = min_u64(d->cache_kb, avail);

    xb_record_clear(r);
    xb_record_set(r, XB_F_SEQ, ++d->seq);
    xb_record_set(r, XB_F_TOTAL, d->actual_kb);
    xb_record_set(r, XB_F_FREE, avail - cache);
    xb_record_set(r, XB_F_AVAIL, avail);
    xb_record_set(r, XB_F_BUFFERS, 0);
    xb_record_set(r, XB_F_CACHED, cache);
    /* Committed_AS: the workload's anon plus the kernel's and daemons'
     * committed virtual memory, about the base in an idle guest. */
    xb_record_set(r, XB_F_COMMITTED, d->base_kb + d->anon_kb);
    xb_record_set(r, XB_F_SWAPTOTAL, d->swap_total_kb);
    xb_record_set(r, XB_F_SWAPFREE, d->swap_total_kb - d->swapped_kb);
    xb_record_set(r, XB_F_ANON, resident);
    xb_record_set(r, XB_F_BALLOON, d->actual_kb);
    xb_record_set(r, XB_F_PSWPIN, (uint64_t)d->pswpin);
    xb_record_set(r, XB_F_PSWPOUT, (uint64_t)d->pswpout);
    xb_record_set(r, XB_F_PGMAJFAULT, (uint64_t)(d->pswpin + d->refaults));
    xb_record_set(r, XB_F_REFAULT, (uint64_t)d->refaults);
    xb_record_set(r, XB_F_OOMKILL, d->oom_kills);
    xb_record_set(r, XB_F_PSI_SOME, (uint64_t)d->psi_some_us);
    xb_record_set(r, XB_F_PSI_FULL, (uint64_t)d->psi_full_us);
}

static const char *const sim_driver_names[] = { "ideal", "slow", "capped",
                                                "stuck", "intermittent" };
static const char *const sim_work_names[] = { "idle",  "eatmem", "step",
                                              "batch", "jvm",    "trace" };

int
sim_driver_from_name(const char *s, enum sim_driver *out)
{
    for (unsigned i = 0; i < 5; i++)
        if (strcmp(s, sim_driver_names[i]) == 0) {
            *out = (enum sim_driver)i;
            return 0;
        }
    return -1;
}

int
sim_work_from_name(const char *s, enum sim_work *out)
{
    for (unsigned i = 0; i < 6; i++)
        if (strcmp(s, sim_work_names[i]) == 0) {
            *out = (enum sim_work)i;
            return 0;
        }
    return -1;
}

const char *
sim_driver_name(enum sim_driver drv)
{
    return (unsigned)drv < 5 ? sim_driver_names[drv] : "?";
}

const char *
sim_work_name(enum sim_work work)
{
    return (unsigned)work < 6 ? sim_work_names[work] : "?";
}
