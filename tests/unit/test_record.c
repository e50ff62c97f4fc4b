/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stats record (common/record.c): format/parse round trips, every
 * rejection with the reason it must give, the lenient cases (unknown keys,
 * missing optional fields) and the derived used-memory figure.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "unit/check_main.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define KIB_MAX (UINT64_C(1) << 34)
#define CNT_MAX (UINT64_C(1) << 62)

struct fv {
    enum xb_field f;
    uint64_t v;
};

/* Round trips: records built field by field, formatted, parsed back. */
static const struct {
    const char *name;
    struct fv set[XB_F_COUNT];
    size_t n;
} roundtrip_cases[] = {
    { "minimal",
      { { XB_F_SEQ, 1 }, { XB_F_TOTAL, 1048576 }, { XB_F_FREE, 4096 } },
      3 },
    { "zero free and seq",
      { { XB_F_SEQ, 0 }, { XB_F_TOTAL, 1 }, { XB_F_FREE, 0 } },
      3 },
    { "every field",
      { { XB_F_SEQ, 42 },
        { XB_F_TOTAL, 4028312 },
        { XB_F_FREE, 120344 },
        { XB_F_AVAIL, 2901220 },
        { XB_F_BUFFERS, 10240 },
        { XB_F_CACHED, 2400000 },
        { XB_F_COMMITTED, 1899020 },
        { XB_F_SWAPTOTAL, 999420 },
        { XB_F_SWAPFREE, 871932 },
        { XB_F_ANON, 1021216 },
        { XB_F_BALLOON, 4194304 },
        { XB_F_PSWPIN, 30911 },
        { XB_F_PSWPOUT, 64205 },
        { XB_F_PGMAJFAULT, 41882 },
        { XB_F_REFAULT, 93591 },
        { XB_F_OOMKILL, 1 },
        { XB_F_PSI_SOME, 18734452 },
        { XB_F_PSI_FULL, 9102877 } },
      XB_F_COUNT },
    { "largest values",
      { { XB_F_SEQ, CNT_MAX },
        { XB_F_TOTAL, KIB_MAX },
        { XB_F_FREE, KIB_MAX },
        { XB_F_AVAIL, KIB_MAX },
        { XB_F_SWAPTOTAL, KIB_MAX },
        { XB_F_SWAPFREE, KIB_MAX },
        { XB_F_PSWPIN, CNT_MAX },
        { XB_F_PSI_SOME, CNT_MAX },
        { XB_F_PSI_FULL, CNT_MAX } },
      9 },
    { "3.10 kernel: no avail, refault, oom or psi",
      { { XB_F_SEQ, 7 },
        { XB_F_TOTAL, 1016904 },
        { XB_F_FREE, 181236 },
        { XB_F_BUFFERS, 948 },
        { XB_F_CACHED, 512340 },
        { XB_F_COMMITTED, 1184660 },
        { XB_F_PSWPIN, 1402 } },
      7 },
    { "swap off", /* swf == swt == 0 is consistent */
      { { XB_F_SEQ, 3 },
        { XB_F_TOTAL, 100 },
        { XB_F_FREE, 50 },
        { XB_F_SWAPTOTAL, 0 },
        { XB_F_SWAPFREE, 0 } },
      5 },
};

START_TEST(test_roundtrip)
{
    struct xb_record in, out;
    char buf[XB_RECORD_MAX + 1], *cause = NULL;
    int len;

    xb_record_clear(&in);
    for (size_t i = 0; i < roundtrip_cases[_i].n; i++)
        xb_record_set(&in, roundtrip_cases[_i].set[i].f,
                      roundtrip_cases[_i].set[i].v);
    len = xb_record_format(&in, buf, sizeof(buf));
    ck_assert_msg(len > 0, "%s: format failed", roundtrip_cases[_i].name);
    ck_assert_uint_eq((size_t)len, strlen(buf));
    ck_assert_msg(strncmp(buf, "v=1 ", 4) == 0, "%s: '%s'",
                  roundtrip_cases[_i].name, buf);
    ck_assert_msg(xb_record_parse(buf, (size_t)len, &out, &cause) == 0,
                  "%s: '%s' rejected: %s", roundtrip_cases[_i].name, buf,
                  cause);
    ck_assert_uint_eq(out.present, in.present);
    for (int f = 0; f < XB_F_COUNT; f++)
        if (xb_record_has(&in, f))
            ck_assert_msg(out.v[f] == in.v[f], "%s: field %s",
                          roundtrip_cases[_i].name, xb_fields[f].key);
}
END_TEST

/* Rejections: input (explicit length when it holds a NUL) and reason. */
static const struct {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *reason;
} reject_cases[] = {
    { "empty", "", 0, "empty record" },
    { "truncated", "v=1 seq=1 total=", 0, "key 'total': empty value" },
    { "truncated key", "v=1 seq=1 tot", 0, "has no '='" },
    { "non-numeric", "v=1 seq=1 total=12a4 free=1", 0,
      "key 'total': not a number" },
    { "hex", "v=1 seq=1 total=0x10 free=1", 0, "key 'total': leading zero" },
    { "overflow 2^64", "v=1 seq=18446744073709551616 total=2 free=1", 0,
      "key 'seq': overflows 64 bits" },
    { "overflow long", "v=1 seq=1 total=2 free=1 pswpin=99999999999999999999",
      0, "key 'pswpin': overflows 64 bits" },
    { "counter over 2^62", "v=1 seq=4611686018427387905 total=2 free=1", 0,
      "key 'seq': out of range" },
    { "total over 16 TiB", "v=1 seq=1 total=17179869185 free=1", 0,
      "key 'total': out of range" },
    { "negative", "v=1 seq=1 total=2 free=-1", 0, "key 'free': not a number" },
    { "plus sign", "v=1 seq=+1 total=2 free=1", 0, "key 'seq': not a number" },
    { "leading zero", "v=1 seq=1 total=0100 free=1", 0,
      "key 'total': leading zero" },
    { "duplicate key", "v=1 seq=1 total=2 free=1 free=1", 0,
      "duplicate key 'free'" },
    { "duplicate seq", "v=1 seq=1 seq=2 total=2 free=1", 0,
      "duplicate key 'seq'" },
    { "duplicate after wrap", "v=1 psif=0 seq=1 total=2 free=1 psif=0", 0,
      "duplicate key 'psif'" },
    { "duplicate version", "v=1 seq=1 total=2 free=1 v=1", 0,
      "duplicate key 'v'" },
    { "embedded NUL", "v=1 seq=1\0 total=2 free=1", 25, "NUL" },
    { "trailing NUL", "v=1 seq=1 total=2 free=1\0", 25, "NUL" },
    { "version 2", "v=2 seq=1 total=2 free=1", 0, "unsupported version 2" },
    { "version 0", "v=0 seq=1 total=2 free=1", 0, "unsupported version 0" },
    { "version huge", "v=4294967296 seq=1 total=2 free=1", 0,
      "key 'v': out of range" },
    { "version not first", "seq=1 v=1 total=2 free=1", 0,
      "does not start with v=" },
    { "no version", "total=2 free=1 seq=1", 0, "does not start with v=" },
    { "missing free", "v=1 seq=1 total=2", 0, "missing required key 'free'" },
    { "missing seq", "v=1 total=2 free=1", 0, "missing required key 'seq'" },
    { "missing total", "v=1 seq=1 free=1", 0, "missing required key 'total'" },
    { "version only", "v=1", 0, "missing required key" },
    { "upper-case key", "v=1 seq=1 Total=2 free=1", 0, "bad key at byte 10" },
    { "dash in key", "v=1 seq=1 to-tal=2 free=1", 0, "bad key" },
    { "empty key", "v=1 seq=1 =2 total=2 free=1", 0, "bad key" },
    { "17-byte key", "v=1 seq=1 total=2 free=1 abcdefghijklmnopq=1", 0,
      "bad key" },
    { "double space", "v=1  seq=1 total=2 free=1", 0, "stray space" },
    { "trailing space", "v=1 seq=1 total=2 free=1 ", 0, "stray space" },
    { "leading space", " v=1 seq=1 total=2 free=1", 0, "stray space" },
    { "tab separator", "v=1\tseq=1 total=2 free=1", 0,
      "key 'v': not a number" },
    { "trailing newline", "v=1 seq=1 total=2 free=1\n", 0,
      "key 'free': not a number" },
    { "bad unknown value", "v=1 seq=1 total=2 free=1 zz=abc", 0,
      "key 'zz': not a number" },
    { "free > total", "v=1 seq=1 total=100 free=101", 0, "free exceeds total" },
    { "avail > total", "v=1 seq=1 total=100 free=1 avail=101", 0,
      "avail exceeds total" },
    { "swf > swt", "v=1 seq=1 total=100 free=1 swt=10 swf=11", 0,
      "swf exceeds swt" },
    { "swf without swt", "v=1 seq=1 total=100 free=1 swf=0", 0,
      "swf exceeds swt" },
    { "psif > psis", "v=1 seq=1 total=100 free=1 psis=5 psif=6", 0,
      "psif exceeds psis" },
    { "zero total", "v=1 seq=1 total=0 free=0", 0, "total is zero" },
};

START_TEST(test_reject)
{
    const char *in = reject_cases[_i].in;
    size_t len = reject_cases[_i].len ? reject_cases[_i].len : strlen(in);
    struct xb_record r;
    char *cause = NULL;

    ck_assert_msg(xb_record_parse(in, len, &r, &cause) == -1, "%s: accepted",
                  reject_cases[_i].name);
    ck_assert_ptr_nonnull(cause);
    ck_assert_msg(strstr(cause, reject_cases[_i].reason) != NULL,
                  "%s: reason '%s', want '%s'", reject_cases[_i].name, cause,
                  reject_cases[_i].reason);
    free(cause);
}
END_TEST

/* Over the cap, by one byte and by a lot; exactly the cap is fine. */
static const struct {
    size_t len;
    int ok;
} size_cases[] = {
    { XB_RECORD_MAX - 1, 1 },
    { XB_RECORD_MAX, 1 },
    { XB_RECORD_MAX + 1, 0 },
    { 4096, 0 },
};

START_TEST(test_size)
{
    static const char head[] = "v=1 seq=1 total=2 free=1";
    size_t len = size_cases[_i].len, off = sizeof(head) - 1;
    char *buf = malloc(len);
    struct xb_record r;
    char *cause = NULL;
    int rc;

    /*
     * A valid record padded to `len` with unknown keys " p=1000...", each
     * 4 to 22 bytes (at most 19 digits, so the value fits 64 bits).
     */
    memcpy(buf, head, off);
    while (off < len) {
        size_t rem = len - off;
        size_t chunk = rem > 26 ? 20 : rem > 22 ? 10 : rem;

        memcpy(buf + off, " p=1", 4);
        memset(buf + off + 4, '0', chunk - 4);
        off += chunk;
    }
    rc = xb_record_parse(buf, len, &r, &cause);
    if (size_cases[_i].ok) {
        ck_assert_msg(rc == 0, "%zu bytes rejected: %s", len, cause);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_msg(strstr(cause, "over the 1024-byte cap") != NULL, "%s",
                      cause);
        free(cause);
    }
    free(buf);
}
END_TEST

/* Accepted oddities: unknown keys skipped, optional fields stay missing. */
static const struct {
    const char *in;
    uint32_t present;
    uint64_t free_kb;
} accept_cases[] = {
    { "v=1 seq=1 total=100 free=50",
      (1u << XB_F_SEQ) | (1u << XB_F_TOTAL) | (1u << XB_F_FREE), 50 },
    { "v=1 seq=1 total=100 free=50 newkey=7 other_2=0",
      (1u << XB_F_SEQ) | (1u << XB_F_TOTAL) | (1u << XB_F_FREE), 50 },
    { "v=1 free=0 total=100 seq=9 avail=0", /* any order after v */
      (1u << XB_F_SEQ) | (1u << XB_F_TOTAL) | (1u << XB_F_FREE) |
          (1u << XB_F_AVAIL),
      0 },
    { "v=1 seq=1 total=100 free=100 x=18446744073709551615",
      (1u << XB_F_SEQ) | (1u << XB_F_TOTAL) | (1u << XB_F_FREE), 100 },
    { "v=1 seq=1 total=100 free=1 psis=5",
      (1u << XB_F_SEQ) | (1u << XB_F_TOTAL) | (1u << XB_F_FREE) |
          (1u << XB_F_PSI_SOME),
      1 },
    /* Prefixes and extensions of known keys are other (unknown) keys. */
    { "v=1 seq=1 total=100 fre=1 free=50 freee=2 pswp=3 psi=4 psiss=5",
      (1u << XB_F_SEQ) | (1u << XB_F_TOTAL) | (1u << XB_F_FREE), 50 },
    /* Backwards: the lookup that starts after the previous key wraps. */
    { "v=1 psif=1 psis=5 free=2 total=100 seq=1",
      (1u << XB_F_SEQ) | (1u << XB_F_TOTAL) | (1u << XB_F_FREE) |
          (1u << XB_F_PSI_SOME) | (1u << XB_F_PSI_FULL),
      2 },
};

START_TEST(test_accept)
{
    struct xb_record r;
    char *cause = NULL;

    ck_assert_msg(xb_record_parse(accept_cases[_i].in,
                                  strlen(accept_cases[_i].in), &r, &cause) == 0,
                  "'%s' rejected: %s", accept_cases[_i].in, cause);
    ck_assert_uint_eq(r.present, accept_cases[_i].present);
    ck_assert_uint_eq(r.v[XB_F_FREE], accept_cases[_i].free_kb);
    /* Missing means missing: the default comes back, not a zero. */
    ck_assert_uint_eq(xb_record_get(&r, XB_F_BALLOON, 777), 777);
}
END_TEST

/* Parsing must not touch *out on failure. */
START_TEST(test_reject_keeps_out)
{
    struct xb_record r;
    char *cause = NULL;

    xb_record_clear(&r);
    xb_record_set(&r, XB_F_TOTAL, 5);
    ck_assert_int_eq(xb_record_parse("v=1 seq=1 total=9", 17, &r, &cause), -1);
    free(cause);
    ck_assert_uint_eq(r.present, 1u << XB_F_TOTAL);
    ck_assert_uint_eq(r.v[XB_F_TOTAL], 5);
    /* A NULL cause is allowed. */
    ck_assert_int_eq(xb_record_parse("", 0, &r, NULL), -1);
}
END_TEST

/*
 * Formatting refuses missing required fields and short buffers.  With
 * seq=1 total=10 free=1 the line is "v=1 seq=1 total=10 free=1", 25 bytes.
 */
#define F3 ((1u << XB_F_SEQ) | (1u << XB_F_TOTAL) | (1u << XB_F_FREE))
static const struct {
    uint32_t fields;
    size_t buflen;
    int want; /* length or -1 */
} format_cases[] = {
    { F3, 64, 25 },
    { F3, 26, 25 },
    { F3, 25, -1 },
    { F3, 2, -1 },
    { F3, 0, -1 },
    { F3 & ~(1u << XB_F_SEQ), 64, -1 },
    { F3 & ~(1u << XB_F_TOTAL), 64, -1 },
    { F3 & ~(1u << XB_F_FREE), 64, -1 },
};

START_TEST(test_format)
{
    struct xb_record r;
    char buf[64];
    int len;

    xb_record_clear(&r);
    for (int f = 0; f < XB_F_COUNT; f++)
        if (format_cases[_i].fields & (1u << f))
            xb_record_set(&r, f, f == XB_F_TOTAL ? 10 : 1);
    len = xb_record_format(&r, buf, format_cases[_i].buflen);
    ck_assert_int_eq(len, format_cases[_i].want);
    if (len > 0)
        ck_assert_str_eq(buf, "v=1 seq=1 total=10 free=1");
}
END_TEST

/* Every field, values of every width: as printf would write them. */
START_TEST(test_format_digits)
{
    static const uint64_t vals[] = { 0,         9, 10, 99, 1000, 4294967296ULL,
                                     UINT64_MAX };
    struct xb_record r;
    char buf[XB_RECORD_MAX + 1], want[XB_RECORD_MAX + 1];
    int off;

    xb_record_clear(&r);
    off = snprintf(want, sizeof(want), "v=%d", XB_RECORD_VERSION);
    for (int f = 0; f < XB_F_COUNT; f++) {
        xb_record_set(&r, f, vals[(size_t)f % NITEMS(vals)]);
        off += snprintf(want + off, sizeof(want) - (size_t)off, " %s=%llu",
                        xb_fields[f].key, (unsigned long long)r.v[f]);
    }
    ck_assert_int_eq(xb_record_format(&r, buf, sizeof(buf)), off);
    ck_assert_str_eq(buf, want);
    /* One byte short of the NUL. */
    ck_assert_int_eq(xb_record_format(&r, buf, (size_t)off), -1);
}
END_TEST

/* used = total - avail + swap used; without avail, free+buffers+cached. */
static const struct {
    const char *in;
    uint64_t used;
} used_cases[] = {
    { "v=1 seq=1 total=1000 free=100 avail=600", 400 },
    { "v=1 seq=1 total=1000 free=100 avail=600 swt=500 swf=200", 700 },
    { "v=1 seq=1 total=1000 free=100 buf=50 cached=250", 600 },
    { "v=1 seq=1 total=1000 free=100", 900 },
    { "v=1 seq=1 total=1000 free=900 buf=100 cached=100", 0 },
    { "v=1 seq=1 total=1000 free=0 avail=0 swt=0 swf=0", 1000 },
};

START_TEST(test_used)
{
    struct xb_record r;
    char *cause = NULL;

    ck_assert_msg(xb_record_parse(used_cases[_i].in, strlen(used_cases[_i].in),
                                  &r, &cause) == 0,
                  "%s", cause);
    ck_assert_uint_eq(xb_record_used_kb(&r), used_cases[_i].used);
}
END_TEST

/* The field table itself: unique short keys the parser will accept. */
START_TEST(test_field_table)
{
    for (int f = 0; f < XB_F_COUNT; f++) {
        ck_assert_ptr_nonnull(xb_fields[f].key);
        ck_assert_uint_le(strlen(xb_fields[f].key), 16);
        ck_assert_str_ne(xb_fields[f].key, "v");
        for (int g = f + 1; g < XB_F_COUNT; g++)
            ck_assert_str_ne(xb_fields[f].key, xb_fields[g].key);
    }
}
END_TEST

static Suite *
record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_roundtrip, 0, NITEMS(roundtrip_cases));
    tcase_add_loop_test(tc, test_reject, 0, NITEMS(reject_cases));
    tcase_add_loop_test(tc, test_size, 0, NITEMS(size_cases));
    tcase_add_loop_test(tc, test_accept, 0, NITEMS(accept_cases));
    tcase_add_test(tc, test_reject_keeps_out);
    tcase_add_loop_test(tc, test_format, 0, NITEMS(format_cases));
    tcase_add_test(tc, test_format_digits);
    tcase_add_loop_test(tc, test_used, 0, NITEMS(used_cases));
    tcase_add_test(tc, test_field_table);
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(record_suite)
