/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `xenballoon-ctl daemon`: one libevent loop in dom0.  Xenstore events
 * (through the backend's hooks) mark what changed; records are read within
 * each domain's rate limit and parsed as untrusted input; one coalesced
 * rebalance then snapshots the host, asks the policy for wanted targets,
 * lets the balancer make them safe and applies them.  A periodic tick
 * checks progress (stuck, uncooperative), staleness and holds even when no
 * record arrives.  Signal callbacks only set state.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "control.h"
#include "daemon_main.h"
#include "daemon_priv.h"
#include "decide.h"
#include "metrics.h"
#include "registry.h"
#include "xmalloc.h"

/* Largest record we read before calling it oversized, bytes. */
#define READ_MAX 4096
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

uint64_t
dmn_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
dmn_emit(struct xb_daemon *d, json_t *ev)
{
    struct monitor *m, *tmp;

    json_object_set_new(ev, "ts_ms", json_integer((json_int_t)dmn_now_ms()));
    TAILQ_FOREACH_SAFE(m, &d->monitors, entry, tmp)
        m->cb(m->arg, ev);
    json_decref(ev);
}

void
dmn_schedule(struct xb_daemon *d)
{
    struct timeval tv;

    if (d->trigger_ms == 0)
        d->trigger_ms = dmn_now_ms(); /* decision latency starts here */
    if (d->settle_armed)
        return;
    tv.tv_sec = (time_t)(d->cfg->settle_ms / 1000);
    tv.tv_usec = (suseconds_t)(d->cfg->settle_ms % 1000) * 1000;
    evtimer_add(d->ev_settle, &tv);
    d->settle_armed = 1;
}

void
dmn_apply_rules(struct xb_daemon *d, struct dom *dom)
{
    dom_apply_rules(dom, d->cfg);
}

static int rebalance(struct xb_daemon *d, int scanned);

/* The fast path: a rebalance as soon as the loop is back from the
 * current callback (never inside a backend's callback, which may be in
 * the middle of its own work), unless one ran within FAST_GAP_MS. */
static void
rebalance_now(struct xb_daemon *d, uint64_t now)
{
    if (d->fast_ms != 0 && now - d->fast_ms < FAST_GAP_MS)
        return; /* the coalesced rebalance is armed already */
    d->fast_ms = now;
    d->fast_rebalances++;
    if (d->trigger_ms == 0)
        d->trigger_ms = now;
    event_active(d->ev_fast, EV_TIMEOUT, 0);
}

static void
on_fast(evutil_socket_t fd, short what, void *arg)
{
    struct xb_daemon *d = arg;

    (void)fd;
    (void)what;
    if (d->settle_armed) {
        evtimer_del(d->ev_settle);
        d->settle_armed = 0;
    }
    rebalance(d, 0);
}

/* Reads and takes in one record; 1 if it shows distress (domain.h). */
static int
read_record(struct xb_daemon *d, struct dom *dom, uint64_t now)
{
    char buf[READ_MAX];
    int len = d->hv->read_record(d->hvp, dom->domid, buf, sizeof(buf));
    int distress = 0;
    uint64_t heard;

    if (len < 0)
        return 0;
    if (len == 0) {
        if (dom->nhist > 0)
            log_info("domain %u (%s): agent record removed", dom->domid,
                     dom->name);
        dom_agent_gone(dom);
        dmn_schedule(d);
        return 0;
    }
    /* An oversized value is handed over truncated, with its full length:
     * dom_intake() rejects it by that length alone (counted, logged and
     * sent to monitors like any other rejection) without reading past
     * the buffer. */
    heard = dom->heard;
    if (dom_intake(dom, buf, (size_t)len, now)) {
        if (dom->heard != heard && dom_distress(dom))
            distress = 1;
        dmn_schedule(d);
    } else
        dmn_emit(d,
                 json_pack("{s:s, s:i, s:s}", "event", "reject", "domid",
                           (json_int_t)dom->domid, "reason", dom->last_reject));
    return distress;
}

static void
on_record(void *arg, uint32_t domid)
{
    struct xb_daemon *d = arg;
    struct dom *dom = domtab_find(&d->doms, domid);
    struct dom_limits lim = dom_limits_of(d->cfg);
    uint64_t now = dmn_now_ms();

    if (dom == NULL)
        return;
    if (dom_may_read(dom, &lim, now) && read_record(d, dom, now))
        rebalance_now(d, now);
}

static void
on_domains_changed(void *arg)
{
    struct xb_daemon *d = arg;

    d->need_rescan = 1;
    dmn_schedule(d);
}

static void
on_connection(void *arg, int up)
{
    struct xb_daemon *d = arg;

    d->xs_up = up;
    if (up)
        dmn_guest_forget(d); /* a new xenstored may have lost our keys */
    dmn_emit(d, json_pack("{s:s, s:s}", "event", "xenstore", "state",
                          up ? "ok" : "lost"));
}

/* Lists the domains and diffs the table; full reads names and limits. */
static int
rescan(struct xb_daemon *d, int full)
{
    struct hv_dominfo *v;
    unsigned n;
    uint64_t now = dmn_now_ms();

    if (d->hv->list(d->hvp, full, &v, &n) < 0) {
        log_warn("listing domains");
        return -1;
    }
    for (unsigned i = 0; i < d->doms.n; i++)
        d->doms.v[i]->seen = 0;
    if (full)
        d->need_rescan = 0;
    for (unsigned i = 0; i < n; i++) {
        struct dom *dom = domtab_find(&d->doms, v[i].domid);
        char name[sizeof(dom->name)];

        if (v[i].dying)
            continue;
        if (dom == NULL) {
            if (!full) {
                d->need_rescan = 1; /* a newcomer: learn it properly */
                continue;
            }
            /* A domain libxl is still building has no name or target in
             * xenstore yet: learn it on a later pass, once it has both
             * (its name decides which config rules apply). */
            if (v[i].domid != 0 &&
                (v[i].target_kb == 0 ||
                 d->hv->domname(d->hvp, v[i].domid, name, sizeof(name)) < 0)) {
                d->need_rescan = 1;
                continue;
            }
            dom = domtab_add(&d->doms, v[i].domid);
            if (v[i].domid == 0 &&
                d->hv->domname(d->hvp, 0, name, sizeof(name)) < 0)
                snprintf(name, sizeof(name), "Domain-0");
            dom_set_name(dom, name);
            dom->actual_kb = v[i].actual_kb;
            /* Carry on from the target in force: a restarted daemon
             * rebuilds its view from the hypervisor and xenstore. */
            dom->target_kb = v[i].target_kb ? v[i].target_kb : v[i].actual_kb;
            dom->maxmem_kb = v[i].maxmem_kb;
            dmn_apply_rules(d, dom);
            dom->progress_ms = now;
            dom->progress_ref_kb = dom->actual_kb;
            dom->last_change_ms = now;
            if (!dom->is_dom0 && d->hv->watch(d->hvp, dom->domid) < 0)
                log_warn("watching domain %u", dom->domid);
            log_info("domain %u (%s) found: actual %llu KiB, target %llu "
                     "KiB, range [%llu, %llu] KiB%s",
                     dom->domid, dom->name, (unsigned long long)dom->actual_kb,
                     (unsigned long long)dom->target_kb,
                     (unsigned long long)dom->min_kb,
                     (unsigned long long)dom->max_kb,
                     dom->excluded ? ", excluded" : "");
            dmn_emit(d, json_pack("{s:s, s:i, s:s}", "event", "domain-new",
                                  "domid", (json_int_t)dom->domid, "name",
                                  dom->name));
            if (!dom->is_dom0) {
                /* What the agent wrote before we looked may be old (a
                 * restarted daemon, an agent since killed): keep it as
                 * history, but wait for a new record before acting. */
                read_record(d, dom, now);
                dom->heard = 0;
            }
        }
        dom->seen = 1;
        dom->actual_kb = v[i].actual_kb;
        if (full && v[i].maxmem_kb && v[i].maxmem_kb != dom->maxmem_kb) {
            dom->maxmem_kb = v[i].maxmem_kb;
            dmn_apply_rules(d, dom);
        }
    }
    free(v);
    for (unsigned i = 0; i < d->doms.n;) {
        struct dom *dom = d->doms.v[i];

        if (dom->seen) {
            i++;
            continue;
        }
        log_info("domain %u (%s) is gone", dom->domid, dom->name);
        dmn_emit(d,
                 json_pack("{s:s, s:i, s:s}", "event", "domain-gone", "domid",
                           (json_int_t)dom->domid, "name", dom->name));
        d->hv->unwatch(d->hvp, dom->domid);
        domtab_remove(&d->doms, dom->domid);
    }
    return 0;
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
    met_decision(d->met, b->why, dmn_now_ms() - trigger_ms);
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

/* `scanned`: the caller has just listed the domains; don't list again.
 * Returns 0, or -1 when it could not run (holds were not updated). */
static int
rebalance(struct xb_daemon *d, int scanned)
{
    struct bal_dom *bd;
    uint64_t now = dmn_now_ms(), trigger;
    unsigned n;
    char *cause = NULL;

    if (!d->xs_up)
        return -1; /* never act on a view we cannot refresh */
    /* Allocations and host free read together: a promise is judged
     * against the allocation that the free figure already reflects. */
    if (!scanned && rescan(d, d->need_rescan) < 0)
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

static void
on_settle(evutil_socket_t fd, short what, void *arg)
{
    struct xb_daemon *d = arg;

    (void)fd;
    (void)what;
    d->settle_armed = 0;
    rebalance(d, 0);
}

/* Says what a state change means and, when it is bad, what to check. */
static void
log_state_change(const struct dom *dom, enum dom_state before, uint64_t now)
{
    unsigned long long actual = dom->actual_kb, target = dom->target_kb;

    switch (dom->state) {
    case DOM_STUCK:
        log_warnx("domain %u (%s) is stuck: actual %llu KiB, target %llu "
                  "KiB; its unmet change is not counted on.  Check the "
                  "guest's balloon driver (loaded? errors in its dmesg?)",
                  dom->domid, dom->name, actual, target);
        break;
    case DOM_UNCOOPERATIVE:
        log_warnx("domain %u (%s) is uncooperative: actual %llu KiB, "
                  "target %llu KiB; it is held where it is until it moves.  "
                  "Check the guest's balloon driver and its kernel log",
                  dom->domid, dom->name, actual, target);
        break;
    case DOM_STALE:
        log_warnx("domain %u (%s): no agent record for %llu s; its memory "
                  "is held, never shrunk.  Check xenballoon-agent in the "
                  "guest",
                  dom->domid, dom->name,
                  (unsigned long long)((now - dom->last_record_ms) / 1000));
        break;
    case DOM_MANAGED:
        if (before == DOM_STUCK || before == DOM_UNCOOPERATIVE ||
            before == DOM_STALE)
            log_info("domain %u (%s) is managed again (was %s)", dom->domid,
                     dom->name, dom_state_name(before));
        break;
    default:
        break;
    }
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct xb_daemon *d = arg;
    struct dom_limits lim = dom_limits_of(d->cfg);
    uint64_t now = dmn_now_ms();

    (void)fd;
    (void)what;
    if (!d->xs_up || rescan(d, d->need_rescan) < 0) {
        dmn_holds_update(d, now);
        return;
    }
    for (unsigned i = 0; i < d->doms.n; i++) {
        struct dom *dom = d->doms.v[i];
        enum dom_state before = dom->state;

        if (dom->read_pending && dom_may_read(dom, &lim, now))
            read_record(d, dom, now);
        dom_update_state(dom, &lim, now);
        if (dom->state != before)
            log_state_change(dom, before, now);
        if (dom->state != before &&
            (dom->state == DOM_STUCK || dom->state == DOM_UNCOOPERATIVE)) {
            dmn_emit(d, json_pack("{s:s, s:i, s:s}", "event",
                                  dom_state_name(dom->state), "domid",
                                  (json_int_t)dom->domid, "name", dom->name));
        }
    }
    /* Holds' deadlines and expiry run even when no rebalance can. */
    if (rebalance(d, 1) < 0)
        dmn_holds_update(d, now);
}

static void
on_health(evutil_socket_t fd, short what, void *arg)
{
    struct xb_daemon *d = arg;

    (void)fd;
    (void)what;
    d->hv->check(d->hvp);
}

static void
dump_state(struct xb_daemon *d)
{
    log_info("state: policy %s, %s, host total %llu KiB free %llu KiB, "
             "%u domains, %llu rebalances, %llu target writes",
             d->cfg->policy->pol->name, d->paused ? "paused" : "running",
             (unsigned long long)d->phys.total_kb,
             (unsigned long long)d->phys.free_kb, d->doms.n,
             (unsigned long long)d->rebalances,
             (unsigned long long)d->target_writes);
    for (unsigned i = 0; i < d->doms.n; i++) {
        const struct dom *dom = d->doms.v[i];

        log_info(
            "  %u %s: %s actual %llu target %llu need %llu range "
            "[%llu, %llu] records %llu/%llu rejected",
            dom->domid, dom->name, dom_state_name(dom->state),
            (unsigned long long)dom->actual_kb,
            (unsigned long long)dom->target_kb,
            (unsigned long long)dom->need_kb, (unsigned long long)dom->min_kb,
            (unsigned long long)dom->max_kb, (unsigned long long)dom->accepted,
            (unsigned long long)dom->rejected);
    }
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct xb_daemon *d = arg;
    char *cause = NULL;

    (void)what;
    switch (sig) {
    case SIGTERM:
    case SIGINT:
        log_info("signal %d: stopping", (int)sig);
        event_base_loopbreak(d->base);
        break;
    case SIGHUP:
        if (dmn_reload(d, &cause) < 0) {
            log_warnx("reload refused, keeping the running config:\n%s", cause);
            free(cause);
        }
        break;
    case SIGUSR1:
        dump_state(d);
        break;
    }
}

static void
set_timer(struct event *ev, uint64_t ms)
{
    struct timeval tv = { (time_t)(ms / 1000),
                          (suseconds_t)(ms % 1000) * 1000 };

    evtimer_del(ev);
    event_add(ev, &tv);
}

void
dmn_swap_config(struct xb_daemon *d, struct xb_config *cfg)
{
    struct xb_config *old = d->cfg;

    d->cfg = cfg;
    log_set_level(cfg->log_level);
    domtab_set_history(&d->doms, met_history(cfg->policy->pol->history));
    for (unsigned i = 0; i < d->doms.n; i++)
        dmn_apply_rules(d, d->doms.v[i]);
    if (old != NULL) {
        if (old->tick_ms != cfg->tick_ms)
            set_timer(d->ev_tick, cfg->tick_ms);
        if (old->health_ms != cfg->health_ms)
            set_timer(d->ev_health, cfg->health_ms);
        if (strcmp(old->socket_path, cfg->socket_path) != 0 ||
            old->backend != cfg->backend)
            log_warnx("socket and backend changes take effect on restart");
        if ((old->metrics_listen == NULL) != (cfg->metrics_listen == NULL) ||
            (old->metrics_listen != NULL &&
             strcmp(old->metrics_listen, cfg->metrics_listen) != 0))
            log_warnx("metrics_listen changes take effect on restart");
        cfg_free(old);
    }
    dmn_schedule(d);
}

static void
usage(void)
{
    fprintf(stderr, "usage: xenballoon-ctl daemon [-fnv] [-c file]\n");
}

/* The endpoint is optional: without it, balancing goes on regardless. */
static void
start_metrics(struct xb_daemon *d)
{
    char *cause = NULL;

    if (d->cfg->metrics_listen == NULL)
        return;
    if (met_listen(d->met, d->base, d, d->cfg->metrics_listen, &cause) < 0) {
        log_warnx("metrics endpoint off: %s; balancing goes on.  Choose "
                  "another metrics_listen port or free this one",
                  cause);
        free(cause);
        return;
    }
    log_info("metrics: listening on %s (port %u), path /metrics",
             d->cfg->metrics_listen, met_port(d->met));
}

static int
daemon_create(struct xb_daemon *d, struct xb_config *cfg, char **cause)
{
    static const int sigs[4] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
    struct hv_hooks hooks = { on_domains_changed, on_record, on_connection, d };

    TAILQ_INIT(&d->holds);
    TAILQ_INIT(&d->monitors);
    d->next_hold = 1;
    d->start_ms = dmn_now_ms();
    d->xs_up = 1;
    d->met = met_create();
    domtab_init(&d->doms, cfg->policy->pol->history);
    d->base = event_base_new();
    if (d->base == NULL) {
        xb_set_cause(cause, "cannot create the event loop");
        return -1;
    }
    d->ev_settle = evtimer_new(d->base, on_settle, d);
    d->ev_fast = evtimer_new(d->base, on_fast, d);
    d->ev_tick = event_new(d->base, -1, EV_PERSIST, on_tick, d);
    d->ev_health = event_new(d->base, -1, EV_PERSIST, on_health, d);
    for (int i = 0; i < 4; i++) {
        d->ev_sig[i] = evsignal_new(d->base, sigs[i], on_signal, d);
        event_add(d->ev_sig[i], NULL);
    }
    d->hv = cfg->backend == CFG_BACKEND_SIM ? &hv_sim_ops : &hv_xen_ops;
    dmn_swap_config(d, cfg);
    d->hvp = d->hv->open(d->base, cfg, &hooks, cause);
    if (d->hvp == NULL)
        return -1;
    if (rescan(d, 1) < 0) {
        xb_set_cause(cause, "cannot list domains");
        return -1;
    }
    d->server = ctl_server_create(d->base, d, cfg->socket_path,
                                  cfg->socket_group, cause);
    if (d->server == NULL)
        return -1;
    start_metrics(d);
    set_timer(d->ev_tick, cfg->tick_ms);
    set_timer(d->ev_health, cfg->health_ms);
    return 0;
}

static void
daemon_destroy(struct xb_daemon *d)
{
    struct monitor *m;

    if (d->server != NULL)
        ctl_server_destroy(d->server);
    met_destroy(d->met);
    if (d->hvp != NULL)
        d->hv->close(d->hvp);
    domtab_dispose(&d->doms);
    dmn_guest_dispose(d);
    dmn_holds_dispose(d);
    while ((m = TAILQ_FIRST(&d->monitors)) != NULL) {
        TAILQ_REMOVE(&d->monitors, m, entry);
        free(m);
    }
    for (int i = 0; i < 4; i++)
        if (d->ev_sig[i] != NULL)
            event_free(d->ev_sig[i]);
    if (d->ev_settle != NULL)
        event_free(d->ev_settle);
    if (d->ev_fast != NULL)
        event_free(d->ev_fast);
    if (d->ev_tick != NULL)
        event_free(d->ev_tick);
    if (d->ev_health != NULL)
        event_free(d->ev_health);
    if (d->base != NULL)
        event_base_free(d->base);
    if (d->cfg != NULL)
        cfg_free(d->cfg);
}

/* Prints every config error; returns the config or NULL. */
struct xb_config *
daemon_load_config(const char *path)
{
    struct xb_errlist el;
    struct xb_config *cfg;

    xb_errlist_init(&el);
    cfg = cfg_load(path, &el);
    if (el.n > 0) {
        char *msgs = xb_errlist_join(&el); /* capped (errlist.h) */

        fprintf(stderr, "%s\n", msgs);
        free(msgs);
    }
    xb_errlist_dispose(&el);
    return cfg;
}

int
daemon_main(int argc, char **argv)
{
    struct xb_daemon d;
    struct xb_config *cfg;
    const char *path = XB_DEFAULT_CONFIG;
    int ch, check_only = 0, to_stderr = 0, verbose = 0;
    char *cause = NULL;

    optind = 1;
    while ((ch = getopt(argc, argv, "c:fnv")) != -1) {
        switch (ch) {
        case 'c':
            path = optarg;
            break;
        case 'f':
            to_stderr = 1;
            break;
        case 'n':
            check_only = 1;
            break;
        case 'v':
            verbose++;
            break;
        default:
            usage();
            return 2;
        }
    }
    if (optind != argc) {
        usage();
        return 2;
    }
    if (access(path, F_OK) != 0 && strcmp(path, XB_DEFAULT_CONFIG) == 0)
        path = NULL; /* no file at the default place: built-in defaults */
    cfg = daemon_load_config(path);
    if (cfg == NULL)
        return 1;
    if (check_only) {
        printf("%s: configuration OK\n", path ? path : "(defaults)");
        cfg_free(cfg);
        return 0;
    }
    if (verbose)
        cfg->log_level = XB_LOG_DEBUG;
    log_init("xenballoon-ctl", !to_stderr, cfg->log_level);
    signal(SIGPIPE, SIG_IGN); /* libxenstore and clients may vanish */

    memset(&d, 0, sizeof(d));
    if (daemon_create(&d, cfg, &cause) < 0) {
        log_warnx("cannot start: %s", cause);
        free(cause);
        daemon_destroy(&d);
        return 1;
    }
    log_info("started: backend %s, policy %s, %u domains", d.hv->name,
             d.cfg->policy->pol->name, d.doms.n);
    dmn_schedule(&d);
    event_base_dispatch(d.base);
    log_info("stopped");
    daemon_destroy(&d);
    return 0;
}
