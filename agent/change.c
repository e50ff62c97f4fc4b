/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The publish decision: see change.h.  No I/O, no clock, no globals.
 */
#include <stdio.h>
#include <string.h>

#include "change.h"

void
ag_change_defaults(struct ag_change_params *p)
{
    p->step_min_kb = AG_STEP_MIN_KB;
    p->step_permille = AG_STEP_PERMILLE;
    p->refault_burst = AG_REFAULT_BURST;
    p->psi_min_us = AG_PSI_MIN_US;
    p->heartbeat_ms = AG_HEARTBEAT_MS;
}

uint64_t
ag_change_step_kb(const struct ag_change_params *p, uint64_t total_kb)
{
    /* total_kb is at most 2^34 (record range), so this cannot overflow. */
    uint64_t rel = total_kb * p->step_permille / 1000;

    return rel > p->step_min_kb ? rel : p->step_min_kb;
}

static uint64_t
absdiff(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

/* Growth of a kernel counter; a counter that went back counts as none. */
static uint64_t
growth(const struct xb_record *last, const struct xb_record *now,
       enum xb_field f)
{
    if (!xb_record_has(last, f) || !xb_record_has(now, f))
        return 0;
    return now->v[f] > last->v[f] ? now->v[f] - last->v[f] : 0;
}

static int
moved(const struct xb_record *last, const struct xb_record *now,
      enum xb_field f, uint64_t step)
{
    if (!xb_record_has(last, f) || !xb_record_has(now, f))
        return 0;
    return absdiff(last->v[f], now->v[f]) >= step;
}

/* MemAvailable, or its pre-3.14 estimate free + buffers + cached. */
static uint64_t
avail_kb(const struct xb_record *r)
{
    if (xb_record_has(r, XB_F_AVAIL))
        return r->v[XB_F_AVAIL];
    return r->v[XB_F_FREE] + xb_record_get(r, XB_F_BUFFERS, 0) +
           xb_record_get(r, XB_F_CACHED, 0);
}

unsigned
ag_change_decide(const struct ag_change_params *p, const struct xb_record *last,
                 uint64_t last_ms, const struct xb_record *now, uint64_t now_ms)
{
    uint32_t fields = ~(1u << XB_F_SEQ);
    unsigned why = 0;
    uint64_t step;

    if (last == NULL)
        return AG_WHY_FIRST;
    /* A clock that went back (it is monotonic; be safe) counts as due. */
    if (now_ms < last_ms || now_ms - last_ms >= p->heartbeat_ms)
        why |= AG_WHY_HEARTBEAT;
    if ((last->present ^ now->present) & fields)
        why |= AG_WHY_FIELDS;
    step = ag_change_step_kb(p, now->v[XB_F_TOTAL]);
    if (moved(last, now, XB_F_TOTAL, step))
        why |= AG_WHY_TOTAL;
    if (absdiff(avail_kb(last), avail_kb(now)) >= step)
        why |= AG_WHY_AVAIL;
    if (moved(last, now, XB_F_COMMITTED, step))
        why |= AG_WHY_COMMIT;
    if (moved(last, now, XB_F_BALLOON, step))
        why |= AG_WHY_BALLOON;
    if (growth(last, now, XB_F_PSWPIN) > 0)
        why |= AG_WHY_SWAPIN;
    if (growth(last, now, XB_F_REFAULT) >= p->refault_burst)
        why |= AG_WHY_REFAULT;
    if (growth(last, now, XB_F_OOMKILL) > 0)
        why |= AG_WHY_OOM;
    if (growth(last, now, XB_F_PSI_SOME) >= p->psi_min_us)
        why |= AG_WHY_PSI;
    return why;
}

static const char *const why_names[] = {
    "first",   "heartbeat", "fields",  "total", "avail", "commit",
    "balloon", "swapin",    "refault", "oom",   "psi",
};

const char *
ag_change_why(unsigned why, char *buf, size_t len)
{
    size_t off = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(why_names) / sizeof(why_names[0]); i++) {
        int n;

        if (!(why & (1u << i)))
            continue;
        n = snprintf(buf + off, len - off, "%s%s", off > 0 ? "," : "",
                     why_names[i]);
        if (n < 0 || (size_t)n >= len - off) {
            buf[off] = '\0'; /* drop the partial name */
            break;
        }
        off += (size_t)n;
    }
    return buf;
}
