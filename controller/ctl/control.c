/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control server (see control.h): the libevent listener on the socket
 * ctl_socket.c sets up, accepting clients (at most CTL_MAX_CLIENTS, each
 * with its access from its credentials and a greeting), a pause after
 * accept() fails, and the server's lifecycle.  Each client's connection
 * and requests are ctl_client.c's.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "control.h"
#include "ctl_priv.h"
#include "xmalloc.h"

/* Pause before accepting again after accept() failed (EMFILE ...), ms. */
#define CTL_ACCEPT_RETRY_MS 1000

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
