/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CLI's side of the control socket: connect, check the greeting, send
 * a request and wait for its reply, read streamed events.  Blocking, with
 * a timeout, no libevent: the CLI does one thing and exits.
 */
#ifndef XB_CTL_CLIENT_H
#define XB_CTL_CLIENT_H

#include <stddef.h>

#include <jansson.h>

#include "proto.h"

/* How long a request may take before the client gives up, ms.  A reload
 * that parses a big config is the slowest command. */
#define XB_CLIENT_TIMEOUT_MS 30000

/* Return values, chosen to be the CLI's exit codes. */
#define CLIENT_OK 0
#define CLIENT_FAILED 1      /* the daemon refused or the request failed */
#define CLIENT_UNREACHABLE 3 /* no socket, refused, bad greeting */

struct ctl_conn;

/*
 * Connects to the daemon at path and reads its greeting.  CLIENT_OK with
 * *conn_r, or CLIENT_UNREACHABLE / CLIENT_FAILED (the daemon turned us
 * away) with *cause.
 */
int ctl_conn_open(const char *path, int timeout_ms, struct ctl_conn **conn_r,
                  char **cause);
void ctl_conn_close(struct ctl_conn *conn);
const struct proto_greeting *ctl_conn_greeting(const struct ctl_conn *conn);

/*
 * Sends one request (args borrowed, NULL = {}) and waits for its reply,
 * skipping any event lines.  CLIENT_OK with *result_r (new reference), or
 * CLIENT_FAILED with *cause (the daemon's error text, or what went wrong
 * on the connection).
 */
int ctl_conn_call(struct ctl_conn *conn, const char *cmd, const json_t *args,
                  json_t **result_r, char **cause);

/*
 * Reads the next line (without '\n') into *line_r (valid until the next
 * read) and *len_r; timeout_ms < 0 waits forever.  0; 1 at end of stream;
 * -1 with *cause (timeout, error, oversized, EINTR).
 */
int ctl_conn_readline(struct ctl_conn *conn, int timeout_ms,
                      const char **line_r, size_t *len_r, char **cause);

#endif
