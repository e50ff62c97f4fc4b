/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain table: what the daemon knows about each domain, indexed by
 * domid.  It owns the intake of the agents' records (untrusted: rate-
 * limited, parsed by the common parser, rejected ones counted and logged
 * without flooding) and the per-domain state machine (managed, no agent,
 * stale, stuck, uncooperative, excluded; and, from its life in Xen,
 * paused, suspended, migrating).
 */
#ifndef XB_DAEMON_DOMAIN_H
#define XB_DAEMON_DOMAIN_H

#include <stdint.h>

#include "hv.h"
#include "log.h"
#include "policy.h"
#include "record.h"

enum dom_state {
    DOM_MANAGED,
    DOM_NO_AGENT,
    DOM_STALE,
    DOM_STUCK,
    DOM_UNCOOPERATIVE,
    DOM_EXCLUDED,
    /* Not running (hv.h): left alone, its clocks stopped, until it runs. */
    DOM_PAUSED,
    DOM_SUSPENDED,
    DOM_MIGRATING,
};

struct dom_limits {
    uint64_t stale_ms, stuck_ms, uncoop_ms, progress_kb;
    uint64_t retry_ms; /* a learnt floor or ceiling is kept this long */
    uint64_t records_per_s;
    unsigned records_burst;
};

struct dom {
    uint32_t domid;
    char name[64];
    int is_dom0;
    int excluded; /* by config, `set exclude`, or dom0 unmanaged */
    int seen;     /* mark for rescan diffs */
    /* Its life in Xen (hv.h), as of the latest listing.  While it is not
     * running, no target of it changes, it is no donor and its stuck,
     * uncooperative and balloon-speed clocks stand still: frozen_ms is
     * when they were last moved on (0: running). */
    enum hv_life life;
    uint64_t frozen_ms;

    uint64_t actual_kb, target_kb, maxmem_kb, min_kb, max_kb;
    unsigned weight;
    /* Operator overrides from `set` (0 / -1: none). */
    uint64_t set_min_kb, set_max_kb;
    unsigned set_weight;
    int set_exclude;

    /* Agent records, oldest first. */
    struct xb_pol_sample *hist;
    unsigned nhist, hist_cap;
    /* The most used memory (guest frame, KiB) its records showed in the
     * DOM_PEAK_MS period numbered peak_epoch [1] and in the one before
     * [0]: the long peak, whatever the history's length (dom_peak_kb). */
    uint64_t peak_kb[2], peak_epoch;
    char raw[XB_RECORD_MAX + 1]; /* last accepted record, for `show` */
    uint64_t last_record_ms;
    uint64_t accepted, rejected, throttled;
    /* Records this daemon saw the agent write (a new seq since the domain
     * was found): only they show the agent is alive.  A record that was
     * already there when the domain was found may be a dead agent's last
     * words, so it is history, not a sign of life. */
    uint64_t heard;
    char last_reject[128];
    uint64_t last_reject_ms;
    /* Accepted records whose story is impossible over time (dom_suspect):
     * counted and shown like rejections, not acted on. */
    uint64_t suspicious;
    char last_suspicious[64];
    unsigned total_streak;  /* records in a row with a new MemTotal */
    uint64_t rec_actual_kb; /* actual_kb when the last record came */
    double tokens;          /* record rate limiter */
    uint64_t tokens_ms;
    int read_pending; /* a record event arrived while throttled */
    struct xb_ratelimit log_rl;
    struct xb_ratelimit decision_rl; /* target-change log; rebalance.c inits */
    struct xb_ratelimit fail_rl;     /* refused-target log; rebalance.c inits */

    /* Progress toward target: the stuck timer runs from progress_ms, the
     * last time it moved progress_kb toward its target (or was there),
     * not from the last target change. */
    uint64_t progress_ref_kb, progress_ms;
    uint64_t last_change_ms;
    int stuck, uncoop;
    uint64_t uncoop_since_ms;
    /* Learnt when it got stuck: it could not shrink below floor_kb (or
     * grow above ceil_kb); 0 = none.  Kept until it moves past it or
     * retry_ms have gone by, and it stays stuck meanwhile. */
    uint64_t floor_kb, ceil_kb;
    uint64_t learnt_ms, stalled_since_ms;
    /* Its balloon stalled lately (no progress for a quarter of stuck_ms
     * with a change pending): until then it gives memory back only in
     * slow steps, for it may not bring it back in time (DOM_WARY_MS). */
    uint64_t wary_until_ms;
    /* Balloon speed last seen while it moved toward a target, KiB/s
     * (0: never seen); an estimate for `reserve`. */
    uint64_t rate_kb_s;
    /* The fastest it has been seen moving, KiB/s (0: never): what it can
     * do, as a policy asks (each sample is a lower bound of its speed). */
    uint64_t top_rate_kb_s;
    uint64_t rate_ref_kb, rate_ms;

    /* The latest decision. */
    uint64_t need_kb;
    char reason[XB_POL_REASON_MAX];
    enum dom_state state;
    uint64_t set_fail;
};

struct domtab {
    struct dom **v; /* sorted by domid */
    unsigned n;
    unsigned hist_cap;
};

void domtab_init(struct domtab *t, unsigned hist_cap);
void domtab_dispose(struct domtab *t);
struct dom *domtab_find(const struct domtab *t, uint32_t domid);
/*
 * The same, trying index *at first, for walks in domid order: *at is left
 * just past the entry found, or where domtab_add() would put it.
 */
struct dom *domtab_find_from(const struct domtab *t, uint32_t domid,
                             unsigned *at);
/* By name, or by domid when `s` is all digits. */
struct dom *domtab_lookup(const struct domtab *t, const char *s);
struct dom *domtab_add(struct domtab *t, uint32_t domid);
void domtab_remove(struct domtab *t, uint32_t domid);
/* The name as xenstore has it, cut to fit and with control bytes as '?':
 * it reaches logs, replies and terminals (`show`, `top`, reserve's list
 * of domains that did not cooperate) as it is stored. */
void dom_set_name(struct dom *d, const char *untrusted_name);
/* Changes how many samples each domain keeps (newest kept). */
void domtab_set_history(struct domtab *t, unsigned cap);

/*
 * Record intake.  dom_may_read() spends a token of the per-domain rate
 * limit (else marks the read pending for a later tick); dom_intake()
 * parses and stores one untrusted record.  `len` is the record's full
 * length (which may exceed what `untrusted` holds: then it is oversized).
 * Returns 1 accepted, 0 rejected.
 */
int dom_may_read(struct dom *d, const struct dom_limits *lim, uint64_t now);
int dom_intake(struct dom *d, const char *untrusted, size_t len, uint64_t now);
/*
 * Is `rec`, following `last` from the same domain, a story no guest can
 * tell?  Its seq going backwards other than to a new agent run's first
 * few (a restarted agent starts at 1), a counter going backwards while seq
 * goes forwards, or MemTotal changing in each of DOM_SUSPECT_TOTAL_STREAK
 * records in a row while the domain's allocation (the hypervisor's view,
 * `moved`: it changed since `last`) stood still (*streak carries the
 * count).  Returns the reason, or NULL.  Pure.
 */
#define DOM_SUSPECT_RESTART_SEQ 16
#define DOM_SUSPECT_TOTAL_STREAK 32
const char *dom_suspect(const struct xb_record *last,
                        const struct xb_record *rec, int moved,
                        unsigned *streak);

/* The agent removed its record (it stopped): forget its data. */
void dom_agent_gone(struct dom *d);
const struct xb_pol_sample *dom_latest(const struct dom *d);
/* The most used memory (guest frame, KiB) its agent reported over the
 * last DOM_PEAK_MS to 2 * DOM_PEAK_MS; 0 when none. */
uint64_t dom_peak_kb(const struct dom *d, uint64_t now);
/*
 * Whether the newest record, against the one before it, shows distress
 * that should not wait for the coalescing delay: an OOM kill, a memory
 * stall of at least DOM_DISTRESS_PSI_PERMILLE of the time between them
 * (the agent's own PSI trigger threshold), a swap-in burst of at least
 * DOM_DISTRESS_SWAPIN_PAGES, or used memory (swap included) grown by at
 * least DOM_DISTRESS_GROWTH_KB: a guest filling its memory that fast
 * will be swapping before a coalesced decision lands.  Counters that went
 * backwards (a restarted agent, a lying one) show nothing.
 */
/* q-drivers (BENCHMARKS.md): an intermittently stuck guest that let its
 * free memory go at once was OOM-killed 51 times when its job came back;
 * half an hour covers a batch job's period many times over. */
#define DOM_WARY_MS (30 * 60 * 1000)
/* The long peak spans the last one to two of these periods, ms: longer
 * than the slow cycles a guest repeats (a nightly job's hourly phases are
 * out of reach, a batch every few minutes or a JVM's full collection is
 * not), short enough that a guest whose demand fell is trusted again
 * within ten minutes. */
#define DOM_PEAK_MS (5 * 60 * 1000)
#define DOM_DISTRESS_PSI_PERMILLE 150
#define DOM_DISTRESS_SWAPIN_PAGES 1024
#define DOM_DISTRESS_GROWTH_KB (16 * 1024)
int dom_distress(const struct dom *d);

/* Whether its balloon can move now: running (hv.h), or migrating (a
 * suspend asked of it, which it may act on any moment: left alone too). */
static inline int
dom_running(const struct dom *d)
{
    return d->life == HV_RUNNING;
}

/* Progress and state, once per tick and after each target change.  A
 * domain that is not running keeps its state's clocks stopped. */
void dom_target_changed(struct dom *d, uint64_t target_kb, uint64_t now);
void dom_update_state(struct dom *d, const struct dom_limits *lim,
                      uint64_t now);
const char *dom_state_name(enum dom_state s);

/*
 * Make room (DESIGN.md): a domain reclaim may shrink is managed with its
 * agent speaking (not stuck, not silent); it can give its memory above
 * dom_floor_kb(), the larger of its min and the floor it was learnt not
 * to pass.  domtab_reclaimable() sums that over the table's donors (and
 * counts them in *ndonors, which may be NULL): with host free, the
 * reserve and other holds, what a hold could ever be met from.
 */
int dom_donor(const struct dom *d);
uint64_t dom_floor_kb(const struct dom *d);
uint64_t domtab_reclaimable(const struct domtab *t, unsigned *ndonors);

struct xb_config;
/* The limits above, from the config. */
struct dom_limits dom_limits_of(const struct xb_config *cfg);
/*
 * Resolves a domain's min, max, weight and exclusion from the config's
 * rules, its static-max, the default floor and the operator's `set`
 * overrides.  dom0 is excluded unless the config manages it.
 */
void dom_apply_rules(struct dom *d, const struct xb_config *cfg);

/*
 * Forgets the operator's `set` overrides: they last until a reload (or a
 * restart), as xenballoon-ctl(8) says, and the reloaded config rules.
 */
void dom_clear_overrides(struct dom *d);

/*
 * The default floor for a domain of static-max `maxmem_kb`: Linux's old
 * balloon minimum_target() heuristic (as xenballoond used), never below
 * `floor_kb`, never above maxmem.
 */
uint64_t dom_default_min(uint64_t maxmem_kb, uint64_t floor_kb);

#endif
