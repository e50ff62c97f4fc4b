/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The client half of xenballoon-ctl: everything except `daemon` and
 * `check-config` ends up here (see cli.c and xenballoon-ctl(8)).
 */
#ifndef XB_CTL_CLI_H
#define XB_CTL_CLI_H

/* Exit codes, documented in the man page. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILED 1      /* the daemon refused or the request failed */
#define CLI_EXIT_USAGE 2       /* bad command line */
#define CLI_EXIT_UNREACHABLE 3 /* no daemon, or it speaks another protocol */

/* argv as given to main(); returns the exit code. */
int cli_main(int argc, char **argv);
/* Whether a command's arguments ask for its usage: `--help` anywhere, or
 * `-h` first (so `reserve 1G --help` is not read as a size). */
int cli_wants_help(int argc, char **argv);

#endif
