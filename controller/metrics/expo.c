/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Prometheus text exposition of a dmn_metrics() snapshot and the
 * decision counters (met_render, metrics.h).  Names follow Prometheus
 * conventions: base units in the name (_bytes, _seconds, _ratio), _total
 * on counters, one family per name with HELP and TYPE, and every domain's
 * series labelled with its name and domid.  An unknown value (no agent, no
 * rate yet) is left out rather than exported as NaN.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "met_priv.h"

/* The balancer's reasons as label values, indexed by enum bal_why. */
const char *const met_why[MET_NWHY] = {
    [BAL_KEEP] = NULL,
    [BAL_GROW] = "grow",
    [BAL_GROW_PART] = "grow_partial",
    [BAL_SHRINK] = "shrink",
    [BAL_RECLAIM] = "reclaim",
    [BAL_CLAMP] = "clamp",
    [BAL_WITHDRAW] = "withdraw",
};

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
    "managed",  "no-agent", "stale",     "stuck",     "uncooperative",
    "excluded", "paused",   "suspended", "migrating",
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
    met_render_capacity(json_object_get(snap, "capacity"), out);
    met_render_decisions(m, out);
    met_render_holds(json_object_get(snap, "holds"), out);
    met_render_domains(json_object_get(snap, "domains"), out);
}
