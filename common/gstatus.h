/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What dom0 tells each guest, in two compact lines under the guest's
 * memory/xenballoon/ directory, which dom0 owns and the guest may only
 * read (libxl creates memory/ with {dom0: none, guest: read}; nodes dom0
 * creates below it inherit that).  Both sides use this header: the daemon
 * formats, the agent parses.
 *
 * memory/xenballoon/status, rewritten on change and at least every
 * heartbeat period:
 *
 *   v=1 hb=17 hbp=10 target=524288 actual=530432 min=131072 max=1048576
 *   need=402000 state=managed level=tight free=210944 total=4194304
 *   ocmax=150 octgt=95 reason=pressure: psi 2.1% > 1%, +32M
 *
 *   hb      heartbeat sequence, new on every write (a daemon restart
 *           starts again at 1: the agent looks for change, not growth)
 *   hbp     the daemon's heartbeat period, seconds
 *   target actual min max need   KiB, the domain's view
 *   state   managed no-agent stale stuck uncooperative excluded paused
 *           suspended migrating
 *   level   the host's pressure: ok tight critical
 *   free total   host memory free now and managed by Xen, KiB
 *   ocmax   sum of the domains' maxmem over host memory, hundredths
 *   octgt   sum of the domains' targets over host memory, hundredths
 *   reason  the policy's reason, printable ASCII, always last (may hold
 *           spaces; it runs to the end of the line)
 *
 * memory/xenballoon/agent, the agent's settings chosen by dom0:
 *
 *   v=1 interval=1000 heartbeat=10 compat=1 psi=1 step=8192 steppm=20
 *   refault=1024 psimin=1000
 *
 * Every key is optional; unknown keys are skipped (a newer daemon may add
 * some).  The agent enforces its own bounds (xb_gtune_keys[]): a value
 * out of range is clamped, garbage is ignored, and both are reported so
 * the agent can log them once.  To the agent both lines come from the
 * other side of the boundary and are parsed as untrusted input.
 */
#ifndef XB_COMMON_GSTATUS_H
#define XB_COMMON_GSTATUS_H

#include <stddef.h>
#include <stdint.h>

#define XB_GSTATUS_VERSION 1
/* Relative to the guest's home; dom0 prefixes /local/domain/<id>/. */
#define XB_GSTATUS_DIR "memory/xenballoon"
#define XB_GSTATUS_KEY "status"
#define XB_GTUNE_KEY "agent"
/* Wire cap, bytes without the NUL: 1 KiB, well under xenstore's 2048. */
#define XB_GSTATUS_MAX 1023
/* The reason is cut to this many bytes so the line always fits. */
#define XB_GSTATUS_REASON_MAX 255

enum xb_glevel {
    XB_GLEVEL_OK,
    XB_GLEVEL_TIGHT,
    XB_GLEVEL_CRITICAL,
};

struct xb_gstatus {
    uint64_t hb;
    unsigned hb_period_s;
    uint64_t target_kb, actual_kb, min_kb, max_kb, need_kb;
    char state[16];
    enum xb_glevel level;
    uint64_t free_kb, total_kb;
    unsigned ocmax_pct, octgt_pct; /* hundredths: 150 is 1.50 */
    char reason[XB_GSTATUS_REASON_MAX + 1];
};

const char *xb_glevel_name(enum xb_glevel l);
/* 0 and *out, or -1 for an unknown name. */
int xb_glevel_from_name(const char *name, enum xb_glevel *out);

/*
 * Writes the status line (NUL-terminated) into buf; non-printable bytes
 * of the reason become '?', and every figure is clamped to the bounds
 * xb_gstatus_parse() enforces (a state it would refuse becomes
 * "unknown"), so whatever dom0 writes, the agent accepts.  Returns its length, or -1 if it does not
 * fit in min(len, XB_GSTATUS_MAX + 1).
 */
int xb_gstatus_format(const struct xb_gstatus *s, char *buf, size_t len);

/*
 * Parses `len` bytes of untrusted input.  Every key but reason is
 * required; numbers are decimal digits within plausible ranges.  Returns
 * 0 and fills *out, or -1 with *cause (caller frees).
 */
int xb_gstatus_parse(const char *untrusted, size_t len, struct xb_gstatus *out,
                     char **cause);

/* The agent's settings, in the order of xb_gtune_keys[]. */
enum xb_gtune_field {
    XB_GT_INTERVAL,  /* sampling interval, ms */
    XB_GT_HEARTBEAT, /* record heartbeat, s */
    XB_GT_COMPAT,    /* publish data/meminfo_total and _free, 0 or 1 */
    XB_GT_PSI,       /* wake on a PSI trigger, 0 or 1 */
    XB_GT_STEP,      /* smallest memory change worth a record, KiB */
    XB_GT_STEPPM,    /* relative step, per mille of MemTotal */
    XB_GT_REFAULT,   /* refault burst, pages */
    XB_GT_PSIMIN,    /* memory stall growth worth a record, us */
    XB_GT_COUNT
};

struct xb_gtune_key {
    const char *key;
    const char *unit;
    uint64_t def, min, max; /* the agent's bounds, inclusive */
};

extern const struct xb_gtune_key xb_gtune_keys[XB_GT_COUNT];

struct xb_gtune {
    uint32_t present; /* bit (1u << field): the line set it */
    uint64_t v[XB_GT_COUNT];
};

/* Every field at its default, none present. */
void xb_gtune_defaults(struct xb_gtune *t);

/* Formats the fields marked present, each clamped to its xb_gtune_keys[]
 * bounds.  Returns the length, or -1. */
int xb_gtune_format(const struct xb_gtune *t, char *buf, size_t len);

/*
 * Parses an untrusted settings line over *t (which keeps its values for
 * keys the line lacks).  A value outside its bounds is clamped and its bit
 * set in *clamped; a malformed value is skipped and its bit set in *bad.
 * Returns 0, or -1 with *cause when the line as a whole is unusable (too
 * long, wrong version).
 */
int xb_gtune_parse(const char *untrusted, size_t len, struct xb_gtune *t,
                   uint32_t *clamped, uint32_t *bad, char **cause);

#endif
