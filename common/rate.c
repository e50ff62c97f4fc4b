/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Overflow-safe, clamped rates from record counters: see rate.h.
 */
#include "rate.h"

double
xb_rate_max(enum xb_field f)
{
    switch (f) {
    case XB_F_PSI_SOME:
    case XB_F_PSI_FULL:
        return XB_RATE_STALL_MAX;
    case XB_F_PSWPIN:
    case XB_F_PSWPOUT:
    case XB_F_PGMAJFAULT:
    case XB_F_REFAULT:
    case XB_F_OOMKILL:
        return XB_RATE_EVENTS_MAX;
    default:
        return 0.0;
    }
}

int
xb_rate(const struct xb_record *a, uint64_t t_a, const struct xb_record *b,
        uint64_t t_b, enum xb_field f, double *out)
{
    double max = xb_rate_max(f), per_ms, r;

    if (max == 0.0 || !xb_record_has(a, f) || !xb_record_has(b, f) ||
        t_b <= t_a || b->v[f] < a->v[f])
        return -1;
    /* PSI is in us: us per ms of wall time is ms of stall per second.
     * Counters per ms times 1000 is per second. */
    per_ms = f == XB_F_PSI_SOME || f == XB_F_PSI_FULL ? 1.0 : 1000.0;
    /* In double, not in 64-bit integers: the delta (up to 2^64) times
     * 1000 cannot wrap, and the clamp follows. */
    r = (double)(b->v[f] - a->v[f]) * per_ms / (double)(t_b - t_a);
    *out = r < max ? r : max;
    return 0;
}
