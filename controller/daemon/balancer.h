/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The balancer turns the policy's wishes into targets that are safe to
 * issue.  It owns the safety rules of DESIGN.md; policies own none of them.
 *
 *  1. Growth is paid only from memory that is free now, net of the host
 *     reserve, of held reservations and of every promise already made
 *     (target above actual) that the domain has not taken yet.  Memory a
 *     shrinking domain has not yet released is never counted on.
 *  2. Shrinks are decided before grows; the memory they free is spent on a
 *     later pass, once Xen reports it free.
 *  3. Every target issued lies within the domain's [min, max].
 *  4. Shrinks are slow (a bounded step, a minimum interval), grows are
 *     fast; changes smaller than the deadband are not issued.  What the
 *     policy reports as plainly unused in the guest (quick_kb: free, not
 *     even cache) may go in one step.
 *  5. A stuck domain's unmet change is withdrawn (its target goes back to
 *     what it holds) and its share is asked of the others in the same
 *     pass; it is not a donor below the floor it could not pass, nor
 *     grown above the ceiling it could not pass (both learnt by the
 *     daemon, see domain.h).
 *  6. Silent domains (no agent, stale data) are never shrunk by a policy.
 *  7. A domain within `progress_kb` of its target has arrived: balloons
 *     stop short (2 MiB hypercall granularity, the kernel's own floor),
 *     so the rest of its gap is not counted as on its way.
 * When the host is short of its reserve or of the operator's holds (a new
 * domain, a reservation), the balancer takes the shortfall from the
 * domains with room above their floor, regardless of what the policy
 * wanted: a small one (under the deadband) from the one donor with the
 * most room, a larger one from every donor at once so that it is covered
 * in the least time their balloon speeds allow.
 * While the host is short, no donor's target is raised.
 *
 * bal_run() is a pure function so that it can be checked on random
 * snapshots every simulated tick.
 */
#ifndef XB_DAEMON_BALANCER_H
#define XB_DAEMON_BALANCER_H

#include <stdint.h>

/* A wary domain (its balloon stalled lately, domain.h) may not bring
 * back in time what it gives: it shrinks by at most this fraction of what
 * it holds, and this much, per step, whatever the config says. */
#define BAL_WARY_STEP 0.05
#define BAL_WARY_MAX_KB (64 * 1024)
/* Balloon speed assumed for a domain not yet seen moving, KiB/s: what a
 * slow Linux guest manages (2 MiB per hypercall, with back-offs). */
#define BAL_RATE_DEFAULT_KB_S (32 * 1024)

struct bal_params {
    uint64_t reserve_kb;      /* host memory never handed out */
    uint64_t held_kb;         /* operator reservations (`reserve`) */
    uint64_t deadband_kb;     /* smaller changes are not issued */
    double shrink_step;       /* at most this fraction of actual per step */
    uint64_t shrink_max_kb;   /* and at most this much per step */
    uint64_t min_interval_ms; /* between two shrinks of one domain */
    uint64_t progress_kb;     /* closer than this to its target: arrived */
    uint64_t rate_kb_s;       /* balloon speed assumed when not yet seen */
};

enum bal_why {
    BAL_KEEP = 0,  /* unchanged */
    BAL_GROW,      /* policy growth, fully granted */
    BAL_GROW_PART, /* policy growth, cut to what is free */
    BAL_SHRINK,    /* policy shrink (possibly stepped) */
    BAL_RECLAIM,   /* forced shrink to restore reserve/holds */
    BAL_CLAMP,     /* moved into [min, max] */
    BAL_WITHDRAW,  /* a stuck domain's unmet change withdrawn */
};

struct bal_dom {
    /* in */
    uint32_t domid;
    uint64_t actual_kb, target_kb, min_kb, max_kb;
    uint64_t wanted_kb;       /* the policy's wish */
    int managed;              /* 0: excluded, dom0, not running: untouched */
    int frozen;               /* not running (paused, suspended, migrating):
                                 its balloon moves nothing, not even a
                                 shrink already asked */
    int silent;               /* no agent or stale: never shrunk by policy */
    int stuck;                /* not moving: unmet change withdrawn */
    uint64_t floor_kb;        /* learnt: could not shrink below (0: none) */
    uint64_t ceil_kb;         /* learnt: could not grow above (0: none) */
    uint64_t rate_kb_s;       /* balloon speed seen (0: not yet) */
    uint64_t quick_kb;        /* of a policy shrink, released at once */
    int wary;                 /* its balloon stalled lately: slow steps */
    uint64_t since_change_ms; /* time since its last target change */
    /* out */
    uint64_t new_target_kb;
    enum bal_why why;
};

struct bal_result {
    uint64_t free_kb;      /* host free as given */
    uint64_t promised_kb;  /* growth promised and not yet taken, after */
    uint64_t releasing_kb; /* shrinks not yet released (not counted on) */
    uint64_t available_kb; /* what growth could still use, after */
    uint64_t deficit_kb;   /* reserve+holds+promises not covered, before */
    uint64_t shortfall_kb; /* ... and not covered even by reclaim */
    unsigned changed;
};

void bal_run(const struct bal_params *p, uint64_t host_free_kb,
             struct bal_dom *doms, unsigned n, struct bal_result *res);

const char *bal_why_name(enum bal_why why);

/*
 * The least time, ms, in which the donors among doms could release kb
 * from their new_target_kb down to their floors, in parallel at their
 * speeds (how reclaim splits a deficit); UINT64_MAX if they cannot.
 */
uint64_t bal_time_to_free(const struct bal_params *p,
                          const struct bal_dom *doms, unsigned n, uint64_t kb);

/*
 * The invariants, checkable after any run: returns 0 or -1 with *cause.
 * `before_free_kb` is the host free given to bal_run.
 */
int bal_check(const struct bal_params *p, uint64_t host_free_kb,
              const struct bal_dom *doms, unsigned n, char **cause);

#endif
