/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dom0-to-guest lines (common/gstatus.c): the status line's format
 * and round trip, its parser against hostile input, and the settings
 * line's parser with the agent's bounds (clamped, garbage skipped).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gstatus.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

#define LINE                                                                   \
    "v=1 hb=17 hbp=10 target=524288 actual=530432 min=131072 max=1048576 "     \
    "need=402000 state=managed level=tight free=210944 total=4194304 "         \
    "ocmax=150 octgt=95 reason="

static void
sample(struct xb_gstatus *s)
{
    memset(s, 0, sizeof(*s));
    s->hb = 17;
    s->hb_period_s = 10;
    s->target_kb = 524288;
    s->actual_kb = 530432;
    s->min_kb = 131072;
    s->max_kb = 1048576;
    s->need_kb = 402000;
    strcpy(s->state, "managed");
    s->level = XB_GLEVEL_TIGHT;
    s->free_kb = 210944;
    s->total_kb = 4194304;
    s->ocmax_pct = 150;
    s->octgt_pct = 95;
    strcpy(s->reason, "pressure: psi 2.1% > 1%, +32M");
}

START_TEST(test_format_roundtrip)
{
    struct xb_gstatus s, back;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;
    int n;

    sample(&s);
    n = xb_gstatus_format(&s, buf, sizeof(buf));
    ck_assert_str_eq(buf, LINE "pressure: psi 2.1% > 1%, +32M");
    ck_assert_int_eq(n, (int)strlen(buf));
    ck_assert_int_eq(xb_gstatus_parse(buf, (size_t)n, &back, &cause), 0);
    ck_assert_int_eq(memcmp(&s, &back, sizeof(s)), 0);
}
END_TEST

/* A longest reason is cut; control bytes become '?'; it always fits. */
START_TEST(test_format_reason)
{
    struct xb_gstatus s, back;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;

    sample(&s);
    memset(s.reason, 'x', sizeof(s.reason) - 1);
    s.reason[3] = '\n';
    s.reason[sizeof(s.reason) - 1] = '\0';
    ck_assert_int_gt(xb_gstatus_format(&s, buf, sizeof(buf)), 0);
    ck_assert_ptr_null(strchr(buf, '\n'));
    ck_assert_int_eq(xb_gstatus_parse(buf, strlen(buf), &back, &cause), 0);
    ck_assert_uint_eq(strlen(back.reason), XB_GSTATUS_REASON_MAX);
    ck_assert_int_eq(back.reason[3], '?');
    /* Too small a buffer: -1, never a cut line. */
    ck_assert_int_eq(xb_gstatus_format(&s, buf, 40), -1);
}
END_TEST

static const struct {
    const char *name;
    const char *line;
    const char *cause; /* NULL: accepted */
} parse_cases[] = {
    { "no reason at all", LINE, NULL },
    { "reason with spaces and '='", LINE "a=b c", NULL },
    { "unknown key skipped",
      "v=1 new=5 hb=1 hbp=1 target=1 actual=1 min=1 "
      "max=1 need=1 state=stale level=ok free=1 total=1 ocmax=0 octgt=0 "
      "reason=",
      NULL },
    { "wrong version", "v=2 hb=1", "not a version 1" },
    { "empty", "", "not a version 1" },
    { "missing level",
      "v=1 hb=1 hbp=1 target=1 actual=1 min=1 max=1 "
      "need=1 state=ok free=1 total=1 ocmax=0 octgt=0",
      "'level' missing" },
    { "unknown level",
      "v=1 hb=1 hbp=1 target=1 actual=1 min=1 max=1 "
      "need=1 state=x level=dire free=1 total=1 ocmax=0 octgt=0",
      "'level': bad value" },
    { "negative", "v=1 hb=-1", "'hb': bad value" },
    { "overflow", "v=1 hb=99999999999999999999999", "'hb': bad value" },
    { "size out of range", "v=1 target=17179869185", "'target': bad value" },
    { "zero period", "v=1 hbp=0", "'hbp': bad value" },
    { "state with a capital", "v=1 state=Managed", "'state': bad value" },
    { "duplicate", "v=1 hb=1 hb=2", "given twice" },
    { "double space", "v=1  hb=1", "malformed token" },
    { "no '='", "v=1 hb", "malformed token" },
};

START_TEST(test_parse)
{
    struct xb_gstatus s;
    char *cause = NULL;
    const char *l = parse_cases[_i].line;
    int rc = xb_gstatus_parse(l, strlen(l), &s, &cause);

    if (parse_cases[_i].cause == NULL) {
        ck_assert_msg(rc == 0, "%s: rejected: %s", parse_cases[_i].name, cause);
    } else {
        ck_assert_msg(rc == -1, "%s: accepted", parse_cases[_i].name);
        ck_assert_msg(strstr(cause, parse_cases[_i].cause) != NULL,
                      "%s: cause '%s'", parse_cases[_i].name, cause);
    }
    free(cause);
}
END_TEST

START_TEST(test_parse_hostile_bytes)
{
    char buf[XB_GSTATUS_MAX + 2];
    struct xb_gstatus s;
    char *cause = NULL;

    memset(buf, 'a', sizeof(buf));
    memcpy(buf, "v=1 ", 4);
    ck_assert_int_eq(xb_gstatus_parse(buf, sizeof(buf), &s, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "over the"));
    free(cause);
    cause = NULL;
    ck_assert_int_eq(xb_gstatus_parse("v=1 hb=1\0x", 10, &s, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "NUL"));
    free(cause);
}
END_TEST

/* Settings: what the agent ends up with, and what it reports. */
static const struct {
    const char *name;
    const char *line;
    int rc;
    uint64_t interval, heartbeat, compat, step;
    uint32_t clamped, bad, present;
} tune_cases[] = {
    { "defaults untouched", "v=1", 0, 1000, 10, 1, 8192, 0, 0, 0 },
    { "in bounds", "v=1 interval=250 heartbeat=30 compat=0 step=16384", 0, 250,
      30, 0, 16384, 0, 0,
      (1u << XB_GT_INTERVAL) | (1u << XB_GT_HEARTBEAT) | (1u << XB_GT_COMPAT) |
          (1u << XB_GT_STEP) },
    { "interval 0 cannot make it spin", "v=1 interval=0", 0, 100, 10, 1, 8192,
      1u << XB_GT_INTERVAL, 0, 1u << XB_GT_INTERVAL },
    { "a day of heartbeat is cut to an hour", "v=1 heartbeat=86400", 0, 1000,
      3600, 1, 8192, 1u << XB_GT_HEARTBEAT, 0, 1u << XB_GT_HEARTBEAT },
    { "at the bounds", "v=1 interval=100 heartbeat=1", 0, 100, 1, 1, 8192, 0, 0,
      (1u << XB_GT_INTERVAL) | (1u << XB_GT_HEARTBEAT) },
    { "compat 7 is 1", "v=1 compat=7", 0, 1000, 10, 1, 8192, 1u << XB_GT_COMPAT,
      0, 1u << XB_GT_COMPAT },
    { "garbage skipped, rest applied", "v=1 interval=fast step=4096", 0, 1000,
      10, 1, 4096, 0, 1u << XB_GT_INTERVAL, 1u << XB_GT_STEP },
    { "above 2^64 is garbage", "v=1 interval=99999999999999999999999", 0, 1000,
      10, 1, 8192, 0, 1u << XB_GT_INTERVAL, 0 },
    { "unknown keys and tokens ignored", "v=1 turbo=1 junk interval=500", 0,
      500, 10, 1, 8192, 0, 0, 1u << XB_GT_INTERVAL },
    { "wrong version: unusable", "v=9 interval=500", -1, 1000, 10, 1, 8192, 0,
      0, 0 },
};

START_TEST(test_tune)
{
    struct xb_gtune t;
    uint32_t clamped, bad;
    char *cause = NULL;
    const char *l = tune_cases[_i].line;
    int rc;

    xb_gtune_defaults(&t);
    rc = xb_gtune_parse(l, strlen(l), &t, &clamped, &bad, &cause);
    ck_assert_msg(rc == tune_cases[_i].rc, "%s: rc %d", tune_cases[_i].name,
                  rc);
    free(cause);
    if (rc < 0)
        return;
    ck_assert_uint_eq(t.v[XB_GT_INTERVAL], tune_cases[_i].interval);
    ck_assert_uint_eq(t.v[XB_GT_HEARTBEAT], tune_cases[_i].heartbeat);
    ck_assert_uint_eq(t.v[XB_GT_COMPAT], tune_cases[_i].compat);
    ck_assert_uint_eq(t.v[XB_GT_STEP], tune_cases[_i].step);
    ck_assert_uint_eq(clamped, tune_cases[_i].clamped);
    ck_assert_uint_eq(bad, tune_cases[_i].bad);
    ck_assert_uint_eq(t.present, tune_cases[_i].present);
}
END_TEST

START_TEST(test_tune_format)
{
    struct xb_gtune t, back;
    uint32_t clamped, bad;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;

    xb_gtune_defaults(&t);
    t.present = (1u << XB_GT_COUNT) - 1;
    t.v[XB_GT_INTERVAL] = 2000;
    ck_assert_int_gt(xb_gtune_format(&t, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "v=1 interval=2000 heartbeat=10 compat=1 psi=1 "
                          "step=8192 steppm=20 refault=1024 psimin=1000");
    xb_gtune_defaults(&back);
    ck_assert_int_eq(
        xb_gtune_parse(buf, strlen(buf), &back, &clamped, &bad, &cause), 0);
    ck_assert_int_eq(memcmp(&t, &back, sizeof(t)), 0);
    ck_assert_uint_eq(clamped | bad, 0);
}
END_TEST

/*
 * Extremes through both sides: whatever dom0 formats, the agent parses,
 * each figure clamped to the parser's own bounds (a lying guest record
 * made the daemon publish a need= the agent rejected).
 */
#define U64MAX UINT64_MAX
#define KIBMAX (UINT64_C(1) << 34)
static const struct {
    const char *name;
    uint64_t hb, need, target, free;
    unsigned hbp, ocmax;
    const char *state;
    uint64_t want_hb, want_need, want_target, want_free;
    unsigned want_hbp, want_ocmax;
    const char *want_state;
} extreme_cases[] = {
    { "all zero", 0, 0, 0, 0, 0, 0, "managed", 0, 0, 0, 0, 1, 0, "managed" },
    { "need from a lying record", 1, U64MAX, 0, 0, 10, 0, "managed", 1, KIBMAX,
      0, 0, 10, 0, "managed" },
    { "need just over 16 TiB", 1, KIBMAX + 1, 0, 0, 10, 0, "managed", 1, KIBMAX,
      0, 0, 10, 0, "managed" },
    { "need at 16 TiB", 1, KIBMAX, 0, 0, 10, 0, "managed", 1, KIBMAX, 0, 0, 10,
      0, "managed" },
    { "every figure at 2^64 - 1", U64MAX, U64MAX, U64MAX, U64MAX, 4000000000u,
      4000000000u, "managed", UINT64_C(1) << 62, KIBMAX, KIBMAX, KIBMAX, 86400,
      100000, "managed" },
    { "state the parser cannot read", 1, 1, 1, 1, 1, 1, "BAD state", 1, 1, 1, 1,
      1, 1, "unknown" },
};

START_TEST(test_format_extremes)
{
    struct xb_gstatus s, back;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;
    int n;

    sample(&s);
    s.hb = extreme_cases[_i].hb;
    s.need_kb = extreme_cases[_i].need;
    s.target_kb = s.actual_kb = s.min_kb = s.max_kb = extreme_cases[_i].target;
    s.free_kb = s.total_kb = extreme_cases[_i].free;
    s.hb_period_s = extreme_cases[_i].hbp;
    s.ocmax_pct = s.octgt_pct = extreme_cases[_i].ocmax;
    snprintf(s.state, sizeof(s.state), "%s", extreme_cases[_i].state);
    n = xb_gstatus_format(&s, buf, sizeof(buf));
    ck_assert_int_gt(n, 0);
    ck_assert_msg(xb_gstatus_parse(buf, (size_t)n, &back, &cause) == 0,
                  "%s: %s", extreme_cases[_i].name, cause);
    ck_assert_uint_eq(back.hb, extreme_cases[_i].want_hb);
    ck_assert_uint_eq(back.need_kb, extreme_cases[_i].want_need);
    ck_assert_uint_eq(back.target_kb, extreme_cases[_i].want_target);
    ck_assert_uint_eq(back.actual_kb, extreme_cases[_i].want_target);
    ck_assert_uint_eq(back.min_kb, extreme_cases[_i].want_target);
    ck_assert_uint_eq(back.max_kb, extreme_cases[_i].want_target);
    ck_assert_uint_eq(back.free_kb, extreme_cases[_i].want_free);
    ck_assert_uint_eq(back.total_kb, extreme_cases[_i].want_free);
    ck_assert_uint_eq(back.hb_period_s, extreme_cases[_i].want_hbp);
    ck_assert_uint_eq(back.ocmax_pct, extreme_cases[_i].want_ocmax);
    ck_assert_uint_eq(back.octgt_pct, extreme_cases[_i].want_ocmax);
    ck_assert_str_eq(back.state, extreme_cases[_i].want_state);
}
END_TEST

/* The settings line: every value inside the agent's bounds, so the agent
 * never reports a clamp for what dom0 chose. */
static const struct {
    uint64_t v; /* every field set to this */
} tune_extremes[] = { { 0 }, { 1 }, { UINT64_C(1) << 32 }, { UINT64_MAX } };

START_TEST(test_tune_format_extremes)
{
    struct xb_gtune t, back;
    uint32_t clamped, bad;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;

    xb_gtune_defaults(&t);
    t.present = (1u << XB_GT_COUNT) - 1;
    for (int i = 0; i < XB_GT_COUNT; i++)
        t.v[i] = tune_extremes[_i].v;
    ck_assert_int_gt(xb_gtune_format(&t, buf, sizeof(buf)), 0);
    xb_gtune_defaults(&back);
    ck_assert_int_eq(
        xb_gtune_parse(buf, strlen(buf), &back, &clamped, &bad, &cause), 0);
    ck_assert_uint_eq(clamped, 0);
    ck_assert_uint_eq(bad, 0);
    for (int i = 0; i < XB_GT_COUNT; i++) {
        ck_assert_uint_ge(back.v[i], xb_gtune_keys[i].min);
        ck_assert_uint_le(back.v[i], xb_gtune_keys[i].max);
    }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("gstatus");
    TCase *tc = tcase_create("lines");

    tcase_add_test(tc, test_format_roundtrip);
    tcase_add_test(tc, test_format_reason);
    tcase_add_loop_test(tc, test_parse, 0, NITEMS(parse_cases));
    tcase_add_test(tc, test_parse_hostile_bytes);
    tcase_add_loop_test(tc, test_tune, 0, NITEMS(tune_cases));
    tcase_add_test(tc, test_tune_format);
    tcase_add_loop_test(tc, test_format_extremes, 0, NITEMS(extreme_cases));
    tcase_add_loop_test(tc, test_tune_format_extremes, 0,
                        NITEMS(tune_extremes));
    suite_add_tcase(s, tc);
    return xb_check_run(s);
}
