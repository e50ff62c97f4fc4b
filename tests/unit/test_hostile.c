/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lying guests against the whole decision path: records that parse (so
 * the parser cannot help) but claim a terabyte of need and a storm of
 * stall, or no need at all, or random figures, go through dom_intake()
 * and then decide() (policy + balancer + bal_check) for every policy in
 * the registry, round after round with ideal balloons.  The same host is
 * also played with the liar telling the truth.  Asserted every round:
 * every target issued lies in its domain's [min, max] and the balancer's check
 * passes; at the end, every honest domain holds at least the least of
 * what it holds when nobody lies, its fair share (its weight's part of the
 * guests' pool) and the memory it uses.  A liar may take what others have
 * and do not use (up to its own max: a guest that really used all of its
 * max could too), never what they use beyond their fair share.  Seeded:
 * XB_SEED=N reruns one case set.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "config.h"
#include "decide.h"
#include "domain.h"
#include "errlist.h"
#include "registry.h"

#define MIB 1024ULL
#define GIB (1024ULL * 1024)
#define NGUEST_MAX 4
#define ROUNDS 40
#define ROUND_MS 3000
#define NSCEN 24

enum lie { LIE_NONE, LIE_HUGE, LIE_ZERO, LIE_RANDOM };

struct guest {
    uint64_t maxmem_kb, actual_kb, used_kb;
    unsigned weight;
    double stall_ms_s; /* PSI some, ms per second */
};

struct scen {
    unsigned n;
    uint64_t free_kb; /* host free at the start */
    struct guest g[NGUEST_MAX];
};

static unsigned long long seed;

static unsigned long long
rnd(unsigned long long *s)
{
    /* splitmix64 */
    unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t
between(unsigned long long *s, uint64_t lo, uint64_t hi)
{
    return lo + rnd(s) % (hi - lo + 1);
}

static void
make_scen(unsigned i, struct scen *sc)
{
    unsigned long long s = seed * 1000003ULL + i;

    memset(sc, 0, sizeof(*sc));
    sc->n = (unsigned)between(&s, 2, NGUEST_MAX);
    sc->free_kb = between(&s, 0, 4 * GIB);
    for (unsigned k = 0; k < sc->n; k++) {
        struct guest *g = &sc->g[k];

        g->maxmem_kb = between(&s, 1, 8) * GIB;
        g->actual_kb = between(&s, 640 * MIB, g->maxmem_kb);
        g->used_kb = between(&s, 64 * MIB, g->actual_kb);
        g->weight = (unsigned)between(&s, 50, 300);
        g->stall_ms_s = (double)between(&s, 0, 40);
    }
}

/* The record guest k publishes in round r (the liar is guest 0). */
static void
make_record(const struct scen *sc, unsigned k, enum lie lie, unsigned r,
            uint64_t actual_kb, unsigned long long *s, char *buf, size_t len)
{
    const struct guest *g = &sc->g[k];
    struct xb_record rec;
    uint64_t used = g->used_kb < actual_kb ? g->used_kb : actual_kb;

    xb_record_clear(&rec);
    xb_record_set(&rec, XB_F_SEQ, r + 1);
    xb_record_set(&rec, XB_F_TOTAL, actual_kb);
    xb_record_set(&rec, XB_F_FREE, actual_kb - used);
    xb_record_set(&rec, XB_F_AVAIL, actual_kb - used);
    xb_record_set(&rec, XB_F_PSI_SOME,
                  (uint64_t)(g->stall_ms_s * 1000 * r * ROUND_MS / 1000));
    xb_record_set(&rec, XB_F_PSI_FULL, 0);
    if (k == 0 && lie == LIE_HUGE) {
        /* A terabyte in use, stalled all the time, an OOM kill a round. */
        xb_record_set(&rec, XB_F_TOTAL, 1024 * GIB);
        xb_record_set(&rec, XB_F_FREE, 0);
        xb_record_set(&rec, XB_F_AVAIL, 0);
        xb_record_set(&rec, XB_F_PSI_SOME, (uint64_t)r * ROUND_MS * 1000);
        xb_record_set(&rec, XB_F_PSI_FULL, (uint64_t)r * ROUND_MS * 1000);
        xb_record_set(&rec, XB_F_OOMKILL, r);
        xb_record_set(&rec, XB_F_PSWPIN, (uint64_t)r * 1000000);
    } else if (k == 0 && lie == LIE_ZERO) {
        xb_record_set(&rec, XB_F_FREE, actual_kb);
        xb_record_set(&rec, XB_F_AVAIL, actual_kb);
        xb_record_set(&rec, XB_F_PSI_SOME, 0);
    } else if (k == 0 && lie == LIE_RANDOM) {
        uint64_t total = between(s, 1, 1ULL << 34);

        xb_record_set(&rec, XB_F_TOTAL, total);
        xb_record_set(&rec, XB_F_FREE, between(s, 0, total));
        xb_record_set(&rec, XB_F_AVAIL, between(s, 0, total));
        xb_record_set(&rec, XB_F_COMMITTED, between(s, 0, 1ULL << 34));
        xb_record_set(&rec, XB_F_PSI_SOME, between(s, 0, 1ULL << 40));
        xb_record_set(&rec, XB_F_PSI_FULL, 0);
        xb_record_set(&rec, XB_F_REFAULT, between(s, 0, 1ULL << 40));
    }
    ck_assert_int_gt(xb_record_format(&rec, buf, len), 0);
}

static struct xb_config *
config_for(const char *policy)
{
    struct xb_errlist el;
    struct xb_config *cfg;
    char text[256];

    snprintf(text, sizeof(text),
             "{\"policy\": {\"name\": \"%s\", \"params\": {}},"
             " \"min_interval\": \"1s\"}",
             policy);
    xb_errlist_init(&el);
    cfg = cfg_load_string(text, "test", &el);
    ck_assert_msg(cfg != NULL, "%s: %s", policy, el.n ? el.msgs[0] : "?");
    xb_errlist_dispose(&el);
    return cfg;
}

/*
 * Plays ROUNDS rounds of scenario sc under policy; guest 0 lies as told.
 * Returns the final targets in out[].
 */
static void
play(const struct scen *sc, struct xb_config *cfg, enum lie lie,
     unsigned scen_no, uint64_t *out)
{
    struct domtab t;
    struct hv_physinfo phys;
    struct bal_result res;
    struct bal_dom bd[NGUEST_MAX];
    unsigned long long s = seed ^ (scen_no * 7919ULL);
    uint64_t fixed, now = 100000;
    char buf[XB_RECORD_MAX + 1];
    char *cause = NULL;

    domtab_init(&t, cfg->policy->pol->history);
    fixed = 0;
    for (unsigned k = 0; k < sc->n; k++) {
        struct dom *d = domtab_add(&t, k + 1);

        snprintf(d->name, sizeof(d->name), "g%u", k);
        d->actual_kb = d->target_kb = sc->g[k].actual_kb;
        d->maxmem_kb = sc->g[k].maxmem_kb;
        dom_apply_rules(d, cfg);
        d->weight = sc->g[k].weight;
        fixed += d->actual_kb;
    }
    phys.total_kb = fixed + sc->free_kb + 2 * GIB;
    for (unsigned r = 0; r < ROUNDS; r++, now += ROUND_MS) {
        uint64_t sum = 0;

        for (unsigned k = 0; k < sc->n; k++) {
            struct dom *d = t.v[k];

            make_record(sc, k, lie, r, d->actual_kb, &s, buf, sizeof(buf));
            ck_assert_int_eq(dom_intake(d, buf, strlen(buf), now), 1);
            d->state = DOM_MANAGED;
            sum += d->actual_kb;
        }
        phys.free_kb = phys.total_kb - 2 * GIB - sum;
        ck_assert_msg(decide(&t, cfg, &phys, 0, 0, now, bd, &res, &cause) == 0,
                      "seed %llu scenario %u policy %s lie %d round %u: %s",
                      seed, scen_no, cfg->policy->pol->name, lie, r, cause);
        /* Ideal balloons: every new target is reached by the next round
         * (shrinks first, so free never goes negative). */
        for (unsigned k = 0; k < sc->n; k++) {
            struct dom *d = t.v[k];

            ck_assert_msg(bd[k].new_target_kb == d->target_kb ||
                              (bd[k].new_target_kb >= d->min_kb &&
                               bd[k].new_target_kb <= d->max_kb),
                          "seed %llu scenario %u policy %s: g%u target %llu "
                          "outside [%llu, %llu]",
                          seed, scen_no, cfg->policy->pol->name, k,
                          (unsigned long long)bd[k].new_target_kb,
                          (unsigned long long)d->min_kb,
                          (unsigned long long)d->max_kb);
            if (bd[k].new_target_kb != d->target_kb)
                dom_target_changed(d, bd[k].new_target_kb, now);
            d->actual_kb = d->target_kb;
        }
    }
    for (unsigned k = 0; k < sc->n; k++)
        out[k] = t.v[k]->target_kb;
    domtab_dispose(&t);
}

START_TEST(test_liars)
{
    const struct xb_policy *pol = xb_policies[_i];
    struct xb_config *cfg = config_for(pol->name);

    for (unsigned i = 0; i < NSCEN; i++) {
        struct scen sc;
        uint64_t honest[NGUEST_MAX], lied[NGUEST_MAX], pool = 0, deficit;
        unsigned wsum = 0;

        make_scen(i, &sc);
        for (unsigned k = 0; k < sc.n; k++) {
            pool += sc.g[k].actual_kb;
            wsum += sc.g[k].weight;
        }
        pool += sc.free_kb;
        pool = pool > cfg->reserve_kb ? pool - cfg->reserve_kb : 0;
        deficit =
            cfg->reserve_kb > sc.free_kb ? cfg->reserve_kb - sc.free_kb : 0;
        play(&sc, cfg, LIE_NONE, i, honest);
        for (int lie = LIE_HUGE; lie <= LIE_RANDOM; lie++) {
            play(&sc, cfg, lie, i, lied);
            for (unsigned k = 1; k < sc.n; k++) {
                uint64_t fair = pool * sc.g[k].weight / wsum;
                uint64_t floor = honest[k] < fair ? honest[k] : fair;

                if (sc.g[k].used_kb < floor)
                    floor = sc.g[k].used_kb;
                /* A host that starts below its reserve takes it back from
                 * every donor above its min, honest or not (safety first):
                 * that much below its use is no liar's doing. */
                floor = floor > deficit ? floor - deficit : 0;

                ck_assert_msg(
                    lied[k] >= floor,
                    "seed %llu scenario %u policy %s lie %d: "
                    "honest g%u got %llu KiB, %llu when nobody "
                    "lies, fair share %llu, uses %llu",
                    seed, i, pol->name, lie, k, (unsigned long long)lied[k],
                    (unsigned long long)honest[k], (unsigned long long)fair,
                    (unsigned long long)sc.g[k].used_kb);
            }
        }
    }
    cfg_free(cfg);
}
END_TEST

static Suite *
hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("liars");
    const char *env = getenv("XB_SEED");
    int npol = 0;

    seed =
        env != NULL ? strtoull(env, NULL, 10) : (unsigned long long)time(NULL);
    printf("test_hostile: XB_SEED=%llu\n", seed);
    while (xb_policies[npol] != NULL)
        npol++;
    tcase_add_loop_test(tc, test_liars, 0, npol);
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(hostile_suite)
