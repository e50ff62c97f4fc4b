/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Observability on the daemon side (see metrics.h): rates from the agent
 * history, decision counters and their latency histogram, and the
 * Prometheus text exposition served by evhttp.  Names follow Prometheus
 * conventions: base units in the name (_bytes, _seconds, _ratio), _total
 * on counters, one family per name with HELP and TYPE, and every domain's
 * series labelled with its name and domid.  An unknown value (no agent, no
 * rate yet) is left out rather than exported as NaN.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "rate.h"
#include "xmalloc.h"

/*
 * Decision latency bucket bounds, ms.  The settle delay (100 ms by
 * default) sits in the middle; a tick (1 s) and above means a decision
 * waited on a rate limit; over 10 s something is wrong.
 */
static const uint64_t met_bounds_ms[] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
};
#define MET_NBOUNDS (sizeof(met_bounds_ms) / sizeof(met_bounds_ms[0]))

/* HTTP limits: a scrape is one small GET; anything bigger is not ours. */
#define MET_HEADERS_MAX 8192 /* bytes of request headers */
#define MET_BODY_MAX 1024    /* bytes of request body */
#define MET_TIMEOUT_S 10     /* seconds a client may take, either way */

/* The balancer's reasons as label values, indexed by enum bal_why. */
static const char *const met_why[] = {
    [BAL_KEEP] = NULL,
    [BAL_GROW] = "grow",
    [BAL_GROW_PART] = "grow_partial",
    [BAL_SHRINK] = "shrink",
    [BAL_RECLAIM] = "reclaim",
    [BAL_CLAMP] = "clamp",
    [BAL_WITHDRAW] = "withdraw",
};
#define MET_NWHY (sizeof(met_why) / sizeof(met_why[0]))

struct xb_metrics {
    uint64_t decisions[MET_NWHY];
    uint64_t lat_le[MET_NBOUNDS]; /* observations <= bound, not cumulated */
    uint64_t lat_count;
    uint64_t lat_sum_ms;

    struct evhttp *http;
    struct evhttp_bound_socket *sock;
    struct xb_daemon *d;
    unsigned port;
};

/*
 * Rates.
 */

/* Does sample b follow a in the same agent run? */
static int
met_follows(const struct xb_pol_sample *a, const struct xb_pol_sample *b)
{
    return b->rec.v[XB_F_SEQ] > a->rec.v[XB_F_SEQ] && b->t_ms >= a->t_ms;
}

static void
met_rate(const struct xb_pol_sample *hist, unsigned n, uint64_t window_ms,
         enum xb_field f, double *rate, int *has)
{
    const struct xb_pol_sample *last = &hist[n - 1], *first = NULL;
    unsigned i;

    *has = 0;
    if (!xb_record_has(&last->rec, f))
        return;
    /* Walk back while the run, the field and the window allow. */
    for (i = n - 1; i > 0; i--) {
        const struct xb_pol_sample *s = &hist[i - 1], *next = &hist[i];

        if (!xb_record_has(&s->rec, f) || !met_follows(s, next) ||
            s->rec.v[f] > next->rec.v[f])
            break;
        if (first != NULL && last->t_ms - s->t_ms > window_ms)
            break;
        first = s;
    }
    if (first == NULL)
        return;
    *has =
        xb_rate(&first->rec, first->t_ms, &last->rec, last->t_ms, f, rate) == 0;
}

void
met_rates(const struct xb_pol_sample *hist, unsigned n, uint64_t window_ms,
          struct met_rates *out)
{
    memset(out, 0, sizeof(*out));
    if (n < 2)
        return;
    met_rate(hist, n, window_ms, XB_F_PSI_SOME, &out->pressure,
             &out->has_pressure);
    met_rate(hist, n, window_ms, XB_F_PSWPIN, &out->swapin, &out->has_swapin);
    met_rate(hist, n, window_ms, XB_F_PSWPOUT, &out->swapout,
             &out->has_swapout);
}

unsigned
met_history(unsigned want)
{
    return want > MET_HISTORY_MIN ? want : MET_HISTORY_MIN;
}

/*
 * Counters.
 */

struct xb_metrics *
met_create(void)
{
    return xb_calloc(1, sizeof(struct xb_metrics));
}

void
met_destroy(struct xb_metrics *m)
{
    if (m == NULL)
        return;
    if (m->http != NULL)
        evhttp_free(m->http);
    free(m);
}

void
met_decision(struct xb_metrics *m, enum bal_why why, uint64_t latency_ms)
{
    if (m == NULL)
        return;
    if ((size_t)why < MET_NWHY)
        m->decisions[why]++;
    for (size_t i = 0; i < MET_NBOUNDS; i++)
        if (latency_ms <= met_bounds_ms[i]) {
            m->lat_le[i]++;
            break;
        }
    m->lat_count++;
    m->lat_sum_ms += latency_ms;
}

/*
 * The exposition format.
 */

enum met_conv {
    MC_RAW,      /* as it is */
    MC_KIB,      /* KiB -> bytes */
    MC_MS,       /* ms -> seconds */
    MC_US,       /* us -> seconds */
    MC_PERMILLE, /* ms per second -> ratio */
    MC_BOOL,     /* true/false -> 1/0 */
};

struct met_fam {
    const char *name;
    const char *type;
    const char *key; /* member of the snapshot object */
    enum met_conv conv;
    const char *help;
};

static const struct met_fam met_host_fams[] = {
    { "xenballoon_host_memory_total_bytes", "gauge", "total_kb", MC_KIB,
      "Physical memory Xen manages" },
    { "xenballoon_host_memory_free_bytes", "gauge", "free_kb", MC_KIB,
      "Host memory free now, net of outstanding claims" },
    { "xenballoon_host_memory_reserve_bytes", "gauge", "reserve_kb", MC_KIB,
      "Host memory never handed out (config reserve)" },
    { "xenballoon_host_memory_promised_bytes", "gauge", "promised_kb", MC_KIB,
      "Growth promised to domains (target above actual) not taken yet" },
    { "xenballoon_host_memory_held_bytes", "gauge", "held_kb", MC_KIB,
      "Memory held out of balancing by operator reservations" },
    { "xenballoon_host_memory_available_bytes", "gauge", "available_kb", MC_KIB,
      "What growth could still use after the last decision" },
};

static const struct met_fam met_dom_fams[] = {
    { "xenballoon_domain_actual_bytes", "gauge", "actual_kb", MC_KIB,
      "Memory the domain holds now" },
    { "xenballoon_domain_target_bytes", "gauge", "target_kb", MC_KIB,
      "The domain's memory target in force" },
    { "xenballoon_domain_need_bytes", "gauge", "need_kb", MC_KIB,
      "What the policy estimates the domain needs" },
    { "xenballoon_domain_min_bytes", "gauge", "min_kb", MC_KIB,
      "Lowest target the daemon may set" },
    { "xenballoon_domain_max_bytes", "gauge", "max_kb", MC_KIB,
      "Highest target the daemon may set" },
    { "xenballoon_domain_weight", "gauge", "weight", MC_RAW,
      "The domain's share weight when memory is scarce" },
    { "xenballoon_domain_pressure_some_ratio", "gauge", "pressure", MC_PERMILLE,
      "Share of time some guest task stalled on memory (PSI some), "
      "over the last 10s of agent records" },
    { "xenballoon_domain_swapin_pages_per_second", "gauge", "swapin_rate",
      MC_RAW, "Guest swap-ins (4 KiB pages) per second, last 10s of records" },
    { "xenballoon_domain_swapout_pages_per_second", "gauge", "swapout_rate",
      MC_RAW, "Guest swap-outs (4 KiB pages) per second, last 10s of records" },
    { "xenballoon_domain_pressure_some_seconds_total", "counter", "psi_some_us",
      MC_US,
      "The guest's cumulative PSI some memory stall (resets on reboot)" },
    { "xenballoon_domain_swapin_pages_total", "counter", "pswpin", MC_RAW,
      "The guest's swap-in counter, pages (resets on reboot)" },
    { "xenballoon_domain_swapout_pages_total", "counter", "pswpout", MC_RAW,
      "The guest's swap-out counter, pages (resets on reboot)" },
    { "xenballoon_domain_records_accepted_total", "counter", "records_accepted",
      MC_RAW, "Agent records accepted" },
    { "xenballoon_domain_records_rejected_total", "counter", "records_rejected",
      MC_RAW, "Agent records rejected as malformed or oversized" },
    { "xenballoon_domain_records_suspicious_total", "counter",
      "records_suspicious", MC_RAW,
      "Agent records accepted whose story is impossible over time (seq or "
      "counters going backwards, MemTotal changing in every record)" },
    { "xenballoon_domain_records_throttled_total", "counter",
      "records_throttled", MC_RAW,
      "Agent record events deferred by the per-domain rate limit" },
    { "xenballoon_domain_target_failures_total", "counter", "target_failures",
      MC_RAW, "Target writes the hypervisor refused" },
    { "xenballoon_domain_record_age_seconds", "gauge", "record_age_ms", MC_MS,
      "Time since the agent's last accepted record" },
    { "xenballoon_domain_stuck", "gauge", "stuck", MC_BOOL,
      "1 if the domain stopped moving toward its target" },
    { "xenballoon_domain_uncooperative", "gauge", "uncooperative", MC_BOOL,
      "1 if stuck for long: held where it is, not counted on" },
    { "xenballoon_domain_excluded", "gauge", "excluded", MC_BOOL,
      "1 if the domain is never balanced (config, set, dom0)" },
};

/* The states `status` reports, for the state set. */
static const char *const met_states[] = {
    "managed", "no-agent", "stale", "stuck", "uncooperative", "excluded",
};

/* Formats v for the exposition; 0, or -1 when it is unknown. */
static int
met_fmt(char *buf, size_t len, const json_t *v, enum met_conv conv)
{
    double x;

    if (conv == MC_BOOL) {
        if (!json_is_boolean(v))
            return -1;
        snprintf(buf, len, "%d", json_is_true(v) ? 1 : 0);
        return 0;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0 &&
        (conv == MC_RAW || conv == MC_KIB)) {
        uint64_t u = (uint64_t)json_integer_value(v);

        if (conv == MC_KIB)
            u *= 1024;
        snprintf(buf, len, "%" PRIu64, u);
        return 0;
    }
    if (!json_is_number(v))
        return -1;
    x = json_number_value(v);
    switch (conv) {
    case MC_KIB:
        x *= 1024.0;
        break;
    case MC_MS:
    case MC_PERMILLE:
        x /= 1000.0;
        break;
    case MC_US:
        x /= 1e6;
        break;
    default:
        break;
    }
    if (!isfinite(x))
        return -1;
    snprintf(buf, len, "%.9g", x);
    return 0;
}

static void
met_head(struct evbuffer *o, const char *name, const char *type,
         const char *help)
{
    evbuffer_add_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
                        type);
}

/* A label value: backslash, quote and newline escaped, controls as '?'. */
static void
met_label(struct evbuffer *o, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\\' || *s == '"')
            evbuffer_add_printf(o, "\\%c", *s);
        else if (*s == '\n')
            evbuffer_add(o, "\\n", 2);
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            evbuffer_add(o, "?", 1);
        else
            evbuffer_add(o, s, 1);
    }
}

static void
met_dom_labels(struct evbuffer *o, const json_t *dom)
{
    const char *name = json_string_value(json_object_get(dom, "name"));

    evbuffer_add_printf(o, "{domain=\"");
    met_label(o, name != NULL ? name : "");
    evbuffer_add_printf(o, "\",domid=\"%" JSON_INTEGER_FORMAT "\"",
                        json_integer_value(json_object_get(dom, "domid")));
}

/* A family without labels; nothing at all if the value is unknown. */
static void
met_one(struct evbuffer *o, const struct met_fam *f, const json_t *obj)
{
    char v[64];

    if (met_fmt(v, sizeof(v), json_object_get(obj, f->key), f->conv) < 0)
        return;
    met_head(o, f->name, f->type, f->help);
    evbuffer_add_printf(o, "%s %s\n", f->name, v);
}

static void
met_gauge(struct evbuffer *o, const char *name, const char *help, double v)
{
    met_head(o, name, "gauge", help);
    evbuffer_add_printf(o, "%s %.9g\n", name, v);
}

static void
met_render_daemon(const json_t *snap, struct evbuffer *o)
{
    static const struct met_fam uptime = { "xenballoon_uptime_seconds", "gauge",
                                           "uptime_ms", MC_MS,
                                           "Time since the daemon started" };
    static const struct met_fam rebalances = {
        "xenballoon_rebalances_total", "counter", "rebalances", MC_RAW,
        "Balancing passes run (policy, balancer, targets)"
    };
    const char *keys[] = { "version", "backend", "policy" };

    met_gauge(o, "xenballoon_up", "1 while the daemon answers", 1);
    met_head(o, "xenballoon_info", "gauge",
             "Version, backend and policy of the daemon (always 1)");
    evbuffer_add_printf(o, "xenballoon_info{");
    for (size_t i = 0; i < 3; i++) {
        const char *s = json_string_value(json_object_get(snap, keys[i]));

        evbuffer_add_printf(o, "%s%s=\"", i ? "," : "", keys[i]);
        met_label(o, s != NULL ? s : "");
        evbuffer_add(o, "\"", 1);
    }
    evbuffer_add_printf(o, "} 1\n");
    met_gauge(
        o, "xenballoon_xenstore_connected",
        "1 while the xenstore connection is healthy",
        json_is_string(json_object_get(snap, "xenstore")) &&
                strcmp(json_string_value(json_object_get(snap, "xenstore")),
                       "ok") == 0
            ? 1
            : 0);
    met_gauge(o, "xenballoon_paused", "1 while balancing is paused",
              json_is_true(json_object_get(snap, "paused")) ? 1 : 0);
    met_one(o, &uptime, snap);
    met_one(o, &rebalances, snap);
    met_gauge(o, "xenballoon_domains", "Domains the daemon knows",
              (double)json_array_size(json_object_get(snap, "domains")));
}

static void
met_render_decisions(const struct xb_metrics *m, struct evbuffer *o)
{
    uint64_t cum = 0;

    met_head(o, "xenballoon_decisions_total", "counter",
             "Target changes issued, by the balancer's reason");
    for (size_t w = 0; w < MET_NWHY; w++)
        if (met_why[w] != NULL)
            evbuffer_add_printf(o,
                                "xenballoon_decisions_total{why=\"%s\"} "
                                "%" PRIu64 "\n",
                                met_why[w], m->decisions[w]);
    met_head(o, "xenballoon_decision_latency_seconds", "histogram",
             "From the event that triggered a rebalance to the target "
             "written");
    for (size_t i = 0; i < MET_NBOUNDS; i++) {
        cum += m->lat_le[i];
        evbuffer_add_printf(o,
                            "xenballoon_decision_latency_seconds_bucket"
                            "{le=\"%g\"} %" PRIu64 "\n",
                            (double)met_bounds_ms[i] / 1000.0, cum);
    }
    evbuffer_add_printf(
        o,
        "xenballoon_decision_latency_seconds_bucket"
        "{le=\"+Inf\"} %" PRIu64 "\n"
        "xenballoon_decision_latency_seconds_sum %.3f\n"
        "xenballoon_decision_latency_seconds_count %" PRIu64 "\n",
        m->lat_count, (double)m->lat_sum_ms / 1000.0, m->lat_count);
}

static void
met_render_domains(const json_t *doms, struct evbuffer *o)
{
    const size_t nf = sizeof(met_dom_fams) / sizeof(met_dom_fams[0]);
    const json_t *dom;
    char v[64];
    size_t i;

    for (size_t f = 0; f < nf; f++) {
        const struct met_fam *fam = &met_dom_fams[f];
        int headed = 0;

        json_array_foreach(doms, i, dom) {
            if (met_fmt(v, sizeof(v), json_object_get(dom, fam->key),
                        fam->conv) < 0)
                continue;
            if (!headed)
                met_head(o, fam->name, fam->type, fam->help);
            headed = 1;
            evbuffer_add_printf(o, "%s", fam->name);
            met_dom_labels(o, dom);
            evbuffer_add_printf(o, "} %s\n", v);
        }
    }
    if (json_array_size(doms) == 0)
        return;
    met_head(o, "xenballoon_domain_state", "gauge",
             "1 for the state the domain is in, 0 for the others");
    json_array_foreach(doms, i, dom) {
        const char *st = json_string_value(json_object_get(dom, "state"));

        for (size_t s = 0; s < sizeof(met_states) / sizeof(met_states[0]);
             s++) {
            evbuffer_add_printf(o, "xenballoon_domain_state");
            met_dom_labels(o, dom);
            evbuffer_add_printf(o, ",state=\"%s\"} %d\n", met_states[s],
                                st != NULL && strcmp(st, met_states[s]) == 0);
        }
    }
}

/* The states a hold can be in (daemon.h), for the state set. */
static const char *const met_hold_states[] = { "pending", "met", "short",
                                               "expired" };

static void
met_render_holds(const json_t *holds, struct evbuffer *o)
{
    static const struct {
        const char *name, *key, *help;
    } fams[] = {
        { "xenballoon_hold_size_bytes", "size_kb",
          "Memory an operator reservation holds out of balancing" },
        { "xenballoon_hold_shortfall_bytes", "shortfall_kb",
          "What a reservation still lacks: not free in Xen yet" },
        { "xenballoon_hold_unreachable_bytes", "unreachable_kb",
          "What a reservation lacks that no cooperative domain can give" },
    };
    const json_t *h;
    size_t i;

    if (json_array_size(holds) == 0)
        return;
    for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
        met_head(o, fams[f].name, "gauge", fams[f].help);
        json_array_foreach(holds, i, h)
            evbuffer_add_printf(
                o, "%s{hold=\"%lld\"} %lld\n", fams[f].name,
                (long long)json_integer_value(json_object_get(h, "id")),
                (long long)json_integer_value(json_object_get(h, fams[f].key)) *
                    1024);
    }
    met_head(o, "xenballoon_hold_state", "gauge",
             "1 for the state the reservation is in, 0 for the others");
    json_array_foreach(holds, i, h) {
        const char *st = json_string_value(json_object_get(h, "state"));

        for (size_t s = 0;
             s < sizeof(met_hold_states) / sizeof(met_hold_states[0]); s++)
            evbuffer_add_printf(
                o, "xenballoon_hold_state{hold=\"%lld\",state=\"%s\"} %d\n",
                (long long)json_integer_value(json_object_get(h, "id")),
                met_hold_states[s],
                st != NULL && strcmp(st, met_hold_states[s]) == 0);
    }
}

void
met_render(const struct xb_metrics *m, const json_t *snap, struct evbuffer *out)
{
    const json_t *host = json_object_get(snap, "host");

    met_render_daemon(snap, out);
    for (size_t i = 0; i < sizeof(met_host_fams) / sizeof(met_host_fams[0]);
         i++)
        met_one(out, &met_host_fams[i], host);
    met_render_decisions(m, out);
    met_render_holds(json_object_get(snap, "holds"), out);
    met_render_domains(json_object_get(snap, "domains"), out);
}

/*
 * The endpoint.
 */

static void
met_on_request(struct evhttp_request *req, void *arg)
{
    struct xb_metrics *m = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
    struct evbuffer *body;
    json_t *snap;

    if (path == NULL || (strcmp(path, "/metrics") != 0 && strcmp(path, "/"))) {
        evhttp_send_error(req, HTTP_NOTFOUND, "try /metrics");
        return;
    }
    body = evbuffer_new();
    if (body == NULL) {
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    if (strcmp(path, "/") == 0) {
        evhttp_add_header(hdr, "Content-Type", "text/plain; charset=utf-8");
        evbuffer_add_printf(body, "xenballoon %s: metrics at /metrics\n",
                            XB_VERSION);
    } else {
        evhttp_add_header(hdr, "Content-Type",
                          "text/plain; version=0.0.4; charset=utf-8");
        snap = dmn_metrics(m->d);
        met_render(m, snap, body);
        json_decref(snap);
    }
    evhttp_send_reply(req, HTTP_OK, "OK", body);
    evbuffer_free(body);
}

int
met_listen(struct xb_metrics *m, struct event_base *base, struct xb_daemon *d,
           const char *listen, char **cause)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[CFG_HOST_MAX];
    unsigned port;

    if (cfg_parse_listen(listen, host, sizeof(host), &port, cause) < 0)
        return -1;
    m->http = evhttp_new(base);
    if (m->http == NULL) {
        xb_set_cause(cause, "cannot create the HTTP server");
        return -1;
    }
    evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_max_headers_size(m->http, MET_HEADERS_MAX);
    evhttp_set_max_body_size(m->http, MET_BODY_MAX);
    evhttp_set_timeout(m->http, MET_TIMEOUT_S);
    evhttp_set_gencb(m->http, met_on_request, m);
    m->sock = evhttp_bind_socket_with_handle(m->http, host, (uint16_t)port);
    if (m->sock == NULL) {
        xb_set_cause(cause, "cannot listen on %s: %s", listen,
                     errno ? strerror(errno) : "bad address");
        evhttp_free(m->http);
        m->http = NULL;
        return -1;
    }
    m->d = d;
    m->port = port;
    if (getsockname(evhttp_bound_socket_get_fd(m->sock), (struct sockaddr *)&ss,
                    &sl) == 0) {
        if (ss.ss_family == AF_INET)
            m->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            m->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return 0;
}

unsigned
met_port(const struct xb_metrics *m)
{
    return m != NULL && m->http != NULL ? m->port : 0;
}
