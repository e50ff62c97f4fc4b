/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scenario loading: see scenario.h.  Each JSON object has a key table
 * (name, type, where it goes, range); a workload's keys depend on its
 * type, so each type has its own small table.  Defaults are set before a
 * table is applied, so a key that is absent keeps its default.
 */
#include <errno.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scenario.h"
#include "xmalloc.h"

#define KIB 1ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)
#define TIB (1024ULL * GIB)
#define MSEC 1ULL
#define SEC (1000ULL * MSEC)
#define HOUR (3600ULL * SEC)
/* A scenario file larger than this is surely not one, bytes. */
#define SCN_FILE_MAX (1024 * 1024)
/* Guests a scenario may describe: enough for the cost benchmarks. */
#define SCN_GUESTS_MAX 20000U
/* Points a trace may hold: a day at one point per second, and then some. */
#define SCN_TRACE_MAX 1000000U

enum scn_type {
    ST_SIZE, /* uint64_t KiB: integer KiB or "512M" */
    ST_DUR,  /* uint64_t ms: integer ms or "5s" */
    ST_U64,  /* uint64_t plain integer */
    ST_UINT, /* unsigned plain integer */
    ST_BOOL, /* int */
};

struct scn_key {
    const char *name;
    enum scn_type type;
    size_t off;
    uint64_t min, max; /* inclusive, in KiB / ms / units */
};

struct scn_ctx {
    const char *file;
    struct xb_errlist *el;
};

static void scn_err(struct scn_ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
scn_err(struct scn_ctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        fatal("vasprintf");
    va_end(ap);
    xb_errlist_add(c->el, "%s: %s: %s", c->file, path, msg);
    free(msg);
}

static char *
scn_path(const char *base, const char *key)
{
    char *p;

    xb_asprintf(&p, "%s%s%s", base, *base ? "." : "", key);
    return p;
}

static const struct scn_key *
scn_find(const struct scn_key *keys, const char *name)
{
    for (; keys != NULL && keys->name != NULL; keys++)
        if (strcmp(keys->name, name) == 0)
            return keys;
    return NULL;
}

static int
scn_in_list(const char *const *list, const char *name)
{
    for (; list != NULL && *list != NULL; list++)
        if (strcmp(*list, name) == 0)
            return 1;
    return 0;
}

static void
scn_value(struct scn_ctx *c, const struct scn_key *k, json_t *v,
          const char *path, void *base)
{
    char *cause = NULL;
    uint64_t u = 0;

    switch (k->type) {
    case ST_SIZE:
        if (cfg_parse_size(v, &u, &cause) < 0)
            goto bad;
        break;
    case ST_DUR:
        if (cfg_parse_duration(v, &u, &cause) < 0)
            goto bad;
        break;
    case ST_U64:
    case ST_UINT:
        if (!json_is_integer(v) || json_integer_value(v) < 0) {
            scn_err(c, path, "expected a non-negative integer");
            return;
        }
        u = (uint64_t)json_integer_value(v);
        break;
    case ST_BOOL:
        if (!json_is_boolean(v)) {
            scn_err(c, path, "expected true or false");
            return;
        }
        *(int *)(void *)((char *)base + k->off) = json_is_true(v);
        return;
    }
    if (u < k->min || u > k->max) {
        scn_err(c, path, "%llu is outside [%llu, %llu]%s",
                (unsigned long long)u, (unsigned long long)k->min,
                (unsigned long long)k->max,
                k->type == ST_SIZE  ? " KiB"
                : k->type == ST_DUR ? " ms"
                                    : "");
        return;
    }
    if (k->type == ST_UINT)
        *(unsigned *)(void *)((char *)base + k->off) = (unsigned)u;
    else
        *(uint64_t *)(void *)((char *)base + k->off) = u;
    return;
bad:
    scn_err(c, path, "%s", cause);
    free(cause);
}

/*
 * Applies `keys` to the members of obj; names in `other` are handled by
 * the caller; anything else is an unknown key.  Returns -1 if obj is not
 * an object.
 */
static int
scn_object(struct scn_ctx *c, json_t *obj, const char *path,
           const struct scn_key *keys, const char *const *other, void *base)
{
    const char *name;
    json_t *v;

    if (!json_is_object(obj)) {
        scn_err(c, *path ? path : "(top)", "expected an object");
        return -1;
    }
    json_object_foreach(obj, name, v) {
        const struct scn_key *k = scn_find(keys, name);
        char *p = scn_path(path, name);

        if (k != NULL)
            scn_value(c, k, v, p, base);
        else if (!scn_in_list(other, name))
            scn_err(c, p, "unknown key");
        free(p);
    }
    return 0;
}

static const char *
scn_string(struct scn_ctx *c, json_t *obj, const char *path, const char *key)
{
    json_t *v = json_object_get(obj, key);
    char *p;

    if (v == NULL)
        return NULL;
    if (json_is_string(v) && json_string_length(v) > 0)
        return json_string_value(v);
    p = scn_path(path, key);
    scn_err(c, p, "expected a non-empty string");
    free(p);
    return NULL;
}

/*
 * Workloads.
 */

#define W(f) offsetof(struct sim_workload, f)
static const struct scn_key scn_w_idle[] = {
    { "demand", ST_SIZE, W(demand_kb), 0, 16 * TIB },
    { NULL, ST_U64, 0, 0, 0 },
};
static const struct scn_key scn_w_eatmem[] = {
    { "max", ST_SIZE, W(demand_kb), 1 * MIB, 16 * TIB },
    { "sleep_max", ST_DUR, W(period_ms), 0, 24 * HOUR },
    { "write_rate", ST_SIZE, W(rate_kb_s), 1 * MIB, 1 * TIB },
    { "passes", ST_UINT, W(passes), 1, 64 },
    { NULL, ST_U64, 0, 0, 0 },
};
static const struct scn_key scn_w_batch[] = {
    { "demand", ST_SIZE, W(demand_kb), 0, 16 * TIB },
    { "idle", ST_SIZE, W(low_kb), 0, 16 * TIB },
    { "period", ST_DUR, W(period_ms), 1 * SEC, 7 * 24 * HOUR },
    { "length", ST_DUR, W(length_ms), 0, 7 * 24 * HOUR },
    { "offset", ST_DUR, W(offset_ms), 0, 7 * 24 * HOUR },
    { NULL, ST_U64, 0, 0, 0 },
};
static const struct scn_key scn_w_jvm[] = {
    { "heap", ST_SIZE, W(demand_kb), 1 * MIB, 16 * TIB },
    { "live", ST_SIZE, W(low_kb), 0, 16 * TIB },
    { "gc_period", ST_DUR, W(period_ms), 1 * SEC, 7 * 24 * HOUR },
    { "gc_length", ST_DUR, W(length_ms), 0, 7 * 24 * HOUR },
    { NULL, ST_U64, 0, 0, 0 },
};
#undef W

static const struct scn_key *const scn_w_keys[] = {
    [SIM_WORK_IDLE] = scn_w_idle, [SIM_WORK_EATMEM] = scn_w_eatmem,
    [SIM_WORK_STEP] = scn_w_idle, [SIM_WORK_BATCH] = scn_w_batch,
    [SIM_WORK_JVM] = scn_w_jvm,   [SIM_WORK_TRACE] = NULL,
};

static void
scn_w_defaults(struct sim_workload *w, enum sim_work type)
{
    uint64_t rate = w->rate_kb_s;
    unsigned passes = w->passes;

    memset(w, 0, sizeof(*w));
    w->type = type;
    w->rate_kb_s = rate;
    w->passes = passes;
    switch (type) {
    case SIM_WORK_IDLE:
        w->demand_kb = 64 * MIB; /* a few idle daemons */
        break;
    case SIM_WORK_STEP:
        w->demand_kb = 128 * MIB;
        break;
    case SIM_WORK_EATMEM:
        w->demand_kb = 512 * MIB; /* the seed paper's chunk limit */
        w->period_ms = 63 * SEC;  /* and its longest sleep */
        break;
    case SIM_WORK_BATCH:
        /* A nightly-job shape compressed to minutes. */
        w->demand_kb = 512 * MIB;
        w->low_kb = 32 * MIB;
        w->period_ms = 600 * SEC;
        w->length_ms = 120 * SEC;
        w->offset_ms = 60 * SEC;
        break;
    case SIM_WORK_JVM:
        /* -Xmx768m with a third of it live; a full GC every 5 min. */
        w->demand_kb = 768 * MIB;
        w->low_kb = 256 * MIB;
        w->period_ms = 300 * SEC;
        w->length_ms = 10 * SEC;
        break;
    case SIM_WORK_TRACE:
        break;
    }
}

static int
scn_load_trace(struct scn_ctx *c, const char *path, struct scn_guest *sg)
{
    char *copy = xb_strdup(c->file), *file, line[256];
    uint64_t *t = NULL, *kb = NULL;
    unsigned n = 0, cap = 0, lineno = 0;
    FILE *f;

    if (sg->trace_path[0] == '/')
        file = xb_strdup(sg->trace_path);
    else
        xb_asprintf(&file, "%s/%s", dirname(copy), sg->trace_path);
    free(copy);
    if ((f = fopen(file, "r")) == NULL) {
        scn_err(c, path, "%s: %s", file, strerror(errno));
        free(file);
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        double ts, mib;
        char extra;

        lineno++;
        if (line[0] == '#' || line[0] == '\n' ||
            (n == 0 && (line[0] < '0' || line[0] > '9')))
            continue; /* comment, blank, header */
        if (sscanf(line, "%lf,%lf %c", &ts, &mib, &extra) != 2 || ts < 0 ||
            mib < 0 || ts > 1e9 || mib > 16e6 || n >= SCN_TRACE_MAX) {
            scn_err(c, path, "%s:%u: expected \"seconds,MiB\"", file, lineno);
            goto fail;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            t = xb_reallocarray(t, cap, sizeof(*t));
            kb = xb_reallocarray(kb, cap, sizeof(*kb));
        }
        t[n] = (uint64_t)(ts * 1000.0 + 0.5);
        kb[n] = (uint64_t)(mib * 1024.0 + 0.5);
        if (n == 0 && t[0] != 0) {
            scn_err(c, path, "%s:%u: the first point must be at 0 s", file,
                    lineno);
            goto fail;
        }
        if (n > 0 && t[n] <= t[n - 1]) {
            scn_err(c, path, "%s:%u: times must increase", file, lineno);
            goto fail;
        }
        n++;
    }
    if (n == 0) {
        scn_err(c, path, "%s: no points", file);
        goto fail;
    }
    fclose(f);
    free(file);
    sg->trace.t_ms = t;
    sg->trace.kb = kb;
    sg->trace.n = n;
    sg->g.work.trace = &sg->trace;
    return 0;
fail:
    fclose(f);
    free(file);
    free(t);
    free(kb);
    return -1;
}

static void
scn_workload(struct scn_ctx *c, json_t *v, const char *path,
             struct scn_guest *sg)
{
    static const char *const other[] = { "type", "file", "loop", NULL };
    struct sim_workload *w = &sg->g.work;
    const char *type;
    enum sim_work wt;

    if (json_is_string(v))
        type = json_string_value(v);
    else if (json_is_object(v))
        type = scn_string(c, v, path, "type");
    else {
        scn_err(c, path, "expected a workload name or object");
        return;
    }
    if (type == NULL) {
        if (json_is_object(v) && json_object_get(v, "type") == NULL)
            scn_err(c, path, "needs a \"type\"");
        return;
    }
    if (sim_work_from_name(type, &wt) < 0) {
        scn_err(c, path,
                "unknown workload \"%s\" (idle, eatmem, step, batch, jvm, "
                "trace)",
                type);
        return;
    }
    scn_w_defaults(w, wt);
    if (!json_is_object(v)) {
        if (wt == SIM_WORK_TRACE)
            scn_err(c, path, "a trace workload needs a \"file\"");
        return;
    }
    scn_object(c, v, path, scn_w_keys[wt], other, w);
    if (wt == SIM_WORK_TRACE) {
        const char *file = scn_string(c, v, path, "file");
        json_t *loop = json_object_get(v, "loop");

        if (loop != NULL && !json_is_boolean(loop))
            scn_err(c, path, "loop: expected true or false");
        sg->trace.loop = json_is_true(loop);
        if (file == NULL) {
            scn_err(c, path, "a trace workload needs a \"file\"");
            return;
        }
        sg->trace_path = xb_strdup(file);
        scn_load_trace(c, path, sg);
        return;
    }
    if (json_object_get(v, "file") || json_object_get(v, "loop"))
        scn_err(c, path, "\"file\" and \"loop\" are for trace workloads");
    if (wt == SIM_WORK_BATCH && w->length_ms > w->period_ms)
        scn_err(c, path, "length is longer than period");
    if (wt == SIM_WORK_JVM && w->length_ms > w->period_ms)
        scn_err(c, path, "gc_length is longer than gc_period");
    if (wt == SIM_WORK_JVM && w->low_kb > w->demand_kb)
        scn_err(c, path, "live is larger than heap");
}

static void
scn_driver(struct scn_ctx *c, json_t *v, const char *path, struct sim_guest *g)
{
    static const struct scn_key keys[] = {
        { "period", ST_DUR, offsetof(struct sim_guest, stuck_period_ms),
          1 * SEC, 24 * HOUR },
        { "stuck", ST_DUR, offsetof(struct sim_guest, stuck_ms), 0, 24 * HOUR },
        { NULL, ST_U64, 0, 0, 0 },
    };
    static const char *const other[] = { "type", NULL };
    const char *type = json_is_string(v)   ? json_string_value(v)
                       : json_is_object(v) ? scn_string(c, v, path, "type")
                                           : NULL;

    if (type == NULL) {
        scn_err(c, path, "expected a driver name or an object with \"type\"");
        return;
    }
    if (sim_driver_from_name(type, &g->driver) < 0) {
        scn_err(c, path,
                "unknown driver \"%s\" (ideal, slow, capped, stuck, "
                "intermittent)",
                type);
        return;
    }
    if (g->driver == SIM_DRV_INTERMITTENT) {
        /* Linux's balloon gives up for ~15 s when it cannot progress:
         * stuck a quarter of each minute by default. */
        g->stuck_period_ms = 60 * SEC;
        g->stuck_ms = 15 * SEC;
    }
    if (!json_is_object(v))
        return;
    if (g->driver != SIM_DRV_INTERMITTENT && json_object_size(v) > 1) {
        scn_err(c, path, "only the intermittent driver takes parameters");
        return;
    }
    scn_object(c, v, path, keys, other, g);
    if (g->stuck_ms > g->stuck_period_ms)
        scn_err(c, path, "stuck is longer than period");
}

#define G(f) offsetof(struct scn_guest, f)
#define GG(f) (offsetof(struct scn_guest, g) + offsetof(struct sim_guest, f))
static const struct scn_key scn_guest_keys[] = {
    { "count", ST_UINT, G(count), 1, SCN_GUESTS_MAX },
    { "start", ST_DUR, G(start_ms), 0, 365 * 24 * HOUR },
    { "memory", ST_SIZE, GG(memory_kb), 16 * MIB, 16 * TIB },
    { "maxmem", ST_SIZE, GG(maxmem_kb), 16 * MIB, 16 * TIB },
    { "base", ST_SIZE, GG(base_kb), 0, 16 * TIB },
    { "file_ws", ST_SIZE, GG(file_ws_kb), 0, 16 * TIB },
    { "swap", ST_SIZE, GG(swap_kb), 0, 16 * TIB },
    { "io_rate", ST_SIZE, GG(io_kb_s), 1 * MIB, 1 * TIB },
    { "balloon_rate", ST_SIZE, GG(rate_kb_s), 1 * MIB, 1 * TIB },
    { "agent", ST_BOOL, GG(agent), 0, 1 },
    { "hidden_floor", ST_SIZE, GG(hidden_floor_kb), 0, 16 * TIB },
    { "hidden_ceiling", ST_SIZE, GG(hidden_ceil_kb), 0, 16 * TIB },
    { NULL, ST_U64, 0, 0, 0 },
};
#undef G
#undef GG

static void
scn_guest(struct scn_ctx *c, json_t *obj, const char *path,
          struct scn_guest *sg, int tmpl)
{
    static const char *const other[] = { "name", "driver", "workload", NULL };
    static const char *const other_t[] = { "name", "driver", "workload", NULL };
    const char *name;
    json_t *v;

    memset(sg, 0, sizeof(*sg));
    sim_guest_defaults(&sg->g);
    sg->g.file_ws_kb = 32 * MIB; /* libc, binaries, a few logs */
    /* Linux's balloon moves 2 MiB per hypercall, hundreds a second. */
    sg->g.rate_kb_s = 256 * MIB;
    sg->count = 1;
    scn_w_defaults(&sg->g.work, SIM_WORK_IDLE);
    if (scn_object(c, obj, path, scn_guest_keys, tmpl ? other_t : other, sg) <
        0)
        return;
    if (tmpl && (json_object_get(obj, "count") != NULL ||
                 json_object_get(obj, "start") != NULL))
        scn_err(c, path, "count and start are set by the launcher");
    name = scn_string(c, obj, path, "name");
    if (name == NULL && json_object_get(obj, "name") == NULL)
        scn_err(c, path, "needs a \"name\"");
    else if (name != NULL && strlen(name) > 48)
        scn_err(c, path, "name is longer than 48 characters");
    sg->name = xb_strdup(name != NULL ? name : "guest");
    sg->g.name = sg->name;
    if (json_object_get(obj, "maxmem") == NULL)
        sg->g.maxmem_kb = sg->g.memory_kb;
    if ((v = json_object_get(obj, "driver")) != NULL) {
        char *p = scn_path(path, "driver");

        scn_driver(c, v, p, &sg->g);
        free(p);
    }
    if ((v = json_object_get(obj, "workload")) != NULL) {
        char *p = scn_path(path, "workload");

        scn_workload(c, v, p, sg);
        free(p);
    }
    if (sg->g.memory_kb > sg->g.maxmem_kb)
        scn_err(c, path, "memory is greater than maxmem");
    if (sg->g.base_kb >= sg->g.memory_kb)
        scn_err(c, path, "base must be below memory");
    if (sg->g.hidden_ceil_kb != 0 &&
        sg->g.hidden_ceil_kb < sg->g.hidden_floor_kb)
        scn_err(c, path, "hidden_ceiling is below hidden_floor");
}

static void
scn_guest_dispose(struct scn_guest *sg)
{
    free(sg->name);
    free(sg->trace_path);
    free((void *)(uintptr_t)sg->trace.t_ms);
    free((void *)(uintptr_t)sg->trace.kb);
}

static void
scn_guests(struct scn_ctx *c, json_t *arr, struct scenario *sc)
{
    size_t i;
    json_t *e;

    if (!json_is_array(arr)) {
        scn_err(c, "guests", "expected an array");
        return;
    }
    sc->guests = xb_calloc(json_array_size(arr) + 1, sizeof(*sc->guests));
    json_array_foreach(arr, i, e) {
        char *p;

        xb_asprintf(&p, "guests[%zu]", i);
        scn_guest(c, e, p, &sc->guests[sc->nguests++], 0);
        for (unsigned k = 0; k + 1 < sc->nguests; k++)
            if (strcmp(sc->guests[k].name, sc->guests[i].name) == 0)
                scn_err(c, p, "name \"%s\" is used twice", sc->guests[i].name);
        free(p);
    }
}

static void
scn_launch(struct scn_ctx *c, json_t *obj, struct scenario *sc)
{
    static const struct scn_key keys[] = {
        { "max", ST_UINT, offsetof(struct scn_launch, max), 1, SCN_GUESTS_MAX },
        { "start", ST_DUR, offsetof(struct scn_launch, start_ms), 0,
          24 * HOUR },
        { "settle", ST_DUR, offsetof(struct scn_launch, settle_ms), 0,
          24 * HOUR },
        { "timeout", ST_DUR, offsetof(struct scn_launch, timeout_ms), 1 * SEC,
          24 * HOUR },
        { "overhead", ST_SIZE, offsetof(struct scn_launch, overhead_kb), 0,
          1 * TIB },
        { NULL, ST_U64, 0, 0, 0 },
    };
    static const char *const other[] = { "guest", NULL };
    struct scn_launch *l = &sc->launch;
    json_t *g;

    l->enabled = 1;
    l->max = 64;
    l->settle_ms = 60 * SEC;  /* let the balloons settle, as the paper's
                                launch script waited */
    l->timeout_ms = 60 * SEC; /* a minute without the room held: full */
    if (scn_object(c, obj, "launch", keys, other, l) < 0)
        return;
    if ((g = json_object_get(obj, "guest")) == NULL) {
        scn_err(c, "launch", "needs a \"guest\" template");
        return;
    }
    if (json_is_array(g) && json_array_size(g) > 0) {
        size_t i;
        json_t *e;

        l->tmpl = xb_calloc(json_array_size(g), sizeof(*l->tmpl));
        json_array_foreach(g, i, e) {
            char *p;

            xb_asprintf(&p, "launch.guest[%zu]", i);
            scn_guest(c, e, p, &l->tmpl[l->ntmpl++], 1);
            free(p);
        }
        return;
    }
    l->tmpl = xb_calloc(1, sizeof(*l->tmpl));
    l->ntmpl = 1;
    scn_guest(c, g, "launch.guest", &l->tmpl[0], 1);
}

static void
scn_daemon(struct scn_ctx *c, json_t *obj, const struct scn_override *ov,
           struct scenario *sc)
{
    json_t *d = obj != NULL ? json_deep_copy(obj) : json_object();
    char *text, *name;

    if (!json_is_object(d)) {
        scn_err(c, "daemon", "expected an object");
        json_decref(d);
        return;
    }
    if (json_object_get(d, "sim") != NULL || json_object_get(d, "backend")) {
        scn_err(c, "daemon",
                "\"sim\" and \"backend\" do not belong here: the scenario "
                "describes the host and its guests");
        json_decref(d);
        return;
    }
    if (ov != NULL && ov->policy != NULL)
        json_object_set_new(d, "policy",
                            json_pack("{s:s}", "name", ov->policy));
    text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
    xb_asprintf(&name, "%s: daemon", c->file);
    sc->cfg = cfg_load_string(text, name, c->el);
    free(name);
    free(text);
    json_decref(d);
}

/* "holds": the launcher's reservations, placed at the daemon in time. */
static void
scn_holds(struct scn_ctx *c, json_t *arr, struct scenario *sc)
{
    static const struct scn_key keys[] = {
        { "at", ST_DUR, offsetof(struct scn_hold, at_ms), 0, 365 * 24 * HOUR },
        { "size", ST_SIZE, offsetof(struct scn_hold, kb), 1, 16 * TIB },
        { "for", ST_DUR, offsetof(struct scn_hold, for_ms), 1 * SEC,
          365 * 24 * HOUR },
        { NULL, ST_U64, 0, 0, 0 },
    };
    size_t i;
    json_t *e;

    if (!json_is_array(arr)) {
        scn_err(c, "holds", "expected an array");
        return;
    }
    sc->holds = xb_calloc(json_array_size(arr) + 1, sizeof(*sc->holds));
    json_array_foreach(arr, i, e) {
        struct scn_hold *h = &sc->holds[sc->nholds++];
        char *p;

        xb_asprintf(&p, "holds[%zu]", i);
        if (scn_object(c, e, p, keys, NULL, h) == 0 &&
            json_object_get(e, "size") == NULL)
            scn_err(c, p, "needs a \"size\"");
        free(p);
    }
}

#define S(f) offsetof(struct scenario, f)
static const struct scn_key scn_top_keys[] = {
    { "duration", ST_DUR, S(duration_ms), 1 * SEC, 30 * 24 * HOUR },
    /* Model resolution: 10 ms is finer than any balloon or agent. */
    { "step", ST_DUR, S(step_ms), 10 * MSEC, 10 * SEC },
    { "sample", ST_DUR, S(sample_ms), 10 * MSEC, 24 * HOUR },
    { "seed", ST_U64, S(seed), 0, INT64_MAX },
    { NULL, ST_U64, 0, 0, 0 },
};
static const struct scn_key scn_host_keys[] = {
    { "memory", ST_SIZE, S(host_kb), 256 * MIB, 16 * TIB },
    { "xen_overhead", ST_SIZE, S(xen_kb), 0, 1 * TIB },
    { "dom0", ST_SIZE, S(dom0_kb), 64 * MIB, 1 * TIB },
    { NULL, ST_U64, 0, 0, 0 },
};
#undef S

static void
scn_check(struct scn_ctx *c, struct scenario *sc)
{
    uint64_t boot = sc->xen_kb + sc->dom0_kb;
    unsigned total = 0;

    for (unsigned i = 0; i < sc->nguests; i++) {
        total += sc->guests[i].count;
        if (sc->guests[i].start_ms == 0)
            boot += sc->guests[i].g.memory_kb * sc->guests[i].count;
    }
    if (total > SCN_GUESTS_MAX)
        scn_err(c, "guests", "%u guests, more than %u", total, SCN_GUESTS_MAX);
    if (boot > sc->host_kb)
        scn_err(c, "host.memory",
                "xen_overhead + dom0 + the guests starting at 0 s (%llu "
                "KiB) exceed it (%llu KiB)",
                (unsigned long long)boot, (unsigned long long)sc->host_kb);
    if (sc->step_ms > sc->sample_ms || sc->sample_ms % sc->step_ms != 0)
        scn_err(c, "sample", "must be a multiple of step (%llu ms)",
                (unsigned long long)sc->step_ms);
    if (sc->nguests == 0 && !sc->launch.enabled)
        scn_err(c, "guests", "no guests and no launcher");
}

struct scenario *
scn_load(const char *path, const struct scn_override *ov, struct xb_errlist *el)
{
    static const char *const other[] = { "name",   "description", "host",
                                         "daemon", "guests",      "launch",
                                         "holds",  NULL };
    struct scn_ctx c = { path, el };
    struct scenario *sc = xb_calloc(1, sizeof(*sc));
    size_t nerr = el->n;
    json_error_t jerr;
    json_t *root, *v;
    const char *name;

    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (jerr.line > 0)
            xb_errlist_add(el, "%s:%d:%d: %s", path, jerr.line, jerr.column,
                           jerr.text);
        else
            xb_errlist_add(el, "%s: %s", path, jerr.text);
        free(sc);
        return NULL;
    }
    sc->path = xb_strdup(path);
    sc->duration_ms = 1 * HOUR;
    sc->step_ms = 100 * MSEC;
    sc->sample_ms = 10 * SEC;
    sc->seed = 1;
    sc->host_kb = 4 * GIB;
    sc->xen_kb = 64 * MIB;
    sc->dom0_kb = 512 * MIB;
    if (scn_object(&c, root, "", scn_top_keys, other, sc) < 0)
        goto out;
    name = scn_string(&c, root, "", "name");
    sc->name = xb_strdup(name != NULL ? name : path);
    if ((v = json_object_get(root, "description")) != NULL &&
        !json_is_string(v))
        scn_err(&c, "description", "expected a string");
    if ((v = json_object_get(root, "host")) != NULL)
        scn_object(&c, v, "host", scn_host_keys, NULL, sc);
    scn_daemon(&c, json_object_get(root, "daemon"), ov, sc);
    if ((v = json_object_get(root, "guests")) != NULL)
        scn_guests(&c, v, sc);
    if ((v = json_object_get(root, "launch")) != NULL)
        scn_launch(&c, v, sc);
    if ((v = json_object_get(root, "holds")) != NULL)
        scn_holds(&c, v, sc);
    if (ov != NULL && ov->seed != 0)
        sc->seed = ov->seed;
    if (ov != NULL && ov->duration_ms != 0)
        sc->duration_ms = ov->duration_ms;
    scn_check(&c, sc);
out:
    json_decref(root);
    if (el->n > nerr) {
        scn_free(sc);
        return NULL;
    }
    return sc;
}

void
scn_free(struct scenario *sc)
{
    if (sc == NULL)
        return;
    for (unsigned i = 0; i < sc->nguests; i++)
        scn_guest_dispose(&sc->guests[i]);
    for (unsigned i = 0; i < sc->launch.ntmpl; i++)
        scn_guest_dispose(&sc->launch.tmpl[i]);
    free(sc->launch.tmpl);
    free(sc->guests);
    free(sc->holds);
    cfg_free(sc->cfg);
    free(sc->name);
    free(sc->path);
    free(sc);
}
