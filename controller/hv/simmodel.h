/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated Xen host, shared by the daemon's `sim` backend (stepped in
 * real time) and xenballoon-sim (stepped in virtual time).  The host has
 * total memory, Xen's overhead and a fixed dom0; each guest has a balloon
 * driver that moves toward its target at a finite rate, an unreclaimable
 * kernel base, anonymous memory driven by a workload (part of it hot, the
 * rest cold), a file working set, page cache filling what is left, and
 * swap.  Anonymous memory that does not fit goes to swap, cold pages
 * first; hot pages in swap are touched and come back (swap-ins) at the
 * cost of I/O stall; a file working set that does not fit in the cache
 * refaults; demand beyond memory plus swap is an OOM kill.  The figures a
 * guest publishes come out of this model through the real record format.
 *
 * Everything is seeded and deterministic: the same calls in the same order
 * give the same state, bit for bit.  All sizes are KiB, times ms.
 */
#ifndef XB_HV_SIMMODEL_H
#define XB_HV_SIMMODEL_H

#include <stdint.h>

#include "hv.h"
#include "record.h"

enum sim_driver {
    SIM_DRV_IDEAL,        /* moves at rate_kb_s */
    SIM_DRV_SLOW,         /* moves at an eighth of it */
    SIM_DRV_CAPPED,       /* stops at the guest's available memory */
    SIM_DRV_STUCK,        /* never moves */
    SIM_DRV_INTERMITTENT, /* ideal, but stuck for part of every period */
};

enum sim_work {
    SIM_WORK_IDLE,   /* constant demand, a quarter of it hot */
    SIM_WORK_EATMEM, /* the seed paper's: chunk, write passes, free, sleep */
    SIM_WORK_STEP,   /* demand alternates between 1x and 3x each minute */
    SIM_WORK_BATCH,  /* a job that starts on every guest at the same time */
    SIM_WORK_JVM,    /* a heap whose working set is all of it during GC */
    SIM_WORK_TRACE,  /* demand replayed from a trace */
};

/* A demand trace: (time since the guest started, anonymous KiB) steps. */
struct sim_trace {
    const uint64_t *t_ms; /* increasing, t_ms[0] == 0 */
    const uint64_t *kb;
    unsigned n;
    int loop; /* start again after the last point (else hold it) */
};

/* A workload and its parameters; which fields count depends on type. */
struct sim_workload {
    enum sim_work type;
    uint64_t demand_kb;            /* idle/step: anon; eatmem: largest chunk;
                           batch: during a run; jvm: heap */
    uint64_t low_kb;               /* batch: between runs; jvm: live set */
    uint64_t period_ms;            /* eatmem: longest sleep; batch: run period;
                           jvm: time between full collections */
    uint64_t length_ms;            /* batch: run length; jvm: full GC length */
    uint64_t offset_ms;            /* batch: first run, from host time 0 */
    uint64_t rate_kb_s;            /* eatmem: write speed at no stall */
    unsigned passes;               /* eatmem: most write passes over a chunk */
    const struct sim_trace *trace; /* trace: borrowed, outlives the host */
};

/* What a guest is made of, given to sim_host_add. */
struct sim_guest {
    const char *name;
    uint64_t memory_kb, maxmem_kb; /* boot allocation, static-max */
    uint64_t base_kb;              /* kernel, never reclaimable */
    uint64_t file_ws_kb;           /* file pages read again and again */
    uint64_t swap_kb;              /* swap device size */
    uint64_t io_kb_s;              /* swap/file device bandwidth */
    uint64_t rate_kb_s;            /* balloon speed */
    enum sim_driver driver;
    uint64_t stuck_period_ms, stuck_ms; /* intermittent driver */
    /* Limits the guest keeps to itself (0: none): its balloon cannot go
     * below hidden_floor_kb (a kernel floor above the configured min) nor
     * above hidden_ceil_kb.  Booted with memory above its ceiling, it
     * starts at the ceiling with its target at memory, like the 1 MiB
     * offset of XenServer's CA-263119. */
    uint64_t hidden_floor_kb, hidden_ceil_kb;
    struct sim_workload work;
    int agent; /* publishes records */
};

/* Totals a run is judged on, per guest. */
struct sim_stats {
    double stall_us;   /* time blocked on swap-ins and refaults */
    double swapin_kb;  /* swapped back in */
    double refault_kb; /* file pages read again */
    uint64_t oom_kills;
    double alloc_kb_ms; /* integral of the allocation, for its mean */
    double need_kb_ms;  /* integral of base + anon + file working set */
    uint64_t life_ms;   /* time alive */
};

struct sim_dom {
    uint32_t domid;
    char name[64];
    int alive;
    int agent;
    /* enum hv_life (hv.h), 0 running.  Paused or suspended, its
     * workload, balloon and agent stand still; migrating (a suspend
     * asked, not yet done) it runs on. */
    enum hv_life life;
    enum sim_driver driver;
    struct sim_workload work;
    uint64_t actual_kb, target_kb, maxmem_kb, base_kb, file_ws_kb;
    uint64_t rate_kb_s, io_kb_s;
    uint64_t stuck_period_ms, stuck_ms, stuck_phase_ms;
    uint64_t hidden_floor_kb, hidden_ceil_kb; /* see sim_guest */
    uint64_t start_ms;                        /* when it was added */

    /* Memory state. */
    uint64_t anon_kb; /* anonymous memory allocated (resident + swap) */
    uint64_t hot_kb;  /* the part of it touched all the time */
    uint64_t swap_total_kb, swapped_kb;
    uint64_t cache_kb;       /* page cache */
    double stall_frac;       /* of the last step */
    uint64_t hot_swapped_kb; /* hot pages in swap, last step: slows eatmem */

    /* Workload state. */
    int wstate; /* workload's phase (type-specific) */
    uint64_t next_work_ms;
    uint64_t chunk_kb;        /* eatmem: current chunk */
    double work_left_kb;      /* eatmem: writes still to do */
    double written_kb;        /* eatmem: written so far in this chunk */
    uint64_t killed_until_ms; /* OOM-killed, restarts then */

    /* Guest counters, as the kernel would publish them. */
    uint64_t seq;
    double pswpin, pswpout, refaults; /* pages */
    uint64_t oom_kills;
    double psi_some_us, psi_full_us;
    uint64_t next_publish_ms;
    double move_carry; /* sub-KiB balloon progress */
    unsigned long long rng;

    struct sim_stats st;
};

struct sim_host {
    uint64_t now_ms;
    uint64_t total_kb, xen_kb;
    uint64_t publish_ms; /* agent sampling period */
    unsigned long long seed;
    struct sim_dom *doms; /* doms[0] is dom0; may move on sim_host_add */
    unsigned n;
};

void sim_host_init(struct sim_host *h, uint64_t total_kb, uint64_t xen_kb,
                   uint64_t dom0_kb, uint64_t seed);
void sim_host_dispose(struct sim_host *h);
/* A guest with defaults for everything but name and sizes. */
void sim_guest_defaults(struct sim_guest *g);
/*
 * Adds a guest with the next domid, started now; returns it (valid until
 * the next sim_host_add).  Its boot allocation comes out of host free, so
 * the caller checks that it fits.
 */
struct sim_dom *sim_host_add(struct sim_host *h, const struct sim_guest *g);
struct sim_dom *sim_host_find(struct sim_host *h, uint32_t domid);
uint64_t sim_host_free_kb(const struct sim_host *h);
/* Growth promised and not yet taken: sum of max(0, target - actual). */
uint64_t sim_host_promised_kb(const struct sim_host *h);

/*
 * Advances the model by dt_ms: sim_host_step() is sim_host_work() then
 * sim_host_mem().  Split so that an oracle can see the demand of the step
 * (sim_host_work) before the memory moves (sim_host_mem).
 */
void sim_host_step(struct sim_host *h, uint64_t dt_ms);
void sim_host_work(struct sim_host *h, uint64_t dt_ms);
void sim_host_mem(struct sim_host *h, uint64_t dt_ms);

/* What the guest needs to run without any stall: base + anon + file ws. */
uint64_t sim_dom_need_kb(const struct sim_dom *d);
/* Paused or suspended: it does not run (its life, above). */
static inline int
sim_dom_frozen(const struct sim_dom *d)
{
    return d->life == HV_PAUSED || d->life == HV_SUSPENDED;
}
/* The least that avoids an OOM kill: base + the anon swap cannot hold. */
uint64_t sim_dom_floor_kb(const struct sim_dom *d);
/* The least that keeps every hot page resident (cold ones may swap). */
uint64_t sim_dom_hot_kb(const struct sim_dom *d);
/*
 * Oracle: the largest anon and hot set d's workload will have from now to
 * now + horizon_ms, found by stepping a copy of it every dt_ms (the copy
 * assumes no stall).  d itself is not changed.
 */
void sim_dom_peek(const struct sim_dom *d, uint64_t now_ms, uint64_t horizon_ms,
                  uint64_t dt_ms, uint64_t *anon_kb, uint64_t *hot_kb);
/*
 * The truth about d's balloon, for bounds on what a controller could do:
 * the lowest it can shrink to now (the kernel and the anon swap cannot
 * hold, a capped driver's available memory, a hidden floor), and its mean
 * speed, KiB/s (a slow driver's eighth, an intermittent one's share of
 * the period it moves; 0 for a stuck driver).
 */
uint64_t sim_dom_lowest_kb(const struct sim_dom *d);
uint64_t sim_dom_mean_rate(const struct sim_dom *d);
/*
 * Reactive oracle: the allocation d's balloon driver can reach from its
 * current one toward want_kb within dt_ms (its speed, a slow driver's
 * eighth of it, a stuck one not at all; a shrink stops where the driver
 * stops).  Host free is not checked here.
 */
uint64_t sim_dom_reach_kb(const struct sim_host *h, const struct sim_dom *d,
                          uint64_t want_kb, uint64_t dt_ms);
/* Oracle: sets the allocation (and target) at once, within host free. */
void sim_dom_set_actual(struct sim_host *h, struct sim_dom *d, uint64_t kb);

/* 1 if d's agent publishes at the current time (and schedules the next). */
int sim_dom_publish_due(struct sim_host *h, struct sim_dom *d);
/* The figures the guest would publish now. */
void sim_dom_record(struct sim_dom *d, struct xb_record *r);

int sim_driver_from_name(const char *s, enum sim_driver *out);
int sim_work_from_name(const char *s, enum sim_work *out);
const char *sim_driver_name(enum sim_driver drv);
const char *sim_work_name(enum sim_work work);

#endif
