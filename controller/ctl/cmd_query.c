/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The read-only commands about the domains: status, targets and show
 * (policy, monitor and version are in cmd_daemon.c).  Each has its CLI
 * parser, its daemon-side exec and its printer side by side.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "daemon.h"
#include "proto.h"
#include "xmalloc.h"

#define CMD_WIDTH 80 /* terminal columns the tables are sized for */

/*
 * status
 */

static json_t *
cmd_status_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    if (cmd_check_args(args, cmd_no_args, cause) != 0)
        return NULL;
    return dmn_status(d);
}

/* "hold 3: 1024.0M pending, 300.0M short, met in about 4.2s". */
static void
cmd_print_holds(FILE *out, const json_t *holds)
{
    const json_t *h, *eta;
    char sb[32], lb[32], tb[32];
    size_t i;

    json_array_foreach(holds, i, h) {
        cmd_fmt_size(sb, sizeof(sb), json_object_get(h, "size_kb"));
        cmd_fmt_size(lb, sizeof(lb), json_object_get(h, "shortfall_kb"));
        eta = json_object_get(h, "eta_ms");
        if (json_is_integer(eta))
            cmd_fmt_ms(tb, sizeof(tb), (uint64_t)json_integer_value(eta));
        fprintf(out, "hold %lld: %s %s",
                (long long)json_integer_value(json_object_get(h, "id")), sb,
                json_string_value(json_object_get(h, "state")));
        if (json_integer_value(json_object_get(h, "shortfall_kb")) > 0)
            fprintf(out, ", %s short%s%s", lb,
                    json_is_integer(eta) ? ", met in about " : "",
                    json_is_integer(eta) ? tb : "");
        fprintf(out, "\n");
    }
}

static void
cmd_status_print(FILE *out, const json_t *args, const json_t *res)
{
    static const char *const hdr[] = { "DOMID", "NAME", "ACTUAL", "TARGET",
                                       "NEED",  "MIN",  "MAX",    "STATE" };
    static const int right[] = { 1, 0, 1, 1, 1, 1, 1, 0 };
    static const char *const sizes[] = { "actual_kb", "target_kb", "need_kb",
                                         "min_kb", "max_kb" };
    const json_t *host = json_object_get(res, "host");
    char b[6][32], id[24];
    const char *cells[8];
    struct cmd_tbl *t;
    size_t i;
    json_t *dom;

    (void)args;
    fprintf(out, "host:     total %s  free %s  available %s\n",
            cmd_fmt_size(b[0], sizeof(b[0]), json_object_get(host, "total_kb")),
            cmd_fmt_size(b[1], sizeof(b[1]), json_object_get(host, "free_kb")),
            cmd_fmt_size(b[2], sizeof(b[2]),
                         json_object_get(host, "available_kb")));
    fprintf(
        out, "          reserve %s  promised %s  held %s\n",
        cmd_fmt_size(b[0], sizeof(b[0]), json_object_get(host, "reserve_kb")),
        cmd_fmt_size(b[1], sizeof(b[1]), json_object_get(host, "promised_kb")),
        cmd_fmt_size(b[2], sizeof(b[2]), json_object_get(host, "held_kb")));
    if (json_is_string(json_object_get(host, "pressure")))
        fprintf(out, "pressure: %s  overcommit: maxmem %.2fx  targets %.2fx\n",
                json_string_value(json_object_get(host, "pressure")),
                json_number_value(json_object_get(host, "overcommit_max")),
                json_number_value(json_object_get(host, "overcommit_target")));
    fprintf(
        out, "policy:   %s  (backend %s, xenstore %s)\n",
        cmd_fmt_value(b[0], sizeof(b[0]), NULL, json_object_get(res, "policy")),
        cmd_fmt_value(b[1], sizeof(b[1]), NULL,
                      json_object_get(res, "backend")),
        cmd_fmt_value(b[2], sizeof(b[2]), NULL,
                      json_object_get(res, "xenstore")));
    fprintf(out, "paused:   %s\n",
            json_is_true(json_object_get(res, "paused")) ? "yes" : "no");
    cmd_print_holds(out, json_object_get(res, "holds"));
    fprintf(out, "\n");

    t = cmd_tbl_create(8, hdr, right);
    json_array_foreach(json_object_get(res, "domains"), i, dom) {
        cells[0] =
            cmd_fmt_value(id, sizeof(id), NULL, json_object_get(dom, "domid"));
        cells[1] = json_string_value(json_object_get(dom, "name"));
        for (size_t k = 0; k < 5; k++)
            cells[2 + k] = cmd_fmt_size(b[k], sizeof(b[k]),
                                        json_object_get(dom, sizes[k]));
        cells[7] = json_string_value(json_object_get(dom, "state"));
        cmd_tbl_add(t, cells);
    }
    cmd_tbl_print(t, out, 1, CMD_WIDTH);
    cmd_tbl_destroy(t);
}

const struct cmd_entry cmd_status_entry = {
    .name = "status",
    .usage = "",
    .help = "show host memory, the policy and every domain",
    .exec = cmd_status_exec,
    .print = cmd_status_print,
};

/*
 * targets
 */

static json_t *
cmd_targets_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    if (cmd_check_args(args, cmd_no_args, cause) != 0)
        return NULL;
    return dmn_targets(d);
}

static void
cmd_targets_print(FILE *out, const json_t *args, const json_t *res)
{
    static const char *const hdr[] = { "DOMID", "NAME", "TARGET", "ACTUAL" };
    static const int right[] = { 1, 0, 1, 1 };
    char id[24], tg[32], ac[32];
    const char *cells[4];
    struct cmd_tbl *t;
    size_t i;
    json_t *dom;

    (void)args;
    t = cmd_tbl_create(4, hdr, right);
    json_array_foreach(res, i, dom) {
        cells[0] =
            cmd_fmt_value(id, sizeof(id), NULL, json_object_get(dom, "domid"));
        cells[1] = json_string_value(json_object_get(dom, "name"));
        cells[2] =
            cmd_fmt_size(tg, sizeof(tg), json_object_get(dom, "target_kb"));
        cells[3] =
            cmd_fmt_size(ac, sizeof(ac), json_object_get(dom, "actual_kb"));
        cmd_tbl_add(t, cells);
    }
    cmd_tbl_print(t, out, 1, CMD_WIDTH);
    cmd_tbl_destroy(t);
}

const struct cmd_entry cmd_targets_entry = {
    .name = "targets",
    .usage = "",
    .help = "list every domain's memory target",
    .exec = cmd_targets_exec,
    .print = cmd_targets_print,
};

/*
 * show DOMAIN
 */

static json_t *
cmd_show_parse(int argc, char **argv, char **cause)
{
    (void)argc;
    (void)cause;
    return json_pack("{s:s}", "domain", argv[0]);
}

static json_t *
cmd_show_exec(struct xb_daemon *d, json_t *args, char **cause)
{
    static const struct cmd_arg spec[] = {
        { "domain", JSON_STRING, 1 },
        { NULL, 0, 0 },
    };

    if (cmd_check_args(args, spec, cause) != 0)
        return NULL;
    return dmn_show(d, json_string_value(json_object_get(args, "domain")),
                    cause);
}

/* An object as indented "key: value" lines; nested objects indent further,
 * arrays of objects become one "- k=v ..." line per element. */
static void
cmd_print_object(FILE *out, const json_t *obj, int indent)
{
    char kb[64], vb[256];
    const char *key;
    json_t *v, *e, *ev;
    const char *ek;
    size_t i;

    json_object_foreach((json_t *)(uintptr_t)obj, key, v) {
        cmd_bare_key(kb, sizeof(kb), key);
        if (json_is_object(v)) {
            fprintf(out, "%*s%s:\n", indent, "", kb);
            cmd_print_object(out, v, indent + 2);
        } else if (json_is_array(v) && json_array_size(v) > 0 &&
                   json_is_object(json_array_get(v, 0))) {
            fprintf(out, "%*s%s:\n", indent, "", kb);
            json_array_foreach(v, i, e) {
                fprintf(out, "%*s-", indent + 2, "");
                json_object_foreach(e, ek, ev) {
                    fprintf(out, " %s=%s", cmd_bare_key(kb, sizeof(kb), ek),
                            cmd_fmt_value(vb, sizeof(vb), ek, ev));
                }
                fputc('\n', out);
            }
        } else {
            fprintf(out, "%*s%s: %s\n", indent, "", kb,
                    cmd_fmt_value(vb, sizeof(vb), key, v));
        }
    }
}

static void
cmd_show_print(FILE *out, const json_t *args, const json_t *res)
{
    (void)args;
    cmd_print_object(out, res, 0);
}

const struct cmd_entry cmd_show_entry = {
    .name = "show",
    .usage = "DOMAIN",
    .help = "everything known about one domain (name or id)",
    .args_min = 1,
    .args_max = 1,
    .parse = cmd_show_parse,
    .exec = cmd_show_exec,
    .print = cmd_show_print,
};
