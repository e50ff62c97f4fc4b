/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's side of what each guest is told (common/gstatus.h): pure
 * functions from the domain table, the host figures and the config to the
 * status line's fields, the host's pressure level and overcommit ratios,
 * the agent settings line, and the survey thresholds the daemon warns
 * about.  No I/O and no clock: the caller passes `now`, so every function
 * here is tested with exact tables (tests/unit/test_guestview.c).
 */
#ifndef XB_DAEMON_GUESTVIEW_H
#define XB_DAEMON_GUESTVIEW_H

#include <stdint.h>

#include "config.h"
#include "domain.h"
#include "gstatus.h"

/*
 * Host free memory moves by a few KiB all the time; a guest hears of it
 * only when it moved by this fraction of host memory (1/64, 1.6%) or the
 * pressure level changed, and otherwise at the next heartbeat.
 */
#define GST_FREE_STEP_DIV 64

struct gst_host {
    uint64_t total_kb;    /* memory Xen manages */
    uint64_t free_kb;     /* free now */
    uint64_t headroom_kb; /* free net of reserve, holds and promises */
    uint64_t sum_maxmem_kb, sum_target_kb;
    unsigned ocmax_pct, octgt_pct; /* hundredths */
    enum xb_glevel level;
};

/*
 * The pressure level from the headroom's share of host memory: critical
 * below `critical`, tight below `tight` (fractions of host memory).
 */
enum xb_glevel gst_level(uint64_t total_kb, uint64_t headroom_kb, double tight,
                         double critical);

/* num / den in hundredths, rounded, capped at 100000 (1000x); 0 if den 0. */
unsigned gst_ratio_pct(uint64_t num, uint64_t den);

/*
 * Sums and ratios over every domain in the table: a guest counts its
 * static-max (its actual allocation when unknown) and its target; dom0,
 * whose static-max is usually "unlimited", counts its actual allocation
 * in both.
 */
void gst_host_build(const struct domtab *t, uint64_t total_kb, uint64_t free_kb,
                    uint64_t headroom_kb, const struct xb_config *cfg,
                    struct gst_host *out);

/* The status line's fields for one domain (hb and hb_period_s left 0). */
void gst_dom_build(const struct dom *dom, const struct gst_host *h,
                   struct xb_gstatus *out);

/*
 * Does `now` say something `before` did not?  hb and hb_period_s are
 * ignored; free_kb counts only when it moved by total_kb /
 * GST_FREE_STEP_DIV.
 */
int gst_differs(const struct xb_gstatus *before, const struct xb_gstatus *now);

/* The agent settings line's fields, every one present. */
void gst_tune_build(const struct cfg_agent *a, struct xb_gtune *out);

/*
 * Survey thresholds.  Balloon inflation is the share of a domain's
 * static-max it does not hold; 1 when above `frac` (never for dom0 or
 * without static-max).
 */
int gst_inflated(const struct dom *dom, double frac);

/*
 * Swap-in rate between the domain's two latest records, pages per second
 * (rounded down, xb_rate()'s clamp); -1 without two records carrying
 * pswpin.
 */
int64_t gst_swapin_rate(const struct dom *dom);

#endif
