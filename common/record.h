/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stats record: one compact, versioned line that the agent writes to
 * data/xenballoon/stats and dom0 parses.  Example:
 *
 *   v=1 seq=42 total=4028312 free=120344 avail=2901220 commit=1899020 ...
 *
 * Space-separated key=value pairs, decimal digits only.  Memory figures are
 * KiB, counters are raw, PSI totals are microseconds.  `v` comes first and
 * must be XB_RECORD_VERSION; `seq`, `total` and `free` are required, every
 * other known key is optional and marked missing (not zero) when absent.
 * Unknown keys are skipped, so a newer agent can add fields.
 *
 * The line comes from a guest: the parser treats it as hostile (fixed
 * maximum length, digits only, overflow and range checks, duplicates
 * rejected) and says why it rejected it.
 */
#ifndef XB_COMMON_RECORD_H
#define XB_COMMON_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define XB_RECORD_VERSION 1
/* Wire cap, bytes, without NUL: well under xenstore's 2048-byte node limit. */
#define XB_RECORD_MAX 1024

enum xb_field {
    XB_F_SEQ,        /* sample sequence number, monotonic per agent run */
    XB_F_TOTAL,      /* MemTotal, KiB */
    XB_F_FREE,       /* MemFree, KiB */
    XB_F_AVAIL,      /* MemAvailable, KiB (absent before Linux 3.14) */
    XB_F_BUFFERS,    /* Buffers, KiB */
    XB_F_CACHED,     /* Cached, KiB */
    XB_F_COMMITTED,  /* Committed_AS, KiB */
    XB_F_SWAPTOTAL,  /* SwapTotal, KiB */
    XB_F_SWAPFREE,   /* SwapFree, KiB */
    XB_F_ANON,       /* AnonPages, KiB */
    XB_F_BALLOON,    /* balloon driver info/current_kb, KiB */
    XB_F_PSWPIN,     /* vmstat pswpin, pages */
    XB_F_PSWPOUT,    /* vmstat pswpout, pages */
    XB_F_PGMAJFAULT, /* vmstat pgmajfault */
    XB_F_REFAULT,    /* workingset_refault_anon + _file (or the old total) */
    XB_F_OOMKILL,    /* vmstat oom_kill */
    XB_F_PSI_SOME,   /* /proc/pressure/memory some total=, microseconds */
    XB_F_PSI_FULL,   /* /proc/pressure/memory full total=, microseconds */
    XB_F_COUNT
};

struct xb_record {
    uint32_t present; /* bit (1u << field) set when the value is known */
    uint64_t v[XB_F_COUNT];
};

/* Static description of one field, in wire order. */
struct xb_field_info {
    const char *key;  /* wire key */
    const char *name; /* human/JSON name */
    uint64_t max;     /* largest plausible value */
    int required;
    int is_kib; /* 1 for memory figures, 0 for counters */
};

extern const struct xb_field_info xb_fields[XB_F_COUNT];

static inline int
xb_record_has(const struct xb_record *r, enum xb_field f)
{
    return (r->present & (1u << f)) != 0;
}

static inline uint64_t
xb_record_get(const struct xb_record *r, enum xb_field f, uint64_t dflt)
{
    return xb_record_has(r, f) ? r->v[f] : dflt;
}

static inline void
xb_record_set(struct xb_record *r, enum xb_field f, uint64_t v)
{
    r->v[f] = v;
    r->present |= 1u << f;
}

void xb_record_clear(struct xb_record *r);

/*
 * Writes the record into buf (NUL-terminated).  Returns its length, or -1
 * if a required field is missing or it does not fit in min(len, MAX+1).
 */
int xb_record_format(const struct xb_record *r, char *buf, size_t len);

/*
 * Parses `len` bytes of untrusted input (which need not be NUL-terminated
 * and may contain NULs).  Returns 0 and fills *out, or -1 and sets *cause
 * (caller frees) to a short reason such as "key 'free': not a number".
 */
int xb_record_parse(const char *untrusted, size_t len, struct xb_record *out,
                    char **cause);

/*
 * Derived figures both sides agree on.  Used memory is what the guest would
 * still need if every cache were dropped, counting pages it has swapped out:
 * total - avail + (swaptotal - swapfree).  Without MemAvailable it falls back
 * to total - free - buffers - cached.
 */
uint64_t xb_record_used_kb(const struct xb_record *r);

#endif
