/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Observability on the daemon side: the decision counters and latency
 * histogram the daemon feeds (daemon.h: dmn_on_decision), and the
 * Prometheus endpoint (libevent's evhttp, off unless the config
 * sets metrics_listen) that renders all of it in the text exposition
 * format.  Rendering works on a dmn_metrics() snapshot, so it can be
 * tested without a daemon.
 */
#ifndef XB_METRICS_METRICS_H
#define XB_METRICS_METRICS_H

#include <stdint.h>

#include <jansson.h>

#include "balancer.h"
#include "rates.h"

struct event_base;
struct evbuffer;
struct xb_daemon;

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
