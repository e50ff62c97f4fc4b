/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a run says: a table per guest and in total (stall, swap-ins,
 * refaults, OOM kills, target writes, mean allocation and need) for
 * people, and the same as JSON for the benchmark scripts.
 */
#ifndef XB_SIM_REPORT_H
#define XB_SIM_REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "run.h"

/* A guest is healthy when it was never OOM-killed and stalled for less
 * than this share of its life (the density benchmark's criterion). */
#define REPORT_HEALTHY_STALL 0.01

void report_table(const struct run *r, FILE *f);
/* New reference. */
json_t *report_json(const struct run *r);

#endif
