/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's control server: the listening Unix socket, one bufferevent
 * per client, peer credentials and access control, request dispatch
 * through the command table (cmd.h) and monitor streaming.  The wire
 * format is in proto.h.
 *
 * Access: the peer's uid is read with SO_PEERCRED when it connects.  uid 0
 * (and the daemon's own uid) get read-write; members of the configured
 * socket group (primary or supplementary) get read-only; anyone else gets
 * an error and is disconnected.
 */
#ifndef XB_CTL_CONTROL_H
#define XB_CTL_CONTROL_H

#include "proto.h"

struct event_base;
struct xb_daemon;
struct ctl_server;

/* Most clients connected at once; more are turned away with an error. */
#define CTL_MAX_CLIENTS 64

/* A monitor client further behind than this (bytes not yet written) is
 * disconnected rather than letting its backlog grow without bound. */
#define CTL_MONITOR_BACKLOG (4 * 1024 * 1024)

/*
 * Sets up the socket at `path` (see ctl_listen) and starts accepting
 * clients on `base`.  `group` (NULL or "" for none) owns the socket and
 * gets read-only access.  NULL with *cause on failure.
 */
struct ctl_server *ctl_server_create(struct event_base *base,
                                     struct xb_daemon *d, const char *path,
                                     const char *group, char **cause);
/* Disconnects every client, closes and unlinks the socket. */
void ctl_server_destroy(struct ctl_server *srv);

/*
 * The socket setup, chrony/OpenBSD style: refuses a directory that is
 * group- or world-writable without the sticky bit or is owned by someone
 * other than root or us; creates a missing directory (0750, the group's);
 * refuses to take over a live daemon's socket; unlinks a stale one; binds
 * under a umask; chmod 0660 and chown to the group if there is one, else
 * chmod 0600.  Returns the listening
 * fd (non-blocking, close-on-exec), or -1 with *cause.
 */
int ctl_listen(const char *path, const char *group, char **cause);

/* Number of connected clients (tests, state dump). */
unsigned ctl_server_clients(const struct ctl_server *srv);

/* Tests only: treat every new peer as having `access` instead of looking
 * at its credentials (the test suite runs as root).  -1 restores. */
void ctl_server_force_access(struct ctl_server *srv, int access);

#endif
