/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PSI trigger set-up: see psi.h and the kernel's
 * Documentation/accounting/psi.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "log.h"
#include "procfs.h"
#include "psi.h"

/* procfs magic (linux/magic.h), to refuse arming a trigger on a fixture. */
#define AG_PROC_SUPER_MAGIC 0x9fa0

/* Triggers to try, best first (see psi.h): the trigger, then the same
 * ratio over a window the kernel accepts from an unprivileged writer. */
static const unsigned long long psi_triggers[][2] = {
    { AG_PSI_TRIG_STALL_US, AG_PSI_TRIG_WINDOW_US },
    { AG_PSI_TRIG_FALLBACK * AG_PSI_TRIG_STALL_US,
      AG_PSI_TRIG_FALLBACK *AG_PSI_TRIG_WINDOW_US },
};

int
ag_psi_open(const char *root)
{
    char path[PATH_MAX];
    struct statfs sfs;
    int fd, n, saved;

    n = snprintf(path, sizeof(path), "%s/%s", root, XB_PROC_PSI_MEMORY);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0)
        return -1;
    if (fstatfs(fd, &sfs) < 0)
        goto fail;
    if (sfs.f_type != AG_PROC_SUPER_MAGIC) {
        errno = ENOTSUP;
        goto fail;
    }
    for (size_t i = 0; i < sizeof(psi_triggers) / sizeof(psi_triggers[0]);
         i++) {
        char trig[64];
        /* The kernel overwrites the last byte written with a NUL, so the
         * terminator must be part of the write. */
        size_t len = (size_t)snprintf(trig, sizeof(trig), "some %llu %llu",
                                      psi_triggers[i][0], psi_triggers[i][1]) +
                     1;

        if (write(fd, trig, len) == (ssize_t)len) {
            log_debug("psi trigger armed: %s", trig);
            return fd;
        }
        log_debug("psi trigger '%s' refused: %s", trig, strerror(errno));
    }
fail:
    saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

int
ag_psi_fired(short revents)
{
    if (revents & (POLLERR | POLLNVAL | POLLHUP))
        return -1;
    return (revents & POLLPRI) != 0;
}

void
ag_psi_close(int fd)
{
    if (fd >= 0)
        close(fd);
}
