/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest-side readers for /proc/meminfo, /proc/vmstat, /proc/pressure/memory
 * and the Xen balloon sysfs: see procfs.h.  The texts come from the local
 * kernel, but the parsers still never trust a line's shape: a field that is
 * absent, malformed or out of the record's range simply stays missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "xmalloc.h"

/*
 * Largest file we read, bytes.  /proc/vmstat on Linux 6.x is about 5 KiB;
 * 1 MiB means "something is very wrong", not a real limit.
 */
#define PROC_FILE_MAX (1024 * 1024)
/* First read buffer, bytes: one read(2) covers meminfo and vmstat. */
#define PROC_FILE_INIT 8192

struct proc_key {
    const char *name;
    enum xb_field field;
};

/* /proc/meminfo keys we keep, all "kB". */
static const struct proc_key meminfo_keys[] = {
    { "MemTotal", XB_F_TOTAL },      { "MemFree", XB_F_FREE },
    { "MemAvailable", XB_F_AVAIL },  { "Buffers", XB_F_BUFFERS },
    { "Cached", XB_F_CACHED },       { "Committed_AS", XB_F_COMMITTED },
    { "SwapTotal", XB_F_SWAPTOTAL }, { "SwapFree", XB_F_SWAPFREE },
    { "AnonPages", XB_F_ANON },
};

/*
 * /proc/vmstat counters we keep.  The refault count was one counter from
 * 3.15 to 5.8 and is split by LRU type since 5.9; the record carries the
 * sum, so the three are collected separately and folded afterwards.
 */
enum vm_slot {
    VM_PSWPIN,
    VM_PSWPOUT,
    VM_MAJFLT,
    VM_OOM,
    VM_REFAULT,
    VM_REFAULT_ANON,
    VM_REFAULT_FILE,
    VM_COUNT
};

static const struct {
    const char *name;
    enum vm_slot slot;
} vmstat_keys[] = {
    { "pswpin", VM_PSWPIN },
    { "pswpout", VM_PSWPOUT },
    { "pgmajfault", VM_MAJFLT },
    { "oom_kill", VM_OOM },
    { "workingset_refault", VM_REFAULT },
    { "workingset_refault_anon", VM_REFAULT_ANON },
    { "workingset_refault_file", VM_REFAULT_FILE },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Parses decimal digits at *sp (no sign) into *out, advancing *sp.
 * Returns -1 on no digits or overflow.
 */
static int
scan_u64(const char **sp, uint64_t *out)
{
    const char *s = *sp;
    uint64_t v = 0;

    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');

        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *sp = s;
    *out = v;
    return 0;
}

static const char *
skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static const char *
next_line(const char *s)
{
    const char *nl = strchr(s, '\n');

    return nl == NULL ? s + strlen(s) : nl + 1;
}

/* Sets f only if v fits the record's range, so a record always parses. */
static void
set_checked(struct xb_record *r, enum xb_field f, uint64_t v)
{
    if (v <= xb_fields[f].max)
        xb_record_set(r, f, v);
}

int
xb_proc_parse_meminfo(const char *text, struct xb_record *r)
{
    for (const char *l = text; *l != '\0'; l = next_line(l)) {
        const char *colon = strchr(l, ':'), *p;
        const char *eol = strchr(l, '\n');
        uint64_t v;

        if (colon == NULL || (eol != NULL && colon > eol))
            continue;
        for (size_t i = 0; i < NITEMS(meminfo_keys); i++) {
            size_t klen = strlen(meminfo_keys[i].name);

            if ((size_t)(colon - l) != klen ||
                memcmp(l, meminfo_keys[i].name, klen) != 0)
                continue;
            p = skip_blanks(colon + 1);
            if (scan_u64(&p, &v) < 0)
                break;
            /* Every key we keep is in kB; refuse any other unit. */
            p = skip_blanks(p);
            if (strncmp(p, "kB", 2) != 0)
                break;
            set_checked(r, meminfo_keys[i].field, v);
            break;
        }
    }
    return xb_record_has(r, XB_F_TOTAL) && xb_record_has(r, XB_F_FREE) ? 0 : -1;
}

int
xb_proc_parse_vmstat(const char *text, struct xb_record *r)
{
    uint64_t slot[VM_COUNT] = { 0 };
    unsigned seen = 0, lines = 0;

    for (const char *l = text; *l != '\0'; l = next_line(l)) {
        const char *sp = strchr(l, ' '), *p;
        const char *eol = strchr(l, '\n');
        uint64_t v;

        if (sp == NULL || (eol != NULL && sp > eol))
            continue;
        p = sp + 1;
        if (scan_u64(&p, &v) < 0 || (*p != '\n' && *p != '\0'))
            continue;
        lines++;
        for (size_t i = 0; i < NITEMS(vmstat_keys); i++) {
            size_t klen = strlen(vmstat_keys[i].name);

            if ((size_t)(sp - l) == klen &&
                memcmp(l, vmstat_keys[i].name, klen) == 0) {
                slot[vmstat_keys[i].slot] = v;
                seen |= 1u << vmstat_keys[i].slot;
                break;
            }
        }
    }
    if (lines == 0)
        return -1;
    if (seen & (1u << VM_PSWPIN))
        set_checked(r, XB_F_PSWPIN, slot[VM_PSWPIN]);
    if (seen & (1u << VM_PSWPOUT))
        set_checked(r, XB_F_PSWPOUT, slot[VM_PSWPOUT]);
    if (seen & (1u << VM_MAJFLT))
        set_checked(r, XB_F_PGMAJFAULT, slot[VM_MAJFLT]);
    if (seen & (1u << VM_OOM))
        set_checked(r, XB_F_OOMKILL, slot[VM_OOM]);
    if ((seen & (1u << VM_REFAULT_ANON)) && (seen & (1u << VM_REFAULT_FILE))) {
        uint64_t a = slot[VM_REFAULT_ANON], f = slot[VM_REFAULT_FILE];

        if (a <= UINT64_MAX - f)
            set_checked(r, XB_F_REFAULT, a + f);
    } else if (seen & (1u << VM_REFAULT)) {
        set_checked(r, XB_F_REFAULT, slot[VM_REFAULT]);
    }
    return 0;
}

/*
 * One PSI line: "some avg10=0.00 avg60=0.00 avg300=0.00 total=123".
 * Returns 0 and the total, or -1.
 */
static int
psi_line_total(const char *l, uint64_t *total)
{
    const char *eol = strchr(l, '\n');
    const char *t = strstr(l, " total=");

    if (t == NULL || (eol != NULL && t > eol))
        return -1;
    t += strlen(" total=");
    if (scan_u64(&t, total) < 0 || (*t != '\n' && *t != '\0'))
        return -1;
    return 0;
}

int
xb_proc_parse_psi(const char *text, struct xb_record *r)
{
    uint64_t some = 0, full = 0;
    int have_some = 0, have_full = 0;

    for (const char *l = text; *l != '\0'; l = next_line(l)) {
        if (strncmp(l, "some ", 5) == 0 && psi_line_total(l, &some) == 0)
            have_some = 1;
        else if (strncmp(l, "full ", 5) == 0 && psi_line_total(l, &full) == 0)
            have_full = 1;
    }
    if (!have_some)
        return -1;
    set_checked(r, XB_F_PSI_SOME, some);
    /* Full stall time is part of some stall time; keep the pair coherent. */
    if (have_full && full <= some)
        set_checked(r, XB_F_PSI_FULL, full);
    return 0;
}

/*
 * Reads a whole (pseudo-)file below root into a new NUL-terminated buffer.
 * Returns it, or NULL with errno set.
 */
static char *
read_file(const char *root, const char *rel)
{
    char path[PATH_MAX];
    size_t cap = PROC_FILE_INIT, len = 0;
    char *buf;
    int fd, n, saved;

    n = snprintf(path, sizeof(path), "%s%s%s", root,
                 root[0] != '\0' && root[strlen(root) - 1] == '/' ? "" : "/",
                 rel);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return NULL;
    buf = xb_malloc(cap);
    for (;;) {
        ssize_t r;

        if (len + 1 == cap) {
            if (cap >= PROC_FILE_MAX) {
                errno = EFBIG;
                goto fail;
            }
            cap *= 2;
            buf = xb_reallocarray(buf, cap, 1);
        }
        r = read(fd, buf + len, cap - len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    return buf;
fail:
    saved = errno;
    close(fd);
    free(buf);
    errno = saved;
    return NULL;
}

/* The balloon's info/current_kb: one number and a newline. */
static void
sample_balloon(const char *root, struct xb_record *r)
{
    char *text = read_file(root, XB_SYS_BALLOON_CURRENT);
    const char *p = text;
    uint64_t v;

    if (text == NULL)
        return;
    if (scan_u64(&p, &v) == 0 && (*p == '\n' || *p == '\0'))
        set_checked(r, XB_F_BALLOON, v);
    free(text);
}

/*
 * The kernel's figures are read at slightly different instants and a few
 * are estimates; clamp the ones the record format cross-checks so a sample
 * is always a record dom0 accepts.
 */
static void
sanitise(struct xb_record *r)
{
    uint64_t total = r->v[XB_F_TOTAL];

    if (r->v[XB_F_FREE] > total)
        r->v[XB_F_FREE] = total;
    if (xb_record_has(r, XB_F_AVAIL) && r->v[XB_F_AVAIL] > total)
        r->v[XB_F_AVAIL] = total;
    if (xb_record_has(r, XB_F_SWAPFREE) &&
        (!xb_record_has(r, XB_F_SWAPTOTAL) ||
         r->v[XB_F_SWAPFREE] > r->v[XB_F_SWAPTOTAL]))
        r->present &= ~(1u << XB_F_SWAPFREE);
}

int
xb_proc_sample(const char *root, struct xb_record *r, char **cause)
{
    char *text;

    xb_record_clear(r);
    if ((text = read_file(root, XB_PROC_MEMINFO)) == NULL) {
        xb_set_cause(cause, "%s: %s", XB_PROC_MEMINFO, strerror(errno));
        return -1;
    }
    if (xb_proc_parse_meminfo(text, r) < 0 || r->v[XB_F_TOTAL] == 0) {
        free(text);
        xb_set_cause(cause, "%s: no usable MemTotal/MemFree", XB_PROC_MEMINFO);
        return -1;
    }
    free(text);
    if ((text = read_file(root, XB_PROC_VMSTAT)) != NULL) {
        (void)xb_proc_parse_vmstat(text, r);
        free(text);
    }
    /* Absent before 4.20, and reads fail with EOPNOTSUPP under psi=0. */
    if ((text = read_file(root, XB_PROC_PSI_MEMORY)) != NULL) {
        (void)xb_proc_parse_psi(text, r);
        free(text);
    }
    sample_balloon(root, r);
    sanitise(r);
    return 0;
}
