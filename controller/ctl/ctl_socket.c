/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's setup and its peers (see control.h: ctl_listen):
 * the directory's and the old socket's checks, the group lookup, binding
 * under a umask with the right mode and owner, and the access a peer gets
 * from its credentials (root and our own uid read-write, the socket group
 * read-only, anyone else nothing).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "ctl_priv.h"
#include "quote.h"
#include "xmalloc.h"

/* Most supplementary groups looked at for a peer. */
#define CTL_MAX_GROUPS 1024

/*
 * Socket setup.
 */

static int
ctl_check_dir(const char *dir, gid_t gid, int has_group, char **cause)
{
    struct stat st;

    if (stat(dir, &st) != 0 && errno == ENOENT) {
        if (mkdir(dir, 0750) != 0) {
            xb_set_cause(cause, "cannot create socket directory %s: %s", dir,
                         strerror(errno));
            return -1;
        }
        if (has_group && chown(dir, (uid_t)-1, gid) != 0) {
            xb_set_cause(cause, "cannot chown socket directory %s: %s", dir,
                         strerror(errno));
            return -1;
        }
        if (chmod(dir, 0750) != 0) {
            xb_set_cause(cause, "cannot chmod socket directory %s: %s", dir,
                         strerror(errno));
            return -1;
        }
    }
    if (stat(dir, &st) != 0) {
        xb_set_cause(cause, "socket directory %s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        xb_set_cause(cause, "socket directory %s is not a directory", dir);
        return -1;
    }
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
        xb_set_cause(cause,
                     "socket directory %s is owned by uid %u, not root or "
                     "us; refusing to use it",
                     dir, (unsigned)st.st_uid);
        return -1;
    }
    /* Anyone who can write the directory can swap the socket for theirs. */
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
        xb_set_cause(cause,
                     "socket directory %s is %s-writable without the sticky "
                     "bit (mode %04o); refusing to use it",
                     dir, (st.st_mode & S_IWOTH) ? "world" : "group",
                     (unsigned)(st.st_mode & 07777));
        return -1;
    }
    return 0;
}

/* Removes a stale socket at path; refuses a live one or a non-socket. */
static int
ctl_clear_path(const char *path, const struct sockaddr_un *sun, char **cause)
{
    struct stat st;
    int fd, r;

    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        xb_set_cause(cause, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        xb_set_cause(cause,
                     "%s exists and is not a socket; refusing to "
                     "replace it",
                     path);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        xb_set_cause(cause, "socket: %s", strerror(errno));
        return -1;
    }
    r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
    close(fd);
    if (r == 0) {
        xb_set_cause(cause, "another daemon is already listening on %s", path);
        return -1;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        xb_set_cause(cause, "cannot remove stale socket %s: %s", path,
                     strerror(errno));
        return -1;
    }
    return 0;
}

int
ctl_lookup_group(const char *group, gid_t *gid, char **cause)
{
    struct group *gr;

    errno = 0;
    gr = getgrnam(group);
    if (gr == NULL) {
        xb_set_cause(cause, "unknown socket group '%s'", group);
        return -1;
    }
    *gid = gr->gr_gid;
    return 0;
}

int
ctl_listen(const char *path, const char *group, char **cause)
{
    struct sockaddr_un sun;
    char *dir = NULL, *slash;
    int has_group = group != NULL && *group != '\0';
    gid_t gid = 0;
    mode_t old;
    int fd = -1, r;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (path == NULL || *path == '\0' || strlen(path) >= sizeof(sun.sun_path)) {
        xb_set_cause(cause, "bad control socket path '%s' (at most %zu bytes)",
                     path != NULL ? path : "", sizeof(sun.sun_path) - 1);
        return -1;
    }
    memcpy(sun.sun_path, path, strlen(path));
    if (has_group && ctl_lookup_group(group, &gid, cause) != 0)
        return -1;

    dir = xb_strdup(path);
    slash = strrchr(dir, '/');
    if (slash == NULL) {
        free(dir);
        dir = xb_strdup(".");
    } else if (slash == dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    if (ctl_check_dir(dir, gid, has_group, cause) != 0)
        goto fail;
    if (ctl_clear_path(path, &sun, cause) != 0)
        goto fail;

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd == -1) {
        xb_set_cause(cause, "socket: %s", strerror(errno));
        goto fail;
    }
    /* Never a moment with a socket more open than it will end up. */
    old = umask(has_group ? 0117 : 0177);
    r = bind(fd, (const struct sockaddr *)&sun, sizeof(sun));
    umask(old);
    if (r != 0) {
        xb_set_cause(cause, "bind %s: %s", path, strerror(errno));
        goto fail;
    }
    if (chmod(path, has_group ? 0660 : 0600) != 0) {
        xb_set_cause(cause, "chmod %s: %s", path, strerror(errno));
        goto fail_unlink;
    }
    if (has_group && chown(path, (uid_t)-1, gid) != 0) {
        xb_set_cause(cause, "chown %s to group %s: %s", path, group,
                     strerror(errno));
        goto fail_unlink;
    }
    if (listen(fd, 16) != 0) {
        xb_set_cause(cause, "listen %s: %s", path, strerror(errno));
        goto fail_unlink;
    }
    free(dir);
    return fd;
fail_unlink:
    unlink(path);
fail:
    if (fd != -1)
        close(fd);
    free(dir);
    return -1;
}

/*
 * Peers.
 */

static int
ctl_uid_in_group(uid_t uid, gid_t primary, gid_t gid)
{
    gid_t *groups;
    int n = CTL_MAX_GROUPS, in = 0;
    struct passwd *pw;

    if (primary == gid)
        return 1;
    pw = getpwuid(uid);
    if (pw == NULL)
        return 0;
    groups = xb_calloc((size_t)n, sizeof(*groups));
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) >= 0) {
        for (int i = 0; i < n && !in; i++)
            in = groups[i] == gid;
    }
    free(groups);
    return in;
}

enum proto_access
ctl_peer_access(struct ctl_server *srv, struct ctl_client *c, int fd)
{
    struct ucred cr;
    socklen_t len = sizeof(cr);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) {
        log_warn("control: SO_PEERCRED");
        return PROTO_ACCESS_NONE;
    }
    c->uid = cr.uid;
    c->pid = cr.pid;
    if (srv->force_access >= 0)
        return (enum proto_access)srv->force_access;
    if (cr.uid == 0 || cr.uid == geteuid())
        return PROTO_ACCESS_RW;
    if (srv->has_group && ctl_uid_in_group(cr.uid, cr.gid, srv->gid))
        return PROTO_ACCESS_RO;
    return PROTO_ACCESS_NONE;
}
