/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsers for the guest's /proc/meminfo, /proc/vmstat (selected counters),
 * /proc/pressure/memory and the Xen balloon driver's sysfs, filling a stats
 * record.  Fields the kernel does not provide stay missing (not zero).
 * The text parsers take a buffer so tests can feed fixtures from several
 * kernel generations; xb_proc_sample() reads the real files below a root
 * ("/" in production, a fixture tree in tests).
 */
#ifndef XB_COMMON_PROCFS_H
#define XB_COMMON_PROCFS_H

#include <stddef.h>

#include "record.h"

/* Relative to the root given to xb_proc_sample(). */
#define XB_PROC_MEMINFO "proc/meminfo"
#define XB_PROC_VMSTAT "proc/vmstat"
#define XB_PROC_PSI_MEMORY "proc/pressure/memory"
#define XB_SYS_BALLOON_DIR "sys/devices/system/xen_memory/xen_memory0"
#define XB_SYS_BALLOON_CURRENT XB_SYS_BALLOON_DIR "/info/current_kb"
#define XB_SYS_BALLOON_TARGET XB_SYS_BALLOON_DIR "/target_kb"

/* Each returns 0, or -1 if the text is unusable (e.g. no MemTotal). */
int xb_proc_parse_meminfo(const char *text, struct xb_record *r);
int xb_proc_parse_vmstat(const char *text, struct xb_record *r);
int xb_proc_parse_psi(const char *text, struct xb_record *r);

/*
 * Reads every source below `root` into *r (cleared first; seq is left for
 * the caller).  meminfo is required; vmstat, PSI and the balloon are
 * optional.  Returns 0, or -1 with *cause set (caller frees).
 */
int xb_proc_sample(const char *root, struct xb_record *r, char **cause);

#endif
