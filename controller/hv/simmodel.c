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

#include "sim_model.h"
#include "simmodel.h"
#include "xmalloc.h"

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

void
sim_host_work(struct sim_host *h, uint64_t dt_ms)
{
    for (unsigned i = 1; i < h->n; i++)
        if (h->doms[i].alive && !sim_dom_frozen(&h->doms[i]))
            sim_step_workload(&h->doms[i], h->now_ms, dt_ms);
}

void
sim_host_mem(struct sim_host *h, uint64_t dt_ms)
{
    for (unsigned i = 1; i < h->n; i++) {
        struct sim_dom *d = &h->doms[i];

        if (!d->alive || sim_dom_frozen(d))
            continue;
        sim_step_balloon(h, d, dt_ms);
        sim_step_guest(h, d, dt_ms);
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
    if (!d->alive || !d->agent || sim_dom_frozen(d) ||
        h->now_ms < d->next_publish_ms)
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
