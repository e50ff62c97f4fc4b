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

/*
 * Triggers to try, best first: "some" stall of 150 ms within 1 s (15% of
 * a second lost to reclaim or swap-in is distress worth telling dom0 about
 * at once).  Since Linux 6.5 a trigger without CAP_SYS_RESOURCE needs a
 * window that is a multiple of 2 s, so the fallback keeps the same 15%
 * over 2 s.
 */
static const char *const psi_triggers[] = {
    "some 150000 1000000",
    "some 300000 2000000",
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
        /* The kernel overwrites the last byte written with a NUL, so the
         * terminator must be part of the write. */
        size_t len = strlen(psi_triggers[i]) + 1;

        if (write(fd, psi_triggers[i], len) == (ssize_t)len) {
            log_debug("psi trigger armed: %s", psi_triggers[i]);
            return fd;
        }
        log_debug("psi trigger '%s' refused: %s", psi_triggers[i],
                  strerror(errno));
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
