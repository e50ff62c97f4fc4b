/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the agent shows inside the guest: dom0's status for this domain as
 * a table or JSON (`xenballoon-agent --status [--json]`), and as a
 * Prometheus textfile for node_exporter's textfile collector
 * (`--textfile-dir DIR`: DIR/xenballoon.prom, written as .prom.tmp and
 * renamed so the collector never reads half a file).
 */
#ifndef XB_AGENT_REPORT_H
#define XB_AGENT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "gstatus.h"

#define AG_PROM_NAME "xenballoon.prom"

/* Everything the textfile shows; status NULL when dom0 publishes none. */
struct ag_report {
    const struct xb_gstatus *status;
    int controller;        /* a controller's heartbeat is alive */
    uint64_t hb_changes;   /* heartbeats seen (counter) */
    int selfballoon;       /* --selfballoon given */
    int selfballooning;    /* ... and not yielding now */
    uint64_t sb_target_kb; /* last target written; 0: none */
    uint64_t sb_writes;    /* targets written (counter) */
    uint64_t tune_clamped; /* dom0 settings clamped (counter) */
    uint64_t records;      /* records published (counter) */
};

void ag_report_table(FILE *f, const struct xb_gstatus *s);
void ag_report_json(FILE *f, const struct xb_gstatus *s);

/* Writes DIR/xenballoon.prom atomically.  0, or -1 with errno. */
int ag_report_prom(const char *dir, const struct ag_report *r);

#endif
