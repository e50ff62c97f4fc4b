/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Blocking control-socket client (see client.h).  Reads go through one
 * growing buffer so a reply of any size up to XB_PROTO_REPLY_MAX fits;
 * every wait is a poll() with a deadline.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "xmalloc.h"

struct ctl_conn {
    int fd;
    int timeout_ms;
    char *buf; /* received bytes; [0, used) */
    size_t used;
    size_t cap;
    size_t consumed; /* bytes of buf handed out by the last readline */
    long long next_id;
    struct proto_greeting greeting;
};

static long long
ctl_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
ctl_conn_readline(struct ctl_conn *conn, int timeout_ms, const char **line_r,
                  size_t *len_r, char **cause)
{
    long long deadline = timeout_ms < 0 ? -1 : ctl_now_ms() + timeout_ms;
    struct pollfd pfd = { .fd = conn->fd, .events = POLLIN };
    size_t scanned = 0;
    char *nl;
    ssize_t n;
    int wait, r;

    /* Drop the line handed out last time. */
    if (conn->consumed > 0) {
        memmove(conn->buf, conn->buf + conn->consumed,
                conn->used - conn->consumed);
        conn->used -= conn->consumed;
        conn->consumed = 0;
    }
    for (;;) {
        nl = NULL;
        if (conn->used > scanned)
            nl = memchr(conn->buf + scanned, '\n', conn->used - scanned);
        if (nl != NULL) {
            *nl = '\0';
            *line_r = conn->buf;
            *len_r = (size_t)(nl - conn->buf);
            conn->consumed = *len_r + 1;
            return 0;
        }
        scanned = conn->used;
        if (conn->used > XB_PROTO_REPLY_MAX) {
            xb_set_cause(cause, "reply too long (limit %d bytes)",
                         XB_PROTO_REPLY_MAX);
            return -1;
        }
        if (conn->cap - conn->used < 4096) {
            conn->cap = conn->cap == 0 ? 65536 : conn->cap * 2;
            conn->buf = xb_reallocarray(conn->buf, conn->cap, 1);
        }
        wait = -1;
        if (deadline >= 0) {
            long long left = deadline - ctl_now_ms();
            wait = left > 0 ? (int)left : 0;
        }
        r = poll(&pfd, 1, wait);
        if (r == -1) {
            xb_set_cause(cause, "poll: %s", strerror(errno));
            return -1;
        }
        if (r == 0) {
            xb_set_cause(cause, "timed out waiting for the daemon");
            return -1;
        }
        n = read(conn->fd, conn->buf + conn->used, conn->cap - conn->used - 1);
        if (n == -1) {
            if (errno == EAGAIN)
                continue;
            xb_set_cause(cause, "read: %s", strerror(errno));
            return -1;
        }
        if (n == 0)
            return 1;
        conn->used += (size_t)n;
    }
}

static int
ctl_write_all(int fd, const char *p, size_t len, char **cause)
{
    ssize_t n;

    while (len > 0) {
        n = send(fd, p, len, MSG_NOSIGNAL);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            xb_set_cause(cause, "write: %s", strerror(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int
ctl_conn_open(const char *path, int timeout_ms, struct ctl_conn **conn_r,
              char **cause)
{
    struct sockaddr_un sun;
    struct ctl_conn *conn;
    const char *line;
    char *why = NULL;
    size_t len;
    int r, refused;

    *conn_r = NULL;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        xb_set_cause(cause, "socket path too long: %s", path);
        return CLIENT_UNREACHABLE;
    }
    memcpy(sun.sun_path, path, strlen(path));

    conn = xb_calloc(1, sizeof(*conn));
    conn->timeout_ms = timeout_ms;
    conn->next_id = 1;
    conn->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (conn->fd == -1) {
        xb_set_cause(cause, "socket: %s", strerror(errno));
        goto unreachable;
    }
    if (connect(conn->fd, (const struct sockaddr *)&sun, sizeof(sun)) != 0) {
        xb_set_cause(cause,
                     "cannot connect to %s: %s (is the daemon "
                     "running?)",
                     path, strerror(errno));
        goto unreachable;
    }
    r = ctl_conn_readline(conn, timeout_ms, &line, &len, &why);
    if (r != 0) {
        xb_set_cause(cause, "no greeting from %s: %s", path,
                     r == 1 ? "connection closed" : why);
        free(why);
        goto unreachable;
    }
    if (proto_decode_greeting(line, len, &conn->greeting, &refused, &why) !=
        0) {
        xb_set_cause(cause, "%s%s", refused ? "daemon refused us: " : "", why);
        free(why);
        ctl_conn_close(conn);
        return refused ? CLIENT_FAILED : CLIENT_UNREACHABLE;
    }
    *conn_r = conn;
    return CLIENT_OK;
unreachable:
    ctl_conn_close(conn);
    return CLIENT_UNREACHABLE;
}

void
ctl_conn_close(struct ctl_conn *conn)
{
    if (conn == NULL)
        return;
    if (conn->fd != -1)
        close(conn->fd);
    proto_greeting_dispose(&conn->greeting);
    free(conn->buf);
    free(conn);
}

const struct proto_greeting *
ctl_conn_greeting(const struct ctl_conn *conn)
{
    return &conn->greeting;
}

int
ctl_conn_call(struct ctl_conn *conn, const char *cmd, const json_t *args,
              json_t **result_r, char **cause)
{
    long long id = conn->next_id++, rid;
    json_t *req, *res;
    char *line_out, *err, *why = NULL;
    const char *line;
    size_t len;
    int r, ok;

    *result_r = NULL;
    req = proto_request(id, cmd, args);
    line_out = proto_encode(req, &len);
    json_decref(req);
    r = ctl_write_all(conn->fd, line_out, len, cause);
    free(line_out);
    if (r != 0)
        return CLIENT_FAILED;

    for (;;) {
        r = ctl_conn_readline(conn, conn->timeout_ms, &line, &len, &why);
        if (r != 0) {
            xb_set_cause(cause, "%s",
                         r == 1 ? "the daemon closed the connection" : why);
            free(why);
            return CLIENT_FAILED;
        }
        r = proto_decode_reply(line, len, &rid, &ok, &res, &err, &why);
        if (r == 1) {
            json_decref(res); /* an event for an earlier monitor */
            continue;
        }
        if (r != 0) {
            xb_set_cause(cause, "bad reply from the daemon: %s", why);
            free(why);
            return CLIENT_FAILED;
        }
        /* A reply with no id answers a line the server could not read. */
        if (rid != id && rid != -1) {
            json_decref(res);
            free(err);
            continue;
        }
        if (!ok) {
            xb_set_cause(cause, "%s", err);
            free(err);
            return CLIENT_FAILED;
        }
        *result_r = res;
        return CLIENT_OK;
    }
}
