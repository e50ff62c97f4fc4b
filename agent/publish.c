/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Record publishers: see publish.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "log.h"
#include "publish.h"
#include "xmalloc.h"

struct ag_pub {
    enum ag_pub_mode mode;
    int compat;
    struct xs_handle *xsh;
    uint64_t retry_ms;   /* no connection attempt before this */
    unsigned backoff_ms; /* next back-off */
    int failing;         /* last attempt failed: log the recovery */
    /* Compat keys as last written, so unchanged values are not rewritten. */
    int compat_valid;
    uint64_t compat_total;
    uint64_t compat_free;
};

struct ag_pub *
ag_pub_create(enum ag_pub_mode mode, int compat)
{
    struct ag_pub *p = xb_calloc(1, sizeof(*p));

    p->mode = mode;
    p->compat = compat;
    p->backoff_ms = AG_BACKOFF_MIN_MS;
    return p;
}

static void
xs_drop(struct ag_pub *p, uint64_t now_ms, const char *what)
{
    log_warn("xenstore: %s; retrying in %u ms", what, p->backoff_ms);
    if (p->xsh != NULL) {
        xs_close(p->xsh);
        p->xsh = NULL;
    }
    p->compat_valid = 0;
    p->failing = 1;
    p->retry_ms = now_ms + p->backoff_ms;
    p->backoff_ms = p->backoff_ms >= AG_BACKOFF_MAX_MS / 2 ? AG_BACKOFF_MAX_MS
                                                           : p->backoff_ms * 2;
}

static int
xs_put(struct ag_pub *p, const char *path, const char *val, size_t len)
{
    if (!xs_write(p->xsh, XBT_NULL, path, val, (unsigned)len)) {
        log_debug("xenstore: write %s failed: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int
xs_put_u64(struct ag_pub *p, const char *path, uint64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

    return xs_put(p, path, buf, (size_t)n);
}

/* XenServer's two keys: MemTotal and MemAvailable (MemFree before 3.14). */
static int
xs_put_compat(struct ag_pub *p, const struct xb_record *r)
{
    uint64_t total = r->v[XB_F_TOTAL];
    uint64_t avail = xb_record_get(r, XB_F_AVAIL, r->v[XB_F_FREE]);

    if (!p->compat_valid || total != p->compat_total) {
        if (xs_put_u64(p, AG_XS_COMPAT_TOTAL, total) < 0)
            return -1;
    }
    if (!p->compat_valid || avail != p->compat_free) {
        if (xs_put_u64(p, AG_XS_COMPAT_FREE, avail) < 0)
            return -1;
    }
    p->compat_valid = 1;
    p->compat_total = total;
    p->compat_free = avail;
    return 0;
}

static int
pub_xenstore(struct ag_pub *p, const char *line, size_t len,
             const struct xb_record *r, uint64_t now_ms)
{
    if (p->xsh == NULL) {
        if (now_ms < p->retry_ms) {
            errno = EAGAIN;
            return -1;
        }
        if ((p->xsh = xs_open(0)) == NULL) {
            xs_drop(p, now_ms, "cannot connect");
            return -1;
        }
    }
    if (xs_put(p, AG_XS_STATS, line, len) < 0 ||
        (p->compat && xs_put_compat(p, r) < 0)) {
        xs_drop(p, now_ms, "write failed");
        return -1;
    }
    if (p->failing)
        log_info("xenstore: publishing again");
    p->failing = 0;
    p->backoff_ms = AG_BACKOFF_MIN_MS;
    return 0;
}

int
ag_pub_write(struct ag_pub *p, const struct xb_record *r, uint64_t now_ms)
{
    char line[XB_RECORD_MAX + 1];
    int len;

    if ((len = xb_record_format(r, line, sizeof(line))) < 0) {
        /* Only a missing required field can do this; procfs sets them. */
        log_warnx("record does not format");
        errno = EINVAL;
        return -1;
    }
    if (p->mode == AG_PUB_STDOUT) {
        if (printf("%s\n", line) < 0 || fflush(stdout) == EOF)
            return -1;
        return 0;
    }
    return pub_xenstore(p, line, (size_t)len, r, now_ms);
}

void
ag_pub_set_compat(struct ag_pub *p, int compat)
{
    if (compat && !p->compat)
        p->compat_valid = 0; /* write both keys afresh */
    p->compat = compat;
}

int
ag_pub_remove(struct ag_pub *p)
{
    if (p->mode != AG_PUB_XENSTORE)
        return 0;
    if (p->xsh == NULL && (p->xsh = xs_open(0)) == NULL) {
        log_warn("xenstore: cannot connect to remove %s", AG_XS_DIR);
        return -1;
    }
    if (!xs_rm(p->xsh, XBT_NULL, AG_XS_DIR) && errno != ENOENT) {
        log_warn("xenstore: rm %s", AG_XS_DIR);
        return -1;
    }
    return 0;
}

void
ag_pub_destroy(struct ag_pub *p)
{
    if (p == NULL)
        return;
    if (p->xsh != NULL)
        xs_close(p->xsh);
    free(p);
}
