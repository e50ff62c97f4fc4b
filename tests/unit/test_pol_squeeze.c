/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `squeeze`: every managed domain at the same fraction g of [min, max],
 *   pool = free + sum actual - reserve - what silent domains keep
 *   extra = clamp(pool - sum min, 0, sum (max - min))
 *   target = min + floor((max - min) * extra / sum (max - min))
 * Guest signals are ignored: spiking rows plan like calm ones.
 */
#include "test_pol_common.h"

#define CALM                                                                   \
    {                                                                          \
        {                                                                      \
            .t_ms = 10000, .avail = MiB(100)                                   \
        }                                                                      \
    }
#define SPIKE                                                                  \
    {                                                                          \
        { .t_ms = 0, .avail = MiB(1) },                                        \
        {                                                                      \
            .t_ms = 10000, .avail = MiB(1), .psis = 5000000, .psif = 5000000,  \
            .oom = 3                                                           \
        }                                                                      \
    }

static const struct tp_case cases[] = {
    /* pool 8192 + 3072 = 11264 MiB >= sum max 6144: g = 1, all at max. */
    { "plenty",
      NULL,
      MiB(8192),
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(512), MiB(2048), 0, 0, 1, CALM,
          MiB(2048) },
        { 0, MiB(2048), MiB(2048), MiB(1024), MiB(4096), 0, 0, 1, CALM,
          MiB(4096) } } },
    /*
     * pool 3072 - 512 = 2560 MiB; extra 2560 - 1536 = 1024 MiB = 1048576;
     * range 1536 + 3072 MiB = 4718592.
     * A: 524288 + 1572864 * 1048576 / 4718592 = 524288 + 349525 = 873813
     * B: 1048576 + 3145728 * 1048576 / 4718592 = 1048576 + 699050
     */
    { "scarce",
      NULL,
      0,
      MiB(512),
      2,
      { { 0, MiB(1024), MiB(1024), MiB(512), MiB(2048), 0, 0, 1, CALM, 873813 },
        { 0, MiB(2048), MiB(2048), MiB(1024), MiB(4096), 0, 0, 1, CALM,
          1747626 } } },
    /* pool 512 + 1536 = 2048 MiB, extra 1536 of 2048: g = 0.75, 1024 MiB. */
    { "one spiking",
      NULL,
      MiB(512),
      0,
      2,
      { { 0, MiB(768), MiB(768), MiB(256), MiB(1280), 0, 0, 2, SPIKE,
          MiB(1024) },
        { 0, MiB(768), MiB(768), MiB(256), MiB(1280), 0, 0, 1, CALM,
          MiB(1024) } } },
    /* pool 1536 MiB, extra 1024 of 2048: g = 0.5, 768 MiB each. */
    { "all spiking",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(768), MiB(768), MiB(256), MiB(1280), 0, 0, 2, SPIKE,
          MiB(768) },
        { 0, MiB(768), MiB(768), MiB(256), MiB(1280), 0, 0, 2, SPIKE,
          MiB(768) } } },
    /* pool 1280 - 1024 = 256 MiB < sum min 1024 MiB: g = 0, all at min. */
    { "at min",
      NULL,
      0,
      MiB(1024),
      2,
      { { 0, MiB(512), MiB(512), MiB(512), MiB(1024), 0, 0, 1, CALM, MiB(512) },
        { 0, MiB(768), MiB(768), MiB(512), MiB(1024), 0, 0, 1, CALM,
          MiB(512) } } },
    /*
     * B has min = max (range 0).  pool 2048 + 1536 = 3584; extra 2560
     * capped at range 512: A at max 1024 MiB, B stays 512 MiB.
     */
    { "at max",
      NULL,
      MiB(2048),
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(512), MiB(1024), 0, 0, 1, CALM,
          MiB(1024) },
        { 0, MiB(512), MiB(512), MiB(512), MiB(512), 0, 0, 1, CALM,
          MiB(512) } } },
    /*
     * A silent keeps 1024 MiB (max(actual 768, target 1024) leaves the
     * pool); C stale keeps 300 MiB.  budget 512 + 768 + 1024 + 300 = 2604;
     * pool 2604 - 1024 - 300 = 1280 MiB; B: extra 1024 of 2048, 1280 MiB.
     */
    { "silent",
      NULL,
      MiB(512),
      0,
      3,
      { { 0,
          MiB(768),
          MiB(1024),
          MiB(256),
          MiB(2048),
          0,
          0,
          0,
          { { 0 } },
          MiB(1024) },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(2304), 0, 0, 1, CALM,
          MiB(1280) },
        { 0, MiB(300), MiB(300), MiB(256), MiB(2048), 0, 1, 1, CALM,
          MiB(300) } } },
    /*
     * pool 1024 + 3072 - 256 = 3840 MiB; extra 3840 - 1536 = 2304 of
     * 4608: g = 0.5.  dom0 1024 + 1536 = 2560 MiB; U 512 + 768 = 1280 MiB.
     */
    { "dom0",
      NULL,
      MiB(1024),
      MiB(256),
      2,
      { { 1, MiB(2048), MiB(2048), MiB(1024), MiB(4096), 0, 0, 1, CALM,
          MiB(2560) },
        { 0, MiB(1024), MiB(1024), MiB(512), MiB(2048), 0, 0, 1, CALM,
          MiB(1280) } } },
};

START_TEST(test_squeeze_table)
{
    tp_run("squeeze", &cases[_i]);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("policy squeeze");
    TCase *tc = tcase_create("table");

    tcase_add_loop_test(tc, test_squeeze_table, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    suite_add_tcase(s, tc);
    return tp_main(s);
}
