/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's builder of what guests are told (controller/daemon/guestview.c)
 * as exact tables: the pressure level, the overcommit ratios over a
 * domain table, one domain's status fields, when a new status is worth
 * writing, the agent settings line from the config, and the survey
 * thresholds (inflation, swap-in rate).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guestview.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define GIB (UINT64_C(1024) * 1024)

static const struct {
    uint64_t total, headroom;
    double tight, critical;
    enum xb_glevel want;
} level_cases[] = {
    { 4 * GIB, 1 * GIB, 0.10, 0.05, XB_GLEVEL_OK },
    { 4000000, 400000, 0.10, 0.05, XB_GLEVEL_OK },    /* exactly 10% */
    { 4000000, 399999, 0.10, 0.05, XB_GLEVEL_TIGHT }, /* just under */
    { 4000000, 200000, 0.10, 0.05, XB_GLEVEL_TIGHT }, /* exactly 5% */
    { 4000000, 199999, 0.10, 0.05, XB_GLEVEL_CRITICAL },
    { 4000000, 0, 0.10, 0.05, XB_GLEVEL_CRITICAL },
    { 4000000, 0, 0.0, 0.0, XB_GLEVEL_OK }, /* thresholds off */
    { 0, 0, 0.10, 0.05, XB_GLEVEL_OK },     /* no host figures yet */
};

START_TEST(test_level)
{
    ck_assert_int_eq(gst_level(level_cases[_i].total, level_cases[_i].headroom,
                               level_cases[_i].tight, level_cases[_i].critical),
                     level_cases[_i].want);
}
END_TEST

static const struct {
    uint64_t num, den;
    unsigned want;
} ratio_cases[] = {
    { 6 * GIB, 4 * GIB, 150 },
    { 1, 3, 33 },
    { 2, 3, 67 },
    { 1, 200, 1 },
    { 1, 201, 0 },
    { 0, 5, 0 },
    { 5, 0, 0 },
    { 4000 * GIB, 1, 100000 },
};

START_TEST(test_ratio)
{
    ck_assert_uint_eq(gst_ratio_pct(ratio_cases[_i].num, ratio_cases[_i].den),
                      ratio_cases[_i].want);
}
END_TEST

/* dom0 (actual 512M, maxmem "unlimited"), a 1G/2G guest, a guest with no
 * static-max known (actual 256M): 4 GiB host. */
START_TEST(test_host_build)
{
    struct domtab t;
    struct dom *d;
    struct xb_config cfg;
    struct gst_host h;

    memset(&cfg, 0, sizeof(cfg));
    cfg.pressure_tight = 0.10;
    cfg.pressure_critical = 0.05;
    domtab_init(&t, 4);
    d = domtab_add(&t, 0);
    d->is_dom0 = 1;
    d->actual_kb = 512 * 1024;
    d->maxmem_kb = UINT64_C(1) << 40;
    d->target_kb = 512 * 1024;
    d = domtab_add(&t, 1);
    d->actual_kb = 1 * GIB;
    d->target_kb = 1 * GIB + 100 * 1024;
    d->maxmem_kb = 2 * GIB;
    d = domtab_add(&t, 2);
    d->actual_kb = 256 * 1024;
    d->target_kb = 256 * 1024;
    gst_host_build(&t, 4 * GIB, 300 * 1024, 300 * 1024, &cfg, &h);
    ck_assert_uint_eq(h.sum_maxmem_kb, (512 + 2048 + 256) * 1024);
    ck_assert_uint_eq(h.sum_target_kb, (512 + 1024 + 100 + 256) * 1024);
    ck_assert_uint_eq(h.ocmax_pct, 69);         /* 2816 / 4096 = 0.6875 */
    ck_assert_uint_eq(h.octgt_pct, 46);         /* 1892 / 4096 = 0.4619 */
    ck_assert_int_eq(h.level, XB_GLEVEL_TIGHT); /* 300M of 4G: 7.3% */
    ck_assert_uint_eq(h.free_kb, 300 * 1024);
    domtab_dispose(&t);
}
END_TEST

static void
mkdom(struct dom *d)
{
    memset(d, 0, sizeof(*d));
    d->domid = 3;
    strcpy(d->name, "web");
    d->actual_kb = 530432;
    d->target_kb = 524288;
    d->maxmem_kb = 1048576;
    d->min_kb = 131072;
    d->max_kb = 1048576;
    d->need_kb = 402000;
    d->state = DOM_STUCK;
    strcpy(d->reason, "pressure: psi 2.1% > 1%");
}

START_TEST(test_dom_build)
{
    struct gst_host h = {
        4194304, 210944, 100, 0, 0, 150, 95, XB_GLEVEL_TIGHT
    };
    struct dom d;
    struct xb_gstatus s;
    char buf[XB_GSTATUS_MAX + 1];

    mkdom(&d);
    gst_dom_build(&d, &h, &s);
    s.hb = 3;
    s.hb_period_s = 10;
    ck_assert_int_gt(xb_gstatus_format(&s, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "v=1 hb=3 hbp=10 target=524288 actual=530432 "
                          "min=131072 max=1048576 need=402000 state=stuck "
                          "level=tight free=210944 total=4194304 ocmax=150 "
                          "octgt=95 reason=pressure: psi 2.1% > 1%");
}
END_TEST

/* Which changes make a new status worth writing before the heartbeat. */
static const struct {
    const char *name;
    int field; /* what to change */
    uint64_t v;
    int want;
} differs_cases[] = {
    { "nothing", 0, 0, 0 },
    { "heartbeat number only", 1, 99, 0 },
    { "free moved by less than 1/64 of host", 2, 210944 + 65535, 0 },
    { "free moved by 1/64 of host", 2, 210944 + 65536, 1 },
    { "free fell by 1/64 of host", 2, 210944 - 65536, 1 },
    { "target", 3, 524289, 1 },
    { "level", 4, XB_GLEVEL_CRITICAL, 1 },
    { "state", 5, 0, 1 },
    { "reason", 6, 0, 1 },
    { "overcommit", 7, 151, 1 },
    { "need", 8, 1, 1 },
};

START_TEST(test_differs)
{
    struct gst_host h = {
        4194304, 210944, 100, 0, 0, 150, 95, XB_GLEVEL_TIGHT
    };
    struct xb_gstatus a, b;
    struct dom d;

    mkdom(&d);
    gst_dom_build(&d, &h, &a);
    b = a;
    switch (differs_cases[_i].field) {
    case 1:
        b.hb = differs_cases[_i].v;
        b.hb_period_s = 99;
        break;
    case 2:
        b.free_kb = differs_cases[_i].v;
        break;
    case 3:
        b.target_kb = differs_cases[_i].v;
        break;
    case 4:
        b.level = (enum xb_glevel)differs_cases[_i].v;
        break;
    case 5:
        strcpy(b.state, "managed");
        break;
    case 6:
        strcpy(b.reason, "squeeze");
        break;
    case 7:
        b.ocmax_pct = (unsigned)differs_cases[_i].v;
        break;
    case 8:
        b.need_kb = differs_cases[_i].v;
        break;
    }
    ck_assert_msg(gst_differs(&a, &b) == differs_cases[_i].want, "%s",
                  differs_cases[_i].name);
}
END_TEST

START_TEST(test_tune_build)
{
    struct cfg_agent a = { 2000, 30500, 0, 1, 16384, 25, 4096, 2000 };
    struct xb_gtune t;
    char buf[XB_GSTATUS_MAX + 1];

    gst_tune_build(&a, &t);
    ck_assert_int_gt(xb_gtune_format(&t, buf, sizeof(buf)), 0);
    /* The heartbeat goes in whole seconds. */
    ck_assert_str_eq(buf, "v=1 interval=2000 heartbeat=30 compat=0 psi=1 "
                          "step=16384 steppm=25 refault=4096 psimin=2000");
}
END_TEST

static const struct {
    int is_dom0;
    uint64_t actual, maxmem;
    double frac;
    int want;
} infl_cases[] = {
    { 0, 900, 1000, 0.10, 0 }, /* exactly 10% out: not above */
    { 0, 899, 1000, 0.10, 1 },  { 0, 1000, 1000, 0.10, 0 },
    { 0, 1100, 1000, 0.10, 0 }, /* above static-max (being built) */
    { 0, 100, 0, 0.10, 0 },     /* static-max unknown */
    { 1, 100, 1000, 0.10, 0 },  /* dom0 */
    { 0, 499, 1000, 0.50, 1 },
};

START_TEST(test_inflated)
{
    struct dom d;

    memset(&d, 0, sizeof(d));
    d.is_dom0 = infl_cases[_i].is_dom0;
    d.actual_kb = infl_cases[_i].actual;
    d.maxmem_kb = infl_cases[_i].maxmem;
    ck_assert_int_eq(gst_inflated(&d, infl_cases[_i].frac),
                     infl_cases[_i].want);
}
END_TEST

static const struct {
    unsigned n;
    uint64_t t0, in0, t1, in1;
    int has0, has1;
    int64_t want;
} swap_cases[] = {
    { 2, 1000, 100, 3000, 700, 1, 1, 300 }, /* 600 pages in 2 s */
    { 2, 1000, 100, 1500, 100, 1, 1, 0 },
    { 2, 1000, 100, 1333, 101, 1, 1, 3 },  /* rounded down */
    { 1, 0, 0, 1000, 100, 1, 1, -1 },      /* one record */
    { 2, 1000, 100, 3000, 700, 0, 1, -1 }, /* no pswpin before */
    { 2, 1000, 700, 3000, 100, 1, 1, -1 }, /* counter went back */
    { 2, 3000, 100, 3000, 700, 1, 1, -1 }, /* same instant */
    /* A hostile jump neither wraps nor leaves the physical range
     * (common/rate.h): 2^56 and 2^62 pages in one step. */
    { 2, 1000, 0, 2000, UINT64_C(1) << 56, 1, 1, INT64_C(1) << 32 },
    { 2, 1000, 0, 1001, UINT64_C(1) << 62, 1, 1, INT64_C(1) << 32 },
    { 2, 1000, 5, 2000, (UINT64_C(1) << 54) + 5, 1, 1, INT64_C(1) << 32 },
};

START_TEST(test_swapin)
{
    struct xb_pol_sample h[2];
    struct dom d;

    memset(&d, 0, sizeof(d));
    memset(h, 0, sizeof(h));
    h[0].t_ms = swap_cases[_i].t0;
    h[1].t_ms = swap_cases[_i].t1;
    if (swap_cases[_i].has0)
        xb_record_set(&h[0].rec, XB_F_PSWPIN, swap_cases[_i].in0);
    if (swap_cases[_i].has1)
        xb_record_set(&h[1].rec, XB_F_PSWPIN, swap_cases[_i].in1);
    d.hist = swap_cases[_i].n == 2 ? h : &h[1];
    d.nhist = swap_cases[_i].n;
    ck_assert_int_eq(gst_swapin_rate(&d), swap_cases[_i].want);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("guestview");
    TCase *tc = tcase_create("build");

    tcase_add_loop_test(tc, test_level, 0, NITEMS(level_cases));
    tcase_add_loop_test(tc, test_ratio, 0, NITEMS(ratio_cases));
    tcase_add_test(tc, test_host_build);
    tcase_add_test(tc, test_dom_build);
    tcase_add_loop_test(tc, test_differs, 0, NITEMS(differs_cases));
    tcase_add_test(tc, test_tune_build);
    tcase_add_loop_test(tc, test_inflated, 0, NITEMS(infl_cases));
    tcase_add_loop_test(tc, test_swapin, 0, NITEMS(swap_cases));
    suite_add_tcase(s, tc);
    return xb_check_run(s);
}
