/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command table itself, lookup, access rules, `help`, and the argument
 * helpers every command uses: checking an untrusted args object on the
 * daemon side and parsing sizes, durations and KEY=VALUE on the CLI side.
 * The commands live in cmd_query.c and cmd_daemon.c (read-only, but for
 * `policy NAME`), cmd_change.c and cmd_hold.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cfg_value.h"
#include "cmd.h"
#include "number.h"
#include "quote.h"
#include "xmalloc.h"

const struct cmd_entry *const cmd_table[] = {
    &cmd_daemon_entry,   &cmd_check_config_entry, &cmd_status_entry,
    &cmd_targets_entry,  &cmd_show_entry,         &cmd_set_entry,
    &cmd_policy_entry,   &cmd_pause_entry,        &cmd_resume_entry,
    &cmd_reload_entry,   &cmd_reserve_entry,      &cmd_release_entry,
    &cmd_capacity_entry, &cmd_monitor_entry,      &cmd_top_entry,
    &cmd_version_entry,  &cmd_help_entry,         NULL,
};

/* The two commands main() runs itself, listed here so that `help` and
 * `COMMAND --help` know them. */
const struct cmd_entry cmd_daemon_entry = {
    .name = "daemon",
    .usage = "[-fnv] [-c FILE]",
    .help = "run the controller (-n: check the config)",
    .flags = CMD_LOCAL,
    .args_min = 0,
    .args_max = -1,
};

const struct cmd_entry cmd_check_config_entry = {
    .name = "check-config",
    .usage = "FILE",
    .help = "check a configuration file and exit",
    .flags = CMD_LOCAL,
    .args_min = 1,
    .args_max = 1,
};

const struct cmd_entry cmd_help_entry = {
    .name = "help",
    .usage = "[COMMAND]",
    .help = "list the commands, or show how to use one",
    .flags = CMD_LOCAL,
    .args_min = 0,
    .args_max = 1,
};

const struct cmd_entry *
cmd_find(const char *name)
{
    for (size_t i = 0; cmd_table[i] != NULL; i++) {
        if (strcmp(cmd_table[i]->name, name) == 0)
            return cmd_table[i];
    }
    return NULL;
}

int
cmd_is_write(const struct cmd_entry *ce, const json_t *args)
{
    if (ce->flags & CMD_WRITE)
        return 1;
    if ((ce->flags & CMD_WRITE_ARGS) && args != NULL &&
        json_object_size(args) > 0)
        return 1;
    return 0;
}

static const char *
cmd_access_word(const struct cmd_entry *ce)
{
    if (ce->flags & CMD_LOCAL)
        return "client only";
    if (ce->flags & CMD_WRITE)
        return "needs root";
    if (ce->flags & CMD_WRITE_ARGS)
        return "read-only; changing needs root";
    return "read-only";
}

int
cmd_help(FILE *out, const char *name)
{
    const struct cmd_entry *ce;
    char *line;

    if (name != NULL) {
        ce = cmd_find(name);
        if (ce == NULL)
            return -1;
        fprintf(out, "usage: xenballoon-ctl %s%s%s\n%s (%s)\n", ce->name,
                *ce->usage != '\0' ? " " : "", ce->usage, ce->help,
                cmd_access_word(ce));
        return 0;
    }
    fprintf(out, "usage: xenballoon-ctl [-h] [--json] [-s PATH] COMMAND "
                 "[ARGS...]\n\ncommands:\n");
    for (size_t i = 0; cmd_table[i] != NULL; i++) {
        ce = cmd_table[i];
        xb_asprintf(&line, "%s %s", ce->name, ce->usage);
        if (strlen(line) > 30)
            fprintf(out, "  %s\n  %-30s %s\n", line, "", ce->help);
        else
            fprintf(out, "  %-30s %s\n", line, ce->help);
        free(line);
    }
    return 0;
}

const struct cmd_arg cmd_no_args[] = { { NULL, 0, 0 } };

int
cmd_check_args(const json_t *args, const struct cmd_arg *spec, char **cause)
{
    const char *key;
    json_t *v;
    const struct cmd_arg *a;
    json_type t;

    /* json_object_foreach takes a non-const object but only reads it. */
    json_object_foreach((json_t *)(uintptr_t)args, key, v) {
        for (a = spec; a->name != NULL; a++) {
            if (strcmp(a->name, key) == 0)
                break;
        }
        if (a->name == NULL) {
            char *q = xb_quote(key);

            xb_set_cause(cause, "unknown argument %s", q);
            free(q);
            return -1;
        }
        t = json_typeof(v);
        if (t == JSON_FALSE)
            t = JSON_TRUE;
        if (t != a->type) {
            xb_set_cause(cause, "argument \"%s\" must be %s", a->name,
                         cfg_type_name(a->type));
            return -1;
        }
    }
    for (a = spec; a->name != NULL; a++) {
        if (a->required && json_object_get(args, a->name) == NULL) {
            xb_set_cause(cause, "missing argument \"%s\"", a->name);
            return -1;
        }
    }
    return 0;
}

int
cmd_parse_size(const char *s, uint64_t *kb, char **cause)
{
    /* The shared parser (common/number.h); a bare number is KiB. */
    return xb_qty_parse_range(XB_QTY_SIZE, s, 1, 0, XB_SIZE_LIMIT, kb, cause);
}

int
cmd_check_hold(uint64_t secs, char **cause)
{
    char hi[XB_QTY_BUF];

    if (secs <= CMD_HOLD_MAX_S)
        return 0;
    xb_qty_format(XB_QTY_DURATION, CMD_HOLD_MAX_S * 1000, hi, sizeof(hi));
    xb_set_cause(cause, "%llus is out of range [0, %s]",
                 (unsigned long long)secs, hi);
    return -1;
}

int
cmd_parse_seconds(const char *s, uint64_t *secs, char **cause)
{
    uint64_t ms;

    /* The shared parser; a bare number is seconds. */
    if (xb_qty_parse(XB_QTY_DURATION, s, 1000, &ms, cause) < 0)
        return -1;
    if (ms % 1000 != 0) {
        char *q = xb_quote(s);

        xb_set_cause(cause, "%s is not a whole number of seconds", q);
        free(q);
        return -1;
    }
    if (cmd_check_hold(ms / 1000, cause) < 0)
        return -1;
    *secs = ms / 1000;
    return 0;
}

int
cmd_parse_param(json_t *obj, const char *kv, char **cause)
{
    const char *eq = strchr(kv, '=');
    char *key;
    json_t *v;

    if (eq == NULL || eq == kv) {
        xb_set_cause(cause, "expected KEY=VALUE, not '%s'", kv);
        return -1;
    }
    key = xb_strndup(kv, (size_t)(eq - kv));
    if (json_object_get(obj, key) != NULL) {
        xb_set_cause(cause, "parameter '%s' given twice", key);
        free(key);
        return -1;
    }
    /* 12, 0.5, true, "quoted" and {"a":1} are JSON; anything else is a
     * plain string (512M, fast). */
    v = json_loads(eq + 1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (v == NULL)
        v = json_string(eq + 1);
    if (v == NULL) {
        xb_set_cause(cause, "parameter '%s' is not valid UTF-8", key);
        free(key);
        return -1;
    }
    json_object_set_new(obj, key, v);
    free(key);
    return 0;
}
