/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `pressure` with its defaults: rates over <= 10 s of history; grow at
 * 10 ms/s of PSI some, 256 swap-ins/s or 1024 refaults/s by
 * min(0.25, 0.05 * signal/threshold); OOM kill or 100 ms/s of full stall:
 * +50% at once; calm (<= 1 ms/s): -2% per step; floor used + 192 MiB;
 * no PSI: set-point used * 1.2; scarcity: idle tax 0.75 by weight.
 * Steps are from actual, rounded to the nearest KiB.  MemTotal = actual,
 * so used = actual - MemAvailable (+ swap used).  Samples at t = 0 and
 * t = 10 s, so a delta of d us of stall is d / 10000 ms/s.  MemFree is
 * 1 KiB (what is available is page cache) unless a case says otherwise:
 * plainly free memory is released at once (see "free released").
 *
 * Handy numbers (KiB):
 *   2097152 * 0.98 = 2055208.96 -> 2055209     1048576 * 1.1 -> 1153434
 *   1048576 * 0.98 = 1027604.48 -> 1027604     2097152 * 1.1 -> 2306867
 *   4194304 * 0.98 = 4110417.92 -> 4110418     1048576 * 1.5 = 1572864
 */
#include "test_pol_common.h"

/* Two samples of a guest with `av` MiB available; deltas as given. */
#define TWO(av, dsome, dfull, dswp, dref, doom)                                \
    {                                                                          \
        { .t_ms = 0,                                                           \
          .avail = MiB(av),                                                    \
          .free = 1,                                                           \
          .psis = 1000,                                                        \
          .psif = 500,                                                         \
          .pswpin = 7,                                                         \
          .refault = 9,                                                        \
          .oom = 2 },                                                          \
        {                                                                      \
            .t_ms = 10000, .avail = MiB(av), .free = 1,                        \
            .psis = 1000 + (dsome), .psif = 500 + (dfull),                     \
            .pswpin = 7 + (dswp), .refault = 9 + (dref), .oom = 2 + (doom)     \
        }                                                                      \
    }
#define CALM(av) TWO(av, 0, 0, 0, 0, 0)
/* Three calm samples: `av` MiB available 20 s ago (the peak of used),
 * 1048 MiB available since, 800 MiB of it plainly free. */
#define PEAKED(av)                                                             \
    {                                                                          \
        { .t_ms = 0, .avail = MiB(av), .free = 1, .psis = 1000 },              \
            { .t_ms = 10000,                                                   \
              .avail = MiB(1048),                                              \
              .free = MiB(800),                                                \
              .psis = 1000 },                                                  \
        {                                                                      \
            .t_ms = 20000, .avail = MiB(1048), .free = MiB(800), .psis = 1000  \
        }                                                                      \
    }
#define STALL(av, d) TWO(av, d, 0, 0, 0, 0)

static const struct tp_case cases[] = {
    /*
     * A calm, used 1000 MiB: 2055209 (>= F 1220608).
     * B 20 ms/s: x = 2, +10%: 1153434 (>= F 921600 + 196608).
     */
    { "plenty",
      "{\"spare\": 0}",
      MiB(8192),
      0,
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2, CALM(1048),
          2055209 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          STALL(124, 200000), 1153434 } } },
    /*
     * pool 4194304.  A idle hoarder (used 512 MiB): D 2055209, F 720896,
     * base 0.75 * 524288 = 393216.  B 20 ms/s (used 1536 MiB): D 2306867,
     * F 1769472, active = all 2097152, base 1572864.  sum D > pool >= sum
     * F: stage 1.  Equal weights: A 393216 + 100c, B 1572864 + 100c;
     * B reaches D first, A gets the rest: 4194304 - 2306867 = 1887437.
     */
    { "scarce",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2, CALM(1536),
          1887437 },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2,
          STALL(512, 200000), 2306867 } } },
    /*
     * Same with tax 0 (pure shares): 100c each; A reaches D 2055209
     * first, B gets 4194304 - 2055209 = 2139095.  The tax is what lets
     * the busy domain win.
     */
    { "scarce, no tax",
      "{\"tax\": 0}",
      0,
      0,
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2, CALM(1536),
          2055209 },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2,
          STALL(512, 200000), 2139095 } } },
    /*
     * Two identical idle hoarders, weights 200 and 100; pool 4096 - 2048
     * = 2048 MiB = 2097152; bases 393216 each; rest 1310720 over weight
     * 300: A 393216 + 873813, B 393216 + 436906.
     */
    { "scarce, weights",
      NULL,
      0,
      MiB(2048),
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 200, 0, 2, CALM(1536),
          1267029 },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 100, 0, 2, CALM(1536),
          830122 } } },
    /*
     * A OOM kill: +50% at once, 1572864.  B 0.5 ms/s, calm: 1027604.
     * C 5 ms/s, between probe and grow: hold its target 1024000.
     */
    { "one spiking",
      "{\"spare\": 0}",
      MiB(4096),
      0,
      3,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          TWO(24, 0, 0, 0, 0, 1), 1572864 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          STALL(724, 5000), 1027604 },
        { 0, MiB(1024), 1024000, MiB(256), MiB(4096), 0, 0, 2,
          STALL(524, 50000), 1024000 } } },
    /*
     * Both 200 ms/s full stall: D 1572864 each.  pool 2097152 < sum F
     * 1220608 + 1118208, >= sum used 1024000 + 921600: stage 2.  Both in
     * distress, each gets swap_first (0.25) of its 196608 margin first:
     * bases 1073152 and 970752; the rest, 53248, by weight (100, 300):
     * A 1073152 + 13312; B 970752 + 39936.
     */
    { "all spiking",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 100, 0, 2,
          TWO(24, 2000000, 2000000, 0, 0, 0), 1086464 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 300, 0, 2,
          TWO(124, 2000000, 2000000, 0, 0, 0), 1010688 } } },
    /*
     * cache_first (0.25): A refaults 2048 pages/s (x = 2, D 1153434), used
     * 900 MiB, F 1118208; B calm, used 1000 MiB, F = D = 1220608.  pool
     * 2097152 < sum F 2338816, >= sum used 1945600: stage 2.  A's distress
     * is its page cache, so a quarter of its margin comes first: base
     * 921600 + 49152; B 1024000; rest 102400 split evenly: A 1021952,
     * B 1075200.  Off, both get used + 75776: A 997376, B 1099776.  When
     * A swaps in instead (512 pages/s), swap_first (0.25) gives it the
     * same quarter first; with swap_first 0 (and cache_first at its
     * default, which swapping does not use) the even split again.
     */
    { "stage 2: a refaulting domain's cache first",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          TWO(124, 0, 0, 0, 20480, 0), 1021952 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2, CALM(24),
          1075200 } } },
    { "stage 2: cache_first off",
      "{\"cache_first\": 0}",
      0,
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          TWO(124, 0, 0, 0, 20480, 0), 997376 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2, CALM(24),
          1099776 } } },
    { "stage 2: a swapping domain's margin first",
      NULL,
      0,
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          TWO(124, 0, 0, 5120, 0, 0), 1021952 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2, CALM(24),
          1075200 } } },
    { "stage 2: swap_first off",
      "{\"swap_first\": 0}",
      0,
      0,
      2,
      { { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          TWO(124, 0, 0, 5120, 0, 0), 997376 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2, CALM(24),
          1099776 } } },
    /*
     * Not even used memory fits: A used 900 + 100 swapped = 1024000
     * (weight 300), B 800 + 100 = 921600 (weight 100); pool 1843200:
     * stage 3, pure shares in [min, used]: A capped at 1024000, B gets
     * 819200.
     */
    { "all spiking, below used",
      NULL,
      0,
      0,
      2,
      { { 0,
          921600,
          921600,
          MiB(256),
          MiB(4096),
          300,
          0,
          2,
          { { .t_ms = 0, .swapused = MiB(100) },
            { .t_ms = 10000, .swapused = MiB(100), .oom = 1 } },
          1024000 },
        { 0,
          921600,
          921600,
          MiB(256),
          MiB(4096),
          100,
          0,
          2,
          { { .t_ms = 0, .avail = MiB(100), .swapused = MiB(100) },
            { .t_ms = 10000,
              .avail = MiB(100),
              .swapused = MiB(100),
              .oom = 1 } },
          819200 } } },
    /*
     * A calm at min: F 299008 raised to min 524288; stays 524288.
     * B no PSI: set-point max(F, 1024000 * 1.2 = 1228800); calm, probe
     * from 2048 MiB: 2055209.  C no PSI below its set-point: 1228800.
     */
    { "at min",
      "{\"spare\": 0}",
      MiB(4096),
      0,
      3,
      { { 0, MiB(512), MiB(512), MiB(512), MiB(4096), 0, 0, 2, CALM(412),
          MiB(512) },
        { 0,
          MiB(2048),
          MiB(2048),
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .avail = MiB(1048), .free = 1, .nopsi = 1 } },
          2055209 },
        { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .avail = MiB(24), .nopsi = 1 } },
          1228800 } } },
    /*
     * A 50 ms/s: x = 5, +25% (grow_max) = 2621440, clamped to max.
     * B 512 swap-ins/s: x = 2, +10% = 1153434, clamped to 1100 MiB.
     */
    { "at max",
      NULL,
      MiB(4096),
      0,
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(2048), 0, 0, 2,
          STALL(100, 500000), MiB(2048) },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(1100), 0, 0, 2,
          TWO(100, 0, 0, 5120, 0, 0), MiB(1100) } } },
    /*
     * A never reported, B stale: keep targets.  C 2048 refaults/s: +10%.
     * D one PSI sample, no rate yet: hold.  E agent restarted between
     * its samples (seq 50 -> 1): the stall delta is not trusted: hold.
     */
    { "silent",
      NULL,
      MiB(4096),
      0,
      5,
      { { 0,
          MiB(900),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          0,
          { { 0 } },
          MiB(1024) },
        { 0, MiB(768), MiB(768), MiB(256), MiB(4096), 0, 1, 2, CALM(500),
          MiB(768) },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          TWO(524, 0, 0, 0, 20480, 0), 1153434 },
        { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          1,
          { { .t_ms = 10000, .avail = MiB(524) } },
          MiB(1024) },
        { 0,
          MiB(1024),
          MiB(1024),
          MiB(256),
          MiB(4096),
          0,
          0,
          2,
          { { .t_ms = 0, .seq = 50, .avail = MiB(524) },
            { .t_ms = 10000, .seq = 1, .avail = MiB(524), .psis = 900000 } },
          MiB(1024) } } },
    /* dom0 calm, used 2000 MiB: 4110418.  U 20 ms/s: 1153434. */
    { "dom0",
      "{\"spare\": 0}",
      MiB(4096),
      0,
      2,
      { { 1, MiB(4096), MiB(4096), MiB(1024), MiB(8192), 0, 0, 2, CALM(2096),
          4110418 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          STALL(124, 200000), 1153434 } } },
    /*
     * probe 10%, floor 256 MiB.  A: 2097152 * 0.9 -> 1887437 >= F
     * 1286144.  B: 1048576 * 0.9 -> 943718 < F 921600 + 262144 = 1183744.
     */
    { "params",
      "{\"probe\": 0.1, \"floor\": \"256M\", \"spare\": 0}",
      MiB(8192),
      0,
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2, CALM(1048),
          1887437 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2, CALM(124),
          1183744 } } },
    /*
     * Steps come from actual: with a target already raised to 1100 MiB
     * (1126400) while the guest still holds 1024 MiB, the grow step is
     * still 1048576 * 1.1 = 1153434, not 1126400 * 1.1.  A calm domain
     * holding 1024 MiB above a 1000 MiB target keeps the target 1024000
     * (min(target, 1027604)): no second probe before the guest moves.
     */
    { "actual not target",
      NULL,
      MiB(8192),
      0,
      2,
      { { 0, MiB(1024), MiB(1100), MiB(256), MiB(4096), 0, 0, 2,
          STALL(124, 200000), 1153434 },
        { 0, MiB(1024), 1024000, MiB(256), MiB(4096), 0, 0, 2, CALM(724),
          1024000 } } },
    /*
     * recall (2 s): a calm guest used 1800 MiB 20 s ago (t = 0), 1000 MiB
     * now, 800 MiB of it plainly free: without recall it would go to
     * 2048 - 800 = 1248 MiB (F 1192 MiB).  What of the peak its balloon
     * would not bring back in 2 s at the fastest it was seen moving is
     * kept (F raised to it): A not seen moving: not judged, 1277952.
     * B seen at 64 MiB/s brings back 128 MiB: keeps 1672 MiB = 1712128.
     * C at 256 MiB/s brings back 512 MiB: keeps 1288 MiB = 1318912.
     * D at 1 GiB/s brings back all of it: 1277952.
     */
    { "recall: slow balloons keep their peak",
      "{\"spare\": 0}",
      MiB(8192),
      0,
      4,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          MiB(1248) },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          MiB(1672), 0, MiB(64) },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          MiB(1288), 0, MiB(256) },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          MiB(1248), 0, MiB(1024) } } },
    /*
     * A balloon that stalled lately (wary) brings nothing back in time,
     * however fast it moved before or if it was never seen moving: it
     * keeps its floor at the peak, 1800 + 192 MiB = 2039808.  Not wary,
     * 1 GiB/s: 1248 MiB.
     */
    { "recall: a stalled balloon keeps its floor at the peak",
      "{\"spare\": 0}",
      MiB(8192),
      0,
      3,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          MiB(1992), 0, MiB(1024), 1 },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          MiB(1992), 0, 0, 1 },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          MiB(1248), 0, MiB(1024), 0 } } },
    /*
     * The long peak: the history shows 1000 MiB used throughout, but the
     * daemon saw 1800 MiB used within the last 5 to 10 minutes (peak_kb,
     * guest frame = domain frame here).  At 64 MiB/s, 1672 MiB is kept;
     * without it, 1248 MiB; a long peak below the history's counts for
     * nothing (1248 MiB).
     */
    { "recall: the long peak",
      "{\"spare\": 0}",
      MiB(8192),
      0,
      3,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(1048),
          MiB(1672), 0, MiB(64), 0, MiB(1800) },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(1048),
          MiB(1248), 0, MiB(64) },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(1048),
          MiB(1248), 0, MiB(64), 0, MiB(900) } } },
    /* recall 0 turns it off: the 64 MiB/s guest goes to 1248 MiB too. */
    { "recall: off",
      "{\"spare\": 0, \"recall\": 0}",
      MiB(8192),
      0,
      1,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          MiB(1248), 0, MiB(64) } } },
    /*
     * Scarce: pool 4096 - 200 MiB reserve = 3989504.  A as above, seen at
     * 16 MiB/s: keeps 1800 - 32 MiB, F = D = 1810432 (active 1000 MiB);
     * B 20 ms/s, used 1536 MiB (D 2306867, F 1769472, base 1572864).
     * Stage 1: A at its F, B the rest, 3989504 - 1810432 = 2179072.  Not
     * seen moving, A wishes 1248 MiB (1277952): the wishes fit, and A
     * gives what keeps spare free: 2097152 + 2306867 + 262144 - 3989504
     * = 676659 of its 819200 probe, 2097152 - 676659 = 1420493.
     */
    { "recall: scarce, the slow balloon keeps its peak",
      NULL,
      0,
      MiB(200),
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          1810432, 0, MiB(16) },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2,
          STALL(512, 200000), 2179072 } } },
    { "recall: scarce, not seen moving",
      NULL,
      0,
      MiB(200),
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 3, PEAKED(248),
          1420493 },
        { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2,
          STALL(512, 200000), 2306867 } } },
    /*
     * spare (256 MiB by default): calm guests are probed only as far as
     * it takes to keep it free.  8 GiB free: A keeps all of its 40 MiB
     * probe (2097152 - 2055209 = 41943 KiB).
     */
    { "spare: host has room",
      NULL,
      MiB(8192),
      0,
      1,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2, CALM(1048),
          MiB(2048) } } },
    /*
     * 240 MiB free: pool 3145728 + 245760 = 3391488; both kept would
     * leave 245760 < spare 262144, so the calm ones give cut = 16384 of
     * their probes 41943 + 20972 = 62915, each the same fraction, what
     * they keep rounded down: A keeps 41943 * 46531 / 62915 -> 31020,
     * 2055209 + 31020 = 2086229; B keeps 20972 * 46531 / 62915 -> 15510,
     * 1027604 + 15510 = 1043114.  Free after: 262145 >= spare.
     */
    { "spare: calm ones give the cut",
      NULL,
      MiB(240),
      0,
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2, CALM(1048),
          2086229 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2, CALM(524),
          1043114 } } },
    /*
     * B spikes (+10%: 1153434); 350 MiB free: pool 3504128; A kept and
     * B's growth leave 253542, so A gives 8602 of its 41943: 2088550, and
     * exactly spare stays free.  With 300 MiB free the cut (59802) would
     * be more than A's probe: A is probed as usual (see "one spiking").
     */
    { "spare: a spike is funded first",
      NULL,
      MiB(350),
      0,
      2,
      { { 0, MiB(2048), MiB(2048), MiB(256), MiB(4096), 0, 0, 2, CALM(1048),
          2088550 },
        { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0, 2,
          STALL(124, 200000), 1153434 } } },
    /*
     * A small calm domain, used 64 MiB: 2% of 524288 is 10486 KiB, under
     * probe_min, so it steps 16384: 507904 (>= F 262144).  The same with
     * probe 0 does not probe at all, probe_min or not; and by default
     * (probe_min 0) the 10486 KiB step stands: 513802.
     */
    { "small calm, probe_min",
      "{\"probe_min\": 16384, \"spare\": 0}",
      MiB(8192),
      0,
      1,
      { { 0, MiB(512), MiB(512), MiB(64), MiB(1024), 0, 0, 2, CALM(448),
          507904 } } },
    { "probe disabled",
      "{\"probe\": 0, \"probe_min\": 16384}",
      MiB(8192),
      0,
      1,
      { { 0, MiB(512), MiB(512), MiB(64), MiB(1024), 0, 0, 2, CALM(448),
          MiB(512) } } },
    { "small calm, default",
      "{\"spare\": 0}",
      MiB(8192),
      0,
      1,
      { { 0, MiB(512), MiB(512), MiB(64), MiB(1024), 0, 0, 2, CALM(448),
          513802 } } },
    /*
     * Calm, used 1000 MiB of 2048, 800 MiB of it plainly free (MemFree):
     * the step is max(2% = 41 MiB, 800 MiB), so D = 2048 - 800 = 1248
     * MiB (above F = 1192 MiB), and those 800 MiB are quick.
     */
    { "free released",
      "{\"spare\": 0}",
      MiB(8192),
      0,
      1,
      { { 0,
          MiB(2048),
          MiB(2048),
          MiB(256),
          MiB(4096),
          0,
          0,
          2,
          { { .t_ms = 0, .avail = MiB(1048), .free = MiB(800), .psis = 1000 },
            { .t_ms = 10000,
              .avail = MiB(1048),
              .free = MiB(800),
              .psis = 1000 } },
          MiB(1248) } } },
    /* ... and not below F: 1000 MiB free leaves 1048, F is 1192 MiB. */
    { "free released, to F",
      "{\"spare\": 0}",
      MiB(8192),
      0,
      1,
      { { 0,
          MiB(2048),
          MiB(2048),
          MiB(256),
          MiB(4096),
          0,
          0,
          2,
          { { .t_ms = 0, .avail = MiB(1048), .free = MiB(1000), .psis = 1000 },
            { .t_ms = 10000,
              .avail = MiB(1048),
              .free = MiB(1000),
              .psis = 1000 } },
          MiB(1192) } } },
};

START_TEST(test_pressure_table)
{
    tp_run("pressure", &cases[_i]);
}
END_TEST

START_TEST(test_pressure_reasons)
{
    struct xb_policy_inst *pi = tp_create("pressure", "{\"spare\": 0}");
    struct xb_pol_want out[TP_MAXDOM];
    struct tp_snap ts;

    tp_build(&cases[4], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_str_eq(out[0].reason, "oom kill: grow at once");
    ck_assert_str_eq(out[1].reason, "calm: probe -2%");
    ck_assert_str_eq(out[2].reason, "hold");
    /* need is the used estimate: 1000 MiB. */
    ck_assert_uint_eq(out[0].need_kb, MiB(1000));
    tp_build(&cases[1], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_str_eq(out[0].reason, "scarce: idle-taxed share");
    /* Plainly free memory is reported as quick, only when calm. */
    tp_build(&cases[sizeof(cases) / sizeof(cases[0]) - 2], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_uint_eq(out[0].quick_kb, MiB(800));
    tp_build(&cases[4], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_uint_eq(out[0].quick_kb, 0); /* the OOM-killed one */
    xb_policy_destroy(pi);
}
END_TEST

/* What `spare` says and hands out as quick: the cut only. */
START_TEST(test_pressure_spare_reasons)
{
    struct xb_policy_inst *pi = tp_create("pressure", NULL);
    struct xb_pol_want out[TP_MAXDOM];
    struct tp_snap ts;
    unsigned k = 0;

    while (strcmp(cases[k].name, "spare: host has room") != 0)
        k++;
    tp_build(&cases[k], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_str_eq(out[0].reason, "calm: probe 0 of 40 MiB (host has spare)");
    ck_assert_uint_eq(out[0].quick_kb, 0);
    tp_build(&cases[k + 1], &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_str_eq(out[0].reason,
                     "calm: probe 10 of 40 MiB (host has spare)");
    /* MemFree (1 KiB) is less than the cut (10923 KiB). */
    ck_assert_uint_eq(out[0].quick_kb, 1);
    xb_policy_destroy(pi);
}
END_TEST

/*
 * Hostile counters (common/rate.h): a PSI total that jumps by years, or a
 * swap-in or refault counter that jumps by 2^56 in 10 s, is read at its
 * physical limit (1000 ms/s, 2^32 pages/s), so the signal in the reason
 * stays within what a real guest can report.
 */
static const struct {
    uint64_t dsome, dswp, dref;
    const char *reason;
} hostile_cases[] = {
    { UINT64_C(315360000000000), 0, 0, "stall 100.0x: grow" },
    { 0, UINT64_C(1) << 56, 0, "swap-in 16777216.0x: grow" },
    { 0, 0, UINT64_C(1) << 56, "refault 4194304.0x: grow" },
};

START_TEST(test_pressure_hostile_rates)
{
    struct xb_policy_inst *pi = tp_create("pressure", NULL);
    struct tp_case c = { "hostile",
                         NULL,
                         MiB(8192),
                         0,
                         1,
                         { { 0, MiB(1024), MiB(1024), MiB(256), MiB(4096), 0, 0,
                             2, CALM(124), 0 } } };
    struct xb_pol_want out[TP_MAXDOM];
    struct tp_snap ts;

    c.d[0].s[1].psis += hostile_cases[_i].dsome;
    c.d[0].s[1].pswpin += hostile_cases[_i].dswp;
    c.d[0].s[1].refault += hostile_cases[_i].dref;
    tp_build(&c, &ts);
    xb_policy_plan(pi, &ts.snap, out);
    ck_assert_str_eq(out[0].reason, hostile_cases[_i].reason);
    xb_policy_destroy(pi);
}
END_TEST

/* Cross-parameter checks in init name both parameters. */
START_TEST(test_pressure_init)
{
    struct xb_errlist el;
    json_t *j = json_pack("{s:f}", "some_probe", 20.0);
    char *msg;

    xb_errlist_init(&el);
    ck_assert_ptr_null(xb_policy_create("pressure", j, "policy.params", &el));
    msg = xb_errlist_join(&el);
    ck_assert_str_eq(msg, "policy.params: some_probe (20 ms/s) must be below "
                          "some_grow (10 ms/s)");
    free(msg);
    xb_errlist_dispose(&el);
    json_decref(j);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("policy pressure");
    TCase *tc = tcase_create("table");

    tcase_add_loop_test(tc, test_pressure_table, 0,
                        (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_pressure_reasons);
    tcase_add_test(tc, test_pressure_spare_reasons);
    tcase_add_test(tc, test_pressure_init);
    tcase_add_loop_test(
        tc, test_pressure_hostile_rates, 0,
        (int)(sizeof(hostile_cases) / sizeof(hostile_cases[0])));
    suite_add_tcase(s, tc);
    return tp_main(s);
}
