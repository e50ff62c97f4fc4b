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
