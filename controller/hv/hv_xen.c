/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `xen` hypervisor backend: libxenctrl for the host's and domains'
 * memory figures, libxl to set targets (with enforce, as `xl mem-set`
 * does, so growing also raises the hypervisor cap), libxenstore for names,
 * the agents' records and watches.  The watch fd (xs_fileno) sits in the
 * daemon's libevent loop; a dead xenstore connection never makes that fd
 * readable, so check() probes it and reconnects, re-watches and asks the
 * daemon for a rescan.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "gstatus.h"
#include "log.h"
#include "xen_priv.h"
#include "xmalloc.h"

static void *
xen_open(struct event_base *base, const struct xb_config *cfg,
         const struct hv_hooks *hooks, char **cause)
{
    struct hv_xen *x = xb_calloc(1, sizeof(*x));

    (void)cfg;
    x->base = base;
    x->hooks = *hooks;
    x->xtl = xtl_createlogger_stdiostream(stderr, XTL_WARN, 0);
    if (x->xtl == NULL) {
        xb_set_cause(cause, "cannot create the Xen tool logger");
        goto fail;
    }
    x->xch = xc_interface_open((xentoollog_logger *)x->xtl, NULL, 0);
    if (x->xch == NULL) {
        xb_set_cause(cause, "cannot open libxenctrl (is this dom0 of a Xen "
                            "host, with xenfs mounted?)");
        goto fail;
    }
    if (xen_connect(x, cause) < 0)
        goto fail;
    return x;
fail:
    if (x->xch != NULL)
        xc_interface_close(x->xch);
    if (x->xtl != NULL)
        xtl_logger_destroy((xentoollog_logger *)x->xtl);
    free(x);
    return NULL;
}

static void
xen_close(void *priv)
{
    struct hv_xen *x = priv;

    if (x == NULL)
        return;
    xen_disconnect(x);
    xc_interface_close(x->xch);
    xtl_logger_destroy((xentoollog_logger *)x->xtl);
    free(x->watched);
    free(x->asked);
    free(x);
}

static int
xen_physinfo(void *priv, struct hv_physinfo *pi)
{
    struct hv_xen *x = priv;
    xc_physinfo_t info;

    memset(&info, 0, sizeof(info));
    if (xc_physinfo(x->xch, &info) != 0)
        return -1;
    pi->total_kb = (uint64_t)info.total_pages * 4;
    pi->free_kb = info.free_pages > info.outstanding_pages
                      ? (uint64_t)(info.free_pages - info.outstanding_pages) * 4
                      : 0;
    return 0;
}

static int
xen_asked(const struct hv_xen *x, uint32_t domid)
{
    for (unsigned i = 0; i < x->nasked; i++)
        if (x->asked[i] == domid)
            return 1;
    return 0;
}

/*
 * A domain's life from its flags; for a running one, also whether a
 * suspend was asked of it through xenstore and not yet acted on (a guest
 * acknowledges the request by clearing the key, then shuts down with
 * reason suspend).  The key is read in full listings only, which its
 * watch asks for whenever it changes; quick listings use what the last
 * full one found.
 */
static enum hv_life
xen_life(struct hv_xen *x, const xc_domaininfo_t *di, int full)
{
    unsigned reason =
        (di->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    char *val;
    enum hv_life life = HV_RUNNING;

    if (di->flags & XEN_DOMINF_dying)
        return HV_DYING;
    if (di->flags & XEN_DOMINF_shutdown)
        return reason == SHUTDOWN_suspend ? HV_SUSPENDED : HV_DYING;
    if (di->flags & XEN_DOMINF_paused)
        return HV_PAUSED;
    if (x->lost || di->domain == 0)
        return HV_RUNNING;
    if (!full)
        return xen_asked(x, di->domain) ? HV_MIGRATING : HV_RUNNING;
    val = xen_read_str(x, di->domain, "control/shutdown", NULL);
    if (val != NULL && strcmp(val, "suspend") == 0) {
        life = HV_MIGRATING;
        x->asked = xb_reallocarray(x->asked, x->nasked + 1, sizeof(*x->asked));
        x->asked[x->nasked++] = di->domain;
    }
    free(val);
    return life;
}

static int
xen_list(void *priv, int full, struct hv_dominfo **out, unsigned *n)
{
    struct hv_xen *x = priv;
    xc_domaininfo_t batch[LIST_BATCH];
    struct hv_dominfo *v = NULL;
    unsigned k = 0;
    uint32_t next = 0;
    int got;

    if (full && !x->lost)
        x->nasked = 0;
    do {
        got = xc_domain_getinfolist(x->xch, next, LIST_BATCH, batch);
        if (got < 0) {
            free(v);
            return -1;
        }
        v = xb_reallocarray(v, k + (unsigned)got + 1, sizeof(*v));
        for (int i = 0; i < got; i++) {
            const xc_domaininfo_t *di = &batch[i];
            struct hv_dominfo *d;

            next = di->domain + 1;
            /* A xenstore stub domain is infrastructure, not a guest. */
            if (di->flags & XEN_DOMINF_xs_domain)
                continue;
            d = &v[k++];
            memset(d, 0, sizeof(*d));
            d->domid = di->domain;
            d->actual_kb =
                ((uint64_t)di->tot_pages + (uint64_t)di->outstanding_pages) * 4;
            d->life = xen_life(x, di, full);
            if (full && !x->lost) {
                uint64_t t, vram = 0;

                if (xen_read_u64(x, d->domid, "memory/target", &t) == 0) {
                    xen_read_u64(x, d->domid, "memory/videoram", &vram);
                    d->target_kb = t + vram;
                }
                xen_read_u64(x, d->domid, "memory/static-max", &d->maxmem_kb);
            }
        }
    } while (got == LIST_BATCH);
    *out = v;
    *n = k;
    return 0;
}

static int
xen_name(void *priv, uint32_t domid, char *buf, size_t len)
{
    struct hv_xen *x = priv;
    char *val;

    if (x->lost) {
        errno = ENOTCONN;
        return -1;
    }
    val = xen_read_str(x, domid, "name", NULL);
    if (val == NULL)
        return -1;
    snprintf(buf, len, "%s", val);
    free(val);
    return 0;
}

static int
xen_set_target(void *priv, uint32_t domid, uint64_t target_kb)
{
    struct hv_xen *x = priv;
    int r;

    if (x->lost || x->ctx == NULL) {
        errno = ENOTCONN;
        return -1;
    }
    /* Absolute target in the domain-total frame (libxl subtracts
     * videoram), enforce=1 so growth raises the hypervisor cap. */
    r = libxl_set_memory_target(x->ctx, domid, (int64_t)target_kb, 0, 1);
    if (r != 0) {
        errno = r == ERROR_DOMAIN_NOTFOUND ? ENOENT : EIO;
        return -1;
    }
    return 0;
}

static int
xen_read_record(void *priv, uint32_t domid, char *buf, size_t len)
{
    struct hv_xen *x = priv;
    char *val;
    unsigned l;

    if (x->lost) {
        errno = ENOTCONN;
        return -1;
    }
    val = xen_read_str(x, domid, AGENT_RECORD, &l);
    if (val == NULL)
        return errno == ENOENT ? 0 : -1;
    memcpy(buf, val, l < len ? l : len);
    free(val);
    return (int)l;
}

static int
xen_watch(void *priv, uint32_t domid)
{
    struct hv_xen *x = priv;

    for (unsigned i = 0; i < x->nwatched; i++)
        if (x->watched[i] == domid)
            return 0;
    x->watched =
        xb_reallocarray(x->watched, x->nwatched + 1, sizeof(*x->watched));
    x->watched[x->nwatched++] = domid;
    if (x->lost)
        return 0; /* registered on reconnect */
    return xen_watch_path(x, domid);
}

static void
xen_unwatch(void *priv, uint32_t domid)
{
    struct hv_xen *x = priv;

    for (unsigned i = 0; i < x->nwatched; i++) {
        if (x->watched[i] != domid)
            continue;
        x->watched[i] = x->watched[--x->nwatched];
        break;
    }
    if (!x->lost)
        xen_unwatch_path(x, domid);
}

static int
xen_check(void *priv)
{
    struct hv_xen *x = priv;
    char *cause = NULL, *p;

    if (!x->lost) {
        /* A round trip that needs no node to exist. */
        p = xs_get_domain_path(x->xsh, 0);
        if (p != NULL) {
            free(p);
            return 0;
        }
        xen_mark_lost(x);
    }
    xen_disconnect(x);
    if (xen_connect(x, &cause) < 0) {
        log_debug("xenstore reconnect: %s", cause);
        free(cause);
        return -1;
    }
    log_info("xenstore connection re-established");
    x->hooks.connection(x->hooks.arg, 1);
    x->hooks.domains_changed(x->hooks.arg);
    return 0;
}

/*
 * memory/ is created by libxl as {dom0: none, guest: read}, and a node
 * dom0 creates below it inherits its parent's permissions (C xenstored
 * construct_node, oxenstored Store.write), so the guest can read
 * memory/xenballoon/ and cannot write it without any xs_set_permissions.
 */
static int
xen_publish_status(void *priv, uint32_t domid, const char *key,
                   const char *value)
{
    struct hv_xen *x = priv;
    char path[96];

    if (x->lost) {
        errno = ENOTCONN;
        return -1;
    }
    snprintf(path, sizeof(path), "/local/domain/%u/" XB_GSTATUS_DIR "/%s",
             domid, key);
    if (!xs_write(x->xsh, XBT_NULL, path, value, (unsigned)strlen(value)))
        return -1;
    return 0;
}

const struct hv_ops hv_xen_ops = {
    .name = "xen",
    .open = xen_open,
    .close = xen_close,
    .physinfo = xen_physinfo,
    .list = xen_list,
    .domname = xen_name,
    .set_target = xen_set_target,
    .read_record = xen_read_record,
    .watch = xen_watch,
    .unwatch = xen_unwatch,
    .check = xen_check,
    .publish_status = xen_publish_status,
};
