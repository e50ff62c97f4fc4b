/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `sim` backend's state, shared between the backend (hv_sim.c) and
 * its environment hooks (sim_hooks.c: XB_SIM_INJECT, XB_SIM_STATE,
 * XB_SIM_FAULTS).  Only those two files include this header.
 */
#ifndef XB_HV_SIM_PRIV_H
#define XB_HV_SIM_PRIV_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "hv.h"
#include "simmodel.h"

struct sim_faults;

struct hv_sim {
    struct sim_host host;
    struct hv_hooks hooks;
    struct event *timer;
    uint64_t last_ms;
    char **records;     /* latest raw record per domid (NULL: none) */
    uint64_t *rec_us;   /* when it was delivered, 0 once acted upon */
    char *rec_distress; /* the daemon found it in distress on delivery */
    unsigned nrecords;
    FILE *latency;             /* XB_SIM_LATENCY, or NULL */
    struct sim_faults *faults; /* XB_SIM_FAULTS state, or NULL */
};

static inline uint64_t
mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static inline uint64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Stores a domain's latest raw record (NULL: none) and fires its watch
 * unless xenstore is down (hv_sim.c). */
void sim_store(struct hv_sim *s, uint32_t domid, const char *raw);

/* The hooks (sim_hooks.c): injected records; the state file saved and
 * restored; the fault commands read each step, applied to a new domain,
 * the xenstore connection's state, and freed. */
void sim_inject(struct hv_sim *s);
void sim_save(struct hv_sim *s);
void sim_restore(struct hv_sim *s);
int sim_xs_down(const struct hv_sim *s);
void sim_faults_step(struct hv_sim *s, uint64_t now);
int sim_faults_set(struct hv_sim *s, struct sim_dom *d);
int sim_faults_check(struct hv_sim *s);
void sim_faults_free(struct hv_sim *s);

#endif
