/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `sim` hypervisor backend: the simulated host of simmodel.c, stepped
 * in real time by a libevent timer, its guests' records delivered through
 * the same hooks (and the same untrusted-record path) as xenstore's.  Used
 * by the CLI regress tests and to try the daemon on a machine without Xen.
 *
 * The simulated host normally lives and dies with the daemon.  With
 * XB_SIM_STATE set to a file, the guests' allocations and targets are saved
 * there (every second and on each target change) and restored at start, so
 * a restarted daemon finds the host as its predecessor left it, as it
 * would on Xen.
 *
 * Test hooks: a file named by XB_SIM_INJECT, if present when the model
 * steps, is read as lines "DOMID RAW-RECORD..." and each raw record is
 * published for that domain in place of the model's, so tests can play a
 * hostile guest through the real intake path.  Fault hooks (XB_SIM_FAULTS:
 * refused targets, vanishing and new domains, balloon drivers changing,
 * xenstore lost and back, watch floods) are described in
 * sim_hooks.c.
 *
 * Benchmark hooks: XB_SIM_COPIES=N (1-64) adds every configured guest N
 * times (copy k > 0 named NAME.k), for hosts larger than the config's
 * domain limit allows.  With XB_SIM_LATENCY set to a file, each target the
 * daemon issues appends a line "DOMID MICROSECONDS KIND": the time since
 * that domain's latest record was delivered to the daemon (its watch
 * fired), when no target was issued for it since.  That is the whole
 * decision path: intake, coalescing delay, rescan, decide(), apply.  KIND
 * is "distress" when the daemon, reading that record on delivery, found
 * it in distress (its fast path, domain.h: dom_distress), else "normal".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "sim_priv.h"
#include "xmalloc.h"

/* How often the model advances, ms: finer than any rate we care about. */
#define SIM_STEP_MS 100
/* XB_SIM_COPIES at most: 64 x the config's 256 guests. */
#define SIM_COPIES_MAX 64

void
sim_store(struct hv_sim *s, uint32_t domid, const char *raw)
{
    if (domid >= s->nrecords) {
        s->records =
            xb_reallocarray(s->records, domid + 1, sizeof(*s->records));
        memset(s->records + s->nrecords, 0,
               (domid + 1 - s->nrecords) * sizeof(*s->records));
        s->rec_us = xb_reallocarray(s->rec_us, domid + 1, sizeof(*s->rec_us));
        memset(s->rec_us + s->nrecords, 0,
               (domid + 1 - s->nrecords) * sizeof(*s->rec_us));
        s->rec_distress = xb_reallocarray(s->rec_distress, domid + 1,
                                          sizeof(*s->rec_distress));
        memset(s->rec_distress + s->nrecords, 0,
               (domid + 1 - s->nrecords) * sizeof(*s->rec_distress));
        s->nrecords = domid + 1;
    }
    free(s->records[domid]);
    s->records[domid] = raw == NULL ? NULL : xb_strdup(raw);
    s->rec_us[domid] = mono_us();
    s->rec_distress[domid] = 0;
    if (!sim_xs_down(s)) /* a lost connection delivers no watch */
        s->rec_distress[domid] =
            (char)s->hooks.record_changed(s->hooks.arg, domid);
}

static void
sim_tick(evutil_socket_t fd, short what, void *arg)
{
    struct hv_sim *s = arg;
    uint64_t now = mono_ms(), dt = now - s->last_ms;

    (void)fd;
    (void)what;
    s->last_ms = now;
    sim_host_step(&s->host, dt);
    for (unsigned i = 1; i < s->host.n; i++) {
        struct sim_dom *d = &s->host.doms[i];
        struct xb_record r;
        char buf[XB_RECORD_MAX + 1];

        if (!sim_dom_publish_due(&s->host, d))
            continue;
        sim_dom_record(d, &r);
        if (xb_record_format(&r, buf, sizeof(buf)) > 0)
            sim_store(s, d->domid, buf);
    }
    sim_inject(s);
    sim_faults_step(s, now);
    if (now / 1000 != (now - dt) / 1000)
        sim_save(s);
}

static void *
sim_open(struct event_base *base, const struct xb_config *cfg,
         const struct hv_hooks *hooks, char **cause)
{
    struct hv_sim *s = xb_calloc(1, sizeof(*s));
    struct cfg_simdom *cd;
    struct timeval tv = { 0, SIM_STEP_MS * 1000 };
    unsigned copies = 1;

    s->hooks = *hooks;
    sim_host_init(&s->host, cfg->sim.host_kb, cfg->sim.xen_kb, cfg->sim.dom0_kb,
                  cfg->sim.seed);
    if (getenv("XB_SIM_COPIES") != NULL) {
        copies = (unsigned)strtoul(getenv("XB_SIM_COPIES"), NULL, 10);
        if (copies < 1 || copies > SIM_COPIES_MAX) {
            xb_set_cause(cause, "XB_SIM_COPIES: not in 1..%d", SIM_COPIES_MAX);
            goto fail;
        }
    }
    /* The config's own check (what check-config accepted starts). */
    if (cfg_sim_fit(&cfg->sim, copies, cause) < 0)
        goto fail;
    TAILQ_FOREACH(cd, &cfg->sim.doms, entry) {
        struct sim_guest g;
        char name[64];

        sim_guest_defaults(&g);
        g.name = cd->name;
        g.memory_kb = cd->memory_kb;
        g.maxmem_kb = cd->maxmem_kb;
        g.base_kb = cd->base_kb;
        g.rate_kb_s = cd->rate_kb_s;
        g.agent = cd->agent;
        /* The config's "demand" scales the workload: eatmem's largest
         * chunk, idle's constant, step's low level. */
        g.work.demand_kb = cd->demand_kb;
        if (cd->driver != NULL &&
            sim_driver_from_name(cd->driver, &g.driver) < 0) {
            xb_set_cause(cause, "sim domain %s: unknown driver %s", cd->name,
                         cd->driver);
            goto fail;
        }
        if (cd->workload != NULL &&
            sim_work_from_name(cd->workload, &g.work.type) < 0) {
            xb_set_cause(cause, "sim domain %s: unknown workload %s", cd->name,
                         cd->workload);
            goto fail;
        }
        for (unsigned k = 0; k < copies; k++) {
            if (k > 0) {
                snprintf(name, sizeof(name), "%s.%u", cd->name, k);
                g.name = name;
            }
            sim_host_add(&s->host, &g);
        }
    }
    sim_restore(s);
    if (getenv("XB_SIM_LATENCY") != NULL &&
        (s->latency = fopen(getenv("XB_SIM_LATENCY"), "w")) == NULL)
        log_warn("%s", getenv("XB_SIM_LATENCY"));
    s->last_ms = mono_ms();
    s->timer = event_new(base, -1, EV_PERSIST, sim_tick, s);
    event_add(s->timer, &tv);
    return s;
fail:
    sim_host_dispose(&s->host);
    free(s);
    return NULL;
}

static void
sim_close(void *priv)
{
    struct hv_sim *s = priv;

    if (s == NULL)
        return;
    if (s->timer != NULL)
        event_free(s->timer);
    sim_save(s);
    for (unsigned i = 0; i < s->nrecords; i++)
        free(s->records[i]);
    free(s->records);
    free(s->rec_us);
    free(s->rec_distress);
    if (s->latency != NULL)
        fclose(s->latency);
    sim_faults_free(s);
    sim_host_dispose(&s->host);
    free(s);
}

static int
sim_physinfo(void *priv, struct hv_physinfo *pi)
{
    struct hv_sim *s = priv;

    pi->total_kb = s->host.total_kb;
    pi->free_kb = sim_host_free_kb(&s->host);
    return 0;
}

static int
sim_list(void *priv, int full, struct hv_dominfo **out, unsigned *n)
{
    struct hv_sim *s = priv;
    struct hv_dominfo *v = xb_calloc(s->host.n, sizeof(*v));
    unsigned k = 0;

    (void)full;
    for (unsigned i = 0; i < s->host.n; i++) {
        const struct sim_dom *d = &s->host.doms[i];

        if (!d->alive)
            continue;
        v[k].domid = d->domid;
        v[k].actual_kb = d->actual_kb;
        v[k].target_kb = d->target_kb;
        v[k].maxmem_kb = d->maxmem_kb;
        v[k].life = d->life;
        k++;
    }
    *out = v;
    *n = k;
    return 0;
}

static int
sim_name(void *priv, uint32_t domid, char *buf, size_t len)
{
    struct sim_dom *d = sim_host_find(&((struct hv_sim *)priv)->host, domid);

    if (d == NULL) {
        errno = ENOENT;
        return -1;
    }
    snprintf(buf, len, "%s", d->name);
    return 0;
}

static int
sim_set_target(void *priv, uint32_t domid, uint64_t target_kb)
{
    struct hv_sim *s = priv;
    struct sim_dom *d = sim_host_find(&s->host, domid);

    if (d == NULL) {
        errno = ENOENT;
        return -1;
    }
    if (sim_faults_set(s, d) < 0)
        return -1;
    if (target_kb > d->maxmem_kb) {
        errno = EINVAL;
        return -1;
    }
    d->target_kb = target_kb;
    if (s->latency != NULL && domid < s->nrecords && s->rec_us[domid]) {
        fprintf(s->latency, "%u %llu %s\n", domid,
                (unsigned long long)(mono_us() - s->rec_us[domid]),
                s->rec_distress[domid] ? "distress" : "normal");
        s->rec_us[domid] = 0;
    }
    sim_save(priv);
    return 0;
}

static int
sim_read_record(void *priv, uint32_t domid, char *buf, size_t len)
{
    struct hv_sim *s = priv;
    size_t l;

    if (sim_xs_down(s)) {
        errno = ENOTCONN;
        return -1;
    }
    if (domid >= s->nrecords || s->records[domid] == NULL)
        return 0;
    l = strlen(s->records[domid]);
    memcpy(buf, s->records[domid], l < len ? l : len);
    return (int)l;
}

static int
sim_watch(void *priv, uint32_t domid)
{
    (void)priv;
    (void)domid;
    return 0;
}

static void
sim_unwatch(void *priv, uint32_t domid)
{
    (void)priv;
    (void)domid;
}

static int
sim_check(void *priv)
{
    return sim_faults_check(priv);
}

/*
 * Guest status hook: with XB_SIM_STATUS_DIR set to a directory, what the
 * daemon publishes for a guest under memory/xenballoon/<key> is written
 * to <dir>/<domid>.<key> (one line, replaced atomically), so regress
 * tests can read what a guest would see.  Without it, it goes nowhere.
 */
static int
sim_publish_status(void *priv, uint32_t domid, const char *key,
                   const char *value)
{
    const char *dir = getenv("XB_SIM_STATUS_DIR");
    char path[4096], tmp[4096 + 4];
    FILE *f;

    (void)priv;
    if (dir == NULL)
        return 0;
    if (snprintf(path, sizeof(path), "%s/%u.%s", dir, domid, key) >=
        (int)sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((f = fopen(tmp, "w")) == NULL)
        return -1;
    fprintf(f, "%s\n", value);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

const struct hv_ops hv_sim_ops = {
    .name = "sim",
    .open = sim_open,
    .close = sim_close,
    .physinfo = sim_physinfo,
    .list = sim_list,
    .domname = sim_name,
    .set_target = sim_set_target,
    .read_record = sim_read_record,
    .watch = sim_watch,
    .unwatch = sim_unwatch,
    .check = sim_check,
    .publish_status = sim_publish_status,
};
