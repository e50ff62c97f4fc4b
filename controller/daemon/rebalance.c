/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One rebalance: rescan if needed, snapshot the host, let decide() (the
 * policy, then the balancer) plan the targets, and apply them, shrinks
 * first; then update the holds and what the guests are told.  It runs
 * after the settle delay that coalesces events, or at once (within
 * FAST_GAP_MS) when a record shows distress.
 */
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "daemon_priv.h"
#include "decide.h"
#include "xmalloc.h"

/*
 * Target-change log lines per domain: a burst, then one per interval that
 * says how many were left out (monitor and the metrics see every one).  A
 * converging domain changes every min_interval, 2 s by default.
 */
#define DECISION_LOG_BURST 5
#define DECISION_LOG_INTERVAL_MS 30000
/* Failed target-change log lines per domain: a burst, then one a minute
 * (target_failures in `show` counts every one). */
#define FAIL_LOG_BURST 3
#define FAIL_LOG_INTERVAL_MS 60000
/*
 * A record showing distress (domain.h: dom_distress) is acted on at once,
 * without the coalescing delay, but at most one such rebalance per this
 * many ms: a fleet in distress (or guests faking it) costs at most 100
 * rebalances a second; the rest wait for the coalesced one.
 */
#define FAST_GAP_MS 10

/* The fast path: a rebalance as soon as the loop is back from the
 * current callback (never inside a backend's callback, which may be in
 * the middle of its own work), unless one ran within FAST_GAP_MS. */
void
dmn_rebalance_now(struct xb_daemon *d, uint64_t now)
{
    if (d->fast_ms != 0 && now - d->fast_ms < FAST_GAP_MS)
        return; /* the coalesced rebalance is armed already */
    d->fast_ms = now;
    d->fast_rebalances++;
    if (d->trigger_ms == 0)
        d->trigger_ms = now;
    event_active(d->ev_fast, EV_TIMEOUT, 0);
}

void
dmn_on_fast(evutil_socket_t fd, short what, void *arg)
{
    struct xb_daemon *d = arg;

    (void)fd;
    (void)what;
    if (d->settle_armed) {
        evtimer_del(d->ev_settle);
        d->settle_armed = 0;
    }
    dmn_rebalance(d, 0);
}

static void
apply(struct xb_daemon *d, struct dom *dom, const struct bal_dom *b,
      uint64_t now, uint64_t trigger_ms)
{
    uint64_t old = dom->target_kb;
    unsigned long long dropped = 0;
    char msg[256];

    if (d->hv->set_target(d->hvp, dom->domid, b->new_target_kb) < 0) {
        dom->set_fail++;
        /* Retried every tick while the backend refuses: not every time
         * in the log. */
        if (dom->fail_rl.burst == 0)
            xb_ratelimit_init(&dom->fail_rl, FAIL_LOG_BURST,
                              FAIL_LOG_INTERVAL_MS);
        if (xb_ratelimit_ok(&dom->fail_rl, now, &dropped))
            log_warn("domain %u (%s): setting target %llu KiB%s", dom->domid,
                     dom->name, (unsigned long long)b->new_target_kb,
                     dropped ? " (earlier failures not logged)" : "");
        d->need_rescan = 1; /* it may be gone */
        return;
    }
    d->target_writes++;
    dom_target_changed(dom, b->new_target_kb, now);
    if (d->decision_cb != NULL)
        d->decision_cb(d->decision_arg, b->why, dmn_now_ms() - trigger_ms);
    snprintf(msg, sizeof(msg),
             "domain %u (%s): target %llu -> %llu KiB (%s; %s)", dom->domid,
             dom->name, (unsigned long long)old,
             (unsigned long long)b->new_target_kb, bal_why_name(b->why),
             dom->reason);
    if (dom->decision_rl.burst == 0)
        xb_ratelimit_init(&dom->decision_rl, DECISION_LOG_BURST,
                          DECISION_LOG_INTERVAL_MS);
    if (!xb_ratelimit_ok(&dom->decision_rl, now, &dropped))
        log_debug("%s", msg);
    else if (dropped > 0)
        log_info("%s [%llu earlier changes not logged]", msg, dropped);
    else
        log_info("%s", msg);
    dmn_emit(d, json_pack("{s:s, s:i, s:s, s:I, s:I, s:s, s:s}", "event",
                          "target", "domid", (json_int_t)dom->domid, "name",
                          dom->name, "old_kb", (json_int_t)old, "new_kb",
                          (json_int_t)b->new_target_kb, "why",
                          bal_why_name(b->why), "reason", dom->reason));
}

int
dmn_rebalance(struct xb_daemon *d, int scanned)
{
    struct bal_dom *bd;
    uint64_t now = dmn_now_ms(), trigger;
    unsigned n;
    char *cause = NULL;

    if (!d->xs_up)
        return -1; /* never act on a view we cannot refresh */
    /* Allocations and host free read together: a promise is judged
     * against the allocation that the free figure already reflects. */
    if (!scanned && dmn_rescan(d, d->need_rescan) < 0)
        return -1;
    if (d->hv->physinfo(d->hvp, &d->phys) < 0) {
        log_warn("reading host memory");
        return -1;
    }
    n = d->doms.n;
    bd = xb_calloc(n, sizeof(*bd));
    d->rebalances++;
    if (decide(&d->doms, d->cfg, &d->phys, dmn_held_kb(d), d->paused, now, bd,
               &d->last_bal, &cause) < 0) {
        /* A broken invariant: refuse the whole plan, say so loudly. */
        log_warnx("BUG: balancer plan refused: %s", cause);
        free(cause);
        free(bd);
        return -1;
    }
    trigger = d->trigger_ms != 0 ? d->trigger_ms : now;
    d->trigger_ms = 0;
    /* Shrinks first, so the memory they free is on its way first. */
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < n; i++) {
            struct bal_dom *b = &bd[i];

            if (b->new_target_kb == b->target_kb ||
                (pass == 0) != (b->new_target_kb < b->target_kb))
                continue;
            apply(d, d->doms.v[i], b, now, trigger);
        }
    free(bd);
    dmn_holds_update(d, now);
    dmn_guest_publish(d, now);
    return 0;
}

void
dmn_on_settle(evutil_socket_t fd, short what, void *arg)
{
    struct xb_daemon *d = arg;

    (void)fd;
    (void)what;
    d->settle_armed = 0;
    dmn_rebalance(d, 0);
}
