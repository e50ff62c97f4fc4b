/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared fixtures for the policy suites (test_pol_*.c): a compact way to
 * write a snapshot as a table row (domains with up to three agent samples
 * and the target each should get) and to run a policy on it through the
 * registry, as the daemon does.  Header-only: every suite is one program.
 */
#ifndef XB_TESTS_TEST_POL_COMMON_H
#define XB_TESTS_TEST_POL_COMMON_H

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "unit/check_main.h"

#define MiB(x) ((uint64_t)(x)*1024)
#define TP_MAXDOM 6
#define TP_MAXSAMP 3

/* One agent sample; zero fields are "absent" where the note says so. */
struct tp_samp {
    uint64_t t_ms;
    uint64_t seq;    /* 0: index + 1 */
    uint64_t total;  /* MemTotal; 0: the domain's actual */
    uint64_t avail;  /* MemAvailable */
    uint64_t free;   /* MemFree; 0: half of avail */
    uint64_t commit; /* Committed_AS; 0: absent */
    uint64_t swapused;
    uint64_t bal;                  /* balloon current_kb; 0: absent */
    uint64_t psis, psif;           /* cumulative us */
    uint64_t pswpin, refault, oom; /* cumulative */
    int nopsi;                     /* kernel without PSI */
};

struct tp_dom {
    int dom0;
    uint64_t actual, target, min, max;
    unsigned weight; /* 0: 100 */
    int stale;
    unsigned nsamp;
    struct tp_samp s[TP_MAXSAMP];
    uint64_t want;     /* expected target */
    uint64_t since_ms; /* since the last target change; 0: an hour */
    uint64_t rate;     /* fastest balloon speed seen, KiB/s; 0: none */
    int wary;          /* its balloon stalled lately */
    uint64_t peak;     /* the daemon's long peak of used, KiB; 0: none */
};

struct tp_case {
    const char *name;
    const char *params; /* JSON object text, or NULL */
    uint64_t free, reserve;
    unsigned ndoms;
    struct tp_dom d[TP_MAXDOM];
};

struct tp_snap {
    struct xb_pol_dom doms[TP_MAXDOM];
    struct xb_pol_sample hist[TP_MAXDOM][TP_MAXSAMP];
    struct xb_pol_snapshot snap;
};

static inline void
tp_record(const struct tp_dom *d, const struct tp_samp *s, unsigned idx,
          struct xb_record *r)
{
    uint64_t total = s->total != 0 ? s->total : d->actual;

    xb_record_clear(r);
    xb_record_set(r, XB_F_SEQ, s->seq != 0 ? s->seq : idx + 1);
    xb_record_set(r, XB_F_TOTAL, total);
    xb_record_set(r, XB_F_FREE, s->free != 0 ? s->free : s->avail / 2);
    xb_record_set(r, XB_F_AVAIL, s->avail);
    if (s->commit != 0)
        xb_record_set(r, XB_F_COMMITTED, s->commit);
    xb_record_set(r, XB_F_SWAPTOTAL, MiB(4096));
    xb_record_set(r, XB_F_SWAPFREE, MiB(4096) - s->swapused);
    if (s->bal != 0)
        xb_record_set(r, XB_F_BALLOON, s->bal);
    xb_record_set(r, XB_F_PSWPIN, s->pswpin);
    xb_record_set(r, XB_F_REFAULT, s->refault);
    xb_record_set(r, XB_F_OOMKILL, s->oom);
    if (!s->nopsi) {
        xb_record_set(r, XB_F_PSI_SOME, s->psis);
        xb_record_set(r, XB_F_PSI_FULL, s->psif);
    }
}

static inline void
tp_build(const struct tp_case *c, struct tp_snap *ts)
{
    uint64_t now = 0;

    memset(ts, 0, sizeof(*ts));
    for (unsigned i = 0; i < c->ndoms; i++) {
        const struct tp_dom *d = &c->d[i];
        struct xb_pol_dom *pd = &ts->doms[i];

        pd->domid = d->dom0 ? 0 : i + 1;
        pd->name = d->dom0 ? "Domain-0" : "guest";
        pd->is_dom0 = d->dom0;
        pd->actual_kb = d->actual;
        pd->target_kb = d->target;
        pd->min_kb = d->min;
        pd->max_kb = d->max;
        pd->weight = d->weight != 0 ? d->weight : 100;
        pd->since_change_ms = d->since_ms != 0 ? d->since_ms : 3600000;
        pd->stale = d->stale;
        pd->rate_kb_s = d->rate;
        pd->wary = d->wary;
        pd->peak_kb = d->peak;
        pd->nhist = d->nsamp;
        pd->hist = d->nsamp > 0 ? ts->hist[i] : NULL;
        for (unsigned j = 0; j < d->nsamp; j++) {
            ts->hist[i][j].t_ms = d->s[j].t_ms;
            tp_record(d, &d->s[j], j, &ts->hist[i][j].rec);
            if (d->s[j].t_ms > now)
                now = d->s[j].t_ms;
        }
    }
    ts->snap.now_ms = now;
    ts->snap.host_total_kb = MiB(65536);
    ts->snap.host_free_kb = c->free;
    ts->snap.reserve_kb = c->reserve;
    ts->snap.doms = ts->doms;
    ts->snap.ndoms = c->ndoms;
}

static inline struct xb_policy_inst *
tp_create(const char *policy, const char *params)
{
    struct xb_errlist el;
    struct xb_policy_inst *pi;
    json_t *j = NULL;

    if (params != NULL) {
        json_error_t err;

        j = json_loads(params, 0, &err);
        ck_assert_msg(j != NULL, "bad test params: %s", err.text);
    }
    xb_errlist_init(&el);
    pi = xb_policy_create(policy, j, "policy.params", &el);
    if (pi == NULL) {
        char *msg = xb_errlist_join(&el);

        ck_abort_msg("create %s: %s", policy, msg);
    }
    xb_errlist_dispose(&el);
    json_decref(j);
    return pi;
}

/* Runs one table row and checks every domain's target exactly. */
static inline void
tp_run(const char *policy, const struct tp_case *c)
{
    struct xb_policy_inst *pi = tp_create(policy, c->params);
    struct xb_pol_want out[TP_MAXDOM];
    struct tp_snap ts;

    tp_build(c, &ts);
    xb_policy_plan(pi, &ts.snap, out);
    for (unsigned i = 0; i < c->ndoms; i++)
        ck_assert_msg(out[i].target_kb == c->d[i].want,
                      "%s/%s: dom %u wants %llu KiB, expected %llu (%s)",
                      policy, c->name, i, (unsigned long long)out[i].target_kb,
                      (unsigned long long)c->d[i].want, out[i].reason);
    xb_policy_destroy(pi);
}

/* A check main() for one suite of table-driven loop tests. */
static inline int
tp_main(Suite *s)
{
    return xb_check_run(s);
}

#endif
