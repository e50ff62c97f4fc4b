/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The balancing-policy interface: the one header a policy includes.
 *
 * A policy is a pure function from a read-only snapshot of the host and its
 * domains to the targets it would like each domain to have, with a short
 * reason and its estimate of the domain's need.  It does no I/O, reads no
 * clock (the snapshot carries the time) and keeps no globals, so the daemon,
 * the simulator and the unit tests all get the same answer for the same
 * snapshot.  Making the wanted targets safe (host reserve, shrink before
 * grow, rate limits, clamps) is the balancer's job, not the policy's; a
 * policy should still stay inside [min_kb, max_kb].
 *
 * Parameters are described by a table (name, type, default, range, unit,
 * help); the registry validates the JSON config against it, fills the
 * policy's own parameter struct, and uses the same table for `policy`
 * output and the man page.  A new policy is one file plus one line in
 * registry.c, in the spirit of libevent's struct eventop.
 *
 * All memory figures are KiB, in the "domain total" frame that compares with
 * the hypervisor's tot_pages * 4.
 */
#ifndef XB_POLICIES_POLICY_H
#define XB_POLICIES_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define XB_POLICY_ABI 4
#define XB_POL_REASON_MAX 48
/* Most samples of history a policy may ask the daemon to keep per domain. */
#define XB_POL_HISTORY_MAX 64

/* One agent record as the daemon received it, stamped with dom0's clock. */
struct xb_pol_sample {
    uint64_t t_ms;
    struct xb_record rec;
};

/* What the daemon knows of a domain besides its figures. */
enum xb_pol_state {
    XB_POL_MANAGED,       /* its agent speaks and its balloon moves */
    XB_POL_STUCK,         /* its balloon stopped short: its unmet change is
                             withdrawn, it is neither grown nor a donor */
    XB_POL_UNCOOPERATIVE, /* stuck for long: held where it is */
    XB_POL_SILENT,        /* no agent, or stale data: never shrunk */
};

struct xb_pol_dom {
    uint32_t domid;
    const char *name;
    int is_dom0;
    uint64_t actual_kb;       /* what the domain holds now (tot_pages * 4) */
    uint64_t target_kb;       /* its current target */
    uint64_t min_kb;          /* hard floor from config/heuristic */
    uint64_t max_kb;          /* hard ceiling (static-max or config) */
    unsigned weight;          /* relative share, 1..10000, default 100 */
    uint64_t since_change_ms; /* since the daemon last changed its target */
    /*
     * Agent history, oldest first, newest last (hist[nhist - 1]); at most
     * the policy's `history` entries.  nhist == 0: the agent never reported
     * (or its data was dropped).  stale: the newest sample is older than the
     * configured stale limit; treat the domain as silent.
     */
    const struct xb_pol_sample *hist;
    unsigned nhist;
    int stale;
    enum xb_pol_state state;
    /* The fastest its balloon has been seen moving, KiB/s (0: not seen
     * moving yet): how soon what it gives could come back. */
    uint64_t rate_kb_s;
    /* Its balloon stalled lately (no progress for a while with a change
     * pending, within the last half hour): what it gives may not come
     * back when asked, however fast it moved before. */
    int wary;
    /* The most used memory (guest frame, as xb_record_used_kb) its agent
     * reported over the last 5 to 10 minutes, whatever `hist` spans;
     * 0 when unknown. */
    uint64_t peak_kb;
};

struct xb_pol_snapshot {
    uint64_t now_ms;        /* dom0 monotonic clock */
    uint64_t host_total_kb; /* physical memory Xen manages */
    uint64_t host_free_kb;  /* free now, net of outstanding claims */
    uint64_t reserve_kb;    /* what the balancer keeps free, always */
    const struct xb_pol_dom *doms;
    unsigned ndoms;
};

struct xb_pol_want {
    uint64_t target_kb; /* wanted target */
    uint64_t need_kb;   /* the policy's estimate of need, 0 if unknown */
    /* Of a shrink, how much is memory the guest plainly does not use
     * (MemFree: neither used nor cache): the balancer may release that
     * much at once instead of in slow steps.  0: all of it is slow. */
    uint64_t quick_kb;
    char reason[XB_POL_REASON_MAX];
};

enum xb_pol_ptype {
    XB_PP_DOUBLE, /* stored as double */
    XB_PP_UINT,   /* stored as unsigned int */
    XB_PP_KIB,    /* stored as uint64_t, KiB */
    XB_PP_MS,     /* stored as uint64_t, milliseconds */
};

struct xb_pol_param {
    const char *name; /* JSON key under the policy's "params" */
    enum xb_pol_ptype type;
    double def, min, max; /* inclusive range */
    size_t offset;        /* offsetof() in the policy's parameter struct */
    const char *help;     /* one line, with its unit */
};

struct xb_policy {
    unsigned abi; /* XB_POLICY_ABI */
    const char *name;
    const char *summary;
    const struct xb_pol_param *params; /* terminated by { NULL } */
    size_t params_size;                /* sizeof the parameter struct */
    unsigned history;                  /* samples per domain to keep, 1.. */
    /*
     * Optional: checks across parameters after each one passed its own
     * range check.  Returns 0, or -1 with *cause set (caller frees).
     */
    int (*init)(void *params, char **cause);
    /* Required: fills out[i] for every snap->doms[i].  Cannot fail. */
    void (*plan)(const void *params, const struct xb_pol_snapshot *snap,
                 struct xb_pol_want *out);
    /* Optional: frees whatever init allocated inside params. */
    void (*fini)(void *params);
};

/*
 * Helpers every policy may use (policies/util.c).
 */
/* Memory the policies may hand out: host free + what the domains hold -
 * reserve, saturating at 0. */
uint64_t xb_pol_budget(const struct xb_pol_snapshot *snap);
/* The newest sample, or NULL when there is none or it is stale. */
const struct xb_pol_sample *xb_pol_latest(const struct xb_pol_dom *d);
uint64_t xb_pol_clamp(const struct xb_pol_dom *d, uint64_t kb);
void xb_pol_reason(struct xb_pol_want *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
