/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain table, record intake (hostile records included) and the
 * per-domain state machine.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "unit/check_main.h"

static const struct dom_limits lim = {
    .stale_ms = 30000,
    .stuck_ms = 20000,
    .uncoop_ms = 60000,
    .progress_kb = 4096,
    .retry_ms = 120000,
    .records_per_s = 5,
    .records_burst = 10,
};

#define GOOD "v=1 seq=1 total=1000000 free=100000 avail=500000"

START_TEST(test_table_sorted)
{
    struct domtab t;
    static const uint32_t ids[] = { 7, 3, 12, 1, 9 };

    domtab_init(&t, 4);
    for (unsigned i = 0; i < 5; i++)
        snprintf(domtab_add(&t, ids[i])->name, 64, "g%u", ids[i]);
    ck_assert_uint_eq(t.n, 5);
    for (unsigned i = 1; i < t.n; i++)
        ck_assert_uint_lt(t.v[i - 1]->domid, t.v[i]->domid);
    ck_assert_ptr_eq(domtab_add(&t, 7), domtab_find(&t, 7));
    ck_assert_uint_eq(t.n, 5);
    ck_assert_ptr_eq(domtab_lookup(&t, "g12"), domtab_find(&t, 12));
    ck_assert_ptr_eq(domtab_lookup(&t, "9"), domtab_find(&t, 9));
    ck_assert_ptr_null(domtab_lookup(&t, "nope"));
    domtab_remove(&t, 3);
    ck_assert_ptr_null(domtab_find(&t, 3));
    ck_assert_uint_eq(t.n, 4);
    domtab_dispose(&t);
}
END_TEST

/* A walk in domid order with domtab_find_from() finds what domtab_find()
 * does, whatever the hint, and leaves it where domtab_add() inserts. */
START_TEST(test_table_find_from)
{
    struct domtab t;
    static const uint32_t ids[] = { 1, 3, 7, 9, 12 };
    unsigned at = 0;

    domtab_init(&t, 4);
    for (unsigned i = 0; i < 5; i++)
        domtab_add(&t, ids[i]);
    for (uint32_t id = 0; id <= 13; id++) {
        struct dom *d = domtab_find_from(&t, id, &at);

        ck_assert_ptr_eq(d, domtab_find(&t, id));
        if (d != NULL)
            ck_assert_ptr_eq(t.v[at - 1], d);
        else if (at < t.n)
            ck_assert_uint_gt(t.v[at]->domid, id);
    }
    ck_assert_uint_eq(at, t.n);
    /* Out of order, and a hint past the end or pointing elsewhere. */
    at = 3;
    ck_assert_ptr_eq(domtab_find_from(&t, 3, &at), t.v[1]);
    ck_assert_uint_eq(at, 2);
    at = 99;
    ck_assert_ptr_eq(domtab_find_from(&t, 12, &at), t.v[4]);
    at = 0;
    ck_assert_ptr_null(domtab_find_from(&t, 8, &at));
    ck_assert_uint_eq(at, 3);
    ck_assert_ptr_eq(domtab_add(&t, 8), t.v[at]);
    domtab_dispose(&t);
}
END_TEST

static const struct {
    const char *rec;
    const char *why; /* substring of last_reject */
} hostile[] = {
    { "v=1 seq=1 total=abc free=1", "not a number" },
    { "v=1 seq=1 total=", "empty value" },
    { "v=1 seq=1 total=-5 free=1", "not a number" },
    { "v=1 seq=1 total=99999999999999999999999 free=1", "overflows" },
    { "v=1 seq=1 seq=2 total=10 free=1", "duplicate" },
    { "v=9 seq=1 total=10 free=1", "unsupported version" },
    { "v=1 seq=1 total=1099511627776 free=1", "out of range" },
    { "v=1 seq=1 total=0 free=0", "total is zero" },
    { "v=1 seq=1 total=10 free=20", "free exceeds total" },
    { "garbage", "no '='" },
};

START_TEST(test_hostile_rejected)
{
    struct domtab t;
    struct dom *d;

    domtab_init(&t, 4);
    d = domtab_add(&t, 5);
    ck_assert_int_eq(dom_intake(d, GOOD, strlen(GOOD), 1000), 1);
    ck_assert_int_eq(
        dom_intake(d, hostile[_i].rec, strlen(hostile[_i].rec), 2000), 0);
    ck_assert_uint_eq(d->rejected, 1);
    ck_assert_msg(strstr(d->last_reject, hostile[_i].why) != NULL,
                  "%s: got '%s'", hostile[_i].rec, d->last_reject);
    /* A rejected record changes nothing: the good one stays. */
    ck_assert_uint_eq(d->nhist, 1);
    ck_assert_uint_eq(dom_latest(d)->rec.v[XB_F_TOTAL], 1000000);
    ck_assert_uint_eq(d->last_record_ms, 1000);
    domtab_dispose(&t);
}
END_TEST

START_TEST(test_nul_and_oversize)
{
    struct domtab t;
    struct dom *d;
    char big[XB_RECORD_MAX + 50];
    static const char nul[] = "v=1 seq=1\0total=10 free=1";

    domtab_init(&t, 4);
    d = domtab_add(&t, 5);
    ck_assert_int_eq(dom_intake(d, nul, sizeof(nul) - 1, 1), 0);
    ck_assert_ptr_nonnull(strstr(d->last_reject, "NUL"));
    memset(big, '1', sizeof(big));
    ck_assert_int_eq(dom_intake(d, big, sizeof(big), 2), 0);
    ck_assert_ptr_nonnull(strstr(d->last_reject, "cap"));
    ck_assert_uint_eq(d->rejected, 2);
    domtab_dispose(&t);
}
END_TEST

START_TEST(test_rate_limit)
{
    struct domtab t;
    struct dom *d;
    unsigned ok = 0;

    domtab_init(&t, 4);
    d = domtab_add(&t, 5);
    /* 1000 events within one millisecond: only the burst is read. */
    for (int i = 0; i < 1000; i++)
        ok += (unsigned)dom_may_read(d, &lim, 5000);
    ck_assert_uint_eq(ok, lim.records_burst);
    ck_assert_int_eq(d->read_pending, 1);
    ck_assert_uint_eq(d->throttled, 1);
    /* A second later, five more tokens (5 per second). */
    ok = 0;
    for (int i = 0; i < 1000; i++)
        ok += (unsigned)dom_may_read(d, &lim, 6000);
    ck_assert_uint_eq(ok, 5);
    domtab_dispose(&t);
}
END_TEST

START_TEST(test_history_ring)
{
    struct domtab t;
    struct dom *d;
    char rec[128];

    domtab_init(&t, 3);
    d = domtab_add(&t, 1);
    for (int i = 1; i <= 5; i++) {
        int n = snprintf(rec, sizeof(rec), "v=1 seq=%d total=1000 free=%d", i,
                         i * 10);

        ck_assert_int_eq(dom_intake(d, rec, (size_t)n, (uint64_t)i * 1000), 1);
    }
    ck_assert_uint_eq(d->nhist, 3);
    ck_assert_uint_eq(d->hist[0].rec.v[XB_F_SEQ], 3);
    ck_assert_uint_eq(d->hist[2].rec.v[XB_F_SEQ], 5);
    ck_assert_uint_eq(d->hist[2].t_ms, 5000);
    /* The same record read again is not a new sample. */
    ck_assert_int_eq(dom_intake(d, rec, strlen(rec), 6000), 1);
    ck_assert_uint_eq(d->nhist, 3);
    domtab_set_history(&t, 2);
    ck_assert_uint_eq(d->nhist, 2);
    ck_assert_uint_eq(d->hist[0].rec.v[XB_F_SEQ], 4);
    domtab_dispose(&t);
}
END_TEST

/* The long peak of used memory outlives a short history: the most of
 * the period now and the one before, then forgotten; gone with the
 * agent. */
static void
intake_used(struct dom *d, int seq, uint64_t used, uint64_t now)
{
    char rec[128];
    int n = snprintf(rec, sizeof(rec), "v=1 seq=%d total=1000000 free=%llu",
                     seq, (unsigned long long)(1000000 - used));

    ck_assert_int_eq(dom_intake(d, rec, (size_t)n, now), 1);
}

START_TEST(test_long_peak)
{
    struct domtab t;
    struct dom *d;
    const uint64_t P = DOM_PEAK_MS;

    domtab_init(&t, 3);
    d = domtab_add(&t, 1);
    ck_assert_uint_eq(dom_peak_kb(d, 0), 0);
    intake_used(d, 1, 200000, 1000);
    intake_used(d, 2, 700000, 2000);
    for (int i = 3; i <= 6; i++)
        intake_used(d, i, 100000, (uint64_t)i * 1000);
    /* Out of the 3-record history, not out of the peak. */
    ck_assert_uint_eq(d->nhist, 3);
    ck_assert_uint_eq(dom_peak_kb(d, 6000), 700000);
    /* The next period still remembers the one before. */
    ck_assert_uint_eq(dom_peak_kb(d, P + 1000), 700000);
    intake_used(d, 7, 300000, P + 500);
    ck_assert_uint_eq(dom_peak_kb(d, P + 600), 700000);
    /* Two periods on, only the last one's peak is left... */
    ck_assert_uint_eq(dom_peak_kb(d, 2 * P), 300000);
    /* ...and nothing once it too is over two periods old. */
    ck_assert_uint_eq(dom_peak_kb(d, 3 * P), 0);
    intake_used(d, 8, 400000, 3 * P + 1);
    ck_assert_uint_eq(dom_peak_kb(d, 3 * P + 2), 400000);
    dom_agent_gone(d);
    ck_assert_uint_eq(dom_peak_kb(d, 3 * P + 3), 0);
    domtab_dispose(&t);
}
END_TEST

/*
 * Suspicious records (dom_suspect): accepted, but counted like
 * rejections when their story is impossible over time.  Each row is a
 * sequence of records as "seq total pswpin psis".
 */
static const struct {
    const char *name;
    const char *recs[6];
    uint64_t want;
    const char *last; /* last_suspicious, "" if none */
} suspect_cases[] = {
    { "a calm guest", { "1 1000 0 0", "2 1000 5 10", "3 1000 5 20" }, 0, "" },
    { "a balloon moving", { "1 1000 0 0", "2 990 0 0", "3 980 0 0" }, 0, "" },
    { "agent restarted: seq and counters start again",
      { "40 1000 900 900", "41 1000 901 950", "1 1000 0 0", "2 1000 3 0" },
      0,
      "" },
    { "seq goes backwards mid-run",
      { "100 1000 0 0", "101 1000 0 0", "50 1000 0 0" },
      1,
      "seq went backwards" },
    { "pswpin goes backwards, seq forwards",
      { "1 1000 500 0", "2 1000 400 0", "3 1000 400 0" },
      1,
      "a counter went backwards" },
    { "PSI goes backwards twice",
      { "1 1000 0 500", "2 1000 0 100", "3 1000 0 200", "4 1000 0 50" },
      2,
      "a counter went backwards" },
};

START_TEST(test_suspect_story)
{
    struct domtab t;
    struct dom *d;
    char rec[160];

    domtab_init(&t, 4);
    d = domtab_add(&t, 1);
    for (int i = 0; i < 6 && suspect_cases[_i].recs[i] != NULL; i++) {
        unsigned long long seq, total, in, psi;
        int n;

        ck_assert_int_eq(sscanf(suspect_cases[_i].recs[i],
                                "%llu %llu %llu %llu", &seq, &total, &in, &psi),
                         4);
        n = snprintf(rec, sizeof(rec),
                     "v=1 seq=%llu total=%llu free=1 pswpin=%llu psis=%llu",
                     seq, total, in, psi);
        ck_assert_int_eq(dom_intake(d, rec, (size_t)n, 1000 * (uint64_t)i), 1);
    }
    ck_assert_msg(d->suspicious == suspect_cases[_i].want, "%s: %llu",
                  suspect_cases[_i].name, (unsigned long long)d->suspicious);
    ck_assert_str_eq(d->last_suspicious, suspect_cases[_i].last);
    ck_assert_uint_eq(d->rejected, 0); /* counted, never rejected */
    domtab_dispose(&t);
}
END_TEST

/* MemTotal changing in every record while the domain's allocation stands
 * still: suspicious once per 32 in a row; never while it moves. */
static const struct {
    unsigned changes, every; /* `changes` records, a stable one every N */
    uint64_t want;
    int moved; /* the allocation moved between every two records */
} streak_cases[] = {
    { 100, 0, 0, 1 }, { 31, 0, 0 },   { 32, 0, 1 },   { 64, 0, 2 },
    { 100, 10, 0 },   { 100, 33, 3 }, { 100, 32, 0 },
};

START_TEST(test_suspect_total_streak)
{
    struct xb_record last, rec;
    unsigned streak = 0;
    uint64_t total = 1000000, n = 0;

    xb_record_clear(&last);
    xb_record_set(&last, XB_F_SEQ, 1);
    xb_record_set(&last, XB_F_TOTAL, total);
    xb_record_set(&last, XB_F_FREE, 1);
    for (unsigned i = 1; i <= streak_cases[_i].changes; i++) {
        rec = last;
        xb_record_set(&rec, XB_F_SEQ, i + 1);
        if (streak_cases[_i].every == 0 || i % streak_cases[_i].every != 0)
            xb_record_set(&rec, XB_F_TOTAL, --total);
        n += dom_suspect(&last, &rec, streak_cases[_i].moved, &streak) != NULL;
        last = rec;
    }
    ck_assert_uint_eq(n, streak_cases[_i].want);
}
END_TEST

START_TEST(test_states)
{
    struct domtab t;
    struct dom *d;

    domtab_init(&t, 2);
    d = domtab_add(&t, 4);
    d->actual_kb = 1000000;
    dom_target_changed(d, 1000000, 0);
    dom_update_state(d, &lim, 1000);
    ck_assert_str_eq(dom_state_name(d->state), "no-agent");
    dom_intake(d, GOOD, strlen(GOOD), 1000);
    dom_update_state(d, &lim, 2000);
    ck_assert_str_eq(dom_state_name(d->state), "managed");
    dom_update_state(d, &lim, 1000 + lim.stale_ms + 1);
    ck_assert_str_eq(dom_state_name(d->state), "stale");

    /* Asked to shrink by 200 MiB; it moves 100 MiB, then stops. */
    dom_intake(d, "v=1 seq=2 total=1000000 free=1", 30, 40000);
    dom_target_changed(d, 800000, 40000);
    d->actual_kb = 900000;
    dom_update_state(d, &lim, 45000);
    ck_assert_int_eq(d->stuck, 0);
    dom_update_state(d, &lim, 45000 + lim.stuck_ms);
    ck_assert_str_eq(dom_state_name(d->state), "stuck");
    dom_update_state(d, &lim, 45000 + lim.uncoop_ms);
    ck_assert_str_eq(dom_state_name(d->state), "uncooperative");
    /* Reaching its target makes it cooperative again. */
    d->actual_kb = 800000;
    dom_intake(d, "v=1 seq=3 total=1000000 free=1", 30, 105000);
    dom_update_state(d, &lim, 106000);
    ck_assert_str_eq(dom_state_name(d->state), "managed");
    d->excluded = 1;
    dom_update_state(d, &lim, 107000);
    ck_assert_str_eq(dom_state_name(d->state), "excluded");
    domtab_dispose(&t);
}
END_TEST

/* A stepped shrink does not restart the stuck timer: it runs from the
 * last progress toward the target, so a donor that never moves is stuck
 * stuck_ms after its first step, however many steps follow. */
START_TEST(test_stuck_timer_from_progress)
{
    struct domtab t;
    struct dom *d;

    domtab_init(&t, 2);
    d = domtab_add(&t, 4);
    d->actual_kb = 1000000;
    dom_target_changed(d, 1000000, 0);
    dom_update_state(d, &lim, 1000);
    dom_target_changed(d, 950000, 1000);
    for (uint64_t now = 3000; now < 1000 + lim.stuck_ms; now += 2000) {
        dom_update_state(d, &lim, now);
        ck_assert_int_eq(d->stuck, 0);
        dom_target_changed(d, d->target_kb - 50000, now);
    }
    dom_update_state(d, &lim, 1000 + lim.stuck_ms);
    ck_assert_int_eq(d->stuck, 1);
    domtab_dispose(&t);
}
END_TEST

/* A domain stuck above its shrink target: where it stopped is its floor
 * (below its target: its ceiling); it stays stuck at that limit when its
 * change is withdrawn, until it moves past it or stuck_retry has gone. */
START_TEST(test_learnt_limits)
{
    struct domtab t;
    struct dom *d;

    domtab_init(&t, 2);
    d = domtab_add(&t, 4);
    d->actual_kb = 900000;
    dom_intake(d, GOOD, strlen(GOOD), 0);
    dom_target_changed(d, 900000, 0);
    dom_update_state(d, &lim, 0);
    dom_target_changed(d, 700000, 1000);
    d->actual_kb = 850000; /* moved 50 MiB, then stopped */
    dom_update_state(d, &lim, 2000);
    ck_assert_int_eq(d->stuck, 0);
    dom_update_state(d, &lim, 2000 + lim.stuck_ms);
    ck_assert_int_eq(d->stuck, 1);
    ck_assert_uint_eq(d->floor_kb, 850000);
    ck_assert_uint_eq(d->ceil_kb, 0);
    /* The balancer withdraws the shrink: it is at target, still stuck. */
    dom_target_changed(d, 850000, 23000);
    dom_update_state(d, &lim, 24000);
    ck_assert_str_eq(dom_state_name(d->state), "stuck");
    ck_assert_uint_eq(d->floor_kb, 850000);
    /* Once stuck_retry has gone by it is asked again. */
    dom_intake(d, "v=1 seq=2 total=1000000 free=1", 30, 23000 + lim.retry_ms);
    dom_update_state(d, &lim, 23000 + lim.retry_ms);
    ck_assert_uint_eq(d->floor_kb, 0);
    ck_assert_str_eq(dom_state_name(d->state), "managed");

    /* Growing: it stops at 880000 below a target of 950000. */
    dom_target_changed(d, 950000, 200000);
    d->actual_kb = 880000;
    dom_update_state(d, &lim, 201000);
    dom_update_state(d, &lim, 201000 + lim.stuck_ms);
    ck_assert_uint_eq(d->ceil_kb, 880000);
    ck_assert_str_eq(dom_state_name(d->state), "stuck");
    /* It moves past the ceiling by itself: it rejoins. */
    d->actual_kb = 900000;
    dom_intake(d, "v=1 seq=3 total=1000000 free=1", 30, 202000 + lim.stuck_ms);
    dom_update_state(d, &lim, 202000 + lim.stuck_ms);
    ck_assert_uint_eq(d->ceil_kb, 0);
    ck_assert_int_eq(d->stuck, 0);
    domtab_dispose(&t);
}
END_TEST

/* A name from xenstore is stored cut to fit, control bytes as '?'. */
START_TEST(test_set_name)
{
    struct domtab t;
    struct dom *d;
    char longname[200];

    domtab_init(&t, 2);
    d = domtab_add(&t, 3);
    dom_set_name(d, "web-1");
    ck_assert_str_eq(d->name, "web-1");
    dom_set_name(d, "\x1b]0;owned\x07\x7f");
    ck_assert_str_eq(d->name, "?]0;owned??");
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    dom_set_name(d, longname);
    ck_assert_uint_eq(strlen(d->name), sizeof(d->name) - 1);
    domtab_dispose(&t);
}
END_TEST

/* The fast path's test: two records 1 s apart, exact thresholds. */
static const struct {
    const char *a, *b;
    int distress;
} distress_cases[] = {
    { "oom=0", "oom=1", 1 },
    { "oom=3", "oom=3", 0 },
    { "pswpin=100", "pswpin=1124", 1 },
    { "pswpin=100", "pswpin=1123", 0 },
    { "psis=1000", "psis=151000", 1 }, /* 150 ms stalled in 1 s */
    { "psis=1000", "psis=149999", 0 },
    { "psis=900000", "psis=1", 0 }, /* a restarted agent: went back */
    { "pswpin=5000", "pswpin=3", 0 },
    { "avail=5", "oom=1", 0 }, /* missing before: nothing to compare */
    /* used = total - avail: it grew by 16 MiB, or by 1 KiB less */
    { "avail=500000", "avail=483616", 1 },
    { "avail=500000", "avail=483617", 0 },
};

START_TEST(test_distress)
{
    struct domtab t;
    struct dom *d;
    char a[128], b[128];

    domtab_init(&t, 4);
    d = domtab_add(&t, 3);
    ck_assert_int_eq(dom_distress(d), 0);
    snprintf(a, sizeof(a), "v=1 seq=1 total=1000000 free=1 %s",
             distress_cases[_i].a);
    snprintf(b, sizeof(b), "v=1 seq=2 total=1000000 free=1 %s",
             distress_cases[_i].b);
    ck_assert_int_eq(dom_intake(d, a, strlen(a), 10000), 1);
    ck_assert_int_eq(dom_distress(d), 0); /* one record says nothing */
    ck_assert_int_eq(dom_intake(d, b, strlen(b), 11000), 1);
    ck_assert_msg(dom_distress(d) == distress_cases[_i].distress, "%s -> %s",
                  distress_cases[_i].a, distress_cases[_i].b);
    domtab_dispose(&t);
}
END_TEST

/* A record that was there before the daemon looked (a restarted daemon,
 * an agent killed since) and the same record read again prove nothing:
 * the domain waits for a new one, and a dead agent goes stale. */
START_TEST(test_old_record_is_not_life)
{
    struct domtab t;
    struct dom *d;

    domtab_init(&t, 4);
    d = domtab_add(&t, 5);
    d->actual_kb = 1000000;
    dom_target_changed(d, 1000000, 0);
    ck_assert_int_eq(dom_intake(d, GOOD, strlen(GOOD), 1000), 1);
    d->heard = 0; /* what the daemon does with the record found */
    dom_update_state(d, &lim, 2000);
    ck_assert_str_eq(dom_state_name(d->state), "no-agent");
    ck_assert_int_eq(dom_intake(d, GOOD, strlen(GOOD), 3000), 1);
    dom_update_state(d, &lim, 4000);
    ck_assert_str_eq(dom_state_name(d->state), "no-agent");
    dom_intake(d, "v=1 seq=2 total=1000000 free=1", 30, 5000);
    dom_update_state(d, &lim, 6000);
    ck_assert_str_eq(dom_state_name(d->state), "managed");
    /* Re-read long after: the agent is silent all the same. */
    dom_intake(d, "v=1 seq=2 total=1000000 free=1", 30, 5000 + lim.stale_ms);
    ck_assert_uint_eq(d->last_record_ms, 5000);
    dom_update_state(d, &lim, 5001 + lim.stale_ms);
    ck_assert_str_eq(dom_state_name(d->state), "stale");
    domtab_dispose(&t);
}
END_TEST

/* A balloon that moves less than progress (4 MiB) per tick is measured
 * over as many ticks as it takes: 1 MiB/s, seen after 4 s, not never. */
START_TEST(test_slow_rate_seen)
{
    struct domtab t;
    struct dom *d;

    domtab_init(&t, 4);
    d = domtab_add(&t, 7);
    d->actual_kb = 1000 * 1024;
    dom_target_changed(d, 1000 * 1024, 0);
    dom_update_state(d, &lim, 0);
    dom_target_changed(d, 800 * 1024, 1000);
    dom_update_state(d, &lim, 1000);
    for (unsigned s = 1; s <= 3; s++) {
        d->actual_kb = (1000 - s) * 1024;
        dom_update_state(d, &lim, 1000 + s * 1000);
        ck_assert_uint_eq(d->rate_kb_s, 0);
    }
    d->actual_kb = 996 * 1024;
    dom_update_state(d, &lim, 5000);
    ck_assert_uint_eq(d->rate_kb_s, 1024);
    ck_assert_uint_eq(d->top_rate_kb_s, 1024);
    /* A fast one is still measured tick by tick: 4 MiB in 1 s, then 8.
     * The estimate averages; the fastest seen is what it can do. */
    d->actual_kb = 988 * 1024;
    dom_update_state(d, &lim, 6000);
    ck_assert_uint_eq(d->rate_kb_s, (1024 + 8192) / 2);
    ck_assert_uint_eq(d->top_rate_kb_s, 8192);
    domtab_dispose(&t);
}
END_TEST

/* What a hold could be met from: each donor's memory above the larger of
 * its min and its learnt floor; stuck, silent, agentless domains and
 * dom0 give nothing. */
START_TEST(test_reclaimable)
{
    static const struct {
        uint64_t actual_kb, min_kb, floor_kb;
        enum dom_state state;
        uint64_t heard;
    } rows[] = {
        { 1000, 200, 0, DOM_MANAGED, 1 },   /* 800 */
        { 1000, 200, 600, DOM_MANAGED, 1 }, /* 400: the floor wins */
        { 1000, 700, 600, DOM_MANAGED, 1 }, /* 300: the min wins */
        { 500, 700, 0, DOM_MANAGED, 1 },    /* below min: 0 */
        { 1000, 200, 0, DOM_MANAGED, 0 },   /* never heard */
        { 1000, 200, 900, DOM_STUCK, 1 },   /* stuck */
        { 1000, 200, 0, DOM_STALE, 1 },     /* silent */
        { 1000, 200, 0, DOM_NO_AGENT, 1 },  /* silent */
        { 1000, 200, 0, DOM_EXCLUDED, 1 },  /* dom0, excluded */
        { 1000, 200, 0, DOM_UNCOOPERATIVE, 1 },
    };
    struct domtab t;
    unsigned n = 99;

    domtab_init(&t, 1);
    ck_assert_uint_eq(domtab_reclaimable(&t, &n), 0);
    ck_assert_uint_eq(n, 0);
    for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct dom *d = domtab_add(&t, i + 1);

        d->actual_kb = rows[i].actual_kb;
        d->min_kb = rows[i].min_kb;
        d->floor_kb = rows[i].floor_kb;
        d->state = rows[i].state;
        d->heard = rows[i].heard;
    }
    ck_assert_uint_eq(dom_floor_kb(t.v[1]), 600);
    ck_assert_uint_eq(domtab_reclaimable(&t, &n), 1500);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(domtab_reclaimable(&t, NULL), 1500);
    domtab_dispose(&t);
}
END_TEST

static const struct {
    uint64_t maxmem_kb, floor_kb, expect_kb;
} mins[] = {
    /* 100 MiB: 8 + 25600 pages >> 9 = 8 + 50 = 58 MiB */
    { 100 * 1024, 0, 58 * 1024 },
    /* 256 MiB: 40 + 65536 >> 10 = 104 MiB */
    { 256 * 1024, 0, 104 * 1024 },
    /* 1 GiB: 104 + 262144 >> 11 = 232 MiB */
    { 1024 * 1024, 0, 232 * 1024 },
    /* 4 GiB: 296 + 1048576 >> 13 = 424 MiB */
    { 4096 * 1024, 0, 424 * 1024 },
    /* The configured floor wins when larger, maxmem caps both. */
    { 1024 * 1024, 300 * 1024, 300 * 1024 },
    { 64 * 1024, 128 * 1024, 64 * 1024 },
};

START_TEST(test_default_min)
{
    ck_assert_uint_eq(dom_default_min(mins[_i].maxmem_kb, mins[_i].floor_kb),
                      mins[_i].expect_kb);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("domain");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_table_sorted);
    tcase_add_test(tc, test_table_find_from);
    tcase_add_loop_test(tc, test_hostile_rejected, 0,
                        sizeof(hostile) / sizeof(hostile[0]));
    tcase_add_test(tc, test_nul_and_oversize);
    tcase_add_test(tc, test_rate_limit);
    tcase_add_test(tc, test_history_ring);
    tcase_add_test(tc, test_long_peak);
    tcase_add_test(tc, test_states);
    tcase_add_test(tc, test_stuck_timer_from_progress);
    tcase_add_test(tc, test_learnt_limits);
    tcase_add_test(tc, test_set_name);
    tcase_add_loop_test(tc, test_distress, 0,
                        sizeof(distress_cases) / sizeof(distress_cases[0]));
    tcase_add_loop_test(tc, test_suspect_story, 0,
                        sizeof(suspect_cases) / sizeof(suspect_cases[0]));
    tcase_add_loop_test(tc, test_suspect_total_streak, 0,
                        sizeof(streak_cases) / sizeof(streak_cases[0]));
    tcase_add_test(tc, test_old_record_is_not_life);
    tcase_add_test(tc, test_reclaimable);
    tcase_add_test(tc, test_slow_rate_seen);
    tcase_add_loop_test(tc, test_default_min, 0,
                        sizeof(mins) / sizeof(mins[0]));
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(suite)
