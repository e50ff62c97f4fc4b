/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control server's state, shared between its files: the listening
 * side (control.c), the socket setup and peer credentials (ctl_socket.c)
 * and each client's connection and requests (ctl_client.c).  Only ctl/
 * includes this header; the daemon starts the server through control.h.
 */
#ifndef XB_CTL_CTL_PRIV_H
#define XB_CTL_CTL_PRIV_H

#include <sys/types.h>

#include <event2/util.h>
#include <jansson.h>

#include "compat/queue.h"
#include "proto.h"

/* After an error that ends a connection, how long to keep swallowing what
 * the peer still sends before closing, ms.  Closing a Unix socket with
 * unread input resets it, and the peer might never see our error. */
#define CTL_LINGER_MS 1000
/* A client that sends nothing for this long is dropped, ms, so idle
 * connections cannot hold every CTL_MAX_CLIENTS slot.  Monitors are
 * exempt: they are quiet by design. */
#define CTL_IDLE_MS (5 * 60 * 1000)

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

/* Socket setup and peers (ctl_socket.c): a group's gid; the access a new
 * peer gets from its credentials (SO_PEERCRED), noting its uid and pid. */
int ctl_lookup_group(const char *group, gid_t *gid, char **cause);
enum proto_access ctl_peer_access(struct ctl_server *srv, struct ctl_client *c,
                                  int fd);

/* Clients (ctl_client.c): sends one message (steals the reference);
 * closes after the output is sent; frees at once; the bufferevent and
 * deferred-close callbacks. */
void ctl_send(struct ctl_client *c, json_t *msg);
void ctl_client_close(struct ctl_client *c);
void ctl_client_free(struct ctl_client *c);
void ctl_read_cb(struct bufferevent *bev, void *arg);
void ctl_write_cb(struct bufferevent *bev, void *arg);
void ctl_event_cb(struct bufferevent *bev, short what, void *arg);
void ctl_close_cb(evutil_socket_t fd, short what, void *arg);

#endif
