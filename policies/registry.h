/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy registry: what the daemon, the simulator and the tests use to
 * find a policy by name, validate its parameters against its table, run it
 * and describe it.  Policies themselves include only policy.h.
 */
#ifndef XB_POLICIES_REGISTRY_H
#define XB_POLICIES_REGISTRY_H

#include <jansson.h>

#include "errlist.h"
#include "policy.h"

/* NULL-terminated, in the order `policy` lists them. */
extern const struct xb_policy *const xb_policies[];

struct xb_policy_inst {
    const struct xb_policy *pol;
    void *params; /* the policy's own parameter struct, filled */
};

const struct xb_policy *xb_policy_find(const char *name);
/* "static, selfballoon, proportional, squeeze, pressure" (caller frees). */
char *xb_policy_names(void);

/*
 * Validates `params` (a JSON object, or NULL for all defaults) against the
 * policy's table and creates an instance.  Every problem is added to `el`,
 * naming the JSON path (`jpath` is the path of the params object, e.g.
 * "policy.params") and the allowed range; unknown names list the known
 * policies.  Returns NULL if anything was wrong.
 */
struct xb_policy_inst *xb_policy_create(const char *name, const json_t *params,
                                        const char *jpath,
                                        struct xb_errlist *el);
void xb_policy_destroy(struct xb_policy_inst *pi);

/* {"name":..,"summary":..,"params":{..}} (new reference). */
json_t *xb_policy_describe(const struct xb_policy_inst *pi);
/* Every policy with its parameter table: name, type, default, range, help. */
json_t *xb_policy_catalogue(void);

/*
 * Runs the policy and then clamps every wanted target into [min_kb, max_kb]
 * (a policy bug must not reach the balancer unclamped) and every need
 * estimate to 16 TiB (POL_KIB_MAX: a lying record must not make `show`,
 * the metrics or the guest's status line carry an impossible need).
 */
void xb_policy_plan(const struct xb_policy_inst *pi,
                    const struct xb_pol_snapshot *snap,
                    struct xb_pol_want *out);

#endif
