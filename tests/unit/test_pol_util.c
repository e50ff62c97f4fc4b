/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arithmetic the policies share (policies/util.c): budget and pool,
 * the domain frame, saturating and exact scaling, and the water-fill.
 */
#include "builtin.h"
#include "test_pol_common.h"

START_TEST(test_budget_pool)
{
    static const struct tp_case c = {
        "pool",
        NULL,
        MiB(100),
        MiB(50),
        3,
        { { 0,
            MiB(1000),
            MiB(1000),
            0,
            MiB(4096),
            0,
            0,
            1,
            { { .t_ms = 1 } },
            0 },
          /* silent: keeps max(actual 300, target 500) */
          { 0, MiB(300), MiB(500), 0, MiB(4096), 0, 0, 0, { { 0 } }, 0 },
          /* stale: keeps max(actual 400, target 200) */
          { 0,
            MiB(400),
            MiB(200),
            0,
            MiB(4096),
            0,
            1,
            1,
            { { .t_ms = 1 } },
            0 } }
    };
    struct tp_snap ts;

    tp_build(&c, &ts);
    /* 100 + 1000 + 300 + 400 - 50 */
    ck_assert_uint_eq(xb_pol_budget(&ts.snap), MiB(1750));
    /* 1750 - 500 - 400 */
    ck_assert_uint_eq(pol_pool(&ts.snap), MiB(850));
    ck_assert_ptr_nonnull(xb_pol_latest(&ts.doms[0]));
    ck_assert_ptr_null(xb_pol_latest(&ts.doms[1]));
    ck_assert_ptr_null(xb_pol_latest(&ts.doms[2]));
    ts.snap.reserve_kb = MiB(100000);
    ck_assert_uint_eq(xb_pol_budget(&ts.snap), 0);
    ck_assert_uint_eq(pol_pool(&ts.snap), 0);
}
END_TEST

START_TEST(test_clamp_scale_muldiv)
{
    struct xb_pol_dom d = { .min_kb = 100, .max_kb = 200 };

    ck_assert_uint_eq(xb_pol_clamp(&d, 50), 100);
    ck_assert_uint_eq(xb_pol_clamp(&d, 150), 150);
    ck_assert_uint_eq(xb_pol_clamp(&d, 250), 200);
    ck_assert_uint_eq(pol_scale(1048576, 1.1), 1153434);
    ck_assert_uint_eq(pol_scale(1000000, 0.98), 980000);
    ck_assert_uint_eq(pol_scale(10, -1.0), 0);
    ck_assert_uint_eq(pol_scale(UINT64_MAX, 2.0), UINT64_MAX);
    /* 2^40 * 2^40 / 2^30 needs 80 bits in the middle. */
    ck_assert_uint_eq(
        pol_muldiv(UINT64_C(1) << 40, UINT64_C(1) << 40, UINT64_C(1) << 30),
        UINT64_C(1) << 50);
    ck_assert_uint_eq(pol_muldiv(UINT64_MAX, 4, 2), UINT64_MAX);
    ck_assert_uint_eq(pol_muldiv(7, 3, 2), 10);
}
END_TEST

START_TEST(test_frame)
{
    struct xb_pol_dom d = { .actual_kb = 1048576 };
    struct xb_record r;

    xb_record_clear(&r);
    xb_record_set(&r, XB_F_TOTAL, 1000000);
    xb_record_set(&r, XB_F_FREE, 100000);
    xb_record_set(&r, XB_F_AVAIL, 400000);
    /* No balloon figure: actual - MemTotal. */
    ck_assert_uint_eq(pol_frame_kb(&d, &r), 48576);
    ck_assert_uint_eq(pol_used_kb(&d, &r), 600000 + 48576);
    /* The balloon's own figure wins. */
    xb_record_set(&r, XB_F_BALLOON, 1010000);
    ck_assert_uint_eq(pol_frame_kb(&d, &r), 10000);
    /* Never negative. */
    xb_record_set(&r, XB_F_BALLOON, 900000);
    ck_assert_uint_eq(pol_frame_kb(&d, &r), 0);
}
END_TEST

/* Water-fill rows: terms and total -> outs. */
static const struct {
    const char *name;
    unsigned n;
    uint64_t total;
    struct pol_term t[3];
    uint64_t out[3];
} fills[] = {
    /* Below sum lo: everyone at lo. */
    { "all lo",
      2,
      10,
      { { 0, 10, 100, 1, 0 }, { 0, 20, 100, 1, 0 } },
      { 10, 20 } },
    /* Above sum hi: everyone at hi. */
    { "all hi",
      2,
      1000,
      { { 0, 10, 100, 1, 0 }, { 0, 20, 100, 1, 0 } },
      { 100, 100 } },
    /* 1:3 weights, no bound touched: 0 + 1c, 0 + 3c = 400, c = 100. */
    { "weights",
      2,
      400,
      { { 0, 0, 1000, 1, 0 }, { 0, 0, 1000, 3, 0 } },
      { 100, 300 } },
    /* Proportional with a cap: 100 + c*100, 300 + c*300 = 1000, first
     * capped at 150, second gets 850. */
    { "cap",
      2,
      1000,
      { { 100, 100, 150, 100, 0 }, { 300, 300, 5000, 300, 0 } },
      { 150, 850 } },
    /* Floors: 0 + c, 0 + c with lo 300 on the first: 300 + 200. */
    { "floor",
      2,
      500,
      { { 0, 300, 1000, 1, 0 }, { 0, 0, 1000, 1, 0 } },
      { 300, 200 } },
    /* Weight 0 stays at its base; the rest go to the other. */
    { "flat",
      2,
      500,
      { { 200, 0, 1000, 0, 0 }, { 0, 0, 1000, 1, 0 } },
      { 200, 300 } },
    /* A negative level: base above what fits. */
    { "negative",
      2,
      100,
      { { 500, 0, 1000, 1, 0 }, { 500, 0, 1000, 1, 0 } },
      { 50, 50 } },
    /* Remainders are floored: 3 x 100/3. */
    { "floor div",
      3,
      100,
      { { 0, 0, 100, 1, 0 }, { 0, 0, 100, 1, 0 }, { 0, 0, 100, 1, 0 } },
      { 33, 33, 33 } },
};

START_TEST(test_fill_table)
{
    struct pol_term t[3];

    memcpy(t, fills[_i].t, sizeof(t));
    pol_fill(t, fills[_i].n, fills[_i].total);
    for (unsigned i = 0; i < fills[_i].n; i++)
        ck_assert_msg(t[i].out == fills[_i].out[i], "%s: term %u = %llu",
                      fills[_i].name, i, (unsigned long long)t[i].out);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("policy util");
    TCase *tc = tcase_create("util");

    tcase_add_test(tc, test_budget_pool);
    tcase_add_test(tc, test_clamp_scale_muldiv);
    tcase_add_test(tc, test_frame);
    tcase_add_loop_test(tc, test_fill_table, 0,
                        (int)(sizeof(fills) / sizeof(fills[0])));
    suite_add_tcase(s, tc);
    return tp_main(s);
}
