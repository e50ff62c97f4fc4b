/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Paused, suspended and migrating domains are left alone (issue 17): the
 * state they show, a stuck timer that stands still while they do not run
 * and carries on when they do, no target change of theirs in a decision
 * (not even reclaim for the reserve), their pending shrink not counted on,
 * and no hold counting them as donors.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "domain.h"
#include "errlist.h"
#include "registry.h"
#include "unit/check_main.h"

#define M 1024ULL

static const struct dom_limits lim = {
    .stale_ms = 600000, /* no record needed while the clocks are tested */
    .stuck_ms = 20000,
    .uncoop_ms = 60000,
    .progress_kb = 4096,
    .retry_ms = 120000,
    .records_per_s = 5,
    .records_burst = 10,
};

/* A managed domain holding actual_mb, its agent heard at `now`. */
static struct dom *
managed(struct domtab *t, uint32_t id, uint64_t actual_mb, uint64_t now)
{
    struct dom *d = domtab_add(t, id);
    char rec[96];
    int len;

    snprintf(d->name, sizeof(d->name), "g%u", id);
    d->actual_kb = actual_mb * M;
    d->min_kb = 256 * M;
    d->max_kb = d->maxmem_kb = 2048 * M;
    dom_target_changed(d, d->actual_kb, now);
    len = snprintf(rec, sizeof(rec), "v=1 seq=%u total=%llu free=1000", 1 + id,
                   (unsigned long long)d->actual_kb);
    ck_assert_int_eq(dom_intake(d, rec, (size_t)len, now), 1);
    dom_update_state(d, &lim, now);
    ck_assert_str_eq(dom_state_name(d->state), "managed");
    return d;
}

static const struct {
    enum hv_life life;
    const char *name;
} lives[] = {
    { HV_PAUSED, "paused" },
    { HV_SUSPENDED, "suspended" },
    { HV_MIGRATING, "migrating" },
};

/* A domain asked to shrink that then stops running: past stuck_ms and
 * uncoop_ms it is neither stuck nor uncooperative, it shows its life;
 * running again, its stuck timer carries on from where it stood (it
 * had run 6 s of its 20 s: from its target change at 1 s to the first
 * look that saw it paused, at 7 s), not from the pause. */
START_TEST(test_not_stuck_while_frozen)
{
    struct domtab t;
    struct dom *d;

    domtab_init(&t, 2);
    d = managed(&t, 3, 1000, 1000);
    dom_target_changed(d, 800 * M, 1000);
    dom_update_state(d, &lim, 6000);
    ck_assert_int_eq(d->stuck, 0);
    d->life = lives[_i].life;
    for (uint64_t now = 7000; now <= 7000 + 5 * lim.uncoop_ms; now += 1000) {
        dom_update_state(d, &lim, now);
        ck_assert_str_eq(dom_state_name(d->state), lives[_i].name);
        ck_assert_int_eq(d->stuck, 0);
        ck_assert_int_eq(d->uncoop, 0);
    }
    ck_assert_int_eq(dom_donor(d), 0);
    d->life = HV_RUNNING;
    dom_update_state(d, &lim, 308000);
    ck_assert_str_eq(dom_state_name(d->state), "managed");
    /* 6 s ran before the pause; 12 s more is 18 s: not yet stuck ... */
    dom_update_state(d, &lim, 320000);
    ck_assert_int_eq(d->stuck, 0);
    /* ... 3 s later it is 21 s without moving: stuck. */
    dom_update_state(d, &lim, 323000);
    ck_assert_str_eq(dom_state_name(d->state), "stuck");
    domtab_dispose(&t);
}
END_TEST

/* A stuck domain that is paused is not made uncooperative meanwhile;
 * its stall is counted again once it runs. */
START_TEST(test_stuck_not_uncoop_while_paused)
{
    struct domtab t;
    struct dom *d;

    domtab_init(&t, 2);
    d = managed(&t, 3, 1000, 1000);
    dom_target_changed(d, 800 * M, 1000);
    dom_update_state(d, &lim, 1000 + lim.stuck_ms);
    ck_assert_str_eq(dom_state_name(d->state), "stuck");
    d->life = HV_PAUSED;
    dom_update_state(d, &lim, 2000 + lim.stuck_ms);
    dom_update_state(d, &lim, 2000 + lim.stuck_ms + 2 * lim.uncoop_ms);
    ck_assert_int_eq(d->uncoop, 0);
    d->life = HV_RUNNING;
    /* 1 s stalled before the pause, 1 s after: still only stuck ... */
    dom_update_state(d, &lim, 3000 + lim.stuck_ms + 2 * lim.uncoop_ms);
    ck_assert_str_eq(dom_state_name(d->state), "stuck");
    /* ... and uncooperative once uncoop_ms of running have gone by. */
    dom_update_state(d, &lim, 3000 + lim.stuck_ms + 3 * lim.uncoop_ms);
    ck_assert_str_eq(dom_state_name(d->state), "uncooperative");
    domtab_dispose(&t);
}
END_TEST

/*
 * A decision on a host short of its reserve (free 0, reserve 128M):
 * g1 runs, g2 is frozen with a shrink of 400M asked before it stopped.
 * g2's target is not touched, and its pending 400M is not counted on,
 * so the whole 128M is reclaimed from g1.
 */
START_TEST(test_decide_leaves_frozen_alone)
{
    struct xb_errlist el;
    struct xb_config *cfg;
    struct hv_physinfo phys = { .total_kb = 4096 * M, .free_kb = 0 };
    struct bal_dom bd[2];
    struct bal_result res;
    struct domtab t;
    struct dom *g1, *g2;
    char *cause = NULL;

    xb_errlist_init(&el);
    cfg = cfg_load_string("{\"policy\": \"static\", \"reserve\": \"128M\"}",
                          "test", &el);
    ck_assert_ptr_nonnull(cfg);
    xb_errlist_dispose(&el);
    domtab_init(&t, cfg->policy->pol->history);
    g1 = managed(&t, 1, 1000, 1000);
    g2 = managed(&t, 2, 1000, 1000);
    dom_target_changed(g2, 600 * M, 1000);
    g2->life = lives[_i].life;
    dom_update_state(g2, &lim, 2000);
    ck_assert_int_eq(decide(&t, cfg, &phys, 0, 0, 60000, bd, &res, &cause), 0);
    ck_assert_uint_eq(bd[1].new_target_kb, 600 * M);
    ck_assert_int_eq(bd[1].why, BAL_KEEP);
    ck_assert_uint_eq(bd[0].new_target_kb, 1000 * M - 128 * M);
    ck_assert_int_eq(bd[0].why, BAL_RECLAIM);
    /* The same host with g2 running: its release covers the reserve. */
    g2->life = HV_RUNNING;
    dom_update_state(g2, &lim, 3000);
    ck_assert_int_eq(decide(&t, cfg, &phys, 0, 0, 60000, bd, &res, &cause), 0);
    ck_assert_uint_eq(bd[0].new_target_kb, 1000 * M);
    (void)g1;
    domtab_dispose(&t);
    cfg_free(cfg);
}
END_TEST

/* A hold counts only running donors: a frozen one gives nothing, and
 * gives again once it runs. */
START_TEST(test_holds_skip_frozen)
{
    struct domtab t;
    struct dom *g2;
    unsigned n;

    domtab_init(&t, 2);
    managed(&t, 1, 1000, 1000);
    g2 = managed(&t, 2, 800, 1000);
    ck_assert_uint_eq(domtab_reclaimable(&t, &n), (744 + 544) * M);
    ck_assert_uint_eq(n, 2);
    g2->life = lives[_i].life;
    dom_update_state(g2, &lim, 2000);
    ck_assert_uint_eq(domtab_reclaimable(&t, &n), 744 * M);
    ck_assert_uint_eq(n, 1);
    g2->life = HV_RUNNING;
    dom_update_state(g2, &lim, 3000);
    ck_assert_uint_eq(domtab_reclaimable(&t, &n), (744 + 544) * M);
    domtab_dispose(&t);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("core");
    int nl = (int)(sizeof(lives) / sizeof(lives[0]));

    tcase_add_loop_test(tc, test_not_stuck_while_frozen, 0, nl);
    tcase_add_test(tc, test_stuck_not_uncoop_while_paused);
    tcase_add_loop_test(tc, test_decide_leaves_frozen_alone, 0, nl);
    tcase_add_loop_test(tc, test_holds_skip_frozen, 0, nl);
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(suite)
