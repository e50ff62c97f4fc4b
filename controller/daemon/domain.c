/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain table and record intake: see domain.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "domain.h"
#include "rate.h"
#include "xmalloc.h"

/* Rejection log lines per domain: a burst of 3, then one a minute. */
#define REJECT_LOG_BURST 3
#define REJECT_LOG_INTERVAL_MS 60000

void
domtab_init(struct domtab *t, unsigned hist_cap)
{
    t->v = NULL;
    t->n = 0;
    t->hist_cap = hist_cap ? hist_cap : 1;
}

static void
dom_free(struct dom *d)
{
    free(d->hist);
    free(d);
}

void
domtab_dispose(struct domtab *t)
{
    for (unsigned i = 0; i < t->n; i++)
        dom_free(t->v[i]);
    free(t->v);
    t->v = NULL;
    t->n = 0;
}

static unsigned
domtab_pos(const struct domtab *t, uint32_t domid)
{
    unsigned lo = 0, hi = t->n;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (t->v[mid]->domid < domid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct dom *
domtab_find(const struct domtab *t, uint32_t domid)
{
    unsigned i = domtab_pos(t, domid);

    return i < t->n && t->v[i]->domid == domid ? t->v[i] : NULL;
}

struct dom *
domtab_lookup(const struct domtab *t, const char *s)
{
    const char *p = s;

    while (*p >= '0' && *p <= '9')
        p++;
    if (*s != '\0' && *p == '\0' && p - s < 7)
        return domtab_find(t, (uint32_t)strtoul(s, NULL, 10));
    for (unsigned i = 0; i < t->n; i++)
        if (strcmp(t->v[i]->name, s) == 0)
            return t->v[i];
    return NULL;
}

struct dom *
domtab_add(struct domtab *t, uint32_t domid)
{
    unsigned i = domtab_pos(t, domid);
    struct dom *d;

    if (i < t->n && t->v[i]->domid == domid)
        return t->v[i];
    d = xb_calloc(1, sizeof(*d));
    d->domid = domid;
    d->is_dom0 = domid == 0;
    d->weight = 100;
    d->set_exclude = -1;
    d->hist_cap = t->hist_cap;
    d->hist = xb_calloc(d->hist_cap, sizeof(*d->hist));
    d->tokens = -1; /* full bucket on first use */
    d->state = DOM_NO_AGENT;
    xb_ratelimit_init(&d->log_rl, REJECT_LOG_BURST, REJECT_LOG_INTERVAL_MS);
    t->v = xb_reallocarray(t->v, t->n + 1, sizeof(*t->v));
    memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
    t->v[i] = d;
    t->n++;
    return d;
}

void
domtab_remove(struct domtab *t, uint32_t domid)
{
    unsigned i = domtab_pos(t, domid);

    if (i >= t->n || t->v[i]->domid != domid)
        return;
    dom_free(t->v[i]);
    memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
    t->n--;
}

void
domtab_set_history(struct domtab *t, unsigned cap)
{
    if (cap == 0)
        cap = 1;
    t->hist_cap = cap;
    for (unsigned i = 0; i < t->n; i++) {
        struct dom *d = t->v[i];

        if (d->nhist > cap) {
            memmove(d->hist, d->hist + (d->nhist - cap),
                    cap * sizeof(*d->hist));
            d->nhist = cap;
        }
        d->hist = xb_reallocarray(d->hist, cap, sizeof(*d->hist));
        d->hist_cap = cap;
    }
}

int
dom_may_read(struct dom *d, const struct dom_limits *lim, uint64_t now)
{
    double rate = (double)lim->records_per_s;

    if (d->tokens < 0) {
        d->tokens = lim->records_burst;
        d->tokens_ms = now;
    }
    if (now > d->tokens_ms) {
        d->tokens += rate * (double)(now - d->tokens_ms) / 1000.0;
        if (d->tokens > lim->records_burst)
            d->tokens = lim->records_burst;
        d->tokens_ms = now;
    }
    if (d->tokens < 1.0) {
        if (!d->read_pending)
            d->throttled++;
        d->read_pending = 1;
        return 0;
    }
    d->tokens -= 1.0;
    d->read_pending = 0;
    return 1;
}

/* The counters that only grow within one agent run. */
static const enum xb_field dom_counters[] = {
    XB_F_PSWPIN,  XB_F_PSWPOUT,  XB_F_PGMAJFAULT, XB_F_REFAULT,
    XB_F_OOMKILL, XB_F_PSI_SOME, XB_F_PSI_FULL,
};

const char *
dom_suspect(const struct xb_record *last, const struct xb_record *rec,
            int moved, unsigned *streak)
{
    uint64_t seq = rec->v[XB_F_SEQ], lseq = last->v[XB_F_SEQ];

    if (seq < lseq) {
        *streak = 0;
        /* A restarted agent counts from 1 again, and its counters may
         * start anywhere (a rebooted guest). */
        return seq <= DOM_SUSPECT_RESTART_SEQ ? NULL : "seq went backwards";
    }
    for (size_t i = 0; i < sizeof(dom_counters) / sizeof(dom_counters[0]);
         i++) {
        enum xb_field f = dom_counters[i];

        if (xb_record_has(last, f) && xb_record_has(rec, f) &&
            rec->v[f] < last->v[f])
            return "a counter went backwards";
    }
    /* MemTotal moves with the balloon, and the balloon moves the domain's
     * allocation: MemTotal changing record after record while the
     * hypervisor sees the domain stand still is no balloon. */
    if (rec->v[XB_F_TOTAL] == last->v[XB_F_TOTAL] || moved) {
        *streak = 0;
        return NULL;
    }
    if (++*streak < DOM_SUSPECT_TOTAL_STREAK)
        return NULL;
    *streak = 0;
    return "total changes in every record";
}

int
dom_intake(struct dom *d, const char *untrusted, size_t len, uint64_t now)
{
    struct xb_record rec;
    char *cause = NULL;
    const char *why;
    unsigned long long dropped = 0;

    if (xb_record_parse(untrusted, len, &rec, &cause) < 0) {
        d->rejected++;
        snprintf(d->last_reject, sizeof(d->last_reject), "%s", cause);
        d->last_reject_ms = now;
        if (xb_ratelimit_ok(&d->log_rl, now, &dropped))
            log_warnx("domain %u (%s): record rejected: %s%s", d->domid,
                      d->name, cause,
                      dropped ? " (earlier rejections not logged)" : "");
        free(cause);
        return 0;
    }
    /* A restarted agent starts its sequence again; anything else that
     * goes backwards is a replay and changes nothing. */
    if (d->nhist > 0) {
        const struct xb_record *last = &d->hist[d->nhist - 1].rec;

        /* The same record read again (a watch firing on registration,
         * a rescan) says nothing about the agent being alive. */
        if (rec.v[XB_F_SEQ] == last->v[XB_F_SEQ])
            return 1;
        why = dom_suspect(last, &rec, d->actual_kb != d->rec_actual_kb,
                          &d->total_streak);
        if (why != NULL) {
            d->suspicious++;
            snprintf(d->last_suspicious, sizeof(d->last_suspicious), "%s", why);
            if (xb_ratelimit_ok(&d->log_rl, now, &dropped))
                log_warnx("domain %u (%s): suspicious record: %s%s", d->domid,
                          d->name, why,
                          dropped ? " (earlier messages not logged)" : "");
        }
    }
    if (d->nhist == d->hist_cap) {
        memmove(d->hist, d->hist + 1, (d->hist_cap - 1) * sizeof(*d->hist));
        d->nhist--;
    }
    d->hist[d->nhist].t_ms = now;
    d->hist[d->nhist].rec = rec;
    d->nhist++;
    memcpy(d->raw, untrusted, len);
    d->raw[len] = '\0';
    d->last_record_ms = now;
    d->rec_actual_kb = d->actual_kb;
    d->accepted++;
    d->heard++;
    return 1;
}

/* How much counter f grew from a to b; 0 if it is missing or went back. */
static uint64_t
grew(const struct xb_record *a, const struct xb_record *b, enum xb_field f)
{
    if (!xb_record_has(a, f) || !xb_record_has(b, f) || b->v[f] < a->v[f])
        return 0;
    return b->v[f] - a->v[f];
}

int
dom_distress(const struct dom *d)
{
    const struct xb_pol_sample *a, *b;
    double stall;

    if (d->nhist < 2)
        return 0;
    a = &d->hist[d->nhist - 2];
    b = &d->hist[d->nhist - 1];
    if (grew(&a->rec, &b->rec, XB_F_OOMKILL) > 0 ||
        grew(&a->rec, &b->rec, XB_F_PSWPIN) >= DOM_DISTRESS_SWAPIN_PAGES ||
        xb_record_used_kb(&b->rec) >=
            xb_record_used_kb(&a->rec) + DOM_DISTRESS_GROWTH_KB)
        return 1;
    /* ms of stall per second is the permille of the time stalled. */
    return xb_rate(&a->rec, a->t_ms, &b->rec, b->t_ms, XB_F_PSI_SOME, &stall) ==
               0 &&
           stall >= DOM_DISTRESS_PSI_PERMILLE;
}

void
dom_set_name(struct dom *d, const char *untrusted_name)
{
    size_t i;

    for (i = 0; i + 1 < sizeof(d->name) && untrusted_name[i] != '\0'; i++) {
        unsigned char c = (unsigned char)untrusted_name[i];

        d->name[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    d->name[i] = '\0';
}

void
dom_agent_gone(struct dom *d)
{
    d->nhist = 0;
    d->raw[0] = '\0';
    d->total_streak = 0;
}

const struct xb_pol_sample *
dom_latest(const struct dom *d)
{
    return d->nhist > 0 ? &d->hist[d->nhist - 1] : NULL;
}

/* -1 shrinking, 0 there, 1 growing. */
static int
direction(uint64_t target_kb, uint64_t actual_kb)
{
    return target_kb < actual_kb ? -1 : target_kb > actual_kb;
}

void
dom_target_changed(struct dom *d, uint64_t target_kb, uint64_t now)
{
    int turned = direction(target_kb, d->actual_kb) !=
                 direction(d->target_kb, d->actual_kb);

    d->target_kb = target_kb;
    d->last_change_ms = now;
    /* A further step the same way (a stepped shrink) does not restart
     * the stuck timer: only a change of direction does. */
    if (turned || d->progress_ms == 0) {
        d->progress_ref_kb = d->actual_kb;
        d->progress_ms = now;
        if (d->floor_kb == 0 && d->ceil_kb == 0)
            d->stuck = 0;
    }
}

static uint64_t
absdiff(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

/* Forgets learnt limits it has moved past, or that have had their time. */
static void
forget_limits(struct dom *d, const struct dom_limits *lim, uint64_t now)
{
    int expired = now - d->learnt_ms >= lim->retry_ms;

    if (d->floor_kb != 0 &&
        (expired || d->actual_kb + lim->progress_kb < d->floor_kb))
        d->floor_kb = 0;
    if (d->ceil_kb != 0 &&
        (expired || d->actual_kb > d->ceil_kb + lim->progress_kb))
        d->ceil_kb = 0;
}

/* No progress for stuck_ms: remember where it stopped. */
static void
declare_stuck(struct dom *d, const struct dom_limits *lim, uint64_t now)
{
    if (!d->stuck) {
        d->stuck = 1;
        d->learnt_ms = now;
        d->stalled_since_ms = d->progress_ms;
        if (d->target_kb < d->actual_kb)
            d->floor_kb = d->actual_kb;
        else
            d->ceil_kb = d->actual_kb;
    }
    (void)lim;
}

/* The balloon's speed, from how far it moved since the last look while
 * a change was pending (an estimate: it may have arrived meanwhile).  A
 * balloon that moves less than progress_kb between two looks is measured
 * over as many looks as it takes, so that a slow one is seen slow rather
 * than not at all. */
static void
track_rate(struct dom *d, uint64_t gap, const struct dom_limits *lim,
           uint64_t now)
{
    uint64_t moved = absdiff(d->actual_kb, d->rate_ref_kb), inst;

    if (d->rate_ms != 0 && moved < lim->progress_kb && gap > lim->progress_kb)
        return;
    if (d->rate_ms != 0 && now > d->rate_ms && moved >= lim->progress_kb &&
        gap + moved > lim->progress_kb) {
        inst = moved * 1000 / (now - d->rate_ms);
        d->rate_kb_s = d->rate_kb_s ? (d->rate_kb_s + inst) / 2 : inst;
    }
    d->rate_ref_kb = d->actual_kb;
    d->rate_ms = now;
}

void
dom_update_state(struct dom *d, const struct dom_limits *lim, uint64_t now)
{
    uint64_t gap = absdiff(d->actual_kb, d->target_kb);

    track_rate(d, gap, lim, now);
    if (d->progress_ms == 0) {
        d->progress_ms = now;
        d->progress_ref_kb = d->actual_kb;
    }
    forget_limits(d, lim, now);
    if (gap <= lim->progress_kb) {
        /* At its target: unless it is held at a learnt limit, it
         * cooperates now. */
        if (d->floor_kb == 0 && d->ceil_kb == 0)
            d->stuck = d->uncoop = 0;
        d->progress_ms = now;
        d->progress_ref_kb = d->actual_kb;
    } else if (absdiff(d->actual_kb, d->progress_ref_kb) >= lim->progress_kb &&
               absdiff(d->actual_kb, d->target_kb) <
                   absdiff(d->progress_ref_kb, d->target_kb)) {
        d->stuck = d->uncoop = 0;
        d->floor_kb = d->ceil_kb = 0;
        d->progress_ms = now;
        d->progress_ref_kb = d->actual_kb;
    } else {
        if (now - d->progress_ms >= lim->stuck_ms / 4)
            d->wary_until_ms = now + DOM_WARY_MS;
        if (now - d->progress_ms >= lim->stuck_ms)
            declare_stuck(d, lim, now);
    }
    /* Stuck, and no progress since, for uncoop_ms: uncooperative. */
    if (d->stuck && !d->uncoop && now - d->stalled_since_ms >= lim->uncoop_ms) {
        d->uncoop = 1;
        d->uncoop_since_ms = now;
    }

    if (d->excluded)
        d->state = DOM_EXCLUDED;
    else if (d->uncoop)
        d->state = DOM_UNCOOPERATIVE;
    else if (d->stuck)
        d->state = DOM_STUCK;
    else if (d->nhist == 0 || d->heard == 0)
        d->state = DOM_NO_AGENT;
    else if (now - d->last_record_ms > lim->stale_ms)
        d->state = DOM_STALE;
    else
        d->state = DOM_MANAGED;
}

const char *
dom_state_name(enum dom_state s)
{
    switch (s) {
    case DOM_MANAGED:
        return "managed";
    case DOM_NO_AGENT:
        return "no-agent";
    case DOM_STALE:
        return "stale";
    case DOM_STUCK:
        return "stuck";
    case DOM_UNCOOPERATIVE:
        return "uncooperative";
    case DOM_EXCLUDED:
        return "excluded";
    }
    return "?";
}

int
dom_donor(const struct dom *d)
{
    return d->state == DOM_MANAGED && d->heard > 0;
}

uint64_t
dom_floor_kb(const struct dom *d)
{
    return d->floor_kb > d->min_kb ? d->floor_kb : d->min_kb;
}

uint64_t
domtab_reclaimable(const struct domtab *t, unsigned *ndonors)
{
    uint64_t sum = 0;
    unsigned n = 0;

    for (unsigned i = 0; i < t->n; i++) {
        const struct dom *d = t->v[i];

        if (!dom_donor(d) || d->actual_kb <= dom_floor_kb(d))
            continue;
        sum += d->actual_kb - dom_floor_kb(d);
        n++;
    }
    if (ndonors != NULL)
        *ndonors = n;
    return sum;
}

struct dom_limits
dom_limits_of(const struct xb_config *cfg)
{
    struct dom_limits l = {
        .stale_ms = cfg->stale_ms,
        .stuck_ms = cfg->stuck_ms,
        .uncoop_ms = cfg->uncoop_ms,
        .progress_kb = cfg->progress_kb,
        .retry_ms = cfg->stuck_retry_ms,
        .records_per_s = cfg->records_per_s,
        .records_burst = cfg->records_burst,
    };

    return l;
}

uint64_t
dom_default_min(uint64_t maxmem_kb, uint64_t floor_kb)
{
    uint64_t mb = maxmem_kb / 1024, pages = maxmem_kb / 4, min_mb, min_kb;

    /* Linux's pre-2.6.26 balloon minimum_target(), in MiB. */
    if (mb < 125)
        min_mb = 8 + (pages >> 9);
    else if (mb < 500)
        min_mb = 40 + (pages >> 10);
    else if (mb < 2000)
        min_mb = 104 + (pages >> 11);
    else
        min_mb = 296 + (pages >> 13);
    min_kb = min_mb * 1024;
    if (min_kb < floor_kb)
        min_kb = floor_kb;
    if (maxmem_kb != 0 && min_kb > maxmem_kb)
        min_kb = maxmem_kb;
    return min_kb;
}

void
dom_clear_overrides(struct dom *d)
{
    d->set_min_kb = 0;
    d->set_max_kb = 0;
    d->set_weight = 0;
    d->set_exclude = -1;
}

void
dom_apply_rules(struct dom *dom, const struct xb_config *cfg)
{
    struct cfg_domset set;
    uint64_t maxmem = dom->maxmem_kb ? dom->maxmem_kb : dom->actual_kb;

    cfg_resolve(cfg, dom->name, (int)dom->domid, &set);
    dom->max_kb = set.max_kb ? set.max_kb : maxmem;
    if (dom->set_max_kb)
        dom->max_kb = dom->set_max_kb;
    /* libxl refuses targets above static-max. */
    if (dom->maxmem_kb && dom->max_kb > dom->maxmem_kb)
        dom->max_kb = dom->maxmem_kb;
    dom->min_kb =
        set.min_kb ? set.min_kb : dom_default_min(maxmem, cfg->min_floor_kb);
    if (dom->set_min_kb)
        dom->min_kb = dom->set_min_kb;
    if (dom->min_kb > dom->max_kb)
        dom->min_kb = dom->max_kb;
    dom->weight =
        dom->set_weight ? dom->set_weight : (set.weight ? set.weight : 100);
    dom->excluded = set.exclude == 1;
    if (dom->set_exclude >= 0)
        dom->excluded = dom->set_exclude;
    if (dom->is_dom0)
        dom->excluded = 1;
}
