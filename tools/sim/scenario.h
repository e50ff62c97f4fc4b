/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulator scenario: the host, the daemon's configuration (the real
 * schema, loaded with cfg_load_string from the "daemon" object), the
 * guests with their workloads and balloon drivers, when they arrive, and
 * an optional launcher that adds guests one at a time through the
 * make-room contract.
 * Loaded from JSON with duplicate keys rejected; unknown keys, bad types
 * and out-of-range values are errors that name their JSON path, and every
 * error is reported.  Sizes and durations take the daemon's units.
 */
#ifndef XB_SIM_SCENARIO_H
#define XB_SIM_SCENARIO_H

#include <stdint.h>

#include "config.h"
#include "errlist.h"
#include "simmodel.h"

/* One "guests" entry (count copies of it). */
struct scn_guest {
    char *name;
    unsigned count;    /* copies, named name-1 .. name-N when > 1 */
    uint64_t start_ms; /* arrival time */
    struct sim_guest g;
    char *trace_path; /* trace workload: CSV file */
    struct sim_trace trace;
};

/*
 * "launch": add guests one at a time through the make-room contract: hold
 * memory + overhead at the daemon, wait until it is free, boot, release.
 * "guest" is one template or an array of them, launched in turn.
 */
struct scn_launch {
    int enabled;
    struct scn_guest *tmpl; /* launched in turn, cycling */
    unsigned ntmpl;
    unsigned max;         /* guests at most */
    uint64_t start_ms;    /* first attempt */
    uint64_t settle_ms;   /* after a launch, before the next hold */
    uint64_t timeout_ms;  /* give up when a hold is not met this long */
    uint64_t overhead_kb; /* held on top of the guest's memory */
};

/* "holds" entry: SIZE held at the daemon from `at` for `for` (absent: to
 * the end), as `xenballoon-ctl reserve SIZE --for DURATION` would. */
struct scn_hold {
    uint64_t at_ms, kb, for_ms;
};

struct scenario {
    char *path;
    char *name;
    uint64_t duration_ms, step_ms, sample_ms, seed;
    uint64_t host_kb, xen_kb, dom0_kb;
    struct xb_config *cfg;
    struct scn_guest *guests;
    unsigned nguests;
    struct scn_launch launch;
    struct scn_hold *holds;
    unsigned nholds;
};

/* Command-line overrides applied while loading (NULL / 0: none). */
struct scn_override {
    const char *policy; /* replaces daemon.policy (params dropped) */
    uint64_t seed;
    uint64_t duration_ms;
};

struct scenario *scn_load(const char *path, const struct scn_override *ov,
                          struct xb_errlist *el);
void scn_free(struct scenario *sc);

#endif
