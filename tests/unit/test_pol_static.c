/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `static`: every domain keeps its target whatever the host or the guest
 * says.  The only change ever seen is xb_policy_plan's clamp into
 * [min, max] when a target was configured outside it.
 */
#include "test_pol_common.h"

/* A calm sample at t = 10 s: 1000 MiB used of 1024 MiB. */
#define CALM                                                                   \
    {                                                                          \
        .t_ms = 10000, .avail = MiB(24)                                        \
    }
/* A guest in distress: 200 ms/s of stall between t = 0 and t = 10 s. */
#define SPIKE_A                                                                \
    {                                                                          \
        .t_ms = 0, .avail = MiB(10)                                            \
    }
#define SPIKE_B                                                                \
    {                                                                          \
        .t_ms = 10000, .avail = MiB(10), .psis = 2000000, .psif = 1000000,     \
        .oom = 1                                                               \
    }

static const struct tp_case cases[] = {
    { "plenty",
      NULL,
      MiB(8192),
      0,
      2,
      { { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(2048),
          0,
          0,
          1,
          { CALM },
          MiB(1024) },
        { 0,
          MiB(512),
          MiB(600),
          MiB(256),
          MiB(2048),
          0,
          0,
          1,
          { CALM },
          MiB(600) } } },
    { "scarce",
      NULL,
      0,
      MiB(512),
      2,
      { { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(2048),
          0,
          0,
          1,
          { CALM },
          MiB(1024) },
        { 0,
          MiB(2048),
          MiB(2048),
          MiB(256),
          MiB(2048),
          0,
          0,
          1,
          { CALM },
          MiB(2048) } } },
    { "one spiking",
      NULL,
      MiB(4096),
      0,
      2,
      { { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          2,
          { SPIKE_A, SPIKE_B },
          MiB(1024) },
        { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { CALM },
          MiB(1024) } } },
    { "all spiking",
      NULL,
      0,
      0,
      2,
      { { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          2,
          { SPIKE_A, SPIKE_B },
          MiB(1024) },
        { 0,
          MiB(1024),
          MiB(900),
          MiB(256),
          MiB(4096),
          0,
          0,
          2,
          { SPIKE_A, SPIKE_B },
          MiB(900) } } },
    /* Targets outside [min, max] come back clamped by xb_policy_plan. */
    { "at min",
      NULL,
      MiB(1024),
      0,
      2,
      { { 0,
          MiB(256),
          MiB(256),
          MiB(256),
          MiB(1024),
          0,
          0,
          1,
          { CALM },
          MiB(256) },
        { 0,
          MiB(200),
          MiB(200),
          MiB(256),
          MiB(1024),
          0,
          0,
          1,
          { CALM },
          MiB(256) } } },
    { "at max",
      NULL,
      MiB(1024),
      0,
      2,
      { { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(1024),
          0,
          0,
          1,
          { CALM },
          MiB(1024) },
        { 0,
          MiB(1024),
          MiB(1100),
          MiB(256),
          MiB(1024),
          0,
          0,
          1,
          { CALM },
          MiB(1024) } } },
    { "silent",
      NULL,
      MiB(1024),
      0,
      3,
      { { 0,
          MiB(900),
          MiB(800),
          MiB(256),
          MiB(1024),
          0,
          0,
          0,
          { { 0 } },
          MiB(800) },
        { 0,
          MiB(700),
          MiB(700),
          MiB(256),
          MiB(1024),
          0,
          1,
          1,
          { CALM },
          MiB(700) },
        { 0,
          MiB(1024),
          MiB(1000),
          MiB(256),
          MiB(1024),
          0,
          0,
          1,
          { CALM },
          MiB(1000) } } },
    { "dom0",
      NULL,
      MiB(1024),
      0,
      2,
      { { 1,
          MiB(4096),
          MiB(4096),
          MiB(1024),
          MiB(8192),
          0,
          0,
          1,
          { CALM },
          MiB(4096) },
        { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(2048),
          0,
          0,
          1,
          { CALM },
          MiB(1024) } } },
};

START_TEST(test_static_table)
{
    tp_run("static", &cases[_i]);
}
END_TEST

/* need_kb is the guest's used memory (informational), 0 when silent. */
START_TEST(test_static_need)
{
    struct xb_policy_inst *pi = tp_create("static", NULL);
    struct xb_pol_want out[TP_MAXDOM];
    struct tp_snap ts;

    tp_build(&cases[6], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_uint_eq(out[0].need_kb, 0);
    ck_assert_uint_eq(out[1].need_kb, 0);
    /* 1024 MiB total - 24 MiB available + 0 swap. */
    ck_assert_uint_eq(out[2].need_kb, MiB(1000));
    ck_assert_str_eq(out[2].reason, "static");
    xb_policy_destroy(pi);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("policy static");
    TCase *tc = tcase_create("table");

    tcase_add_loop_test(tc, test_static_table, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_static_need);
    suite_add_tcase(s, tc);
    return tp_main(s);
}
