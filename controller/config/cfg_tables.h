/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The schema tables of config/, shared between the files that hold them
 * and the loader: the top level and the policy (cfg_top.c), the agent
 * settings and the per-domain rules (cfg_rules.c).  Only config/ includes
 * this header.
 */
#ifndef XB_CONFIG_CFG_TABLES_H
#define XB_CONFIG_CFG_TABLES_H

#include <jansson.h>

#include "cfg_schema.h"

struct cfg_ctx;

extern const struct cfg_schema cfg_top_schema;
/* "agent" at the top level (cfg_rules.c, with the rules' own). */
extern const struct cfg_schema cfg_agent_schema;
/* "domains": the rules, a node of struct xb_config (cfg_rules.c). */
void cfg_rules_defaults(void *base);
void cfg_rules_parse(struct cfg_ctx *ctx, json_t *v, const char *path,
                     void *base);
json_t *cfg_rules_dump(const void *base);
void cfg_rules_dispose(void *base);

#endif
