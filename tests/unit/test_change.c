/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's publish decision (agent/change.c), as exact tables: for a
 * last-published record and a new sample, which reasons (if any) call for
 * a publication.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "record.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Base records: a 1 GiB guest (step 20971 KiB) and a 256 MiB one (8192). */
#define G1 "v=1 seq=1 total=1048576 free=100000 "
#define M256 "v=1 seq=1 total=262144 free=10000 "
#define G1_REST                                                                \
    "avail=500000 commit=400000 swt=1000 swf=1000 bal=1048576 pswpin=10 "      \
    "pswpout=10 majflt=5 refault=100 oom=0 psis=5000 psif=1000"

static const struct {
    const char *name;
    const char *last; /* NULL: nothing published yet */
    uint64_t last_ms;
    const char *now;
    uint64_t now_ms;
    unsigned want;
} decide_cases[] = {
    { "first sample", NULL, 0, G1 G1_REST, 5, AG_WHY_FIRST },
    { "unchanged, 1 s later", G1 G1_REST, 1000, G1 G1_REST, 2000, 0 },
    { "unchanged, seq differs", G1 G1_REST, 1000,
      "v=1 seq=99 total=1048576 free=100000 " G1_REST, 2000, 0 },
    { "heartbeat just short", G1 G1_REST, 1000, G1 G1_REST, 10999, 0 },
    { "heartbeat due", G1 G1_REST, 1000, G1 G1_REST, 11000, AG_WHY_HEARTBEAT },
    { "clock went back", G1 G1_REST, 5000, G1 G1_REST, 4000, AG_WHY_HEARTBEAT },
    /* avail: 1 GiB guest, step = 2% = 20971 KiB. */
    { "avail down by step-1", G1 "avail=500000", 0, G1 "avail=479030", 1, 0 },
    { "avail down by step", G1 "avail=500000", 0, G1 "avail=479029", 1,
      AG_WHY_AVAIL },
    { "avail up by step", G1 "avail=500000", 0, G1 "avail=520971", 1,
      AG_WHY_AVAIL },
    /* 256 MiB guest: 2% = 5242 KiB is under the 8 MiB floor. */
    { "small guest avail by 8191", M256 "avail=100000", 0, M256 "avail=91809",
      1, 0 },
    { "small guest avail by 8192", M256 "avail=100000", 0, M256 "avail=91808",
      1, AG_WHY_AVAIL },
    /* Without MemAvailable (3.10): free + buffers + cached. */
    { "no avail, cache shrinks by step-1",
      "v=1 seq=1 total=1048576 free=100000 buf=1000 cached=200000", 0,
      "v=1 seq=1 total=1048576 free=100000 buf=1000 cached=179030", 1, 0 },
    { "no avail, cache shrinks by step",
      "v=1 seq=1 total=1048576 free=100000 buf=1000 cached=200000", 0,
      "v=1 seq=1 total=1048576 free=90000 buf=0 cached=189029", 1,
      AG_WHY_AVAIL },
    { "free alone moves, avail steady", G1 "avail=500000", 0,
      "v=1 seq=1 total=1048576 free=300000 avail=500000", 1, 0 },
    { "commit by step-1", G1 "commit=400000", 0, G1 "commit=420970", 1, 0 },
    { "commit by step", G1 "commit=400000", 0, G1 "commit=420971", 1,
      AG_WHY_COMMIT },
    { "balloon by 8 MiB (under step)", G1 "bal=1048576", 0, G1 "bal=1040384", 1,
      0 },
    { "balloon by step", G1 "bal=1048576", 0, G1 "bal=1027605", 1,
      AG_WHY_BALLOON },
    /* Step is taken on the new total: 1069547 * 2% = 21390. */
    { "total grows by 20971", G1 "avail=500000", 0,
      "v=1 seq=1 total=1069547 free=100000 avail=500000", 1, 0 },
    { "total grows by 21424 (step 21400)", G1 "avail=500000", 0,
      "v=1 seq=1 total=1070000 free=100000 avail=500000", 1, AG_WHY_TOTAL },
    /* Distress counters. */
    { "one page swapped in", G1 "pswpin=10", 0, G1 "pswpin=11", 1,
      AG_WHY_SWAPIN },
    { "swap-out alone is not distress", G1 "pswpin=10 pswpout=10", 0,
      G1 "pswpin=10 pswpout=5000", 1, 0 },
    { "swap-in counter went back", G1 "pswpin=10", 0, G1 "pswpin=9", 1, 0 },
    { "refaults under a burst", G1 "refault=100", 0, G1 "refault=1123", 1, 0 },
    { "refault burst", G1 "refault=100", 0, G1 "refault=1124", 1,
      AG_WHY_REFAULT },
    { "major faults alone", G1 "majflt=5", 0, G1 "majflt=50000", 1, 0 },
    { "oom kill", G1 "oom=0", 0, G1 "oom=1", 1, AG_WHY_OOM },
    { "psi under 1 ms", G1 "psis=5000 psif=0", 0, G1 "psis=5999 psif=0", 1, 0 },
    { "psi 1 ms", G1 "psis=5000 psif=0", 0, G1 "psis=6000 psif=0", 1,
      AG_WHY_PSI },
    { "psi full alone does not count", G1 "psis=5000 psif=0", 0,
      G1 "psis=5000 psif=4000", 1, 0 },
    /* Field sets. */
    { "field appears", G1 "pswpin=1", 0, G1 "pswpin=1 oom=0", 1,
      AG_WHY_FIELDS },
    { "field disappears", G1 "pswpin=1 psis=0", 0, G1 "pswpin=1", 1,
      AG_WHY_FIELDS },
    { "counter missing on one side is no growth", G1 "refault=0", 0, G1 "oom=0",
      1, AG_WHY_FIELDS },
    /* Several at once. */
    { "everything", G1 G1_REST, 0,
      "v=1 seq=2 total=1048576 free=1000 avail=1000 commit=900000 swt=1000 "
      "swf=0 bal=900000 pswpin=11 pswpout=10 majflt=5 refault=99999 oom=3 "
      "psis=900000 psif=1000",
      60000,
      AG_WHY_HEARTBEAT | AG_WHY_AVAIL | AG_WHY_COMMIT | AG_WHY_BALLOON |
          AG_WHY_SWAPIN | AG_WHY_REFAULT | AG_WHY_OOM | AG_WHY_PSI },
};

static void
rec(const char *s, struct xb_record *r)
{
    char *cause = NULL;

    ck_assert_msg(xb_record_parse(s, strlen(s), r, &cause) == 0,
                  "table record '%s': %s", s, cause);
}

START_TEST(test_decide)
{
    struct ag_change_params p;
    struct xb_record last, now;
    char got_s[128], want_s[128];
    unsigned got;

    ag_change_defaults(&p);
    if (decide_cases[_i].last != NULL)
        rec(decide_cases[_i].last, &last);
    rec(decide_cases[_i].now, &now);
    got = ag_change_decide(&p, decide_cases[_i].last ? &last : NULL,
                           decide_cases[_i].last_ms, &now,
                           decide_cases[_i].now_ms);
    ck_assert_msg(got == decide_cases[_i].want, "%s: got {%s}, want {%s}",
                  decide_cases[_i].name,
                  ag_change_why(got, got_s, sizeof(got_s)),
                  ag_change_why(decide_cases[_i].want, want_s, sizeof(want_s)));
}
END_TEST

/* step = max(8192, total * 20 / 1000), KiB. */
static const struct {
    uint64_t total_kb;
    uint64_t step_kb;
} step_cases[] = {
    { 0, 8192 },
    { 262144, 8192 },      /* 256 MiB: 5242 < floor */
    { 409600, 8192 },      /* 400 MiB: exactly the floor */
    { 409650, 8193 },      /* 8193 */
    { 1048576, 20971 },    /* 1 GiB */
    { 67108864, 1342177 }, /* 64 GiB */
    { UINT64_C(1) << 34, 343597383 },
};

START_TEST(test_step)
{
    struct ag_change_params p;

    ag_change_defaults(&p);
    ck_assert_uint_eq(ag_change_step_kb(&p, step_cases[_i].total_kb),
                      step_cases[_i].step_kb);
}
END_TEST

/* A longer heartbeat from the command line is honoured. */
START_TEST(test_heartbeat_param)
{
    struct ag_change_params p;
    struct xb_record r;

    ag_change_defaults(&p);
    ck_assert_uint_eq(p.heartbeat_ms, 10000);
    p.heartbeat_ms = 30000;
    rec(G1 G1_REST, &r);
    ck_assert_uint_eq(ag_change_decide(&p, &r, 0, &r, 29999), 0);
    ck_assert_uint_eq(ag_change_decide(&p, &r, 0, &r, 30000), AG_WHY_HEARTBEAT);
}
END_TEST

static const struct {
    unsigned why;
    size_t len;
    const char *want;
} why_cases[] = {
    { 0, 32, "" },
    { AG_WHY_FIRST, 32, "first" },
    { AG_WHY_AVAIL | AG_WHY_SWAPIN, 32, "avail,swapin" },
    { AG_WHY_HEARTBEAT | AG_WHY_PSI, 32, "heartbeat,psi" },
    { AG_WHY_AVAIL | AG_WHY_SWAPIN, 8, "avail" }, /* truncated cleanly */
    { AG_WHY_AVAIL, 1, "" },
};

START_TEST(test_why)
{
    char buf[32];

    ck_assert_str_eq(ag_change_why(why_cases[_i].why, buf, why_cases[_i].len),
                     why_cases[_i].want);
}
END_TEST

static Suite *
change_suite(void)
{
    Suite *s = suite_create("change");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_decide, 0, NITEMS(decide_cases));
    tcase_add_loop_test(tc, test_step, 0, NITEMS(step_cases));
    tcase_add_test(tc, test_heartbeat_param);
    tcase_add_loop_test(tc, test_why, 0, NITEMS(why_cases));
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(change_suite)
