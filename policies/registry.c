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
#include "registry.h"
#include "xmalloc.h"

const struct xb_policy *const xb_policies[] = {
    &xb_policy_static,  &xb_policy_selfballoon, &xb_policy_proportional,
    &xb_policy_squeeze, &xb_policy_pressure,    NULL,
};

/* A size or duration string: a number, then one of these suffixes. */
struct pol_unit {
    const char *suffix;
    double mult;
};

static const struct pol_unit kib_units[] = {
    { "", 1.0 },           { "K", 1.0 },
    { "KiB", 1.0 },        { "k", 1.0 },
    { "M", 1024.0 },       { "MiB", 1024.0 },
    { "G", 1048576.0 },    { "GiB", 1048576.0 },
    { "T", 1073741824.0 }, { "TiB", 1073741824.0 },
    { NULL, 0.0 },
};

static const struct pol_unit ms_units[] = {
    { "", 1.0 },        { "ms", 1.0 },      { "s", 1000.0 }, { "m", 60000.0 },
    { "min", 60000.0 }, { "h", 3600000.0 }, { NULL, 0.0 },
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

/* "12", "1.5G", "250ms": 0 and *out, or -1 if not a number with a unit. */
static int
parse_unit_string(const char *s, const struct pol_unit *units, double *out)
{
    char *end;
    double v;

    if (*s == '\0' || *s == ' ' || *s == '-' || *s == '+')
        return -1;
    v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return -1;
    for (const struct pol_unit *u = units; u->suffix != NULL; u++) {
        if (strcmp(end, u->suffix) == 0) {
            *out = v * u->mult;
            return 0;
        }
    }
    return -1;
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
        if (json_is_integer(j)) {
            v = (double)json_integer_value(j);
        } else if (json_is_string(j)) {
            if (parse_unit_string(json_string_value(j),
                                  p->type == XB_PP_KIB ? kib_units : ms_units,
                                  &v) < 0) {
                xb_errlist_add(el,
                               "%s: \"%s\" is not a %s (an integer in%s or "
                               "a string like \"%s\")",
                               path, json_string_value(j),
                               p->type == XB_PP_KIB ? "size" : "duration",
                               unit_word(p),
                               p->type == XB_PP_KIB ? "512M" : "10s");
                return -1;
            }
            v = floor(v);
        } else {
            xb_errlist_add(el, "%s: expected an integer%s or a string", path,
                           unit_word(p));
            return -1;
        }
        break;
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

        xb_errlist_add(el, "%s: unknown policy '%s' (known: %s)", np,
                       name != NULL ? name : "(null)", known);
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

            xb_asprintf(&path, "%s.%s", base, key);
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
        out[i].reason[XB_POL_REASON_MAX - 1] = '\0';
    }
}
