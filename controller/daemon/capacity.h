/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A host's capacity, as a fleet scheduler asks it (issue 17): what the
 * balanced domains are guaranteed (the sum of their mins), committed (of
 * their targets) and use (of their needs); what a hold could free now (the
 * make-room model, domain.h) and how long that takes at the balloon
 * speeds seen (balancer.h); and what is admittable: the largest guest
 * that could start within a given time without pushing any running guest
 * below its need.  A pure function of the domain table and the host's
 * figures, so that it is checked on hand-worked tables.
 */
#ifndef XB_DAEMON_CAPACITY_H
#define XB_DAEMON_CAPACITY_H

#include <stdint.h>

#include "domain.h"

/* The horizon `capacity` and the metrics use unless told otherwise, ms:
 * what a launcher waits for a guest to start (reserve --wait 30s). */
#define CAP_WITHIN_DEFAULT_MS 30000

struct cap_in {
    uint64_t free_kb;     /* host free now */
    uint64_t reserve_kb;  /* never handed out */
    uint64_t held_kb;     /* operator holds */
    uint64_t promised_kb; /* growth promised and not taken yet */
    uint64_t within_ms;   /* admittable's horizon */
    /* Time no balloon moves in: a hold's shrink is asked after the
     * settle delay and seen a tick later (settle + tick). */
    uint64_t overhead_ms;
    int paused; /* balancing paused: nothing is reclaimed */
};

struct cap_out {
    uint64_t guaranteed_kb; /* sum of min over the balanced domains */
    uint64_t committed_kb;  /* sum of their targets */
    uint64_t in_use_kb;     /* sum of their needs (the policy's) */
    uint64_t available_kb;  /* free - reserve - holds - promises */
    uint64_t reclaimable_kb;
    unsigned donors;
    uint64_t reclaim_ms;    /* to free all of it; UINT64_MAX: cannot */
    uint64_t admittable_kb; /* within within_ms */
};

/*
 * Admittable = available + what each donor (domain.h: dom_donor) gives
 * in (within - overhead) at its balloon speed (the default when not yet
 * seen, BAL_RATE_DEFAULT_KB_S), down to the larger of its floor and its
 * need, all in parallel.  Memory shrinking domains are still releasing
 * is not counted: it is an estimate that errs low.
 */
void cap_compute(const struct domtab *t, const struct cap_in *in,
                 struct cap_out *out);

#endif
