/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The metrics' own state, shared between the counters and endpoint
 * (endpoint.c) and the exposition (expo.c): the decision counters and
 * latency histogram, and the HTTP server.  Only metrics/ includes it.
 */
#ifndef XB_METRICS_MET_PRIV_H
#define XB_METRICS_MET_PRIV_H

#include <stdint.h>

#include "metrics.h"

/*
 * Decision latency bucket bounds, ms (endpoint.c).  The settle delay (100
 * ms by default) sits in the middle; a tick (1 s) and above means a
 * decision waited on a rate limit; over 10 s something is wrong.
 */
#define MET_NBOUNDS 11
extern const uint64_t met_bounds_ms[MET_NBOUNDS];

/* The balancer's reasons as label values, indexed by enum bal_why
 * (expo.c). */
#define MET_NWHY (BAL_WITHDRAW + 1)
extern const char *const met_why[MET_NWHY];

/* The host's capacity figures of the snapshot (expo_cap.c). */
struct evbuffer;
void met_render_capacity(const json_t *cap, struct evbuffer *o);

struct xb_metrics {
    uint64_t decisions[MET_NWHY];
    uint64_t lat_le[MET_NBOUNDS]; /* observations <= bound, not cumulated */
    uint64_t lat_count;
    uint64_t lat_sum_ms;

    struct evhttp *http;
    struct evhttp_bound_socket *sock;
    struct xb_daemon *d;
    unsigned port;
};

#endif
