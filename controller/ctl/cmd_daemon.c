/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The commands about the daemon itself: policy (read-only unless given a
 * name or parameters, when it changes the policy), monitor and version.
 * Each has its CLI parser, its daemon-side exec and its printer side by
 * side.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "daemon.h"
#include "proto.h"
#include "xmalloc.h"

/*
 * policy [NAME [KEY=VALUE ...]]
 */

static json_t *
cmd_policy_parse(int argc, char **argv, char **cause)
{
    json_t *params, *args;

    if (argc == 0)
        return json_object();
    params = json_object();
    for (int i = 1; i < argc; i++) {
        if (cmd_parse_param(params, argv[i], cause) != 0) {
            json_decref(params);
            return NULL;
        }
    }
    args = json_pack("{s:s, s:o}", "name", argv[0], "params", params);
    return args;
}

static json_t *
cmd_policy_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    static const struct cmd_arg spec[] = {
        { "name", JSON_STRING, 0 },
        { "params", JSON_OBJECT, 0 },
        { NULL, 0, 0 },
    };
    json_t *name, *params;
    int rc;

    if (cmd_check_args(args, spec, cause) != 0)
        return NULL;
    name = json_object_get(args, "name");
    params = json_object_get(args, "params");
    if (name == NULL && params != NULL) {
        xb_set_cause(cause, "\"params\" without a policy \"name\"");
        return NULL;
    }
    if (name != NULL) {
        params = params != NULL ? json_incref(params) : json_object();
        rc = dmn_policy_set(d, json_string_value(name), params, cause);
        json_decref(params);
        if (rc != 0)
            return NULL;
    }
    return dmn_policy(d);
}

static void
cmd_policy_print(FILE *out, const json_t *args, const json_t *res)
{
    char vb[256];
    const char *key;
    json_t *v;
    const json_t *params = json_object_get(res, "params");

    if (json_object_get(args, "name") != NULL)
        fprintf(out, "policy switched\n");
    fprintf(out, "policy: %s\n",
            cmd_fmt_value(vb, sizeof(vb), NULL, json_object_get(res, "name")));
    if (json_is_string(json_object_get(res, "summary")))
        fprintf(out, "  %s\n",
                json_string_value(json_object_get(res, "summary")));
    if (json_object_size(params) > 0)
        fprintf(out, "parameters:\n");
    json_object_foreach((json_t *)(uintptr_t)params, key, v) {
        fprintf(out, "  %s = %s\n", key,
                cmd_fmt_value(vb, sizeof(vb), NULL, v));
    }
}

const struct cmd_entry cmd_policy_entry = {
    .name = "policy",
    .usage = "[NAME [KEY=VALUE ...]]",
    .help = "show the active policy, or switch policy",
    .flags = CMD_WRITE_ARGS,
    .args_min = 0,
    .args_max = -1,
    .parse = cmd_policy_parse,
    .exec = cmd_policy_exec,
    .print = cmd_policy_print,
};

/*
 * monitor: the streaming itself is the server's and the CLI's business;
 * the command only says yes.
 */

static json_t *
cmd_monitor_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    (void)d;
    if (cmd_check_args(args, cmd_no_args, cause) != 0)
        return NULL;
    return json_object();
}

void
cmd_print_event(FILE *out, const json_t *ev)
{
    const json_t *ts = json_object_get(ev, "ts_ms");
    char tb[32], kb[64], vb[256];
    struct timespec now;
    struct tm tm;
    long long ms;
    time_t secs;
    const char *key;
    json_t *v;

    /* Wall-clock stamps print as local time, anything smaller (a
     * monotonic clock) as seconds. */
    if (json_is_integer(ts) && json_integer_value(ts) < 1000000000000LL &&
        json_integer_value(ts) >= 0) {
        ms = json_integer_value(ts);
        snprintf(tb, sizeof(tb), "%lld.%03lld", ms / 1000, ms % 1000);
    } else {
        if (json_is_integer(ts))
            ms = json_integer_value(ts);
        else {
            clock_gettime(CLOCK_REALTIME, &now);
            ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
        }
        secs = (time_t)(ms / 1000);
        localtime_r(&secs, &tm);
        strftime(tb, sizeof(tb), "%H:%M:%S", &tm);
        snprintf(tb + strlen(tb), sizeof(tb) - strlen(tb), ".%03lld",
                 ms % 1000);
    }
    fprintf(out, "%s %s", tb,
            cmd_fmt_value(vb, sizeof(vb), NULL, json_object_get(ev, "event")));
    json_object_foreach((json_t *)(uintptr_t)ev, key, v) {
        if (strcmp(key, "ts_ms") == 0 || strcmp(key, "event") == 0)
            continue;
        fprintf(out, " %s=%s", cmd_bare_key(kb, sizeof(kb), key),
                cmd_fmt_value(vb, sizeof(vb), key, v));
    }
    fputc('\n', out);
}

const struct cmd_entry cmd_monitor_entry = {
    .name = "monitor",
    .usage = "",
    .help = "print decisions and events as they happen",
    .flags = CMD_STREAM,
    .exec = cmd_monitor_exec,
};

/*
 * version
 */

static json_t *
cmd_version_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    if (cmd_check_args(args, cmd_no_args, cause) != 0)
        return NULL;
    return dmn_version(d);
}

static void
cmd_version_print(FILE *out, const json_t *args, const json_t *res)
{
    char b[4][64];
    const json_t *up = json_object_get(res, "uptime_ms");

    (void)args;
    fprintf(out, "client  xenballoon-ctl %s, protocol %d\n", XB_VERSION,
            XB_PROTO_VERSION);
    fprintf(out, "daemon  xenballoon %s, protocol %s, backend %s, up %s\n",
            cmd_fmt_value(b[0], sizeof(b[0]), NULL,
                          json_object_get(res, "version")),
            cmd_fmt_value(b[1], sizeof(b[1]), NULL,
                          json_object_get(res, "protocol")),
            cmd_fmt_value(b[2], sizeof(b[2]), NULL,
                          json_object_get(res, "backend")),
            cmd_fmt_value(b[3], sizeof(b[3]), "uptime_ms", up));
}

const struct cmd_entry cmd_version_entry = {
    .name = "version",
    .usage = "",
    .help = "show the client's and the daemon's versions",
    .exec = cmd_version_exec,
    .print = cmd_version_print,
};
