/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Observability on the daemon side: the per-domain rates that `status`,
 * `top` and the metrics show (PSI stall and swap traffic, from the agent
 * history), the decision counters and latency histogram the daemon feeds,
 * and the Prometheus endpoint (libevent's evhttp, off unless the config
 * sets metrics_listen) that renders all of it in the text exposition
 * format.  Rendering works on a dmn_metrics() snapshot, so it can be
 * tested without a daemon.
 */
#ifndef XB_CONTROLLER_METRICS_H
#define XB_CONTROLLER_METRICS_H

#include <stdint.h>

#include <jansson.h>

#include "balancer.h"
#include "policy.h"

struct event_base;
struct evbuffer;
struct xb_daemon;

/*
 * Rates span the newest sample and the oldest one of the same agent run
 * within this window, ms: PSI's own avg10 horizon, and one agent heartbeat
 * (10 s), so an idle agent's two latest records still give a rate.
 */
#define MET_RATE_WINDOW_MS 10000
/*
 * Samples the daemon keeps per domain whatever the policy asks for, so the
 * rates exist under every policy: the window at one record per second plus
 * a few for bursts.  At most XB_POL_HISTORY_MAX.
 */
#define MET_HISTORY_MIN 16

struct met_rates {
    double pressure; /* PSI "some" memory stall, ms per second */
    double swapin;   /* pages per second */
    double swapout;  /* pages per second */
    int has_pressure, has_swapin, has_swapout; /* 0: unknown */
};

/*
 * Rates over hist[0 .. n - 1] (oldest first, as struct dom keeps it):
 * between the newest sample and the oldest one within window_ms of it (at
 * least the one before it) of the same agent run (seq increasing) whose
 * counters have not gone backwards.  A field is unknown when either end
 * lacks it or fewer than two samples qualify.  The rate itself is
 * xb_rate()'s (common/rate.h): overflow-safe and within its physical range.
 */
void met_rates(const struct xb_pol_sample *hist, unsigned n, uint64_t window_ms,
               struct met_rates *out);

/* How many samples to keep per domain for a policy that asks for `want`. */
unsigned met_history(unsigned want);

struct xb_metrics;

struct xb_metrics *met_create(void);
/* Stops the endpoint, if any, and frees everything. */
void met_destroy(struct xb_metrics *m);

/* One target change of kind `why`, issued latency_ms after the event that
 * triggered its rebalance. */
void met_decision(struct xb_metrics *m, enum bal_why why, uint64_t latency_ms);

/*
 * Serves GET /metrics on `listen` ("host:port", "[v6]:port" or a bare port
 * on the loopback address; see cfg_parse_listen).  Each scrape renders a
 * dmn_metrics(d) snapshot.  0, or -1 with *cause.
 */
int met_listen(struct xb_metrics *m, struct event_base *base,
               struct xb_daemon *d, const char *listen, char **cause);
/* The port the endpoint is bound to (useful with port 0), or 0. */
unsigned met_port(const struct xb_metrics *m);

/* Appends the exposition text for `snap` (dmn_metrics' shape) to out. */
void met_render(const struct xb_metrics *m, const json_t *snap,
                struct evbuffer *out);

#endif
