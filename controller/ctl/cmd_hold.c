/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The make-room commands, root only: reserve (hold SIZE free, for a while
 * or until released, optionally waiting until it is met) and release.
 * Each has its CLI parser, its daemon-side exec and its printer side by
 * side.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "daemon.h"
#include "quote.h"
#include "xmalloc.h"

/*
 * reserve SIZE [--for DURATION] [--wait TIMEOUT] [--force]
 */

/* The longest a client may wait for a hold: the launcher's side of the
 * contract is "room within seconds or minutes", not hours. */
#define RESERVE_WAIT_MAX_S 3600

/* "--opt VALUE" or "--opt=VALUE" at argv[*i]: 1 and *val, 0 if argv[*i]
 * is not that option, -1 on a usage error. */
static int
opt_value(int argc, char **argv, int *i, const char *opt, const char **val,
          char **cause)
{
    size_t n = strlen(opt);

    if (strncmp(argv[*i], opt, n) != 0 ||
        (argv[*i][n] != '\0' && argv[*i][n] != '='))
        return 0;
    if (*val != NULL) {
        xb_set_cause(cause, "%s given twice", opt);
        return -1;
    }
    if (argv[*i][n] == '=') {
        *val = argv[*i] + n + 1;
        return 1;
    }
    if (*i + 1 == argc) {
        xb_set_cause(cause, "%s needs a value", opt);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

static json_t *
cmd_reserve_parse(int argc, char **argv, char **cause)
{
    const char *size = NULL, *dur = NULL, *wait = NULL;
    uint64_t kb, secs = 0, wait_s = 0;
    int force = 0, r;

    for (int i = 0; i < argc; i++) {
        if ((r = opt_value(argc, argv, &i, "--for", &dur, cause)) != 0 ||
            (r = opt_value(argc, argv, &i, "--wait", &wait, cause)) != 0) {
            if (r < 0)
                return NULL;
        } else if (strcmp(argv[i], "--force") == 0)
            force = 1;
        else if (size == NULL && argv[i][0] != '-')
            size = argv[i];
        else {
            xb_set_cause(cause, "unexpected argument '%s'", argv[i]);
            return NULL;
        }
    }
    if (size == NULL) {
        xb_set_cause(cause, "missing SIZE");
        return NULL;
    }
    if (cmd_parse_size(size, &kb, cause) != 0)
        return NULL;
    if (kb == 0) {
        xb_set_cause(cause, "SIZE must be more than zero");
        return NULL;
    }
    if (dur != NULL && cmd_parse_seconds(dur, &secs, cause) != 0)
        return NULL;
    if (wait != NULL) {
        if (cmd_parse_seconds(wait, &wait_s, cause) != 0)
            return NULL;
        if (wait_s == 0 || wait_s > RESERVE_WAIT_MAX_S) {
            xb_set_cause(cause, "--wait must be between 1s and %ds",
                         RESERVE_WAIT_MAX_S);
            return NULL;
        }
    }
    return json_pack("{s:I, s:I, s:b, s:I}", "size_kb", (json_int_t)kb, "for_s",
                     (json_int_t)secs, "force", force, "wait_ms",
                     (json_int_t)wait_s * 1000);
}

static json_t *
cmd_reserve_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    static const struct cmd_arg spec[] = {
        { "size_kb", JSON_INTEGER, 1 },
        { "for_s", JSON_INTEGER, 0 },
        { "force", JSON_TRUE, 0 },
        { "wait_ms", JSON_INTEGER, 0 },
        { NULL, 0, 0 },
    };
    json_int_t kb, secs = 0, wait = 0;

    if (cmd_check_args(args, spec, cause) != 0)
        return NULL;
    kb = json_integer_value(json_object_get(args, "size_kb"));
    if (json_object_get(args, "for_s") != NULL)
        secs = json_integer_value(json_object_get(args, "for_s"));
    if (json_object_get(args, "wait_ms") != NULL)
        wait = json_integer_value(json_object_get(args, "wait_ms"));
    if (kb <= 0 || secs < 0) {
        xb_set_cause(cause, "size_kb must be positive and for_s not negative");
        return NULL;
    }
    if (cmd_check_hold((uint64_t)secs, cause) < 0)
        return NULL;
    if (wait < 0 || wait > (json_int_t)RESERVE_WAIT_MAX_S * 1000) {
        xb_set_cause(cause, "wait_ms must be between 0 and %d",
                     RESERVE_WAIT_MAX_S * 1000);
        return NULL;
    }
    return dmn_reserve(d, (uint64_t)kb, (uint64_t)secs,
                       json_is_true(json_object_get(args, "force")), cause);
}

uint64_t
cmd_reserve_wait_ms(const json_t *args)
{
    json_int_t w = json_integer_value(json_object_get(args, "wait_ms"));

    return w > 0 ? (uint64_t)w : 0;
}

static void
cmd_reserve_print(FILE *out, const json_t *args, const json_t *res)
{
    const json_t *exp = json_object_get(res, "expires_in_ms");
    const json_t *eta = json_object_get(res, "eta_ms");
    const char *st = json_string_value(json_object_get(res, "state"));
    char sb[32], tb[32], fb[32], lb[32];

    cmd_fmt_size(sb, sizeof(sb), json_object_get(res, "size_kb"));
    if (json_is_integer(exp) && json_integer_value(exp) >= 0)
        cmd_fmt_ms(tb, sizeof(tb), (uint64_t)json_integer_value(exp));
    fprintf(out, "hold %lld: %s held out of balancing %s%s\n",
            (long long)json_integer_value(json_object_get(res, "id")), sb,
            json_is_integer(exp) ? "for " : "until released",
            json_is_integer(exp) ? tb : "");
    if (st != NULL && strcmp(st, "met") == 0) {
        fprintf(out, "met: %s is free%s\n", sb,
                cmd_reserve_wait_ms(args) ? "; start the guest now" : "");
        return;
    }
    cmd_fmt_size(fb, sizeof(fb), json_object_get(res, "free_kb"));
    cmd_fmt_size(lb, sizeof(lb), json_object_get(res, "shortfall_kb"));
    if (json_is_integer(eta))
        cmd_fmt_ms(tb, sizeof(tb), (uint64_t)json_integer_value(eta));
    fprintf(out, "%s: free %s now, %s short; %s%s\n", st ? st : "?", fb, lb,
            json_is_integer(eta) ? "met in about " : "no estimate",
            json_is_integer(eta) ? tb : "");
}

const struct cmd_entry cmd_reserve_entry = {
    .name = "reserve",
    .usage = "SIZE [--for DURATION] [--wait TIMEOUT] [--force]",
    .help = "free SIZE of host memory and hold it back",
    .flags = CMD_WRITE | CMD_WAIT,
    .args_min = 1,
    .args_max = 6,
    .parse = cmd_reserve_parse,
    .exec = cmd_reserve_exec,
    .print = cmd_reserve_print,
};

/*
 * release [ID]
 */

static json_t *
cmd_release_parse(int argc, char **argv, char **cause)
{
    unsigned long v;
    char *end;

    if (argc == 0)
        return json_pack("{s:i}", "id", 0);
    v = strtoul(argv[0], &end, 10);
    if (argv[0][0] < '0' || argv[0][0] > '9' || *end != '\0' ||
        v > 0xffffffffUL) {
        xb_set_cause(cause, "bad hold id '%s'", argv[0]);
        return NULL;
    }
    return json_pack("{s:I}", "id", (json_int_t)v);
}

static json_t *
cmd_release_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    static const struct cmd_arg spec[] = {
        { "id", JSON_INTEGER, 0 },
        { NULL, 0, 0 },
    };
    json_int_t id = 0;

    if (cmd_check_args(args, spec, cause) != 0)
        return NULL;
    if (json_object_get(args, "id") != NULL)
        id = json_integer_value(json_object_get(args, "id"));
    if (id < 0 || id > 0xffffffffLL) {
        xb_set_cause(cause, "bad hold id %lld", (long long)id);
        return NULL;
    }
    if (dmn_release(d, (unsigned)id, cause) != 0)
        return NULL;
    return json_pack("{s:I}", "released", id);
}

static void
cmd_release_print(FILE *out, const json_t *args, const json_t *res)
{
    json_int_t id = json_integer_value(json_object_get(res, "released"));

    (void)args;
    if (id == 0)
        fprintf(out, "released every hold\n");
    else
        fprintf(out, "released hold %lld\n", (long long)id);
}

const struct cmd_entry cmd_release_entry = {
    .name = "release",
    .usage = "[ID]",
    .help = "give back a hold (every hold without ID)",
    .flags = CMD_WRITE,
    .args_min = 0,
    .args_max = 1,
    .parse = cmd_release_parse,
    .exec = cmd_release_exec,
    .print = cmd_release_print,
};
