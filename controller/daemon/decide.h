/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One balancing decision, free of any event loop or backend: snapshot the
 * domain table for the policy, run it, hand its wishes to the balancer and
 * check the result.  The daemon applies what comes out; the simulator runs
 * exactly the same function in virtual time.
 */
#ifndef XB_DAEMON_DECIDE_H
#define XB_DAEMON_DECIDE_H

#include <stdint.h>

#include "balancer.h"
#include "config.h"
#include "domain.h"
#include "hv.h"

/*
 * Fills bd[0 .. t->n - 1] (one per domain, table order) with the targets to
 * issue, and each domain's need and reason.  With `paused` nothing is
 * managed (the policy still runs, so `status` shows what it would do).
 * Returns 0, or -1 with *cause when the plan broke a safety invariant and
 * must not be applied.
 */
int decide(struct domtab *t, const struct xb_config *cfg,
           const struct hv_physinfo *phys, uint64_t held_kb, int paused,
           uint64_t now_ms, struct bal_dom *bd, struct bal_result *res,
           char **cause);

#endif
