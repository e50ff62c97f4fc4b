/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rates derived from the counters of two agent records: the one place
 * where a guest's counters become a per-second figure, for the daemon's
 * warnings, the policies and the metrics alike.  The counters come from a
 * guest and may jump by anything the parser lets through (2^62), so the
 * arithmetic cannot overflow, and every rate is clamped to its physical
 * range: a memory stall is at most 1000 ms per second, and no guest moves
 * more pages a second than a memory bus could.
 */
#ifndef XB_COMMON_RATE_H
#define XB_COMMON_RATE_H

#include <stdint.h>

#include "record.h"

/* A stall ratio is within [0, 1]: at most 1000 ms of stall per second. */
#define XB_RATE_STALL_MAX 1000.0
/* Pages (or events) per second: 2^32 pages of 4 KiB is 16 TiB a second,
 * beyond any memory bus, so no real guest's rate is ever cut. */
#define XB_RATE_EVENTS_MAX 4294967296.0

/*
 * The largest rate field f can have: XB_RATE_STALL_MAX for the PSI
 * totals, XB_RATE_EVENTS_MAX for the event counters, 0 for the memory
 * figures and seq (which have no rate).
 */
double xb_rate_max(enum xb_field f);

/*
 * The rate of counter f from record a, received at t_a ms, to record b,
 * received at t_b ms: PSI totals (microseconds) as ms of stall per
 * second, event counters per second, clamped to [0, xb_rate_max(f)].
 * Returns 0 and *out, or -1 when there is no rate: f has none, a record
 * lacks it, t_b <= t_a, or the counter went backwards (a restarted guest).
 */
int xb_rate(const struct xb_record *a, uint64_t t_a, const struct xb_record *b,
            uint64_t t_b, enum xb_field f, double *out);

#endif
