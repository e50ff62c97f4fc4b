/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mutating commands, root only: set, pause, resume and reload
 * (reserve and release are in cmd_hold.c).  Each has its CLI parser, its daemon-side exec and its printer
 * side by side.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "daemon.h"
#include "quote.h"
#include "xmalloc.h"

static const char *const cmd_set_keys[] = { "min", "max", "weight", "exclude",
                                            NULL };

static int
cmd_set_key_ok(const char *key)
{
    for (size_t i = 0; cmd_set_keys[i] != NULL; i++) {
        if (strcmp(cmd_set_keys[i], key) == 0)
            return 1;
    }
    return 0;
}

/*
 * set DOMAIN min|max|weight|exclude VALUE
 */

static json_t *
cmd_set_parse(int argc, char **argv, char **cause)
{
    (void)argc;
    if (!cmd_set_key_ok(argv[1])) {
        xb_set_cause(cause, "unknown setting '%s' (min, max, weight, exclude)",
                     argv[1]);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:s}", "domain", argv[0], "key", argv[1],
                     "value", argv[2]);
}

static json_t *
cmd_set_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    static const struct cmd_arg spec[] = {
        { "domain", JSON_STRING, 1 },
        { "key", JSON_STRING, 1 },
        { "value", JSON_STRING, 1 },
        { NULL, 0, 0 },
    };
    const char *dom, *key, *value;

    if (cmd_check_args(args, spec, cause) != 0)
        return NULL;
    dom = json_string_value(json_object_get(args, "domain"));
    key = json_string_value(json_object_get(args, "key"));
    value = json_string_value(json_object_get(args, "value"));
    if (!cmd_set_key_ok(key)) {
        char *q = xb_quote(key);

        xb_set_cause(cause, "unknown setting %s", q);
        free(q);
        return NULL;
    }
    if (dmn_set(d, dom, key, value, cause) != 0)
        return NULL;
    return json_pack("{s:s, s:s, s:s}", "domain", dom, "key", key, "value",
                     value);
}

static void
cmd_set_print(FILE *out, const json_t *args, const json_t *res)
{
    (void)args;
    fprintf(out, "%s: %s set to %s\n",
            json_string_value(json_object_get(res, "domain")),
            json_string_value(json_object_get(res, "key")),
            json_string_value(json_object_get(res, "value")));
}

const struct cmd_entry cmd_set_entry = {
    .name = "set",
    .usage = "DOMAIN min|max|weight|exclude VALUE",
    .help = "change a domain's bounds, weight or exclusion",
    .flags = CMD_WRITE,
    .args_min = 3,
    .args_max = 3,
    .parse = cmd_set_parse,
    .exec = cmd_set_exec,
    .print = cmd_set_print,
};

/*
 * pause, resume
 */

static json_t *
cmd_pause_common(struct xb_daemon *d, json_t *args, int paused, char **cause)
{
    if (cmd_check_args(args, cmd_no_args, cause) != 0)
        return NULL;
    if (dmn_pause(d, paused) != 0) {
        xb_set_cause(cause, "cannot %s balancing", paused ? "pause" : "resume");
        return NULL;
    }
    return json_pack("{s:b}", "paused", paused);
}

static json_t *
cmd_pause_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    return cmd_pause_common(d, args, 1, cause);
}

static json_t *
cmd_resume_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    return cmd_pause_common(d, args, 0, cause);
}

static void
cmd_pause_print(FILE *out, const json_t *args, const json_t *res)
{
    (void)args;
    fprintf(out, "balancing %s\n",
            json_is_true(json_object_get(res, "paused")) ? "paused"
                                                         : "resumed");
}

const struct cmd_entry cmd_pause_entry = {
    .name = "pause",
    .usage = "",
    .help = "stop changing targets (the current ones stay)",
    .flags = CMD_WRITE,
    .exec = cmd_pause_exec,
    .print = cmd_pause_print,
};

const struct cmd_entry cmd_resume_entry = {
    .name = "resume",
    .usage = "",
    .help = "start balancing again after a pause",
    .flags = CMD_WRITE,
    .exec = cmd_resume_exec,
    .print = cmd_pause_print,
};

/*
 * reload
 */

static json_t *
cmd_reload_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    if (cmd_check_args(args, cmd_no_args, cause) != 0)
        return NULL;
    if (dmn_reload(d, cause) != 0)
        return NULL;
    return json_pack("{s:b}", "reloaded", 1);
}

static void
cmd_reload_print(FILE *out, const json_t *args, const json_t *res)
{
    (void)args;
    (void)res;
    fprintf(out, "configuration reloaded\n");
}

const struct cmd_entry cmd_reload_entry = {
    .name = "reload",
    .usage = "",
    .help = "re-read the config; keep the old one if bad",
    .flags = CMD_WRITE,
    .exec = cmd_reload_exec,
    .print = cmd_reload_print,
};
