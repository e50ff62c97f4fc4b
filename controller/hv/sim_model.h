/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host model's internals, shared between the host (simmodel.c) and
 * one guest's step (sim_guest.c): the model's constants with their
 * rationale, the seeded random source and small arithmetic helpers.  Only
 * those two files include this header; everyone else uses simmodel.h.
 */
#ifndef XB_HV_SIM_MODEL_H
#define XB_HV_SIM_MODEL_H

#include <stdint.h>

struct sim_dom;
struct sim_host;

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
static inline unsigned long long
sim_rand(unsigned long long *s)
{
    unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static inline uint64_t
min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* One guest's step (sim_guest.c): its workload, its balloon, and its
 * memory (swap, refaults, stall, OOM). */
void sim_step_workload(struct sim_dom *d, uint64_t now, uint64_t dt_ms);
void sim_step_balloon(struct sim_host *h, struct sim_dom *d, uint64_t dt_ms);
void sim_step_guest(struct sim_host *h, struct sim_dom *d, uint64_t dt_ms);

#endif
