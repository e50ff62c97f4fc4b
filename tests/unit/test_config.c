/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The config schema: the size and duration parsers (tables), cfg_resolve
 * (first matching rule wins per field), the cfg_to_json round trip, the
 * golden cases in tests/config (<case>.json loaded, its error list compared
 * with <case>.err exactly), the shipped example configs, and a drift check
 * of xenballoon.json(5) against the schema: every key, default and range.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "xmalloc.h"
#include "unit/check_main.h"

#ifndef XB_SRCDIR
#error "XB_SRCDIR must name the source tree"
#endif

#define GOLDEN_DIR XB_SRCDIR "/tests/config"
#define MANPAGE XB_SRCDIR "/controller/xenballoon.json.5"
#define EXAMPLE XB_SRCDIR "/controller/xenballoon.json"
#define SIM_DEMO XB_SRCDIR "/controller/xenballoon-sim-demo.json"

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t len = 0, n;
    char *buf;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    buf = xb_malloc(1);
    for (;;) {
        buf = xb_reallocarray(buf, len + 4097, 1);
        n = fread(buf + len, 1, 4096, f);
        if (n == 0)
            break;
        len += n;
    }
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/*
 * cfg_parse_size / cfg_parse_duration.
 */

struct qcase {
    const char *json;
    uint64_t val;      /* when cause == NULL */
    const char *cause; /* expected message, or NULL for success */
};

static const struct qcase size_cases[] = {
    { "0", 0, NULL },
    { "2048", 2048, NULL },
    { "\"2048K\"", 2048, NULL },
    { "\"512M\"", 524288, NULL },
    { "\"512MiB\"", 524288, NULL },
    { "\"512m\"", 524288, NULL },
    { "\"1.5G\"", 1572864, NULL },
    { "\"1.5GiB\"", 1572864, NULL },
    { "\"1T\"", 1073741824, NULL },
    { "\"0.25K\"", 0, "\"0.25K\" is not a whole number of KiB" },
    { "\"0.0009765625T\"", 1048576, NULL },
    { "\"1.0000000000000000001G\"", 0,
      "\"1.0000000000000000001G\" is not a whole number of KiB" },
    { "\"16777216T\"", UINT64_C(1) << 54, NULL },
    { "\"16777217T\"", 0, "\"16777217T\" is too large" },
    { "\"99999999999999999999T\"", 0,
      "\"99999999999999999999T\" is too large" },
    { "18014398509481985", 0, "18014398509481985 is too large" },
    { "\"12Q\"", 0, "\"12Q\" is not a size (use K, M, G or T)" },
    { "\"512\"", 0, "\"512\" is not a size (use K, M, G or T)" },
    { "\"\"", 0, "\"\" is not a size (use K, M, G or T)" },
    { "\" 1G\"", 0, "\" 1G\" is not a size (use K, M, G or T)" },
    { "\"1G \"", 0, "\"1G \" is not a size (use K, M, G or T)" },
    { "\"1.G\"", 0, "\"1.G\" is not a size (use K, M, G or T)" },
    { "\".5G\"", 0, "\".5G\" is not a size (use K, M, G or T)" },
    { "\"+1G\"", 0, "\"+1G\" is not a size (use K, M, G or T)" },
    { "\"1KB\"", 0, "\"1KB\" is not a size (use K, M, G or T)" },
    { "\"1e3K\"", 0, "\"1e3K\" is not a size (use K, M, G or T)" },
    { "\"0x10M\"", 0, "\"0x10M\" is not a size (use K, M, G or T)" },
    { "\"a\\\"b\"", 0, "\"a?b\" is not a size (use K, M, G or T)" },
    { "\"0123456789012345678901234567890123456789xyz\"", 0,
      "\"0123456789012345678901234567890123456789...\" is not a size (use K, "
      "M, G or T)" },
    { "-5", 0, "-5 is negative" },
    { "\"-1G\"", 0, "\"-1G\" is negative" },
    { "1.5", 0,
      "expected a size (KiB as an integer, or a string like \"512M\"), got "
      "a real number" },
    { "true", 0,
      "expected a size (KiB as an integer, or a string like \"512M\"), got "
      "a boolean" },
    { "null", 0,
      "expected a size (KiB as an integer, or a string like \"512M\"), got "
      "null" },
    { "[]", 0,
      "expected a size (KiB as an integer, or a string like \"512M\"), got "
      "an array" },
};

static const struct qcase duration_cases[] = {
    { "0", 0, NULL },
    { "250", 250, NULL },
    { "\"250ms\"", 250, NULL },
    { "\"2s\"", 2000, NULL },
    { "\"1.5s\"", 1500, NULL },
    { "\"5m\"", 300000, NULL },
    { "\"1h\"", 3600000, NULL },
    { "\"0.5h\"", 1800000, NULL },
    { "\"1.5ms\"", 0, "\"1.5ms\" is not a whole number of milliseconds" },
    { "\"5x\"", 0, "\"5x\" is not a duration (use ms, s, m, h or d)" },
    { "\"2S\"", 0, "\"2S\" is not a duration (use ms, s, m, h or d)" },
    { "\"2\"", 0, "\"2\" is not a duration (use ms, s, m, h or d)" },
    { "\"1 s\"", 0, "\"1 s\" is not a duration (use ms, s, m, h or d)" },
    { "\"1d\"", 86400000, NULL },
    { "\"2min\"", 120000, NULL },
    { "\"\\t5s\"", 0, "\"?5s\" is not a duration (use ms, s, m, h or d)" },
    { "\"\\n5s\"", 0, "\"?5s\" is not a duration (use ms, s, m, h or d)" },
    { "\" 5s\"", 0, "\" 5s\" is not a duration (use ms, s, m, h or d)" },
    { "\"-1s\"", 0, "\"-1s\" is negative" },
    { "-1", 0, "-1 is negative" },
    { "9007199254740993", 0, "9007199254740993 is too large" },
    { "\"99999999999999999h\"", 0, "\"99999999999999999h\" is too large" },
    { "false", 0,
      "expected a duration (milliseconds as an integer, or a string like "
      "\"2s\"), got a boolean" },
    { "{}", 0,
      "expected a duration (milliseconds as an integer, or a string like "
      "\"2s\"), got an object" },
};

static void
check_quantity(const struct qcase *c, int size)
{
    json_error_t jerr;
    json_t *v = json_loads(c->json, JSON_DECODE_ANY, &jerr);
    char *cause = NULL;
    uint64_t out = 12345;
    int rc;

    ck_assert_msg(v != NULL, "%s: %s", c->json, jerr.text);
    rc = size ? cfg_parse_size(v, &out, &cause)
              : cfg_parse_duration(v, &out, &cause);
    if (c->cause == NULL) {
        ck_assert_msg(rc == 0, "%s: %s", c->json, cause);
        ck_assert_msg(out == c->val, "%s: %llu != %llu", c->json,
                      (unsigned long long)out, (unsigned long long)c->val);
    } else {
        ck_assert_msg(rc == -1, "%s: accepted as %llu", c->json,
                      (unsigned long long)out);
        ck_assert_str_eq(cause, c->cause);
        ck_assert_msg(out == 12345, "%s: output written on error", c->json);
    }
    free(cause);
    json_decref(v);
}

START_TEST(test_size)
{
    check_quantity(&size_cases[_i], 1);
}
END_TEST

START_TEST(test_duration)
{
    check_quantity(&duration_cases[_i], 0);
}
END_TEST

/*
 * cfg_resolve.
 */

static const char *const resolve_configs[] = {
    "{\"domains\": ["
    " {\"match\": \"web-*\", \"min\": \"256M\", \"weight\": 200},"
    " {\"domid\": 7, \"exclude\": true},"
    " {\"match\": \"web-1\", \"min\": \"512M\", \"max\": \"2G\","
    "  \"weight\": 300},"
    " {\"match\": \"cross\", \"min\": \"8G\"},"
    " {\"match\": \"*\", \"max\": \"4G\"},"
    " {\"domid\": 0, \"min\": \"1G\"},"
    " {\"match\": \"db[0-9]\", \"exclude\": false, \"weight\": 50},"
    " {\"match\": \"db*\", \"exclude\": true}"
    "]}",
    "{\"domains\": ["
    " {\"domid\": 0, \"min\": \"1G\", \"max\": \"2G\"}"
    "]}",
};

struct rcase {
    unsigned config;
    const char *name;
    int domid;
    uint64_t min_kb, max_kb;
    unsigned weight;
    int exclude;
};

#define M 1024ULL
#define G (1024ULL * 1024)

static const struct rcase resolve_cases[] = {
    /* min and weight from rule 0, max from rule 2 */
    { 0, "web-1", 3, 256 * M, 2 * G, 200, 0 },
    { 0, "web-2", 4, 256 * M, 4 * G, 200, 0 },
    /* a domid rule applies whatever the name */
    { 0, "db", 7, 0, 4 * G, 100, 1 },
    { 0, "web-9", 7, 256 * M, 4 * G, 200, 1 },
    /* the first rule that sets exclude wins, even to false */
    { 0, "db1", 8, 0, 4 * G, 50, 0 },
    { 0, "dbx", 8, 0, 4 * G, 100, 1 },
    /* crossing rules: the ceiling wins */
    { 0, "cross", 9, 4 * G, 4 * G, 100, 0 },
    /* dom0 is excluded, whatever a rule says */
    { 0, "Domain-0", 0, 1 * G, 4 * G, 100, 1 },
    { 1, "Domain-0", 0, 1 * G, 2 * G, 100, 1 },
    /* no name: only domid rules can match */
    { 0, NULL, 12, 0, 0, 100, 0 },
    { 0, NULL, 7, 0, 0, 100, 1 },
    { 0, "other", 12, 0, 4 * G, 100, 0 },
    { 1, "other", 12, 0, 0, 100, 0 },
};

START_TEST(test_resolve)
{
    const struct rcase *c = &resolve_cases[_i];
    struct xb_errlist el;
    struct xb_config *cfg;
    struct cfg_domset ds;

    xb_errlist_init(&el);
    cfg = cfg_load_string(resolve_configs[c->config], "resolve.json", &el);
    ck_assert_msg(cfg != NULL, "%s", el.n ? el.msgs[0] : "?");
    memset(&ds, 0xa5, sizeof(ds));
    cfg_resolve(cfg, c->name, c->domid, &ds);
    ck_assert_uint_eq(ds.min_kb, c->min_kb);
    ck_assert_uint_eq(ds.max_kb, c->max_kb);
    ck_assert_uint_eq(ds.weight, c->weight);
    ck_assert_int_eq(ds.exclude, c->exclude);
    cfg_free(cfg);
    xb_errlist_dispose(&el);
}
END_TEST

/*
 * cfg_to_json: dump, reload, dump again.
 */

static const char *const roundtrip_inputs[] = {
    "@defaults",
    "{}",
    "{\"backend\": \"sim\"}",
    "{\"policy\": \"squeeze\"}",
    "{\"reserve\": 0, \"settle\": 0, \"socket_group\": \"xen\","
    " \"shrink_step\": 0.333, \"deadband\": 1000, \"tick\": 1500}",
    "@" GOLDEN_DIR "/valid_full.json",
    "@" EXAMPLE,
    "@" SIM_DEMO,
};

static struct xb_config *
load_input(const char *in, struct xb_errlist *el)
{
    if (strcmp(in, "@defaults") == 0)
        return cfg_load(NULL, el);
    if (in[0] == '@')
        return cfg_load(in + 1, el);
    return cfg_load_string(in, "input.json", el);
}

START_TEST(test_roundtrip)
{
    struct xb_config *cfg, *cfg2;
    struct xb_errlist el;
    char *s1, *s2, *err;
    json_t *j1, *j2;

    xb_errlist_init(&el);
    cfg = load_input(roundtrip_inputs[_i], &el);
    err = xb_errlist_join(&el);
    ck_assert_msg(cfg != NULL, "%s", err);
    free(err);
    j1 = cfg_to_json(cfg);
    s1 = json_dumps(j1, JSON_INDENT(2));
    cfg2 = cfg_load_string(s1, "dump.json", &el);
    err = xb_errlist_join(&el);
    ck_assert_msg(cfg2 != NULL, "%s\n%s", err, s1);
    free(err);
    j2 = cfg_to_json(cfg2);
    s2 = json_dumps(j2, JSON_INDENT(2));
    ck_assert_str_eq(s1, s2);
    free(s1);
    free(s2);
    json_decref(j1);
    json_decref(j2);
    cfg_free(cfg);
    cfg_free(cfg2);
    xb_errlist_dispose(&el);
}
END_TEST

/*
 * "policy": "NAME" is shorthand for "policy": {"name": "NAME"}: the two
 * load to the same configuration, and a bad name or type is reported
 * under the same path.
 */

static const struct {
    const char *shorthand, *object, *err;
} policy_string_cases[] = {
    { "{\"policy\": \"pressure\"}", "{\"policy\": {\"name\": \"pressure\"}}",
      NULL },
    { "{\"policy\": \"static\"}", "{\"policy\": {\"name\": \"static\"}}",
      NULL },
    { "{\"backend\": \"sim\", \"policy\": \"squeeze\"}",
      "{\"backend\": \"sim\", \"policy\": {\"name\": \"squeeze\"}}", NULL },
    { "{\"policy\": \"magic\"}", NULL,
      "s.json: policy.name: unknown policy \"magic\" (known: static, "
      "selfballoon, proportional, squeeze, pressure)" },
    { "{\"policy\": \"\"}", NULL,
      "s.json: policy.name: unknown policy \"\" (known: static, "
      "selfballoon, proportional, squeeze, pressure)" },
    { "{\"policy\": 5}", NULL,
      "s.json: policy: expected an object or a string, got an integer" },
    { "{\"policy\": [\"pressure\"]}", NULL,
      "s.json: policy: expected an object or a string, got an array" },
    { "{\"policy\": null}", NULL,
      "s.json: policy: expected an object or a string, got null" },
};

START_TEST(test_policy_string)
{
    struct xb_config *a, *b;
    struct xb_errlist el;
    char *sa, *sb, *err;
    json_t *ja, *jb;

    xb_errlist_init(&el);
    a = cfg_load_string(policy_string_cases[_i].shorthand, "s.json", &el);
    err = xb_errlist_join(&el);
    if (policy_string_cases[_i].err != NULL) {
        ck_assert_ptr_null(a);
        ck_assert_str_eq(err, policy_string_cases[_i].err);
        free(err);
        xb_errlist_dispose(&el);
        return;
    }
    ck_assert_msg(a != NULL, "%s", err);
    free(err);
    ck_assert_ptr_nonnull(a->policy);
    b = cfg_load_string(policy_string_cases[_i].object, "o.json", &el);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(a->policy_name, b->policy_name);
    ja = cfg_to_json(a);
    jb = cfg_to_json(b);
    sa = json_dumps(ja, JSON_SORT_KEYS);
    sb = json_dumps(jb, JSON_SORT_KEYS);
    ck_assert_str_eq(sa, sb);
    free(sa);
    free(sb);
    json_decref(ja);
    json_decref(jb);
    cfg_free(a);
    cfg_free(b);
    xb_errlist_dispose(&el);
}
END_TEST

/*
 * Golden cases: tests/config/<case>.json and the exact .err it gives.
 */

static const char *const golden_cases[] = {
    "agent_bounds",
    "pressure_cross", /* guest view (tests/guest.cmake) */
    "bad_duration",
    "bad_policy_cross",
    "bad_policy_name",
    "bad_policy_param",
    "bad_size",
    "bad_units",
    "cross_checks",
    "duplicate_key",
    "empty",
    "many_errors",
    "min_gt_max",
    "negative",
    "out_of_range",
    "policy_params_type",
    "policy_string",
    "policy_string_bad",
    "rule_selector",
    "sim_errors",
    "sim_overcommit",
    "socket_bad",
    "syntax_error",
    "top_not_object",
    "unknown_key",
    "unknown_nested",
    "valid_full",
    "valid_minimal",
    "wrong_types",
    /* Terminal control bytes in keys, names, values and the JSON
     * parser's "near" text come back quoted (common/quote.h). */
    "terminal_escape",
    "terminal_param",
    "terminal_near",
};
#define NGOLDEN (sizeof(golden_cases) / sizeof(golden_cases[0]))

START_TEST(test_golden)
{
    const char *name = golden_cases[_i];
    struct xb_config *cfg;
    struct xb_errlist el;
    char *json, *errf, *want, *got;

    /* The case names its file relative to the golden directory. */
    ck_assert_int_eq(chdir(GOLDEN_DIR), 0);
    xb_asprintf(&json, "%s.json", name);
    xb_asprintf(&errf, "%s.err", name);
    want = slurp(errf);
    xb_errlist_init(&el);
    cfg = cfg_load(json, &el);
    got = xb_errlist_join(&el);
    if (el.n > 0) {
        got = xb_reallocarray(got, strlen(got) + 2, 1);
        strcat(got, "\n");
    }
    ck_assert_msg(strcmp(got, want) == 0, "%s:\n--- want\n%s--- got\n%s", name,
                  want, got);
    ck_assert_msg((cfg == NULL) == (el.n > 0), "%s: result vs errors", name);
    cfg_free(cfg);
    xb_errlist_dispose(&el);
    free(got);
    free(want);
    free(errf);
    free(json);
}
END_TEST

/* A file with thousands of unknown keys: 20 messages and a count of the
 * rest, not megabytes (common/errlist.h). */
static const struct {
    unsigned keys;
    const char *tail;
} many_keys_cases[] = {
    { 20, "unknown key" },
    { 21, "... and 1 more error" },
    { 20000, "... and 19980 more errors" },
};

START_TEST(test_many_unknown_keys)
{
    struct xb_errlist el;
    struct xb_config *cfg;
    char *text, *p, *msg;

    text = p = xb_malloc(many_keys_cases[_i].keys * 16 + 16);
    p += sprintf(p, "{");
    for (unsigned k = 0; k < many_keys_cases[_i].keys; k++)
        p += sprintf(p, "%s\"k%u\": 1", k ? ", " : "", k);
    sprintf(p, "}");
    xb_errlist_init(&el);
    cfg = cfg_load_string(text, "many.json", &el);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_eq(el.n, many_keys_cases[_i].keys);
    msg = xb_errlist_join(&el);
    ck_assert_uint_lt(strlen(msg), 20 * 1024);
    ck_assert_msg(strstr(msg, many_keys_cases[_i].tail) != NULL, "%s",
                  many_keys_cases[_i].tail);
    free(msg);
    xb_errlist_dispose(&el);
    free(text);
}
END_TEST

/* Every case on disk is in the table and has its .err. */
START_TEST(test_golden_complete)
{
    struct dirent *de;
    size_t n = 0, len;
    char *errf;
    DIR *d;

    d = opendir(GOLDEN_DIR);
    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)) != NULL) {
        len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        n++;
        size_t i;
        for (i = 0; i < NGOLDEN; i++)
            if (strlen(golden_cases[i]) == len - 5 &&
                strncmp(golden_cases[i], de->d_name, len - 5) == 0)
                break;
        ck_assert_msg(i < NGOLDEN, "%s is not in golden_cases", de->d_name);
        xb_asprintf(&errf, "%s/%.*s.err", GOLDEN_DIR, (int)(len - 5),
                    de->d_name);
        ck_assert_msg(access(errf, R_OK) == 0, "%s is missing", errf);
        free(errf);
    }
    closedir(d);
    ck_assert_uint_eq(n, NGOLDEN);
}
END_TEST

/*
 * Never crash on input: every truncation and every one-byte mutation of a
 * full config loads or fails cleanly, and fails exactly when it reports.
 */

static void
load_mutant(const char *text, size_t *nfail)
{
    struct xb_config *cfg;
    struct xb_errlist el;

    xb_errlist_init(&el);
    cfg = cfg_load_string(text, "mutant.json", &el);
    ck_assert_msg((cfg == NULL) == (el.n > 0), "result vs errors for:\n%s",
                  text);
    if (cfg != NULL) {
        json_t *j = cfg_to_json(cfg);

        ck_assert_ptr_nonnull(j);
        json_decref(j);
    } else
        (*nfail)++;
    cfg_free(cfg);
    xb_errlist_dispose(&el);
}

START_TEST(test_mutations)
{
    static const char repl[] = "\"}]{[,:-9.xG\\";
    char *text = slurp(GOLDEN_DIR "/valid_full.json"), *copy;
    size_t len = strlen(text), nfail = 0, cut;

    copy = xb_malloc(len + 1);
    /* Truncations: all fail, but the last (whitespace only missing). */
    for (cut = 0; cut < len; cut++) {
        memcpy(copy, text, cut);
        copy[cut] = '\0';
        load_mutant(copy, &nfail);
    }
    ck_assert_uint_eq(nfail, len - 1);
    for (size_t i = 0; i < len; i++) {
        for (const char *r = repl; *r != '\0'; r++) {
            memcpy(copy, text, len + 1);
            copy[i] = *r;
            load_mutant(copy, &nfail);
        }
    }
    free(copy);
    free(text);
}
END_TEST

/*
 * The shipped examples load cleanly and say what they claim.
 */

START_TEST(test_examples)
{
    struct xb_config *cfg;
    struct xb_errlist el;
    struct cfg_simdom *d;
    char *err;
    unsigned n = 0;

    xb_errlist_init(&el);
    cfg = cfg_load(EXAMPLE, &el);
    err = xb_errlist_join(&el);
    ck_assert_msg(cfg != NULL, "%s", err);
    free(err);
    ck_assert_int_eq(cfg->backend, CFG_BACKEND_XEN);
    ck_assert_ptr_nonnull(cfg->policy);
    cfg_free(cfg);

    cfg = cfg_load(SIM_DEMO, &el);
    err = xb_errlist_join(&el);
    ck_assert_msg(cfg != NULL, "%s", err);
    free(err);
    ck_assert_int_eq(cfg->backend, CFG_BACKEND_SIM);
    ck_assert_uint_eq(cfg->sim.host_kb, 4 * G);
    TAILQ_FOREACH(d, &cfg->sim.doms, entry) {
        ck_assert_uint_le(d->base_kb, d->memory_kb);
        ck_assert_uint_le(d->memory_kb, d->maxmem_kb);
        n++;
    }
    ck_assert_uint_eq(n, 4);
    cfg_free(cfg);
    xb_errlist_dispose(&el);
}
END_TEST

/* Odds and ends of the entry points. */
START_TEST(test_entry_points)
{
    struct xb_config *cfg;
    struct xb_errlist el;

    xb_errlist_init(&el);
    cfg = cfg_load(NULL, &el);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_ptr_null(cfg->path);
    ck_assert_ptr_nonnull(cfg->policy);
    ck_assert_str_eq(cfg->policy_name, "pressure");
    ck_assert_uint_eq(cfg->reserve_kb, 128 * M);
    ck_assert_uint_eq(cfg->tick_ms, 1000);
    ck_assert_int_eq(cfg->log_level, XB_LOG_INFO);
    ck_assert_ptr_null(cfg->socket_group);
    ck_assert(TAILQ_EMPTY(&cfg->rules));
    cfg_free(cfg);

    cfg = cfg_load(GOLDEN_DIR "/valid_minimal.json", &el);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_str_eq(cfg->path, GOLDEN_DIR "/valid_minimal.json");
    cfg_free(cfg);

    cfg = cfg_load_string("{}", NULL, &el);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_ptr_null(cfg->path);
    cfg_free(cfg);
    cfg_free(NULL);
    ck_assert_uint_eq(el.n, 0);

    cfg = cfg_load("/nonexistent/xb.json", &el);
    ck_assert_ptr_null(cfg);
    ck_assert_uint_eq(el.n, 1);
    ck_assert_str_eq(el.msgs[0],
                     "/nonexistent/xb.json: No such file or directory");
    xb_errlist_dispose(&el);

    cfg = cfg_load_string("{\"tick\": 1}", NULL, &el);
    ck_assert_ptr_null(cfg);
    ck_assert_str_eq(el.msgs[0],
                     "(string): tick: 1ms is out of range [100ms, 1m]");
    xb_errlist_dispose(&el);

    /* Errors already in the list are kept and do not fail a good load. */
    xb_errlist_add(&el, "earlier");
    cfg = cfg_load_string("{}", "x.json", &el);
    ck_assert_ptr_nonnull(cfg);
    ck_assert_uint_eq(el.n, 1);
    cfg_free(cfg);
    xb_errlist_dispose(&el);
}
END_TEST

/*
 * The man page against the schema.  Every key the dump shows must have an
 * `.It Ic <json.path>` line; for scalars that line must show the default as
 * `Li <value>`, and for numbers the range the loader enforces, found by
 * feeding each key a value beyond every range.
 */

static char **man_lines;
static size_t man_nlines;

static void
man_load(void)
{
    char *text = slurp(MANPAGE), *p, *nl;

    man_lines = NULL;
    man_nlines = 0;
    for (p = text; *p != '\0'; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl == NULL)
            nl = p + strlen(p);
        if (strncmp(p, ".It Ic ", 7) == 0) {
            man_lines =
                xb_reallocarray(man_lines, man_nlines + 1, sizeof(*man_lines));
            man_lines[man_nlines++] = xb_strndup(p, (size_t)(nl - p));
        }
        if (*nl == '\0')
            break;
    }
    free(text);
}

static void
man_unload(void)
{
    for (size_t i = 0; i < man_nlines; i++)
        free(man_lines[i]);
    free(man_lines);
    man_lines = NULL;
    man_nlines = 0;
}

static const char *
man_item(const char *path)
{
    size_t len = strlen(path);

    for (size_t i = 0; i < man_nlines; i++) {
        const char *l = man_lines[i] + 7;

        if (strncmp(l, path, len) == 0 && (l[len] == ' ' || l[len] == '\0'))
            return man_lines[i];
    }
    return NULL;
}

/* Does `line` hold the word sequence "Li <value>"? */
static int
man_has_li(const char *line, const char *value)
{
    size_t len = strlen(value);

    for (const char *p = line; (p = strstr(p, "Li ")) != NULL; p += 3)
        if (strncmp(p + 3, value, len) == 0 &&
            (p[3 + len] == ' ' || p[3 + len] == '\0'))
            return 1;
    return 0;
}

static void
man_check_key(const char *path, json_t *v, const char *probe_fmt)
{
    const char *line = man_item(path);
    struct xb_config *cfg;
    struct xb_errlist el;
    char buf[64], *probe, *p, *q;

    ck_assert_msg(line != NULL, "man page lacks \".It Ic %s\"", path);
    switch (json_typeof(v)) {
    case JSON_STRING:
        snprintf(buf, sizeof(buf), "%s", json_string_value(v));
        break;
    case JSON_INTEGER:
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(buf, sizeof(buf), "%g", json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        snprintf(buf, sizeof(buf), "%s", json_is_true(v) ? "true" : "false");
        break;
    case JSON_NULL:
        snprintf(buf, sizeof(buf), "null");
        break;
    default:
        return; /* objects and arrays have no single default */
    }
    if (probe_fmt == NULL)
        return;
    ck_assert_msg(man_has_li(line, buf), "%s: default \"Li %s\" not in: %s",
                  path, buf, line);
    if (!json_is_number(v) && !json_is_string(v))
        return;
    /* 2^53 where the template says @: out of every range, any unit. */
    p = strchr(probe_fmt, '@');
    ck_assert_ptr_nonnull(p);
    xb_asprintf(&probe, "%.*s9007199254740992%s", (int)(p - probe_fmt),
                probe_fmt, p + 1);
    xb_errlist_init(&el);
    cfg = cfg_load_string(probe, "probe.json", &el);
    cfg_free(cfg);
    free(probe);
    if (el.n == 1 && (p = strstr(el.msgs[0], "out of range [")) != NULL) {
        p += strlen("out of range [");
        q = strchr(p, ',');
        ck_assert_ptr_nonnull(q);
        snprintf(buf, sizeof(buf), "%.*s", (int)(q - p), p);
        ck_assert_msg(man_has_li(line, buf),
                      "%s: range low \"Li %s\" not in: %s", path, buf, line);
        p = q + 2;
        q = strchr(p, ']');
        snprintf(buf, sizeof(buf), "%.*s", (int)(q - p), p);
        ck_assert_msg(man_has_li(line, buf),
                      "%s: range high \"Li %s\" not in: %s", path, buf, line);
    }
    xb_errlist_dispose(&el);
}

START_TEST(test_manpage)
{
    struct xb_config *cfg = xb_malloc(sizeof(*cfg));
    struct xb_errlist el;
    json_t *top, *sub, *v, *e;
    const char *key;
    char path[128], fmt[160];
    size_t i;

    man_load();
    cfg_defaults(cfg);
    cfg->backend = CFG_BACKEND_SIM; /* so "sim" is shown */
    top = cfg_to_json(cfg);
    cfg_free(cfg);
    json_object_foreach(top, key, v) {
        snprintf(fmt, sizeof(fmt), "{\"%s\": @}", key);
        /* backend was changed above; its default is checked by name only */
        man_check_key(key, v, strcmp(key, "backend") == 0 ? NULL : fmt);
    }
    ck_assert(man_has_li(man_item("backend"), "xen"));
    sub = json_object_get(top, "sim");
    json_object_foreach(sub, key, v) {
        snprintf(path, sizeof(path), "sim.%s", key);
        snprintf(fmt, sizeof(fmt), "{\"sim\": {\"%s\": @}}", key);
        man_check_key(path, v, fmt);
    }
    sub = json_object_get(top, "policy");
    json_object_foreach(sub, key, v) {
        snprintf(path, sizeof(path), "policy.%s", key);
        snprintf(fmt, sizeof(fmt), "{\"policy\": {\"%s\": @}}", key);
        man_check_key(path, v, fmt);
    }
    sub = json_object_get(top, "agent");
    json_object_foreach(sub, key, v) {
        snprintf(path, sizeof(path), "agent.%s", key);
        snprintf(fmt, sizeof(fmt), "{\"agent\": {\"%s\": @}}", key);
        man_check_key(path, v, fmt);
    }
    json_decref(top);

    /* List entries: every key any entry can have. */
    xb_errlist_init(&el);
    cfg = cfg_load_string(
        "{\"backend\": \"sim\", \"sim\": {\"domains\": [{\"name\": \"a\"}]},"
        " \"domains\": [{\"match\": \"a\", \"min\": \"1G\", \"max\": \"2G\","
        " \"weight\": 5, \"exclude\": false}, {\"domid\": 3, \"weight\": 1}]}",
        "lists.json", &el);
    ck_assert_ptr_nonnull(cfg);
    top = cfg_to_json(cfg);
    json_array_foreach(json_object_get(top, "domains"), i, e) {
        json_object_foreach(e, key, v) {
            snprintf(path, sizeof(path), "domains[].%s", key);
            man_check_key(path, v, NULL);
        }
    }
    e = json_array_get(json_object_get(json_object_get(top, "sim"), "domains"),
                       0);
    json_object_foreach(e, key, v) {
        snprintf(path, sizeof(path), "sim.domains[].%s", key);
        snprintf(fmt, sizeof(fmt),
                 "{\"backend\": \"sim\", \"sim\": {\"domains\": "
                 "[{\"name\": \"a\", \"%s\": @}]}}",
                 key);
        /* name and maxmem have no fixed default to show */
        man_check_key(path, v,
                      strcmp(key, "name") == 0 || strcmp(key, "maxmem") == 0
                          ? NULL
                          : fmt);
    }
    json_decref(top);
    cfg_free(cfg);
    xb_errlist_dispose(&el);
    man_unload();
}
END_TEST

static Suite *
config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc;

    tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_size, 0,
                        sizeof(size_cases) / sizeof(size_cases[0]));
    tcase_add_loop_test(tc, test_duration, 0,
                        sizeof(duration_cases) / sizeof(duration_cases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("resolve");
    tcase_add_loop_test(tc, test_resolve, 0,
                        sizeof(resolve_cases) / sizeof(resolve_cases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("roundtrip");
    tcase_add_loop_test(tc, test_roundtrip, 0,
                        sizeof(roundtrip_inputs) / sizeof(roundtrip_inputs[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("policy_string");
    tcase_add_loop_test(tc, test_policy_string, 0,
                        sizeof(policy_string_cases) /
                            sizeof(policy_string_cases[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("golden");
    tcase_add_loop_test(tc, test_golden, 0, NGOLDEN);
    tcase_add_loop_test(tc, test_many_unknown_keys, 0,
                        sizeof(many_keys_cases) / sizeof(many_keys_cases[0]));
    tcase_add_test(tc, test_golden_complete);
    tcase_add_test(tc, test_mutations);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_test(tc, test_examples);
    tcase_add_test(tc, test_entry_points);
    tcase_add_test(tc, test_manpage);
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(config_suite)
