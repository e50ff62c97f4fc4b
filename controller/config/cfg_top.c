/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The config's top level and its "policy" object as schema tables: every
 * key with its default, range and the reason for both, the word lists,
 * the checks on strings (socket, group, listen address) and across keys.
 * The policy's parameters are checked by the registry once the whole file
 * is read (cfg_load.c).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_sim.h"
#include "cfg_tables.h"
#include "cfg_value.h"
#include "config.h"
#include "quote.h"
#include "registry.h"
#include "xmalloc.h"

/* sun_path holds 108 bytes including the NUL. */
#define CFG_SOCKET_MAX 107

/*
 * String checks.
 */

static int
cfg_check_socket(const char *s, char **cause)
{
    char *q = xb_quote(s);
    int rc = -1;

    if (*s != '/')
        xb_set_cause(cause, "%s is not an absolute path", q);
    else if (strlen(s) > CFG_SOCKET_MAX)
        xb_set_cause(cause, "%s is longer than %d bytes", q, CFG_SOCKET_MAX);
    else
        rc = 0;
    free(q);
    return rc;
}

static int
cfg_check_group(const char *s, char **cause)
{
    /* 32 is the longest group name shadow-utils accepts. */
    return cfg_check_name(s, 32, cause);
}

static int
cfg_check_listen(const char *s, char **cause)
{
    char host[CFG_HOST_MAX];
    unsigned port;

    return cfg_parse_listen(s, host, sizeof(host), &port, cause);
}

/*
 * Word lists.
 */

static const struct cfg_word cfg_backends[] = {
    { "xen", CFG_BACKEND_XEN },
    { "sim", CFG_BACKEND_SIM },
    { NULL, 0 },
};
static const struct cfg_word cfg_log_levels[] = {
    { "error", XB_LOG_ERR },
    { "warning", XB_LOG_WARNING },
    { "info", XB_LOG_INFO },
    { "debug", XB_LOG_DEBUG },
    { NULL, 0 },
};

/* "sim" (cfg_sim.c) is dumped only for the sim backend. */
static int
cfg_sim_shown(const void *base)
{
    const struct xb_config *cfg = base;

    return cfg->backend == CFG_BACKEND_SIM;
}

/*
 * "policy": the name is checked here, the parameters by the registry when
 * the whole file has been read (cfg_finish).
 */

static void cfg_policy_post(struct cfg_ctx *, const char *, void *, json_t *,
                            int);

static void
cfg_params_parse(struct cfg_ctx *ctx, json_t *v, const char *path, void *base)
{
    struct xb_config *cfg = base;

    if (cfg_want_object(ctx, v, path) != 0)
        return;
    json_decref(cfg->policy_params);
    cfg->policy_params = json_incref(v);
}

/* The instance's effective parameters when there is one, else the file's. */
static json_t *
cfg_params_dump(const void *base)
{
    const struct xb_config *cfg = base;
    json_t *d, *p;

    if (cfg->policy != NULL) {
        d = xb_policy_describe(cfg->policy);
        p = json_incref(json_object_get(d, "params"));
        json_decref(d);
        if (p != NULL)
            return p;
    }
    if (cfg->policy_params != NULL)
        return json_deep_copy(cfg->policy_params);
    return json_object();
}

static void
cfg_params_dispose(void *base)
{
    struct xb_config *cfg = base;

    json_decref(cfg->policy_params);
    cfg->policy_params = NULL;
}

/* Offsets are into struct xb_config itself (the object is not a struct). */
static const struct cfg_key cfg_policy_keys[] = {
    /* The flagship: guest need (PSI, refaults) arbitrated host-wide. */
    K_STRING("name", struct xb_config, policy_name, "pressure", NULL, 0),
    K_NODE("params", NULL, cfg_params_parse, cfg_params_dump,
           cfg_params_dispose),
    K_END,
};
static const struct cfg_schema cfg_policy_schema = { cfg_policy_keys,
                                                     cfg_policy_post };

static void
cfg_policy_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
                int clean)
{
    (void)path;
    (void)base;
    (void)obj;
    if (!clean)
        ctx->policy_bad = 1;
}

/*
 * The top level.
 */

static void cfg_top_post(struct cfg_ctx *, const char *, void *, json_t *, int);

static const struct cfg_key cfg_top_keys[] = {
    K_ENUM("backend", struct xb_config, backend, CFG_BACKEND_XEN, cfg_backends),
    K_OBJECT("sim", offsetof(struct xb_config, sim), &cfg_sim_schema,
             cfg_sim_shown),
    /* Not a struct: its fields live in struct xb_config itself.  A plain
     * string is the name alone: "policy": "pressure". */
    K_OBJECT_OR_STRING("policy", 0, &cfg_policy_schema, NULL, "name"),
    /* Headroom Xen needs for domain builds, p2m/shadow growth and dom0
     * spikes; squeezed and qmemman keep a similar slack. */
    K_SIZE("reserve", struct xb_config, reserve_kb, 128 * MIB, 0, 1 * TIB, 0),
    /* Often enough to follow a balloon in steps, rarely enough to be
     * invisible in dom0. */
    K_DURATION("tick", struct xb_config, tick_ms, 1 * SEC, 100 * MSEC,
               1 * MINUTE),
    /* Coalesces a burst of xenstore events into one rebalance. */
    K_DURATION("settle", struct xb_config, settle_ms, 100 * MSEC, 0, 10 * SEC),
    /* Two 2 MiB balloon hypercalls, the same as `progress`: smaller moves
     * are not worth one (8 MiB kept a spiking guest a step behind and cost
     * a guest of density at health, BENCHMARKS.md). */
    K_SIZE("deadband", struct xb_config, deadband_kb, 4 * MIB, 0, 1 * GIB, 0),
    /* Shrink in steps: at most a quarter of a domain per step, so that a wrong
     * wish is corrected before it bites.  The policy's own probing is
     * gentler; these bound how fast it may take memory back from a guest
     * that another one needs now (measured: 5% and 64 MiB every 2 s left
     * spiking guests starving, BENCHMARKS.md) ... */
    K_DOUBLE("shrink_step", struct xb_config, shrink_step, 0.25, 0.001, 1.0),
    /* ... and never more than 256 MiB per step.  A domain whose balloon
     * stalled lately is held to 5% and 64 MiB (balancer.h). */
    K_SIZE("shrink_max", struct xb_config, shrink_max_kb, 256 * MIB, 2 * MIB,
           1 * TIB, 0),
    /* A fifth of a second: a balloon moves 50 MiB meanwhile, and a
     * spiking guest's growth is not held back by its own last step (half
     * a second cost a guest of density at health, BENCHMARKS.md). */
    K_DURATION("min_interval", struct xb_config, min_interval_ms, 200 * MSEC, 0,
               1 * HOUR),
    /* Many agent intervals (1-2s) of silence before the last record is
     * no longer trusted. */
    K_DURATION("stale_after", struct xb_config, stale_ms, 30 * SEC, 1 * SEC,
               1 * HOUR),
    /* Linux's balloon driver retries for about 15s before giving up. */
    K_DURATION("stuck_after", struct xb_config, stuck_ms, 20 * SEC, 1 * SEC,
               1 * HOUR),
    /* Three times stuck_after: long enough to rule out a slow guest. */
    K_DURATION("uncooperative_after", struct xb_config, uncoop_ms, 60 * SEC,
               1 * SEC, 24 * HOUR),
    /* A learnt floor or ceiling (a stuck domain) is tried again after
     * this: long enough not to ask every few seconds for what the guest
     * just refused, short enough to notice a guest that has freed up. */
    K_DURATION("stuck_retry", struct xb_config, stuck_retry_ms, 2 * MINUTE,
               1 * SEC, 24 * HOUR),
    /* Two balloon hypercalls' worth of movement. */
    K_SIZE("progress", struct xb_config, progress_kb, 4 * MIB, 1 * MIB, 1 * GIB,
           0),
    /* An agent samples every 1-2s; 5/s leaves room for bursts. */
    K_COUNT("records_per_second", CT_U64, struct xb_config, records_per_s, 5, 1,
            1000, 0),
    K_COUNT("records_burst", CT_UINT, struct xb_config, records_burst, 10, 1,
            10000, 0),
    /* Below about 128 MiB a Debian guest starts OOM-killing. */
    K_SIZE("min_floor", struct xb_config, min_floor_kb, 128 * MIB, 0, 1 * TIB,
           0),
    /* A dead xenstored connection is noticed within 5s. */
    K_DURATION("health_check", struct xb_config, health_ms, 5 * SEC, 1 * SEC,
               1 * HOUR),
    K_NODE("domains", cfg_rules_defaults, cfg_rules_parse, cfg_rules_dump,
           cfg_rules_dispose),
    K_OBJECT("agent", offsetof(struct xb_config, agent), &cfg_agent_schema,
             NULL),
    /* A guest hears from dom0 at least this often, so its agent can tell a
     * live controller from a dead one (it waits three periods). */
    K_DURATION("status_heartbeat", struct xb_config, status_hb_ms, 10 * SEC,
               1 * SEC, 1 * HOUR),
    /* Headroom (free net of reserve, holds and promises) under 10% of the
     * host: growth will be rationed ... */
    K_DOUBLE("pressure_tight", struct xb_config, pressure_tight, 0.10, 0.0,
             1.0),
    /* ... under 5%: the host cannot absorb a spike. */
    K_DOUBLE("pressure_critical", struct xb_config, pressure_critical, 0.05,
             0.0, 1.0),
    /* Survey thresholds for warnings: the sum of maxmem at 1.5x host
     * memory is where ballooning stops being optional ... */
    K_DOUBLE("warn_overcommit", struct xb_config, warn_overcommit, 1.5, 1.0,
             1000.0),
    /* ... a domain ballooned out of more than 10% of its static-max ... */
    K_DOUBLE("warn_inflation", struct xb_config, warn_inflation, 0.10, 0.01,
             1.0),
    /* ... for a minute, not one balloon step ... */
    K_DURATION("warn_inflation_after", struct xb_config, warn_inflation_ms,
               1 * MINUTE, 1 * SEC, 24 * HOUR),
    /* ... and a guest swapping in over 256 pages (1 MiB) a second. */
    K_COUNT("warn_swapin", CT_U64, struct xb_config, warn_swapin, 256, 1,
            1000000000, 0),
    K_STRING("socket", struct xb_config, socket_path,
             "/run/xenballoon/ctl.sock", cfg_check_socket, 0),
    /* null: the socket is root's alone (mode 0600). */
    K_STRING("socket_group", struct xb_config, socket_group, NULL,
             cfg_check_group, CK_NULL),
    /* Off unless asked for: the endpoint names every domain, so it is the
     * operator's choice to expose it, and then on loopback by default. */
    K_STRING("metrics_listen", struct xb_config, metrics_listen, NULL,
             cfg_check_listen, CK_NULL),
    K_ENUM("log_level", struct xb_config, log_level, XB_LOG_INFO,
           cfg_log_levels),
    K_END,
};
const struct cfg_schema cfg_top_schema = { cfg_top_keys, cfg_top_post };

static void
cfg_top_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
             int clean)
{
    struct xb_config *cfg = base;
    char a[CFG_VALUE_BUF], b[CFG_VALUE_BUF];

    (void)path;
    (void)obj;
    if (!clean)
        return;
    /* Both are checked once per tick; shorter would act on one sample. */
    cfg_fmt_duration(cfg->tick_ms, b, sizeof(b));
    if (cfg->stale_ms < cfg->tick_ms) {
        cfg_fmt_duration(cfg->stale_ms, a, sizeof(a));
        cfg_error(ctx, "stale_after", "%s is shorter than tick (%s)", a, b);
    }
    if (cfg->stuck_ms < cfg->tick_ms) {
        cfg_fmt_duration(cfg->stuck_ms, a, sizeof(a));
        cfg_error(ctx, "stuck_after", "%s is shorter than tick (%s)", a, b);
    }
    if (cfg->pressure_critical > cfg->pressure_tight)
        cfg_error(ctx, "pressure_critical", "%g is above pressure_tight (%g)",
                  cfg->pressure_critical, cfg->pressure_tight);
}
