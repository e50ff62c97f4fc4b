/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The /proc and sysfs readers (common/procfs.c): each kernel-generation
 * fixture under tests/fixtures/kernels gives exact values and exactly the
 * fields that kernel lacks stay missing; malformed text leaves fields
 * missing rather than wrong; the sampler clamps what the record format
 * would reject.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"
#include "record.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Expected fields as "key=value ..." in wire keys (seq never: the sampler
 * leaves it to the caller).  Turned into a record by want() below.
 */
static void
want(const char *spec, struct xb_record *r)
{
    char *copy = strdup(spec), *save = NULL;

    xb_record_clear(r);
    for (char *tok = strtok_r(copy, " ", &save); tok != NULL;
         tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        int f;

        ck_assert_ptr_nonnull(eq);
        *eq = '\0';
        for (f = 0; f < XB_F_COUNT; f++)
            if (strcmp(xb_fields[f].key, tok) == 0)
                break;
        ck_assert_msg(f < XB_F_COUNT, "unknown key %s in table", tok);
        xb_record_set(r, f, strtoull(eq + 1, NULL, 10));
    }
    free(copy);
}

static void
assert_record(const char *what, const struct xb_record *got,
              const struct xb_record *exp)
{
    for (int f = 0; f < XB_F_COUNT; f++) {
        ck_assert_msg(xb_record_has(got, f) == xb_record_has(exp, f),
                      "%s: field %s is %s, want %s", what, xb_fields[f].key,
                      xb_record_has(got, f) ? "present" : "missing",
                      xb_record_has(exp, f) ? "present" : "missing");
        if (xb_record_has(exp, f))
            ck_assert_msg(got->v[f] == exp->v[f], "%s: %s = %llu, want %llu",
                          what, xb_fields[f].key, (unsigned long long)got->v[f],
                          (unsigned long long)exp->v[f]);
    }
}

static const struct {
    const char *dir;
    const char *want;
} fixture_cases[] = {
    /* No MemAvailable (3.14), workingset_refault (3.15), oom_kill (4.13),
     * PSI (4.20) or balloon. */
    { "linux-3.10", "total=1016904 free=181236 buf=948 cached=512340 "
                    "commit=1184660 swt=2097148 swf=2081532 anon=215772 "
                    "pswpin=1402 pswpout=5913 majflt=8217" },
    /* One workingset_refault counter, oom_kill, no PSI yet. */
    { "linux-4.19", "total=2041168 free=104220 avail=1320644 buf=61212 "
                    "cached=1218980 commit=1703348 swt=1046524 swf=1046524 "
                    "anon=512308 pswpin=0 pswpout=0 majflt=3301 "
                    "refault=48213 oom=0" },
    /* Split refaults (2214 anon + 91377 file) and PSI. */
    { "linux-5.10", "total=4026748 free=287520 avail=2911440 buf=120632 "
                    "cached=2519088 commit=2468140 swt=999420 swf=871932 "
                    "anon=1021216 pswpin=30911 pswpout=64205 majflt=41882 "
                    "refault=93591 oom=1 psis=18734452 psif=9102877" },
    /* Debian 12 PV guest: everything, including the balloon. */
    { "linux-6.1-xen-pv", "total=985432 free=402816 avail=689380 buf=25516 "
                          "cached=318940 commit=498212 swt=524284 "
                          "swf=524284 anon=142660 bal=1048576 pswpin=0 "
                          "pswpout=0 majflt=2154 refault=1287 oom=0 "
                          "psis=40321 psif=15820" },
};

START_TEST(test_fixture)
{
    const char *fx = getenv("XB_FIXTURES");
    char root[4096], *cause = NULL;
    struct xb_record got, exp;

    ck_assert_msg(fx != NULL, "XB_FIXTURES not set");
    snprintf(root, sizeof(root), "%s/kernels/%s", fx, fixture_cases[_i].dir);
    ck_assert_msg(xb_proc_sample(root, &got, &cause) == 0, "%s: %s", root,
                  cause);
    want(fixture_cases[_i].want, &exp);
    assert_record(fixture_cases[_i].dir, &got, &exp);
}
END_TEST

/* meminfo text: what is kept, what is refused. */
/* One text-parser case: input, expected return, expected fields. */
struct parse_case {
    const char *name;
    const char *text;
    int rc;
    const char *want;
};

static void
check_parse(int (*parse)(const char *, struct xb_record *),
            const struct parse_case *c)
{
    struct xb_record got, exp;

    xb_record_clear(&got);
    ck_assert_int_eq(parse(c->text, &got), c->rc);
    want(c->want, &exp);
    assert_record(c->name, &got, &exp);
}

static const struct parse_case meminfo_cases[] = {
    { "minimal", "MemTotal: 100 kB\nMemFree: 10 kB\n", 0, "total=100 free=10" },
    { "no trailing newline", "MemTotal:  100 kB\nMemFree:  10 kB", 0,
      "total=100 free=10" },
    { "tabs", "MemTotal:\t100 kB\nMemFree:\t10 kB\n", 0, "total=100 free=10" },
    { "no MemTotal", "MemFree: 10 kB\nMemAvailable: 20 kB\n", -1,
      "free=10 avail=20" },
    { "no MemFree", "MemTotal: 10 kB\n", -1, "total=10" },
    { "empty", "", -1, "" },
    { "wrong unit", "MemTotal: 100 MB\nMemFree: 10 kB\n", -1, "free=10" },
    { "no unit", "MemTotal: 100\nMemFree: 10 kB\n", -1, "free=10" },
    { "negative", "MemTotal: 100 kB\nMemFree: -10 kB\n", -1, "total=100" },
    { "garbage value", "MemTotal: 1x0 kB\nMemFree: 10 kB\n", -1, "free=10" },
    { "prefix key is not the key",
      "MemTotalX: 5 kB\nMemTotal: 100 kB\nMemFree: 10 kB\nCachedY: 3 kB\n", 0,
      "total=100 free=10" },
    { "colon on the next line only", "MemTotal 100 kB\nx: 1 kB\n", -1, "" },
    { "out of record range",
      "MemTotal: 100 kB\nMemFree: 10 kB\n"
      "Committed_AS: 17179869185 kB\n",
      0, "total=100 free=10" },
    { "overflow",
      "MemTotal: 100 kB\nMemFree: 10 kB\n"
      "Cached: 99999999999999999999999 kB\n",
      0, "total=100 free=10" },
    { "HugePages lines have no unit",
      "MemTotal: 100 kB\nMemFree: 10 kB\nHugePages_Total:       0\n", 0,
      "total=100 free=10" },
};

START_TEST(test_meminfo)
{
    check_parse(xb_proc_parse_meminfo, &meminfo_cases[_i]);
}
END_TEST

static const struct parse_case vmstat_cases[] = {
    { "old refault", "pswpin 1\nworkingset_refault 7\noom_kill 2\n", 0,
      "pswpin=1 refault=7 oom=2" },
    { "split refault summed",
      "workingset_refault_anon 3\nworkingset_refault_file 4\n", 0,
      "refault=7" },
    { "split wins over old",
      "workingset_refault 100\nworkingset_refault_anon 3\n"
      "workingset_refault_file 4\n",
      0, "refault=7" },
    { "half a split is not a total", "workingset_refault_file 4\n", 0, "" },
    { "prefix is not the name", "pswpin_x 5\npswpinx 6\npswpout 9\n", 0,
      "pswpout=9" },
    { "trailing junk", "pswpin 5x\npswpout 9 \npgmajfault 3\n", 0, "majflt=3" },
    { "no newline at end", "pgmajfault 3", 0, "majflt=3" },
    { "garbage only", "hello world\n\n", -1, "" },
    { "empty", "", -1, "" },
    { "counter over 2^62", "pswpin 4611686018427387905\npswpout 1\n", 0,
      "pswpout=1" },
};

START_TEST(test_vmstat)
{
    check_parse(xb_proc_parse_vmstat, &vmstat_cases[_i]);
}
END_TEST

static const struct parse_case psi_cases[] = {
    { "both",
      "some avg10=1.00 avg60=0.50 avg300=0.10 total=300\n"
      "full avg10=0.00 avg60=0.00 avg300=0.00 total=200\n",
      0, "psis=300 psif=200" },
    { "some only (cpu-style file)",
      "some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n", 0, "psis=5" },
    { "full above some is dropped",
      "some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n"
      "full avg10=0.00 avg60=0.00 avg300=0.00 total=6\n",
      0, "psis=5" },
    { "full only", "full avg10=0.00 avg60=0.00 avg300=0.00 total=6\n", -1, "" },
    { "bad total", "some avg10=0.00 avg60=0.00 avg300=0.00 total=x\n", -1, "" },
    { "no total", "some avg10=0.00 avg60=0.00 avg300=0.00\n", -1, "" },
    { "total on the next line", "some avg10=0.00\n total=5\n", -1, "" },
    { "empty", "", -1, "" },
};

START_TEST(test_psi)
{
    check_parse(xb_proc_parse_psi, &psi_cases[_i]);
}
END_TEST

/*
 * The sampler on a scratch tree: optional files missing, a balloon file
 * with junk, and figures the record format would reject clamped.
 */
static const struct {
    const char *name;
    const char *meminfo; /* NULL: no file */
    const char *vmstat;
    const char *balloon;
    int rc;
    const char *want;
} sample_cases[] = {
    { "meminfo only", "MemTotal: 100 kB\nMemFree: 10 kB\n", NULL, NULL, 0,
      "total=100 free=10" },
    { "no meminfo", NULL, "pswpin 1\n", NULL, -1, "" },
    { "zero MemTotal", "MemTotal: 0 kB\nMemFree: 0 kB\n", NULL, NULL, -1, "" },
    { "avail above total clamped",
      "MemTotal: 100 kB\nMemFree: 10 kB\nMemAvailable: 120 kB\n", NULL, NULL, 0,
      "total=100 free=10 avail=100" },
    { "free above total clamped", "MemTotal: 100 kB\nMemFree: 130 kB\n", NULL,
      NULL, 0, "total=100 free=100" },
    { "swapfree above swaptotal dropped",
      "MemTotal: 100 kB\nMemFree: 10 kB\nSwapTotal: 5 kB\nSwapFree: 6 kB\n",
      NULL, NULL, 0, "total=100 free=10 swt=5" },
    { "swapfree without swaptotal dropped",
      "MemTotal: 100 kB\nMemFree: 10 kB\nSwapFree: 6 kB\n", NULL, NULL, 0,
      "total=100 free=10" },
    { "balloon", "MemTotal: 100 kB\nMemFree: 10 kB\n", "pswpin 1\n", "2048\n",
      0, "total=100 free=10 pswpin=1 bal=2048" },
    { "balloon junk", "MemTotal: 100 kB\nMemFree: 10 kB\n", NULL, "20x48\n", 0,
      "total=100 free=10" },
    { "balloon empty", "MemTotal: 100 kB\nMemFree: 10 kB\n", NULL, "", 0,
      "total=100 free=10" },
};

static void
put_file(const char *root, const char *rel, const char *text)
{
    char path[4096], *slash;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    for (slash = strchr(path + strlen(root) + 1, '/'); slash != NULL;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        ck_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
        *slash = '/';
    }
    ck_assert_ptr_nonnull(f = fopen(path, "w"));
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_sample)
{
    char root[] = "/tmp/xb-procfs-XXXXXX", cmd[128], *cause = NULL;
    struct xb_record got, exp;
    int rc;

    ck_assert_ptr_nonnull(mkdtemp(root));
    if (sample_cases[_i].meminfo != NULL)
        put_file(root, XB_PROC_MEMINFO, sample_cases[_i].meminfo);
    if (sample_cases[_i].vmstat != NULL)
        put_file(root, XB_PROC_VMSTAT, sample_cases[_i].vmstat);
    if (sample_cases[_i].balloon != NULL)
        put_file(root, XB_SYS_BALLOON_CURRENT, sample_cases[_i].balloon);
    rc = xb_proc_sample(root, &got, &cause);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_msg(rc == sample_cases[_i].rc, "%s: rc %d (%s)",
                  sample_cases[_i].name, rc, cause ? cause : "");
    if (rc < 0) {
        ck_assert_ptr_nonnull(cause);
        ck_assert_msg(strstr(cause, "meminfo") != NULL, "%s", cause);
        free(cause);
        return;
    }
    want(sample_cases[_i].want, &exp);
    assert_record(sample_cases[_i].name, &got, &exp);
}
END_TEST

/* A root without a trailing slash and one with it read the same tree. */
START_TEST(test_root_slash)
{
    const char *fx = getenv("XB_FIXTURES");
    char root[4096];
    struct xb_record a, b;

    snprintf(root, sizeof(root), "%s/kernels/linux-5.10/", fx);
    ck_assert_int_eq(xb_proc_sample(root, &a, NULL), 0);
    root[strlen(root) - 1] = '\0';
    ck_assert_int_eq(xb_proc_sample(root, &b, NULL), 0);
    ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
}
END_TEST

static Suite *
procfs_suite(void)
{
    Suite *s = suite_create("procfs");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_fixture, 0, NITEMS(fixture_cases));
    tcase_add_loop_test(tc, test_meminfo, 0, NITEMS(meminfo_cases));
    tcase_add_loop_test(tc, test_vmstat, 0, NITEMS(vmstat_cases));
    tcase_add_loop_test(tc, test_psi, 0, NITEMS(psi_cases));
    tcase_add_loop_test(tc, test_sample, 0, NITEMS(sample_cases));
    tcase_add_test(tc, test_root_slash);
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(procfs_suite)
