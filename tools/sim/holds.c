/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Holds in a simulation run: see holds.h.  The figures a hold is judged
 * on are taken at placement, from the same state the daemon would see
 * (its domain table) and from the truth the daemon cannot see (the model's
 * drivers: hidden floors, stuck and intermittent balloons, true speeds).
 */
#include <stdlib.h>
#include <string.h>

#include "holds.h"
#include "run.h"
#include "xmalloc.h"

#define NONE UINT64_MAX

/* The goal: a hold is met within this multiple of the physical
 * lower bound, plus one tick and one settle delay for the daemon to see
 * it and act, plus stuck_after when a donor it counts on stalls. */
#define HOLD_BOUND_FACTOR 1.5
/* Idle memory above this, KiB, while a hold is not met counts as left
 * idle: two progress steps' worth of balloon inaccuracy. */
#define HOLD_IDLE_SLACK_KB (8 * 1024ULL)

static uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

void
holds_init(struct run_holds *hs, const struct scenario *sc)
{
    hs->n = sc->nholds;
    hs->v = xb_calloc(hs->n ? hs->n : 1, sizeof(*hs->v));
    for (unsigned i = 0; i < hs->n; i++) {
        hs->v[i].spec = &sc->holds[i];
        hs->v[i].placed_ms = hs->v[i].met_ms = hs->v[i].end_ms = NONE;
        hs->v[i].lb_ms = hs->v[i].bound_ms = NONE;
        hs->v[i].cascade_bound_ms = NONE;
    }
}

void
holds_dispose(struct run_holds *hs)
{
    free(hs->v);
    memset(hs, 0, sizeof(*hs));
}

uint64_t
holds_kb(const struct run_holds *hs)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < hs->n; i++)
        if (hs->v[i].active)
            sum += hs->v[i].spec->kb;
    return sum;
}

/* The daemon's min for a guest (its rules), or the guest's allocation
 * when the daemon does not know it. */
static const struct dom *
dom_of(const struct run *r, uint32_t domid)
{
    return domtab_find(&r->t, domid);
}

/* A guest the controller balances and whose balloon moves at all. */
static int
true_donor(const struct run *r, const struct sim_dom *sd)
{
    return sd->alive && sd->agent && sim_dom_mean_rate(sd) > 0 &&
           dom_of(r, sd->domid) != NULL;
}

/* Its true room: down to the larger of the daemon's min and what the
 * balloon can reach. */
static uint64_t
true_lowest(const struct run *r, const struct sim_dom *sd)
{
    uint64_t lo = sim_dom_lowest_kb(sd), min = dom_of(r, sd->domid)->min_kb;

    return lo > min ? lo : min;
}

/* Does a donor the daemon counts on stop short without telling it?  Then
 * the daemon needs stuck_after to notice. */
static int
stalls(const struct run *r, const struct sim_dom *sd)
{
    const struct dom *dom = dom_of(r, sd->domid);

    if (!sd->alive || !sd->agent || dom == NULL || sd->actual_kb <= dom->min_kb)
        return 0;
    if (sd->driver == SIM_DRV_STUCK)
        return 1;
    if (sd->driver == SIM_DRV_INTERMITTENT &&
        sd->stuck_ms >= r->sc->cfg->stuck_ms)
        return 1;
    return sd->hidden_floor_kb > dom->min_kb;
}

static void
place(struct run *r, struct hold_rec *h, uint64_t other_kb)
{
    const struct xb_config *cfg = r->sc->cfg;
    const struct sim_host *host = &r->h;
    uint64_t free_kb = sim_host_free_kb(host), room = 0;
    uint64_t promised = sim_host_promised_kb(host);
    struct bal_params p = { .rate_kb_s = BAL_RATE_DEFAULT_KB_S };
    struct bal_dom *bd = xb_calloc(host->n, sizeof(*bd));

    h->active = h->placed = 1;
    h->placed_ms = host->now_ms;
    if (h->spec->for_ms != 0)
        h->end_ms = host->now_ms + h->spec->for_ms;
    /* What `reserve` would answer now. */
    h->feasible_kb = sat_sub(free_kb + domtab_reclaimable(&r->t, NULL),
                             cfg->reserve_kb + r->held_kb + other_kb);
    for (unsigned i = 1; i < host->n; i++) {
        const struct sim_dom *sd = &host->doms[i];

        if (stalls(r, sd)) {
            h->stalls = 1;
            h->nstalls++;
        }
        if (!true_donor(r, sd))
            continue;
        bd[i].managed = 1;
        bd[i].domid = sd->domid;
        bd[i].actual_kb = bd[i].target_kb = bd[i].new_target_kb = sd->actual_kb;
        bd[i].min_kb = true_lowest(r, sd);
        bd[i].max_kb =
            sd->maxmem_kb > sd->actual_kb ? sd->maxmem_kb : sd->actual_kb;
        bd[i].rate_kb_s = sim_dom_mean_rate(sd);
        room += sat_sub(sd->actual_kb, bd[i].min_kb);
    }
    h->true_possible_kb = sat_sub(free_kb + room, cfg->reserve_kb + r->held_kb +
                                                      other_kb + promised);
    h->release_kb = sat_sub(h->spec->kb + cfg->reserve_kb + r->held_kb +
                                other_kb + promised,
                            free_kb);
    h->lb_ms = bal_time_to_free(&p, bd, host->n, h->release_kb);
    if (h->lb_ms != NONE) {
        uint64_t b = (uint64_t)(HOLD_BOUND_FACTOR * (double)h->lb_ms) +
                     cfg->tick_ms + cfg->settle_ms;

        h->bound_ms = b + (h->stalls ? cfg->stuck_ms : 0);
        h->cascade_bound_ms = b + h->nstalls * cfg->stuck_ms;
    }
    free(bd);
}

/* A cooperative donor, in the daemon's eyes, with room left. */
static int
donor_has_room(const struct run *r)
{
    uint64_t slack = r->sc->cfg->progress_kb;

    for (unsigned i = 0; i < r->t.n; i++) {
        const struct dom *d = r->t.v[i];

        if (dom_donor(d) && d->actual_kb > dom_floor_kb(d) + slack)
            return 1;
    }
    return 0;
}

static void
judge(struct run *r, uint64_t dt_ms)
{
    const struct xb_config *cfg = r->sc->cfg;
    uint64_t free_kb = sim_host_free_kb(&r->h), now = r->h.now_ms;
    uint64_t room = sat_sub(free_kb, cfg->reserve_kb + r->held_kb +
                                         sim_host_promised_kb(&r->h));
    uint64_t cum = 0, held = holds_kb(&r->holds);
    int unmet = 0;

    for (unsigned i = 0; i < r->holds.n; i++) {
        struct hold_rec *h = &r->holds.v[i];

        if (!h->active)
            continue;
        cum += h->spec->kb;
        h->lack_kb = sat_sub(cum, room);
        if (h->lack_kb > h->spec->kb)
            h->lack_kb = h->spec->kb;
        if (h->lack_kb == 0 && h->met_ms == NONE)
            h->met_ms = now;
        unmet |= h->lack_kb > 0;
    }
    if (!unmet)
        return;
    /* Idle: free beyond the reserve and the holds that nobody takes. */
    {
        int idle = sat_sub(free_kb, cfg->reserve_kb + r->held_kb + held) >
                       HOLD_IDLE_SLACK_KB &&
                   donor_has_room(r);

        for (unsigned i = 0; i < r->holds.n; i++) {
            struct hold_rec *h = &r->holds.v[i];

            if (!h->active || h->lack_kb == 0)
                continue;
            if (idle) {
                h->idle_ms += dt_ms;
                h->idle_run_ms += dt_ms;
                if (h->idle_run_ms > h->idle_max_ms)
                    h->idle_max_ms = h->idle_run_ms;
            } else
                h->idle_run_ms = 0;
        }
    }
}

int
holds_step(struct run *r)
{
    uint64_t now = r->h.now_ms;
    int changed = 0;

    for (unsigned i = 0; i < r->holds.n; i++) {
        struct hold_rec *h = &r->holds.v[i];

        if (h->active && h->end_ms != NONE && now >= h->end_ms) {
            h->active = 0;
            changed = 1;
        }
        if (!h->placed && now >= h->spec->at_ms) {
            place(r, h, holds_kb(&r->holds));
            changed = 1;
        }
    }
    judge(r, r->sc->step_ms);
    return changed;
}

void
holds_decided(struct run *r, const struct bal_result *res)
{
    uint64_t unreachable = res->shortfall_kb;

    /* What reclaim could not cover falls on the newest holds. */
    for (unsigned i = r->holds.n; i-- > 0;) {
        struct hold_rec *h = &r->holds.v[i];
        uint64_t s;

        if (!h->active)
            continue;
        s = unreachable < h->spec->kb ? unreachable : h->spec->kb;
        unreachable -= s;
        h->shortfall_kb = s;
        if (s > h->shortfall_max_kb)
            h->shortfall_max_kb = s;
        if (s > 0)
            h->reported_short = 1;
    }
}

static double
sec(uint64_t ms)
{
    return (double)ms / 1000.0;
}

static double
mib(uint64_t kb)
{
    return (double)kb / 1024.0;
}

static uint64_t
met_after(const struct hold_rec *h)
{
    return h->met_ms == NONE ? NONE : h->met_ms - h->placed_ms;
}

static int
within(const struct hold_rec *h)
{
    return met_after(h) != NONE && h->bound_ms != NONE &&
           met_after(h) <= h->bound_ms;
}

void
holds_table(const struct run *r, FILE *f)
{
    for (unsigned i = 0; i < r->holds.n; i++) {
        const struct hold_rec *h = &r->holds.v[i];

        if (!h->placed) {
            fprintf(f, "hold %u: %.1fM never placed\n", i + 1,
                    mib(h->spec->kb));
            continue;
        }
        fprintf(f,
                "hold %u: %.1fM at %.1fs: release %.1fM, feasible %.1fM "
                "(true %.1fM), lower bound ",
                i + 1, mib(h->spec->kb), sec(h->placed_ms), mib(h->release_kb),
                mib(h->feasible_kb), mib(h->true_possible_kb));
        if (h->lb_ms == NONE)
            fprintf(f, "none");
        else
            fprintf(f, "%.1fs (bound %.1fs%s)", sec(h->lb_ms), sec(h->bound_ms),
                    h->stalls ? " with stuck_after" : "");
        if (met_after(h) != NONE)
            fprintf(f, "; met after %.1fs%s", sec(met_after(h)),
                    within(h) ? "" : " (over bound)");
        else
            fprintf(f, "; not met");
        if (h->reported_short)
            fprintf(f, "; short (now %.1fM, at most %.1fM)",
                    mib(h->shortfall_kb), mib(h->shortfall_max_kb));
        fprintf(f, "; idle %.1fs (longest %.1fs)\n", sec(h->idle_ms),
                sec(h->idle_max_ms));
    }
}

static json_t *
opt_s(uint64_t ms)
{
    return ms == NONE ? json_null() : json_real(sec(ms));
}

json_t *
holds_json(const struct run *r)
{
    json_t *a = json_array();

    for (unsigned i = 0; i < r->holds.n; i++) {
        const struct hold_rec *h = &r->holds.v[i];
        json_t *o = json_object();

        json_object_set_new(o, "size_kb",
                            json_integer((json_int_t)h->spec->kb));
        json_object_set_new(o, "at_s", json_real(sec(h->spec->at_ms)));
        json_object_set_new(o, "placed_s", opt_s(h->placed_ms));
        json_object_set_new(o, "met_s", opt_s(h->met_ms));
        json_object_set_new(o, "time_to_met_s", opt_s(met_after(h)));
        json_object_set_new(o, "release_kb",
                            json_integer((json_int_t)h->release_kb));
        json_object_set_new(o, "lower_bound_s", opt_s(h->lb_ms));
        json_object_set_new(o, "bound_s", opt_s(h->bound_ms));
        json_object_set_new(o, "stalls", json_boolean(h->stalls));
        json_object_set_new(o, "stalling_donors", json_integer(h->nstalls));
        json_object_set_new(o, "cascade_bound_s", opt_s(h->cascade_bound_ms));
        json_object_set_new(o, "within_bound", json_boolean(within(h)));
        json_object_set_new(o, "feasible_kb",
                            json_integer((json_int_t)h->feasible_kb));
        json_object_set_new(o, "true_possible_kb",
                            json_integer((json_int_t)h->true_possible_kb));
        json_object_set_new(o, "short", json_boolean(h->reported_short));
        json_object_set_new(o, "shortfall_kb",
                            json_integer((json_int_t)h->shortfall_kb));
        json_object_set_new(o, "shortfall_max_kb",
                            json_integer((json_int_t)h->shortfall_max_kb));
        json_object_set_new(o, "lack_kb", json_integer((json_int_t)h->lack_kb));
        json_object_set_new(o, "idle_s", json_real(sec(h->idle_ms)));
        json_object_set_new(o, "idle_max_s", json_real(sec(h->idle_max_ms)));
        json_array_append_new(a, o);
    }
    return a;
}
