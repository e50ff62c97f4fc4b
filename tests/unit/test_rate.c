/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rates from record counters (common/rate.c): exact values, the cases
 * with no rate, and hostile jumps (2^56, 2^62, years of PSI in a second)
 * that must neither wrap nor leave their physical range.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>

#include "rate.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define P62 (UINT64_C(1) << 62)
#define P56 (UINT64_C(1) << 56)
/* Ten years of stall, in microseconds. */
#define YEARS_US (UINT64_C(10) * 365 * 86400 * 1000000)

static const struct {
    const char *what;
    enum xb_field f;
    int has_a, has_b;
    uint64_t a, b, ta, tb;
    int rc;
    double want;
} rate_cases[] = {
    { "swap-in 600 pages in 2 s", XB_F_PSWPIN, 1, 1, 100, 700, 1000, 3000, 0,
      300.0 },
    { "stall 250 ms in 1 s", XB_F_PSI_SOME, 1, 1, 0, 250000, 0, 1000, 0,
      250.0 },
    { "full stall 1 s in 2 s", XB_F_PSI_FULL, 1, 1, 5, 1000005, 10, 2010, 0,
      500.0 },
    { "no change", XB_F_REFAULT, 1, 1, 7, 7, 0, 1000, 0, 0.0 },
    { "one page in 3 s", XB_F_PGMAJFAULT, 1, 1, 0, 1, 0, 3000, 0,
      1000.0 / 3000.0 },
    { "oom kills", XB_F_OOMKILL, 1, 1, 0, 2, 0, 1000, 0, 2.0 },
    /* Hostile jumps: no wrap, clamped to the physical range. */
    { "swap-in +2^56 in 1 s", XB_F_PSWPIN, 1, 1, 0, P56, 0, 1000, 0,
      XB_RATE_EVENTS_MAX },
    { "swap-in +2^62 in 1 ms", XB_F_PSWPIN, 1, 1, 0, P62, 0, 1, 0,
      XB_RATE_EVENTS_MAX },
    { "swap-out 0 to 2^62 over an hour", XB_F_PSWPOUT, 1, 1, 0, P62, 0, 3600000,
      0, XB_RATE_EVENTS_MAX },
    { "PSI years in 1 s", XB_F_PSI_SOME, 1, 1, 0, YEARS_US, 0, 1000, 0,
      XB_RATE_STALL_MAX },
    { "PSI 2^62 in 1 ms", XB_F_PSI_FULL, 1, 1, 0, P62, 5, 6, 0,
      XB_RATE_STALL_MAX },
    { "stall just at 1000 ms/s", XB_F_PSI_SOME, 1, 1, 0, 1000000, 0, 1000, 0,
      1000.0 },
    { "stall over 1000 ms/s", XB_F_PSI_SOME, 1, 1, 0, 1000001, 0, 1000, 0,
      1000.0 },
    /* No rate. */
    { "counter went back", XB_F_PSWPIN, 1, 1, 700, 100, 0, 1000, -1 },
    { "counter went back from 2^62", XB_F_PSI_SOME, 1, 1, P62, 0, 0, 1000, -1 },
    { "same instant", XB_F_PSWPIN, 1, 1, 0, 10, 1000, 1000, -1 },
    { "clock went back", XB_F_PSWPIN, 1, 1, 0, 10, 2000, 1000, -1 },
    { "first lacks it", XB_F_PSWPIN, 0, 1, 0, 10, 0, 1000, -1 },
    { "second lacks it", XB_F_PSWPIN, 1, 0, 0, 10, 0, 1000, -1 },
    { "a memory figure has no rate", XB_F_TOTAL, 1, 1, 1, 2, 0, 1000, -1 },
    { "seq has no rate", XB_F_SEQ, 1, 1, 1, 2, 0, 1000, -1 },
};

START_TEST(test_rate)
{
    struct xb_record a, b;
    double r = -1.0;
    int rc;

    xb_record_clear(&a);
    xb_record_clear(&b);
    if (rate_cases[_i].has_a)
        xb_record_set(&a, rate_cases[_i].f, rate_cases[_i].a);
    if (rate_cases[_i].has_b)
        xb_record_set(&b, rate_cases[_i].f, rate_cases[_i].b);
    rc = xb_rate(&a, rate_cases[_i].ta, &b, rate_cases[_i].tb, rate_cases[_i].f,
                 &r);
    ck_assert_msg(rc == rate_cases[_i].rc, "%s: rc %d", rate_cases[_i].what,
                  rc);
    if (rc != 0)
        return;
    ck_assert_msg(fabs(r - rate_cases[_i].want) < 1e-9, "%s: %g",
                  rate_cases[_i].what, r);
    ck_assert_msg(r >= 0.0 && r <= xb_rate_max(rate_cases[_i].f), "%s: %g",
                  rate_cases[_i].what, r);
}
END_TEST

static Suite *
rate_suite(void)
{
    Suite *s = suite_create("rate");
    TCase *tc = tcase_create("rate");

    tcase_add_loop_test(tc, test_rate, 0, NITEMS(rate_cases));
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(rate_suite)
