/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-domain rates that `status`, `top` and the metrics show (PSI
 * stall and swap traffic), computed from the agent history the domain
 * table keeps, and how much of that history to keep.  Pure functions: the
 * daemon's queries use them, and the metrics export what they give.
 */
#ifndef XB_DAEMON_RATES_H
#define XB_DAEMON_RATES_H

#include <stdint.h>

#include "policy.h"

/*
 * Rates span the newest sample and the oldest one of the same agent run
 * within this window, ms: PSI's own avg10 horizon, and one agent heartbeat
 * (10 s), so an idle agent's two latest records still give a rate.
 */
#define MET_RATE_WINDOW_MS 10000
/*
 * Samples the daemon keeps per domain whatever the policy asks for, so the
 * rates exist under every policy: the window at one record per second plus
 * a few for bursts.  At most XB_POL_HISTORY_MAX.
 */
#define MET_HISTORY_MIN 16

struct met_rates {
    double pressure; /* PSI "some" memory stall, ms per second */
    double swapin;   /* pages per second */
    double swapout;  /* pages per second */
    int has_pressure, has_swapin, has_swapout; /* 0: unknown */
};

/*
 * Rates over hist[0 .. n - 1] (oldest first, as struct dom keeps it):
 * between the newest sample and the oldest one within window_ms of it (at
 * least the one before it) of the same agent run (seq increasing) whose
 * counters have not gone backwards.  A field is unknown when either end
 * lacks it or fewer than two samples qualify.  The rate itself is
 * xb_rate()'s (common/rate.h): overflow-safe and within its physical range.
 */
void met_rates(const struct xb_pol_sample *hist, unsigned n, uint64_t window_ms,
               struct met_rates *out);

/* How many samples to keep per domain for a policy that asks for `want`. */
unsigned met_history(unsigned want);

#endif
