/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The config's per-domain side: the "agent" settings (top level and per
 * rule) and the "domains" rules, as schema tables (cfg_schema.c runs
 * them), the checks across a rule's keys, and the rules' list node of
 * struct xb_config.  cfg_resolve.c applies the rules to a domain.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_tables.h"
#include "cfg_value.h"
#include "config.h"
#include "xmalloc.h"

/* Xen reserves domids from DOMID_FIRST_RESERVED (0x7FF0) up. */
#define CFG_DOMID_MAX 32751
/* A cap on the rules, so a runaway generator cannot make us allocate
 * forever. */
#define CFG_RULES_MAX 1024

static int
cfg_check_nonempty(const char *s, char **cause)
{
    if (*s != '\0')
        return 0;
    xb_set_cause(cause, "must not be empty");
    return -1;
}

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
const struct cfg_schema cfg_agent_schema = { cfg_agent_keys, NULL };

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

void
cfg_rules_defaults(void *base)
{
    struct xb_config *cfg = base;

    TAILQ_INIT(&cfg->rules);
}

void
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

json_t *
cfg_rules_dump(const void *base)
{
    const struct xb_config *cfg = base;
    const struct cfg_rule *r;
    json_t *a = json_array();

    TAILQ_FOREACH(r, &cfg->rules, entry)
        json_array_append_new(a, cfg_dump_object(&cfg_rule_schema, r));
    return a;
}

void
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

int
cfg_rule_size(const char *key, const char *text, uint64_t *kb, char **cause)
{
    for (const struct cfg_key *k = cfg_rule_keys; k->name != NULL; k++)
        if (k->type == CT_SIZE && strcmp(k->name, key) == 0)
            return cfg_key_parse_text(k, text, 1, kb, cause);
    xb_set_cause(cause, "no size setting %s", key);
    return -1;
}
