/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated agent: see agent.h.  The decision is the agent's own
 * ag_change_decide(); the trigger's threshold and window are the agent's
 * own AG_PSI_TRIG_* constants; only the clock and /proc are the model's.
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "psi.h"
#include "xmalloc.h"

/* ms after a guest appears within which its agent starts. */
#define AG_START_MS 1000ULL

void
sim_agent_init(struct sim_agent *a, const struct xb_config *cfg,
               const struct sim_dom *d, uint64_t seed, uint64_t now_ms,
               uint64_t step_ms)
{
    struct cfg_agent s;

    memset(a, 0, sizeof(*a));
    cfg_resolve_agent(cfg, d->name, (int)d->domid, &s);
    ag_change_defaults(&a->p);
    /* dom0's settings, as the agent applies them (apply_tune). */
    if (s.heartbeat_ms > 0)
        a->p.heartbeat_ms = s.heartbeat_ms;
    if (s.step_kb > 0)
        a->p.step_min_kb = s.step_kb;
    if (s.step_permille > 0)
        a->p.step_permille = s.step_permille;
    if (s.refault_burst > 0)
        a->p.refault_burst = s.refault_burst;
    if (s.psi_min_us > 0)
        a->p.psi_min_us = s.psi_min_us;
    a->interval_ms = s.interval_ms > 0 ? s.interval_ms : 1000;
    a->psi_trigger = s.psi_trigger != 0;
    /* The agent samples as it starts, within a second of the guest
     * appearing (AG_START_MS), then every interval: the phases differ
     * from guest to guest and from seed to seed (splitmix64 of both). */
    {
        unsigned long long z = seed + 0x9e3779b97f4a7c15ULL * (d->domid + 1);
        uint64_t spread =
            a->interval_ms < AG_START_MS ? a->interval_ms : AG_START_MS;

        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        a->next_sample_ms = now_ms + z % spread;
    }
    a->nwin = (unsigned)((AG_PSI_TRIG_WINDOW_US / 1000 + step_ms - 1) /
                         (step_ms ? step_ms : 1));
    if (a->nwin == 0)
        a->nwin = 1;
    a->win_us = xb_calloc(a->nwin, sizeof(*a->win_us));
    a->prev_some_us = d->psi_some_us;
}

void
sim_agent_dispose(struct sim_agent *a)
{
    free(a->win_us);
    memset(a, 0, sizeof(*a));
}

/* The kernel's trigger: stall growth within the window over the
 * threshold; once fired, quiet until the window has passed. */
static int
psi_fired(struct sim_agent *a, const struct sim_dom *d, uint64_t now_ms)
{
    double dv = d->psi_some_us - a->prev_some_us;

    a->prev_some_us = d->psi_some_us;
    a->win_sum_us += dv - a->win_us[a->pos];
    a->win_us[a->pos] = dv;
    a->pos = (a->pos + 1) % a->nwin;
    if (!a->psi_trigger || now_ms < a->trig_quiet_until_ms ||
        a->win_sum_us < (double)AG_PSI_TRIG_STALL_US)
        return 0;
    a->trig_quiet_until_ms = now_ms + AG_PSI_TRIG_WINDOW_US / 1000;
    a->triggers++;
    return 1;
}

int
sim_agent_step(struct sim_agent *a, struct sim_dom *d, uint64_t now_ms,
               struct xb_record *out)
{
    int woke = psi_fired(a, d, now_ms), timer = now_ms >= a->next_sample_ms;
    unsigned why;

    if (!d->alive || !d->agent || (!woke && !timer))
        return 0;
    if (timer) {
        a->next_sample_ms += a->interval_ms;
        if (a->next_sample_ms <= now_ms)
            a->next_sample_ms = now_ms + a->interval_ms;
    }
    a->samples++;
    sim_dom_record(d, out);
    why = a->have_last
              ? ag_change_decide(&a->p, &a->last, a->last_ms, out, now_ms)
              : AG_WHY_FIRST;
    if (why == 0)
        return 0;
    xb_record_set(out, XB_F_SEQ, ++a->seq);
    a->last = *out;
    a->last_ms = now_ms;
    a->have_last = 1;
    a->published++;
    return 1;
}
