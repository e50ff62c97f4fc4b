/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's "should I publish now?" decision, as a pure function of the
 * last published record, the new sample and the clock, so it can be tested
 * with exact tables.  Every xenstore write wakes dom0, so a steady guest
 * stays quiet apart from a heartbeat, while distress (swap-in, refaults,
 * OOM kills, memory-pressure stalls) is published at the next sample.
 */
#ifndef XB_AGENT_CHANGE_H
#define XB_AGENT_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* Reasons, as bits of the value ag_change_decide() returns. */
#define AG_WHY_FIRST (1u << 0)     /* nothing published yet */
#define AG_WHY_HEARTBEAT (1u << 1) /* heartbeat interval elapsed */
#define AG_WHY_FIELDS (1u << 2)    /* a field appeared or disappeared */
#define AG_WHY_TOTAL (1u << 3)     /* MemTotal moved by a step */
#define AG_WHY_AVAIL (1u << 4)     /* MemAvailable moved by a step */
#define AG_WHY_COMMIT (1u << 5)    /* Committed_AS moved by a step */
#define AG_WHY_BALLOON (1u << 6)   /* balloon current_kb moved by a step */
#define AG_WHY_SWAPIN (1u << 7)    /* any page swapped in */
#define AG_WHY_REFAULT (1u << 8)   /* refault burst */
#define AG_WHY_OOM (1u << 9)       /* an OOM kill */
#define AG_WHY_PSI (1u << 10)      /* memory stall time grew */

/*
 * Smallest step that counts as a change for the memory figures, KiB:
 * 8 MiB is four balloon hypercalls (2 MiB each) and below the noise of a
 * small guest's page cache churning.
 */
#define AG_STEP_MIN_KB (8 * 1024)
/* Relative step, per mille of MemTotal: 2% keeps a 64 GiB guest quiet. */
#define AG_STEP_PERMILLE 20
/*
 * Refault burst, pages since the last publication: 1024 pages (4 MiB with
 * 4 KiB pages) of working set read back within one heartbeat window means
 * the page cache is too small; fewer is background churn.
 */
#define AG_REFAULT_BURST 1024
/*
 * Stall growth, microseconds since the last publication: 1 ms of "some"
 * memory stall.  Less is one direct-reclaim blip; more is real pressure.
 */
#define AG_PSI_MIN_US 1000
/* Default heartbeat, milliseconds: dom0 treats silence as a dead agent. */
#define AG_HEARTBEAT_MS 10000

struct ag_change_params {
    uint64_t step_min_kb;
    unsigned step_permille;
    uint64_t refault_burst;
    uint64_t psi_min_us;
    uint64_t heartbeat_ms;
};

/* Fills *p with the defaults above. */
void ag_change_defaults(struct ag_change_params *p);

/*
 * The step in KiB for a guest of total_kb: max(step_min_kb,
 * total_kb * step_permille / 1000).
 */
uint64_t ag_change_step_kb(const struct ag_change_params *p, uint64_t total_kb);

/*
 * Returns 0 (stay quiet) or the AG_WHY_* bits that call for publishing
 * `now` (sampled at now_ms), given the record last published at last_ms
 * (`last` NULL if none).  seq is ignored.
 */
unsigned ag_change_decide(const struct ag_change_params *p,
                          const struct xb_record *last, uint64_t last_ms,
                          const struct xb_record *now, uint64_t now_ms);

/* Writes the reason names ("avail,swapin") into buf; returns buf. */
const char *ag_change_why(unsigned why, char *buf, size_t len);

#endif
