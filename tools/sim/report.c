/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Run summaries: see report.h.  Everything printed comes from the model's
 * and the controller's counters, so it is as reproducible as the run.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "registry.h"

struct totals {
    double stall_s, swapin_mib, refault_mib, alloc_mib, need_mib;
    unsigned long long oom, writes;
    unsigned guests, healthy;
};

static double
mean_mib(double kb_ms, uint64_t life_ms)
{
    return life_ms ? kb_ms / (double)life_ms / 1024.0 : 0;
}

static double
stall_pct(const struct sim_dom *d)
{
    return d->st.life_ms ? d->st.stall_us / 1e3 / (double)d->st.life_ms * 100
                         : 0;
}

static int
healthy(const struct sim_dom *d)
{
    return d->st.oom_kills == 0 && stall_pct(d) < REPORT_HEALTHY_STALL * 100;
}

static void
sum(const struct run *r, struct totals *t)
{
    memset(t, 0, sizeof(*t));
    for (unsigned i = 1; i < r->h.n; i++) {
        const struct sim_dom *d = &r->h.doms[i];

        t->stall_s += d->st.stall_us / 1e6;
        t->swapin_mib += d->st.swapin_kb / 1024;
        t->refault_mib += d->st.refault_kb / 1024;
        t->alloc_mib += mean_mib(d->st.alloc_kb_ms, d->st.life_ms);
        t->need_mib += mean_mib(d->st.need_kb_ms, d->st.life_ms);
        t->oom += d->st.oom_kills;
        t->writes += r->g[i].writes;
        t->guests++;
        t->healthy += healthy(d);
    }
}

static const char *
policy_name(const struct run *r)
{
    if (r->o.oracle == RUN_REACTIVE)
        return "reactive";
    if (r->o.oracle == RUN_REACTIVE_FREE)
        return "reactive-free";
    return r->o.oracle ? "oracle" : r->sc->cfg->policy->pol->name;
}

void
report_table(const struct run *r, FILE *f)
{
    const struct scenario *sc = r->sc;
    struct totals t;

    fprintf(f,
            "scenario %s  policy %s  seed %llu  duration %llus  "
            "step %llums\n",
            sc->name, policy_name(r), (unsigned long long)sc->seed,
            (unsigned long long)(sc->duration_ms / 1000),
            (unsigned long long)sc->step_ms);
    fprintf(f, "%-16s %-12s %-7s %7s %9s %7s %10s %10s %4s %7s %9s %9s\n",
            "guest", "driver", "work", "start_s", "stall_s", "stall%",
            "swapin_MiB", "refault_MiB", "oom", "writes", "alloc_MiB",
            "need_MiB");
    for (unsigned i = 1; i < r->h.n; i++) {
        const struct sim_dom *d = &r->h.doms[i];

        fprintf(f,
                "%-16s %-12s %-7s %7llu %9.1f %7.2f %10.1f %10.1f %4llu "
                "%7llu %9.1f %9.1f\n",
                d->name, sim_driver_name(d->driver),
                sim_work_name(d->work.type),
                (unsigned long long)(r->g[i].launched_ms / 1000),
                d->st.stall_us / 1e6, stall_pct(d), d->st.swapin_kb / 1024,
                d->st.refault_kb / 1024, (unsigned long long)d->st.oom_kills,
                (unsigned long long)r->g[i].writes,
                mean_mib(d->st.alloc_kb_ms, d->st.life_ms),
                mean_mib(d->st.need_kb_ms, d->st.life_ms));
    }
    sum(r, &t);
    fprintf(f,
            "%-16s %-12s %-7s %7s %9.1f %7s %10.1f %10.1f %4llu %7llu "
            "%9.1f %9.1f\n",
            "total", "", "", "", t.stall_s, "", t.swapin_mib, t.refault_mib,
            t.oom, t.writes, t.alloc_mib, t.need_mib);
    fprintf(f,
            "guests %u (healthy %u: no OOM kill, stall < %.0f%%)  "
            "decisions %llu  records %llu  failed arrivals %u\n",
            t.guests, t.healthy, REPORT_HEALTHY_STALL * 100,
            (unsigned long long)r->decisions, (unsigned long long)r->records,
            r->failed_arrivals);
    holds_table(r, f);
    fprintf(f, "safety: %s%s\n", r->violation ? "VIOLATION " : "ok",
            r->violation ? r->violation : "");
}

json_t *
report_json(const struct run *r)
{
    json_t *o, *gs = json_array(), *tot;
    struct totals t;

    for (unsigned i = 1; i < r->h.n; i++) {
        const struct sim_dom *d = &r->h.doms[i];

        json_array_append_new(
            gs,
            json_pack(
                "{s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:I, "
                "s:I, s:f, s:f, s:b}",
                "name", d->name, "driver", sim_driver_name(d->driver),
                "workload", sim_work_name(d->work.type), "start_s",
                (double)r->g[i].launched_ms / 1000, "life_s",
                (double)d->st.life_ms / 1000, "stall_s", d->st.stall_us / 1e6,
                "swapin_mib", d->st.swapin_kb / 1024, "refault_mib",
                d->st.refault_kb / 1024, "oom", (json_int_t)d->st.oom_kills,
                "writes", (json_int_t)r->g[i].writes, "mean_alloc_mib",
                mean_mib(d->st.alloc_kb_ms, d->st.life_ms), "mean_need_mib",
                mean_mib(d->st.need_kb_ms, d->st.life_ms), "healthy",
                healthy(d)));
        json_object_set_new(json_array_get(gs, json_array_size(gs) - 1),
                            "records",
                            json_integer((json_int_t)r->g[i].agent.published));
        json_object_set_new(json_array_get(gs, json_array_size(gs) - 1),
                            "psi_triggers",
                            json_integer((json_int_t)r->g[i].agent.triggers));
    }
    sum(r, &t);
    tot = json_pack("{s:f, s:f, s:f, s:I, s:I, s:f, s:f, s:i, s:i}", "stall_s",
                    t.stall_s, "swapin_mib", t.swapin_mib, "refault_mib",
                    t.refault_mib, "oom", (json_int_t)t.oom, "writes",
                    (json_int_t)t.writes, "mean_alloc_mib", t.alloc_mib,
                    "mean_need_mib", t.need_mib, "guests", (int)t.guests,
                    "healthy", (int)t.healthy);
    o = json_pack("{s:s, s:s, s:b, s:I, s:f, s:o, s:o, s:I, s:I, s:i, s:i}",
                  "scenario", r->sc->name, "policy", policy_name(r), "oracle",
                  r->o.oracle, "seed", (json_int_t)r->sc->seed, "duration_s",
                  (double)r->sc->duration_ms / 1000, "guests", gs, "total", tot,
                  "decisions", (json_int_t)r->decisions, "records",
                  (json_int_t)r->records, "launched", (int)r->launched,
                  "failed_arrivals", (int)r->failed_arrivals);
    json_object_set_new(o, "holds", holds_json(r));
    json_object_set_new(o, "bursts", json_integer((json_int_t)r->bursts));
    json_object_set_new(o, "launch_gave_up_s",
                        r->gave_up_ms == UINT64_MAX
                            ? json_null()
                            : json_real((double)r->gave_up_ms / 1000));
    json_object_set_new(o, "violation",
                        r->violation ? json_string(r->violation) : json_null());
    json_object_set_new(
        o, "decide_us_mean",
        json_real(r->decisions ? r->decide_s * 1e6 / (double)r->decisions : 0));
    return o;
}
