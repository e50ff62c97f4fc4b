/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-domain status and settings the daemon publishes to guests, as
 * pure functions: see gstatus.h.
 */
#include <stdio.h>
#include <string.h>

#include "guestview.h"
#include "rate.h"

/* The largest ratio we report, hundredths: 1000x. */
#define GST_RATIO_MAX 100000

enum xb_glevel
gst_level(uint64_t total_kb, uint64_t headroom_kb, double tight,
          double critical)
{
    double share;

    if (total_kb == 0)
        return XB_GLEVEL_OK;
    share = (double)headroom_kb / (double)total_kb;
    if (share < critical)
        return XB_GLEVEL_CRITICAL;
    if (share < tight)
        return XB_GLEVEL_TIGHT;
    return XB_GLEVEL_OK;
}

unsigned
gst_ratio_pct(uint64_t num, uint64_t den)
{
    uint64_t r;

    if (den == 0)
        return 0;
    /* num stays below 2^44 (16 TiB in KiB, a few thousand domains), so
     * num * 100 cannot overflow. */
    r = (num * 100 + den / 2) / den;
    return r > GST_RATIO_MAX ? GST_RATIO_MAX : (unsigned)r;
}

void
gst_host_build(const struct domtab *t, uint64_t total_kb, uint64_t free_kb,
               uint64_t headroom_kb, const struct xb_config *cfg,
               struct gst_host *out)
{
    memset(out, 0, sizeof(*out));
    out->total_kb = total_kb;
    out->free_kb = free_kb;
    out->headroom_kb = headroom_kb;
    for (unsigned i = 0; i < t->n; i++) {
        const struct dom *d = t->v[i];

        if (d->is_dom0) {
            out->sum_maxmem_kb += d->actual_kb;
            out->sum_target_kb += d->actual_kb;
            continue;
        }
        out->sum_maxmem_kb += d->maxmem_kb ? d->maxmem_kb : d->actual_kb;
        out->sum_target_kb += d->target_kb;
    }
    out->ocmax_pct = gst_ratio_pct(out->sum_maxmem_kb, total_kb);
    out->octgt_pct = gst_ratio_pct(out->sum_target_kb, total_kb);
    out->level = gst_level(total_kb, headroom_kb, cfg->pressure_tight,
                           cfg->pressure_critical);
}

void
gst_dom_build(const struct dom *dom, const struct gst_host *h,
              struct xb_gstatus *out)
{
    memset(out, 0, sizeof(*out));
    out->target_kb = dom->target_kb;
    out->actual_kb = dom->actual_kb;
    out->min_kb = dom->min_kb;
    out->max_kb = dom->max_kb;
    out->need_kb = dom->need_kb;
    snprintf(out->state, sizeof(out->state), "%s", dom_state_name(dom->state));
    out->level = h->level;
    out->free_kb = h->free_kb;
    out->total_kb = h->total_kb;
    out->ocmax_pct = h->ocmax_pct;
    out->octgt_pct = h->octgt_pct;
    snprintf(out->reason, sizeof(out->reason), "%s", dom->reason);
}

int
gst_differs(const struct xb_gstatus *a, const struct xb_gstatus *b)
{
    uint64_t step = b->total_kb / GST_FREE_STEP_DIV;
    uint64_t dfree = a->free_kb > b->free_kb ? a->free_kb - b->free_kb
                                             : b->free_kb - a->free_kb;

    return a->target_kb != b->target_kb || a->actual_kb != b->actual_kb ||
           a->min_kb != b->min_kb || a->max_kb != b->max_kb ||
           a->need_kb != b->need_kb || strcmp(a->state, b->state) != 0 ||
           a->level != b->level || a->total_kb != b->total_kb ||
           a->ocmax_pct != b->ocmax_pct || a->octgt_pct != b->octgt_pct ||
           strcmp(a->reason, b->reason) != 0 || dfree >= step;
}

void
gst_tune_build(const struct cfg_agent *a, struct xb_gtune *out)
{
    xb_gtune_defaults(out);
    out->v[XB_GT_INTERVAL] = a->interval_ms;
    out->v[XB_GT_HEARTBEAT] = a->heartbeat_ms / 1000;
    out->v[XB_GT_COMPAT] = a->compat > 0;
    out->v[XB_GT_PSI] = a->psi_trigger > 0;
    out->v[XB_GT_STEP] = a->step_kb;
    out->v[XB_GT_STEPPM] = a->step_permille;
    out->v[XB_GT_REFAULT] = a->refault_burst;
    out->v[XB_GT_PSIMIN] = a->psi_min_us;
    out->present = (1u << XB_GT_COUNT) - 1;
}

int
gst_inflated(const struct dom *dom, double frac)
{
    if (dom->is_dom0 || dom->maxmem_kb == 0 || dom->actual_kb >= dom->maxmem_kb)
        return 0;
    return (double)(dom->maxmem_kb - dom->actual_kb) >
           frac * (double)dom->maxmem_kb;
}

int64_t
gst_swapin_rate(const struct dom *dom)
{
    const struct xb_pol_sample *a, *b;
    double r;

    if (dom->nhist < 2)
        return -1;
    a = &dom->hist[dom->nhist - 2];
    b = &dom->hist[dom->nhist - 1];
    /* A restarted guest's counter goes back: no rate from that pair. */
    if (xb_rate(&a->rec, a->t_ms, &b->rec, b->t_ms, XB_F_PSWPIN, &r) < 0)
        return -1;
    return (int64_t)r;
}
