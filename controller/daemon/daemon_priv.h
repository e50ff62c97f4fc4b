/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's state, shared between the files of daemon/ that make it
 * up: its loop (loop.c), intake (intake.c), rebalance (rebalance.c),
 * holds (dmn_hold.c), the guests' view (dmn_guest.c) and the answers to
 * the control commands (dmn_api.c).  Nothing outside daemon/ includes
 * this header; everyone else sees the daemon through daemon.h.
 */
#ifndef XB_DAEMON_DAEMON_PRIV_H
#define XB_DAEMON_DAEMON_PRIV_H

#include <stdint.h>

#include <event2/util.h>
#include <jansson.h>

#include "balancer.h"
#include "compat/queue.h"
#include "config.h"
#include "daemon.h"
#include "domain.h"
#include "guestview.h"
#include "hv.h"

/* A reservation (dmn_hold.c). */
enum hold_state {
    HOLD_PENDING, /* not yet free; what lacks is on its way */
    HOLD_MET,     /* free in Xen, net of reserve, earlier holds, promises */
    HOLD_SHORT,   /* not free, and reclaim cannot cover all of it */
    HOLD_EXPIRED, /* its time is up; listed a while, holds nothing */
};

struct hold {
    unsigned id;
    uint64_t kb;
    uint64_t created_ms, expires_ms; /* expires 0: until released */
    enum hold_state state;
    uint64_t lack_kb;    /* not free yet */
    uint64_t short_kb;   /* of which reclaim cannot cover */
    uint64_t met_ms;     /* first met, 0: never */
    dmn_hold_cb wait_cb; /* a client waiting for it to be met, or NULL */
    void *wait_arg;
    uint64_t wait_until_ms;
    TAILQ_ENTRY(hold) entry;
};
TAILQ_HEAD(holds, hold);

struct monitor {
    dmn_monitor_cb cb;
    void *arg;
    TAILQ_ENTRY(monitor) entry;
};
TAILQ_HEAD(monitors, monitor);

/* What one guest was last told under memory/xenballoon/ (dmn_guest.c). */
struct gpub {
    uint32_t domid;
    uint64_t hb, pub_ms; /* heartbeat sequence, when last written */
    int have;            /* `last` was written */
    struct xb_gstatus last;
    char tune[XB_GSTATUS_MAX + 1]; /* settings line written, "" if none */
    struct xb_gtune tune_of;       /* the fields `tune` was formatted from */
    uint64_t inflated_ms;          /* inflated since, 0: not inflated */
    struct xb_ratelimit infl_rl, swap_rl;
};
struct gpubs {
    struct gpub *v; /* one per guest in the table, in its order (domid) */
    unsigned n;
    struct gst_host host; /* as of the latest rebalance */
    struct xb_ratelimit host_rl;
};

struct xb_daemon {
    struct event_base *base;
    struct xb_config *cfg;
    const struct hv_ops *hv;
    void *hvp;
    struct domtab doms;

    struct event *ev_tick, *ev_settle, *ev_health, *ev_fast;
    struct event *ev_sig[4];

    int paused;
    int xs_up;
    int need_rescan;
    int settle_armed;
    uint64_t start_ms;
    struct hv_physinfo phys;
    struct bal_result last_bal;
    uint64_t rebalances, target_writes;
    uint64_t trigger_ms; /* first event awaiting a rebalance, 0: none */
    uint64_t fast_ms;    /* last distress rebalance (rebalance.c), 0: none */
    uint64_t fast_rebalances;
    dmn_decision_cb decision_cb; /* each target change (dmn_on_decision) */
    void *decision_arg;

    struct holds holds;
    unsigned next_hold;
    struct monitors monitors;
    struct gpubs gpub;
};

uint64_t dmn_now_ms(void);
/* Sends an event to every monitor (steals the reference). */
void dmn_emit(struct xb_daemon *d, json_t *ev);
/* Coalesced: one rebalance after the settle delay. */
void dmn_schedule(struct xb_daemon *d);
/*
 * Intake (intake.c): the backend's hooks; reads and takes in one record
 * (1 if it shows distress, domain.h); lists the domains and diffs the
 * table (`full` reads names and limits).
 */
void dmn_intake_hooks(struct xb_daemon *d, struct hv_hooks *h);
int dmn_read_record(struct xb_daemon *d, struct dom *dom, uint64_t now);
int dmn_rescan(struct xb_daemon *d, int full);
/*
 * Rebalance (rebalance.c).  `scanned`: the caller has just listed the
 * domains; don't list again.  Returns 0, or -1 when it could not run
 * (holds were not updated).  dmn_rebalance_now: the distress fast path.
 * dmn_on_settle, dmn_on_fast: the timers' callbacks.
 */
int dmn_rebalance(struct xb_daemon *d, int scanned);
void dmn_rebalance_now(struct xb_daemon *d, uint64_t now);
void dmn_on_settle(evutil_socket_t fd, short what, void *arg);
void dmn_on_fast(evutil_socket_t fd, short what, void *arg);
/* Re-resolves a domain's limits from config rules and `set` overrides. */
void dmn_apply_rules(struct xb_daemon *d, struct dom *dom);
/* Holds (dmn_hold.c): memory held, not counting expired ones; the state
 * of every hold after a rebalance (met, short, deadlines, expiry); the
 * list as JSON for status and metrics. */
uint64_t dmn_held_kb(const struct xb_daemon *d);
void dmn_holds_update(struct xb_daemon *d, uint64_t now);
json_t *dmn_holds_json(const struct xb_daemon *d, uint64_t now);
const char *dmn_hold_state_name(enum hold_state s);
void dmn_holds_dispose(struct xb_daemon *d);
/* Swaps in a validated config (takes ownership); the old one is freed. */
void dmn_swap_config(struct xb_daemon *d, struct xb_config *cfg);
json_t *dmn_dom_json(const struct xb_daemon *d, const struct dom *dom);

/*
 * The guests' view (dmn_guest.c): after a rebalance, publishes each
 * guest's status on change or when its heartbeat is due, its agent
 * settings on change, and warns (rate-limited) past the survey
 * thresholds.  dmn_guest_forget() makes everything go out again (after a
 * xenstore reconnect or a reload).
 */
void dmn_guest_publish(struct xb_daemon *d, uint64_t now);
void dmn_guest_forget(struct xb_daemon *d);
void dmn_guest_dispose(struct xb_daemon *d);

#endif
