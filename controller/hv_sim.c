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
 * hostile guest through the real intake path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "hv.h"
#include "simmodel.h"
#include "xmalloc.h"

/* How often the model advances, ms: finer than any rate we care about. */
#define SIM_STEP_MS 100

struct hv_sim {
    struct sim_host host;
    struct hv_hooks hooks;
    struct event *timer;
    uint64_t last_ms;
    char **records; /* latest raw record per domid (NULL: none) */
    unsigned nrecords;
};

static uint64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
sim_store(struct hv_sim *s, uint32_t domid, const char *raw)
{
    if (domid >= s->nrecords) {
        s->records = xb_reallocarray(s->records, domid + 1,
                                     sizeof(*s->records));
        memset(s->records + s->nrecords, 0,
               (domid + 1 - s->nrecords) * sizeof(*s->records));
        s->nrecords = domid + 1;
    }
    free(s->records[domid]);
    s->records[domid] = raw == NULL ? NULL : xb_strdup(raw);
    s->hooks.record_changed(s->hooks.arg, domid);
}

static void
sim_inject(struct hv_sim *s)
{
    const char *path = getenv("XB_SIM_INJECT");
    char line[8192];
    FILE *f;

    if (path == NULL || (f = fopen(path, "r")) == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL) {
        char *sp = strchr(line, ' '), *nl = strchr(line, '\n');
        unsigned long id;

        if (nl != NULL)
            *nl = '\0';
        if (sp == NULL)
            continue;
        *sp = '\0';
        id = strtoul(line, NULL, 10);
        if (sim_host_find(&s->host, (uint32_t)id) != NULL)
            sim_store(s, (uint32_t)id, sp + 1);
    }
    fclose(f);
    unlink(path);
}

static void
sim_save(struct hv_sim *s)
{
    const char *path = getenv("XB_SIM_STATE");
    char tmp[4096];
    FILE *f;

    if (path == NULL || snprintf(tmp, sizeof(tmp), "%s.tmp", path) >=
                            (int)sizeof(tmp))
        return;
    if ((f = fopen(tmp, "w")) == NULL)
        return;
    for (unsigned i = 1; i < s->host.n; i++)
        fprintf(f, "%u %llu %llu\n", s->host.doms[i].domid,
                (unsigned long long)s->host.doms[i].actual_kb,
                (unsigned long long)s->host.doms[i].target_kb);
    if (fclose(f) == 0)
        rename(tmp, path);
}

static void
sim_restore(struct hv_sim *s)
{
    const char *path = getenv("XB_SIM_STATE");
    unsigned id;
    unsigned long long actual, target;
    FILE *f;

    if (path == NULL || (f = fopen(path, "r")) == NULL)
        return;
    while (fscanf(f, "%u %llu %llu", &id, &actual, &target) == 3) {
        struct sim_dom *d = sim_host_find(&s->host, id);

        if (d == NULL || id == 0 || target > d->maxmem_kb ||
            actual > d->maxmem_kb)
            continue;
        d->actual_kb = actual;
        d->target_kb = target;
    }
    fclose(f);
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

    s->hooks = *hooks;
    sim_host_init(&s->host, cfg->sim.host_kb, cfg->sim.xen_kb,
                  cfg->sim.dom0_kb, cfg->sim.seed);
    TAILQ_FOREACH(cd, &cfg->sim.doms, entry)
    {
        enum sim_driver drv = SIM_DRV_IDEAL;
        enum sim_work work = SIM_WORK_IDLE;

        if (cd->driver != NULL && sim_driver_from_name(cd->driver, &drv) < 0) {
            xb_set_cause(cause, "sim domain %s: unknown driver %s", cd->name,
                         cd->driver);
            goto fail;
        }
        if (cd->workload != NULL &&
            sim_work_from_name(cd->workload, &work) < 0) {
            xb_set_cause(cause, "sim domain %s: unknown workload %s",
                         cd->name, cd->workload);
            goto fail;
        }
        sim_host_add(&s->host, cd->name, cd->memory_kb, cd->maxmem_kb,
                     cd->base_kb, cd->demand_kb, cd->rate_kb_s, drv, work,
                     cd->agent);
    }
    if (sim_host_free_kb(&s->host) == 0) {
        xb_set_cause(cause, "sim host: domains do not fit in host memory");
        goto fail;
    }
    sim_restore(s);
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
    struct sim_dom *d = sim_host_find(&((struct hv_sim *)priv)->host, domid);

    if (d == NULL) {
        errno = ENOENT;
        return -1;
    }
    if (target_kb > d->maxmem_kb) {
        errno = EINVAL;
        return -1;
    }
    d->target_kb = target_kb;
    sim_save(priv);
    return 0;
}

static int
sim_read_record(void *priv, uint32_t domid, char *buf, size_t len)
{
    struct hv_sim *s = priv;
    size_t l;

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
    (void)priv;
    return 0;
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
};
