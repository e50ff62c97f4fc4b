/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The configuration file.  Every JSON object the file may hold (the top
 * level, "sim", "sim.domains[]", "policy", "domains[]") has one schema
 * table, here or in cfg_sim.c, and those tables alone set the defaults,
 * parse and range-check the file, dump the effective config (`config
 * show`) and free it, through the engine in cfg_schema.c;
 * tests/unit/test_config.c checks xenballoon.json(5) against them, so the
 * man page cannot drift.  This file owns the tables of the top level, the
 * rules and the policy, the checks across their keys, loading and
 * cfg_resolve.  Nothing here is fatal: every problem is added to the
 * caller's error list (syntax as file:line:col, the rest as file:
 * json.path: what is wrong and what is allowed) and loading goes on to
 * find the next one.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_schema.h"
#include "cfg_sim.h"
#include "cfg_value.h"
#include "config.h"
#include "registry.h"
#include "xmalloc.h"

/* The file is read whole; real configs are a few KiB. */
#define CFG_FILE_MAX (1024 * 1024)
/* Xen reserves domids from DOMID_FIRST_RESERVED (0x7FF0) up. */
#define CFG_DOMID_MAX 32751
/* A cap on the rules, so a runaway generator cannot make us allocate
 * forever. */
#define CFG_RULES_MAX 1024
/* sun_path holds 108 bytes including the NUL. */
#define CFG_SOCKET_MAX 107

/*
 * String checks.
 */

static int
cfg_check_nonempty(const char *s, char **cause)
{
    if (*s != '\0')
        return 0;
    xb_set_cause(cause, "must not be empty");
    return -1;
}

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

/*
 * "agent" (top level and per rule): the settings each guest's agent is
 * handed through memory/xenballoon/agent.  The ranges are the agent's own
 * bounds (common/gstatus.c), so what dom0 sends is never clamped there.
 */

/* Sampling ten times a second: a guest filling its memory at 256 MiB/s is
 * seen within 26 MiB, not 256 (BENCHMARKS.md: density at health went
 * from 6 to 7 eatmem guests).  A sample costs the agent ~160 us of CPU,
 * and it writes only on change. */
static const struct cfg_key cfg_agent_keys[] = {
    K_DURATION("interval", struct cfg_agent, interval_ms, 100 * MSEC,
               100 * MSEC, 1 * HOUR),
    /* Well inside stale_after (30s), so a live agent never looks stale. */
    K_DURATION("heartbeat", struct cfg_agent, heartbeat_ms, 10 * SEC, 1 * SEC,
               1 * HOUR),
    K_BOOL("compat", struct cfg_agent, compat, 1, 0),
    K_BOOL("psi_trigger", struct cfg_agent, psi_trigger, 1, 0),
    /* Four balloon hypercalls; the agent's own default. */
    K_SIZE("step", struct cfg_agent, step_kb, 8 * MIB, 1 * MIB, 1 * GIB, 0),
    K_COUNT("step_permille", CT_UINT, struct cfg_agent, step_permille, 20, 1,
            1000, 0),
    K_COUNT("refault_burst", CT_U64, struct cfg_agent, refault_burst, 1024, 64,
            UINT64_C(1) << 32, 0),
    K_COUNT("psi_min_us", CT_U64, struct cfg_agent, psi_min_us, 1000, 100,
            60 * 1000 * 1000, 0),
    K_END,
};
static const struct cfg_schema cfg_agent_schema = { cfg_agent_keys, NULL };

/* The same keys in a rule, every one unset unless given. */
#define K_AGENT_DURATION(n, f, lo, hi)                                         \
    {                                                                          \
        .name = (n), .type = CT_DURATION,                                      \
        .off = offsetof(struct cfg_agent, f), .def = 0, .min = (lo),           \
        .max = (hi), .flags = CK_SPARSE                                        \
    }
static const struct cfg_key cfg_rule_agent_keys[] = {
    K_AGENT_DURATION("interval", interval_ms, 100 * MSEC, 1 * HOUR),
    K_AGENT_DURATION("heartbeat", heartbeat_ms, 1 * SEC, 1 * HOUR),
    K_BOOL("compat", struct cfg_agent, compat, -1, CK_SPARSE),
    K_BOOL("psi_trigger", struct cfg_agent, psi_trigger, -1, CK_SPARSE),
    K_SIZE("step", struct cfg_agent, step_kb, 0, 1 * MIB, 1 * GIB, CK_SPARSE),
    K_COUNT("step_permille", CT_UINT, struct cfg_agent, step_permille, 0, 1,
            1000, CK_SPARSE),
    K_COUNT("refault_burst", CT_U64, struct cfg_agent, refault_burst, 0, 64,
            UINT64_C(1) << 32, CK_SPARSE),
    K_COUNT("psi_min_us", CT_U64, struct cfg_agent, psi_min_us, 0, 100,
            60 * 1000 * 1000, CK_SPARSE),
    K_END,
};
static const struct cfg_schema cfg_rule_agent_schema = { cfg_rule_agent_keys,
                                                         NULL };

static int
cfg_rule_agent_shown(const void *base)
{
    const struct cfg_agent *a = &((const struct cfg_rule *)base)->agent;

    return a->interval_ms || a->heartbeat_ms || a->compat >= 0 ||
           a->psi_trigger >= 0 || a->step_kb || a->step_permille ||
           a->refault_burst || a->psi_min_us;
}

/*
 * "domains": the per-domain rules.
 */

static void cfg_rule_post(struct cfg_ctx *, const char *, void *, json_t *,
                          int);

/* Every field starts unset; cfg_resolve() falls through to the next rule. */
static const struct cfg_key cfg_rule_keys[] = {
    K_STRING("match", struct cfg_rule, pattern, NULL, cfg_check_nonempty,
             CK_SPARSE),
    K_COUNT("domid", CT_INT, struct cfg_rule, domid, -1, 0, CFG_DOMID_MAX,
            CK_SPARSE),
    /* A Linux guest does not boot in less than a few MiB; 16 TiB is the
     * most memory Xen 4.17 supports on x86. */
    K_SIZE("min", struct cfg_rule, min_kb, 0, 1 * MIB, 16 * TIB, CK_SPARSE),
    K_SIZE("max", struct cfg_rule, max_kb, 0, 1 * MIB, 16 * TIB, CK_SPARSE),
    /* Relative share; unset means 100 (policy.h). */
    K_COUNT("weight", CT_UINT, struct cfg_rule, weight, 0, 1, 10000, CK_SPARSE),
    K_BOOL("exclude", struct cfg_rule, exclude, -1, CK_SPARSE),
    K_OBJECT("agent", offsetof(struct cfg_rule, agent), &cfg_rule_agent_schema,
             cfg_rule_agent_shown),
    K_END,
};
static const struct cfg_schema cfg_rule_schema = { cfg_rule_keys,
                                                   cfg_rule_post };

static void
cfg_rule_post(struct cfg_ctx *ctx, const char *path, void *base, json_t *obj,
              int clean)
{
    struct cfg_rule *r = base;
    char lo[CFG_VALUE_BUF], hi[CFG_VALUE_BUF];
    int has_match = json_object_get(obj, "match") != NULL;
    int has_domid = json_object_get(obj, "domid") != NULL;

    if (has_match == has_domid)
        cfg_error(ctx, path, "needs exactly one of \"match\" or \"domid\"");
    if (json_object_get(obj, "min") == NULL &&
        json_object_get(obj, "max") == NULL &&
        json_object_get(obj, "weight") == NULL &&
        json_object_get(obj, "exclude") == NULL &&
        json_object_get(obj, "agent") == NULL)
        cfg_error(ctx, path,
                  "sets nothing (give min, max, weight, exclude or agent)");
    if (clean && r->min_kb != 0 && r->max_kb != 0 && r->min_kb > r->max_kb) {
        cfg_fmt_size(r->min_kb, lo, sizeof(lo));
        cfg_fmt_size(r->max_kb, hi, sizeof(hi));
        cfg_error(ctx, path, "min (%s) is greater than max (%s)", lo, hi);
    }
}

static void
cfg_rules_defaults(void *base)
{
    struct xb_config *cfg = base;

    TAILQ_INIT(&cfg->rules);
}

static void
cfg_rules_parse(struct cfg_ctx *ctx, json_t *v, const char *path, void *base)
{
    struct xb_config *cfg = base;
    struct cfg_rule *r;
    char *epath;
    size_t i;
    json_t *e;

    if (!json_is_array(v)) {
        cfg_error(ctx, path, "expected an array, got %s",
                  cfg_type_name(json_typeof(v)));
        return;
    }
    if (json_array_size(v) > CFG_RULES_MAX) {
        cfg_error(ctx, path, "has %zu rules, at most %d are allowed",
                  json_array_size(v), CFG_RULES_MAX);
        return;
    }
    json_array_foreach(v, i, e) {
        xb_asprintf(&epath, "%s[%zu]", path, i);
        if (cfg_want_object(ctx, e, epath) == 0) {
            r = xb_calloc(1, sizeof(*r));
            cfg_schema_defaults(&cfg_rule_schema, r);
            TAILQ_INSERT_TAIL(&cfg->rules, r, entry);
            cfg_parse_object(ctx, &cfg_rule_schema, e, epath, r);
        }
        free(epath);
    }
}

static json_t *
cfg_rules_dump(const void *base)
{
    const struct xb_config *cfg = base;
    const struct cfg_rule *r;
    json_t *a = json_array();

    TAILQ_FOREACH(r, &cfg->rules, entry)
        json_array_append_new(a, cfg_dump_object(&cfg_rule_schema, r));
    return a;
}

static void
cfg_rules_dispose(void *base)
{
    struct xb_config *cfg = base;
    struct cfg_rule *r;

    while ((r = TAILQ_FIRST(&cfg->rules)) != NULL) {
        TAILQ_REMOVE(&cfg->rules, r, entry);
        cfg_schema_dispose(&cfg_rule_schema, r);
        free(r);
    }
}

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
    /* Four 2 MiB balloon hypercalls: smaller moves are not worth one. */
    K_SIZE("deadband", struct xb_config, deadband_kb, 8 * MIB, 0, 1 * GIB, 0),
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
    /* Half a second: a balloon moves 100+ MiB meanwhile, and the agent
     * has published what it did. */
    K_DURATION("min_interval", struct xb_config, min_interval_ms, 500 * MSEC, 0,
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
static const struct cfg_schema cfg_top_schema = { cfg_top_keys, cfg_top_post };

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

/*
 * Entry points.
 */

void
cfg_defaults(struct xb_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->path = NULL;
    cfg->policy_params = NULL;
    cfg->policy = NULL;
    cfg_schema_defaults(&cfg_top_schema, cfg);
}

/*
 * Creates the policy instance; its messages get the file name in front.
 * When the "policy" object itself was malformed only the name is checked
 * (params NULL), so that a bad name is still reported.
 */
static void
cfg_make_policy(struct cfg_ctx *ctx, struct xb_config *cfg)
{
    struct xb_errlist pel;
    char *prefix;

    xb_errlist_init(&pel);
    cfg->policy = xb_policy_create(cfg->policy_name,
                                   ctx->policy_bad ? NULL : cfg->policy_params,
                                   "policy.params", &pel);
    if (ctx->policy_bad && cfg->policy != NULL) {
        xb_policy_destroy(cfg->policy);
        cfg->policy = NULL;
    }
    xb_asprintf(&prefix, "%s: ", ctx->name);
    xb_errlist_append(ctx->el, &pel, prefix);
    free(prefix);
    if (cfg->policy == NULL && pel.n == 0 && !ctx->policy_bad)
        cfg_error(ctx, "policy", "cannot be created");
    xb_errlist_dispose(&pel);
}

static struct xb_config *
cfg_from_json(json_t *root, const char *name, const char *path,
              struct xb_errlist *el)
{
    struct cfg_ctx ctx = { name, el, 0 };
    struct xb_config *cfg = xb_malloc(sizeof(*cfg));
    size_t start = el->n;

    cfg_defaults(cfg);
    if (path != NULL)
        cfg->path = xb_strdup(path);
    if (root != NULL) {
        if (json_is_object(root))
            cfg_parse_object(&ctx, &cfg_top_schema, root, "", cfg);
        else
            cfg_error(&ctx, NULL, "expected an object at the top, got %s",
                      cfg_type_name(json_typeof(root)));
    }
    cfg_make_policy(&ctx, cfg);
    if (el->n != start) {
        cfg_free(cfg);
        return NULL;
    }
    return cfg;
}

static struct xb_config *
cfg_load_buffer(const char *buf, size_t len, const char *name, const char *path,
                struct xb_errlist *el)
{
    struct xb_config *cfg;
    json_error_t jerr;
    json_t *root;

    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        /* jansson quotes the file's bytes it stopped at: quoted again. */
        char *text = xb_quote_near(jerr.text);

        if (jerr.line > 0)
            xb_errlist_add(el, "%s:%d:%d: %s", name, jerr.line, jerr.column,
                           text);
        else
            xb_errlist_add(el, "%s: %s", name, text);
        free(text);
        return NULL;
    }
    cfg = cfg_from_json(root, name, path, el);
    json_decref(root);
    return cfg;
}

struct xb_config *
cfg_load(const char *path, struct xb_errlist *el)
{
    struct xb_config *cfg = NULL;
    size_t len = 0, n;
    char *buf;
    FILE *f;

    if (path == NULL) {
        struct cfg_ctx ctx = { "(defaults)", el, 0 };

        cfg = xb_malloc(sizeof(*cfg));
        cfg_defaults(cfg);
        cfg_make_policy(&ctx, cfg);
        if (cfg->policy == NULL) {
            cfg_free(cfg);
            return NULL;
        }
        return cfg;
    }
    if ((f = fopen(path, "r")) == NULL) {
        xb_errlist_add(el, "%s: %s", path, strerror(errno));
        return NULL;
    }
    buf = xb_malloc(CFG_FILE_MAX + 1);
    while ((n = fread(buf + len, 1, CFG_FILE_MAX + 1 - len, f)) > 0)
        len += n;
    if (ferror(f))
        xb_errlist_add(el, "%s: %s", path, strerror(errno));
    else if (len > CFG_FILE_MAX)
        xb_errlist_add(el, "%s: larger than %d bytes", path, CFG_FILE_MAX);
    else
        cfg = cfg_load_buffer(buf, len, path, path, el);
    fclose(f);
    free(buf);
    return cfg;
}

struct xb_config *
cfg_load_string(const char *text, const char *name, struct xb_errlist *el)
{
    return cfg_load_buffer(text, strlen(text), name ? name : "(string)", NULL,
                           el);
}

void
cfg_free(struct xb_config *cfg)
{
    if (cfg == NULL)
        return;
    if (cfg->policy != NULL)
        xb_policy_destroy(cfg->policy);
    cfg_schema_dispose(&cfg_top_schema, cfg);
    free(cfg->path);
    free(cfg);
}

json_t *
cfg_to_json(const struct xb_config *cfg)
{
    return cfg_dump_object(&cfg_top_schema, cfg);
}

static int
cfg_rule_matches(const struct cfg_rule *r, const char *name, int domid)
{
    if (r->domid >= 0)
        return r->domid == domid;
    return r->pattern != NULL && name != NULL &&
           fnmatch(r->pattern, name, 0) == 0;
}

void
cfg_resolve(const struct xb_config *cfg, const char *name, int domid,
            struct cfg_domset *out)
{
    const struct cfg_rule *r;
    int exclude = -1;

    memset(out, 0, sizeof(*out));
    TAILQ_FOREACH(r, &cfg->rules, entry) {
        if (!cfg_rule_matches(r, name, domid))
            continue;
        if (out->min_kb == 0)
            out->min_kb = r->min_kb;
        if (out->max_kb == 0)
            out->max_kb = r->max_kb;
        if (out->weight == 0)
            out->weight = r->weight;
        if (exclude < 0)
            exclude = r->exclude;
    }
    /* Rules from different lines may cross; the ceiling wins. */
    if (out->min_kb != 0 && out->max_kb != 0 && out->min_kb > out->max_kb)
        out->min_kb = out->max_kb;
    if (out->weight == 0)
        out->weight = 100;
    out->exclude = exclude > 0;
    /* dom0 is never touched, whatever a rule says: Xen's own advice is a
     * fixed dom0_mem with autoballooning off, and the daemon runs there. */
    if (domid == 0)
        out->exclude = 1;
}

int
cfg_rule_size(const char *key, const char *text, uint64_t *kb, char **cause)
{
    for (const struct cfg_key *k = cfg_rule_keys; k->name != NULL; k++)
        if (k->type == CT_SIZE && strcmp(k->name, key) == 0)
            return cfg_key_parse_text(k, text, 1, kb, cause);
    xb_set_cause(cause, "no size setting %s", key);
    return -1;
}

void
cfg_resolve_agent(const struct xb_config *cfg, const char *name, int domid,
                  struct cfg_agent *out)
{
    const struct cfg_rule *r;
    struct cfg_agent set; /* what a rule already decided: nonzero */

    *out = cfg->agent;
    memset(&set, 0, sizeof(set));
    TAILQ_FOREACH(r, &cfg->rules, entry) {
        const struct cfg_agent *a = &r->agent;

        if (!cfg_rule_matches(r, name, domid))
            continue;
#define CFG_TAKE(f, unset)                                                     \
    if (!set.f && a->f != (unset)) {                                           \
        out->f = a->f;                                                         \
        set.f = 1;                                                             \
    }
        CFG_TAKE(interval_ms, 0)
        CFG_TAKE(heartbeat_ms, 0)
        CFG_TAKE(compat, -1)
        CFG_TAKE(psi_trigger, -1)
        CFG_TAKE(step_kb, 0)
        CFG_TAKE(step_permille, 0)
        CFG_TAKE(refault_burst, 0)
        CFG_TAKE(psi_min_us, 0)
#undef CFG_TAKE
    }
}
