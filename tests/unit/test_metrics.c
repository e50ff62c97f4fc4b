/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Observability (controller/metrics/, controller/daemon/rates.c): the
 * rates from agent history, the
 * decision histogram, the metrics_listen parser, and the exposition text
 * checked by a strict parser of the Prometheus text format (families
 * contiguous, HELP and TYPE once and first, names and label syntax,
 * escapes, unique series, finite values, cumulative histogram buckets) and
 * by the conventions this project follows (units and _total in names,
 * domain and domid on every per-domain series).
 */
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "config.h"
#include "metrics.h"
#include "xmalloc.h"
#include "unit/check_main.h"

/*
 * Rates.
 */

/* One sample: t_ms, seq, psi_some_us, pswpin (-1: field absent). */
struct rs {
    uint64_t t, seq;
    long long psi, in;
};

static const struct {
    const char *what;
    struct rs s[6];
    unsigned n;
    int has_p, has_in;
    double p, in; /* ms/s, pages/s */
} rate_cases[] = {
    { "one sample: unknown", { { 1000, 1, 0, 0 } }, 1, 0, 0 },
    { "two samples 1 s apart",
      { { 1000, 1, 0, 0 }, { 2000, 2, 50000, 10 } },
      2,
      1,
      1,
      50,
      10 },
    { "idle heartbeat: 10 s apart still gives a rate",
      { { 0, 1, 0, 0 }, { 10000, 2, 0, 0 } },
      2,
      1,
      1,
      0,
      0 },
    { "window: only the last 10 s count",
      { { 0, 1, 0, 0 },
        { 5000, 2, 1000000, 1000 },
        { 10000, 3, 1000000, 1000 },
        { 15000, 4, 1500000, 1500 } },
      4,
      1,
      1,
      50,
      50 },
    { "agent restart: seq falls, only the new run counts",
      { { 0, 7, 9000000, 900 }, { 1000, 1, 0, 0 }, { 3000, 2, 20000, 4 } },
      3,
      1,
      1,
      10,
      2 },
    { "counter reset without a seq change is cut too",
      { { 0, 1, 500000, 50 }, { 1000, 2, 0, 0 }, { 2000, 3, 1000, 3 } },
      3,
      1,
      1,
      1,
      3 },
    { "no PSI in this kernel",
      { { 0, 1, -1, 0 }, { 1000, 2, -1, 20 } },
      2,
      0,
      1,
      0,
      20 },
    { "field appears late: only samples having it",
      { { 0, 1, -1, 0 }, { 1000, 2, 0, 0 }, { 2000, 3, 30000, 0 } },
      3,
      1,
      1,
      30,
      0 },
    /* Hostile jumps are clamped to the physical range (common/rate.h):
     * ten years of stall in a second is 1000 ms/s, 2^62 pages a
     * second is 2^32. */
    { "PSI jumps by years: at most 1000 ms/s",
      { { 1000, 1, 0, 0 }, { 2000, 2, 315360000000000LL, 0 } },
      2,
      1,
      1,
      1000,
      0 },
    { "swap-in jumps by 2^62: clamped, no wrap",
      { { 1000, 1, 0, 0 }, { 2000, 2, 0, 1LL << 62 } },
      2,
      1,
      1,
      0,
      4294967296.0 },
    { "same timestamp: unknown",
      { { 1000, 1, 0, 0 }, { 1000, 2, 10, 10 } },
      2,
      0,
      0 },
};

START_TEST(test_rates)
{
    struct xb_pol_sample h[6];
    struct met_rates r;
    unsigned n = rate_cases[_i].n;

    memset(h, 0, sizeof(h));
    for (unsigned i = 0; i < n; i++) {
        const struct rs *s = &rate_cases[_i].s[i];

        h[i].t_ms = s->t;
        xb_record_set(&h[i].rec, XB_F_SEQ, s->seq);
        if (s->psi >= 0)
            xb_record_set(&h[i].rec, XB_F_PSI_SOME, (uint64_t)s->psi);
        if (s->in >= 0)
            xb_record_set(&h[i].rec, XB_F_PSWPIN, (uint64_t)s->in);
    }
    met_rates(h, n, MET_RATE_WINDOW_MS, &r);
    ck_assert_msg(r.has_pressure == rate_cases[_i].has_p, "%s",
                  rate_cases[_i].what);
    ck_assert_msg(r.has_swapin == rate_cases[_i].has_in, "%s",
                  rate_cases[_i].what);
    ck_assert_int_eq(r.has_swapout, 0); /* never set above */
    if (r.has_pressure)
        ck_assert_msg(fabs(r.pressure - rate_cases[_i].p) < 1e-9, "%s: %g",
                      rate_cases[_i].what, r.pressure);
    if (r.has_swapin)
        ck_assert_msg(fabs(r.swapin - rate_cases[_i].in) < 1e-9, "%s: %g",
                      rate_cases[_i].what, r.swapin);
}
END_TEST

START_TEST(test_history)
{
    ck_assert_uint_eq(met_history(1), MET_HISTORY_MIN);
    ck_assert_uint_eq(met_history(32), 32);
    ck_assert_uint_le(MET_HISTORY_MIN, XB_POL_HISTORY_MAX);
}
END_TEST

/*
 * metrics_listen.
 */

static const struct {
    const char *in;
    const char *host; /* NULL: refused */
    unsigned port;
} listen_cases[] = {
    { "127.0.0.1:9542", "127.0.0.1", 9542 },
    { "9542", "127.0.0.1", 9542 },
    { ":9542", "127.0.0.1", 9542 },
    { "[::1]:9542", "::1", 9542 },
    { "0.0.0.0:0", "0.0.0.0", 0 },
    { "mgmt-host.example:65535", "mgmt-host.example", 65535 },
    { "::1:9542", NULL },
    { "[::1]9542", NULL },
    { "127.0.0.1:65536", NULL },
    { "127.0.0.1:", NULL },
    { "127.0.0.1:95a", NULL },
    { "", NULL },
    { "host name:80", NULL },
    { "[::1:80", NULL },
    { "127.0.0.1:+80", NULL },
};

START_TEST(test_listen)
{
    char host[CFG_HOST_MAX], *cause = NULL;
    unsigned port = 1;
    int rc = cfg_parse_listen(listen_cases[_i].in, host, sizeof(host), &port,
                              &cause);

    if (listen_cases[_i].host == NULL) {
        ck_assert_msg(rc == -1, "%s accepted", listen_cases[_i].in);
        ck_assert_ptr_nonnull(cause);
        free(cause);
        return;
    }
    ck_assert_msg(rc == 0, "%s: %s", listen_cases[_i].in, cause);
    ck_assert_str_eq(host, listen_cases[_i].host);
    ck_assert_uint_eq(port, listen_cases[_i].port);
}
END_TEST

/*
 * A strict exposition parser.
 */

struct expo {
    char **series; /* "name{labels}" */
    double *value;
    size_t n;
    char **fams;
    char **types;
    size_t nfams;
};

static void
expo_free(struct expo *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->series[i]);
    for (size_t i = 0; i < e->nfams; i++) {
        free(e->fams[i]);
        free(e->types[i]);
    }
    free(e->series);
    free(e->value);
    free(e->fams);
    free(e->types);
}

static int
expo_name_ok(const char *s, size_t len)
{
    if (len == 0 ||
        !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
            return 0;
    return 1;
}

static size_t
expo_fam(const struct expo *e, const char *name)
{
    for (size_t i = 0; i < e->nfams; i++)
        if (strcmp(e->fams[i], name) == 0)
            return i;
    return (size_t)-1;
}

/* The family a sample belongs to: histograms own _bucket, _sum, _count. */
static char *
expo_family_of(const struct expo *e, const char *name)
{
    static const char *const sfx[] = { "_bucket", "_sum", "_count" };
    size_t len = strlen(name);

    for (size_t i = 0; i < 3; i++) {
        size_t sl = strlen(sfx[i]);
        char *base;
        size_t f;

        if (len <= sl || strcmp(name + len - sl, sfx[i]) != 0)
            continue;
        base = xb_strndup(name, len - sl);
        f = expo_fam(e, base);
        if (f != (size_t)-1 && strcmp(e->types[f], "histogram") == 0)
            return base;
        free(base);
    }
    return xb_strdup(name);
}

/*
 * Parses text; fails the test on the first violation.  Label values come
 * back unescaped into the series key so lookups are plain strings.
 */
static void
expo_parse(const char *text, struct expo *e)
{
    const char *p = text, *nl;
    char *cur = NULL; /* the family whose samples are being read */
    int line = 0;

    memset(e, 0, sizeof(*e));
    ck_assert_msg(*text != '\0', "empty exposition");
    ck_assert_msg(text[strlen(text) - 1] == '\n', "no final newline");
    for (; *p != '\0'; p = nl + 1) {
        char *l;
        size_t len;

        line++;
        nl = strchr(p, '\n');
        len = (size_t)(nl - p);
        l = xb_strndup(p, len);
        ck_assert_msg(len > 0, "line %d: empty line", line);
        if (strncmp(l, "# HELP ", 7) == 0 || strncmp(l, "# TYPE ", 7) == 0) {
            int help = l[2] == 'H';
            char *name = l + 7, *sp = strchr(name, ' ');
            size_t f;

            ck_assert_msg(sp != NULL && sp[1] != '\0', "line %d: %s", line, l);
            *sp = '\0';
            ck_assert_msg(expo_name_ok(name, strlen(name)), "line %d: name",
                          line);
            f = expo_fam(e, name);
            if (help) {
                /* HELP text: \\ and \n are the only escapes. */
                for (char *c = sp + 1; *c != '\0'; c++)
                    if (*c == '\\')
                        ck_assert_msg(c[1] == '\\' || c[1] == 'n',
                                      "line %d: bad escape", line);
                ck_assert_msg(f == (size_t)-1,
                              "line %d: HELP after TYPE or "
                              "twice for %s",
                              line, name);
                ck_assert_msg(cur == NULL || strcmp(cur, name) != 0, "line %d",
                              line);
                free(cur);
                cur = xb_strdup(name);
            } else {
                const char *t = sp + 1;

                ck_assert_msg(cur != NULL && strcmp(cur, name) == 0,
                              "line %d: TYPE %s without its HELP just before",
                              line, name);
                ck_assert_msg(f == (size_t)-1, "line %d: second TYPE for %s",
                              line, name);
                ck_assert_msg(strcmp(t, "counter") == 0 ||
                                  strcmp(t, "gauge") == 0 ||
                                  strcmp(t, "histogram") == 0,
                              "line %d: type %s", line, t);
                e->fams =
                    xb_reallocarray(e->fams, e->nfams + 1, sizeof(*e->fams));
                e->types =
                    xb_reallocarray(e->types, e->nfams + 1, sizeof(*e->types));
                e->fams[e->nfams] = xb_strdup(name);
                e->types[e->nfams++] = xb_strdup(t);
            }
        } else {
            char *q = l, *end, key[1024], *fam;
            size_t k = 0, nlen;
            double v;

            ck_assert_msg(*l != '#', "line %d: stray comment", line);
            while (*q != '\0' && *q != '{' && *q != ' ')
                q++;
            nlen = (size_t)(q - l);
            ck_assert_msg(expo_name_ok(l, nlen), "line %d: name", line);
            memcpy(key, l, nlen);
            k = nlen;
            key[k] = '\0';
            fam = expo_family_of(e, key);
            ck_assert_msg(cur != NULL && strcmp(cur, fam) == 0 &&
                              expo_fam(e, fam) != (size_t)-1,
                          "line %d: sample of %s outside its family", line,
                          fam);
            free(fam);
            if (*q == '{') {
                char names[16][64];
                int nnames = 0;

                key[k++] = *q++;
                while (*q != '}') {
                    const char *ln = q;

                    while (isalnum((unsigned char)*q) || *q == '_')
                        q++;
                    ck_assert_msg(expo_name_ok(ln, (size_t)(q - ln)) &&
                                      strncmp(ln, "__", 2) != 0,
                                  "line %d: label name", line);
                    ck_assert_int_lt(nnames, 16);
                    snprintf(names[nnames], 64, "%.*s", (int)(q - ln), ln);
                    for (int i = 0; i < nnames; i++)
                        ck_assert_msg(strcmp(names[i], names[nnames]) != 0,
                                      "line %d: label twice", line);
                    nnames++;
                    memcpy(key + k, ln, (size_t)(q - ln));
                    k += (size_t)(q - ln);
                    ck_assert_msg(q[0] == '=' && q[1] == '"', "line %d: =\"",
                                  line);
                    key[k++] = '=';
                    key[k++] = '"';
                    q += 2;
                    while (*q != '"') {
                        ck_assert_msg(*q != '\0' && *q != '\n',
                                      "line %d: open label value", line);
                        if (*q == '\\') {
                            ck_assert_msg(q[1] == '\\' || q[1] == '"' ||
                                              q[1] == 'n',
                                          "line %d: bad escape", line);
                            key[k++] = q[1] == 'n' ? '\n' : q[1];
                            q += 2;
                        } else
                            key[k++] = *q++;
                    }
                    key[k++] = *q++;
                    if (*q == ',') {
                        key[k++] = *q++;
                        ck_assert_msg(*q != '}', "line %d: trailing comma",
                                      line);
                    } else
                        ck_assert_msg(*q == '}', "line %d: after label", line);
                }
                key[k++] = *q++;
                key[k] = '\0';
            }
            ck_assert_msg(*q == ' ' && q[1] != ' ' && q[1] != '\0',
                          "line %d: value", line);
            v = strtod(q + 1, &end);
            ck_assert_msg(*end == '\0',
                          "line %d: junk after value (or a "
                          "timestamp)",
                          line);
            ck_assert_msg(isfinite(v), "line %d: value not finite", line);
            for (size_t i = 0; i < e->n; i++)
                ck_assert_msg(strcmp(e->series[i], key) != 0,
                              "line %d: series twice: %s", line, key);
            e->series =
                xb_reallocarray(e->series, e->n + 1, sizeof(*e->series));
            e->value = xb_reallocarray(e->value, e->n + 1, sizeof(*e->value));
            e->series[e->n] = xb_strdup(key);
            e->value[e->n++] = v;
        }
        free(l);
    }
    free(cur);
}

static double
expo_get(const struct expo *e, const char *series)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->series[i], series) == 0)
            return e->value[i];
    ck_abort_msg("no series %s", series);
    return NAN;
}

static int
expo_has(const struct expo *e, const char *series)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->series[i], series) == 0)
            return 1;
    return 0;
}

/* The project's conventions on top of the format. */
static void
expo_conventions(const struct expo *e)
{
    for (size_t f = 0; f < e->nfams; f++) {
        const char *n = e->fams[f];
        size_t len = strlen(n);

        ck_assert_msg(strncmp(n, "xenballoon_", 11) == 0, "%s", n);
        if (strcmp(e->types[f], "counter") == 0)
            ck_assert_msg(len > 6 && strcmp(n + len - 6, "_total") == 0,
                          "counter %s lacks _total", n);
        else
            ck_assert_msg(len < 6 || strcmp(n + len - 6, "_total") != 0,
                          "%s: _total on a %s", n, e->types[f]);
        /* No unit but the base ones. */
        ck_assert_msg(strstr(n, "_kb") == NULL && strstr(n, "_ms") == NULL &&
                          strstr(n, "_kib") == NULL,
                      "%s: not a base unit", n);
    }
    for (size_t i = 0; i < e->n; i++)
        if (strncmp(e->series[i], "xenballoon_domain_", 18) == 0)
            ck_assert_msg(strstr(e->series[i], "{domain=\"") != NULL &&
                              strstr(e->series[i], "\",domid=\"") != NULL,
                          "%s: no domain/domid labels", e->series[i]);
}

/* The histogram: ascending bounds, cumulative counts, +Inf == _count. */
static void
expo_histogram(const struct expo *e, const char *name)
{
    char prefix[128], key[160];
    double last_le = -1, last = 0;
    int inf = 0;

    snprintf(prefix, sizeof(prefix), "%s_bucket{le=\"", name);
    for (size_t i = 0; i < e->n; i++) {
        const char *s = e->series[i];
        double le;

        if (strncmp(s, prefix, strlen(prefix)) != 0)
            continue;
        ck_assert_int_eq(inf, 0);
        s += strlen(prefix);
        le = strncmp(s, "+Inf", 4) == 0 ? INFINITY : strtod(s, NULL);
        inf = isinf(le);
        ck_assert_msg(le > last_le, "%s: bounds not ascending", name);
        ck_assert_msg(e->value[i] >= last, "%s: not cumulative", name);
        last_le = le;
        last = e->value[i];
    }
    ck_assert_msg(inf, "%s: no +Inf bucket", name);
    snprintf(key, sizeof(key), "%s_count", name);
    ck_assert(expo_get(e, key) == last);
}

static char *
render(const struct xb_metrics *m, json_t *snap)
{
    struct evbuffer *b = evbuffer_new();
    size_t len;
    char *s;

    met_render(m, snap, b);
    len = evbuffer_get_length(b);
    s = xb_malloc(len + 1);
    evbuffer_remove(b, s, len);
    s[len] = '\0';
    evbuffer_free(b);
    return s;
}

static json_t *
snapshot(void)
{
    const char *text =
        "{\"version\": \"0.1.0\", \"backend\": \"sim\", \"policy\": "
        "\"pressure\", \"paused\": false, \"xenstore\": \"ok\", "
        "\"uptime_ms\": 61500, \"rebalances\": 42, "
        "\"host\": {\"total_kb\": 4194304, \"free_kb\": 524288, "
        "\"reserve_kb\": 131072, \"promised_kb\": 0, \"held_kb\": 0, "
        "\"available_kb\": 393216}, "
        "\"domains\": ["
        "{\"domid\": 0, \"name\": \"Domain-0\", \"actual_kb\": 524288, "
        "\"target_kb\": 524288, \"need_kb\": 0, \"min_kb\": 172032, "
        "\"max_kb\": 524288, \"weight\": 100, \"state\": \"excluded\", "
        "\"record_age_ms\": null, \"pressure\": null, \"swapin_rate\": null, "
        "\"swapout_rate\": null, \"psi_some_us\": null, \"pswpin\": null, "
        "\"pswpout\": null, \"records_accepted\": 0, \"records_rejected\": 0, "
        "\"records_throttled\": 0, \"target_failures\": 0, \"stuck\": false, "
        "\"uncooperative\": false, \"excluded\": true},"
        "{\"domid\": 7, \"name\": \"we\\\"ird\\\\name\\n\", "
        "\"actual_kb\": 1048576, \"target_kb\": 786432, \"need_kb\": 600000, "
        "\"min_kb\": 262144, \"max_kb\": 2097152, \"weight\": 200, "
        "\"state\": \"uncooperative\", \"record_age_ms\": 1500, "
        "\"pressure\": 12.5, \"swapin_rate\": 3.25, \"swapout_rate\": 0.0, "
        "\"psi_some_us\": 2500000, \"pswpin\": 123, \"pswpout\": 456, "
        "\"records_accepted\": 10, \"records_rejected\": 3, "
        "\"records_throttled\": 1, \"target_failures\": 2, "
        "\"stuck\": true, \"uncooperative\": true, \"excluded\": false}]}";
    json_error_t err;
    json_t *v = json_loads(text, 0, &err);

    ck_assert_msg(v != NULL, "%s", err.text);
    return v;
}

START_TEST(test_exposition)
{
    struct xb_metrics *m = met_create();
    json_t *snap = snapshot();
    struct expo e;
    char *text;
    const char *w = "{domain=\"we\"ird\\name\n\",domid=\"7\"}";
    char key[256];

    met_decision(m, BAL_GROW, 3);
    met_decision(m, BAL_SHRINK, 120);
    met_decision(m, BAL_SHRINK, 99999);
    text = render(m, snap);
    expo_parse(text, &e);
    expo_conventions(&e);
    expo_histogram(&e, "xenballoon_decision_latency_seconds");

    ck_assert(expo_get(&e, "xenballoon_up") == 1);
    ck_assert(expo_get(&e, "xenballoon_xenstore_connected") == 1);
    ck_assert(expo_get(&e, "xenballoon_uptime_seconds") == 61.5);
    ck_assert(expo_get(&e, "xenballoon_rebalances_total") == 42);
    ck_assert(expo_get(&e, "xenballoon_domains") == 2);
    ck_assert(expo_get(&e, "xenballoon_info{version=\"0.1.0\",backend=\"sim\","
                           "policy=\"pressure\"}") == 1);
    ck_assert(expo_get(&e, "xenballoon_host_memory_total_bytes") ==
              4294967296.0);
    ck_assert(expo_get(&e, "xenballoon_decisions_total{why=\"shrink\"}") == 2);
    ck_assert(expo_get(&e, "xenballoon_decisions_total{why=\"clamp\"}") == 0);
    ck_assert(expo_get(&e, "xenballoon_decision_latency_seconds_bucket"
                           "{le=\"0.005\"}") == 1);
    ck_assert(expo_get(&e, "xenballoon_decision_latency_seconds_bucket"
                           "{le=\"0.25\"}") == 2);
    ck_assert(expo_get(&e, "xenballoon_decision_latency_seconds_count") == 3);
    ck_assert(fabs(expo_get(&e, "xenballoon_decision_latency_seconds_sum") -
                   100.122) < 1e-9);

    /* The hostile name comes back intact through the escapes. */
    snprintf(key, sizeof(key), "xenballoon_domain_actual_bytes%s", w);
    ck_assert(expo_get(&e, key) == 1073741824.0);
    snprintf(key, sizeof(key), "xenballoon_domain_pressure_some_ratio%s", w);
    ck_assert(fabs(expo_get(&e, key) - 0.0125) < 1e-12);
    snprintf(key, sizeof(key), "xenballoon_domain_swapin_pages_per_second%s",
             w);
    ck_assert(expo_get(&e, key) == 3.25);
    snprintf(key, sizeof(key),
             "xenballoon_domain_pressure_some_seconds_total%s", w);
    ck_assert(expo_get(&e, key) == 2.5);
    snprintf(key, sizeof(key), "xenballoon_domain_records_rejected_total%s", w);
    ck_assert(expo_get(&e, key) == 3);
    snprintf(key, sizeof(key), "xenballoon_domain_stuck%s", w);
    ck_assert(expo_get(&e, key) == 1);
    snprintf(key, sizeof(key), "xenballoon_domain_record_age_seconds%s", w);
    ck_assert(expo_get(&e, key) == 1.5);
    snprintf(key, sizeof(key),
             "xenballoon_domain_state{domain=\"we\"ird\\name\n\","
             "domid=\"7\",state=\"uncooperative\"}");
    ck_assert(expo_get(&e, key) == 1);
    ck_assert(expo_get(&e, "xenballoon_domain_state{domain=\"Domain-0\","
                           "domid=\"0\",state=\"managed\"}") == 0);
    ck_assert(expo_get(&e, "xenballoon_domain_excluded{domain=\"Domain-0\","
                           "domid=\"0\"}") == 1);
    /* Unknown is absent, not NaN. */
    ck_assert(!expo_has(&e, "xenballoon_domain_pressure_some_ratio"
                            "{domain=\"Domain-0\",domid=\"0\"}"));
    ck_assert(!expo_has(&e, "xenballoon_domain_record_age_seconds"
                            "{domain=\"Domain-0\",domid=\"0\"}"));

    expo_free(&e);
    free(text);
    json_decref(snap);
    met_destroy(m);
}
END_TEST

START_TEST(test_exposition_empty)
{
    struct xb_metrics *m = met_create();
    json_t *snap =
        json_pack("{s:s, s:s, s:s, s:b, s:s, s:{}, s:[]}", "version", "x",
                  "backend", "xen", "policy", "static", "paused", 1, "xenstore",
                  "lost", "host", "domains");
    struct expo e;
    char *text = render(m, snap);

    /* No domains, no host figures yet: still valid, still says up. */
    expo_parse(text, &e);
    expo_conventions(&e);
    ck_assert(expo_get(&e, "xenballoon_up") == 1);
    ck_assert(expo_get(&e, "xenballoon_xenstore_connected") == 0);
    ck_assert(expo_get(&e, "xenballoon_paused") == 1);
    ck_assert(expo_get(&e, "xenballoon_domains") == 0);
    ck_assert(expo_fam(&e, "xenballoon_domain_state") == (size_t)-1);
    expo_histogram(&e, "xenballoon_decision_latency_seconds");
    expo_free(&e);
    free(text);
    json_decref(snap);
    met_destroy(m);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_rates, 0,
                        sizeof(rate_cases) / sizeof(rate_cases[0]));
    tcase_add_test(tc, test_history);
    tcase_add_loop_test(tc, test_listen, 0,
                        sizeof(listen_cases) / sizeof(listen_cases[0]));
    tcase_add_test(tc, test_exposition);
    tcase_add_test(tc, test_exposition_empty);
    suite_add_tcase(s, tc);
    return s;
}

XB_CHECK_MAIN(suite)
