/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-domain rules applied: which rules match a domain (by domid or
 * fnmatch(3) pattern on its name, first match wins per setting) and what
 * they give it, its limits and weight (cfg_resolve) and its agent's
 * settings (cfg_resolve_agent).
 */
#include <fnmatch.h>
#include <string.h>

#include "config.h"

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
