/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test double for daemon.h: three canned domains, a policy, pause and
 * holds, and a monitor subscriber list.  Only the control-plane tests link
 * it; the real daemon provides the same symbols.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "fake_daemon.h"
#include "proto.h"
#include "xmalloc.h"

#define FAKE_MAX_MONITORS 16

struct fake_monitor {
    dmn_monitor_cb cb;
    void *arg;
};

struct xb_daemon {
    json_t *domains; /* array, status shape */
    int paused;
    char *policy;
    json_t *params;
    int config_broken;
    unsigned next_hold;
    dmn_hold_cb wait_cb; /* the one waiting client */
    void *wait_arg;
    unsigned wait_id, unwaited;
    uint64_t last_size_kb;
    char last_set[256];
    struct fake_monitor mon[FAKE_MAX_MONITORS];
    unsigned nmon;
};

static json_t *
fake_dom(int domid, const char *name, json_int_t actual, json_int_t target,
         const char *state)
{
    return json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:i, s:s, s:s, "
                     "s:n}",
                     "domid", domid, "name", name, "actual_kb", actual,
                     "target_kb", target, "need_kb", actual / 2, "min_kb",
                     (json_int_t)262144, "max_kb", (json_int_t)4194304,
                     "weight", 100, "state", state, "reason", "",
                     "record_age_ms");
}

struct xb_daemon *
fake_daemon_create(void)
{
    struct xb_daemon *d = xb_calloc(1, sizeof(*d));

    d->domains = json_array();
    json_array_append_new(d->domains,
                          fake_dom(1, "web", 1048576, 1048576, "managed"));
    json_array_append_new(d->domains,
                          fake_dom(2, "db", 2097152, 1572864, "managed"));
    json_array_append_new(
        d->domains,
        fake_dom(3, "a-guest-with-a-very-long-name-that-will-not-fit", 524288,
                 524288, "no-agent"));
    d->policy = xb_strdup("proportional");
    d->params = json_pack("{s:f, s:s}", "margin", 1.25, "floor", "256M");
    d->next_hold = 1;
    return d;
}

void
fake_daemon_destroy(struct xb_daemon *d)
{
    json_decref(d->domains);
    json_decref(d->params);
    free(d->policy);
    free(d);
}

void
fake_daemon_emit(struct xb_daemon *d, json_t *event)
{
    for (unsigned i = 0; i < d->nmon; i++)
        d->mon[i].cb(d->mon[i].arg, event);
}

unsigned
fake_daemon_monitors(const struct xb_daemon *d)
{
    return d->nmon;
}

int
fake_daemon_paused(const struct xb_daemon *d)
{
    return d->paused;
}

const char *
fake_daemon_last_set(const struct xb_daemon *d)
{
    return d->last_set;
}

const char *
fake_daemon_policy(const struct xb_daemon *d)
{
    return d->policy;
}

void
fake_daemon_break_config(struct xb_daemon *d, int broken)
{
    d->config_broken = broken;
}

static json_t *
fake_find(struct xb_daemon *d, const char *dom)
{
    size_t i;
    json_t *e;
    char id[16];

    json_array_foreach(d->domains, i, e) {
        snprintf(id, sizeof(id), "%lld",
                 (long long)json_integer_value(json_object_get(e, "domid")));
        if (strcmp(dom, id) == 0 ||
            strcmp(dom, json_string_value(json_object_get(e, "name"))) == 0)
            return e;
    }
    return NULL;
}

json_t *
dmn_status(struct xb_daemon *d)
{
    return json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:s, s:s, s:b, "
                     "s:s, s:O}",
                     "host", "total_kb", (json_int_t)16777216, "free_kb",
                     (json_int_t)2097152, "reserve_kb", (json_int_t)524288,
                     "promised_kb", (json_int_t)0, "held_kb", (json_int_t)0,
                     "available_kb", (json_int_t)1572864, "policy", d->policy,
                     "backend", "sim", "paused", d->paused, "xenstore", "ok",
                     "domains", d->domains);
}

json_t *
dmn_targets(struct xb_daemon *d)
{
    json_t *a = json_array(), *e;
    size_t i;

    json_array_foreach(d->domains, i, e) {
        json_array_append_new(
            a, json_pack("{s:O, s:O, s:O, s:O}", "domid",
                         json_object_get(e, "domid"), "name",
                         json_object_get(e, "name"), "target_kb",
                         json_object_get(e, "target_kb"), "actual_kb",
                         json_object_get(e, "actual_kb")));
    }
    return a;
}

json_t *
dmn_show(struct xb_daemon *d, const char *dom, char **cause)
{
    json_t *e = fake_find(d, dom), *r;

    if (e == NULL) {
        xb_set_cause(cause, "no such domain '%s'", dom);
        return NULL;
    }
    r = json_deep_copy(e);
    json_object_set_new(r, "record",
                        json_pack("{s:I, s:I}", "mem_total_kb",
                                  (json_int_t)1000000, "committed_as_kb",
                                  (json_int_t)400000));
    json_object_set_new(r, "records_accepted", json_integer(12));
    json_object_set_new(r, "records_rejected", json_integer(0));
    json_object_set_new(r, "history",
                        json_pack("[{s:I, s:I}]", "ts_ms", (json_int_t)1000,
                                  "target_kb", (json_int_t)1048576));
    return r;
}

int
dmn_set(struct xb_daemon *d, const char *dom, const char *key,
        const char *value, char **cause)
{
    if (fake_find(d, dom) == NULL) {
        xb_set_cause(cause, "no such domain '%s'", dom);
        return -1;
    }
    if (strcmp(key, "weight") == 0 && atoi(value) <= 0) {
        xb_set_cause(cause, "weight must be 1..10000");
        return -1;
    }
    snprintf(d->last_set, sizeof(d->last_set), "%s %s %s", dom, key, value);
    return 0;
}

json_t *
dmn_policy(struct xb_daemon *d)
{
    return json_pack("{s:s, s:s, s:O}", "name", d->policy, "summary",
                     "need times margin, surplus shared", "params", d->params);
}

int
dmn_policy_set(struct xb_daemon *d, const char *name, json_t *params,
               char **cause)
{
    if (strcmp(name, "static") != 0 && strcmp(name, "proportional") != 0 &&
        strcmp(name, "pressure") != 0) {
        xb_set_cause(cause, "unknown policy '%s'", name);
        return -1;
    }
    free(d->policy);
    d->policy = xb_strdup(name);
    json_decref(d->params);
    d->params = json_deep_copy(params);
    return 0;
}

int
dmn_pause(struct xb_daemon *d, int paused)
{
    d->paused = paused;
    return 0;
}

int
dmn_reload(struct xb_daemon *d, char **cause)
{
    if (d->config_broken) {
        xb_set_cause(cause, "/etc/xenballoon.json:3:5: unexpected token; "
                            "keeping the running configuration");
        return -1;
    }
    return 0;
}

json_t *
dmn_reserve(struct xb_daemon *d, uint64_t size_kb, uint64_t secs, int force,
            char **cause)
{
    d->last_size_kb = size_kb;
    /* 16 GiB can be freed; with force, anything is held (and short). */
    if (size_kb > 16777216 && !force) {
        xb_set_cause(cause, "cannot free %llu KiB",
                     (unsigned long long)size_kb);
        return NULL;
    }
    return json_pack(
        "{s:i, s:I, s:o, s:s, s:I, s:I, s:I, s:o}", "id", d->next_hold++,
        "size_kb", (json_int_t)size_kb, "expires_in_ms",
        secs ? json_integer((json_int_t)secs * 1000) : json_null(), "state",
        size_kb <= 1048576 ? "met" : "pending", "free_kb", (json_int_t)1048576,
        "shortfall_kb", (json_int_t)(size_kb > 1048576 ? size_kb - 1048576 : 0),
        "possible_kb", (json_int_t)16777216, "eta_ms",
        size_kb <= 1048576 ? json_integer(0) : json_null());
}

/* The fake's holds of up to 1 GiB are met at once; larger ones never. */
int
dmn_hold_wait(struct xb_daemon *d, unsigned id, uint64_t wait_ms,
              dmn_hold_cb cb, void *arg)
{
    (void)wait_ms;
    if (id >= d->next_hold)
        return -1;
    d->wait_cb = cb;
    d->wait_arg = arg;
    d->wait_id = id;
    return 0;
}

void
dmn_hold_unwait(struct xb_daemon *d, dmn_hold_cb cb, void *arg)
{
    if (d->wait_cb == cb && d->wait_arg == arg) {
        d->wait_cb = NULL;
        d->unwaited++;
    }
}

void
fake_daemon_hold_answer(struct xb_daemon *d)
{
    dmn_hold_cb cb = d->wait_cb;

    if (cb == NULL)
        return;
    d->wait_cb = NULL;
    if (d->last_size_kb <= 1048576)
        cb(d->wait_arg,
           json_pack("{s:i, s:s, s:I}", "id", d->wait_id, "state", "met",
                     "size_kb", (json_int_t)1024),
           NULL);
    else
        cb(d->wait_arg, NULL, "hold not met in time: 1.0M short");
}

unsigned
fake_daemon_unwaited(const struct xb_daemon *d)
{
    return d->unwaited;
}

int
dmn_release(struct xb_daemon *d, unsigned id, char **cause)
{
    if (id >= d->next_hold) {
        xb_set_cause(cause, "no hold %u", id);
        return -1;
    }
    return 0;
}

json_t *
dmn_capacity(struct xb_daemon *d, uint64_t within_ms)
{
    (void)d;
    return json_pack("{s:I, s:I}", "admittable_kb", (json_int_t)1024 * 1024,
                     "within_ms", (json_int_t)within_ms);
}

json_t *
dmn_version(struct xb_daemon *d)
{
    (void)d;
    return json_pack("{s:s, s:i, s:s, s:I}", "version", XB_VERSION, "protocol",
                     XB_PROTO_VERSION, "backend", "sim", "uptime_ms",
                     (json_int_t)125000);
}

void
dmn_monitor_add(struct xb_daemon *d, dmn_monitor_cb cb, void *arg)
{
    if (d->nmon == FAKE_MAX_MONITORS)
        abort();
    d->mon[d->nmon].cb = cb;
    d->mon[d->nmon].arg = arg;
    d->nmon++;
}

void
dmn_monitor_remove(struct xb_daemon *d, dmn_monitor_cb cb, void *arg)
{
    for (unsigned i = 0; i < d->nmon; i++) {
        if (d->mon[i].cb == cb && d->mon[i].arg == arg) {
            d->mon[i] = d->mon[--d->nmon];
            return;
        }
    }
    abort(); /* removing what was never added is a bug */
}
