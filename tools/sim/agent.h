/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simulated guest's xenballoon-agent: it samples on the interval dom0
 * sets, runs the real agent's publish decision (agent/change.c,
 * ag_change_decide) on every sample, and wakes between samples when the
 * PSI trigger the real agent arms (agent/psi.h: "some" stall above a
 * threshold within a window, at most once per window) would fire.  So a
 * quiet guest publishes only its heartbeat, and a stalling one at once.
 */
#ifndef XB_SIM_AGENT_H
#define XB_SIM_AGENT_H

#include <stdint.h>

#include "change.h"
#include "config.h"
#include "record.h"
#include "simmodel.h"

struct sim_agent {
    struct ag_change_params p;
    uint64_t interval_ms;
    int psi_trigger;         /* armed */
    uint64_t next_sample_ms; /* the timer, phase kept */
    struct xb_record last;   /* last published */
    uint64_t last_ms;
    int have_last;
    uint64_t seq;
    /* PSI trigger: stall per model step over the last window. */
    double *win_us;
    unsigned nwin, pos;
    double win_sum_us, prev_some_us;
    uint64_t trig_quiet_until_ms; /* fired: not again within the window */
    /* counters */
    uint64_t samples, published, triggers;
};

/* Sets up a's agent for guest d with dom0's settings for it. */
void sim_agent_init(struct sim_agent *a, const struct xb_config *cfg,
                    const struct sim_dom *d, uint64_t seed, uint64_t now_ms,
                    uint64_t step_ms);
void sim_agent_dispose(struct sim_agent *a);
/*
 * After each model step: 1 when the agent publishes now, with the record
 * in *out (its seq set); 0 when it stays quiet.
 */
int sim_agent_step(struct sim_agent *a, struct sim_dom *d, uint64_t now_ms,
                   struct xb_record *out);

#endif
