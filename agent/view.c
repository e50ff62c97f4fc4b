/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's view of dom0's status and settings lines: see view.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "log.h"
#include "view.h"
#include "xmalloc.h"

/* Reconnect back-off, ms: as the publisher's (publish.h). */
#define VIEW_BACKOFF_MIN_MS 500
#define VIEW_BACKOFF_MAX_MS 30000
#define VIEW_TOKEN "xb-view"
#define VIEW_STATUS XB_GSTATUS_DIR "/" XB_GSTATUS_KEY
#define VIEW_TUNE XB_GSTATUS_DIR "/" XB_GTUNE_KEY
#define VIEW_MAXMEM "memory/static-max"
/* Heartbeat period assumed for a status line we cannot parse, s: the
 * daemon's default. */
#define VIEW_PERIOD_UNKNOWN_S 10

struct ag_view {
    struct xs_handle *xsh;
    uint64_t retry_ms;
    unsigned backoff_ms;

    int have_status;
    struct xb_gstatus status;
    char *status_raw; /* as last read; NULL: absent */
    char status_err[128];
    uint64_t hb_ms; /* when the heartbeat last moved; 0: never */
    uint64_t hb_count;

    char *tune_raw; /* NULL: absent */
    uint64_t maxmem_kb;
};

struct ag_view *
ag_view_create(void)
{
    struct ag_view *v = xb_calloc(1, sizeof(*v));

    v->backoff_ms = VIEW_BACKOFF_MIN_MS;
    return v;
}

void
ag_view_destroy(struct ag_view *v)
{
    if (v == NULL)
        return;
    if (v->xsh != NULL)
        xs_close(v->xsh);
    free(v->status_raw);
    free(v->tune_raw);
    free(v);
}

static void
view_drop(struct ag_view *v, uint64_t now_ms, const char *what)
{
    log_debug("xenstore (dom0 view): %s; retrying in %u ms", what,
              v->backoff_ms);
    if (v->xsh != NULL) {
        xs_close(v->xsh);
        v->xsh = NULL;
    }
    v->retry_ms = now_ms + v->backoff_ms;
    v->backoff_ms = v->backoff_ms >= VIEW_BACKOFF_MAX_MS / 2
                        ? VIEW_BACKOFF_MAX_MS
                        : v->backoff_ms * 2;
}

/*
 * Reads one key: 1 and a NUL-terminated copy in *out, 0 if absent, -1 on
 * a connection error.
 */
static int
view_read(struct ag_view *v, const char *path, char **out)
{
    unsigned len;
    char *val = xs_read(v->xsh, XBT_NULL, path, &len);

    *out = NULL;
    if (val == NULL)
        return errno == ENOENT || errno == EACCES ? 0 : -1;
    /* xs_read NUL-terminates; cap what we keep at the wire limit. */
    if (len > XB_GSTATUS_MAX + 1)
        len = XB_GSTATUS_MAX + 1;
    *out = xb_strndup(val, len);
    free(val);
    return 1;
}

static int
same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int
ag_view_connect(struct ag_view *v, uint64_t now_ms)
{
    char *s;

    if (v->xsh != NULL)
        return 0;
    if (now_ms < v->retry_ms)
        return -1;
    if ((v->xsh = xs_open(0)) == NULL) {
        view_drop(v, now_ms, "cannot connect");
        return -1;
    }
    /* The watch fires once at once, so the first read follows. */
    if (!xs_watch(v->xsh, XB_GSTATUS_DIR, VIEW_TOKEN)) {
        view_drop(v, now_ms, "cannot watch " XB_GSTATUS_DIR);
        return -1;
    }
    if (view_read(v, VIEW_MAXMEM, &s) > 0) {
        char *end;
        unsigned long long x = strtoull(s, &end, 10);

        /* Untrusted: digits only, at most 16 TiB. */
        v->maxmem_kb =
            (*s >= '0' && *s <= '9' && *end == '\0' && x <= (1ULL << 34)) ? x
                                                                          : 0;
        free(s);
    }
    v->backoff_ms = VIEW_BACKOFF_MIN_MS;
    return 0;
}

int
ag_view_fd(const struct ag_view *v)
{
    return v->xsh != NULL ? xs_fileno(v->xsh) : -1;
}

static void
view_take_status(struct ag_view *v, char *raw, uint64_t now_ms)
{
    struct xb_gstatus s;
    char *cause = NULL;

    /* Any change of a present line is a heartbeat, even one we cannot
     * parse: a newer daemon's line must still make us yield. */
    if (raw != NULL) {
        v->hb_ms = now_ms ? now_ms : 1;
        v->hb_count++;
    }
    free(v->status_raw);
    v->status_raw = raw;
    v->status_err[0] = '\0';
    if (raw == NULL) {
        v->have_status = 0;
        return;
    }
    if (xb_gstatus_parse(raw, strlen(raw), &s, &cause) < 0) {
        snprintf(v->status_err, sizeof(v->status_err), "%s", cause);
        free(cause);
        v->have_status = 0;
        return;
    }
    v->status = s;
    v->have_status = 1;
}

unsigned
ag_view_refresh(struct ag_view *v, uint64_t now_ms)
{
    unsigned what = 0;
    char *st, *tu;

    if (v->xsh == NULL)
        return 0;
    if (view_read(v, VIEW_STATUS, &st) < 0 ||
        view_read(v, VIEW_TUNE, &tu) < 0) {
        view_drop(v, now_ms, "read failed");
        return 0;
    }
    if (!same(st, v->status_raw)) {
        view_take_status(v, st, now_ms);
        what |= AG_VIEW_STATUS;
    } else {
        free(st);
    }
    if (!same(tu, v->tune_raw)) {
        free(v->tune_raw);
        v->tune_raw = tu;
        what |= AG_VIEW_TUNE;
    } else {
        free(tu);
    }
    return what;
}

unsigned
ag_view_event(struct ag_view *v, uint64_t now_ms)
{
    char **vec;
    int fired = 0;

    if (v->xsh == NULL)
        return 0;
    while ((vec = xs_check_watch(v->xsh)) != NULL) {
        free(vec);
        fired = 1;
    }
    if (errno != EAGAIN) {
        view_drop(v, now_ms, "watch failed");
        return 0;
    }
    return fired ? ag_view_refresh(v, now_ms) : 0;
}

const struct xb_gstatus *
ag_view_status(const struct ag_view *v)
{
    return v->have_status ? &v->status : NULL;
}

const char *
ag_view_status_error(const struct ag_view *v)
{
    return v->status_err[0] ? v->status_err : NULL;
}

int
ag_view_tune(const struct ag_view *v, const struct xb_gtune *base,
             struct xb_gtune *out, uint32_t *clamped, uint32_t *bad)
{
    char *cause = NULL;

    *out = *base;
    *clamped = 0;
    *bad = 0;
    if (v->tune_raw == NULL)
        return 0;
    if (xb_gtune_parse(v->tune_raw, strlen(v->tune_raw), out, clamped, bad,
                       &cause) < 0) {
        free(cause);
        *out = *base;
        *bad = ~0u;
    }
    return 1;
}

const char *
ag_view_tune_raw(const struct ag_view *v)
{
    return v->tune_raw;
}

uint64_t
ag_view_hb_age_ms(const struct ag_view *v, uint64_t now_ms)
{
    if (v->hb_ms == 0)
        return UINT64_MAX;
    return now_ms > v->hb_ms ? now_ms - v->hb_ms : 0;
}

int
ag_view_controller(const struct ag_view *v, uint64_t now_ms)
{
    uint64_t period_ms;

    if (v->hb_ms == 0 || v->status_raw == NULL)
        return 0;
    period_ms = (uint64_t)(v->have_status ? v->status.hb_period_s
                                          : VIEW_PERIOD_UNKNOWN_S) *
                1000;
    return ag_view_hb_age_ms(v, now_ms) < AG_YIELD_PERIODS * period_ms;
}

uint64_t
ag_view_hb_count(const struct ag_view *v)
{
    return v->hb_count;
}

uint64_t
ag_view_maxmem_kb(const struct ag_view *v)
{
    return v->maxmem_kb;
}
