/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSI memory triggers (Linux 5.2+): the kernel wakes poll(POLLPRI) when
 * memory stalls exceed a threshold within a window, so the agent publishes
 * distress at once instead of at the next sample.  Where triggers are not
 * supported (old kernel, psi=0, no privilege, a fixture tree) the agent
 * silently keeps sampling on its timer.
 */
#ifndef XB_AGENT_PSI_H
#define XB_AGENT_PSI_H

/*
 * The trigger armed: "some" memory stall of AG_PSI_TRIG_STALL_US within a
 * window of AG_PSI_TRIG_WINDOW_US, microseconds (15% of a second lost to
 * reclaim or swap-in is distress worth telling dom0 about at once).  The
 * kernel fires it at most once per window.  Since Linux 6.5 a trigger
 * without CAP_SYS_RESOURCE needs a window that is a multiple of 2 s, so
 * the agent falls back to AG_PSI_TRIG_FALLBACK times both (the same 15%
 * over 2 s).  xenballoon-sim models the trigger with these constants.
 */
#define AG_PSI_TRIG_STALL_US 150000ULL
#define AG_PSI_TRIG_WINDOW_US 1000000ULL
#define AG_PSI_TRIG_FALLBACK 2ULL

/*
 * Opens /proc/pressure/memory below root and arms a trigger.  Returns a
 * file descriptor to poll for POLLPRI, or -1 (errno set) if unsupported.
 */
int ag_psi_open(const char *root);

/*
 * Interprets poll()'s revents for the trigger fd: 1 if it fired, 0 if not,
 * -1 if the fd is broken and should be closed.
 */
int ag_psi_fired(short revents);

void ag_psi_close(int fd);

#endif
