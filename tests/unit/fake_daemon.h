/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake daemon for the control-plane tests: implements daemon.h over
 * canned state so the protocol, the server and the commands can be tested
 * without the real core.  The hooks below let a test look inside.
 */
#ifndef XB_TESTS_FAKE_DAEMON_H
#define XB_TESTS_FAKE_DAEMON_H

#include <jansson.h>

struct xb_daemon;

struct xb_daemon *fake_daemon_create(void);
void fake_daemon_destroy(struct xb_daemon *d);

/* Sends an event to every monitor subscriber (event borrowed). */
void fake_daemon_emit(struct xb_daemon *d, json_t *event);
unsigned fake_daemon_monitors(const struct xb_daemon *d);

int fake_daemon_paused(const struct xb_daemon *d);
/* The last successful dmn_set as "dom key value", or "". */
const char *fake_daemon_last_set(const struct xb_daemon *d);
const char *fake_daemon_policy(const struct xb_daemon *d);
/* Makes the next dmn_reload fail (with a config error) or succeed. */
void fake_daemon_break_config(struct xb_daemon *d, int broken);
/* Answers the client waiting on a hold: met if it was of 1 GiB or less,
 * else not in time. */
void fake_daemon_hold_answer(struct xb_daemon *d);
/* Waiting clients that went away before their answer. */
unsigned fake_daemon_unwaited(const struct xb_daemon *d);

#endif
