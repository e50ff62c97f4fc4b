/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xb-bench-decide: the controller's cost per rebalance.  For each policy
 * and each domain count it builds the daemon's domain table from the
 * simulated host (every guest's agent history filled through the real
 * record format and intake, after a minute of eatmem/idle work), then
 * times decide() -- snapshot, policy plan, balancer, invariant check, the
 * exact call the daemon makes -- and prints one line per (policy, n):
 *
 *   policy n calls median_us p90_us us_per_domain
 *
 *   xb-bench-decide [-s SEED] [N ...]      (default N: 10 100 1000 10000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decide.h"
#include "registry.h"
#include "simmodel.h"
#include "xmalloc.h"

/* Wall-clock budget per (policy, n) measurement, seconds: enough calls
 * for a stable median at every size. */
#define BENCH_BUDGET_S 1.0
/* Calls at least and at most per measurement. */
#define BENCH_MIN_CALLS 5
#define BENCH_MAX_CALLS 20000
/* Simulated time before measuring, ms: fills every agent history. */
#define BENCH_WARM_MS 60000

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static struct xb_config *
bench_config(const char *policy)
{
    struct xb_errlist el;
    struct xb_config *cfg;
    char *text;

    xb_errlist_init(&el);
    xb_asprintf(&text, "{\"policy\": {\"name\": \"%s\"}}", policy);
    cfg = cfg_load_string(text, "bench", &el);
    free(text);
    if (cfg == NULL)
        fatalx("config: %s", el.n ? el.msgs[0] : "?");
    xb_errlist_dispose(&el);
    return cfg;
}

/* A host of n guests (half eatmem, half idle), a minute in, its records
 * taken in by a domain table as the daemon would. */
static void
build(struct sim_host *h, struct domtab *t, const struct xb_config *cfg,
      unsigned n, uint64_t seed)
{
    uint64_t per = 512 * 1024;

    sim_host_init(h, 64 * 1024 + 512 * 1024 + (uint64_t)n * per * 2, 64 * 1024,
                  512 * 1024, seed);
    for (unsigned i = 0; i < n; i++) {
        struct sim_guest g;
        char name[32];

        sim_guest_defaults(&g);
        snprintf(name, sizeof(name), "g%u", i);
        g.name = name;
        g.memory_kb = per;
        g.maxmem_kb = 2 * per;
        g.rate_kb_s = 256 * 1024;
        g.work.type = i % 2 ? SIM_WORK_IDLE : SIM_WORK_EATMEM;
        g.work.demand_kb = i % 2 ? 64 * 1024 : 400 * 1024;
        sim_host_add(h, &g);
    }
    domtab_init(t, cfg->policy->pol->history);
    for (unsigned i = 0; i < h->n; i++) {
        struct dom *d = domtab_add(t, h->doms[i].domid);

        snprintf(d->name, sizeof(d->name), "%s", h->doms[i].name);
        d->maxmem_kb = d->max_kb = h->doms[i].maxmem_kb;
        d->min_kb = dom_default_min(d->maxmem_kb, cfg->min_floor_kb);
        d->excluded = d->is_dom0;
    }
    for (uint64_t ms = 0; ms < BENCH_WARM_MS; ms += 100) {
        sim_host_step(h, 100);
        for (unsigned i = 1; i < h->n; i++) {
            struct xb_record r;
            char buf[XB_RECORD_MAX + 1];
            int len;

            if (!sim_dom_publish_due(h, &h->doms[i]))
                continue;
            sim_dom_record(&h->doms[i], &r);
            if ((len = xb_record_format(&r, buf, sizeof(buf))) > 0)
                dom_intake(t->v[i], buf, (size_t)len, h->now_ms);
        }
    }
    for (unsigned i = 0; i < t->n; i++) {
        struct dom *d = t->v[i];

        d->actual_kb = h->doms[i].actual_kb;
        d->target_kb = h->doms[i].target_kb;
        d->state = d->nhist ? DOM_MANAGED : DOM_NO_AGENT;
        d->last_change_ms = 0;
    }
}

static void
measure(const char *policy, unsigned n, uint64_t seed)
{
    struct xb_config *cfg = bench_config(policy);
    struct hv_physinfo phys;
    struct bal_result res;
    struct sim_host h;
    struct domtab t;
    struct bal_dom *bd;
    double *v, start;
    unsigned calls = 0;

    build(&h, &t, cfg, n, seed);
    phys.total_kb = h.total_kb;
    phys.free_kb = sim_host_free_kb(&h);
    bd = xb_calloc(t.n, sizeof(*bd));
    v = xb_calloc(BENCH_MAX_CALLS, sizeof(*v));
    start = now_s();
    while (calls < BENCH_MAX_CALLS &&
           (calls < BENCH_MIN_CALLS || now_s() - start < BENCH_BUDGET_S)) {
        char *cause = NULL;
        double t0 = now_s();

        if (decide(&t, cfg, &phys, 0, 0, h.now_ms, bd, &res, &cause) < 0)
            fatalx("%s n=%u: plan refused: %s", policy, n, cause);
        v[calls++] = now_s() - t0;
    }
    qsort(v, calls, sizeof(*v), cmp_double);
    printf("%-13s %6u %6u %12.1f %12.1f %10.3f\n", policy, n, calls,
           v[calls / 2] * 1e6, v[calls * 9 / 10] * 1e6, v[calls / 2] * 1e6 / n);
    fflush(stdout);
    free(v);
    free(bd);
    domtab_dispose(&t);
    sim_host_dispose(&h);
    cfg_free(cfg);
}

int
main(int argc, char **argv)
{
    static const unsigned dflt[] = { 10, 100, 1000, 10000 };
    uint64_t seed = 1;
    unsigned ns[16], nn = 0;
    int i = 1;

    log_init("xb-bench-decide", 0, XB_LOG_WARNING);
    if (argc > 2 && strcmp(argv[1], "-s") == 0) {
        seed = strtoull(argv[2], NULL, 10);
        i = 3;
    }
    for (; i < argc && nn < 16; i++)
        ns[nn++] = (unsigned)strtoul(argv[i], NULL, 10);
    if (nn == 0)
        for (nn = 0; nn < 4; nn++)
            ns[nn] = dflt[nn];
    printf("# seed %llu\n# %-11s %6s %6s %12s %12s %10s\n",
           (unsigned long long)seed, "policy", "n", "calls", "median_us",
           "p90_us", "us/domain");
    for (const struct xb_policy *const *p = xb_policies; *p != NULL; p++)
        for (unsigned k = 0; k < nn; k++)
            measure((*p)->name, ns[k], seed);
    return 0;
}
