/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Selfballooning arithmetic for `xenballoon-agent --selfballoon`: the
 * guest moves its own balloon toward Committed_AS plus a reserve when no
 * controller runs in dom0.  A pure function of one sample, so it can be
 * tested with exact tables; the agent's loop owns the I/O and the decision
 * to yield to a controller.
 *
 *   goal  = Committed_AS + reserve_kb + reserve_pct% of MemTotal
 *   floor = max(minimum_target(maxmem),          xenballoond's heuristic
 *               floor_base_kb + (MemTotal - MemAvailable))
 *   goal  = max(min(goal, maxmem), floor)        the floor wins
 *   cur > goal: tgt = cur - (cur - goal) / down     (shrink by 1/down)
 *   cur < goal: tgt = cur + (goal - cur) / up       (up = 1: at once)
 *   target_kb = tgt + (balloon current_kb - MemTotal)
 *
 * `cur` is MemTotal, as in xenballoond.  The last line moves the target
 * from MemTotal's frame into the balloon driver's (target_kb counts the
 * pages the kernel reserved at boot, MemTotal does not), as Linux's
 * xen-selfballoon did.  The floor's second term keeps what the kernel
 * cannot reclaim (MemTotal - MemAvailable) plus a margin for it to run:
 * ballooning a 128 MiB guest to 48 MiB panics it, and a reserve over
 * Committed_AS alone does not stop that when Committed_AS is small.
 */
#ifndef XB_AGENT_SELFBALLOON_H
#define XB_AGENT_SELFBALLOON_H

#include <stdint.h>

#include "record.h"

/* xenballoond's hysteresis: shrink by a tenth of the gap, grow at once. */
#define AG_SB_DOWN 10
#define AG_SB_UP 1
/* Linux 3.13's "deaggressive" selfballoon: 10% of RAM over the goal. */
#define AG_SB_RESERVE_PCT 10
/* Margin over the unreclaimable estimate, KiB: a Debian guest's kernel,
 * init and the agent itself run in 64 MiB. */
#define AG_SB_FLOOR_BASE_KB (64 * 1024)
/* Changes smaller than one balloon hypercall (2 MiB) are not written. */
#define AG_SB_DEADBAND_KB 2048

struct ag_sb_params {
    unsigned down, up;      /* hysteresis divisors, >= 1 */
    unsigned reserve_pct;   /* % of MemTotal added to the goal */
    uint64_t reserve_kb;    /* KiB added to the goal */
    uint64_t floor_base_kb; /* margin over the unreclaimable estimate */
};

struct ag_sb_in {
    uint64_t total_kb;     /* MemTotal */
    uint64_t committed_kb; /* Committed_AS */
    uint64_t avail_kb;     /* MemAvailable (or free + buffers + cached) */
    uint64_t current_kb;   /* balloon info/current_kb; 0: unknown */
    uint64_t maxmem_kb;    /* memory/static-max; 0: unknown */
};

struct ag_sb_out {
    uint64_t goal_kb;   /* after the floor and the ceiling, MemTotal frame */
    uint64_t floor_kb;  /* MemTotal frame */
    uint64_t tgt_kb;    /* next step, MemTotal frame */
    uint64_t target_kb; /* the same in the balloon's frame: write this */
    int maxmem_ignored; /* in->maxmem_kb was implausible and not used */
};

void ag_sb_defaults(struct ag_sb_params *p);

/* The pre-2.6.26 balloon minimum_target() heuristic, KiB. */
uint64_t ag_sb_minimum_target_kb(uint64_t maxmem_kb);

/*
 * Fills *in from a sample (maxmem_kb left to the caller).  Returns 0, or
 * -1 when the sample lacks Committed_AS.
 */
int ag_sb_input(const struct xb_record *r, struct ag_sb_in *in);

/*
 * Is `maxmem_kb` (memory/static-max, which dom0 writes but the agent
 * reads as untrusted) a possible static-max for a guest whose MemTotal is
 * `total_kb`?  A guest never holds more than its static-max.
 */
int ag_sb_plausible_maxmem(uint64_t maxmem_kb, uint64_t total_kb);

/*
 * Returns 0 and fills *out, or -1 if the input is unusable (MemTotal 0).
 * An implausible maxmem is ignored (out->maxmem_ignored), and the target
 * never goes below the floor, whatever static-max says.
 */
int ag_sb_compute(const struct ag_sb_params *p, const struct ag_sb_in *in,
                  struct ag_sb_out *out);

#endif
