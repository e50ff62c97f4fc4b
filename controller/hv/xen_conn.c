/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `xen` backend's connection to the toolstack: libxenctrl, libxl and
 * libxenstore opened together, the xenstore watch fd (xs_fileno) in the
 * daemon's libevent loop, and its events turned into the daemon's hooks
 * (a domain's record changed, the domain set changed, the connection
 * lost).  hv_xen.c's check() reconnects through here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "xen_priv.h"
#include "xmalloc.h"

static void xen_on_watch(evutil_socket_t fd, short what, void *arg);

char *
xen_read_str(struct hv_xen *x, uint32_t domid, const char *key, unsigned *len)
{
    char path[96];
    unsigned l;

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
    return xs_read(x->xsh, XBT_NULL, path, len != NULL ? len : &l);
}

int
xen_read_u64(struct hv_xen *x, uint32_t domid, const char *key, uint64_t *out)
{
    char *val, *end;

    val = xen_read_str(x, domid, key, NULL);
    if (val == NULL)
        return -1;
    errno = 0;
    *out = strtoull(val, &end, 10);
    if (errno != 0 || end == val || *end != '\0') {
        free(val);
        errno = EINVAL;
        return -1;
    }
    free(val);
    return 0;
}

/* The two watches a guest has: its agent's record ("d:" tokens, read at
 * once) and the toolstack's shutdown request ("s:", a full rescan: a
 * suspend asked for is read there, not on every listing). */
static void
watch_names(uint32_t domid, int which, char *path, size_t plen, char *token,
            size_t tlen)
{
    snprintf(path, plen, "/local/domain/%u/%s", domid,
             which == 0 ? AGENT_DIR : "control/shutdown");
    snprintf(token, tlen, "%s:%u", which == 0 ? "d" : "s", domid);
}

int
xen_watch_path(struct hv_xen *x, uint32_t domid)
{
    char path[64], token[32];

    for (int which = 0; which < 2; which++) {
        watch_names(domid, which, path, sizeof(path), token, sizeof(token));
        if (!xs_watch(x->xsh, path, token) && errno != EEXIST)
            return -1;
    }
    return 0;
}

void
xen_unwatch_path(struct hv_xen *x, uint32_t domid)
{
    char path[64], token[32];

    for (int which = 0; which < 2; which++) {
        watch_names(domid, which, path, sizeof(path), token, sizeof(token));
        xs_unwatch(x->xsh, path, token);
    }
}

void
xen_disconnect(struct hv_xen *x)
{
    if (x->xs_ev != NULL) {
        event_free(x->xs_ev);
        x->xs_ev = NULL;
    }
    if (x->ctx != NULL) {
        libxl_ctx_free(x->ctx);
        x->ctx = NULL;
    }
    if (x->xsh != NULL) {
        xs_close(x->xsh);
        x->xsh = NULL;
    }
}

/* Opens xenstore and libxl, (re)registers every watch. */
int
xen_connect(struct hv_xen *x, char **cause)
{
    x->xsh = xs_open(XS_UNWATCH_FILTER);
    if (x->xsh == NULL) {
        xb_set_cause(cause, "cannot connect to xenstore: %s", strerror(errno));
        return -1;
    }
    if (libxl_ctx_alloc(&x->ctx, LIBXL_VERSION, 0,
                        (xentoollog_logger *)x->xtl) != 0) {
        xb_set_cause(cause, "cannot create a libxl context");
        goto fail;
    }
    if (!xs_watch(x->xsh, "@introduceDomain", "intro") ||
        !xs_watch(x->xsh, "@releaseDomain", "release")) {
        xb_set_cause(cause, "cannot watch domain introduction: %s",
                     strerror(errno));
        goto fail;
    }
    for (unsigned i = 0; i < x->nwatched; i++)
        if (xen_watch_path(x, x->watched[i]) < 0)
            log_warn("re-watching domain %u", x->watched[i]);
    x->xs_ev = event_new(x->base, xs_fileno(x->xsh), EV_READ | EV_PERSIST,
                         xen_on_watch, x);
    if (x->xs_ev == NULL || event_add(x->xs_ev, NULL) < 0) {
        xb_set_cause(cause, "cannot add the xenstore watch fd to the loop");
        goto fail;
    }
    x->lost = 0;
    return 0;
fail:
    xen_disconnect(x);
    return -1;
}

void
xen_mark_lost(struct hv_xen *x)
{
    if (x->lost)
        return;
    x->lost = 1;
    log_warnx("xenstore connection lost; targets frozen until it is back");
    x->hooks.connection(x->hooks.arg, 0);
}

static void
xen_on_watch(evutil_socket_t fd, short what, void *arg)
{
    struct hv_xen *x = arg;
    char **w;

    (void)fd;
    (void)what;
    for (;;) {
        unsigned long domid;
        char *end;

        w = xs_check_watch(x->xsh);
        if (w == NULL) {
            if (errno == EAGAIN)
                return;
            if (errno == EINTR)
                continue;
            xen_mark_lost(x);
            return;
        }
        if (strncmp(w[XS_WATCH_TOKEN], "d:", 2) == 0) {
            domid = strtoul(w[XS_WATCH_TOKEN] + 2, &end, 10);
            if (*end == '\0')
                x->hooks.record_changed(x->hooks.arg, (uint32_t)domid);
        } else {
            x->hooks.domains_changed(x->hooks.arg);
        }
        free(w);
    }
}
