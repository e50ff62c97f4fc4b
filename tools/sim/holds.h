/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The launcher's holds in a simulation run (DESIGN.md, "make room"): each
 * scenario hold is placed in the balancer's held memory at its time and
 * dropped when its duration is over.  For each the run records when it
 * was met (the daemon's definition: Xen free >= reserve + this and every
 * earlier hold + growth promised and not yet taken), whether the balancer
 * reported it short, the feasibility the daemon would have answered at
 * placement, and the physical lower bound on the time to meet it: the
 * memory to release split over the donors at their true balloon speeds
 * and true room, in parallel (bal_time_to_free).  It also counts memory
 * left idle while a hold is not met and a cooperative donor has room.
 */
#ifndef XB_SIM_HOLDS_H
#define XB_SIM_HOLDS_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "balancer.h"
#include "scenario.h"

struct run;

struct hold_rec {
    const struct scn_hold *spec;
    int active, placed;
    uint64_t placed_ms, met_ms, end_ms;      /* UINT64_MAX: not (yet) */
    uint64_t lack_kb;                        /* not free yet, last step */
    int reported_short;                      /* shortfall_kb > 0 once placed */
    uint64_t shortfall_kb, shortfall_max_kb; /* the last, the largest */
    /* At placement. */
    uint64_t feasible_kb;      /* the daemon's: reserve would answer */
    uint64_t true_possible_kb; /* what the true model could free */
    uint64_t release_kb;       /* size + reserve + holds + promised - free */
    uint64_t lb_ms;            /* physical lower bound, UINT64_MAX: none */
    int stalls;                /* a donor the daemon counts on cannot deliver */
    unsigned nstalls;  /* how many: each may be found only after the last */
    uint64_t bound_ms; /* the goal: one stuck_after at most */
    uint64_t cascade_bound_ms; /* one stuck_after per stalling donor */
    /* Memory idle while not met and a cooperative donor had room. */
    uint64_t idle_ms, idle_run_ms, idle_max_ms;
};

struct run_holds {
    struct hold_rec *v;
    unsigned n;
};

void holds_init(struct run_holds *hs, const struct scenario *sc);
void holds_dispose(struct run_holds *hs);
/* What is held now, KiB: the sum of active holds. */
uint64_t holds_kb(const struct run_holds *hs);
/* Once per step, after the memory moved: places, expires and judges the
 * holds.  Returns 1 when a hold was placed or dropped (rebalance soon, as
 * the daemon does on `reserve` and `release`). */
int holds_step(struct run *r);
/* After every decision: what the balancer could not cover. */
void holds_decided(struct run *r, const struct bal_result *res);

void holds_table(const struct run *r, FILE *f);
/* New reference: an array, one object per hold. */
json_t *holds_json(const struct run *r);

#endif
