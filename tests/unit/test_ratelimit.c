/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The log rate limiter (common/log.c xb_ratelimit): scripted sequences of
 * (time, expected verdict, expected suppressed count).
 */
#include <check.h>
#include <stdlib.h>

#include "log.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define STEPS_MAX 12

struct rl_step {
    unsigned long long now_ms;
    int ok;
    unsigned long long suppressed; /* reported when ok */
};

static const struct {
    const char *name;
    unsigned burst, interval_ms;
    struct rl_step steps[STEPS_MAX];
    size_t n;
} rl_cases[] = {
    { "burst then refill",
      3,
      1000,
      { { 0, 1, 0 },
        { 0, 1, 0 },
        { 0, 1, 0 },
        { 0, 0, 0 },
        { 500, 0, 0 },
        { 1000, 1, 2 },
        { 1000, 0, 0 } },
      7 },
    { "refill is capped at burst",
      2,
      100,
      { { 0, 1, 0 },
        { 0, 1, 0 },
        { 100000, 1, 0 },
        { 100000, 1, 0 },
        { 100000, 0, 0 } },
      5 },
    { "time going back refills nothing",
      1,
      1000,
      { { 5000, 1, 0 }, { 4000, 0, 0 }, { 5500, 0, 0 }, { 6500, 1, 2 } },
      4 },
    { "zero burst lets nothing through",
      0,
      10,
      { { 0, 0, 0 }, { 1000, 0, 0 }, { 100000, 0, 0 } },
      3 },
    { "one per interval",
      1,
      250,
      { { 0, 1, 0 },
        { 125, 0, 0 },
        { 125, 0, 0 },
        { 250, 1, 2 },
        { 500, 1, 0 },
        { 625, 0, 0 },
        { 750, 1, 1 } },
      7 },
};

START_TEST(test_ratelimit)
{
    struct xb_ratelimit rl;

    xb_ratelimit_init(&rl, rl_cases[_i].burst, rl_cases[_i].interval_ms);
    for (size_t s = 0; s < rl_cases[_i].n; s++) {
        const struct rl_step *st = &rl_cases[_i].steps[s];
        unsigned long long supp = 12345;
        int ok = xb_ratelimit_ok(&rl, st->now_ms, &supp);

        ck_assert_msg(ok == st->ok, "%s: step %zu at %llu: got %d",
                      rl_cases[_i].name, s, st->now_ms, ok);
        if (ok)
            ck_assert_msg(supp == st->suppressed,
                          "%s: step %zu: suppressed %llu, want %llu",
                          rl_cases[_i].name, s, supp, st->suppressed);
    }
}
END_TEST

START_TEST(test_null_suppressed)
{
    struct xb_ratelimit rl;

    xb_ratelimit_init(&rl, 1, 1000);
    ck_assert_int_eq(xb_ratelimit_ok(&rl, 0, NULL), 1);
    ck_assert_int_eq(xb_ratelimit_ok(&rl, 0, NULL), 0);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_ratelimit, 0, NITEMS(rl_cases));
    tcase_add_test(tc, test_null_suppressed);
    suite_add_tcase(s, tc);
    return xb_check_run(s);
}
