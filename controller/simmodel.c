/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated host model: see simmodel.h.  Deliberately simple first-order
 * physics: the balloon moves linearly at its rate, anonymous demand that
 * does not fit goes to swap (and costs swap-ins and stall while it stays
 * there), demand beyond memory plus swap is an OOM kill.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simmodel.h"
#include "xmalloc.h"

/* Swap each guest has, KiB: a typical small cloud image's swap file. */
#define SIM_SWAP_KB (512 * 1024ULL)
/* Fraction of swapped memory touched (swapped back in) per second. */
#define SIM_SWAPIN_FRAC 0.05

static unsigned long long
sim_rand(unsigned long long *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

void
sim_host_init(struct sim_host *h, uint64_t total_kb, uint64_t xen_kb,
              uint64_t dom0_kb, uint64_t seed)
{
    struct sim_dom *d0;

    memset(h, 0, sizeof(*h));
    h->total_kb = total_kb;
    h->xen_kb = xen_kb;
    h->publish_ms = 1000;
    d0 = sim_host_add(h, "Domain-0", dom0_kb, dom0_kb, dom0_kb, 0, 0,
                      SIM_DRV_STUCK, SIM_WORK_IDLE, 0);
    d0->rng = seed ? seed : 1;
}

void
sim_host_dispose(struct sim_host *h)
{
    free(h->doms);
    memset(h, 0, sizeof(*h));
}

struct sim_dom *
sim_host_add(struct sim_host *h, const char *name, uint64_t memory_kb,
             uint64_t maxmem_kb, uint64_t base_kb, uint64_t demand_kb,
             uint64_t rate_kb_s, enum sim_driver drv, enum sim_work work,
             int agent)
{
    struct sim_dom *d;

    h->doms = xb_reallocarray(h->doms, h->n + 1, sizeof(*h->doms));
    d = &h->doms[h->n];
    memset(d, 0, sizeof(*d));
    d->domid = h->n;
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->alive = 1;
    d->agent = agent;
    d->driver = drv;
    d->work = work;
    d->actual_kb = d->target_kb = memory_kb;
    d->maxmem_kb = maxmem_kb < memory_kb ? memory_kb : maxmem_kb;
    d->base_kb = base_kb;
    d->rate_kb_s = rate_kb_s;
    d->demand0_kb = d->demand_kb = demand_kb;
    d->swap_total_kb = d->domid == 0 ? 0 : SIM_SWAP_KB;
    d->rng = 0x9e3779b97f4a7c15ULL ^ ((unsigned long long)h->n << 17);
    if (h->n > 0)
        d->rng ^= h->doms[0].rng;
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
    return used >= h->total_kb ? 0 : h->total_kb - used;
}

static void
step_workload(struct sim_dom *d, uint64_t now)
{
    uint64_t r;

    if (now < d->next_work_ms)
        return;
    switch (d->work) {
    case SIM_WORK_IDLE:
        d->next_work_ms = UINT64_MAX;
        break;
    case SIM_WORK_EATMEM:
        /* The seed's eatmem: a chunk up to the configured size held for
         * 5-30 s, then nothing for up to 63 s. */
        r = sim_rand(&d->rng);
        if (d->demand_kb > d->demand0_kb / 8 || d->demand0_kb == 0) {
            d->demand_kb = 0;
            d->next_work_ms = now + 1000 + r % 63000;
        } else {
            d->demand_kb = d->demand0_kb / 4 + r % (d->demand0_kb * 3 / 4 + 1);
            d->next_work_ms = now + 5000 + (r >> 20) % 25000;
        }
        break;
    case SIM_WORK_STEP:
        d->demand_kb = d->demand_kb == d->demand0_kb ? d->demand0_kb * 3
                                                     : d->demand0_kb;
        d->next_work_ms = now + 60000;
        break;
    }
}

static void
step_balloon(struct sim_host *h, struct sim_dom *d, uint64_t dt_ms)
{
    double rate = (double)d->rate_kb_s, move;
    uint64_t kb, used = d->base_kb + d->demand_kb;

    if (d->driver == SIM_DRV_STUCK || d->actual_kb == d->target_kb)
        return;
    if (d->driver == SIM_DRV_SLOW)
        rate /= 8;
    move = rate * (double)dt_ms / 1000.0 + d->move_carry;
    kb = (uint64_t)move;
    d->move_carry = move - (double)kb;
    if (d->target_kb > d->actual_kb) {
        uint64_t room = sim_host_free_kb(h);

        if (kb > d->target_kb - d->actual_kb)
            kb = d->target_kb - d->actual_kb;
        if (kb > room)
            kb = room;
        d->actual_kb += kb;
    } else {
        uint64_t floor_kb = d->target_kb;

        /* A capped driver only takes memory the guest is not using. */
        if (d->driver == SIM_DRV_CAPPED && floor_kb < used)
            floor_kb = used < d->actual_kb ? used : d->actual_kb;
        if (kb > d->actual_kb - floor_kb)
            kb = d->actual_kb - floor_kb;
        d->actual_kb -= kb;
    }
}

static void
step_guest(struct sim_dom *d, uint64_t dt_ms)
{
    uint64_t used = d->base_kb + d->demand_kb, want_swapped;
    double dt_s = (double)dt_ms / 1000.0;

    want_swapped = used > d->actual_kb ? used - d->actual_kb : 0;
    if (want_swapped > d->swap_total_kb) {
        /* Out of memory and swap: the kernel kills the workload. */
        d->oom_kills++;
        d->demand_kb = 0;
        d->swapped_kb = 0;
        return;
    }
    if (want_swapped > d->swapped_kb)
        d->pswpout += (want_swapped - d->swapped_kb) / 4;
    else
        d->pswpin += (d->swapped_kb - want_swapped) / 4;
    d->swapped_kb = want_swapped;
    if (d->swapped_kb > 0) {
        /* Touching swapped pages brings them back in, costing stalls. */
        uint64_t touched = (uint64_t)((double)d->swapped_kb *
                                      SIM_SWAPIN_FRAC * dt_s);
        double share = (double)d->swapped_kb / (double)(used ? used : 1);

        d->pswpin += touched / 4;
        d->pswpout += touched / 4;
        d->psi_some_us += (uint64_t)(share * dt_s * 1e6);
        d->psi_full_us += (uint64_t)(share * share * dt_s * 1e6);
    }
}

void
sim_host_step(struct sim_host *h, uint64_t dt_ms)
{
    h->now_ms += dt_ms;
    for (unsigned i = 1; i < h->n; i++) {
        struct sim_dom *d = &h->doms[i];

        if (!d->alive)
            continue;
        step_workload(d, h->now_ms);
        step_balloon(h, d, dt_ms);
        step_guest(d, dt_ms);
    }
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
    uint64_t used = d->base_kb + d->demand_kb - d->swapped_kb;
    uint64_t avail = d->actual_kb > used ? d->actual_kb - used : 0;

    xb_record_clear(r);
    xb_record_set(r, XB_F_SEQ, ++d->seq);
    xb_record_set(r, XB_F_TOTAL, d->actual_kb);
    xb_record_set(r, XB_F_FREE, avail / 4);
    xb_record_set(r, XB_F_AVAIL, avail);
    xb_record_set(r, XB_F_BUFFERS, avail / 16);
    xb_record_set(r, XB_F_CACHED, avail / 2);
    xb_record_set(r, XB_F_COMMITTED, d->base_kb + d->demand_kb);
    xb_record_set(r, XB_F_SWAPTOTAL, d->swap_total_kb);
    xb_record_set(r, XB_F_SWAPFREE, d->swap_total_kb - d->swapped_kb);
    xb_record_set(r, XB_F_ANON, d->demand_kb - d->swapped_kb);
    xb_record_set(r, XB_F_BALLOON, d->actual_kb);
    xb_record_set(r, XB_F_PSWPIN, d->pswpin);
    xb_record_set(r, XB_F_PSWPOUT, d->pswpout);
    xb_record_set(r, XB_F_PGMAJFAULT, d->pswpin);
    xb_record_set(r, XB_F_REFAULT, 0);
    xb_record_set(r, XB_F_OOMKILL, d->oom_kills);
    xb_record_set(r, XB_F_PSI_SOME, d->psi_some_us);
    xb_record_set(r, XB_F_PSI_FULL, d->psi_full_us);
}

int
sim_driver_from_name(const char *s, enum sim_driver *out)
{
    static const char *const names[] = { "ideal", "slow", "capped", "stuck" };

    for (unsigned i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum sim_driver)i;
            return 0;
        }
    return -1;
}

int
sim_work_from_name(const char *s, enum sim_work *out)
{
    static const char *const names[] = { "idle", "eatmem", "step" };

    for (unsigned i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum sim_work)i;
            return 0;
        }
    return -1;
}
