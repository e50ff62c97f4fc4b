/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control command table, shared by the daemon's server and the CLI so
 * that names, usage, help and access rules cannot drift apart.  Each entry
 * carries both halves of a command: the CLI side turns argv into the
 * request's "args" object and prints the result for people; the daemon
 * side checks the (untrusted) args and calls the daemon (daemon.h).
 */
#ifndef XB_CTL_CMD_H
#define XB_CTL_CMD_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct xb_daemon;

/* Entry flags. */
#define CMD_WRITE 0x1      /* changes the daemon: root only */
#define CMD_WRITE_ARGS 0x2 /* changes the daemon when given arguments */
#define CMD_STREAM 0x4     /* streams events after the reply (monitor) */
#define CMD_LOCAL 0x8      /* runs in the client only (help) */
#define CMD_WAIT 0x10      /* may answer late: reserve --wait (args wait_ms) */

struct cmd_entry {
    const char *name;
    const char *usage; /* arguments after the name, "" if none */
    const char *help;  /* at most 46 columns, no full stop */
    int flags;
    int args_min; /* CLI argument count bounds; args_max -1 = any */
    int args_max;

    /* CLI: argv after the command name -> args object (new reference);
     * NULL with *cause for a usage error.  NULL parse = no arguments. */
    json_t *(*parse)(int argc, char **argv, char **cause);
    /* Daemon: args (borrowed, an object) -> result (new reference);
     * NULL with *cause if refused.  NULL for CMD_LOCAL entries. */
    json_t *(*exec)(struct xb_daemon *d, json_t *args, char **cause);
    /* CLI: result for people.  args is what was sent. */
    void (*print)(FILE *out, const json_t *args, const json_t *result);
    /* CLI: runs the whole command in the client, with its own connection
     * to `path` and its own loop (top); argv[0] is the command name.
     * Returns the exit code.  NULL: one request, exec and print. */
    int (*run)(const char *path, int json, int argc, char **argv);
};

/* NULL-terminated, in the order `help` lists them. */
extern const struct cmd_entry *const cmd_table[];

const struct cmd_entry *cmd_find(const char *name);
/* Whether this request needs read-write access. */
int cmd_is_write(const struct cmd_entry *ce, const json_t *args);
/* `help [COMMAND]`: the command list, or one command's usage.  0, or -1
 * if there is no such command. */
int cmd_help(FILE *out, const char *name);
/* One monitor event as one human line. */
void cmd_print_event(FILE *out, const json_t *event);

/* The entries, defined in cmd_query.c, cmd_daemon.c, cmd_change.c,
 * cmd_hold.c and cmd_capacity.c. */
extern const struct cmd_entry cmd_daemon_entry;
extern const struct cmd_entry cmd_check_config_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_targets_entry;
extern const struct cmd_entry cmd_show_entry;
extern const struct cmd_entry cmd_policy_entry;
extern const struct cmd_entry cmd_monitor_entry;
extern const struct cmd_entry cmd_version_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_set_entry;
extern const struct cmd_entry cmd_pause_entry;
extern const struct cmd_entry cmd_resume_entry;
extern const struct cmd_entry cmd_reload_entry;
extern const struct cmd_entry cmd_reserve_entry;
extern const struct cmd_entry cmd_release_entry;
extern const struct cmd_entry cmd_top_entry;
extern const struct cmd_entry cmd_capacity_entry;

/*
 * Helpers shared by the command files: argument checking and parsing
 * (cmd.c), human formatting and tables (cmd_fmt.c).
 */

/* One allowed member of a request's args. */
struct cmd_arg {
    const char *name;
    json_type type; /* JSON_INTEGER, JSON_STRING, JSON_OBJECT, ... */
    int required;
};

/* The spec of a command that takes no arguments (cmd.c). */
extern const struct cmd_arg cmd_no_args[];
/* Checks args against a NULL-name-terminated list: every member known,
 * of the right type, the required ones present.  0 or -1 with *cause. */
int cmd_check_args(const json_t *args, const struct cmd_arg *spec,
                   char **cause);

/* Ten years: the longest hold, seconds; its milliseconds (3.2e11) are far
 * from overflowing anything. */
#define CMD_HOLD_MAX_S (UINT64_C(3650) * 24 * 3600)

/* "256M", "1.5G", "2048" (KiB), "64MiB" -> KiB, through the shared parser
 * (common/number.h).  0 or -1 with *cause. */
int cmd_parse_size(const char *s, uint64_t *kb, char **cause);
/* A CMD_WAIT request's wait in ms (0: answer at once). */
uint64_t cmd_reserve_wait_ms(const json_t *args);
/* "90", "90s", "5m", "2h", "1d" -> whole seconds, at most CMD_HOLD_MAX_S.
 * 0 or -1 with *cause. */
int cmd_parse_seconds(const char *s, uint64_t *secs, char **cause);
/* A hold's duration from a client, seconds: 0 if at most CMD_HOLD_MAX_S,
 * else -1 with *cause. */
int cmd_check_hold(uint64_t secs, char **cause);
/* KEY=VALUE -> member of obj: VALUE as JSON if it is JSON, else as a
 * string.  0 or -1 with *cause. */
int cmd_parse_param(json_t *obj, const char *kv, char **cause);

/* KiB as MiB with one decimal and an M ("1024.0M"); "-" for a missing
 * value.  Returns buf. */
char *cmd_fmt_size(char *buf, size_t len, const json_t *kb);
/* Milliseconds as "850ms", "12.5s", "3m20s", "2h05m", "4d03h". */
char *cmd_fmt_ms(char *buf, size_t len, uint64_t ms);
/* Any JSON value in one short human form (sizes if key ends in _kb,
 * durations if in _ms).  Returns buf. */
char *cmd_fmt_value(char *buf, size_t len, const char *key, const json_t *v);
/* key without a _kb/_ms unit suffix, for human output.  Returns buf. */
const char *cmd_bare_key(char *buf, size_t len, const char *key);

/*
 * A small text table: add rows of cells, then print with every column as
 * wide as its widest cell.  Column `shrink` (or -1) is cut so a row fits in
 * `width` columns.  Numbers (right-aligned) are flagged per column.
 */
struct cmd_tbl;
struct cmd_tbl *cmd_tbl_create(int ncols, const char *const *header,
                               const int *right_align);
void cmd_tbl_add(struct cmd_tbl *t, const char *const *cells);
void cmd_tbl_print(struct cmd_tbl *t, FILE *out, int shrink, int width);
void cmd_tbl_destroy(struct cmd_tbl *t);

#endif
