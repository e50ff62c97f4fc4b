/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's answers to the control commands (daemon.h): queries that
 * build JSON from the domain table, and changes that validate their
 * arguments before they touch any state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capacity.h"
#include "daemon_priv.h"
#include "rates.h"
#include "quote.h"
#include "registry.h"
#include "xmalloc.h"

static json_t *
kb(uint64_t v)
{
    return json_integer((json_int_t)v);
}

/* The agent-history rates (rates.h); unknown, or stale data, is null. */
static void
dmn_rates_json(const struct xb_daemon *d, const struct dom *dom, uint64_t now,
               json_t *o, int all)
{
    struct met_rates r;
    int fresh = dom->nhist > 0 && now - dom->last_record_ms <= d->cfg->stale_ms;

    met_rates(dom->hist, fresh ? dom->nhist : 0, MET_RATE_WINDOW_MS, &r);
    json_object_set_new(o, "pressure",
                        r.has_pressure ? json_real(r.pressure) : json_null());
    json_object_set_new(o, "swapin_rate",
                        r.has_swapin ? json_real(r.swapin) : json_null());
    if (all)
        json_object_set_new(o, "swapout_rate",
                            r.has_swapout ? json_real(r.swapout) : json_null());
}

json_t *
dmn_dom_json(const struct xb_daemon *d, const struct dom *dom)
{
    json_t *o = json_object();
    uint64_t now = dmn_now_ms();

    json_object_set_new(o, "domid", json_integer(dom->domid));
    json_object_set_new(o, "name", json_string(dom->name));
    json_object_set_new(o, "actual_kb", kb(dom->actual_kb));
    json_object_set_new(o, "target_kb", kb(dom->target_kb));
    json_object_set_new(o, "need_kb", kb(dom->need_kb));
    json_object_set_new(o, "min_kb", kb(dom->min_kb));
    json_object_set_new(o, "max_kb", kb(dom->max_kb));
    json_object_set_new(o, "weight", json_integer(dom->weight));
    json_object_set_new(o, "state", json_string(dom_state_name(dom->state)));
    json_object_set_new(o, "reason", json_string(dom->reason));
    json_object_set_new(o, "record_age_ms",
                        dom->nhist ? kb(now - dom->last_record_ms)
                                   : json_null());
    dmn_rates_json(d, dom, now, o, 0);
    return o;
}

json_t *
dmn_status(struct xb_daemon *d)
{
    struct gst_host gh;
    json_t *doms = json_array(), *host;
    uint64_t promised = 0;

    for (unsigned i = 0; i < d->doms.n; i++) {
        const struct dom *dom = d->doms.v[i];

        if (dom->target_kb > dom->actual_kb)
            promised += dom->target_kb - dom->actual_kb;
        json_array_append_new(doms, dmn_dom_json(d, dom));
    }
    host = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "total_kb",
                     kb(d->phys.total_kb), "free_kb", kb(d->phys.free_kb),
                     "reserve_kb", kb(d->cfg->reserve_kb), "promised_kb",
                     kb(promised), "held_kb", kb(dmn_held_kb(d)),
                     "available_kb", kb(d->last_bal.available_kb));
    /* The guests' view of the host (guestview.h), as they are told it. */
    gst_host_build(&d->doms, d->phys.total_kb, d->phys.free_kb,
                   d->last_bal.available_kb, d->cfg, &gh);
    json_object_set_new(host, "overcommit_max",
                        json_real(gh.ocmax_pct / 100.0));
    json_object_set_new(host, "overcommit_target",
                        json_real(gh.octgt_pct / 100.0));
    json_object_set_new(host, "pressure",
                        json_string(xb_glevel_name(gh.level)));
    return json_pack("{s:o, s:o, s:s, s:s, s:b, s:s, s:o}", "host", host,
                     "holds", dmn_holds_json(d, dmn_now_ms()), "policy",
                     d->cfg->policy->pol->name, "backend", d->hv->name,
                     "paused", d->paused, "xenstore", d->xs_up ? "ok" : "lost",
                     "domains", doms);
}

/* The latest record's counter f, or null. */
static json_t *
dmn_counter(const struct dom *dom, enum xb_field f)
{
    const struct xb_pol_sample *s = dom_latest(dom);

    return s != NULL && xb_record_has(&s->rec, f) ? kb(s->rec.v[f])
                                                  : json_null();
}

json_t *
dmn_metrics(struct xb_daemon *d)
{
    json_t *o = dmn_status(d), *doms = json_object_get(o, "domains");
    uint64_t now = dmn_now_ms();

    json_object_set_new(o, "version", json_string(XB_VERSION));
    json_object_set_new(o, "uptime_ms", kb(now - d->start_ms));
    json_object_set_new(o, "rebalances", kb(d->rebalances));
    json_object_set_new(o, "capacity", dmn_capacity(d, CAP_WITHIN_DEFAULT_MS));
    for (unsigned i = 0; i < d->doms.n; i++) {
        const struct dom *dom = d->doms.v[i];
        json_t *e = json_array_get(doms, i);

        dmn_rates_json(d, dom, now, e, 1);
        json_object_set_new(e, "psi_some_us", dmn_counter(dom, XB_F_PSI_SOME));
        json_object_set_new(e, "pswpin", dmn_counter(dom, XB_F_PSWPIN));
        json_object_set_new(e, "pswpout", dmn_counter(dom, XB_F_PSWPOUT));
        json_object_set_new(e, "records_accepted", kb(dom->accepted));
        json_object_set_new(e, "records_rejected", kb(dom->rejected));
        json_object_set_new(e, "records_suspicious", kb(dom->suspicious));
        json_object_set_new(e, "records_throttled", kb(dom->throttled));
        json_object_set_new(e, "target_failures", kb(dom->set_fail));
        json_object_set_new(e, "stuck", json_boolean(dom->stuck));
        json_object_set_new(e, "uncooperative", json_boolean(dom->uncoop));
        json_object_set_new(e, "excluded", json_boolean(dom->excluded));
    }
    return o;
}

json_t *
dmn_targets(struct xb_daemon *d)
{
    json_t *a = json_array();

    for (unsigned i = 0; i < d->doms.n; i++) {
        const struct dom *dom = d->doms.v[i];

        json_array_append_new(
            a, json_pack("{s:i, s:s, s:o, s:o}", "domid",
                         (json_int_t)dom->domid, "name", dom->name, "target_kb",
                         kb(dom->target_kb), "actual_kb", kb(dom->actual_kb)));
    }
    return a;
}

static json_t *
record_json(const struct xb_record *r)
{
    json_t *o = json_object();

    for (int f = 0; f < XB_F_COUNT; f++)
        json_object_set_new(o, xb_fields[f].name,
                            xb_record_has(r, f) ? kb(r->v[f]) : json_null());
    return o;
}

json_t *
dmn_show(struct xb_daemon *d, const char *name, char **cause)
{
    struct dom *dom = domtab_lookup(&d->doms, name);
    const struct xb_pol_sample *s;
    json_t *o;

    if (dom == NULL) {
        char *q = xb_quote(name);

        xb_set_cause(cause, "no such domain: %s", q);
        free(q);
        return NULL;
    }
    o = dmn_dom_json(d, dom);
    s = dom_latest(dom);
    json_object_set_new(o, "record", s ? record_json(&s->rec) : json_null());
    json_object_set_new(o, "raw_record",
                        dom->raw[0] ? json_string(dom->raw) : json_null());
    json_object_set_new(o, "records_accepted", kb(dom->accepted));
    json_object_set_new(o, "records_rejected", kb(dom->rejected));
    json_object_set_new(o, "records_throttled", kb(dom->throttled));
    json_object_set_new(o, "last_reject",
                        dom->last_reject[0] ? json_string(dom->last_reject)
                                            : json_null());
    json_object_set_new(o, "records_suspicious", kb(dom->suspicious));
    json_object_set_new(o, "last_suspicious",
                        dom->last_suspicious[0]
                            ? json_string(dom->last_suspicious)
                            : json_null());
    json_object_set_new(o, "maxmem_kb", kb(dom->maxmem_kb));
    json_object_set_new(o, "excluded", json_boolean(dom->excluded));
    json_object_set_new(o, "stuck", json_boolean(dom->stuck));
    json_object_set_new(o, "uncooperative", json_boolean(dom->uncoop));
    json_object_set_new(o, "target_failures", kb(dom->set_fail));
    json_object_set_new(o, "since_change_ms",
                        kb(dmn_now_ms() - dom->last_change_ms));
    json_object_set_new(o, "history", json_integer(dom->nhist));
    return o;
}

int
dmn_set(struct xb_daemon *d, const char *name, const char *key,
        const char *value, char **cause)
{
    struct dom *dom = domtab_lookup(&d->doms, name);
    uint64_t x;
    int rc = -1;

    if (dom == NULL) {
        char *q = xb_quote(name);

        xb_set_cause(cause, "no such domain: %s", q);
        free(q);
        return -1;
    }
    if (strcmp(key, "min") == 0 || strcmp(key, "max") == 0) {
        /* The config's parser and range for the key; bare is KiB. */
        if (cfg_rule_size(key, value, &x, cause) == 0) {
            uint64_t lo = strcmp(key, "min") == 0 ? x : dom->min_kb;
            uint64_t hi = strcmp(key, "max") == 0 ? x : dom->max_kb;

            if (dom->maxmem_kb && x > dom->maxmem_kb)
                xb_set_cause(cause,
                             "%s %s is above the domain's static-max "
                             "of %llu KiB",
                             key, value, (unsigned long long)dom->maxmem_kb);
            else if (lo > hi)
                xb_set_cause(cause, "min would exceed max");
            else {
                if (strcmp(key, "min") == 0)
                    dom->set_min_kb = x;
                else
                    dom->set_max_kb = x;
                rc = 0;
            }
        }
    } else if (strcmp(key, "weight") == 0) {
        char *end;
        unsigned long w = strtoul(value, &end, 10);

        if (*end != '\0' || end == value || w < 1 || w > 10000)
            xb_set_cause(cause, "weight must be an integer in [1, 10000]");
        else {
            dom->set_weight = (unsigned)w;
            rc = 0;
        }
    } else if (strcmp(key, "exclude") == 0) {
        if (strcmp(value, "1") == 0 || strcmp(value, "true") == 0 ||
            strcmp(value, "yes") == 0)
            dom->set_exclude = 1;
        else if (strcmp(value, "0") == 0 || strcmp(value, "false") == 0 ||
                 strcmp(value, "no") == 0)
            dom->set_exclude = 0;
        else {
            xb_set_cause(cause, "exclude takes 0 or 1");
            return -1;
        }
        rc = 0;
    } else {
        xb_set_cause(cause, "unknown setting %s (min, max, weight, exclude)",
                     key);
    }
    if (rc == 0) {
        dmn_apply_rules(d, dom);
        log_info("domain %u (%s): %s set to %s by the operator", dom->domid,
                 dom->name, key, value);
        dmn_schedule(d);
    }
    return rc;
}

json_t *
dmn_policy(struct xb_daemon *d)
{
    return xb_policy_describe(d->cfg->policy);
}

int
dmn_policy_set(struct xb_daemon *d, const char *name, json_t *params,
               char **cause)
{
    struct xb_errlist el;
    struct xb_policy_inst *pi;

    xb_errlist_init(&el);
    pi = xb_policy_create(name, params, "params", &el);
    if (pi == NULL) {
        *cause = xb_errlist_join(&el);
        xb_errlist_dispose(&el);
        return -1;
    }
    xb_errlist_dispose(&el);
    xb_policy_destroy(d->cfg->policy);
    d->cfg->policy = pi;
    free(d->cfg->policy_name);
    d->cfg->policy_name = xb_strdup(name);
    json_decref(d->cfg->policy_params);
    d->cfg->policy_params = params ? json_deep_copy(params) : NULL;
    domtab_set_history(&d->doms, met_history(pi->pol->history));
    log_info("policy switched to %s by the operator", name);
    dmn_emit(d, json_pack("{s:s, s:s}", "event", "policy", "name", name));
    dmn_schedule(d);
    return 0;
}

int
dmn_pause(struct xb_daemon *d, int paused)
{
    if (d->paused != paused)
        log_info("balancing %s by the operator", paused ? "paused" : "resumed");
    d->paused = paused;
    dmn_schedule(d);
    return 0;
}

int
dmn_reload(struct xb_daemon *d, char **cause)
{
    struct xb_errlist el;
    struct xb_config *cfg;

    if (d->cfg->path == NULL) {
        xb_set_cause(cause, "running on built-in defaults: nothing to reload");
        return -1;
    }
    xb_errlist_init(&el);
    cfg = cfg_load(d->cfg->path, &el);
    if (cfg == NULL) {
        *cause = xb_errlist_join(&el);
        xb_errlist_dispose(&el);
        return -1;
    }
    xb_errlist_dispose(&el);
    /* `set` overrides last until a reload: the new file rules. */
    for (unsigned i = 0; i < d->doms.n; i++)
        dom_clear_overrides(d->doms.v[i]);
    dmn_swap_config(d, cfg);
    log_info("configuration reloaded from %s", cfg->path);
    dmn_emit(d, json_pack("{s:s, s:s}", "event", "reload", "path", cfg->path));
    return 0;
}

json_t *
dmn_version(struct xb_daemon *d)
{
    return json_pack("{s:s, s:i, s:s, s:o}", "version", XB_VERSION, "protocol",
                     1, "backend", d->hv->name, "uptime_ms",
                     kb(dmn_now_ms() - d->start_ms));
}

void
dmn_monitor_add(struct xb_daemon *d, dmn_monitor_cb cb, void *arg)
{
    struct monitor *m = xb_calloc(1, sizeof(*m));

    m->cb = cb;
    m->arg = arg;
    TAILQ_INSERT_TAIL(&d->monitors, m, entry);
}

void
dmn_monitor_remove(struct xb_daemon *d, dmn_monitor_cb cb, void *arg)
{
    struct monitor *m, *tmp;

    TAILQ_FOREACH_SAFE(m, &d->monitors, entry, tmp) {
        if (m->cb == cb && m->arg == arg) {
            TAILQ_REMOVE(&d->monitors, m, entry);
            free(m);
        }
    }
}
