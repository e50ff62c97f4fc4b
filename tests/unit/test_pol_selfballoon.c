/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `selfballoon`: xenballoond's Committed_AS goal with down-hysteresis 10
 * and up-hysteresis 1, plus a 10% reserve, per domain and blind to the
 * host.  Each row's arithmetic is in its comment (KiB; MemTotal = actual
 * unless said, so the frame offset is 0).
 *
 * Floors (minimum_target() from maxmem):
 *   maxmem 1024 MiB: 104 + (262144 >> 11) = 232 MiB = 237568 KiB
 *   maxmem 2048 MiB: 296 + (524288 >> 13) = 360 MiB = 368640 KiB
 *   maxmem 8192 MiB: 296 + (2097152 >> 13) = 552 MiB = 565248 KiB
 */
#include "test_pol_common.h"

/* One sample at t = 10 s with Committed_AS = c MiB. */
#define COMMIT(c)                                                              \
    {                                                                          \
        {                                                                      \
            .t_ms = 10000, .avail = MiB(100), .commit = MiB(c)                 \
        }                                                                      \
    }

/*
 * A: actual 1048576, commit 409600, reserve 10% of 1048576 = 104858
 *    goal 514458 > floor 368640; down: 1048576 - 534118 / 10 = 995165
 * B: actual 524288, commit 716800, reserve 52429, goal 769229; up / 1
 *    = 769229
 */
#define DOM_A                                                                  \
    {                                                                          \
        0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(400),    \
            995165                                                             \
    }
#define DOM_B                                                                  \
    {                                                                          \
        0, MiB(512), MiB(512), MiB(256), MiB(2048), 0, 0, 1, COMMIT(700),      \
            769229                                                             \
    }

static const struct tp_case cases[] = {
    { "plenty", NULL, MiB(8192), 0, 2, { DOM_A, DOM_B } },
    /* Blind to the host: nothing free and a big reserve change nothing. */
    { "scarce", NULL, 0, MiB(4096), 2, { DOM_A, DOM_B } },
    /*
     * A: commit 1843200 + 104858 = 1948058 < max 2097152: up at once.
     * B: commit 307200 + 104858 = 412058 > floor 368640;
     *    1048576 - 636518 / 10 = 1048576 - 63651 = 984925.
     */
    { "one spiking",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(1800),
          1948058 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(300),
          984925 } } },
    /* Both: 3072000 + 104858 = 3176858, clamped to max 2097152. */
    { "all spiking",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(3000),
          MiB(2048) },
        { 0, MiB(1536), MiB(1536), MiB(256), MiB(2048), 0, 0, 1, COMMIT(3000),
          MiB(2048) } } },
    /*
     * actual 262144, commit 51200 + 26214 = 77414 < floor 237568 (maxmem
     * 1024 MiB); 262144 - 24576 / 10 = 259687, clamped to min 262144.
     */
    { "at min",
      NULL,
      0,
      0,
      1,
      { { 0, MiB(256), MiB(256), MiB(256), MiB(1024), 0, 0, 1, COMMIT(50),
          MiB(256) } } },
    /* 2560000 + 209715 = 2769715 > actual: up, clamped to max 2097152. */
    { "at max",
      NULL,
      0,
      0,
      1,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(2048), 0, 0, 1, COMMIT(2500),
          MiB(2048) } } },
    /*
     * No samples: keep target 819200.  Stale: keep 614400 (its sample
     * would have shrunk it).  No Committed_AS: keep 700 MiB.  A as above.
     */
    { "silent",
      NULL,
      0,
      0,
      4,
      { { 0,
          MiB(900),
          MiB(800),
          MiB(256),
          MiB(2048),
          0,
          0,
          0,
          { { 0 } },
          MiB(800) },
        { 0, MiB(600), MiB(600), MiB(256), MiB(2048), 0, 1, 1, COMMIT(100),
          MiB(600) },
        { 0, MiB(700), MiB(700), MiB(256), MiB(2048), 0, 0, 1, COMMIT(0),
          MiB(700) },
        DOM_A } },
    /*
     * dom0: actual 4194304, commit 1024000 + 419430 = 1443430 > floor
     * 565248; 4194304 - 2750874 / 10 = 4194304 - 275087 = 3919217.
     */
    { "dom0",
      NULL,
      0,
      0,
      2,
      { { 1, MiB(4096), MiB(4096), MiB(1024), MiB(8192), 0, 0, 1, COMMIT(1000),
          3919217 },
        DOM_A } },
    /*
     * reserved 64 MiB, no percentage, down 4, up 2:
     * A: 409600 + 65536 = 475136; 1048576 - 573440 / 4 = 905216.
     * B: 716800 + 65536 = 782336; 524288 + 258048 / 2 = 653312.
     */
    { "params",
      "{\"reserved\": \"64M\", \"reserved_pct\": 0, "
      "\"downhysteresis\": 4, \"uphysteresis\": 2}",
      0,
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(400),
          905216 },
        { 0, MiB(512), MiB(512), MiB(256), MiB(2048), 0, 0, 1, COMMIT(700),
          653312 } } },
    /*
     * minmem 600 MiB overrides the heuristic: goal max(514458, 614400) =
     * 614400; 1048576 - 434176 / 10 = 1005159.
     */
    { "minmem",
      "{\"minmem\": 614400}",
      0,
      0,
      1,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(400),
          1005159 } } },
    /*
     * Frame: MemTotal 1000 MiB, balloon current 1024 MiB, offset 24576.
     * goal 409600 + 102400 = 512000, +24576 = 536576;
     * 1048576 - 512000 / 10 = 997376.
     */
    { "frame",
      NULL,
      0,
      0,
      1,
      { { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(2048),
          0,
          0,
          1,
          { { .t_ms = 10000,
              .total = MiB(1000),
              .avail = MiB(100),
              .commit = MiB(400),
              .bal = MiB(1024) } },
          997376 } } },
    /*
     * cur is actual, not target: a target already lowered to 900 MiB
     * while the guest still holds 1024 MiB gives the same 995165 (no
     * compounding per plan).
     */
    { "actual not target",
      NULL,
      0,
      0,
      1,
      { { 0, MiB(1024), MiB(900), MiB(256), MiB(2048), 0, 0, 1, COMMIT(400),
          995165 } } },
    /*
     * One shrink step per interval (1 s): A's target changed 999 ms ago,
     * so it stays at 1048576; B grows to 769229 although its target
     * changed 1 ms ago (growth is not held back); C shrank 1000 ms ago
     * and steps down to 995165.
     */
    { "interval",
      NULL,
      0,
      0,
      3,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(400),
          MiB(1024), 999 },
        { 0, MiB(512), MiB(512), MiB(256), MiB(2048), 0, 0, 1, COMMIT(700),
          769229, 1 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(400),
          995165, 1000 } } },
    /* interval 0: xenballoond's pace is the daemon's. */
    { "interval 0",
      "{\"interval\": 0}",
      0,
      0,
      1,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1, COMMIT(400),
          995165, 1 } } },
};

START_TEST(test_selfballoon_table)
{
    tp_run("selfballoon", &cases[_i]);
}
END_TEST

/* need_kb is the goal in the domain frame. */
START_TEST(test_selfballoon_need)
{
    struct xb_policy_inst *pi = tp_create("selfballoon", NULL);
    struct xb_pol_want out[TP_MAXDOM];
    struct tp_snap ts;

    tp_build(&cases[0], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_uint_eq(out[0].need_kb, 514458);
    ck_assert_uint_eq(out[1].need_kb, 769229);
    ck_assert_str_eq(out[0].reason, "down goal 502 MiB");
    /* Waiting for the interval still says where it is going. */
    tp_build(&cases[sizeof(cases) / sizeof(cases[0]) - 2], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_str_eq(out[0].reason, "wait: goal 502 MiB");
    ck_assert_uint_eq(out[0].need_kb, 514458);
    xb_policy_destroy(pi);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("policy selfballoon");
    TCase *tc = tcase_create("table");

    tcase_add_loop_test(tc, test_selfballoon_table, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_selfballoon_need);
    suite_add_tcase(s, tc);
    return tp_main(s);
}
