/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Error lists (common/errlist.c): adding, joining and disposing, and the
 * cap: every error counted, the first XB_ERRLIST_KEEP kept.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* n errors added: n counted, min(n, 20) kept, the rest summed up. */
static const struct {
    size_t n;
    const char *tail; /* the joined text's last line */
} cap_cases[] = {
    { 1, "error 0" },
    { 20, "error 19" },
    { 21, "... and 1 more error" },
    { 22, "... and 2 more errors" },
    { 20000, "... and 19980 more errors" },
};

START_TEST(test_cap)
{
    struct xb_errlist el, copy;
    size_t n = cap_cases[_i].n, lines = 1;
    char *s, *last;

    xb_errlist_init(&el);
    for (size_t i = 0; i < n; i++)
        xb_errlist_add(&el, "error %zu", i);
    ck_assert_uint_eq(el.n, n);
    ck_assert_uint_eq(el.nmsgs, n < XB_ERRLIST_KEEP ? n : XB_ERRLIST_KEEP);
    s = xb_errlist_join(&el);
    for (const char *p = s; *p != '\0'; p++)
        lines += *p == '\n';
    ck_assert_uint_le(lines, XB_ERRLIST_KEEP + 1);
    ck_assert_uint_lt(strlen(s), 1024);
    last = strrchr(s, '\n') ? strrchr(s, '\n') + 1 : s;
    ck_assert_str_eq(last, cap_cases[_i].tail);
    free(s);
    /* Appended with a prefix: the same count, the same tail. */
    xb_errlist_init(&copy);
    xb_errlist_append(&copy, &el, "f: ");
    ck_assert_uint_eq(copy.n, n);
    ck_assert_str_eq(copy.msgs[0], "f: error 0");
    xb_errlist_dispose(&copy);
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
    tcase_add_loop_test(tc, test_cap, 0, NITEMS(cap_cases));
    suite_add_tcase(s, tc);
    return xb_check_run(s);
}
