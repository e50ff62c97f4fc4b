/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol and the command table, without sockets: request
 * decoding (table-driven, including hostile input), greeting and reply
 * encoding and decoding, the CLI-side argument parsers, the daemon-side
 * argument checks (against the fake daemon) and the human printers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fake_daemon.h"
#include "proto.h"
#include "unit/check_main.h"

/*
 * Request decoding.
 */

struct reqcase {
    const char *line;
    int rc;          /* 0, -1 (framing: close) or -2 (bad request) */
    long long id;    /* expected req.id, also on failure */
    const char *cmd; /* expected on success */
    const char *why; /* substring of the cause on failure */
};

static const struct reqcase reqcases[] = {
    { "{\"id\":1,\"cmd\":\"status\"}", 0, 1, "status", NULL },
    { "{\"id\":0,\"cmd\":\"show\",\"args\":{\"domain\":\"web\"}}", 0, 0, "show",
      NULL },
    { " { \"cmd\" : \"targets\" , \"id\" : 42 } \r", 0, 42, "targets", NULL },
    { "{\"id\":9223372036854775807,\"cmd\":\"status\"}", 0,
      9223372036854775807LL, "status", NULL },
    { "{\"id\":3,\"cmd\":\"frobnicate\"}", 0, 3, "frobnicate", NULL },
    /* missing or bad id */
    { "{\"cmd\":\"status\"}", -2, -1, NULL, "no \"id\"" },
    { "{\"id\":-1,\"cmd\":\"status\"}", -2, -1, NULL, "non-negative" },
    { "{\"id\":\"1\",\"cmd\":\"status\"}", -2, -1, NULL, "non-negative" },
    { "{\"id\":1.5,\"cmd\":\"status\"}", -2, -1, NULL, "non-negative" },
    { "{\"id\":null,\"cmd\":\"status\"}", -2, -1, NULL, "non-negative" },
    /* bad cmd */
    { "{\"id\":2}", -2, 2, NULL, "\"cmd\" must be a string" },
    { "{\"id\":2,\"cmd\":7}", -2, 2, NULL, "\"cmd\" must be a string" },
    { "{\"id\":2,\"cmd\":\"\"}", -2, 2, NULL, "not a command name" },
    { "{\"id\":2,\"cmd\":\"Status\"}", -2, 2, NULL, "not a command name" },
    { "{\"id\":2,\"cmd\":\"-x\"}", -2, 2, NULL, "not a command name" },
    { "{\"id\":2,\"cmd\":\"st\\u0000tus\"}", -1, -1, NULL, "malformed JSON" },
    { "{\"id\":2,\"cmd\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", -2, 2, NULL,
      "not a command name" },
    /* bad args types */
    { "{\"id\":4,\"cmd\":\"status\",\"args\":[]}", -2, 4, NULL,
      "\"args\" must be an object" },
    { "{\"id\":4,\"cmd\":\"status\",\"args\":\"x\"}", -2, 4, NULL,
      "\"args\" must be an object" },
    { "{\"id\":4,\"cmd\":\"status\",\"args\":null}", -2, 4, NULL,
      "\"args\" must be an object" },
    { "{\"id\":4,\"cmd\":\"status\",\"extra\":1}", -2, 4, NULL,
      "unknown request member" },
    /* A client's bytes come back quoted (common/quote.h). */
    { "{\"id\":4,\"cmd\":\"status\",\"\\u001b]0;x\\u0007\":1}", -2, 4, NULL,
      "unknown request member \"?]0;x?\"" },
    { "{\"id\":4,\"cmd\":\x1b}", -1, -1, NULL, "near '?'" },
    /* not an object, not JSON, trailing garbage, duplicates */
    { "[1,2,3]", -1, -1, NULL, "not a JSON object" },
    { "\"status\"", -1, -1, NULL, "not a JSON object" },
    { "42", -1, -1, NULL, "not a JSON object" },
    { "null", -1, -1, NULL, "not a JSON object" },
    { "", -1, -1, NULL, "malformed JSON" },
    { "{", -1, -1, NULL, "malformed JSON" },
    { "{\"id\":1,\"cmd\":\"status\"", -1, -1, NULL, "malformed JSON" },
    { "{\"id\":1,\"cmd\":\"status\"} x", -1, -1, NULL, "malformed JSON" },
    { "{\"id\":1,\"cmd\":\"status\"}{}", -1, -1, NULL, "malformed JSON" },
    { "{\"id\":1,\"id\":2,\"cmd\":\"status\"}", -1, -1, NULL,
      "malformed JSON" },
    { "{\"id\":1,\"cmd\":\"st\xff\"}", -1, -1, NULL, "malformed JSON" },
    { "{'id':1}", -1, -1, NULL, "malformed JSON" },
};

START_TEST(test_decode_request)
{
    const struct reqcase *c = &reqcases[_i];
    struct proto_request req;
    char *cause = NULL;
    int rc;

    rc = proto_decode_request(c->line, strlen(c->line), &req, &cause);
    ck_assert_msg(rc == c->rc, "%s: rc %d, want %d (%s)", c->line, rc, c->rc,
                  cause ? cause : "");
    ck_assert_msg(req.id == c->id, "%s: id %lld", c->line, req.id);
    if (rc == 0) {
        ck_assert_ptr_null(cause);
        ck_assert_str_eq(req.cmd, c->cmd);
        ck_assert(json_is_object(req.args));
    } else {
        ck_assert_ptr_nonnull(cause);
        ck_assert_msg(strstr(cause, c->why) != NULL, "%s: cause '%s'", c->line,
                      cause);
        ck_assert_ptr_null(req.cmd);
    }
    free(cause);
    proto_request_dispose(&req);
}
END_TEST

START_TEST(test_decode_request_args)
{
    const char *line = "{\"id\":5,\"cmd\":\"set\",\"args\":{\"domain\":\"web\","
                       "\"key\":\"max\",\"value\":\"2G\"}}";
    struct proto_request req;
    char *cause = NULL;

    ck_assert_int_eq(proto_decode_request(line, strlen(line), &req, &cause), 0);
    ck_assert_str_eq(json_string_value(json_object_get(req.args, "value")),
                     "2G");
    ck_assert_int_eq(json_object_size(req.args), 3);
    proto_request_dispose(&req);
}
END_TEST

START_TEST(test_decode_request_oversized)
{
    size_t n = XB_PROTO_REQ_MAX + 1;
    char *line = malloc(n + 1);
    struct proto_request req;
    char *cause = NULL;
    const char *head = "{\"id\":1,\"cmd\":\"status\",\"args\":{\"x\":\"";

    /* A valid object, just one byte too long. */
    memset(line, 'a', n);
    memcpy(line, head, strlen(head));
    memcpy(line + n - 3, "\"}}", 3);
    line[n] = '\0';
    ck_assert_int_eq(proto_decode_request(line, n, &req, &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "too long"));
    free(cause);
    cause = NULL;
    proto_request_dispose(&req);

    /* The same at exactly the limit is fine. */
    memcpy(line + n - 4, "\"}}", 3);
    ck_assert_int_eq(proto_decode_request(line, n - 1, &req, &cause), 0);
    proto_request_dispose(&req);
    free(line);
}
END_TEST

START_TEST(test_decode_request_nul)
{
    static const char line[] = "{\"id\":1,\"cmd\":\"status\"}\0garbage";
    struct proto_request req;
    char *cause = NULL;

    ck_assert_int_eq(proto_decode_request(line, sizeof(line) - 1, &req, &cause),
                     -1);
    ck_assert_ptr_nonnull(strstr(cause, "NUL"));
    free(cause);
    proto_request_dispose(&req);
}
END_TEST

START_TEST(test_decode_request_deep)
{
    /* Deep nesting must fail cleanly, not recurse without bound. */
    size_t depth = 20000, n = 0;
    char *line = malloc(depth * 2 + 64);
    struct proto_request req;
    char *cause = NULL;

    n += (size_t)sprintf(line, "{\"id\":1,\"cmd\":\"status\",\"args\":{\"a\":");
    for (size_t i = 0; i < depth; i++)
        line[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        line[n++] = ']';
    line[n++] = '}';
    line[n++] = '}';
    ck_assert_int_eq(proto_decode_request(line, n, &req, &cause), -1);
    free(cause);
    proto_request_dispose(&req);
    free(line);
}
END_TEST

/*
 * Encoding, greeting, replies.
 */

START_TEST(test_encode_reply)
{
    char *s;
    size_t len;
    json_t *m;

    m = proto_reply_ok(5, json_integer(3));
    s = proto_encode(m, &len);
    ck_assert_str_eq(s, "{\"id\":5,\"ok\":true,\"result\":3}\n");
    ck_assert_uint_eq(len, strlen(s));
    free(s);
    json_decref(m);

    m = proto_reply_ok(6, NULL);
    s = proto_encode(m, NULL);
    ck_assert_str_eq(s, "{\"id\":6,\"ok\":true,\"result\":null}\n");
    free(s);
    json_decref(m);

    m = proto_reply_error(-1, "bad %s", "line\nbreak");
    s = proto_encode(m, NULL);
    ck_assert_str_eq(
        s, "{\"id\":null,\"ok\":false,\"error\":\"bad line\\nbreak\"}\n");
    free(s);
    json_decref(m);

    m = proto_request(7, "status", NULL);
    s = proto_encode(m, NULL);
    ck_assert_str_eq(s, "{\"id\":7,\"cmd\":\"status\",\"args\":{}}\n");
    free(s);
    json_decref(m);
}
END_TEST

START_TEST(test_greeting)
{
    struct proto_greeting g;
    char *s, *cause = NULL;
    size_t len;
    int refused;
    json_t *m;

    m = proto_greeting(PROTO_ACCESS_RO);
    s = proto_encode(m, &len);
    ck_assert_str_eq(s, "{\"xenballoon\":\"" XB_VERSION
                        "\",\"protocol\":1,\"access\":\"ro\"}\n");
    ck_assert_int_eq(proto_decode_greeting(s, len - 1, &g, &refused, &cause),
                     0);
    ck_assert_int_eq(g.access, PROTO_ACCESS_RO);
    ck_assert_int_eq(g.protocol, XB_PROTO_VERSION);
    ck_assert_str_eq(g.version, XB_VERSION);
    proto_greeting_dispose(&g);
    free(s);
    json_decref(m);

    m = proto_greeting(PROTO_ACCESS_RW);
    s = proto_encode(m, &len);
    ck_assert_int_eq(proto_decode_greeting(s, len - 1, &g, &refused, &cause),
                     0);
    ck_assert_int_eq(g.access, PROTO_ACCESS_RW);
    proto_greeting_dispose(&g);
    free(s);
    json_decref(m);
}
END_TEST

struct greetcase {
    const char *line;
    int refused;
    const char *why;
};

static const struct greetcase greetcases[] = {
    { "{\"xenballoon\":\"9.0\",\"protocol\":2,\"access\":\"rw\"}", 0,
      "protocol mismatch: daemon 9.0 speaks 2, this client speaks 1" },
    { "{\"xenballoon\":\"0.1\",\"protocol\":1,\"access\":\"root\"}", 0,
      "unknown access" },
    { "{\"hello\":1}", 0, "not a xenballoon greeting" },
    { "{\"xenballoon\":1,\"protocol\":1,\"access\":\"rw\"}", 0,
      "not a xenballoon greeting" },
    { "SSH-2.0-OpenSSH", 0, "malformed JSON" },
    { "{\"id\":null,\"ok\":false,\"error\":\"permission denied\"}", 1,
      "permission denied" },
};

START_TEST(test_greeting_bad)
{
    const struct greetcase *c = &greetcases[_i];
    struct proto_greeting g;
    char *cause = NULL;
    int refused = -1;

    ck_assert_int_eq(
        proto_decode_greeting(c->line, strlen(c->line), &g, &refused, &cause),
        -1);
    ck_assert_int_eq(refused, c->refused);
    ck_assert_msg(strstr(cause, c->why) != NULL, "cause '%s'", cause);
    ck_assert_ptr_null(g.version);
    free(cause);
}
END_TEST

START_TEST(test_decode_reply)
{
    const char *ok = "{\"id\":3,\"ok\":true,\"result\":{\"a\":1}}";
    const char *err = "{\"id\":4,\"ok\":false,\"error\":\"nope\"}";
    const char *ev = "{\"event\":\"target\",\"ts_ms\":5,\"domid\":1}";
    const char *bad = "{\"id\":\"x\",\"ok\":true}";
    json_t *res;
    char *e, *cause = NULL;
    long long id;
    int okr;

    ck_assert_int_eq(
        proto_decode_reply(ok, strlen(ok), &id, &okr, &res, &e, &cause), 0);
    ck_assert(id == 3 && okr == 1 && e == NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(res, "a")), 1);
    json_decref(res);

    ck_assert_int_eq(
        proto_decode_reply(err, strlen(err), &id, &okr, &res, &e, &cause), 0);
    ck_assert(id == 4 && okr == 0 && res == NULL);
    ck_assert_str_eq(e, "nope");
    free(e);

    ck_assert_int_eq(
        proto_decode_reply(ev, strlen(ev), &id, &okr, &res, &e, &cause), 1);
    ck_assert_str_eq(json_string_value(json_object_get(res, "event")),
                     "target");
    json_decref(res);

    ck_assert_int_eq(
        proto_decode_reply(bad, strlen(bad), &id, &okr, &res, &e, &cause), -1);
    ck_assert_ptr_nonnull(cause);
    free(cause);
}
END_TEST

/*
 * The command table and its helpers.
 */

START_TEST(test_table)
{
    static const struct {
        const char *name;
        int flags;
    } want[] = {
        { "daemon", CMD_LOCAL },
        { "check-config", CMD_LOCAL },
        { "status", 0 },
        { "targets", 0 },
        { "show", 0 },
        { "set", CMD_WRITE },
        { "policy", CMD_WRITE_ARGS },
        { "pause", CMD_WRITE },
        { "resume", CMD_WRITE },
        { "reload", CMD_WRITE },
        { "reserve", CMD_WRITE | CMD_WAIT },
        { "release", CMD_WRITE },
        { "capacity", 0 },
        { "monitor", CMD_STREAM },
        { "top", CMD_LOCAL },
        { "version", 0 },
        { "help", CMD_LOCAL },
    };
    size_t n = 0;
    json_t *args;

    for (size_t i = 0; cmd_table[i] != NULL; i++) {
        const struct cmd_entry *ce = cmd_table[i];

        ck_assert_ptr_eq(cmd_find(ce->name), ce);
        ck_assert_ptr_nonnull(ce->usage);
        ck_assert_msg(ce->help != NULL && strlen(ce->help) <= 46, "%s",
                      ce->name);
        ck_assert_msg((ce->flags & CMD_LOCAL) || ce->exec != NULL, "%s",
                      ce->name);
        ck_assert_msg(ce->args_max <= 0 || ce->parse != NULL ||
                          (ce->flags & CMD_LOCAL),
                      "%s", ce->name);
        n++;
    }
    ck_assert_uint_eq(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n; i++) {
        const struct cmd_entry *ce = cmd_find(want[i].name);

        ck_assert_ptr_nonnull(ce);
        ck_assert_msg(ce->flags == want[i].flags, "%s", want[i].name);
    }
    ck_assert_ptr_null(cmd_find("daemons"));
    ck_assert_ptr_null(cmd_find(""));

    args = json_object();
    ck_assert_int_eq(cmd_is_write(cmd_find("policy"), args), 0);
    json_object_set_new(args, "name", json_string("static"));
    ck_assert_int_eq(cmd_is_write(cmd_find("policy"), args), 1);
    ck_assert_int_eq(cmd_is_write(cmd_find("status"), args), 0);
    ck_assert_int_eq(cmd_is_write(cmd_find("pause"), NULL), 1);
    json_decref(args);
}
END_TEST

/* The CLI's sizes: the shared parser (common/number.h), a bare number is
 * KiB; refusals in the config's words. */
struct sizecase {
    const char *s;
    int rc;
    uint64_t kb;
    const char *cause; /* a part of the refusal */
};

static const struct sizecase sizecases[] = {
    { "2048", 0, 2048 },
    { "256M", 0, 262144 },
    { "256m", 0, 262144 },
    { "256MiB", 0, 262144 },
    { "1.5G", 0, 1572864 },
    { "1G", 0, 1048576 },
    { "1T", 0, 1073741824ULL },
    { "64K", 0, 64 },
    { "64KiB", 0, 64 },
    { "0", 0, 0 },
    { "0.5M", 0, 512 },
    { "", -1, 0, "\"\" is not a size (use K, M, G or T)" },
    { "M", -1, 0, "is not a size" },
    { "-1M", -1, 0, "\"-1M\" is negative" },
    { "1.5", -1, 0, "\"1.5\" is not a whole number of KiB" },
    { "1..5G", -1, 0, "is not a size" },
    { "1.2.3G", -1, 0, "is not a size" },
    { "12Q", -1, 0, "is not a size" },
    { "12 M", -1, 0, "is not a size" },
    { "1e3M", -1, 0, "is not a size" },
    { "99999999999999999999T", -1, 0, "is too large" },
    { "18446744073709551616", -1, 0, "\"18446744073709551616\" is too large" },
    { "nan", -1, 0, "is not a size" },
    { " 1G", -1, 0, "\" 1G\" is not a size" },
    { "\t1G", -1, 0, "\"?1G\" is not a size" },
    { "\n1G", -1, 0, "\"?1G\" is not a size" },
};

START_TEST(test_parse_size)
{
    const struct sizecase *c = &sizecases[_i];
    uint64_t kb = 0;
    char *cause = NULL;

    ck_assert_msg(cmd_parse_size(c->s, &kb, &cause) == c->rc, "'%s'", c->s);
    if (c->rc == 0)
        ck_assert_msg(kb == c->kb, "'%s' -> %llu", c->s,
                      (unsigned long long)kb);
    else
        ck_assert_msg(strstr(cause, c->cause) != NULL, "'%s': %s", c->s, cause);
    free(cause);
}
END_TEST

/* reserve --for: a bare number is seconds, at most CMD_HOLD_MAX_S. */
static const struct {
    const char *s;
    int rc;
    uint64_t secs;
    const char *cause;
} seccases[] = {
    { "90", 0, 90 },
    { "90s", 0, 90 },
    { "5m", 0, 300 },
    { "2h", 0, 7200 },
    { "1d", 0, 86400 },
    { "3650d", 0, CMD_HOLD_MAX_S },
    { "3651d", -1, 0, "315446400s is out of range [0, 87600h]" },
    { "99999999999d", -1, 0, "\"99999999999d\" is too large" },
    { "-5", -1, 0, "\"-5\" is negative" },
    { "5x", -1, 0, "\"5x\" is not a duration" },
    { "1500ms", -1, 0, "\"1500ms\" is not a whole number of seconds" },
    { "", -1, 0, "\"\" is not a duration" },
    { "\t90", -1, 0, "\"?90\" is not a duration" },
};

START_TEST(test_parse_seconds)
{
    uint64_t s = 0;
    char *cause = NULL;

    ck_assert_int_eq(cmd_parse_seconds(seccases[_i].s, &s, &cause),
                     seccases[_i].rc);
    if (seccases[_i].rc == 0)
        ck_assert_uint_eq(s, seccases[_i].secs);
    else
        ck_assert_msg(strstr(cause, seccases[_i].cause) != NULL, "'%s': %s",
                      seccases[_i].s, cause);
    free(cause);
}
END_TEST

START_TEST(test_parse_param)
{
    json_t *o = json_object();
    char *cause = NULL;

    ck_assert_int_eq(cmd_parse_param(o, "margin=1.25", NULL), 0);
    ck_assert_int_eq(cmd_parse_param(o, "steps=3", NULL), 0);
    ck_assert_int_eq(cmd_parse_param(o, "floor=256M", NULL), 0);
    ck_assert_int_eq(cmd_parse_param(o, "fast=true", NULL), 0);
    ck_assert_int_eq(cmd_parse_param(o, "name=\"12\"", NULL), 0);
    ck_assert_int_eq(cmd_parse_param(o, "empty=", NULL), 0);
    ck_assert(json_is_real(json_object_get(o, "margin")));
    ck_assert_int_eq(json_integer_value(json_object_get(o, "steps")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(o, "floor")), "256M");
    ck_assert(json_is_true(json_object_get(o, "fast")));
    ck_assert_str_eq(json_string_value(json_object_get(o, "name")), "12");
    ck_assert_str_eq(json_string_value(json_object_get(o, "empty")), "");

    ck_assert_int_eq(cmd_parse_param(o, "steps=4", &cause), -1);
    ck_assert_ptr_nonnull(strstr(cause, "twice"));
    free(cause);
    ck_assert_int_eq(cmd_parse_param(o, "=4", NULL), -1);
    ck_assert_int_eq(cmd_parse_param(o, "novalue", NULL), -1);
    json_decref(o);
}
END_TEST

/* The CLI-side parsers of the commands that take arguments. */
START_TEST(test_cli_parsers)
{
    const struct cmd_entry *ce;
    char *cause = NULL;
    json_t *a;
    char *set_ok[] = { "web", "max", "2G" };
    char *set_bad[] = { "web", "colour", "red" };
    char *res1[] = { "256M", "--for", "60" };
    char *res2[] = { "--for=5m", "1G" };
    char *res3[] = { "0" };
    char *res4[] = { "1G", "--for" };
    char *pol[] = { "pressure", "target_psi=0.5", "floor=256M" };
    char *pol_bad[] = { "pressure", "oops" };
    char *rel_bad[] = { "x1" };
    char *rel_ok[] = { "7" };

    ce = cmd_find("set");
    a = ce->parse(3, set_ok, &cause);
    ck_assert_str_eq(json_string_value(json_object_get(a, "value")), "2G");
    json_decref(a);
    ck_assert_ptr_null(ce->parse(3, set_bad, &cause));
    ck_assert_ptr_nonnull(strstr(cause, "unknown setting"));
    free(cause);
    cause = NULL;

    ce = cmd_find("reserve");
    a = ce->parse(3, res1, &cause);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "size_kb")), 262144);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "for_s")), 60);
    json_decref(a);
    a = ce->parse(2, res2, &cause);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "size_kb")),
                     1048576);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "for_s")), 300);
    json_decref(a);
    ck_assert_ptr_null(ce->parse(1, res3, &cause));
    free(cause);
    cause = NULL;
    ck_assert_ptr_null(ce->parse(2, res4, &cause));
    free(cause);
    cause = NULL;

    ce = cmd_find("policy");
    a = ce->parse(0, NULL, &cause);
    ck_assert_int_eq(json_object_size(a), 0);
    json_decref(a);
    a = ce->parse(3, pol, &cause);
    ck_assert_str_eq(json_string_value(json_object_get(a, "name")), "pressure");
    ck_assert_int_eq(json_object_size(json_object_get(a, "params")), 2);
    json_decref(a);
    ck_assert_ptr_null(ce->parse(2, pol_bad, &cause));
    free(cause);
    cause = NULL;

    ce = cmd_find("release");
    a = ce->parse(0, NULL, &cause);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "id")), 0);
    json_decref(a);
    a = ce->parse(1, rel_ok, &cause);
    ck_assert_int_eq(json_integer_value(json_object_get(a, "id")), 7);
    json_decref(a);
    ck_assert_ptr_null(ce->parse(1, rel_bad, &cause));
    free(cause);
}
END_TEST

/* Daemon-side argument checks: what a hostile client could send. */
struct argcase {
    const char *cmd;
    const char *args;
    const char *why; /* NULL: accepted */
};

static const struct argcase argcases[] = {
    { "status", "{}", NULL },
    { "status", "{\"verbose\":true}", "unknown argument \"verbose\"" },
    { "status", "{\"\\u001b[2J\":true}", "unknown argument \"?[2J\"" },
    { "set", "{\"domain\":\"web\",\"key\":\"\\u001b[2J\",\"value\":\"1\"}",
      "unknown setting \"?[2J\"" },
    { "show", "{}", "missing argument \"domain\"" },
    { "show", "{\"domain\":5}", "\"domain\" must be a string" },
    { "show", "{\"domain\":\"nosuch\"}", "no such domain" },
    { "show", "{\"domain\":\"2\"}", NULL },
    { "set", "{\"domain\":\"web\",\"key\":\"max\"}", "missing argument" },
    { "set", "{\"domain\":\"web\",\"key\":\"colour\",\"value\":\"1\"}",
      "unknown setting" },
    { "set", "{\"domain\":\"web\",\"key\":\"max\",\"value\":2}",
      "must be a string" },
    { "set", "{\"domain\":\"web\",\"key\":\"weight\",\"value\":\"0\"}",
      "weight must be" },
    { "set", "{\"domain\":\"web\",\"key\":\"max\",\"value\":\"2G\"}", NULL },
    { "policy", "{\"params\":{}}", "without a policy" },
    { "policy", "{\"name\":\"bogus\"}", "unknown policy" },
    { "policy", "{\"name\":\"static\",\"params\":[]}", "must be an object" },
    { "policy", "{\"name\":\"static\"}", NULL },
    { "reserve", "{\"size_kb\":\"1G\"}", "must be an integer" },
    { "reserve", "{\"size_kb\":-5}", "must be positive" },
    { "reserve", "{\"size_kb\":1024,\"for_s\":-1}", "must be positive" },
    { "reserve", "{\"size_kb\":99999999999}", "cannot free" },
    { "reserve", "{\"size_kb\":1024,\"for_s\":10}", NULL },
    /* The protocol bounds a hold like the CLI: "forever" in seconds would
     * overflow in milliseconds and expire at once. */
    { "reserve", "{\"size_kb\":1024,\"for_s\":315360000}", NULL },
    { "reserve", "{\"size_kb\":1024,\"for_s\":315360001}",
      "315360001s is out of range [0, 87600h]" },
    { "reserve", "{\"size_kb\":1024,\"for_s\":18446744073709551}",
      "is out of range" },
    { "reserve", "{\"size_kb\":1024,\"for_s\":9223372036854775807}",
      "is out of range" },
    { "release", "{\"id\":-1}", "bad hold id" },
    { "release", "{\"id\":4294967296}", "bad hold id" },
    { "release", "{\"id\":99}", "no hold 99" },
    { "release", "{}", NULL },
    { "reload", "{}", NULL },
    { "pause", "{\"now\":1}", "unknown argument" },
    { "monitor", "{}", NULL },
    { "version", "{}", NULL },
};

START_TEST(test_exec_args)
{
    const struct argcase *c = &argcases[_i];
    struct xb_daemon *d = fake_daemon_create();
    const struct cmd_entry *ce = cmd_find(c->cmd);
    json_t *args = json_loads(c->args, 0, NULL), *res;
    char *cause = NULL;

    ck_assert_ptr_nonnull(args);
    res = ce->exec(d, args, &cause);
    if (c->why == NULL) {
        ck_assert_msg(res != NULL, "%s %s: %s", c->cmd, c->args, cause);
    } else {
        ck_assert_msg(res == NULL, "%s %s accepted", c->cmd, c->args);
        ck_assert_msg(cause != NULL && strstr(cause, c->why) != NULL,
                      "%s %s: cause '%s'", c->cmd, c->args, cause);
    }
    json_decref(res);
    json_decref(args);
    free(cause);
    fake_daemon_destroy(d);
}
END_TEST

/*
 * Human output.
 */

static char *
print_cmd(const char *cmd, const char *args_text)
{
    struct xb_daemon *d = fake_daemon_create();
    const struct cmd_entry *ce = cmd_find(cmd);
    json_t *args = json_loads(args_text, 0, NULL), *res;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    res = ce->exec(d, args, NULL);
    ck_assert_ptr_nonnull(res);
    ce->print(f, args, res);
    fclose(f);
    json_decref(res);
    json_decref(args);
    fake_daemon_destroy(d);
    return buf;
}

static void
assert_fits(const char *text)
{
    const char *p = text, *nl;

    while ((nl = strchr(p, '\n')) != NULL) {
        ck_assert_msg(nl - p <= 80, "line too wide: %.*s", (int)(nl - p), p);
        p = nl + 1;
    }
}

START_TEST(test_print_status)
{
    char *out = print_cmd("status", "{}");

    ck_assert_ptr_nonnull(strstr(out, "total 16384.0M"));
    ck_assert_ptr_nonnull(strstr(out, "reserve 512.0M"));
    ck_assert_ptr_nonnull(strstr(out, "policy:   proportional"));
    ck_assert_ptr_nonnull(strstr(out, "paused:   no"));
    ck_assert_ptr_nonnull(strstr(out, "DOMID NAME"));
    ck_assert_ptr_nonnull(strstr(out, "ACTUAL"));
    ck_assert_ptr_nonnull(strstr(out, "STATE"));
    ck_assert_ptr_nonnull(strstr(out, "1024.0M"));
    ck_assert_ptr_nonnull(strstr(out, "no-agent"));
    ck_assert_ptr_nonnull(strstr(out, "a-guest-with"));
    assert_fits(out);
    free(out);
}
END_TEST

START_TEST(test_print_others)
{
    char *out;

    out = print_cmd("targets", "{}");
    ck_assert_ptr_nonnull(strstr(out, "DOMID NAME"));
    ck_assert_ptr_nonnull(strstr(out, "1536.0M"));
    assert_fits(out);
    free(out);

    out = print_cmd("show", "{\"domain\":\"web\"}");
    ck_assert_ptr_nonnull(strstr(out, "name: web\n"));
    ck_assert_ptr_nonnull(strstr(out, "actual: 1024.0M\n"));
    ck_assert_ptr_nonnull(strstr(out, "record:\n  mem_total: 976.6M\n"));
    ck_assert_ptr_nonnull(strstr(out, "history:\n  - ts=1.0s target=1024.0M"));
    free(out);

    out = print_cmd("policy", "{}");
    ck_assert_ptr_nonnull(strstr(out, "policy: proportional\n"));
    ck_assert_ptr_nonnull(strstr(out, "  margin = 1.25\n"));
    free(out);

    out = print_cmd("reserve", "{\"size_kb\":262144,\"for_s\":60}");
    ck_assert_str_eq(out, "hold 1: 256.0M held out of balancing for 1m00s\n"
                          "met: 256.0M is free\n");
    free(out);

    out = print_cmd("reserve", "{\"size_kb\":1024}");
    ck_assert_str_eq(out, "hold 1: 1.0M held out of balancing until "
                          "released\nmet: 1.0M is free\n");
    free(out);

    /* Not met yet: the reply says how much is free, what lacks and
     * whether it can be met (the fake never estimates). */
    out = print_cmd("reserve", "{\"size_kb\":2097152,\"force\":true}");
    ck_assert_str_eq(out, "hold 1: 2048.0M held out of balancing until "
                          "released\npending: free 1024.0M now, 1024.0M "
                          "short; no estimate\n");
    free(out);

    out = print_cmd("set", "{\"domain\":\"db\",\"key\":\"min\","
                           "\"value\":\"512M\"}");
    ck_assert_str_eq(out, "db: min set to 512M\n");
    free(out);

    out = print_cmd("pause", "{}");
    ck_assert_str_eq(out, "balancing paused\n");
    free(out);

    out = print_cmd("release", "{}");
    ck_assert_str_eq(out, "released every hold\n");
    free(out);

    out = print_cmd("version", "{}");
    ck_assert_ptr_nonnull(strstr(out, "client  xenballoon-ctl"));
    ck_assert_ptr_nonnull(strstr(out, "backend sim, up 2m05s"));
    free(out);
}
END_TEST

START_TEST(test_print_event)
{
    json_t *ev = json_pack("{s:i, s:s, s:i, s:s, s:I}", "ts_ms", 61500, "event",
                           "target", "domid", 3, "name", "web", "target_kb",
                           (json_int_t)1048576);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cmd_print_event(f, ev);
    fclose(f);
    ck_assert_str_eq(buf, "61.500 target domid=3 name=web target=1024.0M\n");
    free(buf);
    json_decref(ev);
}
END_TEST

START_TEST(test_help)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_int_eq(cmd_help(f, NULL), 0);
    ck_assert_int_eq(cmd_help(f, "set"), 0);
    ck_assert_int_eq(cmd_help(f, "nosuch"), -1);
    fclose(f);
    for (size_t i = 0; cmd_table[i] != NULL; i++)
        ck_assert_ptr_nonnull(strstr(buf, cmd_table[i]->help));
    ck_assert_ptr_nonnull(strstr(buf, "usage: xenballoon-ctl set DOMAIN "
                                      "min|max|weight|exclude VALUE\n"));
    ck_assert_ptr_nonnull(strstr(buf, "(needs root)"));
    assert_fits(buf);
    free(buf);
}
END_TEST

START_TEST(test_fmt)
{
    char b[32];
    json_t *v = json_integer(1536);

    ck_assert_str_eq(cmd_fmt_size(b, sizeof(b), v), "1.5M");
    ck_assert_str_eq(cmd_fmt_size(b, sizeof(b), NULL), "-");
    ck_assert_str_eq(cmd_fmt_ms(b, sizeof(b), 850), "850ms");
    ck_assert_str_eq(cmd_fmt_ms(b, sizeof(b), 12500), "12.5s");
    ck_assert_str_eq(cmd_fmt_ms(b, sizeof(b), 200000), "3m20s");
    ck_assert_str_eq(cmd_fmt_ms(b, sizeof(b), 7500000), "2h05m");
    ck_assert_str_eq(cmd_fmt_ms(b, sizeof(b), 356400000), "4d03h");
    ck_assert_str_eq(cmd_fmt_value(b, sizeof(b), "x_kb", v), "1.5M");
    ck_assert_str_eq(cmd_fmt_value(b, sizeof(b), "x", v), "1536");
    ck_assert_str_eq(cmd_fmt_value(b, sizeof(b), "x", json_true()), "yes");
    ck_assert_str_eq(cmd_fmt_value(b, sizeof(b), "x", json_null()), "-");
    json_decref(v);
}
END_TEST

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
proto_suite(void)
{
    Suite *s = suite_create("proto");
    TCase *tc;

    tc = tcase_create("decode");
    tcase_add_loop_test(tc, test_decode_request, 0, NCASES(reqcases));
    tcase_add_test(tc, test_decode_request_args);
    tcase_add_test(tc, test_decode_request_oversized);
    tcase_add_test(tc, test_decode_request_nul);
    tcase_add_test(tc, test_decode_request_deep);
    suite_add_tcase(s, tc);

    tc = tcase_create("encode");
    tcase_add_test(tc, test_encode_reply);
    tcase_add_test(tc, test_greeting);
    tcase_add_loop_test(tc, test_greeting_bad, 0, NCASES(greetcases));
    tcase_add_test(tc, test_decode_reply);
    suite_add_tcase(s, tc);

    tc = tcase_create("cmd");
    tcase_add_test(tc, test_table);
    tcase_add_loop_test(tc, test_parse_size, 0, NCASES(sizecases));
    tcase_add_loop_test(tc, test_parse_seconds, 0, NCASES(seccases));
    tcase_add_test(tc, test_parse_param);
    tcase_add_test(tc, test_cli_parsers);
    tcase_add_loop_test(tc, test_exec_args, 0, NCASES(argcases));
    suite_add_tcase(s, tc);

    tc = tcase_create("print");
    tcase_add_test(tc, test_print_status);
    tcase_add_test(tc, test_print_others);
    tcase_add_test(tc, test_print_event);
    tcase_add_test(tc, test_help);
    tcase_add_test(tc, test_fmt);
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(proto_suite)
