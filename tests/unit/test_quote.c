/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one quoting function for untrusted text in messages
 * (common/quote.c): terminal escapes, control bytes, UTF-8, quotes and
 * backslashes never pass; long text is cut; a JSON parser's "near" text
 * and a JSON path's keys go through the same filter.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *in, *want;
} quote_cases[] = {
    { "web", "\"web\"" },
    { "", "\"\"" },
    { "\x1b]0;owned\x07\x1b[2J", "\"?]0;owned??[2J\"" },
    { "a\"b\\c", "\"a?b?c\"" },
    { "tab\there\nnl\r", "\"tab?here?nl?\"" },
    { "caf\xc3\xa9", "\"caf??\"" },
    { "\x7f\x80\xff", "\"???\"" },
    { "0123456789012345678901234567890123456789",
      "\"0123456789012345678901234567890123456789\"" },
    { "0123456789012345678901234567890123456789x",
      "\"0123456789012345678901234567890123456789...\"" },
};

START_TEST(test_quote)
{
    char *q = xb_quote(quote_cases[_i].in);

    ck_assert_str_eq(q, quote_cases[_i].want);
    free(q);
}
END_TEST

static const struct {
    const char *in, *want;
} near_cases[] = {
    { "'}' expected near '\"tick\"'", "'}' expected near '\"tick\"'" },
    { "invalid token near '\x1b'", "invalid token near '?'" },
    { "unexpected token near '\x1b]0;owned\x07'",
      "unexpected token near '?]0;owned?'" },
    { "end of file expected near 'x'", "end of file expected near 'x'" },
    { "premature end of input", "premature end of input" },
    { "bad\x1b text", "bad? text" },
};

START_TEST(test_quote_near)
{
    char *q = xb_quote_near(near_cases[_i].in);

    ck_assert_str_eq(q, near_cases[_i].want);
    free(q);
}
END_TEST

static const struct {
    const char *path, *key, *want;
} path_cases[] = {
    { "", "tick", "tick" },
    { NULL, "tick", "tick" },
    { "policy.params", "window", "policy.params.window" },
    { "policy.params", "\x1b[2J", "policy.params.\"?[2J\"" },
    { "", "a.b", "a.b" },
    { "", "a b", "\"a b\"" },
    { "domains[0]", "", "domains[0].\"\"" },
};

START_TEST(test_path_key)
{
    char *p = xb_path_key(path_cases[_i].path, path_cases[_i].key);

    ck_assert_str_eq(p, path_cases[_i].want);
    free(p);
}
END_TEST

static Suite *
quote_suite(void)
{
    Suite *s = suite_create("quote");
    TCase *tc = tcase_create("quote");

    tcase_add_loop_test(tc, test_quote, 0, NITEMS(quote_cases));
    tcase_add_loop_test(tc, test_quote_near, 0, NITEMS(near_cases));
    tcase_add_loop_test(tc, test_path_key, 0, NITEMS(path_cases));
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(quote_suite)
