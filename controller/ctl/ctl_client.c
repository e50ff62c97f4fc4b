/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One control client: its bufferevent with a request line cap, requests
 * decoded and dispatched through the command table (cmd.h) with its
 * access checked, replies, monitor streaming with a bounded backlog, the
 * wait for a hold, idle timeouts and a lingering close so that the peer
 * sees our last error.  Nothing a client sends can stop the daemon: every
 * failure is an error reply or a disconnect.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cmd.h"
#include "control.h"
#include "ctl_priv.h"
#include "daemon.h"
#include "quote.h"
#include "xmalloc.h"

void
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
void
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

void
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

void
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

void
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

void
ctl_close_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    ctl_client_free(arg);
}

void
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
