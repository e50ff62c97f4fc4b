/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated Xen host: guests with a balloon driver that moves at a finite
 * rate, an unreclaimable kernel base, anonymous demand from a workload,
 * swap and OOM kills, publishing stats records through the real record
 * format.  The model is stepped by the caller (sim_step): the daemon's
 * `sim` backend steps it in real time, the simulator in virtual time.
 * Everything is seeded and deterministic.
 */
#ifndef XB_CONTROLLER_SIMMODEL_H
#define XB_CONTROLLER_SIMMODEL_H

#include <stdint.h>

#include "record.h"

enum sim_driver {
    SIM_DRV_IDEAL,  /* moves at rate_kb_s */
    SIM_DRV_SLOW,   /* moves at an eighth of it */
    SIM_DRV_CAPPED, /* cannot give up memory the guest is using */
    SIM_DRV_STUCK,  /* never moves */
};

enum sim_work {
    SIM_WORK_IDLE,   /* constant demand */
    SIM_WORK_EATMEM, /* random chunk, hold, free, random sleep */
    SIM_WORK_STEP,   /* demand alternates between 1x and 3x each minute */
};

struct sim_dom {
    uint32_t domid;
    char name[64];
    int alive;
    int agent; /* publishes records */
    enum sim_driver driver;
    enum sim_work work;
    uint64_t actual_kb, target_kb, maxmem_kb, base_kb;
    uint64_t rate_kb_s;
    uint64_t demand0_kb; /* configured demand (workload scale) */
    uint64_t demand_kb;  /* anonymous demand now */
    uint64_t swap_total_kb, swapped_kb;
    /* guest counters, as the kernel would publish them */
    uint64_t seq, pswpin, pswpout, oom_kills, psi_some_us, psi_full_us;
    uint64_t next_work_ms; /* workload's next state change */
    uint64_t next_publish_ms;
    double move_carry; /* sub-KiB balloon progress */
    unsigned long long rng;
};

struct sim_host {
    uint64_t now_ms;
    uint64_t total_kb, xen_kb;
    uint64_t publish_ms; /* agent sampling period */
    struct sim_dom *doms; /* doms[0] is dom0 */
    unsigned n;
};

void sim_host_init(struct sim_host *h, uint64_t total_kb, uint64_t xen_kb,
                   uint64_t dom0_kb, uint64_t seed);
void sim_host_dispose(struct sim_host *h);
/* Adds a guest with the next domid; returns it. */
struct sim_dom *sim_host_add(struct sim_host *h, const char *name,
                             uint64_t memory_kb, uint64_t maxmem_kb,
                             uint64_t base_kb, uint64_t demand_kb,
                             uint64_t rate_kb_s, enum sim_driver drv,
                             enum sim_work work, int agent);
struct sim_dom *sim_host_find(struct sim_host *h, uint32_t domid);
uint64_t sim_host_free_kb(const struct sim_host *h);
/* Advances the model by dt_ms. */
void sim_host_step(struct sim_host *h, uint64_t dt_ms);
/* 1 if d's agent publishes at the current time (and schedules the next). */
int sim_dom_publish_due(struct sim_host *h, struct sim_dom *d);
/* The figures the guest would publish now. */
void sim_dom_record(struct sim_dom *d, struct xb_record *r);

int sim_driver_from_name(const char *s, enum sim_driver *out);
int sim_work_from_name(const char *s, enum sim_work *out);

#endif
