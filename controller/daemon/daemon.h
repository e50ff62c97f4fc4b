/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon core's one interface: its lifecycle (for daemon_main.c), and
 * the queries and changes the control server and the metrics use.  Every
 * query returns a new JSON reference in the shapes documented below (they
 * are also the CLI's --json output); every change returns 0, or -1 with
 * *cause (caller frees) saying why it was refused.  Sizes are KiB, times
 * milliseconds.  How answers are formatted for people is not its concern.
 */
#ifndef XB_DAEMON_DAEMON_H
#define XB_DAEMON_DAEMON_H

#include <stdint.h>

#include <jansson.h>

#include "balancer.h"

struct event_base;
struct xb_config;
struct xb_daemon;

/*
 * dmn_create takes the validated config (its ownership too, even on
 * failure), makes the event loop, opens the backend and learns the
 * domains; NULL with *cause when it cannot.  dmn_run dispatches until
 * SIGTERM or SIGINT; dmn_destroy frees everything.  Whoever wires a
 * control server or metrics onto dmn_base() destroys them first.
 */
struct xb_daemon *dmn_create(struct xb_config *cfg, char **cause);
void dmn_run(struct xb_daemon *d);
void dmn_destroy(struct xb_daemon *d);
struct event_base *dmn_base(struct xb_daemon *d);
/* The config in force (it changes on reload). */
const struct xb_config *dmn_config(const struct xb_daemon *d);
/* Called once per target change of kind `why`, issued latency_ms after
 * the event that triggered its rebalance (the metrics' counters). */
typedef void (*dmn_decision_cb)(void *arg, enum bal_why why,
                                uint64_t latency_ms);
void dmn_on_decision(struct xb_daemon *d, dmn_decision_cb cb, void *arg);

/*
 * {"host": {"total_kb","free_kb","reserve_kb","promised_kb","held_kb",
 *           "available_kb"},
 *  "holds": [ {"id","size_kb","state" (pending|met|short|expired),
 *              "shortfall_kb" (not free yet), "unreachable_kb" (of which
 *              no cooperative domain can give), "age_ms", "expires_in_ms"
 *              (null: until released), "eta_ms" (null unless pending)} ],
 *  "policy": "pressure", "backend": "xen", "paused": false,
 *  "xenstore": "ok"|"lost",
 *  "domains": [ {"domid","name","actual_kb","target_kb","need_kb",
 *                "min_kb","max_kb","weight","state","reason",
 *                "record_age_ms" (null if never),
 *                "pressure" (PSI some stall, ms per second),
 *                "swapin_rate" (pages per second)} ... ] }   sorted by domid
 * state is one of: managed, no-agent, stale, stuck, uncooperative,
 * excluded.  pressure and swapin_rate are null when unknown (no agent,
 * stale, fewer than two records, a kernel without PSI); see rates.h.
 */
json_t *dmn_status(struct xb_daemon *d);
/* What the metrics endpoint exports: dmn_status plus "version",
 * "uptime_ms", "rebalances", and per domain "swapout_rate", "psi_some_us",
 * "pswpin", "pswpout" (the latest record's counters, null if unknown),
 * "records_accepted", "records_rejected", "records_suspicious",
 * "records_throttled", "target_failures", "stuck", "uncooperative",
 * "excluded"; and "capacity", dmn_capacity within
 * CAP_WITHIN_DEFAULT_MS. */
json_t *dmn_metrics(struct xb_daemon *d);
/*
 * The host's capacity for a fleet scheduler (capacity.h): {"total_kb",
 * "free_kb", "reserve_kb", "held_kb", "promised_kb", "available_kb",
 * "guaranteed_kb" (sum of min), "committed_kb" (of targets), "in_use_kb"
 * (of needs), "reclaimable_kb", "reclaim_ms" (null: cannot), "donors",
 * "admittable_kb" (the largest guest that could start within within_ms
 * without pushing a running guest below its need), "within_ms",
 * "paused", "pressure" (ok|tight|critical)}.  The sums are over the
 * balanced domains (not excluded, dom0 among them).
 */
json_t *dmn_capacity(struct xb_daemon *d, uint64_t within_ms);
/* [ {"domid","name","target_kb","actual_kb"} ... ] */
json_t *dmn_targets(struct xb_daemon *d);
/* Everything about one domain (name or domid): status fields plus
 * "record" (parsed last record, object of named fields), "raw_record",
 * "records_accepted", "records_rejected", "last_reject",
 * "records_suspicious", "last_suspicious" (domain.h), "history" ...
 * NULL with *cause if no such domain. */
json_t *dmn_show(struct xb_daemon *d, const char *dom, char **cause);
/* key: "min", "max" (sizes), "weight" (1..10000), "exclude" (0|1). */
int dmn_set(struct xb_daemon *d, const char *dom, const char *key,
            const char *value, char **cause);
/* {"name","summary","params":{...}} */
json_t *dmn_policy(struct xb_daemon *d);
int dmn_policy_set(struct xb_daemon *d, const char *name, json_t *params,
                   char **cause);
int dmn_pause(struct xb_daemon *d, int paused);
int dmn_reload(struct xb_daemon *d, char **cause);
/*
 * Frees size_kb and holds it out of balancing for `secs` (0 = until
 * released).  Refused when it could never be met (free - reserve - other
 * holds + what cooperative domains hold above their floors), unless
 * `force`.  Result: {"id", "size_kb", "expires_in_ms"|null, "state"
 * (pending|met|short), "free_kb", "shortfall_kb" (not free yet),
 * "possible_kb" (the most that could be held), "eta_ms" (estimate until
 * met; null if it cannot be)}.
 */
json_t *dmn_reserve(struct xb_daemon *d, uint64_t size_kb, uint64_t secs,
                    int force, char **cause);
/* id 0 releases every hold. */
int dmn_release(struct xb_daemon *d, unsigned id, char **cause);
/*
 * A client waiting for hold `id` to be met: cb(arg, result, NULL) once it
 * is (result: the hold's status entry, a new reference the callback
 * owns), or cb(arg, NULL, message) when `wait_ms` pass first, it expires
 * or it is released; a hold not met in time is dropped.  The callback
 * must not call back into the daemon.  -1 if there is no such hold.
 * dmn_hold_unwait: the client went away; the holds it waited on go too.
 */
typedef void (*dmn_hold_cb)(void *arg, json_t *result, const char *error);
int dmn_hold_wait(struct xb_daemon *d, unsigned id, uint64_t wait_ms,
                  dmn_hold_cb cb, void *arg);
void dmn_hold_unwait(struct xb_daemon *d, dmn_hold_cb cb, void *arg);
/* {"version","protocol","backend","uptime_ms"} */
json_t *dmn_version(struct xb_daemon *d);

/*
 * Monitor subscribers receive one JSON object per decision or event:
 * {"ts_ms", "event": "target"|"domain-new"|"domain-gone"|"stuck"|
 *  "uncooperative"|"reject"|"reload"|"xenstore", ...}.
 * The callback must not call back into the daemon.
 */
typedef void (*dmn_monitor_cb)(void *arg, json_t *event);
void dmn_monitor_add(struct xb_daemon *d, dmn_monitor_cb cb, void *arg);
void dmn_monitor_remove(struct xb_daemon *d, dmn_monitor_cb cb, void *arg);

#endif
