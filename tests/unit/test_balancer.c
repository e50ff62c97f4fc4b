/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The balancer: hand-worked cases with exact targets, then its invariants
 * (bal_check) on many seeded random snapshots.  XB_SEED replays a run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balancer.h"
#include "unit/check_main.h"

#define M 1024ULL

static const struct bal_params params = {
    .reserve_kb = 64 * M,
    .held_kb = 0,
    .deadband_kb = 8 * M,
    .shrink_step = 0.05,
    .shrink_max_kb = 64 * M,
    .min_interval_ms = 2000,
    .progress_kb = 4 * M,
    .rate_kb_s = 32 * M,
};

static struct bal_dom
dom(uint32_t id, uint64_t actual, uint64_t target, uint64_t wanted)
{
    struct bal_dom d;

    memset(&d, 0, sizeof(d));
    d.domid = id;
    d.actual_kb = actual * M;
    d.target_kb = target * M;
    d.wanted_kb = wanted * M;
    d.min_kb = 128 * M;
    d.max_kb = 2048 * M;
    d.managed = 1;
    d.since_change_ms = 60000;
    return d;
}

struct bcase {
    const char *name;
    uint64_t free_mb;
    unsigned n;
    struct {
        uint64_t actual, target, wanted;
        int silent, stuck, managed0;
        uint64_t floor, ceil; /* learned limits, MiB (0: none) */
        uint64_t rate;        /* balloon speed, MiB/s (0: default 32) */
    } in[3];
    uint64_t expect_kb[3];
};

static const struct bcase cases[] = {
    /* 1 GiB free, reserve 64M: growth of 200M is granted in full. */
    { "grow-granted",
      1024,
      2,
      { { 512, 512, 712 }, { 512, 512, 512 } },
      { 712 * M, 512 * M } },
    /* 164M free: 100M above reserve, two wish +100M: 50M each. */
    { "grow-shared",
      164,
      2,
      { { 512, 512, 612 }, { 512, 512, 612 } },
      { 562 * M, 562 * M } },
    /* Shrink by 5% of actual (52428 KiB), not all the way to the wish. */
    { "shrink-stepped", 1024, 1, { { 1024, 1024, 256 } }, { 1048576 - 52428 } },
    /* Silent domains are never shrunk by policy. */
    { "silent-kept", 1024, 1, { { 1024, 1024, 256, 1 } }, { 1024 * M } },
    /* A change smaller than the deadband (8M) is not issued. */
    { "deadband", 1024, 1, { { 512, 512, 516 } }, { 512 * M } },
    /* Stuck domains are not grown. */
    { "stuck-not-grown", 1024, 1, { { 512, 512, 900, 0, 1 } }, { 512 * M } },
    /* Unmanaged domains are never touched. */
    { "unmanaged", 1024, 1, { { 512, 512, 900, 0, 0, 1 } }, { 512 * M } },
    /* Free 96M must cover reserve 64M + dom 0's unmet promise of 100M:
     * 68M short, taken by withdrawing that promise, not by moving memory. */
    { "reclaim-promise-first",
      96,
      2,
      { { 512, 612, 612 }, { 1024, 1024, 1024 } },
      { 544 * M, 1024 * M } },
    /* Free 0: the 64M deficit is released in parallel as fast as it can
     * be: at equal speeds, 32M each (both have the room). */
    { "reclaim-parallel",
      0,
      2,
      { { 512, 512, 512 }, { 1024, 1024, 1024 } },
      { 480 * M, 992 * M } },
    /* Free 0: 64M (65536 KiB) short.  Dom 0 releases 96M/s, dom 1 8M/s,
     * dom 2 32M/s but has only 8M above its min: the least time is 539 ms
     * (98304 x 0.539 + 8192 x 0.539 + 8192 >= 65536), in which dom 0
     * gives 52985 KiB less the 56 KiB rounding, dom 1 4415 KiB, dom 2 all
     * its 8M. */
    { "reclaim-by-speed",
      0,
      3,
      { { 1024, 1024, 1024, 0, 0, 0, 0, 0, 96 },
        { 1024, 1024, 1024, 0, 0, 0, 0, 0, 8 },
        { 136, 136, 136 } },
      { 1024 * M - 52929, 1024 * M - 4415, 128 * M } },
    /* Promises already made count as used: 1G free but 900M promised to
     * dom 0, so dom 1 gets only 1024-64-900 = 60M. */
    { "promises-count",
      1024,
      2,
      { { 100, 1000, 1000 }, { 512, 512, 812 } },
      { 1000 * M, 572 * M } },
    /* Free 60M against a 64M reserve: a 4M deficit, under the deadband,
     * is still taken, and all of it from the donor with the most room
     * (dom 1: 896M above min), not spread over everyone. */
    { "small-deficit-one-donor",
      60,
      2,
      { { 512, 512, 512 }, { 1024, 1024, 1024 } },
      { 512 * M, 1020 * M } },
    /* Dom 0 stopped 2M short of its target (within progress, 4M): it has
     * arrived, so those 2M are not on their way.  Free 62M misses the
     * reserve by 2M, asked of the donor with the most room. */
    { "arrived-is-not-releasing",
      62,
      2,
      { { 514, 512, 512 }, { 1024, 1024, 1024 } },
      { 512 * M, 1022 * M } },
    /* The host is short (free 0 against a 64M reserve) and dom 0 is
     * releasing 100M that reclaim counts on: the grow pass must not raise
     * it back to what it holds, whatever the policy wants. */
    { "short-no-donor-raise",
      0,
      2,
      { { 612, 512, 900 }, { 1024, 1024, 1024 } },
      { 512 * M, 1024 * M } },
    /* Dom 0 is stuck above an unmet shrink (600 -> 400): the shrink is
     * withdrawn (target back to what it holds) and the 64M the reserve
     * lacks is taken from dom 1 in the same pass. */
    { "stuck-shrink-withdrawn",
      0,
      2,
      { { 600, 400, 400, 0, 1, 0, 600 }, { 1024, 1024, 1024 } },
      { 600 * M, 960 * M } },
    /* Dom 0 is stuck below an unmet growth (300 -> 500): the 200M promise
     * is withdrawn, so dom 1's growth can use it. */
    { "stuck-growth-withdrawn",
      364,
      2,
      { { 300, 500, 500, 0, 1, 0, 0, 300 }, { 512, 512, 712 } },
      { 300 * M, 712 * M } },
    /* A learned floor (600M, above min 128M) limits what reclaim asks of
     * dom 0: all 64M come from dom 1. */
    { "learned-floor",
      0,
      2,
      { { 600, 600, 600, 0, 0, 0, 600 }, { 600, 600, 600 } },
      { 600 * M, 536 * M } },
    /* Free 0: 64M short.  Dom 0 was asked for 256M before its speed was
     * known; it is seen at 8M/s.  Together the two release 64M in 1601
     * ms (8192 + 32768 KiB/s), dom 0's share being 13115 KiB: asked 20x
     * that, it is raised back to 1024M - 13115 KiB (re-split), and dom 1
     * (not yet seen: 32M/s) gives the other 52421 KiB. */
    { "resplit-slow-donor",
      0,
      2,
      { { 1024, 768, 768, 0, 0, 0, 0, 0, 8 }, { 1024, 1024, 1024 } },
      { 1024 * M - 13115, 1024 * M - 52421 } },
    /* The same, but dom 0 is seen at 32M/s: what it was asked is on its
     * way soon enough, nothing is re-split. */
    { "resplit-not-needed",
      0,
      2,
      { { 1024, 768, 768, 0, 0, 0, 0, 0, 32 }, { 1024, 1024, 1024 } },
      { 768 * M, 1024 * M } },
    /* A learned ceiling (500M) limits growth. */
    { "learned-ceiling",
      1024,
      1,
      { { 500, 500, 800, 0, 0, 0, 0, 500 } },
      { 500 * M } },
};

START_TEST(test_cases)
{
    const struct bcase *c = &cases[_i];
    struct bal_dom d[3];
    struct bal_result res;
    char *cause = NULL;

    for (unsigned i = 0; i < c->n; i++) {
        d[i] = dom(i, c->in[i].actual, c->in[i].target, c->in[i].wanted);
        d[i].silent = c->in[i].silent;
        d[i].stuck = c->in[i].stuck;
        d[i].managed = !c->in[i].managed0;
        d[i].floor_kb = c->in[i].floor * M;
        d[i].ceil_kb = c->in[i].ceil * M;
        d[i].rate_kb_s = c->in[i].rate * M;
    }
    bal_run(&params, c->free_mb * M, d, c->n, &res);
    for (unsigned i = 0; i < c->n; i++)
        ck_assert_msg(d[i].new_target_kb == c->expect_kb[i],
                      "%s: dom %u target %llu KiB, expected %llu KiB", c->name,
                      i, (unsigned long long)d[i].new_target_kb,
                      (unsigned long long)c->expect_kb[i]);
    ck_assert_msg(bal_check(&params, c->free_mb * M, d, c->n, &cause) == 0,
                  "%s: %s", c->name, cause);
}
END_TEST

static unsigned long long
rnd(unsigned long long *s)
{
    /* xorshift64*: fast, seedable, good enough for test inputs. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

START_TEST(test_random_invariants)
{
    unsigned long long seed = 0x5eed0001ULL, s;
    const char *env = getenv("XB_SEED");

    if (env != NULL)
        seed = strtoull(env, NULL, 0);
    printf("test_random_invariants: XB_SEED=%llu\n", seed);
    s = seed;
    for (int run = 0; run < 20000; run++) {
        struct bal_dom d[16];
        struct bal_params p = params;
        struct bal_result res;
        unsigned n = 1 + rnd(&s) % 16;
        uint64_t free_kb = rnd(&s) % (8192 * M);
        char *cause = NULL;

        p.held_kb = rnd(&s) % 4 == 0 ? rnd(&s) % (1024 * M) : 0;
        p.min_interval_ms = rnd(&s) % 5000;
        p.progress_kb = (1 + rnd(&s) % 8) * M;
        for (unsigned i = 0; i < n; i++) {
            struct bal_dom *x = &d[i];

            memset(x, 0, sizeof(*x));
            x->domid = i;
            x->min_kb = (64 + rnd(&s) % 512) * M;
            x->max_kb = x->min_kb + rnd(&s) % (4096 * M);
            x->actual_kb = rnd(&s) % (x->max_kb + 512 * M);
            x->target_kb =
                rnd(&s) % 3 == 0 ? x->actual_kb : rnd(&s) % (x->max_kb + 1);
            x->wanted_kb = rnd(&s) % (x->max_kb + 1024 * M);
            x->managed = rnd(&s) % 8 != 0;
            x->silent = rnd(&s) % 6 == 0;
            x->stuck = rnd(&s) % 7 == 0;
            x->floor_kb = rnd(&s) % 5 == 0 ? rnd(&s) % (x->max_kb + 1) : 0;
            x->ceil_kb = rnd(&s) % 5 == 0 ? rnd(&s) % (x->max_kb + 1) : 0;
            x->quick_kb = rnd(&s) % 3 == 0 ? rnd(&s) % (x->max_kb + 1) : 0;
            x->wary = rnd(&s) % 4 == 0;
            x->since_change_ms = rnd(&s) % 10000;
        }
        bal_run(&p, free_kb, d, n, &res);
        if (bal_check(&p, free_kb, d, n, &cause) != 0)
            ck_abort_msg("seed %llu run %d: %s", seed, run, cause);
        /* The same input always gives the same output. */
        {
            struct bal_dom again[16];

            memcpy(again, d, sizeof(d));
            bal_run(&p, free_kb, again, n, &res);
            for (unsigned i = 0; i < n; i++)
                ck_assert_uint_eq(again[i].new_target_kb, d[i].new_target_kb);
        }
    }
}
END_TEST

/* Reclaim restores the reserve when donors have room. */
START_TEST(test_reclaim_covers_deficit)
{
    struct bal_dom d[2] = { dom(0, 1024, 1024, 1024),
                            dom(1, 1024, 1024, 1024) };
    struct bal_params p = params;
    struct bal_result res;

    p.held_kb = 300 * M;
    bal_run(&p, 100 * M, d, 2, &res);
    ck_assert_uint_eq(res.shortfall_kb, 0);
    /* 64 + 300 - 100 = 264M released between the two. */
    ck_assert_uint_eq(2048 * M - d[0].new_target_kb - d[1].new_target_kb,
                      264 * M);
}
END_TEST

/* What the guest leaves plainly free goes in one step; a wary domain
 * (its balloon stalled lately) gives 5% and 64 MiB at most, even with a
 * bolder config, and nothing at once. */
START_TEST(test_quick_and_wary)
{
    struct bal_dom d = dom(0, 1024, 1024, 200);
    struct bal_params p = params;
    struct bal_result res;
    char *cause = NULL;

    d.quick_kb = 600 * M;
    bal_run(&p, 4096 * M, &d, 1, &res);
    ck_assert_uint_eq(d.new_target_kb, 424 * M);
    ck_assert_int_eq(bal_check(&p, 4096 * M, &d, 1, &cause), 0);

    p.shrink_step = 0.5;
    p.shrink_max_kb = 1024 * M;
    d.wary = 1;
    bal_run(&p, 4096 * M, &d, 1, &res);
    ck_assert_uint_eq(d.new_target_kb, 1024 * M - 52428);
    ck_assert_int_eq(bal_check(&p, 4096 * M, &d, 1, &cause), 0);
    /* A plan that shrank the wary domain further is caught. */
    d.new_target_kb = 900 * M;
    d.why = BAL_SHRINK;
    ck_assert_int_eq(bal_check(&p, 4096 * M, &d, 1, &cause), -1);
    free(cause);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("balancer");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_cases, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_test(tc, test_random_invariants);
    tcase_add_test(tc, test_reclaim_covers_deficit);
    tcase_add_test(tc, test_quick_and_wary);
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(suite)
