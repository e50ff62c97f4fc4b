/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor backend: everything the daemon asks of Xen (host and
 * domain memory figures, setting targets) and of xenstore (domain names,
 * the agents' records, change notifications), behind one vtable.  Two
 * implementations: `xen` (libxenctrl, libxl, libxenstore) and `sim` (an
 * in-process simulated host).  The rest of the daemon cannot tell them
 * apart.  All sizes are KiB in the "domain total" frame (tot_pages * 4).
 */
#ifndef XB_HV_HV_H
#define XB_HV_HV_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct xb_config;

struct hv_physinfo {
    uint64_t total_kb; /* memory Xen manages */
    uint64_t free_kb;  /* free now, net of outstanding claims */
};

/*
 * Where a domain is in its life, as Xen and the toolstack show it.  Only
 * a running domain's balloon moves; the others are left alone (no target
 * changes, no stuck timer, not a donor) until they run again.  Migrating:
 * a suspend asked of it through xenstore (control/shutdown = "suspend",
 * which libxl's save and migrate write) that it has not acted on yet.
 * Dying: dying, or shut down for any reason but suspend: about to go.
 */
enum hv_life {
    HV_RUNNING = 0,
    HV_PAUSED,    /* paused (xl pause, a domain being built or restored) */
    HV_SUSPENDED, /* shut down with reason suspend (save, migrate) */
    HV_MIGRATING, /* a suspend requested in xenstore, not yet done */
    HV_DYING,
};

struct hv_dominfo {
    uint32_t domid;
    uint64_t actual_kb; /* tot_pages (+ outstanding claim) * 4 */
    uint64_t target_kb; /* memory/target + memory/videoram; 0 unknown */
    uint64_t maxmem_kb; /* memory/static-max; 0 unknown */
    enum hv_life life;
};

/*
 * Callbacks into the daemon; called from the event loop.  record_changed
 * returns 1 when the daemon read the record at once and found it in
 * distress (acted on without the coalescing delay), else 0: only the sim
 * backend's latency measure looks at it.
 */
struct hv_hooks {
    void (*domains_changed)(void *arg); /* rescan and diff */
    int (*record_changed)(void *arg, uint32_t domid);
    void (*connection)(void *arg, int up); /* xenstore lost/back */
    void *arg;
};

struct hv_ops {
    const char *name;
    void *(*open)(struct event_base *base, const struct xb_config *cfg,
                  const struct hv_hooks *hooks, char **cause);
    void (*close)(void *priv);
    int (*physinfo)(void *priv, struct hv_physinfo *pi);
    /*
     * Every live domain; *out is malloc'ed (caller frees).  Without
     * `full`, target_kb and maxmem_kb may be 0 (not read): the cheap form
     * for every tick; the full one after a change in the domain set.
     */
    int (*list)(void *priv, int full, struct hv_dominfo **out, unsigned *n);
    int (*domname)(void *priv, uint32_t domid, char *buf, size_t len);
    /* Sets the target (and raises the hypervisor cap as needed). */
    int (*set_target)(void *priv, uint32_t domid, uint64_t target_kb);
    /*
     * Copies the agent's raw record (untrusted) into buf.  Returns its
     * full length (which may exceed len: then it is oversized and only
     * len bytes were copied), 0 when absent, -1 on error.
     */
    int (*read_record)(void *priv, uint32_t domid, char *buf, size_t len);
    int (*watch)(void *priv, uint32_t domid);
    void (*unwatch)(void *priv, uint32_t domid);
    /* Periodic health check: 0 healthy, -1 lost (and reconnecting). */
    int (*check)(void *priv);
    /*
     * Writes `value` to the guest-readable, dom0-owned key
     * /local/domain/<domid>/memory/xenballoon/<key> (common/gstatus.h).
     * 0, or -1 with errno.
     */
    int (*publish_status)(void *priv, uint32_t domid, const char *key,
                          const char *value);
};

extern const struct hv_ops hv_xen_ops;
extern const struct hv_ops hv_sim_ops;

#endif
