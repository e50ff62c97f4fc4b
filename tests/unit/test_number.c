/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one parser for sizes and durations (common/number.c) and every
 * interface that uses it: the config file, the policy parameters, the
 * control protocol's `set` and the command line.  Each row goes through
 * all of them and must get the same value or the same words: leading
 * whitespace of any kind, 2^64, zero and one KiB under a bound included.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "config.h"
#include "errlist.h"
#include "number.h"
#include "registry.h"
#include "xmalloc.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *s;
    uint64_t v;        /* when accepted */
    const char *cause; /* NULL: accepted */
} size_cases[] = {
    { "512M", 524288, NULL },
    { "1.5G", 1572864, NULL },
    { "2048KiB", 2048, NULL },
    { "1t", 1073741824, NULL },
    { " 1G", 0, "\" 1G\" is not a size (use K, M, G or T)" },
    { "\t1G", 0, "\"?1G\" is not a size (use K, M, G or T)" },
    { "\n1G", 0, "\"?1G\" is not a size (use K, M, G or T)" },
    { "\v1G", 0, "\"?1G\" is not a size (use K, M, G or T)" },
    { "\f1G", 0, "\"?1G\" is not a size (use K, M, G or T)" },
    { "\r1G", 0, "\"?1G\" is not a size (use K, M, G or T)" },
    { "1G\n", 0, "\"1G?\" is not a size (use K, M, G or T)" },
    { "+1G", 0, "\"+1G\" is not a size (use K, M, G or T)" },
    { "-1G", 0, "\"-1G\" is negative" },
    { "18446744073709551616K", 0, "\"18446744073709551616K\" is too large" },
    { "16777217T", 0, "\"16777217T\" is too large" },
    { "0.5K", 0, "\"0.5K\" is not a whole number of KiB" },
    { "\x1b]0;owned\x07", 0,
      "\"?]0;owned?\" is not a size (use K, M, G or T)" },
};

static const struct {
    const char *s;
    uint64_t v;
    const char *cause;
} duration_cases[] = {
    { "5s", 5000, NULL },
    { "250ms", 250, NULL },
    { "2min", 120000, NULL },
    { "1.5s", 1500, NULL },
    { " 5s", 0, "\" 5s\" is not a duration (use ms, s, m, h or d)" },
    { "\t5s", 0, "\"?5s\" is not a duration (use ms, s, m, h or d)" },
    { "\n5s", 0, "\"?5s\" is not a duration (use ms, s, m, h or d)" },
    { "\v5s", 0, "\"?5s\" is not a duration (use ms, s, m, h or d)" },
    { "\r5s", 0, "\"?5s\" is not a duration (use ms, s, m, h or d)" },
    { "5 s", 0, "\"5 s\" is not a duration (use ms, s, m, h or d)" },
    { "5S", 0, "\"5S\" is not a duration (use ms, s, m, h or d)" },
    { "-5s", 0, "\"-5s\" is negative" },
    { "99999999999999999h", 0, "\"99999999999999999h\" is too large" },
    { "1.5ms", 0, "\"1.5ms\" is not a whole number of milliseconds" },
};

/* The shared parser, the config and the policy parameters agree. */
START_TEST(test_size_everywhere)
{
    const char *s = size_cases[_i].s, *want = size_cases[_i].cause;
    json_t *j = json_string(s), *params;
    char *cause = NULL, *msg, *exp;
    struct xb_policy_inst *pi;
    struct xb_errlist el;
    uint64_t v = 0;

    ck_assert_ptr_nonnull(j);
    /* common/number.c */
    ck_assert_int_eq(xb_qty_parse(XB_QTY_SIZE, s, 0, &v, &cause),
                     want ? -1 : 0);
    if (want)
        ck_assert_str_eq(cause, want);
    else
        ck_assert_uint_eq(v, size_cases[_i].v);
    free(cause);
    cause = NULL;
    /* the config file */
    ck_assert_int_eq(cfg_parse_size(j, &v, &cause), want ? -1 : 0);
    if (want)
        ck_assert_str_eq(cause, want);
    else
        ck_assert_uint_eq(v, size_cases[_i].v);
    free(cause);
    cause = NULL;
    /* a policy's size parameter */
    xb_errlist_init(&el);
    params = json_pack("{s:O}", "floor", j);
    pi = xb_policy_create("proportional", params, "params", &el);
    if (want) {
        ck_assert_ptr_null(pi);
        msg = xb_errlist_join(&el);
        xb_asprintf(&exp, "params.floor: %s", want);
        ck_assert_str_eq(msg, exp);
        free(exp);
        free(msg);
    } else
        ck_assert_ptr_nonnull(pi);
    xb_policy_destroy(pi);
    xb_errlist_dispose(&el);
    json_decref(params);
    /* the command line (a bare number would be KiB there) */
    ck_assert_int_eq(cmd_parse_size(s, &v, &cause), want ? -1 : 0);
    if (want)
        ck_assert_str_eq(cause, want);
    free(cause);
    cause = NULL;
    /* the protocol's `set DOMAIN max VALUE` */
    if (want) {
        ck_assert_int_eq(cfg_rule_size("max", s, &v, &cause), -1);
        ck_assert_str_eq(cause, want);
        free(cause);
    }
    json_decref(j);
}
END_TEST

START_TEST(test_duration_everywhere)
{
    const char *s = duration_cases[_i].s, *want = duration_cases[_i].cause;
    json_t *j = json_string(s), *params;
    char *cause = NULL, *msg, *exp;
    struct xb_policy_inst *pi;
    struct xb_errlist el;
    uint64_t v = 0;

    ck_assert_int_eq(xb_qty_parse(XB_QTY_DURATION, s, 0, &v, &cause),
                     want ? -1 : 0);
    if (want)
        ck_assert_str_eq(cause, want);
    else
        ck_assert_uint_eq(v, duration_cases[_i].v);
    free(cause);
    cause = NULL;
    ck_assert_int_eq(cfg_parse_duration(j, &v, &cause), want ? -1 : 0);
    if (want)
        ck_assert_str_eq(cause, want);
    free(cause);
    cause = NULL;
    /* pressure's window is [1s, 10m]: only refusals compare here */
    if (want) {
        xb_errlist_init(&el);
        params = json_pack("{s:O}", "window", j);
        pi = xb_policy_create("pressure", params, "params", &el);
        ck_assert_ptr_null(pi);
        msg = xb_errlist_join(&el);
        xb_asprintf(&exp, "params.window: %s", want);
        ck_assert_str_eq(msg, exp);
        free(exp);
        free(msg);
        xb_errlist_dispose(&el);
        json_decref(params);
        /* reserve --for: the same parser and words */
        ck_assert_int_eq(cmd_parse_seconds(s, &v, &cause), -1);
        ck_assert_str_eq(cause, want);
        free(cause);
    }
    json_decref(j);
}
END_TEST

/*
 * `set DOMAIN min|max VALUE`: the config's own range for the rule's key
 * ([1M, 16T]); a bare number is KiB.  2^64 used to come back as "-1 is
 * negative", min 0 as OK (changing nothing), min 1 below the config's
 * bound.
 */
static const struct {
    const char *key, *value;
    uint64_t kb;
    const char *cause;
} set_cases[] = {
    { "max", "18446744073709551616", 0,
      "\"18446744073709551616\" is too large" },
    { "max", "18446744073709551615", 0,
      "\"18446744073709551615\" is too large" },
    { "min", "0", 0, "0 is out of range [1M, 16T]" },
    { "min", "1", 0, "1K is out of range [1M, 16T]" },
    { "min", "1023K", 0, "1023K is out of range [1M, 16T]" },
    { "min", "1M", 1024, NULL },
    { "min", "1024", 1024, NULL },
    { "max", "16T", UINT64_C(17179869184), NULL },
    { "max", "17T", 0, "17T is out of range [1M, 16T]" },
    { "max", "-1", 0, "\"-1\" is negative" },
    { "max", " 1G", 0, "\" 1G\" is not a size (use K, M, G or T)" },
};

START_TEST(test_set_bounds)
{
    uint64_t kb = 0;
    char *cause = NULL;
    int rc = cfg_rule_size(set_cases[_i].key, set_cases[_i].value, &kb, &cause);

    if (set_cases[_i].cause == NULL) {
        ck_assert_msg(rc == 0, "%s %s: %s", set_cases[_i].key,
                      set_cases[_i].value, cause);
        ck_assert_uint_eq(kb, set_cases[_i].kb);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_str_eq(cause, set_cases[_i].cause);
    }
    free(cause);
}
END_TEST

/* A hold's duration from a client is bounded like the CLI's. */
static const struct {
    uint64_t secs;
    int rc;
} hold_cases[] = {
    { 0, 0 },
    { CMD_HOLD_MAX_S, 0 },
    { CMD_HOLD_MAX_S + 1, -1 },
    { UINT64_C(9223372036854775807), -1 },
    { UINT64_C(18446744073709551), -1 }, /* * 1000 wraps in 64 bits */
};

START_TEST(test_hold_bound)
{
    char *cause = NULL;

    ck_assert_int_eq(cmd_check_hold(hold_cases[_i].secs, &cause),
                     hold_cases[_i].rc);
    if (hold_cases[_i].rc < 0)
        ck_assert_ptr_nonnull(strstr(cause, "is out of range [0, 87600h]"));
    free(cause);
}
END_TEST

static Suite *
number_suite(void)
{
    Suite *s = suite_create("number");
    TCase *tc = tcase_create("everywhere");

    tcase_add_loop_test(tc, test_size_everywhere, 0, NITEMS(size_cases));
    tcase_add_loop_test(tc, test_duration_everywhere, 0,
                        NITEMS(duration_cases));
    tcase_add_loop_test(tc, test_set_bounds, 0, NITEMS(set_cases));
    tcase_add_loop_test(tc, test_hold_bound, 0, NITEMS(hold_cases));
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(number_suite)
