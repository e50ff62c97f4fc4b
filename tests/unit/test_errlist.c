/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Error lists (common/errlist.c): adding, joining and disposing.
 */
#include <check.h>
#include <stdlib.h>

#include "errlist.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *msgs[4];
    size_t n;
    const char *joined;
} join_cases[] = {
    { { NULL }, 0, "" },
    { { "one" }, 1, "one" },
    { { "a", "b" }, 2, "a\nb" },
    { { "", "x", "" }, 3, "\nx\n" },
    { { "f.json:1:2: bad", "policy.margin: out of range", "c", "d" },
      4,
      "f.json:1:2: bad\npolicy.margin: out of range\nc\nd" },
};

START_TEST(test_join)
{
    struct xb_errlist el;
    char *s;

    xb_errlist_init(&el);
    for (size_t i = 0; i < join_cases[_i].n; i++)
        xb_errlist_add(&el, "%s", join_cases[_i].msgs[i]);
    ck_assert_uint_eq(el.n, join_cases[_i].n);
    s = xb_errlist_join(&el);
    ck_assert_str_eq(s, join_cases[_i].joined);
    free(s);
    xb_errlist_dispose(&el);
    ck_assert_uint_eq(el.n, 0);
    ck_assert_ptr_null(el.msgs);
    xb_errlist_dispose(&el); /* idempotent */
}
END_TEST

START_TEST(test_format)
{
    struct xb_errlist el;

    xb_errlist_init(&el);
    xb_errlist_add(&el, "%s:%d: %s", "cfg.json", 12, "unknown key");
    ck_assert_str_eq(el.msgs[0], "cfg.json:12: unknown key");
    xb_errlist_dispose(&el);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("errlist");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_join, 0, NITEMS(join_cases));
    tcase_add_test(tc, test_format);
    suite_add_tcase(s, tc);
    return xb_check_run(s);
}
