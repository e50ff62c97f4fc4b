/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * capacity [--within DURATION]: what a fleet scheduler asks of a host
 * (daemon.h: dmn_capacity) before it starts a guest there: guaranteed,
 * committed and used memory, what could be freed and how soon, and the
 * largest guest admittable within DURATION (30 s unless told).
 * Read-only.  Its CLI parser, daemon-side exec and printer.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "daemon.h"
#include "xmalloc.h"

/* The longest horizon asked: an hour, as reserve --wait allows. */
#define CAPACITY_WITHIN_MAX_S 3600
/* Unless told, ms (capacity.h's CAP_WITHIN_DEFAULT_MS). */
#define CAPACITY_WITHIN_DEFAULT_MS 30000

static json_t *
cmd_capacity_parse(int argc, char **argv, char **cause)
{
    const char *within = NULL;
    uint64_t secs;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--within") == 0 && i + 1 < argc)
            within = argv[++i];
        else if (strncmp(argv[i], "--within=", 9) == 0)
            within = argv[i] + 9;
        else {
            xb_set_cause(cause, "unexpected argument '%s'", argv[i]);
            return NULL;
        }
    }
    if (within == NULL)
        return json_object();
    if (cmd_parse_seconds(within, &secs, cause) != 0)
        return NULL;
    if (secs > CAPACITY_WITHIN_MAX_S) {
        xb_set_cause(cause, "--within must be at most %ds",
                     CAPACITY_WITHIN_MAX_S);
        return NULL;
    }
    return json_pack("{s:I}", "within_ms", (json_int_t)secs * 1000);
}

static json_t *
cmd_capacity_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    static const struct cmd_arg spec[] = {
        { "within_ms", JSON_INTEGER, 0 },
        { NULL, 0, 0 },
    };
    json_t *w;
    json_int_t ms = CAPACITY_WITHIN_DEFAULT_MS;

    if (cmd_check_args(args, spec, cause) != 0)
        return NULL;
    if ((w = json_object_get(args, "within_ms")) != NULL) {
        ms = json_integer_value(w);
        if (ms < 0 || ms > (json_int_t)CAPACITY_WITHIN_MAX_S * 1000) {
            xb_set_cause(cause, "\"within_ms\" must be 0 to %d",
                         CAPACITY_WITHIN_MAX_S * 1000);
            return NULL;
        }
    }
    return dmn_capacity(d, (uint64_t)ms);
}

static const char *
size_of(char *buf, size_t len, const json_t *res, const char *key)
{
    return cmd_fmt_size(buf, len, json_object_get(res, key));
}

static void
cmd_capacity_print(FILE *out, const json_t *args, const json_t *res)
{
    char a[32], b[32], c[32], t[32];
    const json_t *rms = json_object_get(res, "reclaim_ms");
    const char *level = json_string_value(json_object_get(res, "pressure"));

    (void)args;
    fprintf(out, "host:         %s total, %s free, reserve %s, held %s\n",
            size_of(a, sizeof(a), res, "total_kb"),
            size_of(b, sizeof(b), res, "free_kb"),
            size_of(c, sizeof(c), res, "reserve_kb"),
            size_of(t, sizeof(t), res, "held_kb"));
    fprintf(out, "guaranteed:   %s (sum of min)\n",
            size_of(a, sizeof(a), res, "guaranteed_kb"));
    fprintf(out, "committed:    %s (sum of targets)\n",
            size_of(a, sizeof(a), res, "committed_kb"));
    fprintf(out, "in use:       %s (sum of needs)\n",
            size_of(a, sizeof(a), res, "in_use_kb"));
    fprintf(out, "available:    %s now\n",
            size_of(a, sizeof(a), res, "available_kb"));
    if (json_is_integer(rms))
        cmd_fmt_ms(t, sizeof(t), (uint64_t)json_integer_value(rms));
    fprintf(out, "reclaimable:  %s from %lld domains%s%s\n",
            size_of(a, sizeof(a), res, "reclaimable_kb"),
            (long long)json_integer_value(json_object_get(res, "donors")),
            json_is_integer(rms) ? ", in about " : "",
            json_is_integer(rms) ? t : "");
    cmd_fmt_ms(t, sizeof(t),
               (uint64_t)json_integer_value(json_object_get(res, "within_ms")));
    fprintf(out, "admittable:   %s within %s%s\n",
            size_of(a, sizeof(a), res, "admittable_kb"), t,
            json_is_true(json_object_get(res, "paused"))
                ? " (balancing paused: nothing reclaimed)"
                : "");
    fprintf(out, "pressure:     %s\n", level != NULL ? level : "?");
}

const struct cmd_entry cmd_capacity_entry = {
    .name = "capacity",
    .usage = "[--within DURATION]",
    .help = "what a new guest could get here, how soon",
    .flags = 0,
    .args_min = 0,
    .args_max = 2,
    .parse = cmd_capacity_parse,
    .exec = cmd_capacity_exec,
    .print = cmd_capacity_print,
};
