/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The policy registry: the list of built-in policies, parameter validation
 * against each policy's table (every error reported with its JSON path and
 * range), instance lifetime, the describe/catalogue JSON, and the one entry
 * point that runs a plan and clamps its result.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "number.h"
#include "quote.h"
#include "registry.h"
#include "xmalloc.h"

const struct xb_policy *const xb_policies[] = {
    &xb_policy_static,  &xb_policy_selfballoon, &xb_policy_proportional,
    &xb_policy_squeeze, &xb_policy_pressure,    NULL,
};

static const char *const ptype_names[] = {
    [XB_PP_DOUBLE] = "double",
    [XB_PP_UINT] = "uint",
    [XB_PP_KIB] = "kib",
    [XB_PP_MS] = "ms",
};

const struct xb_policy *
xb_policy_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; xb_policies[i] != NULL; i++)
        if (strcmp(xb_policies[i]->name, name) == 0)
            return xb_policies[i];
    return NULL;
}

char *
xb_policy_names(void)
{
    size_t len = 1;
    char *out;

    for (size_t i = 0; xb_policies[i] != NULL; i++)
        len += strlen(xb_policies[i]->name) + 2;
    out = xb_malloc(len);
    out[0] = '\0';
    for (size_t i = 0; xb_policies[i] != NULL; i++) {
        if (i > 0)
            strcat(out, ", ");
        strcat(out, xb_policies[i]->name);
    }
    return out;
}

static char *
param_names(const struct xb_policy *pol)
{
    size_t len = 1;
    char *out;

    for (const struct xb_pol_param *p = pol->params; p->name != NULL; p++)
        len += strlen(p->name) + 2;
    out = xb_malloc(len);
    out[0] = '\0';
    for (const struct xb_pol_param *p = pol->params; p->name != NULL; p++) {
        if (p != pol->params)
            strcat(out, ", ");
        strcat(out, p->name);
    }
    return out;
}

static const struct xb_pol_param *
param_find(const struct xb_policy *pol, const char *key)
{
    for (const struct xb_pol_param *p = pol->params; p->name != NULL; p++)
        if (strcmp(p->name, key) == 0)
            return p;
    return NULL;
}

static void
param_store(void *params, const struct xb_pol_param *p, double v)
{
    char *at = (char *)params + p->offset;

    switch (p->type) {
    case XB_PP_DOUBLE:
        memcpy(at, &v, sizeof(v));
        break;
    case XB_PP_UINT: {
        unsigned u = (unsigned)v;

        memcpy(at, &u, sizeof(u));
        break;
    }
    case XB_PP_KIB:
    case XB_PP_MS: {
        uint64_t u = (uint64_t)v;

        memcpy(at, &u, sizeof(u));
        break;
    }
    }
}

static double
param_load(const void *params, const struct xb_pol_param *p)
{
    const char *at = (const char *)params + p->offset;

    switch (p->type) {
    case XB_PP_DOUBLE: {
        double v;

        memcpy(&v, at, sizeof(v));
        return v;
    }
    case XB_PP_UINT: {
        unsigned u;

        memcpy(&u, at, sizeof(u));
        return u;
    }
    case XB_PP_KIB:
    case XB_PP_MS: {
        uint64_t u;

        memcpy(&u, at, sizeof(u));
        return (double)u;
    }
    }
    return 0.0;
}

static const char *
unit_word(const struct xb_pol_param *p)
{
    return p->type == XB_PP_KIB ? " KiB" : p->type == XB_PP_MS ? " ms" : "";
}

/*
 * A size or duration parameter: a JSON integer in KiB or ms, or a string
 * for the shared parser (common/number.h), with the same range check and
 * words as every other size and duration in the config.
 */
static int
param_quantity(const struct xb_pol_param *p, const json_t *j, const char *path,
               struct xb_errlist *el, double *out)
{
    enum xb_qty q = p->type == XB_PP_KIB ? XB_QTY_SIZE : XB_QTY_DURATION;
    char *cause = NULL;
    uint64_t v;
    int rc;

    if (json_is_integer(j))
        rc = xb_qty_from_int(q, json_integer_value(j), &v, &cause);
    else if (json_is_string(j))
        rc = xb_qty_parse(q, json_string_value(j), 0, &v, &cause);
    else {
        xb_errlist_add(el, "%s: expected an integer%s or a string", path,
                       unit_word(p));
        return -1;
    }
    if (rc == 0)
        rc = xb_qty_check(q, v, (uint64_t)p->min, (uint64_t)p->max, &cause);
    if (rc != 0) {
        xb_errlist_add(el, "%s: %s", path, cause);
        free(cause);
        return -1;
    }
    *out = (double)v;
    return 0;
}

/* Converts one JSON value; on error adds a message naming `path`. */
static int
param_value(const struct xb_pol_param *p, const json_t *j, const char *path,
            struct xb_errlist *el, double *out)
{
    double v;

    switch (p->type) {
    case XB_PP_DOUBLE:
        if (!json_is_number(j)) {
            xb_errlist_add(el, "%s: expected a number", path);
            return -1;
        }
        v = json_number_value(j);
        break;
    case XB_PP_UINT:
        if (!json_is_integer(j)) {
            xb_errlist_add(el, "%s: expected an integer", path);
            return -1;
        }
        v = (double)json_integer_value(j);
        break;
    case XB_PP_KIB:
    case XB_PP_MS:
        return param_quantity(p, j, path, el, out);
    default:
        return -1;
    }
    if (!(v >= p->min && v <= p->max)) {
        xb_errlist_add(el, "%s: %.15g%s is out of range [%.15g, %.15g]%s", path,
                       v, unit_word(p), p->min, p->max, unit_word(p));
        return -1;
    }
    *out = v;
    return 0;
}

/* "policy.params" -> "policy.name"; NULL -> "name". */
static char *
name_path(const char *jpath)
{
    const char *dot = jpath != NULL ? strrchr(jpath, '.') : NULL;
    char *out;

    if (dot == NULL)
        return xb_strdup("name");
    xb_asprintf(&out, "%.*s.name", (int)(dot - jpath), jpath);
    return out;
}

struct xb_policy_inst *
xb_policy_create(const char *name, const json_t *params, const char *jpath,
                 struct xb_errlist *el)
{
    const struct xb_policy *pol = xb_policy_find(name);
    const char *base = jpath != NULL ? jpath : "params";
    size_t nerr = el->n;
    struct xb_policy_inst *pi;
    const char *key;
    json_t *val;

    if (pol == NULL) {
        char *known = xb_policy_names(), *np = name_path(jpath);
        char *q = xb_quote(name != NULL ? name : "(null)");

        xb_errlist_add(el, "%s: unknown policy %s (known: %s)", np, q, known);
        free(q);
        free(np);
        free(known);
        return NULL;
    }
    if (pol->abi != XB_POLICY_ABI) {
        xb_errlist_add(el, "%s: policy '%s' has ABI %u, expected %u", base,
                       pol->name, pol->abi, XB_POLICY_ABI);
        return NULL;
    }
    pi = xb_calloc(1, sizeof(*pi));
    pi->pol = pol;
    pi->params = xb_calloc(1, pol->params_size > 0 ? pol->params_size : 1);
    for (const struct xb_pol_param *p = pol->params; p->name != NULL; p++)
        param_store(pi->params, p, p->def);

    if (params != NULL && !json_is_null(params) && !json_is_object(params)) {
        xb_errlist_add(el, "%s: expected an object", base);
    } else if (params != NULL && json_is_object(params)) {
        /* jansson's foreach wants a non-const object; it does not modify. */
        json_t *obj = (json_t *)(uintptr_t)params;

        json_object_foreach(obj, key, val) {
            const struct xb_pol_param *p = param_find(pol, key);
            char *path;
            double v;

            path = xb_path_key(base, key);
            if (p == NULL) {
                char *valid = param_names(pol);

                if (*valid == '\0')
                    xb_errlist_add(el,
                                   "%s: unknown parameter (policy '%s' "
                                   "takes none)",
                                   path, pol->name);
                else
                    xb_errlist_add(el,
                                   "%s: unknown parameter (valid for '%s': "
                                   "%s)",
                                   path, pol->name, valid);
                free(valid);
            } else if (param_value(p, val, path, el, &v) == 0) {
                param_store(pi->params, p, v);
            }
            free(path);
        }
    }
    if (el->n == nerr && pol->init != NULL) {
        char *cause = NULL;

        if (pol->init(pi->params, &cause) < 0) {
            xb_errlist_add(el, "%s: %s", base,
                           cause != NULL ? cause : "invalid parameters");
            free(cause);
            free(pi->params);
            free(pi);
            return NULL;
        }
    }
    if (el->n != nerr) {
        free(pi->params);
        free(pi);
        return NULL;
    }
    return pi;
}

void
xb_policy_destroy(struct xb_policy_inst *pi)
{
    if (pi == NULL)
        return;
    if (pi->pol->fini != NULL)
        pi->pol->fini(pi->params);
    free(pi->params);
    free(pi);
}

static json_t *
param_json(const struct xb_pol_param *p, double v)
{
    if (p->type == XB_PP_DOUBLE)
        return json_real(v);
    return json_integer((json_int_t)v);
}

json_t *
xb_policy_describe(const struct xb_policy_inst *pi)
{
    json_t *params = json_object();

    for (const struct xb_pol_param *p = pi->pol->params; p->name != NULL; p++)
        json_object_set_new(params, p->name,
                            param_json(p, param_load(pi->params, p)));
    return json_pack("{s:s, s:s, s:o}", "name", pi->pol->name, "summary",
                     pi->pol->summary, "params", params);
}

json_t *
xb_policy_catalogue(void)
{
    json_t *all = json_array();

    for (size_t i = 0; xb_policies[i] != NULL; i++) {
        const struct xb_policy *pol = xb_policies[i];
        json_t *params = json_array();

        for (const struct xb_pol_param *p = pol->params; p->name != NULL; p++)
            json_array_append_new(
                params,
                json_pack("{s:s, s:s, s:o, s:o, s:o, s:s}", "name", p->name,
                          "type", ptype_names[p->type], "default",
                          param_json(p, p->def), "min", param_json(p, p->min),
                          "max", param_json(p, p->max), "help", p->help));
        json_array_append_new(all, json_pack("{s:s, s:s, s:i, s:o}", "name",
                                             pol->name, "summary", pol->summary,
                                             "history", (int)pol->history,
                                             "params", params));
    }
    return all;
}

void
xb_policy_plan(const struct xb_policy_inst *pi,
               const struct xb_pol_snapshot *snap, struct xb_pol_want *out)
{
    if (snap->ndoms == 0)
        return;
    /* Zeroed first so that unused reason bytes are reproducible too. */
    memset(out, 0, snap->ndoms * sizeof(*out));
    pi->pol->plan(pi->params, snap, out);
    for (unsigned i = 0; i < snap->ndoms; i++) {
        out[i].target_kb = xb_pol_clamp(&snap->doms[i], out[i].target_kb);
        /* A need estimate from a lying record stays within what any
         * guest could need, for show, the metrics and the status line. */
        if (out[i].need_kb > (uint64_t)POL_KIB_MAX)
            out[i].need_kb = (uint64_t)POL_KIB_MAX;
        out[i].reason[XB_POL_REASON_MAX - 1] = '\0';
    }
}
