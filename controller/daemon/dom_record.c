/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One domain's records (see domain.h): the read rate limit, the intake of
 * an untrusted record (parsed, bounded, rejected or counted suspicious,
 * kept in the history), distress that asks for a rebalance at once, the
 * name sanitised, and the agent gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "domain.h"
#include "rate.h"
#include "xmalloc.h"

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

/* Moves the two periods on to now's: what is older than the one before
 * is forgotten. */
static void
roll_peak(uint64_t peak[2], uint64_t *epoch, uint64_t now)
{
    uint64_t e = now / DOM_PEAK_MS;

    if (e == *epoch)
        return;
    peak[0] = e == *epoch + 1 ? peak[1] : 0;
    peak[1] = 0;
    *epoch = e;
}

static void
note_peak(struct dom *d, const struct xb_record *rec, uint64_t now)
{
    uint64_t used = xb_record_used_kb(rec);

    roll_peak(d->peak_kb, &d->peak_epoch, now);
    if (used > d->peak_kb[1])
        d->peak_kb[1] = used;
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
    note_peak(d, &rec, now);
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

uint64_t
dom_peak_kb(const struct dom *d, uint64_t now)
{
    uint64_t peak[2] = { d->peak_kb[0], d->peak_kb[1] }, epoch = d->peak_epoch;

    roll_peak(peak, &epoch, now);
    return peak[0] > peak[1] ? peak[0] : peak[1];
}

void
dom_agent_gone(struct dom *d)
{
    d->peak_kb[0] = d->peak_kb[1] = 0;
    d->nhist = 0;
    d->raw[0] = '\0';
    d->total_streak = 0;
}

const struct xb_pol_sample *
dom_latest(const struct dom *d)
{
    return d->nhist > 0 ? &d->hist[d->nhist - 1] : NULL;
}
