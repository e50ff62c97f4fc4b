/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's view of dom0: it watches memory/xenballoon/ (the status and
 * settings lines dom0 writes there, common/gstatus.h) on its own xenstore
 * connection, whose fd the main loop adds to its ppoll set, and keeps the
 * latest of each parsed and bounded.  It also answers "is a controller
 * running?": yes while the status line's heartbeat keeps changing, no once
 * it has been still for AG_YIELD_PERIODS of the daemon's own heartbeat
 * periods (or was never seen).  Like the publisher, it backs off and
 * reconnects when xenstored goes away; it never makes the agent exit.
 * A status line that goes away means no controller at once; any change of
 * a present line (even one it cannot parse, say from a newer daemon)
 * counts as a heartbeat.
 */
#ifndef XB_AGENT_VIEW_H
#define XB_AGENT_VIEW_H

#include <stdint.h>

#include "gstatus.h"

/*
 * A controller whose heartbeat has not moved for this many of its own
 * periods is gone: three missed heartbeats rule out one slow write.
 */
#define AG_YIELD_PERIODS 3

struct ag_view;

/* What changed in the last ag_view_event(). */
#define AG_VIEW_STATUS 0x1 /* status line (or its absence) */
#define AG_VIEW_TUNE 0x2   /* settings line (or its absence) */

struct ag_view *ag_view_create(void);
void ag_view_destroy(struct ag_view *v);

/*
 * Connects and registers the watch if not connected and the back-off
 * allows (now_ms monotonic).  0 connected, -1 not (yet).
 */
int ag_view_connect(struct ag_view *v, uint64_t now_ms);
/* The fd to poll for POLLIN, or -1 while disconnected. */
int ag_view_fd(const struct ag_view *v);
/* Drains watch events and rereads; returns AG_VIEW_* bits. */
unsigned ag_view_event(struct ag_view *v, uint64_t now_ms);

/* Reads both lines once (for --status and the first pass). */
unsigned ag_view_refresh(struct ag_view *v, uint64_t now_ms);

/* The latest valid status, or NULL (absent or rejected). */
const struct xb_gstatus *ag_view_status(const struct ag_view *v);
/* Why the present status line was rejected, or NULL. */
const char *ag_view_status_error(const struct ag_view *v);
/*
 * The settings line parsed over *base (the command line's values), with
 * the bits of the fields dom0 clamped or sent as garbage.  Returns 1 if a
 * settings line is present, 0 if not (*out = *base).
 */
int ag_view_tune(const struct ag_view *v, const struct xb_gtune *base,
                 struct xb_gtune *out, uint32_t *clamped, uint32_t *bad);
/* The raw settings line, or NULL. */
const char *ag_view_tune_raw(const struct ag_view *v);

/* Is a controller's heartbeat alive at now_ms? */
int ag_view_controller(const struct ag_view *v, uint64_t now_ms);
/* Milliseconds since the heartbeat last moved; UINT64_MAX if never. */
uint64_t ag_view_hb_age_ms(const struct ag_view *v, uint64_t now_ms);
/* Heartbeat changes seen since start (a counter). */
uint64_t ag_view_hb_count(const struct ag_view *v);

/* memory/static-max, KiB, read at connect; 0 if unknown. */
uint64_t ag_view_maxmem_kb(const struct ag_view *v);

#endif
