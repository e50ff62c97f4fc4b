/* SPDX-License-Identifier: GPL-2.0-only */
/* The `daemon` and `check-config` entry points, for main.c. */
#ifndef XB_CONTROLLER_DAEMON_MAIN_H
#define XB_CONTROLLER_DAEMON_MAIN_H

#define XB_DEFAULT_CONFIG "/etc/xenballoon/xenballoon.json"

struct xb_config;

int daemon_main(int argc, char **argv);
/* Loads a config, printing every error to stderr; NULL if invalid. */
struct xb_config *daemon_load_config(const char *path);

#endif
