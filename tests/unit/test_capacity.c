/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A host's capacity (capacity.h) on hand-worked tables: the sums over
 * balanced domains, the available memory net of reserve, holds and
 * promises, what donors could free and how soon, and what is admittable
 * within a horizon, never below a guest's need.
 */
#include <check.h>
#include <stdint.h>

#include "capacity.h"
#include "unit/check_main.h"

#define M 1024ULL

/* g1: 1000M, min 200M, need 400M, seen at 100M/s;
 * g2: 800M, min 300M, need 700M, never seen moving (32M/s);
 * g3: 600M, min 100M, silent (no agent): no donor;
 * dom0: 512M, excluded.  Host free 1000M, reserve 100M, promised 50M. */
static void
host(struct domtab *t)
{
    static const struct {
        uint64_t actual, min, need, rate;
        int excluded;
        enum dom_state state;
    } rows[] = {
        { 512, 512, 0, 0, 1, DOM_EXCLUDED },
        { 1000, 200, 400, 100, 0, DOM_MANAGED },
        { 800, 300, 700, 0, 0, DOM_MANAGED },
        { 600, 100, 0, 0, 0, DOM_NO_AGENT },
    };

    domtab_init(t, 1);
    for (unsigned i = 0; i < 4; i++) {
        struct dom *d = domtab_add(t, i);

        d->actual_kb = d->target_kb = rows[i].actual * M;
        d->min_kb = rows[i].min * M;
        d->need_kb = rows[i].need * M;
        d->rate_kb_s = rows[i].rate * M;
        d->excluded = rows[i].excluded;
        d->state = rows[i].state;
        d->heard = 1;
    }
}

static const struct {
    uint64_t within_ms, held_mb;
    int paused;
    uint64_t admittable_kb;
} cases[] = {
    /* available: 1000 - 100 - 50 = 850M */
    { 0, 0, 0, 850 * M },
    /* 1.3 s - 0.3 s overhead: g1 gives 100M, g2 32M */
    { 1300, 0, 0, (850 + 100 + 32) * M },
    /* 10.3 s: g1 gives 600M (down to its need of 400M, not its min of
     * 200M), g2 100M (to its need of 700M) */
    { 10300, 0, 0, (850 + 600 + 100) * M },
    /* a hold of 300M comes off what is available */
    { 10300, 300, 0, (850 - 300 + 600 + 100) * M },
    /* balancing paused: only what is free */
    { 10300, 0, 1, 850 * M },
};

START_TEST(test_admittable)
{
    struct domtab t;
    struct cap_in in = { .free_kb = 1000 * M,
                         .reserve_kb = 100 * M,
                         .promised_kb = 50 * M,
                         .overhead_ms = 300 };
    struct cap_out out;

    host(&t);
    in.within_ms = cases[_i].within_ms;
    in.held_kb = cases[_i].held_mb * M;
    in.paused = cases[_i].paused;
    cap_compute(&t, &in, &out);
    ck_assert_uint_eq(out.admittable_kb, cases[_i].admittable_kb);
    /* Sums over the balanced domains: dom0 left out. */
    ck_assert_uint_eq(out.guaranteed_kb, (200 + 300 + 100) * M);
    ck_assert_uint_eq(out.committed_kb, (1000 + 800 + 600) * M);
    ck_assert_uint_eq(out.in_use_kb, (400 + 700) * M);
    if (cases[_i].paused) {
        ck_assert_uint_eq(out.reclaimable_kb, 0);
        ck_assert_uint_eq(out.reclaim_ms, 0);
    } else {
        /* Down to the mins: 800M + 500M.  g1 takes 8 s, g2 500/32 =
         * 15.625 s, + 300 ms. */
        ck_assert_uint_eq(out.reclaimable_kb, 1300 * M);
        ck_assert_uint_eq(out.donors, 2);
        ck_assert_uint_eq(out.reclaim_ms, 15625 + 300);
    }
    domtab_dispose(&t);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("capacity");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_admittable, 0,
                        sizeof(cases) / sizeof(cases[0]));
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(suite)
