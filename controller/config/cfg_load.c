/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The configuration file.  Every JSON object the file may hold (the top
 * level, "sim", "sim.domains[]", "policy", "domains[]") has one schema
 * table (cfg_top.c, cfg_rules.c, cfg_sim.c), and those tables alone set
 * the defaults, parse and range-check the file, dump the effective config
 * (`config show`) and free it, through the engine in cfg_schema.c;
 * tests/unit/test_config.c checks xenballoon.json(5) against them, so the
 * man page cannot drift.  This file loads: reads the file, parses it
 * through the top table, makes the policy instance, and frees.  Nothing
 * here is fatal: every problem is added to the caller's error list
 * (syntax as file:line:col, the rest as file: json.path: what is wrong
 * and what is allowed) and loading goes on to find the next one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_tables.h"
#include "cfg_value.h"
#include "config.h"
#include "registry.h"
#include "xmalloc.h"

/* The file is read whole; real configs are a few KiB. */
#define CFG_FILE_MAX (1024 * 1024)

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
