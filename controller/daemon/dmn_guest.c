/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the daemon tells each guest, and what it warns the operator about.
 * After every rebalance each guest's status line (common/gstatus.h, built
 * by guestview.c) goes to memory/xenballoon/status when it says something
 * new or the guest's heartbeat period is up, and its agent settings go to
 * memory/xenballoon/agent when they change.  The same pass checks the
 * survey thresholds (overcommit, sustained balloon inflation, swap-in
 * rate) and warns, rate-limited: a host that stays overcommitted must not
 * flood the log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_priv.h"
#include "xmalloc.h"

/* One warning of each kind per domain (and for the host) every 10 min. */
#define GUEST_WARN_BURST 1
#define GUEST_WARN_INTERVAL_MS (10 * 60 * 1000)

static void
gpub_init(struct gpub *e, uint32_t domid)
{
    memset(e, 0, sizeof(*e));
    e->domid = domid;
    xb_ratelimit_init(&e->infl_rl, GUEST_WARN_BURST, GUEST_WARN_INTERVAL_MS);
    xb_ratelimit_init(&e->swap_rl, GUEST_WARN_BURST, GUEST_WARN_INTERVAL_MS);
}

/*
 * Lines the entries up with the table's guests (both sorted by domid):
 * one pass when the set of domains is the same, a merge when it changed
 * (the departed forgotten, newcomers given fresh entries).
 */
static void
gpub_sync(struct xb_daemon *d)
{
    struct gpubs *g = &d->gpub;
    struct gpub *v;
    unsigned n = 0, k = 0;

    for (unsigned i = 0; i < d->doms.n; i++) {
        if (d->doms.v[i]->is_dom0)
            continue;
        if (n == g->n || g->v[n].domid != d->doms.v[i]->domid)
            goto merge;
        n++;
    }
    if (n == g->n)
        return;
merge:
    v = xb_calloc(d->doms.n, sizeof(*v));
    n = 0;
    for (unsigned i = 0; i < d->doms.n; i++) {
        uint32_t domid = d->doms.v[i]->domid;

        if (d->doms.v[i]->is_dom0)
            continue;
        while (k < g->n && g->v[k].domid < domid)
            k++;
        if (k < g->n && g->v[k].domid == domid)
            v[n++] = g->v[k++];
        else
            gpub_init(&v[n++], domid);
    }
    free(g->v);
    g->v = v;
    g->n = n;
}

static void
host_warn(struct xb_daemon *d, uint64_t now)
{
    struct gpubs *g = &d->gpub;
    unsigned long long dropped;

    if (!d->gpub.host_rl.burst)
        xb_ratelimit_init(&g->host_rl, GUEST_WARN_BURST,
                          GUEST_WARN_INTERVAL_MS);
    if ((double)g->host.ocmax_pct <= d->cfg->warn_overcommit * 100 ||
        !xb_ratelimit_ok(&g->host_rl, now, &dropped))
        return;
    log_warnx("host overcommitted: the domains' maxmem add up to %u.%02u "
              "times host memory (warn_overcommit %.2f; %llu similar "
              "suppressed)",
              g->host.ocmax_pct / 100, g->host.ocmax_pct % 100,
              d->cfg->warn_overcommit, dropped);
}

static void
dom_warn(struct xb_daemon *d, const struct dom *dom, struct gpub *e,
         uint64_t now)
{
    const struct xb_config *cfg = d->cfg;
    unsigned long long dropped;
    int64_t rate;

    if (!gst_inflated(dom, cfg->warn_inflation)) {
        e->inflated_ms = 0;
    } else if (e->inflated_ms == 0) {
        e->inflated_ms = now;
    } else if (now - e->inflated_ms >= cfg->warn_inflation_ms &&
               xb_ratelimit_ok(&e->infl_rl, now, &dropped)) {
        log_warnx("domain %u (%s): ballooned out of %llu KiB of its %llu "
                  "KiB static-max for %llu s (warn_inflation %.0f%%; %llu "
                  "similar suppressed)",
                  dom->domid, dom->name,
                  (unsigned long long)(dom->maxmem_kb - dom->actual_kb),
                  (unsigned long long)dom->maxmem_kb,
                  (unsigned long long)(now - e->inflated_ms) / 1000,
                  cfg->warn_inflation * 100, dropped);
    }
    rate = gst_swapin_rate(dom);
    if (rate >= 0 && (uint64_t)rate > cfg->warn_swapin &&
        xb_ratelimit_ok(&e->swap_rl, now, &dropped))
        log_warnx("domain %u (%s): swapping in %lld pages/s (warn_swapin "
                  "%llu; %llu similar suppressed)",
                  dom->domid, dom->name, (long long)rate,
                  (unsigned long long)cfg->warn_swapin, dropped);
}

static void
publish_one(struct xb_daemon *d, const struct dom *dom, struct gpub *e,
            uint64_t now)
{
    struct xb_gstatus st;
    struct cfg_agent a;
    struct xb_gtune t;
    char line[XB_GSTATUS_MAX + 1];

    gst_dom_build(dom, &d->gpub.host, &st);
    if (!e->have || gst_differs(&e->last, &st) ||
        now - e->pub_ms >= d->cfg->status_hb_ms) {
        st.hb = e->hb + 1;
        st.hb_period_s = (unsigned)(d->cfg->status_hb_ms / 1000);
        if (xb_gstatus_format(&st, line, sizeof(line)) > 0) {
            if (d->hv->publish_status(d->hvp, dom->domid, XB_GSTATUS_KEY,
                                      line) == 0) {
                e->hb = st.hb;
                e->last = st;
                e->have = 1;
                e->pub_ms = now;
            } else {
                log_debug("domain %u: publishing status: %s", dom->domid,
                          strerror(errno));
            }
        }
    }
    cfg_resolve_agent(d->cfg, dom->name, (int)dom->domid, &a);
    gst_tune_build(&a, &t);
    /* The same fields make the same line: format it only when they
     * changed (a reload) or none was written. */
    if (e->tune[0] != '\0' && t.present == e->tune_of.present &&
        memcmp(t.v, e->tune_of.v, sizeof(t.v)) == 0)
        return;
    if (xb_gtune_format(&t, line, sizeof(line)) <= 0)
        return;
    if (strcmp(line, e->tune) == 0) {
        e->tune_of = t;
    } else if (d->hv->publish_status(d->hvp, dom->domid, XB_GTUNE_KEY, line) ==
               0) {
        snprintf(e->tune, sizeof(e->tune), "%s", line);
        e->tune_of = t;
    } else {
        log_debug("domain %u: publishing agent settings: %s", dom->domid,
                  strerror(errno));
    }
}

void
dmn_guest_publish(struct xb_daemon *d, uint64_t now)
{
    enum xb_glevel before = d->gpub.host.level;

    if (d->hv->publish_status == NULL || !d->xs_up)
        return;
    gst_host_build(&d->doms, d->phys.total_kb, d->phys.free_kb,
                   d->last_bal.available_kb, d->cfg, &d->gpub.host);
    if (d->gpub.host.level != before)
        log_info("host memory pressure %s -> %s (headroom %llu KiB of %llu)",
                 xb_glevel_name(before), xb_glevel_name(d->gpub.host.level),
                 (unsigned long long)d->gpub.host.headroom_kb,
                 (unsigned long long)d->gpub.host.total_kb);
    host_warn(d, now);
    gpub_sync(d);
    for (unsigned i = 0, k = 0; i < d->doms.n; i++) {
        const struct dom *dom = d->doms.v[i];
        struct gpub *e;

        if (dom->is_dom0)
            continue;
        e = &d->gpub.v[k++];
        publish_one(d, dom, e, now);
        dom_warn(d, dom, e, now);
    }
}

void
dmn_guest_forget(struct xb_daemon *d)
{
    for (unsigned i = 0; i < d->gpub.n; i++) {
        d->gpub.v[i].have = 0;
        d->gpub.v[i].tune[0] = '\0';
    }
}

void
dmn_guest_dispose(struct xb_daemon *d)
{
    free(d->gpub.v);
    d->gpub.v = NULL;
    d->gpub.n = 0;
}
