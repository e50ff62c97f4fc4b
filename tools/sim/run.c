/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual-time loop: see run.h.  Each step of sc->step_ms:
 *
 *   1. guests arrive (scheduled, or by the launcher);
 *   2. workloads set the demand of the step (sim_host_work);
 *   3. oracle mode only: allocations are set to serve that demand;
 *   4. balloons move and guests' memory evolves (sim_host_mem);
 *   5. the host is checked (safety rule S1);
 *   6. controller mode: each guest's agent samples when its timer or its
 *      PSI trigger says so and publishes when the real agent's decision
 *      (ag_change_decide) does (agent.h); the
 *      controller reads it within its rate limit (dom_may_read, then the
 *      untrusted intake dom_intake) and arms the coalescing timer; the
 *      periodic tick updates states and rebalances; the settle timer
 *      rebalances.  Each rebalance is one decide() call whose plan is
 *      checked (S2, S3) before it is applied, shrinks first;
 *   7. a CSV sample every sc->sample_ms.
 *
 * Safety rules, checked independently of the balancer's own bal_check
 * (whose refusal is also a violation):
 *   S1 Xen free is never negative: xen + sum of allocations <= host
 *      memory, and no allocation exceeds its static-max.
 *   S2 No decision raises a target above a domain's allocation while the
 *      growth promised after it (sum of max(0, target - actual)) exceeds
 *      host free minus the reserve and the holds at that moment.  The
 *      reserve may still be dipped into: by a guest launched into it, or
 *      by a grant made while the memory was there; never by a grant made
 *      when it was not.
 *   S3 Every target issued is at most the domain's max (and static-max),
 *      is never lowered below its min, and unmanaged domains (dom0,
 *      excluded) are never changed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decide.h"
#include "registry.h"
#include "run.h"
#include "xmalloc.h"

#define NONE UINT64_MAX

static uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static void run_fail(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void refresh(struct run *r);

static void
run_fail(struct run *r, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (r->violation != NULL)
        return;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        fatal("vasprintf");
    va_end(ap);
    xb_asprintf(&r->violation, "t=%llu.%03llus: %s",
                (unsigned long long)(r->h.now_ms / 1000),
                (unsigned long long)(r->h.now_ms % 1000), msg);
    free(msg);
}

static void
schedule(struct run *r)
{
    if (r->settle_ms == NONE)
        r->settle_ms = r->h.now_ms + r->sc->cfg->settle_ms;
}

/* The daemon learns a domain the way a full rescan does. */
static void
controller_add(struct run *r, uint32_t domid)
{
    const struct sim_dom *sd = &r->h.doms[domid];
    struct dom *dom = domtab_add(&r->t, domid);

    dom_set_name(dom, sd->name);
    dom->actual_kb = sd->actual_kb;
    dom->target_kb = sd->target_kb;
    dom->maxmem_kb = sd->maxmem_kb;
    dom_apply_rules(dom, r->sc->cfg);
    dom->progress_ms = r->h.now_ms;
    dom->progress_ref_kb = dom->actual_kb;
    dom->last_change_ms = r->h.now_ms;
    schedule(r);
}

static int
add_guest(struct run *r, const struct scn_guest *sg, const char *name)
{
    struct sim_guest g = sg->g;
    struct sim_dom *sd;

    if (sim_host_free_kb(&r->h) < g.memory_kb) {
        /* xl create would fail: not enough free memory. */
        r->failed_arrivals++;
        return -1;
    }
    g.name = name;
    sd = sim_host_add(&r->h, &g);
    r->g = xb_reallocarray(r->g, r->h.n, sizeof(*r->g));
    memset(&r->g[sd->domid], 0, sizeof(*r->g));
    r->g[sd->domid].spec = sg;
    r->g[sd->domid].launched_ms = r->h.now_ms;
    if (!r->o.oracle) {
        sim_agent_init(&r->g[sd->domid].agent, r->sc->cfg, sd, r->sc->seed,
                       r->h.now_ms, r->sc->step_ms);
        controller_add(r, sd->domid);
    }
    return 0;
}

/* Scheduled arrivals: every copy of every entry whose start has come. */
static void
arrivals(struct run *r)
{
    const struct scenario *sc = r->sc;
    char name[64];

    for (unsigned i = 0; i < sc->nguests; i++) {
        const struct scn_guest *sg = &sc->guests[i];

        if (sg->start_ms < r->h.now_ms ||
            sg->start_ms >= r->h.now_ms + sc->step_ms)
            continue;
        for (unsigned k = 1; k <= sg->count; k++) {
            if (sg->count == 1)
                snprintf(name, sizeof(name), "%s", sg->name);
            else
                snprintf(name, sizeof(name), "%s-%u", sg->name, k);
            add_guest(r, sg, name);
        }
    }
}

/*
 * The launcher, through the product's make-room contract (DESIGN.md): for
 * each new guest it holds SIZE = memory + overhead at the daemon (the
 * balancer's holds: decide()'s held_kb; the oracles leave it out of their
 * pool), waits until Xen's free memory covers the reserve and every hold,
 * boots the guest at its memory=, releases the hold, lets it settle and
 * goes on.  A hold that could never be met (free - reserve + the room
 * above min of every cooperative domain < SIZE) is refused up front, as
 * the daemon refuses it; one not met within `timeout` ends the launching.
 */
static int
hold_possible(struct run *r, uint64_t size_kb)
{
    unsigned n;

    if (r->o.oracle)
        return 1; /* no daemon to ask: the timeout decides */
    /* The daemon's own test (dmn_hold.c): free + what cooperative
     * domains hold above their floors, net of the reserve. */
    return sim_host_free_kb(&r->h) + domtab_reclaimable(&r->t, &n) >=
           r->sc->cfg->reserve_kb + size_kb;
}

static void
launch(struct run *r)
{
    const struct scn_launch *l = &r->sc->launch;
    const struct scn_guest *tmpl;
    uint64_t now = r->h.now_ms, size;
    char name[64];

    if (!l->enabled || r->launch_done || now < l->start_ms ||
        now < r->next_launch_ms)
        return;
    if (r->launched >= l->max || l->ntmpl == 0) {
        r->launch_done = 1;
        return;
    }
    tmpl = &l->tmpl[r->launched % l->ntmpl];
    size = tmpl->g.memory_kb + l->overhead_kb;
    if (r->waiting_since_ms == NONE) {
        refresh(r);
        if (!hold_possible(r, size)) {
            r->launch_done = 1;
            r->gave_up_ms = now;
            return;
        }
        r->waiting_since_ms = now;
        r->held_kb = size;
        if (!r->o.oracle)
            schedule(r); /* the daemon rebalances on a new hold */
    }
    /* Met as the daemon says it is: free in Xen net of the reserve, the
     * hold and every promise not yet taken. */
    if (sim_host_free_kb(&r->h) >=
        r->sc->cfg->reserve_kb + r->held_kb + sim_host_promised_kb(&r->h)) {
        snprintf(name, sizeof(name), "%s-%u", tmpl->name, r->launched + 1);
        if (add_guest(r, tmpl, name) == 0)
            r->launched++;
        r->held_kb = 0;
        r->waiting_since_ms = NONE;
        r->next_launch_ms = now + l->settle_ms;
        return;
    }
    if (now - r->waiting_since_ms >= l->timeout_ms) {
        r->launch_done = 1;
        r->gave_up_ms = now;
        r->held_kb = 0;
    }
}

/*
 * The clairvoyant oracle: knows the demand of the coming step and, by
 * stepping copies of the workloads, of the next ORACLE_HORIZON_MS; it
 * moves memory at once and ignores the drivers.  The pool (host memory -
 * Xen - dom0 - reserve - holds) is filled in tiers, each tier for everyone
 * before the next:
 *   0 avoid an OOM kill now (sim_dom_floor_kb),
 *   1 keep today's hot anon out of swap (sim_dom_hot_kb),
 *   2 keep resident the file working set and the anon already allocated
 *     that the horizon will touch, so that nothing about to be touched is
 *     swapped out ahead of time (fresh allocations need no room ahead:
 *     the oracle moves memory instantly when they come),
 *   3 keep all anon resident (costs nothing either way).
 * A tier that does not fit is shared in proportion to what each lacks.
 * It is a strong baseline, not a proven optimum: a policy that keeps more
 * slack than the oracle's tiers can occasionally stall less.
 *
 * The reactive oracle (RUN_REACTIVE) fills the same tiers without looking
 * ahead (tier 2 is today's hot set), then a last one that leaves every
 * guest what it has (memory moves only when another guest needs it: no
 * needless trip through a slow balloon), and each allocation moves only as far
 * as the guest's balloon driver can move it in one step
 * (sim_dom_reach_kb), growth within host free above the reserve and holds:
 * the best a controller could do that knows each guest's need the moment
 * it appears and decides at once, with real balloons.  The gap between the
 * two oracles is foresight; between the reactive one and a policy, the
 * product's own latency and judgement.
 *
 * It shrinks the donors and grows the guest that needs their memory in
 * the same step.  The daemon does not: it grows a guest only from memory
 * Xen already has free (DESIGN.md, S2), since a Linux balloon driver that
 * finds none backs off for up to 32 s.  RUN_REACTIVE_FREE is the reactive
 * oracle under that rule: growth only from what was free before the
 * step's shrinks, so a donor's memory reaches another guest one step
 * after it was released.
 */

/* ms the oracle looks ahead: longer than the slowest periodic phase in
 * the scenarios (a JVM's 5-minute full collection). */
#define ORACLE_HORIZON_MS 300000ULL
/* ms between two looks ahead, and the resolution of a look. */
#define ORACLE_PEEK_MS 1000ULL

static void
oracle_peek(struct run *r)
{
    struct sim_host *h = &r->h;

    r->peek = xb_reallocarray(r->peek, h->n, sizeof(*r->peek));
    for (unsigned i = 1; i < h->n; i++)
        sim_dom_peek(&h->doms[i], h->now_ms, ORACLE_HORIZON_MS, ORACLE_PEEK_MS,
                     &r->peek[i].anon_kb, &r->peek[i].hot_kb);
    r->npeek = h->n;
}

static uint64_t
oracle_level(const struct run *r, unsigned i, int tier)
{
    const struct sim_dom *d = &r->h.doms[i];
    uint64_t lv, a = d->anon_kb, hot = d->hot_kb;

    /* Pages already allocated that the horizon will touch: fresh
     * allocations need no room ahead of time, memory moves instantly. */
    if (i < r->npeek && r->peek[i].hot_kb > hot)
        hot = r->peek[i].hot_kb < a ? r->peek[i].hot_kb : a;
    switch (tier) {
    case 0:
        lv = sim_dom_floor_kb(d);
        break;
    case 1:
        lv = sim_dom_hot_kb(d);
        break;
    case 2:
        lv = d->base_kb + hot + sat_sub(a - hot, d->swap_total_kb) +
             d->file_ws_kb;
        break;
    case 3:
        lv = sim_dom_need_kb(d);
        break;
    default:
        /* Reactive only: what is left stays where it is (a balloon
         * moves memory only when someone needs it). */
        lv = sim_dom_need_kb(d);
        if (lv < d->actual_kb)
            lv = d->actual_kb;
        break;
    }
    return lv < d->maxmem_kb ? lv : d->maxmem_kb;
}

static void
oracle_step(struct run *r)
{
    struct sim_host *h = &r->h;
    uint64_t pool, *alloc = xb_calloc(h->n, sizeof(*alloc));
    int reactive =
        r->o.oracle == RUN_REACTIVE || r->o.oracle == RUN_REACTIVE_FREE;
    /* RUN_REACTIVE_FREE: free before the shrinks, less what it granted. */
    uint64_t free0 = sim_host_free_kb(h);

    if (!reactive && (h->now_ms % ORACLE_PEEK_MS == 0 || r->npeek != h->n))
        oracle_peek(r);
    pool = sat_sub(h->total_kb, h->xen_kb + h->doms[0].actual_kb +
                                    r->sc->cfg->reserve_kb + r->held_kb +
                                    holds_kb(&r->holds));
    for (int tier = 0; tier < (reactive ? 5 : 4); tier++) {
        uint64_t want = 0, lv;
        double share;

        for (unsigned i = 1; i < h->n; i++) {
            lv = oracle_level(r, i, tier);
            want += sat_sub(lv, alloc[i]);
        }
        share = want <= pool ? 1.0 : (double)pool / (double)want;
        for (unsigned i = 1; i < h->n; i++) {
            uint64_t add;

            lv = oracle_level(r, i, tier);
            add = (uint64_t)((double)sat_sub(lv, alloc[i]) * share);
            if (add > pool)
                add = pool;
            alloc[i] += add;
            pool -= add;
        }
        if (share < 1.0)
            break;
    }
    /* Shrinks first, so that the growth finds the memory free. */
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 1; i < h->n; i++) {
            struct sim_dom *d = &h->doms[i];
            uint64_t kb = alloc[i];

            if (reactive && d->alive) {
                kb = sim_dom_reach_kb(h, d, kb, r->sc->step_ms);
                if (kb > d->actual_kb) {
                    uint64_t room = sat_sub(
                        r->o.oracle == RUN_REACTIVE_FREE ? free0
                                                         : sim_host_free_kb(h),
                        r->sc->cfg->reserve_kb + r->held_kb +
                            holds_kb(&r->holds));

                    if (kb - d->actual_kb > room)
                        kb = d->actual_kb + room;
                }
            }
            if (kb == d->actual_kb || (pass == 0) != (kb < d->actual_kb))
                continue;
            if (kb > d->actual_kb)
                free0 = sat_sub(free0, kb - d->actual_kb);
            sim_dom_set_actual(h, d, kb);
            r->g[i].writes++;
            r->writes++;
        }
    free(alloc);
}

/* S1. */
static void
check_host(struct run *r)
{
    const struct sim_host *h = &r->h;
    uint64_t used = h->xen_kb;

    for (unsigned i = 0; i < h->n; i++) {
        const struct sim_dom *d = &h->doms[i];

        if (!d->alive)
            continue;
        used += d->actual_kb;
        if (d->actual_kb > d->maxmem_kb)
            run_fail(r,
                     "S1: domain %u (%s): allocation %llu KiB above "
                     "static-max %llu KiB",
                     d->domid, d->name, (unsigned long long)d->actual_kb,
                     (unsigned long long)d->maxmem_kb);
    }
    if (used > h->total_kb)
        run_fail(r, "S1: host: Xen free is negative (%llu KiB used of %llu)",
                 (unsigned long long)used, (unsigned long long)h->total_kb);
}

/* S2 and S3 on a plan, before it is applied. */
static void
check_plan(struct run *r, const struct bal_dom *bd, unsigned n,
           uint64_t free_kb)
{
    uint64_t room = sat_sub(free_kb, r->sc->cfg->reserve_kb + r->held_kb +
                                         holds_kb(&r->holds));
    uint64_t after = 0;
    int raised = -1;

    for (unsigned i = 0; i < n; i++) {
        const struct bal_dom *b = &bd[i];
        const struct dom *dom = r->t.v[i];
        const struct sim_dom *sd = sim_host_find(&r->h, b->domid);

        after += sat_sub(b->new_target_kb, b->actual_kb);
        if (b->new_target_kb == b->target_kb)
            continue;
        if (!b->managed || dom->excluded || dom->is_dom0)
            run_fail(r, "S3: domain %u (%s): unmanaged, target changed",
                     b->domid, dom->name);
        if (b->new_target_kb > b->max_kb ||
            (sd != NULL && b->new_target_kb > sd->maxmem_kb))
            run_fail(r, "S3: domain %u (%s): target %llu KiB above max %llu",
                     b->domid, dom->name, (unsigned long long)b->new_target_kb,
                     (unsigned long long)b->max_kb);
        if (b->new_target_kb < b->target_kb && b->new_target_kb < b->min_kb)
            run_fail(r,
                     "S3: domain %u (%s): target lowered to %llu KiB, "
                     "below min %llu",
                     b->domid, dom->name, (unsigned long long)b->new_target_kb,
                     (unsigned long long)b->min_kb);
        if (b->new_target_kb > b->target_kb && b->new_target_kb > b->actual_kb)
            raised = (int)i;
    }
    if (raised >= 0 && after > room)
        run_fail(r,
                 "S2: domain %u (%s): grown to %llu KiB while %llu KiB "
                 "promised with %llu KiB free above reserve and holds",
                 bd[raised].domid, r->t.v[raised]->name,
                 (unsigned long long)bd[raised].new_target_kb,
                 (unsigned long long)after, (unsigned long long)room);
}

/* What a rescan reads: each domain's allocation now. */
static void
refresh(struct run *r)
{
    for (unsigned i = 0; i < r->t.n; i++) {
        struct dom *dom = r->t.v[i];
        const struct sim_dom *sd = sim_host_find(&r->h, dom->domid);

        if (sd != NULL)
            dom->actual_kb = sd->actual_kb;
    }
}

static double
mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Test hook (XB_SIM_SABOTAGE=grow): after the balancer, the first managed
 * domain is raised to its max regardless of host memory, so that the
 * tests can see the safety checks catch a bad plan.
 */
static void
sabotage(struct bal_dom *bd, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (bd[i].managed && bd[i].max_kb > bd[i].actual_kb) {
            bd[i].new_target_kb = bd[i].max_kb;
            return;
        }
}

static void
rebalance(struct run *r)
{
    struct hv_physinfo phys;
    struct bal_result res;
    struct bal_dom *bd;
    char *cause = NULL;
    uint64_t now = r->h.now_ms;
    unsigned n = r->t.n;
    double t0;
    int rc;

    refresh(r);
    phys.total_kb = r->h.total_kb;
    phys.free_kb = sim_host_free_kb(&r->h);
    bd = xb_calloc(n, sizeof(*bd));
    t0 = mono_s();
    rc = decide(&r->t, r->sc->cfg, &phys, r->held_kb + holds_kb(&r->holds), 0,
                now, bd, &res, &cause);
    r->decide_s += mono_s() - t0;
    r->decisions++;
    if (rc < 0) {
        run_fail(r, "balancer refused its own plan: %s", cause);
        free(cause);
        free(bd);
        return;
    }
    holds_decided(r, &res);
    if (r->sabotage)
        sabotage(bd, n);
    check_plan(r, bd, n, phys.free_kb);
    if (r->violation != NULL) {
        free(bd);
        return;
    }
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < n; i++) {
            const struct bal_dom *b = &bd[i];
            struct sim_dom *sd;

            if (b->new_target_kb == b->target_kb ||
                (pass == 0) != (b->new_target_kb < b->target_kb))
                continue;
            if ((sd = sim_host_find(&r->h, b->domid)) == NULL)
                continue;
            if (r->o.events != NULL)
                fprintf(r->o.events, "%.3f target %s %llu %llu\n",
                        (double)now / 1000, sd->name,
                        (unsigned long long)b->target_kb,
                        (unsigned long long)b->new_target_kb);
            sd->target_kb = b->new_target_kb;
            dom_target_changed(r->t.v[i], b->new_target_kb, now);
            r->g[b->domid].writes++;
            r->writes++;
        }
    free(bd);
}

static void
read_record(struct run *r, struct dom *dom)
{
    const struct run_guest *g = &r->g[dom->domid];
    uint64_t heard = dom->heard;

    if (g->rawlen == 0 || !dom_intake(dom, g->raw, g->rawlen, r->h.now_ms))
        return;
    /* The daemon's fast path (daemon/rebalance.c): distress skips the coalescing
     * delay and is decided on in this very step. */
    if (dom->heard != heard && dom_distress(dom))
        r->settle_ms = r->h.now_ms;
    else
        schedule(r);
}

static void
tick(struct run *r)
{
    refresh(r);
    for (unsigned i = 0; i < r->t.n; i++) {
        struct dom *dom = r->t.v[i];

        if (dom->read_pending && dom_may_read(dom, &r->lim, r->h.now_ms))
            read_record(r, dom);
        dom_update_state(dom, &r->lim, r->h.now_ms);
    }
    rebalance(r);
}

/*
 * The burst allowance, as a what-if (-b): the best it could do, not the
 * mechanism.  When a guest's agent wakes on its PSI trigger, its balloon
 * target is raised at once, with no dom0 round trip, by up to burst_kb,
 * as far as host free memory above the reserve, the holds and every
 * growth already promised backs it and its max allows; the daemon
 * settles the target afterwards as it sees fit.  Issue 13 asked whether
 * such a credit (the daemon raising the hypervisor cap above the target,
 * the agent deflating on its trigger) pays: BENCHMARKS.md, section 1.
 */
static void
burst(struct run *r, struct sim_dom *d)
{
    uint64_t free_kb = sim_host_free_kb(&r->h);
    uint64_t kept = r->sc->cfg->reserve_kb + r->held_kb + holds_kb(&r->holds) +
                    sim_host_promised_kb(&r->h);
    uint64_t kb = sat_sub(free_kb, kept);

    if (kb > r->o.burst_kb)
        kb = r->o.burst_kb;
    if (kb > sat_sub(d->maxmem_kb, d->target_kb))
        kb = sat_sub(d->maxmem_kb, d->target_kb);
    if (kb == 0)
        return;
    if (r->o.events != NULL)
        fprintf(r->o.events, "%.3f burst %s %llu %llu\n",
                (double)r->h.now_ms / 1000, d->name,
                (unsigned long long)d->target_kb,
                (unsigned long long)(d->target_kb + kb));
    d->target_kb += kb;
    r->bursts++;
}

static void
controller(struct run *r)
{
    uint64_t now = r->h.now_ms;

    for (unsigned i = 1; i < r->h.n; i++) {
        struct sim_dom *sd = &r->h.doms[i];
        struct run_guest *g = &r->g[i];
        struct xb_record rec;
        struct dom *dom;
        int len;

        uint64_t triggers = g->agent.triggers;
        int published = sim_agent_step(&g->agent, sd, now, &rec);

        if (r->o.burst_kb > 0 && g->agent.triggers != triggers)
            burst(r, sd);
        if (!published)
            continue;
        if ((len = xb_record_format(&rec, g->raw, sizeof(g->raw))) < 0)
            continue;
        g->rawlen = (size_t)len;
        r->records++;
        if (r->o.events != NULL)
            fprintf(r->o.events, "%.3f record %s %llu %llu\n",
                    (double)now / 1000, sd->name,
                    (unsigned long long)rec.v[XB_F_ANON],
                    (unsigned long long)rec.v[XB_F_BALLOON]);
        /* The watch fires; the daemon reads within its rate limit. */
        if ((dom = domtab_find(&r->t, sd->domid)) != NULL &&
            dom_may_read(dom, &r->lim, now))
            read_record(r, dom);
    }
    if (now >= r->next_tick_ms) {
        r->next_tick_ms += r->sc->cfg->tick_ms;
        tick(r);
    }
    if (r->settle_ms <= now && r->violation == NULL) {
        r->settle_ms = NONE;
        rebalance(r);
    }
}

static void
csv_row(FILE *f, double t_s, const char *name, double need, double anon,
        double hot, double alloc, double target, double swapped, double cache,
        double stall_us, double swapin, uint64_t oom, double free_kb)
{
    fprintf(f,
            "%.1f,%s,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.3f,%.1f,%llu,"
            "%.1f\n",
            t_s, name, need / 1024, anon / 1024, hot / 1024, alloc / 1024,
            target / 1024, swapped / 1024, cache / 1024, stall_us / 1e6,
            swapin / 1024, (unsigned long long)oom, free_kb / 1024);
}

static void
sample(struct run *r)
{
    const struct sim_host *h = &r->h;
    double s[9] = { 0 }, free_kb = (double)sim_host_free_kb(h);
    double t_s = (double)h->now_ms / 1000.0;
    uint64_t oom = 0;

    for (unsigned i = 1; i < h->n; i++) {
        const struct sim_dom *d = &h->doms[i];
        double v[9] = {
            (double)sim_dom_need_kb(d),
            (double)d->anon_kb,
            (double)d->hot_kb,
            (double)d->actual_kb,
            (double)d->target_kb,
            (double)d->swapped_kb,
            (double)d->cache_kb,
            d->st.stall_us,
            d->st.swapin_kb,
        };

        if (!d->alive)
            continue;
        csv_row(r->o.csv, t_s, d->name, v[0], v[1], v[2], v[3], v[4], v[5],
                v[6], v[7], v[8], d->st.oom_kills, free_kb);
        for (int k = 0; k < 9; k++)
            s[k] += v[k];
        oom += d->st.oom_kills;
    }
    csv_row(r->o.csv, t_s, "host", s[0], s[1], s[2], s[3], s[4], s[5], s[6],
            s[7], s[8], oom, free_kb);
}

void
run_init(struct run *r, const struct scenario *sc, const struct run_opts *o)
{
    const struct xb_config *cfg = sc->cfg;

    memset(r, 0, sizeof(*r));
    r->sc = sc;
    r->o = *o;
    sim_host_init(&r->h, sc->host_kb, sc->xen_kb, sc->dom0_kb, sc->seed);
    r->g = xb_calloc(1, sizeof(*r->g));
    domtab_init(&r->t, cfg->policy->pol->history);
    r->lim = dom_limits_of(cfg);
    r->next_tick_ms = cfg->tick_ms;
    r->settle_ms = NONE;
    r->waiting_since_ms = NONE;
    r->gave_up_ms = NONE;
    holds_init(&r->holds, sc);
    r->sabotage = getenv("XB_SIM_SABOTAGE") != NULL &&
                  strcmp(getenv("XB_SIM_SABOTAGE"), "grow") == 0;
    if (!o->oracle)
        controller_add(r, 0);
    if (o->csv != NULL)
        fprintf(o->csv, "t_s,name,need_mib,anon_mib,hot_mib,alloc_mib,"
                        "target_mib,swapped_mib,cache_mib,stall_s,"
                        "swapin_mib,oom,host_free_mib\n");
}

void
run_dispose(struct run *r)
{
    domtab_dispose(&r->t);
    for (unsigned i = 1; r->g != NULL && i < r->h.n; i++)
        sim_agent_dispose(&r->g[i].agent);
    holds_dispose(&r->holds);
    sim_host_dispose(&r->h);
    free(r->g);
    free(r->peek);
    free(r->violation);
    memset(r, 0, sizeof(*r));
}

int
run_go(struct run *r)
{
    const struct scenario *sc = r->sc;

    while (r->h.now_ms < sc->duration_ms && r->violation == NULL) {
        arrivals(r);
        launch(r);
        sim_host_work(&r->h, sc->step_ms);
        if (r->o.oracle)
            oracle_step(r);
        sim_host_mem(&r->h, sc->step_ms);
        check_host(r);
        if (holds_step(r))
            schedule(r);
        if (!r->o.oracle && r->violation == NULL)
            controller(r);
        if (r->o.csv != NULL && r->h.now_ms % sc->sample_ms == 0)
            sample(r);
    }
    return r->violation != NULL ? -1 : 0;
}
