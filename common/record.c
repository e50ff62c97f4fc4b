/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stats record format and its hostile-input parser: see record.h.
 */
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "xmalloc.h"

/*
 * Plausible ranges.  16 TiB is beyond any guest Xen 4.17 can build; counters
 * get 2^62 so that deltas between two samples cannot overflow int64.
 */
#define KIB_MAX (UINT64_C(1) << 34)
#define CNT_MAX (UINT64_C(1) << 62)

const struct xb_field_info xb_fields[XB_F_COUNT] = {
    [XB_F_SEQ] = { "seq", "seq", CNT_MAX, 1, 0 },
    [XB_F_TOTAL] = { "total", "mem_total_kb", KIB_MAX, 1, 1 },
    [XB_F_FREE] = { "free", "mem_free_kb", KIB_MAX, 1, 1 },
    [XB_F_AVAIL] = { "avail", "mem_available_kb", KIB_MAX, 0, 1 },
    [XB_F_BUFFERS] = { "buf", "buffers_kb", KIB_MAX, 0, 1 },
    [XB_F_CACHED] = { "cached", "cached_kb", KIB_MAX, 0, 1 },
    [XB_F_COMMITTED] = { "commit", "committed_as_kb", KIB_MAX, 0, 1 },
    [XB_F_SWAPTOTAL] = { "swt", "swap_total_kb", KIB_MAX, 0, 1 },
    [XB_F_SWAPFREE] = { "swf", "swap_free_kb", KIB_MAX, 0, 1 },
    [XB_F_ANON] = { "anon", "anon_kb", KIB_MAX, 0, 1 },
    [XB_F_BALLOON] = { "bal", "balloon_current_kb", KIB_MAX, 0, 1 },
    [XB_F_PSWPIN] = { "pswpin", "pswpin", CNT_MAX, 0, 0 },
    [XB_F_PSWPOUT] = { "pswpout", "pswpout", CNT_MAX, 0, 0 },
    [XB_F_PGMAJFAULT] = { "majflt", "pgmajfault", CNT_MAX, 0, 0 },
    [XB_F_REFAULT] = { "refault", "workingset_refault", CNT_MAX, 0, 0 },
    [XB_F_OOMKILL] = { "oom", "oom_kill", CNT_MAX, 0, 0 },
    [XB_F_PSI_SOME] = { "psis", "psi_some_us", CNT_MAX, 0, 0 },
    [XB_F_PSI_FULL] = { "psif", "psi_full_us", CNT_MAX, 0, 0 },
};

/* Longest key we accept before calling it garbage; unknown keys included. */
#define KEY_MAX 16

void
xb_record_clear(struct xb_record *r)
{
    memset(r, 0, sizeof(*r));
}

/*
 * Appends "key=v" at buf + *off, after a space unless it is the first,
 * and the NUL; -1 when that does not fit in cap.  A record is formatted
 * for every sample, by the agent and by the simulator's guests: no printf.
 */
static int
append_field(char *buf, size_t cap, size_t *off, const char *key, uint64_t v)
{
    char digits[20]; /* UINT64_MAX has 20 */
    size_t nd = 0, kl = strlen(key), need;
    char *p;

    do {
        digits[nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    need = (*off > 0) + kl + 1 + nd;
    if (*off + need >= cap)
        return -1;
    p = buf + *off;
    if (*off > 0)
        *p++ = ' ';
    memcpy(p, key, kl);
    p += kl;
    *p++ = '=';
    while (nd > 0)
        *p++ = digits[--nd];
    *p = '\0';
    *off += need;
    return 0;
}

int
xb_record_format(const struct xb_record *r, char *buf, size_t len)
{
    size_t cap = len < XB_RECORD_MAX + 1 ? len : XB_RECORD_MAX + 1;
    size_t off = 0;

    for (int f = 0; f < XB_F_COUNT; f++)
        if (xb_fields[f].required && !xb_record_has(r, f))
            return -1;
    if (append_field(buf, cap, &off, "v", XB_RECORD_VERSION) < 0)
        return -1;
    for (int f = 0; f < XB_F_COUNT; f++)
        if (xb_record_has(r, f) &&
            append_field(buf, cap, &off, xb_fields[f].key, r->v[f]) < 0)
            return -1;
    return (int)off;
}

/*
 * The field named by the klen bytes at key (no NUL among them), or -1.
 * The search starts at field `from` and wraps: an agent writes the fields
 * in order, so the one after the previous key is nearly always it.
 */
static int
field_lookup(const char *key, size_t klen, int from)
{
    for (int i = 0; i < XB_F_COUNT; i++) {
        int f = (from + i) % XB_F_COUNT;
        const char *k = xb_fields[f].key;

        if (strncmp(k, key, klen) == 0 && k[klen] == '\0')
            return f;
    }
    return -1;
}

/* Parses a run of digits; no sign, no spaces, no leading zeros beyond "0". */
static int
parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out,
          const char **why)
{
    uint64_t v = 0;

    if (n == 0) {
        *why = "empty value";
        return -1;
    }
    if (n > 1 && s[0] == '0') {
        *why = "leading zero";
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned d;

        if (s[i] < '0' || s[i] > '9') {
            *why = "not a number";
            return -1;
        }
        d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) {
            *why = "overflows 64 bits";
            return -1;
        }
        v = v * 10 + d;
    }
    if (v > max) {
        *why = "out of range";
        return -1;
    }
    *out = v;
    return 0;
}

static int
printable_key(const char *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
              k[i] == '_'))
            return 0;
    return 1;
}

static int
check_consistency(const struct xb_record *r, char **cause)
{
    uint64_t total = r->v[XB_F_TOTAL];

    if (total == 0) {
        xb_set_cause(cause, "total is zero");
        return -1;
    }
    if (r->v[XB_F_FREE] > total) {
        xb_set_cause(cause, "free exceeds total");
        return -1;
    }
    if (xb_record_has(r, XB_F_AVAIL) && r->v[XB_F_AVAIL] > total) {
        xb_set_cause(cause, "avail exceeds total");
        return -1;
    }
    if (xb_record_has(r, XB_F_SWAPFREE) &&
        (!xb_record_has(r, XB_F_SWAPTOTAL) ||
         r->v[XB_F_SWAPFREE] > r->v[XB_F_SWAPTOTAL])) {
        xb_set_cause(cause, "swf exceeds swt");
        return -1;
    }
    if (xb_record_has(r, XB_F_PSI_FULL) &&
        (!xb_record_has(r, XB_F_PSI_SOME) ||
         r->v[XB_F_PSI_FULL] > r->v[XB_F_PSI_SOME])) {
        xb_set_cause(cause, "psif exceeds psis");
        return -1;
    }
    return 0;
}

int
xb_record_parse(const char *untrusted, size_t len, struct xb_record *out,
                char **cause)
{
    struct xb_record r;
    size_t i = 0;
    int first = 1, next = 0;

    xb_record_clear(&r);
    if (len > XB_RECORD_MAX) {
        xb_set_cause(cause, "record is %zu bytes, over the %d-byte cap", len,
                     XB_RECORD_MAX);
        return -1;
    }
    if (len == 0) {
        xb_set_cause(cause, "empty record");
        return -1;
    }
    if (memchr(untrusted, '\0', len) != NULL) {
        xb_set_cause(cause, "record contains a NUL byte");
        return -1;
    }
    while (i < len) {
        size_t ks, ke, vs, ve;
        const char *why;
        uint64_t v;
        int f;

        if (untrusted[i] == ' ' && !first) {
            i++;
            if (i == len || untrusted[i] == ' ') {
                xb_set_cause(cause, "stray space at byte %zu", i);
                return -1;
            }
        } else if (!first) {
            xb_set_cause(cause, "unexpected byte at %zu", i);
            return -1;
        } else if (untrusted[i] == ' ') {
            xb_set_cause(cause, "stray space at byte 0");
            return -1;
        }
        ks = i;
        while (i < len && untrusted[i] != '=' && untrusted[i] != ' ')
            i++;
        ke = i;
        if (i == len || untrusted[i] != '=') {
            xb_set_cause(cause, "field at byte %zu has no '='", ks);
            return -1;
        }
        if (ke == ks || ke - ks > KEY_MAX ||
            !printable_key(untrusted + ks, ke - ks)) {
            xb_set_cause(cause, "bad key at byte %zu", ks);
            return -1;
        }
        vs = ++i;
        while (i < len && untrusted[i] != ' ')
            i++;
        ve = i;
        if (first) {
            if (ke - ks != 1 || untrusted[ks] != 'v') {
                xb_set_cause(cause, "record does not start with v=");
                return -1;
            }
            if (parse_u64(untrusted + vs, ve - vs, UINT32_MAX, &v, &why) < 0) {
                xb_set_cause(cause, "key 'v': %s", why);
                return -1;
            }
            if (v != XB_RECORD_VERSION) {
                xb_set_cause(cause, "unsupported version %llu",
                             (unsigned long long)v);
                return -1;
            }
            first = 0;
            continue;
        }
        /* `v` is not in xb_fields; a second one must not pass as unknown. */
        if (ke - ks == 1 && untrusted[ks] == 'v') {
            xb_set_cause(cause, "duplicate key 'v'");
            return -1;
        }
        f = field_lookup(untrusted + ks, ke - ks, next);
        if (f < 0) {
            /* Unknown key from a newer agent: its value must still be
             * digits, so the record as a whole stays well-formed. */
            if (parse_u64(untrusted + vs, ve - vs, UINT64_MAX, &v, &why) < 0) {
                xb_set_cause(cause, "key '%.*s': %s", (int)(ke - ks),
                             untrusted + ks, why);
                return -1;
            }
            continue;
        }
        if (xb_record_has(&r, f)) {
            xb_set_cause(cause, "duplicate key '%s'", xb_fields[f].key);
            return -1;
        }
        next = f + 1;
        if (parse_u64(untrusted + vs, ve - vs, xb_fields[f].max, &v, &why) <
            0) {
            xb_set_cause(cause, "key '%s': %s", xb_fields[f].key, why);
            return -1;
        }
        xb_record_set(&r, f, v);
    }
    for (int f = 0; f < XB_F_COUNT; f++) {
        if (xb_fields[f].required && !xb_record_has(&r, f)) {
            xb_set_cause(cause, "missing required key '%s'", xb_fields[f].key);
            return -1;
        }
    }
    if (check_consistency(&r, cause) < 0)
        return -1;
    *out = r;
    return 0;
}

uint64_t
xb_record_used_kb(const struct xb_record *r)
{
    uint64_t total = r->v[XB_F_TOTAL], used;

    if (xb_record_has(r, XB_F_AVAIL)) {
        used = total - r->v[XB_F_AVAIL];
    } else {
        uint64_t reclaim = r->v[XB_F_FREE] + xb_record_get(r, XB_F_BUFFERS, 0) +
                           xb_record_get(r, XB_F_CACHED, 0);

        used = reclaim >= total ? 0 : total - reclaim;
    }
    if (xb_record_has(r, XB_F_SWAPTOTAL) && xb_record_has(r, XB_F_SWAPFREE))
        used += r->v[XB_F_SWAPTOTAL] - r->v[XB_F_SWAPFREE];
    return used;
}
