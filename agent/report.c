/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The status table, its JSON, and the Prometheus textfile: see report.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define MIB 1024.0

/* Levels and states in a fixed order, for the state-set metrics. */
static const char *const rp_states[] = {
    "managed", "no-agent", "stale", "stuck", "uncooperative", "excluded",
};

void
ag_report_table(FILE *f, const struct xb_gstatus *s)
{
    fprintf(f, "%-12s %.1f MiB\n", "target", s->target_kb / MIB);
    fprintf(f, "%-12s %s\n", "reason", s->reason[0] ? s->reason : "-");
    fprintf(f, "%-12s %.1f MiB\n", "actual", s->actual_kb / MIB);
    fprintf(f, "%-12s %.1f MiB .. %.1f MiB\n", "range", s->min_kb / MIB,
            s->max_kb / MIB);
    fprintf(f, "%-12s %.1f MiB\n", "need", s->need_kb / MIB);
    fprintf(f, "%-12s %s\n", "state", s->state);
    fprintf(f, "%-12s %s\n", "host", xb_glevel_name(s->level));
    fprintf(f, "%-12s %.1f MiB of %.1f MiB\n", "host free", s->free_kb / MIB,
            s->total_kb / MIB);
    fprintf(f, "%-12s maxmem %u.%02u, targets %u.%02u\n", "overcommit",
            s->ocmax_pct / 100, s->ocmax_pct % 100, s->octgt_pct / 100,
            s->octgt_pct % 100);
    fprintf(f, "%-12s %llu (every %us)\n", "heartbeat",
            (unsigned long long)s->hb, s->hb_period_s);
}

/* A JSON or Prometheus label string: the reason is printable ASCII
 * already (the parser replaced the rest); quote and backslash escaped. */
static void
rp_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void
ag_report_json(FILE *f, const struct xb_gstatus *s)
{
    fprintf(f,
            "{\"target_kb\": %llu, \"actual_kb\": %llu, \"min_kb\": %llu, "
            "\"max_kb\": %llu, \"need_kb\": %llu, \"state\": ",
            (unsigned long long)s->target_kb, (unsigned long long)s->actual_kb,
            (unsigned long long)s->min_kb, (unsigned long long)s->max_kb,
            (unsigned long long)s->need_kb);
    rp_quoted(f, s->state);
    fputs(", \"reason\": ", f);
    rp_quoted(f, s->reason);
    fprintf(f,
            ", \"heartbeat\": %llu, \"heartbeat_period_s\": %u, "
            "\"host\": {\"pressure\": \"%s\", \"free_kb\": %llu, "
            "\"total_kb\": %llu, \"overcommit_max\": %u.%02u, "
            "\"overcommit_target\": %u.%02u}}\n",
            (unsigned long long)s->hb, s->hb_period_s, xb_glevel_name(s->level),
            (unsigned long long)s->free_kb, (unsigned long long)s->total_kb,
            s->ocmax_pct / 100, s->ocmax_pct % 100, s->octgt_pct / 100,
            s->octgt_pct % 100);
}

static void
rp_metric(FILE *f, const char *name, const char *type, const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
rp_bytes(FILE *f, const char *name, const char *help, uint64_t kb)
{
    rp_metric(f, name, "gauge", help);
    fprintf(f, "%s %llu\n", name, (unsigned long long)kb * 1024);
}

static void
rp_value(FILE *f, const char *name, const char *type, const char *help,
         unsigned long long v)
{
    rp_metric(f, name, type, help);
    fprintf(f, "%s %llu\n", name, v);
}

static void
rp_status(FILE *f, const struct xb_gstatus *s)
{
    rp_bytes(f, "xenballoon_target_bytes",
             "Memory target dom0 set for this domain.", s->target_kb);
    rp_bytes(f, "xenballoon_actual_bytes",
             "Memory this domain holds, as dom0 sees it.", s->actual_kb);
    rp_bytes(f, "xenballoon_min_bytes", "Lowest target dom0 will set.",
             s->min_kb);
    rp_bytes(f, "xenballoon_max_bytes", "Highest target dom0 will set.",
             s->max_kb);
    rp_bytes(f, "xenballoon_need_bytes",
             "What dom0's policy thinks this domain needs.", s->need_kb);
    rp_metric(f, "xenballoon_state", "gauge",
              "dom0's view of this domain (1 for the current state).");
    for (size_t i = 0; i < sizeof(rp_states) / sizeof(rp_states[0]); i++)
        fprintf(f, "xenballoon_state{state=\"%s\"} %d\n", rp_states[i],
                strcmp(s->state, rp_states[i]) == 0);
    rp_metric(f, "xenballoon_host_pressure", "gauge",
              "The host's memory pressure level (1 for the current one).");
    for (int l = XB_GLEVEL_OK; l <= XB_GLEVEL_CRITICAL; l++)
        fprintf(f, "xenballoon_host_pressure{level=\"%s\"} %d\n",
                xb_glevel_name((enum xb_glevel)l), (int)s->level == l);
    rp_value(f, "xenballoon_host_pressure_level", "gauge",
             "The host's memory pressure: 0 ok, 1 tight, 2 critical.",
             (unsigned long long)s->level);
    rp_bytes(f, "xenballoon_host_free_bytes", "Host memory free now.",
             s->free_kb);
    rp_bytes(f, "xenballoon_host_memory_bytes", "Host memory Xen manages.",
             s->total_kb);
    rp_metric(f, "xenballoon_host_overcommit_maxmem_ratio", "gauge",
              "Sum of the domains' maxmem over host memory.");
    fprintf(f, "xenballoon_host_overcommit_maxmem_ratio %u.%02u\n",
            s->ocmax_pct / 100, s->ocmax_pct % 100);
    rp_metric(f, "xenballoon_host_overcommit_target_ratio", "gauge",
              "Sum of the domains' targets over host memory.");
    fprintf(f, "xenballoon_host_overcommit_target_ratio %u.%02u\n",
            s->octgt_pct / 100, s->octgt_pct % 100);
    rp_metric(f, "xenballoon_status_info", "gauge",
              "dom0's reason for this domain's target.");
    fputs("xenballoon_status_info{reason=", f);
    rp_quoted(f, s->reason);
    fputs("} 1\n", f);
}

int
ag_report_prom(const char *dir, const struct ag_report *r)
{
    char path[4096], tmp[4096 + 8];
    FILE *f;
    int err;

    if (snprintf(path, sizeof(path), "%s/%s", dir, AG_PROM_NAME) >=
        (int)sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if ((f = fopen(tmp, "w")) == NULL)
        return -1;
    if (r->status != NULL)
        rp_status(f, r->status);
    rp_value(f, "xenballoon_controller_up", "gauge",
             "1 while dom0's controller heartbeat is alive.",
             (unsigned long long)r->controller);
    rp_value(f, "xenballoon_controller_heartbeats_total", "counter",
             "Controller heartbeats this agent has seen.", r->hb_changes);
    rp_value(f, "xenballoon_selfballoon_enabled", "gauge",
             "1 if the agent may selfballoon (--selfballoon).",
             (unsigned long long)r->selfballoon);
    rp_value(f, "xenballoon_selfballoon_active", "gauge",
             "1 while the agent selfballoons (no controller).",
             (unsigned long long)r->selfballooning);
    rp_bytes(f, "xenballoon_selfballoon_target_bytes",
             "Last balloon target the agent wrote itself (0: none).",
             r->sb_target_kb);
    rp_value(f, "xenballoon_selfballoon_target_writes_total", "counter",
             "Balloon targets the agent wrote itself.", r->sb_writes);
    rp_value(f, "xenballoon_agent_tuning_clamped_total", "counter",
             "dom0 settings the agent clamped or ignored.", r->tune_clamped);
    rp_value(f, "xenballoon_agent_records_total", "counter",
             "Stats records the agent published.", r->records);
    err = ferror(f);
    if (fclose(f) != 0 || err) {
        err = errno;
        remove(tmp);
        errno = err ? err : EIO;
        return -1;
    }
    return rename(tmp, path);
}
