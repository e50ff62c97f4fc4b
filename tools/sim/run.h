/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One simulation run in virtual time: the host model of simmodel.c, the
 * guests' agents publishing through the real record format, and the
 * daemon's decision path (record intake, state updates, decide(), targets
 * applied shrinks first) driven exactly as daemon/rebalance.c drives it, with the
 * clock replaced.  Or, in oracle mode, no controller at all: every guest's
 * allocation is set each step from its demand: by the clairvoyant oracle
 * instantly, from the demand it is about to have; by the reactive oracle
 * from the demand of the step only, as far as its balloon driver moves in
 * a step.  The safety rules are checked on every step and every decision;
 * the first violation stops the run.
 */
#ifndef XB_SIM_RUN_H
#define XB_SIM_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "agent.h"
#include "domain.h"
#include "holds.h"
#include "scenario.h"
#include "simmodel.h"

/* run_opts.oracle: the controller, or one of the two bounds. */
#define RUN_CONTROLLER 0
#define RUN_CLAIRVOYANT 1 /* sees demand ahead, moves memory instantly */
#define RUN_REACTIVE 2    /* serves the step's demand, at balloon speed */
#define RUN_REACTIVE_FREE                                                      \
    3 /* the same, growing only from memory free
                               before the step (the daemon's rule S2) */

struct run_opts {
    int oracle;   /* RUN_* */
    FILE *csv;    /* time series, or NULL */
    FILE *events; /* records published and targets issued, or NULL */
    /* What-if, controller mode: a burst allowance of up to this many KiB
     * (0: none); see burst() in run.c. */
    uint64_t burst_kb;
};

/* Per guest, what the controller side counted. */
struct run_guest {
    const struct scn_guest *spec;
    uint64_t launched_ms;
    uint64_t writes;             /* target changes issued */
    char raw[XB_RECORD_MAX + 1]; /* the agent's latest record, as stored */
    size_t rawlen;
    struct sim_agent agent; /* the guest's agent (controller mode) */
};

struct run {
    const struct scenario *sc;
    struct run_opts o;
    struct sim_host h;
    struct domtab t;
    struct dom_limits lim;
    struct run_guest *g;              /* by domid, parallel to h.doms */
    uint64_t next_tick_ms, settle_ms; /* settle_ms: UINT64_MAX = unarmed */
    uint64_t held_kb;                 /* the launcher's hold */
    struct run_holds holds;           /* the scenario's holds */
    /* the launcher */
    unsigned launched;
    uint64_t next_launch_ms, waiting_since_ms;
    uint64_t gave_up_ms; /* a hold refused or not met; else UINT64_MAX */
    int launch_done;
    unsigned failed_arrivals;
    struct {
        uint64_t anon_kb, hot_kb;
    } * peek; /* oracle: the horizon's peaks, by domid */
    unsigned npeek;
    /* counters */
    uint64_t decisions, writes, records, bursts;
    double decide_s; /* wall time inside decide() */
    char *violation; /* first broken safety rule, or NULL */
    int sabotage;    /* test hook: see run.c */
};

void run_init(struct run *r, const struct scenario *sc,
              const struct run_opts *o);
void run_dispose(struct run *r);
/* Runs to the end; 0, or -1 when a safety rule broke (r->violation). */
int run_go(struct run *r);

#endif
