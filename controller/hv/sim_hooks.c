/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `sim` backend's environment hooks for tests (see hv_sim.c): records
 * injected from XB_SIM_INJECT in place of the model's, the host saved to
 * and restored from XB_SIM_STATE across a restart, and the fault commands
 * of XB_SIM_FAULTS (refused targets, vanishing and new domains, balloon
 * drivers changing, xenstore lost and back, watch floods).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_priv.h"
#include "xmalloc.h"

void
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

void
sim_save(struct hv_sim *s)
{
    const char *path = getenv("XB_SIM_STATE");
    char tmp[4096];
    FILE *f;

    if (path == NULL ||
        snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
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

void
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

/*
 * Fault hooks (tests/hardening): a file named by XB_SIM_FAULTS, if present
 * when the model steps, is read as commands, one a line, and removed:
 *   refuse DOMID        setting DOMID's target fails (EPERM) ...
 *   accept DOMID        ... until this
 *   destroy DOMID       the domain is gone now (as on @releaseDomain)
 *   vanish DOMID        it goes when its target is next set: between the
 *                       daemon's plan and its apply (that set fails ENOENT)
 *   create NAME MEM MAXMEM   a new guest with an agent (sizes: K/M/G, KiB
 *                       without a suffix), if it fits in host free
 *   driver DOMID NAME   its balloon driver becomes NAME (simmodel.h)
 *   life DOMID STATE    running, paused, suspended or migrating (hv.h):
 *                       as xl pause/unpause, save or migrate would leave it
 *   agent DOMID 0|1     its own agent stops (or resumes) publishing, so
 *                       that XB_SIM_INJECT records are all it says
 *   xs-drop SECONDS     the xenstore connection is lost for that long: no
 *                       watch events, reads and sets fail, check() reports
 *                       it until it is back (then, as hv_xen.c: connection
 *                       up, a rescan, and every watch fires once)
 *   flood DOMID N       the guest rewrites its record N times per step
 *   keys DOMID N        the guest writes N other keys under its data/ per
 *                       step: watch events that change no record
 */
struct sim_fdom {
    int refuse, vanish;
    unsigned flood, keys;
};

struct sim_faults {
    struct sim_fdom *v; /* by domid */
    unsigned n;
    int xs_down;
    uint64_t xs_until_ms;
    uint64_t flood_seq;
};

static struct sim_fdom *
sim_fdom(struct hv_sim *s, uint32_t domid)
{
    struct sim_faults *f = s->faults;

    if (f == NULL)
        f = s->faults = xb_calloc(1, sizeof(*f));
    if (domid >= f->n) {
        f->v = xb_reallocarray(f->v, domid + 1, sizeof(*f->v));
        memset(f->v + f->n, 0, (domid + 1 - f->n) * sizeof(*f->v));
        f->n = domid + 1;
    }
    return &f->v[domid];
}

int
sim_xs_down(const struct hv_sim *s)
{
    return s->faults != NULL && s->faults->xs_down;
}

static uint64_t
sim_fault_size(const char *str)
{
    char *end;
    uint64_t v = strtoull(str, &end, 10);

    switch (*end) {
    case 'G':
        return v * 1024 * 1024;
    case 'M':
        return v * 1024;
    default:
        return v;
    }
}

static void
sim_fault_gone(struct hv_sim *s, struct sim_dom *d)
{
    log_info("sim: domain %u (%s) destroyed", d->domid, d->name);
    d->alive = 0;
    if (d->domid < s->nrecords) {
        free(s->records[d->domid]);
        s->records[d->domid] = NULL;
    }
    s->hooks.domains_changed(s->hooks.arg);
}

static void
sim_fault_create(struct hv_sim *s, const char *name, uint64_t mem,
                 uint64_t maxmem)
{
    struct sim_guest g;
    struct sim_dom *d;

    if (mem < 128 * 1024 || maxmem < mem || mem > sim_host_free_kb(&s->host)) {
        log_warnx("sim: cannot create %s with %llu KiB", name,
                  (unsigned long long)mem);
        return;
    }
    sim_guest_defaults(&g);
    g.name = name;
    g.memory_kb = mem;
    g.maxmem_kb = maxmem;
    g.work.demand_kb = mem / 4;
    d = sim_host_add(&s->host, &g);
    log_info("sim: domain %u (%s) created", d->domid, d->name);
    s->hooks.domains_changed(s->hooks.arg);
}

static int
sim_life_from_name(const char *s, enum hv_life *out)
{
    static const char *const names[] = { "running", "paused", "suspended",
                                         "migrating" };

    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum hv_life)i;
            return 0;
        }
    return -1;
}

static void
sim_fault_line(struct hv_sim *s, char *line, uint64_t now)
{
    char cmd[16], a[64], b[32], c[32];
    int n = sscanf(line, "%15s %63s %31s %31s", cmd, a, b, c);
    uint32_t domid = n >= 2 ? (uint32_t)strtoul(a, NULL, 10) : 0;
    struct sim_dom *d = n >= 2 ? sim_host_find(&s->host, domid) : NULL;

    if (n == 2 && strcmp(cmd, "xs-drop") == 0) {
        if (!s->faults->xs_down) {
            s->faults->xs_down = 1;
            log_warnx("sim: xenstore connection lost");
            s->hooks.connection(s->hooks.arg, 0);
        }
        s->faults->xs_until_ms = now + strtoull(a, NULL, 10) * 1000;
    } else if (n == 4 && strcmp(cmd, "create") == 0) {
        sim_fault_create(s, a, sim_fault_size(b), sim_fault_size(c));
    } else if (d == NULL || domid == 0) {
        log_warnx("sim: fault ignored: %s", line);
    } else if (strcmp(cmd, "refuse") == 0 || strcmp(cmd, "accept") == 0) {
        sim_fdom(s, domid)->refuse = cmd[0] == 'r';
    } else if (strcmp(cmd, "vanish") == 0) {
        sim_fdom(s, domid)->vanish = 1;
    } else if (strcmp(cmd, "destroy") == 0) {
        sim_fault_gone(s, d);
    } else if (n == 3 && strcmp(cmd, "driver") == 0) {
        if (sim_driver_from_name(b, &d->driver) < 0)
            log_warnx("sim: fault ignored: %s", line);
        if (d->driver == SIM_DRV_INTERMITTENT && d->stuck_period_ms == 0) {
            d->stuck_period_ms = 10000;
            d->stuck_ms = 6000;
        }
    } else if (n == 3 && strcmp(cmd, "life") == 0) {
        if (sim_life_from_name(b, &d->life) < 0)
            log_warnx("sim: fault ignored: %s", line);
        else
            log_info("sim: domain %u (%s) is %s", d->domid, d->name, b);
    } else if (n == 3 && strcmp(cmd, "agent") == 0) {
        d->agent = strcmp(b, "0") != 0;
    } else if (n == 3 && strcmp(cmd, "flood") == 0) {
        sim_fdom(s, domid)->flood = (unsigned)strtoul(b, NULL, 10);
    } else if (n == 3 && strcmp(cmd, "keys") == 0) {
        sim_fdom(s, domid)->keys = (unsigned)strtoul(b, NULL, 10);
    } else {
        log_warnx("sim: fault ignored: %s", line);
    }
}

/* Reads XB_SIM_FAULTS, then plays the floods of this step. */
void
sim_faults_step(struct hv_sim *s, uint64_t now)
{
    const char *path = getenv("XB_SIM_FAULTS");
    char line[256];
    FILE *f;

    if (path != NULL && (f = fopen(path, "r")) != NULL) {
        (void)sim_fdom(s, 0);
        while (fgets(line, sizeof(line), f) != NULL) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0] != '\0' && line[0] != '#')
                sim_fault_line(s, line, now);
        }
        fclose(f);
        unlink(path);
    }
    if (s->faults == NULL || s->faults->xs_down)
        return;
    for (uint32_t id = 1; id < s->faults->n; id++) {
        struct sim_fdom *fd = &s->faults->v[id];
        struct sim_dom *d = sim_host_find(&s->host, id);
        struct xb_record r;
        char buf[XB_RECORD_MAX + 1];

        if (d == NULL)
            continue;
        for (unsigned k = 0; k < fd->flood; k++) {
            sim_dom_record(d, &r);
            xb_record_set(&r, XB_F_SEQ, ++s->faults->flood_seq);
            if (xb_record_format(&r, buf, sizeof(buf)) > 0)
                sim_store(s, id, buf);
        }
        for (unsigned k = 0; k < fd->keys; k++)
            s->hooks.record_changed(s->hooks.arg, id);
    }
}

/* set_target's faults: 0 to go on, or -1 with errno. */
int
sim_faults_set(struct hv_sim *s, struct sim_dom *d)
{
    struct sim_fdom *fd;

    if (s->faults == NULL)
        return 0;
    if (s->faults->xs_down) {
        errno = ENOTCONN;
        return -1;
    }
    if (d->domid >= s->faults->n)
        return 0;
    fd = &s->faults->v[d->domid];
    if (fd->vanish) {
        fd->vanish = 0;
        sim_fault_gone(s, d);
        errno = ENOENT;
        return -1;
    }
    if (fd->refuse) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

int
sim_faults_check(struct hv_sim *s)
{
    struct sim_faults *f = s->faults;

    if (f == NULL || !f->xs_down)
        return 0;
    if (mono_ms() < f->xs_until_ms)
        return -1;
    f->xs_down = 0;
    log_info("sim: xenstore connection re-established");
    s->hooks.connection(s->hooks.arg, 1);
    s->hooks.domains_changed(s->hooks.arg);
    for (uint32_t id = 1; id < s->nrecords; id++)
        if (s->records[id] != NULL && sim_host_find(&s->host, id) != NULL)
            s->hooks.record_changed(s->hooks.arg, id);
    return 0;
}

void
sim_faults_free(struct hv_sim *s)
{
    if (s->faults == NULL)
        return;
    free(s->faults->v);
    free(s->faults);
    s->faults = NULL;
}
