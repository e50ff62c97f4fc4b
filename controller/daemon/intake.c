/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intake: what the backend's xenstore hooks report comes in here.  A
 * domain's record is read within its rate limit and parsed as untrusted
 * input (domain.c); a distressed one asks for a rebalance at once, any
 * other change for the coalesced one.  The domain list is diffed against
 * the table (rescan), so newcomers are learnt with their limits and the
 * departed are forgotten.
 */
#include <stdio.h>
#include <stdlib.h>

#include "daemon_priv.h"

/* Largest record we read before calling it oversized, bytes. */
#define READ_MAX 4096

int
dmn_read_record(struct xb_daemon *d, struct dom *dom, uint64_t now)
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

static int
on_record(void *arg, uint32_t domid)
{
    struct xb_daemon *d = arg;
    struct dom *dom = domtab_find(&d->doms, domid);
    struct dom_limits lim = dom_limits_of(d->cfg);
    uint64_t now = dmn_now_ms();

    if (dom == NULL || !dom_may_read(dom, &lim, now) ||
        !dmn_read_record(d, dom, now))
        return 0;
    dmn_rebalance_now(d, now);
    return 1;
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

int
dmn_rescan(struct xb_daemon *d, int full)
{
    struct hv_dominfo *v;
    unsigned n, at = 0; /* the listing comes in domid order, like the table */
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
        struct dom *dom = domtab_find_from(&d->doms, v[i].domid, &at);
        char name[sizeof(dom->name)];

        /* A dying domain is as good as gone; a paused, suspended or
         * migrating one stays, left alone until it runs (domain.h). */
        if (v[i].life == HV_DYING)
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
            dom = domtab_add(&d->doms, v[i].domid); /* at `at` */
            at++;
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
                dmn_read_record(d, dom, now);
                dom->heard = 0;
            }
        }
        dom->seen = 1;
        dom->actual_kb = v[i].actual_kb;
        if (dom->life != v[i].life)
            log_info("domain %u (%s) is %s", dom->domid, dom->name,
                     v[i].life == HV_RUNNING     ? "running"
                     : v[i].life == HV_PAUSED    ? "paused"
                     : v[i].life == HV_SUSPENDED ? "suspended"
                                                 : "migrating");
        dom->life = v[i].life;
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

void
dmn_intake_hooks(struct xb_daemon *d, struct hv_hooks *h)
{
    h->domains_changed = on_domains_changed;
    h->record_changed = on_record;
    h->connection = on_connection;
    h->arg = d;
}
