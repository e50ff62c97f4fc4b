/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `proportional` (qmemman): pref = clamp(max(used * 1.3, 200 MiB), min,
 * max); used = MemTotal - MemAvailable + swap used (MemTotal = actual, so
 * no frame offset).  pool = free + sum actual - reserve - silent keeps.
 *   enough: pref + floor(pref * rest / sum free pref), capped at max
 *   low: donors -> pref; every other domain's share is
 *        cap = floor(pool * pref / sum pref) (below its pref); one above
 *        its share goes down to it; acceptors (below their share) get
 *        their gap to it when free_now covers every gap, else actual +
 *        floor(free_now * pref / sum acceptor pref), at most the share;
 *        free_now = free - reserve - promised (target above actual).
 * Handy prefs: used 1000 MiB -> 1331200, 500 -> 665600, 2000 -> 2662400,
 * 3000 -> 3993600, 200 -> 266240 (KiB).
 */
#include "test_pol_common.h"

/* One sample at t = 10 s for a guest of `tot` MiB using `u` MiB. */
#define USED(tot, u)                                                           \
    {                                                                          \
        {                                                                      \
            .t_ms = 10000, .avail = MiB((tot) - (u))                           \
        }                                                                      \
    }

static const struct tp_case cases[] = {
    /*
     * pool 2000 + 2500 - 500 = 4000 MiB = 4096000; sum pref 1996800;
     * rest 2099200.  A: 1331200 + 1331200 * 2099200 / 1996800 =
     * 1331200 + 1399466 = 2730666.  B: 665600 + 699733 = 1365333.
     */
    { "plenty",
      NULL,
      MiB(2000),
      MiB(500),
      2,
      { { 0, MiB(1500), MiB(1500), MiB(256), MiB(4096), 0, 0, 1,
          USED(1500, 1000), 2730666 },
        { 0, MiB(1000), MiB(1000), MiB(256), MiB(4096), 0, 0, 1,
          USED(1000, 500), 1365333 } } },
    /*
     * pool 300 + 4000 - 100 = 4200 MiB = 4300800 < sum pref 4659200: low.
     * free_now 200 MiB = 204800; acceptors A, C: sum pref 3993600.
     * A: 1024000 + 204800 * 1331200 / 3993600 = 1024000 + 68266
     * B donor: pref 665600.  C: 2048000 + 136533 = 2184533.
     */
    { "scarce",
      NULL,
      MiB(300),
      MiB(100),
      3,
      { { 0, MiB(1000), MiB(1000), MiB(256), MiB(4096), 0, 0, 1,
          USED(1000, 1000), 1092266 },
        { 0, MiB(1000), MiB(1000), MiB(256), MiB(4096), 0, 0, 1,
          USED(1000, 500), 665600 },
        { 0,
          MiB(2000),
          MiB(2000),
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .avail = 0, .swapused = 0 } },
          2184533 } } },
    /*
     * A spikes to 3000 MiB used (swapping 1976 MiB): pref 3993600.
     * pool 4096 + 2048 = 6144 MiB = 6291456 >= 4259840: enough; A's share
     * would take it to 5898240 > max, so A = max 4194304 and B (pref
     * 266240) gets the rest: 6291456 - 4194304 = 2097152.
     */
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
          1,
          { { .t_ms = 10000, .avail = 0, .swapused = MiB(1976) } },
          MiB(4096) },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 1,
          USED(1024, 200), MiB(2048) } } },
    /*
     * A used 2000 (actual 1024 + 976 swapped), B used 1000 (actual 512 +
     * 488 swapped).  pool 2048 MiB < 3993600: low, both acceptors.
     * free_now 524288.  A: 1048576 + 524288 * 2662400 / 3993600 =
     * 1048576 + 349525.  B: 524288 + 174762.
     */
    { "all spiking",
      NULL,
      MiB(512),
      0,
      2,
      { { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .avail = 0, .swapused = MiB(976) } },
          1398101 },
        { 0,
          MiB(512),
          MiB(512),
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .avail = 0, .swapused = MiB(488) } },
          699050 } } },
    /*
     * Both below pref and nothing free: no donor, yet A holds more than
     * its share.  pool 2000 MiB = 2048000 < prefs 1863680 + 665600 =
     * 2529280.  Shares: A 2048000 * 1863680 / 2529280 = 1509052, B
     * 538947.  A goes down to its share; B is an acceptor with nothing
     * free now, so it keeps what it holds until A's release arrives.
     */
    { "all below pref",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(1500), MiB(1500), MiB(256), MiB(4096), 0, 0, 1,
          USED(1500, 1400), 1509052 },
        { 0, MiB(500), MiB(500), MiB(256), MiB(4096), 0, 0, 1, USED(500, 500),
          MiB(500) } } },
    /*
     * The same a moment later: A at 1509052, 29 MiB of its release free.
     * pool 29696 + 1509052 + 512000 = 2050748; shares A 1511077, B
     * 539670; gaps to them 2025 + 27670 = 29695 <= free_now 29696: each
     * acceptor gets its whole gap (below pref, a share is the cap).
     */
    { "all below pref, released",
      NULL,
      MiB(29),
      0,
      2,
      { { 0,
          1509052,
          1509052,
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .total = 1509052, .avail = 1509052 - MiB(1400) } },
          1511077 },
        { 0, MiB(500), MiB(500), MiB(256), MiB(4096), 0, 0, 1, USED(500, 500),
          539670 } } },
    /*
     * A used 100 MiB: pref max(130 MiB, 200 MiB) raised to min 512 MiB.
     * pool = 524288 + 1331200 = sum pref: enough with nothing left over.
     */
    { "at min",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(512), MiB(512), MiB(512), MiB(4096), 0, 0, 1, USED(512, 100),
          MiB(512) },
        { 0,
          1331200,
          1331200,
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .total = 1331200, .avail = 307200 } },
          1331200 } } },
    /*
     * A used 3500 MiB: pref 4550 MiB capped at max 4096 MiB.  pool 512 +
     * 5120 = 5632 MiB = 5767168; B (pref 665600, max 2048 MiB) gets
     * 5767168 - 4194304 = 1572864.
     */
    { "at max",
      NULL,
      MiB(512),
      0,
      2,
      { { 0, MiB(4096), MiB(4096), MiB(256), MiB(4096), 0, 0, 1,
          USED(4096, 3500), MiB(4096) },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(2048), 0, 0, 1,
          USED(1024, 500), MiB(1536) } } },
    /*
     * A silent keeps 1048576; B stale keeps its target 524288 while it
     * holds 614400 (max of the two leaves the pool).  budget 1024000 +
     * 1048576 + 614400 + 1331200 = 4018176; pool 2355200, all C's.
     */
    { "silent",
      NULL,
      1024000,
      0,
      3,
      { { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          0,
          { { 0 } },
          MiB(1024) },
        { 0, 614400, MiB(512), MiB(256), MiB(4096), 0, 1, 1, USED(600, 100),
          MiB(512) },
        { 0,
          1331200,
          1331200,
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .total = 1331200, .avail = 307200 } },
          2355200 } } },
    /*
     * pool 3072 - 512 = 2560 MiB = 2621440; prefs 1331200 (dom0, no
     * boost) + 665600 = 1996800; rest 624640.
     * dom0: 1331200 + 416426 = 1747626; U: 665600 + 208213 = 873813.
     */
    { "dom0",
      NULL,
      0,
      MiB(512),
      2,
      { { 1, MiB(2048), MiB(2048), MiB(1024), MiB(4096), 0, 0, 1,
          USED(2048, 1000), 1747626 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 1,
          USED(1024, 500), 873813 } } },
    /*
     * margin 2, floor 1 GiB: A pref max(2000, 1024) MiB, B 1024 MiB.
     * pool 1024 + 2048 = 3072 MiB = 3145728 >= 3096576; rest 49152:
     * A 2048000 + 49152 * 2048000 / 3096576 = 2048000 + 32507 (floor);
     * B 1048576 + 49152 * 1048576 / 3096576 = 1048576 + 16644.
     */
    { "params",
      "{\"margin\": 2, \"floor\": \"1G\"}",
      MiB(1024),
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 1,
          USED(1024, 1000), 2080507 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 1,
          USED(1024, 100), 1065220 } } },
};

START_TEST(test_proportional_table)
{
    tp_run("proportional", &cases[_i]);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("policy proportional");
    TCase *tc = tcase_create("table");

    tcase_add_loop_test(tc, test_proportional_table, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    suite_add_tcase(s, tc);
    return tp_main(s);
}
