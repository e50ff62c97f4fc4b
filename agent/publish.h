/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the agent's records go: the guest's own xenstore directory
 * (data/xenballoon/stats, plus XenServer's data/meminfo_total and
 * data/meminfo_free unless compat is off), or stdout for --dry-run.
 * The xenstore writer owns the connection: on any failure it drops it and
 * backs off exponentially before reconnecting, so a missing or restarting
 * xenstored never makes the agent spin or exit.
 */
#ifndef XB_AGENT_PUBLISH_H
#define XB_AGENT_PUBLISH_H

#include <stdint.h>

#include "record.h"

/* Relative paths: xenstore resolves them below /local/domain/<self>/. */
#define AG_XS_DIR "data/xenballoon"
#define AG_XS_STATS AG_XS_DIR "/stats"
#define AG_XS_COMPAT_TOTAL "data/meminfo_total"
#define AG_XS_COMPAT_FREE "data/meminfo_free"

/* Reconnect back-off, milliseconds: first retry, then doubling to the cap. */
#define AG_BACKOFF_MIN_MS 500
#define AG_BACKOFF_MAX_MS 30000

enum ag_pub_mode {
    AG_PUB_XENSTORE,
    AG_PUB_STDOUT,
};

struct ag_pub;

struct ag_pub *ag_pub_create(enum ag_pub_mode mode, int compat);

/*
 * Publishes one record at now_ms (monotonic).  Returns 0, or -1 if it was
 * not published: a failure (logged) or a back-off still running (errno
 * EAGAIN, not logged).  For stdout, -1 means stdout is gone.
 */
int ag_pub_write(struct ag_pub *p, const struct xb_record *r, uint64_t now_ms);

/* Turns the XenServer keys on or off (dom0's settings may change it). */
void ag_pub_set_compat(struct ag_pub *p, int compat);

/* Removes data/xenballoon so dom0 sees the agent leave.  0 or -1. */
int ag_pub_remove(struct ag_pub *p);

void ag_pub_destroy(struct ag_pub *p);

#endif
