/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Property tests for every policy over many seeded random snapshots:
 *   - every target lies in [min, max];
 *   - silent or stale domains are never wanted below their target;
 *   - `static` changes nothing;
 *   - the same snapshot always gives the same plan, byte for byte;
 *   - with no memory pressure (the pool covers every domain's max), no
 *     policy but `static` wants a domain below its own need estimate;
 *   - host-aware policies never hand out more than the pool (or the sum
 *     of the minimums when even those do not fit); `proportional` in
 *     its low mode may instead keep acceptors at what they hold (qmemman
 *     never squeezes a domain that needs more), so its bound is the
 *     larger of the pool and what the domains hold plus what is free.
 * The seed is printed; XB_SEED=<n> replays a run.
 */
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "test_pol_common.h"

#define ROUNDS 3000
#define RP_MAXDOM 8
#define RP_MAXSAMP 4

static uint64_t seed;

/* splitmix64: small, good enough, and the same everywhere. */
static uint64_t
rnd(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t
rnd_in(uint64_t *s, uint64_t lo, uint64_t hi)
{
    return lo + rnd(s) % (hi - lo + 1);
}

struct rp_snap {
    struct xb_pol_dom doms[RP_MAXDOM];
    struct xb_pol_sample hist[RP_MAXDOM][RP_MAXSAMP];
    struct xb_pol_snapshot snap;
};

static void
gen_samples(uint64_t *s, struct xb_pol_dom *d, struct xb_pol_sample *h)
{
    static const double rates[] = { 0, 0.5, 5, 20, 200 }; /* ms/s */
    double rate = rates[rnd(s) % 5];
    int nopsi = rnd(s) % 5 == 0, bal = rnd(s) % 2;
    uint64_t t = rnd_in(s, 0, 5000), seq = rnd_in(s, 1, 100);
    uint64_t psis = 0, psif = 0, swp = 0, ref = 0, oom = 0;

    for (unsigned j = 0; j < d->nhist; j++) {
        struct xb_record *r = &h[j].rec;
        uint64_t total = d->actual_kb - rnd_in(s, 0, MiB(64));
        uint64_t dt = rnd_in(s, 500, 5000), avail, swt;

        if (total < MiB(16))
            total = MiB(16);
        t += dt;
        seq = rnd(s) % 10 == 0 ? 1 : seq + 1;
        psis += (uint64_t)(rate * (double)dt) + rnd_in(s, 0, 100);
        psif += rnd(s) % 3 == 0 ? (psis - psif) / 2 : 0;
        swp += rnd(s) % 3 == 0 ? rnd_in(s, 0, 20000) : 0;
        ref += rnd(s) % 3 == 0 ? rnd_in(s, 0, 50000) : 0;
        oom += rnd(s) % 20 == 0;
        avail = rnd_in(s, 0, total);
        swt = rnd(s) % 2 ? rnd_in(s, 0, MiB(2048)) : 0;
        h[j].t_ms = t;
        xb_record_clear(r);
        xb_record_set(r, XB_F_SEQ, seq);
        xb_record_set(r, XB_F_TOTAL, total);
        xb_record_set(r, XB_F_FREE, avail / 2);
        xb_record_set(r, XB_F_AVAIL, avail);
        if (rnd(s) % 5 != 0)
            xb_record_set(r, XB_F_COMMITTED, rnd_in(s, 0, 2 * total));
        xb_record_set(r, XB_F_SWAPTOTAL, swt);
        xb_record_set(r, XB_F_SWAPFREE, rnd_in(s, 0, swt));
        if (bal)
            xb_record_set(r, XB_F_BALLOON, d->actual_kb - rnd_in(s, 0, MiB(8)));
        xb_record_set(r, XB_F_PSWPIN, swp);
        xb_record_set(r, XB_F_REFAULT, ref);
        xb_record_set(r, XB_F_OOMKILL, oom);
        if (!nopsi) {
            xb_record_set(r, XB_F_PSI_SOME, psis);
            xb_record_set(r, XB_F_PSI_FULL, psif);
        }
    }
}

/* A random snapshot; `calm`: the pool covers every managed domain's max. */
static void
gen(uint64_t *s, struct rp_snap *rs, int calm)
{
    unsigned n = (unsigned)rnd_in(s, 1, RP_MAXDOM);
    uint64_t maxsum = 0, keep = 0, now = 0;

    memset(rs, 0, sizeof(*rs));
    for (unsigned i = 0; i < n; i++) {
        struct xb_pol_dom *d = &rs->doms[i];
        unsigned kind = (unsigned)(rnd(s) % 10);

        d->domid = i;
        d->name = "r";
        d->is_dom0 = i == 0 && rnd(s) % 3 == 0;
        d->max_kb = MiB(rnd_in(s, 256, 8192));
        d->min_kb = rnd_in(s, MiB(64), d->max_kb);
        d->actual_kb = rnd_in(s, d->min_kb, d->max_kb);
        d->target_kb = rnd_in(s, d->min_kb, d->max_kb);
        d->weight = (unsigned)rnd_in(s, 1, 1000);
        d->since_change_ms = rnd_in(s, 0, 5000);
        d->nhist = kind == 0 ? 0 : (unsigned)rnd_in(s, 1, RP_MAXSAMP);
        d->stale = kind == 1;
        d->hist = d->nhist > 0 ? rs->hist[i] : NULL;
        gen_samples(s, d, rs->hist[i]);
        if (d->nhist > 0 && rs->hist[i][d->nhist - 1].t_ms > now)
            now = rs->hist[i][d->nhist - 1].t_ms;
        if (xb_pol_latest(d) != NULL)
            maxsum += d->max_kb;
        else
            keep += d->actual_kb > d->target_kb ? d->actual_kb : d->target_kb;
    }
    rs->snap.now_ms = now;
    rs->snap.host_total_kb = MiB(262144);
    rs->snap.reserve_kb = rnd_in(s, 0, MiB(1024));
    rs->snap.host_free_kb =
        calm ? maxsum + keep + rs->snap.reserve_kb : rnd_in(s, 0, MiB(16384));
    rs->snap.doms = rs->doms;
    rs->snap.ndoms = n;
}

static void
check_policy(const struct xb_policy_inst *pi, const struct rp_snap *rs,
             int calm, unsigned round)
{
    const struct xb_pol_snapshot *snap = &rs->snap;
    const char *name = pi->pol->name;
    struct xb_pol_want a[RP_MAXDOM], b[RP_MAXDOM];
    uint64_t sum = 0, summin = 0, held = 0, pool = pol_pool(snap), bound;
    int aware = strcmp(name, "static") != 0 && strcmp(name, "selfballoon") != 0;

    memset(a, 0x00, sizeof(a));
    memset(b, 0xff, sizeof(b));
    xb_policy_plan(pi, snap, a);
    xb_policy_plan(pi, snap, b);
    ck_assert_msg(memcmp(a, b, snap->ndoms * sizeof(a[0])) == 0,
                  "seed %" PRIu64 " round %u: %s not deterministic", seed,
                  round, name);
    for (unsigned i = 0; i < snap->ndoms; i++) {
        const struct xb_pol_dom *d = &snap->doms[i];
        uint64_t t = a[i].target_kb;
        int silent = xb_pol_latest(d) == NULL;

        ck_assert_msg(t >= d->min_kb && t <= d->max_kb,
                      "seed %" PRIu64 " round %u: %s dom %u target %" PRIu64
                      " outside [%" PRIu64 ", %" PRIu64 "]",
                      seed, round, name, i, t, d->min_kb, d->max_kb);
        ck_assert_msg(!silent || t >= d->target_kb,
                      "seed %" PRIu64 " round %u: %s shrinks silent dom %u",
                      seed, round, name, i);
        if (strcmp(name, "static") == 0)
            ck_assert_msg(t == d->target_kb,
                          "seed %" PRIu64 " round %u: static moved dom %u",
                          seed, round, i);
        else if (calm) {
            uint64_t need = a[i].need_kb < d->max_kb ? a[i].need_kb : d->max_kb;

            ck_assert_msg(t >= need,
                          "seed %" PRIu64 " round %u: %s dom %u target "
                          "%" PRIu64 " below need %" PRIu64 " (%s)",
                          seed, round, name, i, t, need, a[i].reason);
        }
        if (!silent) {
            sum += t;
            summin += d->min_kb;
            held += d->actual_kb;
        }
    }
    bound = pool > summin ? pool : summin;
    if (strcmp(name, "proportional") == 0 &&
        snap->host_free_kb > snap->reserve_kb &&
        held + snap->host_free_kb - snap->reserve_kb > bound)
        bound = held + snap->host_free_kb - snap->reserve_kb;
    else if (strcmp(name, "proportional") == 0 && held > bound)
        bound = held;
    if (aware)
        ck_assert_msg(sum <= bound,
                      "seed %" PRIu64 " round %u: %s hands out %" PRIu64
                      " of a pool of %" PRIu64,
                      seed, round, name, sum, pool);
}

START_TEST(test_properties)
{
    struct xb_policy_inst *pis[8];
    unsigned npol = 0;
    uint64_t s = seed;

    for (size_t i = 0; xb_policies[i] != NULL; i++)
        pis[npol++] = tp_create(xb_policies[i]->name, NULL);
    for (unsigned round = 0; round < ROUNDS; round++) {
        struct rp_snap rs;
        int calm = round % 2 == 0;

        gen(&s, &rs, calm);
        for (unsigned p = 0; p < npol; p++)
            check_policy(pis[p], &rs, calm, round);
    }
    for (unsigned p = 0; p < npol; p++)
        xb_policy_destroy(pis[p]);
}
END_TEST

int
main(void)
{
    const char *env = getenv("XB_SEED");
    Suite *s = suite_create("policy properties");
    TCase *tc = tcase_create("random");

    seed = env != NULL ? strtoull(env, NULL, 0)
                       : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    printf("test_pol_props: seed %" PRIu64 " (replay with XB_SEED=%" PRIu64
           ")\n",
           seed, seed);
    fflush(stdout);
    tcase_add_test(tc, test_properties);
    suite_add_tcase(s, tc);
    return tp_main(s);
}
