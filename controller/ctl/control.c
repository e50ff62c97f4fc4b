/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control server (see control.h): socket setup, the libevent listener,
 * one bufferevent per client with a request line cap, peer credentials,
 * read-only/read-write access, dispatch through the command table, and
 * monitor streaming with a bounded backlog.  Nothing a client sends can
 * stop the daemon: every failure is an error reply or a disconnect.
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

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "cmd.h"
#include "compat/queue.h"
#include "control.h"
#include "daemon.h"
#include "quote.h"
#include "xmalloc.h"

/* Pause before accepting again after accept() failed (EMFILE ...), ms. */
#define CTL_ACCEPT_RETRY_MS 1000
/* After an error that ends a connection, how long to keep swallowing what
 * the peer still sends before closing, ms.  Closing a Unix socket with
 * unread input resets it, and the peer might never see our error. */
#define CTL_LINGER_MS 1000
/* A client that sends nothing for this long is dropped, ms, so idle
 * connections cannot hold every CTL_MAX_CLIENTS slot.  Monitors are
 * exempt: they are quiet by design. */
#define CTL_IDLE_MS (5 * 60 * 1000)
/* Most supplementary groups looked at for a peer. */
#define CTL_MAX_GROUPS 1024

struct ctl_client {
    struct ctl_server *srv;
    struct bufferevent *bev;
    struct event *ev_close; /* deferred free, see ctl_client_kill */
    enum proto_access access;
    uid_t uid;
    pid_t pid;
    int closing;        /* no more requests; linger once the output is sent */
    int lingering;      /* output sent and shut; discarding input until EOF */
    int monitoring;     /* subscribed to daemon events */
    int waiting;        /* a reserve --wait reply is due (no more requests) */
    long long wait_req; /* its request id */
    int throttled;      /* reading paused until the output drains */
    TAILQ_ENTRY(ctl_client) entry;
};
TAILQ_HEAD(ctl_clients, ctl_client);

struct ctl_server {
    struct event_base *base;
    struct xb_daemon *d;
    struct evconnlistener *lev;
    struct event *ev_retry;
    char *path;
    gid_t gid;
    int has_group;
    int force_access; /* -1, or the access every peer gets (tests) */
    struct ctl_clients clients;
    unsigned nclients;
};

static void ctl_client_free(struct ctl_client *c);

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

static int
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

static enum proto_access
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

static void
ctl_send(struct ctl_client *c, json_t *msg)
{
    size_t len;
    char *line;

    line = proto_encode(msg, &len);
    json_decref(msg);
    bufferevent_write(c->bev, line, len);
    free(line);
}

/* The output is out: shut our side and wait (briefly) for the peer's EOF,
 * discarding whatever it still sends. */
static void
ctl_client_linger(struct ctl_client *c)
{
    struct timeval tv = { CTL_LINGER_MS / 1000, (CTL_LINGER_MS % 1000) * 1000 };

    c->lingering = 1;
    /* Nothing read from now on is kept: drop the input and its cap, or a
     * full buffer would leave reading suspended and the peer stuck. */
    evbuffer_drain(bufferevent_get_input(c->bev),
                   evbuffer_get_length(bufferevent_get_input(c->bev)));
    bufferevent_setwatermark(c->bev, EV_READ, 0, 0);
    shutdown(bufferevent_getfd(c->bev), SHUT_WR);
    bufferevent_disable(c->bev, EV_WRITE);
    bufferevent_set_timeouts(c->bev, &tv, NULL);
    bufferevent_enable(c->bev, EV_READ);
}

/* Stops taking requests; the client goes once its output is written. */
static void
ctl_client_close(struct ctl_client *c)
{
    c->closing = 1;
    bufferevent_disable(c->bev, EV_READ);
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
        ctl_client_linger(c);
}

/* Drops the client from the next loop iteration: safe from inside a
 * daemon callback, which must not see the subscriber list change. */
static void
ctl_client_kill(struct ctl_client *c)
{
    c->closing = 1;
    bufferevent_disable(c->bev, EV_READ | EV_WRITE);
    event_active(c->ev_close, EV_TIMEOUT, 0);
}

static void
ctl_monitor_cb(void *arg, json_t *event)
{
    struct ctl_client *c = arg;
    size_t backlog;

    if (c->closing)
        return;
    backlog = evbuffer_get_length(bufferevent_get_output(c->bev));
    if (backlog > CTL_MONITOR_BACKLOG) {
        log_warnx("control: uid %u pid %d: monitor fell %zu bytes behind, "
                  "disconnecting",
                  (unsigned)c->uid, (int)c->pid, backlog);
        ctl_client_kill(c);
        return;
    }
    ctl_send(c, json_incref(event));
}

/* The daemon's answer to a waiting reserve: the reply that was held. */
static void
ctl_hold_cb(void *arg, json_t *result, const char *error)
{
    struct ctl_client *c = arg;

    c->waiting = 0;
    if (c->closing) {
        json_decref(result);
        return;
    }
    if (result != NULL)
        ctl_send(c, proto_reply_ok(c->wait_req, result));
    else
        ctl_send(c, proto_reply_error(c->wait_req, "%s", error));
}

/* Holds the reply until the hold is met or its wait runs out.  Further
 * requests wait in the input buffer (within its cap); the client going
 * away (EOF) drops the hold, for a launcher that gave up wants nothing
 * held. */
static void
ctl_wait(struct ctl_client *c, struct proto_request *req, json_t *result)
{
    json_int_t id = json_integer_value(json_object_get(result, "id"));
    uint64_t wait_ms = cmd_reserve_wait_ms(req->args);

    c->waiting = 1;
    c->wait_req = req->id;
    bufferevent_set_timeouts(c->bev, NULL, NULL);
    if (dmn_hold_wait(c->srv->d, (unsigned)id, wait_ms, ctl_hold_cb, c) < 0)
        ctl_hold_cb(c, NULL, "the hold is gone");
    json_decref(result);
}

/*
 * Requests.
 */

static void
ctl_dispatch(struct ctl_client *c, struct proto_request *req)
{
    struct ctl_server *srv = c->srv;
    const struct cmd_entry *ce;
    char *cause = NULL;
    json_t *result;
    int write;

    ce = cmd_find(req->cmd);
    if (ce == NULL || ce->exec == NULL) {
        char *q = xb_quote(req->cmd);

        ctl_send(c, proto_reply_error(req->id, "unknown command %s", q));
        free(q);
        return;
    }
    write = cmd_is_write(ce, req->args);
    if (write && c->access != PROTO_ACCESS_RW) {
        ctl_send(c, proto_reply_error(req->id,
                                      "permission denied: '%s' needs root",
                                      ce->name));
        return;
    }
    result = ce->exec(srv->d, req->args, &cause);
    if (result == NULL) {
        if (write)
            log_info("control: uid %u: %s refused: %s", (unsigned)c->uid,
                     ce->name, cause != NULL ? cause : "failed");
        ctl_send(c, proto_reply_error(req->id, "%s",
                                      cause != NULL ? cause : "failed"));
        free(cause);
        return;
    }
    if (write)
        log_info("control: uid %u: %s done", (unsigned)c->uid, ce->name);
    if ((ce->flags & CMD_WAIT) && cmd_reserve_wait_ms(req->args) > 0) {
        ctl_wait(c, req, result);
        return;
    }
    ctl_send(c, proto_reply_ok(req->id, result));
    if ((ce->flags & CMD_STREAM) && !c->monitoring) {
        c->monitoring = 1;
        bufferevent_set_timeouts(c->bev, NULL, NULL);
        dmn_monitor_add(srv->d, ctl_monitor_cb, c);
    }
}

static void
ctl_handle_line(struct ctl_client *c, const char *line, size_t len)
{
    struct proto_request req;
    char *cause = NULL;
    int r;

    r = proto_decode_request(line, len, &req, &cause);
    if (r != 0) {
        ctl_send(c, proto_reply_error(req.id, "bad request: %s", cause));
        free(cause);
        proto_request_dispose(&req);
        if (r == -1)
            ctl_client_close(c);
        return;
    }
    ctl_dispatch(c, &req);
    proto_request_dispose(&req);
}

static void
ctl_too_long(struct ctl_client *c)
{
    ctl_send(c, proto_reply_error(-1,
                                  "bad request: line too long (limit "
                                  "%d bytes)",
                                  XB_PROTO_REQ_MAX));
    ctl_client_close(c);
}

static void
ctl_read_cb(struct bufferevent *bev, void *arg)
{
    struct ctl_client *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    size_t len;
    char *line;

    if (c->lingering) {
        evbuffer_drain(in, evbuffer_get_length(in));
        return;
    }
    while (!c->closing && !c->waiting) {
        line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
        if (line == NULL)
            break;
        if (len > XB_PROTO_REQ_MAX) {
            free(line);
            ctl_too_long(c);
            return;
        }
        ctl_handle_line(c, line, len);
        free(line);
    }
    if (c->closing)
        return;
    /* What is left is an unfinished line: it may not outgrow the cap. */
    if (evbuffer_get_length(in) > XB_PROTO_REQ_MAX) {
        ctl_too_long(c);
        return;
    }
    /* A client that sends requests without reading the replies waits. */
    if (evbuffer_get_length(bufferevent_get_output(bev)) >
        CTL_MONITOR_BACKLOG) {
        c->throttled = 1;
        bufferevent_disable(bev, EV_READ);
    }
}

static void
ctl_write_cb(struct bufferevent *bev, void *arg)
{
    struct ctl_client *c = arg;

    /* Called when the output buffer has drained. */
    if (c->closing) {
        if (!c->lingering)
            ctl_client_linger(c);
        return;
    }
    if (c->throttled) {
        c->throttled = 0;
        bufferevent_enable(bev, EV_READ);
    }
}

static void
ctl_event_cb(struct bufferevent *bev, short what, void *arg)
{
    struct ctl_client *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    size_t len;
    char *line;

    if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) && !c->closing &&
        !c->monitoring && !c->waiting) {
        /* A last request without its '\n' still counts, and replies still
         * in flight are sent before closing (a half-closed peer). */
        len = evbuffer_get_length(in);
        if (len > 0 && len <= XB_PROTO_REQ_MAX) {
            line = (char *)evbuffer_pullup(in, -1);
            ctl_handle_line(c, line, len);
            evbuffer_drain(in, len);
        }
        ctl_client_close(c);
        return;
    }
    ctl_client_free(c);
}

static void
ctl_close_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    ctl_client_free(arg);
}

static void
ctl_client_free(struct ctl_client *c)
{
    struct ctl_server *srv = c->srv;

    if (c->monitoring)
        dmn_monitor_remove(srv->d, ctl_monitor_cb, c);
    if (c->waiting)
        dmn_hold_unwait(srv->d, ctl_hold_cb, c);
    TAILQ_REMOVE(&srv->clients, c, entry);
    srv->nclients--;
    bufferevent_free(c->bev);
    event_free(c->ev_close);
    free(c);
}

static void
ctl_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
              struct sockaddr *sa, int salen, void *arg)
{
    struct ctl_server *srv = arg;
    struct timeval idle = { CTL_IDLE_MS / 1000, (CTL_IDLE_MS % 1000) * 1000 };
    struct ctl_client *c;

    (void)lev;
    (void)sa;
    (void)salen;
    c = xb_calloc(1, sizeof(*c));
    c->srv = srv;
    c->uid = (uid_t)-1;
    c->pid = -1;
    c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
    c->ev_close = event_new(srv->base, -1, 0, ctl_close_cb, c);
    if (c->bev == NULL || c->ev_close == NULL)
        fatalx("%s: cannot allocate client events", __func__);
    TAILQ_INSERT_TAIL(&srv->clients, c, entry);
    srv->nclients++;
    bufferevent_setcb(c->bev, ctl_read_cb, ctl_write_cb, ctl_event_cb, c);
    /* Never buffer more than one maximal request line (and its '\n'). */
    bufferevent_setwatermark(c->bev, EV_READ, 0, XB_PROTO_REQ_MAX + 2);

    c->access = ctl_peer_access(srv, c, fd);
    if (srv->nclients > CTL_MAX_CLIENTS) {
        log_warnx("control: too many clients, refusing uid %u pid %d",
                  (unsigned)c->uid, (int)c->pid);
        ctl_send(c, proto_reply_error(-1, "too many clients"));
        ctl_client_close(c);
        return;
    }
    if (c->access == PROTO_ACCESS_NONE) {
        log_info("control: uid %u pid %d refused", (unsigned)c->uid,
                 (int)c->pid);
        ctl_send(c, proto_reply_error(-1, "permission denied"));
        ctl_client_close(c);
        return;
    }
    log_debug("control: uid %u pid %d connected (%s)", (unsigned)c->uid,
              (int)c->pid, proto_access_name(c->access));
    bufferevent_set_timeouts(c->bev, &idle, NULL);
    ctl_send(c, proto_greeting(c->access));
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
ctl_retry_cb(evutil_socket_t fd, short what, void *arg)
{
    struct ctl_server *srv = arg;

    (void)fd;
    (void)what;
    evconnlistener_enable(srv->lev);
}

static void
ctl_accept_error_cb(struct evconnlistener *lev, void *arg)
{
    struct ctl_server *srv = arg;
    struct timeval tv = { CTL_ACCEPT_RETRY_MS / 1000,
                          (CTL_ACCEPT_RETRY_MS % 1000) * 1000 };

    /* Out of descriptors: stop accepting for a moment instead of
     * spinning on a listener that stays readable. */
    log_warn("control: accept");
    evconnlistener_disable(lev);
    evtimer_add(srv->ev_retry, &tv);
}

struct ctl_server *
ctl_server_create(struct event_base *base, struct xb_daemon *d,
                  const char *path, const char *group, char **cause)
{
    struct ctl_server *srv;
    int fd;

    fd = ctl_listen(path, group, cause);
    if (fd == -1)
        return NULL;
    srv = xb_calloc(1, sizeof(*srv));
    srv->base = base;
    srv->d = d;
    srv->path = xb_strdup(path);
    srv->force_access = -1;
    TAILQ_INIT(&srv->clients);
    if (group != NULL && *group != '\0' &&
        ctl_lookup_group(group, &srv->gid, cause) == 0)
        srv->has_group = 1;
    srv->ev_retry = evtimer_new(base, ctl_retry_cb, srv);
    srv->lev = evconnlistener_new(base, ctl_accept_cb, srv,
                                  LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
                                  -1, fd);
    if (srv->lev == NULL || srv->ev_retry == NULL) {
        xb_set_cause(cause, "cannot listen on %s: libevent failed", path);
        if (srv->lev == NULL)
            close(fd);
        ctl_server_destroy(srv);
        return NULL;
    }
    evconnlistener_set_error_cb(srv->lev, ctl_accept_error_cb);
    log_info("control: listening on %s%s%s", path,
             srv->has_group ? ", read-only for group " : "",
             srv->has_group ? group : "");
    return srv;
}

void
ctl_server_destroy(struct ctl_server *srv)
{
    struct ctl_client *c, *tmp;

    if (srv == NULL)
        return;
    TAILQ_FOREACH_SAFE(c, &srv->clients, entry, tmp) {
        ctl_client_free(c);
    }
    if (srv->lev != NULL) {
        evconnlistener_free(srv->lev);
        unlink(srv->path);
    }
    if (srv->ev_retry != NULL)
        event_free(srv->ev_retry);
    free(srv->path);
    free(srv);
}

unsigned
ctl_server_clients(const struct ctl_server *srv)
{
    return srv->nclients;
}

void
ctl_server_force_access(struct ctl_server *srv, int access)
{
    srv->force_access = access;
}
