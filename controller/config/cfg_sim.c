/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "sim" object of the config file: the simulated host and its guests
 * ("sim.domains[]") for the `sim` backend.  Its tables set the defaults,
 * parse, dump and free struct cfg_sim through the schema engine; the
 * checks across keys (a guest's memory within its maxmem, the guests
 * within the host) run once each object is read.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_sim.h"
#include "cfg_value.h"
#include "config.h"
#include "xmalloc.h"

/* A cap on the list, so a runaway generator cannot make us allocate
 * forever. */
#define CFG_SIMDOMS_MAX 256
/* Longest simulated domain name (Xen allows 64 with the NUL). */
#define CFG_SIMNAME_MAX 63

static const struct cfg_word cfg_drivers[] = {
    { "ideal", 0 }, { "slow", 0 }, { "capped", 0 }, { "stuck", 0 }, { NULL, 0 },
};
static const struct cfg_word cfg_workloads[] = {
    { "idle", 0 },
    { "eatmem", 0 },
    { "step", 0 },
    { NULL, 0 },
};

static int
cfg_check_simname(const char *s, char **cause)
{
    return cfg_check_name(s, CFG_SIMNAME_MAX, cause);
}

static void cfg_simdom_post(struct cfg_ctx *, const char *, void *, json_t *,
                            int);
static void cfg_sim_post(struct cfg_ctx *, const char *, void *, json_t *, int);

static const struct cfg_key cfg_simdom_keys[] = {
    K_STRING("name", struct cfg_simdom, name, NULL, cfg_check_simname, 0),
    /* A small Debian guest. */
    K_SIZE("memory", struct cfg_simdom, memory_kb, 512 * MIB, 16 * MIB,
           16 * TIB, 0),
    /* 0 while the entry is read, then the same as memory. */
    K_SIZE("maxmem", struct cfg_simdom, maxmem_kb, 0, 16 * MIB, 16 * TIB, 0),
    /* Kernel, page tables and slab of an idle Linux guest. */
    K_SIZE("base", struct cfg_simdom, base_kb, 96 * MIB, 0, 16 * TIB, 0),
    /* Anonymous memory the workload starts with. */
    K_SIZE("demand", struct cfg_simdom, demand_kb, 128 * MIB, 0, 16 * TIB, 0),
    /* KiB per second: a balloon slowed down so that moves span ticks. */
    K_SIZE("balloon_rate", struct cfg_simdom, rate_kb_s, 64 * MIB, 1 * MIB,
           64 * GIB, 0),
    K_WORD("driver", struct cfg_simdom, driver, "ideal", cfg_drivers),
    K_WORD("workload", struct cfg_simdom, workload, "idle", cfg_workloads),
    K_BOOL("agent", struct cfg_simdom, agent, 1, 0),
    K_END,
};
static const struct cfg_schema cfg_simdom_schema = { cfg_simdom_keys,
                                                     cfg_simdom_post };

static void
cfg_simdom_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
                int clean)
{
    struct cfg_simdom *d = base;
    char a[CFG_VALUE_BUF], b[CFG_VALUE_BUF];

    if (json_object_get(obj, "name") == NULL)
        cfg_error(ctx, path, "needs a \"name\"");
    if (d->maxmem_kb == 0)
        d->maxmem_kb = d->memory_kb;
    if (!clean)
        return;
    if (d->memory_kb > d->maxmem_kb) {
        cfg_fmt_size(d->memory_kb, a, sizeof(a));
        cfg_fmt_size(d->maxmem_kb, b, sizeof(b));
        cfg_error(ctx, path, "memory (%s) is greater than maxmem (%s)", a, b);
    }
    if (d->base_kb > d->memory_kb) {
        cfg_fmt_size(d->base_kb, a, sizeof(a));
        cfg_fmt_size(d->memory_kb, b, sizeof(b));
        cfg_error(ctx, path, "base (%s) is greater than memory (%s)", a, b);
    }
}

static void
cfg_simdoms_defaults(void *base)
{
    struct cfg_sim *sim = base;

    TAILQ_INIT(&sim->doms);
}

static void
cfg_simdoms_parse(struct cfg_ctx *ctx, json_t *v, const char *path, void *base)
{
    struct cfg_sim *sim = base;
    struct cfg_simdom *d, *o;
    char *epath, *npath;
    size_t i, j;
    json_t *e;

    if (!json_is_array(v)) {
        cfg_error(ctx, path, "expected an array, got %s",
                  cfg_type_name(json_typeof(v)));
        return;
    }
    if (json_array_size(v) > CFG_SIMDOMS_MAX) {
        cfg_error(ctx, path, "has %zu domains, at most %d are allowed",
                  json_array_size(v), CFG_SIMDOMS_MAX);
        return;
    }
    json_array_foreach(v, i, e) {
        xb_asprintf(&epath, "%s[%zu]", path, i);
        if (cfg_want_object(ctx, e, epath) != 0) {
            free(epath);
            continue;
        }
        d = xb_calloc(1, sizeof(*d));
        cfg_schema_defaults(&cfg_simdom_schema, d);
        cfg_parse_object(ctx, &cfg_simdom_schema, e, epath, d);
        j = 0;
        TAILQ_FOREACH(o, &sim->doms, entry) {
            if (d->name != NULL && o->name != NULL &&
                strcmp(d->name, o->name) == 0) {
                npath = cfg_path_key(epath, "name");
                cfg_error(ctx, npath, "\"%s\" is already used by %s[%zu]",
                          d->name, path, j);
                free(npath);
                break;
            }
            j++;
        }
        TAILQ_INSERT_TAIL(&sim->doms, d, entry);
        free(epath);
    }
}

static json_t *
cfg_simdoms_dump(const void *base)
{
    const struct cfg_sim *sim = base;
    const struct cfg_simdom *d;
    json_t *a = json_array();

    TAILQ_FOREACH(d, &sim->doms, entry)
        json_array_append_new(a, cfg_dump_object(&cfg_simdom_schema, d));
    return a;
}

static void
cfg_simdoms_dispose(void *base)
{
    struct cfg_sim *sim = base;
    struct cfg_simdom *d;

    while ((d = TAILQ_FIRST(&sim->doms)) != NULL) {
        TAILQ_REMOVE(&sim->doms, d, entry);
        cfg_schema_dispose(&cfg_simdom_schema, d);
        free(d);
    }
}

static const struct cfg_key cfg_sim_keys[] = {
    /* A small lab machine. */
    K_SIZE("host", struct cfg_sim, host_kb, 4 * GIB, 256 * MIB, 16 * TIB, 0),
    /* Xen's heap, frame table and per-domain structures on such a host. */
    K_SIZE("xen_overhead", struct cfg_sim, xen_kb, 64 * MIB, 0, 1 * TIB, 0),
    /* A typical dom0_mem= for a small host. */
    K_SIZE("dom0", struct cfg_sim, dom0_kb, 512 * MIB, 64 * MIB, 1 * TIB, 0),
    K_COUNT("seed", CT_U64, struct cfg_sim, seed, 1, 0, INT64_MAX, 0),
    K_NODE("domains", cfg_simdoms_defaults, cfg_simdoms_parse, cfg_simdoms_dump,
           cfg_simdoms_dispose),
    K_END,
};
const struct cfg_schema cfg_sim_schema = { cfg_sim_keys, cfg_sim_post };

int
cfg_sim_fit(const struct cfg_sim *sim, unsigned copies, char **cause)
{
    const struct cfg_simdom *d;
    uint64_t used = sim->xen_kb + sim->dom0_kb, guests = 0;
    char a[CFG_VALUE_BUF], b[CFG_VALUE_BUF], c[CFG_VALUE_BUF], h[CFG_VALUE_BUF];

    /* Each figure is at most 1 TiB and copies a few hundred: no wrap. */
    TAILQ_FOREACH(d, &sim->doms, entry)
        guests += d->memory_kb * copies;
    /* Exactly full is a host with no free memory, not an overcommitted
     * one: it starts. */
    if (used + guests <= sim->host_kb)
        return 0;
    cfg_fmt_size(sim->xen_kb, a, sizeof(a));
    cfg_fmt_size(sim->dom0_kb, b, sizeof(b));
    cfg_fmt_size(guests, c, sizeof(c));
    cfg_fmt_size(sim->host_kb, h, sizeof(h));
    xb_set_cause(cause,
                 "xen_overhead (%s) + dom0 (%s) + the domains' memory (%s) "
                 "exceed host (%s)",
                 a, b, c, h);
    return -1;
}

static void
cfg_sim_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
             int clean)
{
    char *cause = NULL;

    (void)obj;
    if (!clean || cfg_sim_fit(base, 1, &cause) == 0)
        return;
    cfg_error(ctx, path, "%s", cause);
    free(cause);
}
