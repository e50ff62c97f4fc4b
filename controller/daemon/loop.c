/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's event loop: one libevent base, the timers (settle, tick,
 * health) and the signals, the monitors' event stream and the config in
 * force.  Xenstore events come in through intake.c and end in one
 * coalesced rebalance (rebalance.c); a periodic tick checks progress
 * (stuck, uncooperative), staleness and holds even when no record
 * arrives.  Signal callbacks only set state.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "daemon_priv.h"
#include "rates.h"
#include "registry.h"
#include "xmalloc.h"

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
    if (!d->xs_up || dmn_rescan(d, d->need_rescan) < 0) {
        dmn_holds_update(d, now);
        return;
    }
    for (unsigned i = 0; i < d->doms.n; i++) {
        struct dom *dom = d->doms.v[i];
        enum dom_state before = dom->state;

        if (dom->read_pending && dom_may_read(dom, &lim, now))
            dmn_read_record(d, dom, now);
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
    if (dmn_rebalance(d, 1) < 0)
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

void
dmn_destroy(struct xb_daemon *d)
{
    struct monitor *m;

    if (d == NULL)
        return;
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
    free(d);
}

struct xb_daemon *
dmn_create(struct xb_config *cfg, char **cause)
{
    static const int sigs[4] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
    struct xb_daemon *d = xb_calloc(1, sizeof(*d));
    struct hv_hooks hooks;

    dmn_intake_hooks(d, &hooks);
    TAILQ_INIT(&d->holds);
    TAILQ_INIT(&d->monitors);
    d->next_hold = 1;
    d->start_ms = dmn_now_ms();
    d->xs_up = 1;
    domtab_init(&d->doms, cfg->policy->pol->history);
    d->base = event_base_new();
    if (d->base == NULL) {
        xb_set_cause(cause, "cannot create the event loop");
        cfg_free(cfg);
        goto fail;
    }
    d->ev_settle = evtimer_new(d->base, dmn_on_settle, d);
    d->ev_fast = evtimer_new(d->base, dmn_on_fast, d);
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
        goto fail;
    if (dmn_rescan(d, 1) < 0) {
        xb_set_cause(cause, "cannot list domains");
        goto fail;
    }
    set_timer(d->ev_tick, cfg->tick_ms);
    set_timer(d->ev_health, cfg->health_ms);
    return d;
fail:
    dmn_destroy(d);
    return NULL;
}

void
dmn_run(struct xb_daemon *d)
{
    log_info("started: backend %s, policy %s, %u domains", d->hv->name,
             d->cfg->policy->pol->name, d->doms.n);
    dmn_schedule(d);
    event_base_dispatch(d->base);
    log_info("stopped");
}

struct event_base *
dmn_base(struct xb_daemon *d)
{
    return d->base;
}

const struct xb_config *
dmn_config(const struct xb_daemon *d)
{
    return d->cfg;
}

void
dmn_on_decision(struct xb_daemon *d, dmn_decision_cb cb, void *arg)
{
    d->decision_cb = cb;
    d->decision_arg = arg;
}
