/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Holds: the launcher's make-room contract (DESIGN.md).  A client asks
 * for SIZE to be free and held out of balancing; the answer is true.  A
 * hold that could never be met is refused up front; one that can is
 * pending until Xen has that much free net of the reserve, every earlier
 * hold and every promise not yet taken (met), or short when even
 * reclaiming from every cooperative donor does not cover it.  A client
 * may wait for its hold: it is told once the hold is met, or at its
 * deadline the shortfall and who did not cooperate, and the hold is then
 * dropped so nothing is left held.  A waiting client that goes away drops
 * its hold too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_priv.h"
#include "xmalloc.h"

/* How long an expired hold stays listed (as expired) before it goes. */
#define HOLD_EXPIRED_KEEP_MS 60000

static uint64_t
sat_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

const char *
dmn_hold_state_name(enum hold_state s)
{
    switch (s) {
    case HOLD_PENDING:
        return "pending";
    case HOLD_MET:
        return "met";
    case HOLD_SHORT:
        return "short";
    case HOLD_EXPIRED:
        return "expired";
    }
    return "?";
}

uint64_t
dmn_held_kb(const struct xb_daemon *d)
{
    const struct hold *h;
    uint64_t sum = 0;

    TAILQ_FOREACH(h, &d->holds, entry)
        if (h->state != HOLD_EXPIRED)
            sum += h->kb;
    return sum;
}

/* A domain reclaim may shrink (domain.h), unless balancing is paused. */
static int
donor(const struct xb_daemon *d, const struct dom *dom)
{
    return !d->paused && dom_donor(dom);
}

/* What reclaim could take from every donor: their memory above floor. */
static uint64_t
reclaimable(const struct xb_daemon *d, unsigned *ndonors)
{
    if (d->paused) {
        *ndonors = 0;
        return 0;
    }
    return domtab_reclaimable(&d->doms, ndonors);
}

/*
 * When `lack_kb` more could be free: the donors release in parallel at the
 * speeds they were seen moving, split as reclaim splits it (balancer.h),
 * then a tick to see it.  0 when nothing lacks; UINT64_MAX when the
 * donors cannot cover it.
 */
static uint64_t
eta_ms(const struct xb_daemon *d, uint64_t lack_kb)
{
    struct bal_params p = { .rate_kb_s = BAL_RATE_DEFAULT_KB_S };
    struct bal_dom *bd;
    uint64_t t;

    if (lack_kb == 0)
        return 0;
    bd = xb_calloc(d->doms.n ? d->doms.n : 1, sizeof(*bd));
    for (unsigned i = 0; i < d->doms.n; i++) {
        const struct dom *dom = d->doms.v[i];

        bd[i].managed = donor(d, dom);
        bd[i].new_target_kb = dom->actual_kb;
        bd[i].min_kb = dom->min_kb;
        bd[i].max_kb =
            dom->max_kb > dom->actual_kb ? dom->max_kb : dom->actual_kb;
        bd[i].floor_kb = dom->floor_kb;
        bd[i].rate_kb_s = dom->rate_kb_s;
    }
    t = bal_time_to_free(&p, bd, d->doms.n, lack_kb);
    free(bd);
    return t == UINT64_MAX ? t : t + d->cfg->settle_ms + d->cfg->tick_ms;
}

/* "g1 (stuck at 900.0M), g2 (no-agent)": domains holding memory above
 * their min that reclaim cannot count on.  Returns buf. */
static char *
laggards(const struct xb_daemon *d, char *buf, size_t len)
{
    size_t off = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < d->doms.n && off + 1 < len; i++) {
        const struct dom *dom = d->doms.v[i];
        int w;

        if (dom->excluded || donor(d, dom) || dom->actual_kb <= dom->min_kb)
            continue;
        w = snprintf(buf + off, len - off, "%s%s (%s at %.1fM)",
                     off ? ", " : "", dom->name,
                     d->paused ? "paused" : dom_state_name(dom->state),
                     (double)dom->actual_kb / 1024.0);
        if (w < 0 || (size_t)w >= len - off)
            break;
        off += (size_t)w;
    }
    if (off == 0)
        snprintf(buf, len, "none");
    return buf;
}

static json_t *
kb(uint64_t v)
{
    return json_integer((json_int_t)v);
}

static json_t *
hold_json(const struct xb_daemon *d, const struct hold *h, uint64_t now)
{
    uint64_t eta = h->state == HOLD_PENDING ? eta_ms(d, h->lack_kb) : 0;

    return json_pack(
        "{s:i, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)h->id,
        "size_kb", kb(h->kb), "state", dmn_hold_state_name(h->state),
        "shortfall_kb", kb(h->lack_kb), "unreachable_kb", kb(h->short_kb),
        "age_ms", kb(now - h->created_ms), "expires_in_ms",
        h->expires_ms ? kb(sat_sub(h->expires_ms, now)) : json_null(), "eta_ms",
        h->state == HOLD_PENDING && eta != UINT64_MAX ? kb(eta) : json_null());
}

json_t *
dmn_holds_json(const struct xb_daemon *d, uint64_t now)
{
    json_t *a = json_array();
    const struct hold *h;

    TAILQ_FOREACH(h, &d->holds, entry)
        json_array_append_new(a, hold_json(d, h, now));
    return a;
}

static void
hold_free(struct xb_daemon *d, struct hold *h)
{
    TAILQ_REMOVE(&d->holds, h, entry);
    free(h);
}

/* Tells a waiting client that its hold could not be met, and drops it. */
static void
hold_fail(struct xb_daemon *d, struct hold *h, const char *why)
{
    char who[512], msg[1024];

    snprintf(msg, sizeof(msg),
             "hold %u of %.1fM %s: %.1fM short (free %.1fM, reserve "
             "%.1fM); did not cooperate: %s; nothing is held",
             h->id, (double)h->kb / 1024.0, why, (double)h->lack_kb / 1024.0,
             (double)d->phys.free_kb / 1024.0,
             (double)d->cfg->reserve_kb / 1024.0,
             laggards(d, who, sizeof(who)));
    log_warnx("reservation %s", msg);
    if (h->wait_cb != NULL)
        h->wait_cb(h->wait_arg, NULL, msg);
    hold_free(d, h);
}

/* Says once when a hold goes short and once when it is met. */
static void
hold_log(struct xb_daemon *d, struct hold *h, enum hold_state before,
         uint64_t now)
{
    char who[512];

    if (h->state == before)
        return;
    if (h->state == HOLD_SHORT)
        log_warnx("reservation %u of %llu KiB is short by %llu KiB that no "
                  "cooperative domain can give; did not cooperate: %s",
                  h->id, (unsigned long long)h->kb,
                  (unsigned long long)h->short_kb,
                  laggards(d, who, sizeof(who)));
    else if (h->state == HOLD_MET && h->met_ms == 0) {
        h->met_ms = now;
        log_info("reservation %u of %llu KiB met after %.1f s", h->id,
                 (unsigned long long)h->kb,
                 (double)(now - h->created_ms) / 1000.0);
    }
}

void
dmn_holds_update(struct xb_daemon *d, uint64_t now)
{
    struct hold *h, *tmp;
    uint64_t room, cum = 0, unreachable = d->last_bal.shortfall_kb;

    /* What Xen has free that no one else may take. */
    room =
        sat_sub(d->phys.free_kb, d->cfg->reserve_kb + d->last_bal.promised_kb);
    TAILQ_FOREACH(h, &d->holds, entry) {
        if (h->state == HOLD_EXPIRED)
            continue;
        cum += h->kb;
        h->lack_kb = sat_sub(cum, room) < h->kb ? sat_sub(cum, room) : h->kb;
    }
    /* What reclaim could not cover falls on the newest holds. */
    TAILQ_FOREACH_REVERSE(h, &d->holds, holds, entry) {
        if (h->state == HOLD_EXPIRED)
            continue;
        h->short_kb = unreachable < h->lack_kb ? unreachable : h->lack_kb;
        unreachable -= h->short_kb;
    }
    TAILQ_FOREACH_SAFE(h, &d->holds, entry, tmp) {
        enum hold_state before = h->state;

        if (h->state == HOLD_EXPIRED) {
            if (now - h->expires_ms >= HOLD_EXPIRED_KEEP_MS)
                hold_free(d, h);
            continue;
        }
        if (h->expires_ms != 0 && now >= h->expires_ms) {
            log_info("reservation %u of %llu KiB expired", h->id,
                     (unsigned long long)h->kb);
            if (h->wait_cb != NULL) {
                hold_fail(d, h, "expired before it was met");
                continue;
            }
            h->state = HOLD_EXPIRED;
            h->lack_kb = h->short_kb = 0;
            continue;
        }
        h->state = h->lack_kb == 0   ? HOLD_MET
                   : h->short_kb > 0 ? HOLD_SHORT
                                     : HOLD_PENDING;
        hold_log(d, h, before, now);
        if (h->wait_cb != NULL && h->state == HOLD_MET) {
            h->wait_cb(h->wait_arg, hold_json(d, h, now), NULL);
            h->wait_cb = NULL;
        } else if (h->wait_cb != NULL && now >= h->wait_until_ms)
            hold_fail(d, h, "not met in time");
    }
}

json_t *
dmn_reserve(struct xb_daemon *d, uint64_t size_kb, uint64_t secs, int force,
            char **cause)
{
    struct hold *h;
    uint64_t now = dmn_now_ms(), possible, held = dmn_held_kb(d), reclaim;
    unsigned n;

    if (size_kb == 0 || size_kb > d->phys.total_kb) {
        xb_set_cause(cause,
                     "size must be between 1 KiB and the host's "
                     "%llu KiB",
                     (unsigned long long)d->phys.total_kb);
        return NULL;
    }
    /* Judge it on host free as it is now, not as of the last tick. */
    if (d->hv->physinfo(d->hvp, &d->phys) < 0) {
        xb_set_cause(cause, "cannot read host memory");
        return NULL;
    }
    reclaim = reclaimable(d, &n);
    possible = sat_sub(d->phys.free_kb + reclaim, d->cfg->reserve_kb + held);
    if (size_kb > possible && !force) {
        xb_set_cause(cause,
                     "cannot hold %.1fM: at most %.1fM can be freed (free "
                     "%.1fM - reserve %.1fM - other holds %.1fM + %.1fM "
                     "above the floors of %u cooperative domains); --force "
                     "holds it anyway",
                     (double)size_kb / 1024.0, (double)possible / 1024.0,
                     (double)d->phys.free_kb / 1024.0,
                     (double)d->cfg->reserve_kb / 1024.0, (double)held / 1024.0,
                     (double)reclaim / 1024.0, n);
        return NULL;
    }
    h = xb_calloc(1, sizeof(*h));
    h->id = d->next_hold++;
    h->kb = size_kb;
    h->created_ms = now;
    h->expires_ms = secs ? now + secs * 1000 : 0;
    h->state = HOLD_PENDING;
    TAILQ_INSERT_TAIL(&d->holds, h, entry);
    log_info("reservation %u: holding %llu KiB out of balancing%s%s", h->id,
             (unsigned long long)size_kb, secs ? " (expires)" : "",
             size_kb > possible ? " (forced: more than can be freed)" : "");
    dmn_holds_update(d, now);
    dmn_schedule(d);
    return json_pack("{s:i, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)h->id, "size_kb", kb(size_kb), "expires_in_ms",
                     secs ? kb(secs * 1000) : json_null(), "state",
                     dmn_hold_state_name(h->state), "free_kb",
                     kb(d->phys.free_kb), "shortfall_kb", kb(h->lack_kb),
                     "possible_kb", kb(possible), "eta_ms",
                     h->lack_kb == 0 ? kb(0)
                                     : (eta_ms(d, h->lack_kb) == UINT64_MAX
                                            ? json_null()
                                            : kb(eta_ms(d, h->lack_kb))));
}

int
dmn_release(struct xb_daemon *d, unsigned id, char **cause)
{
    struct hold *h, *tmp;
    int found = 0;

    TAILQ_FOREACH_SAFE(h, &d->holds, entry, tmp) {
        if (id != 0 && h->id != id)
            continue;
        if (h->wait_cb != NULL) {
            h->wait_cb(h->wait_arg, NULL, "released while waiting");
            h->wait_cb = NULL;
        }
        hold_free(d, h);
        found = 1;
    }
    if (!found && id != 0) {
        xb_set_cause(cause, "no reservation %u", id);
        return -1;
    }
    dmn_schedule(d);
    return 0;
}

int
dmn_hold_wait(struct xb_daemon *d, unsigned id, uint64_t wait_ms,
              dmn_hold_cb cb, void *arg)
{
    struct hold *h;
    uint64_t now = dmn_now_ms();

    TAILQ_FOREACH(h, &d->holds, entry) {
        if (h->id != id || h->state == HOLD_EXPIRED)
            continue;
        h->wait_cb = cb;
        h->wait_arg = arg;
        h->wait_until_ms = now + wait_ms;
        /* Already met: say so now. */
        if (h->state == HOLD_MET) {
            h->wait_cb = NULL;
            cb(arg, hold_json(d, h, now), NULL);
        }
        return 0;
    }
    return -1;
}

void
dmn_hold_unwait(struct xb_daemon *d, dmn_hold_cb cb, void *arg)
{
    struct hold *h, *tmp;

    TAILQ_FOREACH_SAFE(h, &d->holds, entry, tmp) {
        if (h->wait_cb != cb || h->wait_arg != arg)
            continue;
        log_info("reservation %u: its waiting client went away; released",
                 h->id);
        hold_free(d, h);
        dmn_schedule(d);
    }
}

void
dmn_holds_dispose(struct xb_daemon *d)
{
    struct hold *h;

    while ((h = TAILQ_FIRST(&d->holds)) != NULL)
        hold_free(d, h);
}
