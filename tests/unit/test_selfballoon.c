/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's selfballooning arithmetic (agent/selfballoon.c) as exact
 * tables: xenballoond's minimum_target() heuristic, the goal with its
 * reserve, the floor that keeps a small guest alive, the hysteresis (down
 * by a tenth, up at once), the frame change into target_kb and the
 * maxmem ceiling; and the sample-to-input mapping.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "selfballoon.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    uint64_t maxmem_kb, want_kb;
} mt_cases[] = {
    { 65536, 40960 },    /* 64 MiB: 8 + 16384 >> 9 MiB */
    { 127999, 71680 },   /* 124 MiB, first band: 8 + 31999 >> 9 */
    { 131072, 73728 },   /* 128 MiB: 40 + 32768 >> 10 */
    { 510976, 167936 },  /* 499 MiB: 40 + 127744 >> 10 */
    { 512000, 169984 },  /* 500 MiB: 104 + 128000 >> 11 */
    { 1048576, 237568 }, /* 1 GiB: 104 + 128 */
    { 4194304, 434176 }, /* 4 GiB: 296 + 128 */
};

START_TEST(test_minimum_target)
{
    ck_assert_uint_eq(ag_sb_minimum_target_kb(mt_cases[_i].maxmem_kb),
                      mt_cases[_i].want_kb);
}
END_TEST

/* 0 in down: the defaults (10, 1, 10%, 0, 64 MiB). */
static const struct {
    const char *name;
    struct ag_sb_params p;
    struct ag_sb_in in; /* total, committed, avail, current, maxmem */
    int rc;
    struct ag_sb_out want; /* goal, floor, tgt, target */
} sb_cases[] = {
    { "1 GiB guest, idle: down by a tenth of the gap",
      { 0 },
      { 985432, 498212, 689380, 1048576, 1048576 },
      0,
      { 596755, 361588, 946565, 1009709 } },
    { "demand above MemTotal: up at once",
      { 0 },
      { 524288, 700000, 100000, 560000, 1048576 },
      0,
      { 752428, 489824, 752428, 788140 } },
    { "goal above static-max: capped there, target too",
      { 0 },
      { 900000, 1200000, 100000, 950000, 1048576 },
      0,
      { 1048576, 865536, 1048576, 1048576 } },
    { "128 MiB guest, tiny Committed_AS: the floor holds it up",
      { 0 },
      { 120000, 20000, 90000, 131072, 131072 },
      0,
      { 95536, 95536, 117554, 128626 } },
    { "at the goal: stays",
      { 0 },
      { 200000, 180000, 150000, 210000, 262144 },
      0,
      { 200000, 115536, 200000, 210000 } },
    { "custom: down 8, up 2, fixed reserve, no margin, maxmem unknown",
      { 8, 2, 0, 10240, 0 },
      { 500000, 600000, 400000, 0, 0 },
      0,
      { 610240, 165888, 555120, 555120 } },
    { "custom: shrink by an eighth",
      { 8, 2, 0, 10240, 0 },
      { 1000000, 100000, 900000, 1000000, 0 },
      0,
      /* floor: minimum_target(1000000 KiB = 976 MiB) = 104 + 122 MiB */
      { 231424, 231424, 903928, 903928 } },
    { "no MemTotal", { 0 }, { 0, 1000, 0, 0, 0 }, -1, { 0, 0, 0, 0 } },
    /* A bogus memory/static-max is ignored (as if unknown): the floor
     * and the guest's own size rule, never a target below the floor. */
    { "static-max 1 KiB under a 512 MiB guest: ignored",
      { 0 },
      { 500000, 100000, 400000, 524288, 1 },
      0,
      { 172032, 172032, 467204, 491492, 1 } },
    { "static-max 64 MiB under a 512 MiB guest: ignored",
      { 0 },
      { 500000, 100000, 400000, 524288, 65536 },
      0,
      { 172032, 172032, 467204, 491492, 1 } },
    { "static-max 1 KiB under a busy 128 MiB guest: the floor holds",
      { 0 },
      { 120000, 20000, 30000, 131072, 1 },
      0,
      { 155536, 155536, 155536, 166608, 1 } },
    { "static-max at MemTotal, floor above it: the floor wins",
      { 0 },
      { 120000, 20000, 30000, 131072, 120000 },
      0,
      { 155536, 155536, 155536, 166608, 0 } },
};

START_TEST(test_compute)
{
    struct ag_sb_params p;
    struct ag_sb_out out;
    int rc;

    if (sb_cases[_i].p.down == 0)
        ag_sb_defaults(&p);
    else
        p = sb_cases[_i].p;
    rc = ag_sb_compute(&p, &sb_cases[_i].in, &out);
    ck_assert_msg(rc == sb_cases[_i].rc, "%s: rc %d", sb_cases[_i].name, rc);
    ck_assert_msg(out.goal_kb == sb_cases[_i].want.goal_kb &&
                      out.floor_kb == sb_cases[_i].want.floor_kb &&
                      out.tgt_kb == sb_cases[_i].want.tgt_kb &&
                      out.target_kb == sb_cases[_i].want.target_kb &&
                      out.maxmem_ignored == sb_cases[_i].want.maxmem_ignored,
                  "%s: goal %llu floor %llu tgt %llu target %llu ignored %d",
                  sb_cases[_i].name, (unsigned long long)out.goal_kb,
                  (unsigned long long)out.floor_kb,
                  (unsigned long long)out.tgt_kb,
                  (unsigned long long)out.target_kb, out.maxmem_ignored);
    /* The floor wins: never below it, in either frame. */
    if (rc == 0)
        ck_assert_uint_ge(out.goal_kb, out.floor_kb);
}
END_TEST

/* The floor is never under 64 MiB + unreclaimable, whatever the goal. */
START_TEST(test_floor_keeps_kernel_alive)
{
    struct ag_sb_params p;
    struct ag_sb_in in = { 131072, 0, 131072 - 40000, 131072, 131072 };
    struct ag_sb_out out;

    ag_sb_defaults(&p);
    /* Iterate as the agent would, MemTotal following each target. */
    for (int i = 0; i < 200; i++) {
        ck_assert_int_eq(ag_sb_compute(&p, &in, &out), 0);
        ck_assert_uint_ge(out.tgt_kb, 65536 + 40000);
        in.total_kb = out.tgt_kb;
        in.avail_kb = in.total_kb - 40000;
    }
    /* Converged on the floor, far above the 48 MiB that panics it. */
    ck_assert_uint_le(out.tgt_kb - (65536 + 40000), 10);
}
END_TEST

static const struct {
    const char *name;
    int rc; /* the record for each case is built in test_input */
    uint64_t avail_kb, current_kb;
} in_cases[] = {
    { "all", 0, 600, 2000 },
    { "no Committed_AS", -1, 0, 0 },
    { "no MemAvailable: free + buffers + cached", 0, 450, 0 },
    { "avail above total is clamped", 0, 1000, 0 },
};

START_TEST(test_input)
{
    struct xb_record r;
    struct ag_sb_in in;

    xb_record_clear(&r);
    xb_record_set(&r, XB_F_TOTAL, 1000);
    xb_record_set(&r, XB_F_FREE, 100);
    xb_record_set(&r, XB_F_BUFFERS, 50);
    xb_record_set(&r, XB_F_CACHED, 300);
    switch (_i) {
    case 0:
        xb_record_set(&r, XB_F_COMMITTED, 700);
        xb_record_set(&r, XB_F_AVAIL, 600);
        xb_record_set(&r, XB_F_BALLOON, 2000);
        break;
    case 1:
        xb_record_set(&r, XB_F_AVAIL, 600);
        break;
    case 2:
        xb_record_set(&r, XB_F_COMMITTED, 700);
        break;
    case 3:
        xb_record_set(&r, XB_F_COMMITTED, 700);
        xb_record_set(&r, XB_F_AVAIL, 5000);
        break;
    }
    ck_assert_msg(ag_sb_input(&r, &in) == in_cases[_i].rc, "%s",
                  in_cases[_i].name);
    if (in_cases[_i].rc < 0)
        return;
    ck_assert_uint_eq(in.total_kb, 1000);
    ck_assert_uint_eq(in.committed_kb, 700);
    ck_assert_uint_eq(in.avail_kb, in_cases[_i].avail_kb);
    ck_assert_uint_eq(in.current_kb, in_cases[_i].current_kb);
    ck_assert_uint_eq(in.maxmem_kb, 0);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("selfballoon");
    TCase *tc = tcase_create("arithmetic");

    tcase_add_loop_test(tc, test_minimum_target, 0, NITEMS(mt_cases));
    tcase_add_loop_test(tc, test_compute, 0, NITEMS(sb_cases));
    tcase_add_test(tc, test_floor_keeps_kernel_alive);
    tcase_add_loop_test(tc, test_input, 0, NITEMS(in_cases));
    suite_add_tcase(s, tc);
    return xb_check_run(s);
}
