/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "sim" object of the config file (the simulated host and its guests
 * for the `sim` backend), private to the config module: cfg_top.c embeds
 * this schema in its top-level table.
 */
#ifndef XB_CONFIG_CFG_SIM_H
#define XB_CONFIG_CFG_SIM_H

#include "cfg_schema.h"

/* Fills struct cfg_sim (config.h). */
extern const struct cfg_schema cfg_sim_schema;

#endif
