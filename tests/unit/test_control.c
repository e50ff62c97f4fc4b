/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control server over a real Unix socket in a temporary directory,
 * against the fake daemon.  Raw peers drive the server in-process (the test
 * pumps the event loop), so the server's state can be checked after every
 * step; the client library and cli_main() talk to a server forked into a
 * child.  Socket setup refusals are checked on real directories.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cli.h"
#include "cmd.h"
#include "client.h"
#include "control.h"
#include "fake_daemon.h"

#define PUMP_MS 3000 /* longest wait for anything in a test */

static char tmpdir[64];
static char sockpath[96];
static struct event_base *base;
static struct xb_daemon *dmn;
static struct ctl_server *srv;
static pid_t server_pid = -1;

static void
setup(void)
{
    char *cause = NULL;

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/xbctl.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(sockpath, sizeof(sockpath), "%s/ctl.sock", tmpdir);
    base = event_base_new();
    dmn = fake_daemon_create();
    srv = ctl_server_create(base, dmn, sockpath, NULL, &cause);
    ck_assert_msg(srv != NULL, "%s", cause);
}

static void
teardown(void)
{
    char cmd[160];

    if (server_pid > 0) {
        kill(server_pid, SIGKILL);
        waitpid(server_pid, NULL, 0);
        server_pid = -1;
    }
    ctl_server_destroy(srv);
    fake_daemon_destroy(dmn);
    event_base_free(base);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pump(void)
{
    event_base_loop(base, EVLOOP_NONBLOCK);
}

/*
 * A raw peer: bytes in, lines out, with the server's loop pumped while
 * waiting.
 */
struct peer {
    int fd;
    char *buf;
    size_t used, cap;
    int eof; /* 1 clean EOF, -1 reset */
};

static void
peer_open_at(struct peer *p, const char *path)
{
    struct sockaddr_un sun;

    memset(p, 0, sizeof(*p));
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    p->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(p->fd, 0);
    ck_assert_int_eq(connect(p->fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    p->cap = 1 << 16;
    p->buf = malloc(p->cap);
}

static void
peer_close(struct peer *p)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    free(p->buf);
    p->buf = NULL;
}

static void
peer_send(struct peer *p, const char *s, size_t len)
{
    ssize_t n;

    while (len > 0) {
        n = send(p->fd, s, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EAGAIN) {
            pump();
            continue;
        }
        ck_assert_int_gt(n, 0);
        s += n;
        len -= (size_t)n;
    }
}

static void
peer_sends(struct peer *p, const char *s)
{
    peer_send(p, s, strlen(s));
}

/* Reads what is there without blocking; returns 0 on EOF. */
static int
peer_fill(struct peer *p)
{
    struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
    ssize_t n;

    pump();
    if (poll(&pfd, 1, 5) <= 0)
        return 1;
    if (p->cap - p->used < 4096) {
        p->cap *= 2;
        p->buf = realloc(p->buf, p->cap);
    }
    n = read(p->fd, p->buf + p->used, p->cap - p->used);
    if (n <= 0) {
        /* A reset (the server closed with our input unread) is not the
         * clean end the server promises after an error reply. */
        p->eof = n == 0 ? 1 : -1;
        return 0;
    }
    p->used += (size_t)n;
    return 1;
}

/* The next line as JSON (new reference), or NULL at EOF. */
static json_t *
peer_json(struct peer *p)
{
    long long deadline = now_ms() + PUMP_MS;
    json_error_t err;
    char *nl;
    json_t *v;

    for (;;) {
        nl = memchr(p->buf, '\n', p->used);
        if (nl != NULL) {
            v = json_loadb(p->buf, (size_t)(nl - p->buf), 0, &err);
            ck_assert_msg(v != NULL, "bad line from server: %s", err.text);
            p->used -= (size_t)(nl + 1 - p->buf);
            memmove(p->buf, nl + 1, p->used);
            return v;
        }
        if (p->eof || !peer_fill(p))
            return NULL;
        ck_assert_msg(now_ms() < deadline, "no line from the server");
    }
}

static int
peer_sees_eof(struct peer *p)
{
    long long deadline = now_ms() + PUMP_MS;

    while (now_ms() < deadline) {
        if (p->eof || !peer_fill(p))
            return p->eof == 1;
    }
    return 0;
}

static json_t *
peer_greeting(struct peer *p, const char *access)
{
    json_t *g = peer_json(p);

    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(json_integer_value(json_object_get(g, "protocol")),
                     XB_PROTO_VERSION);
    ck_assert_str_eq(json_string_value(json_object_get(g, "access")), access);
    return g;
}

static void
peer_open(struct peer *p, const char *access)
{
    peer_open_at(p, sockpath);
    json_decref(peer_greeting(p, access));
}

/* One request, its reply (new reference); asserts the id matches. */
static json_t *
peer_call(struct peer *p, long long id, const char *line)
{
    json_t *r;

    peer_sends(p, line);
    r = peer_json(p);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), id);
    return r;
}

static void
assert_error(json_t *r, const char *why)
{
    const char *e = json_string_value(json_object_get(r, "error"));

    ck_assert(json_is_false(json_object_get(r, "ok")));
    ck_assert_msg(e != NULL && strstr(e, why) != NULL, "error '%s', want '%s'",
                  e, why);
}

static void
wait_clients(unsigned n)
{
    long long deadline = now_ms() + PUMP_MS;

    while (ctl_server_clients(srv) != n && now_ms() < deadline) {
        pump();
        usleep(1000);
    }
    ck_assert_uint_eq(ctl_server_clients(srv), n);
}

/*
 * In-process server tests.
 */

START_TEST(test_status_roundtrip)
{
    struct peer p;
    json_t *r, *res;

    peer_open(&p, "rw");
    r = peer_call(&p, 7, "{\"id\":7,\"cmd\":\"status\"}\n");
    ck_assert(json_is_true(json_object_get(r, "ok")));
    res = json_object_get(r, "result");
    ck_assert_int_eq(json_array_size(json_object_get(res, "domains")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(res, "policy")),
                     "proportional");
    json_decref(r);
    ck_assert_uint_eq(ctl_server_clients(srv), 1);
    peer_close(&p);
    wait_clients(0);
}
END_TEST

START_TEST(test_socket_mode)
{
    struct stat st;

    ck_assert_int_eq(stat(sockpath, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07777, 0600); /* no group: root's */
}
END_TEST

START_TEST(test_mutations)
{
    struct peer p;
    json_t *r;

    peer_open(&p, "rw");
    r = peer_call(&p, 1,
                  "{\"id\":1,\"cmd\":\"set\",\"args\":{\"domain\":"
                  "\"web\",\"key\":\"max\",\"value\":\"2G\"}}\n");
    ck_assert(json_is_true(json_object_get(r, "ok")));
    ck_assert_str_eq(fake_daemon_last_set(dmn), "web max 2G");
    json_decref(r);

    r = peer_call(&p, 2, "{\"id\":2,\"cmd\":\"pause\"}\n");
    ck_assert(
        json_is_true(json_object_get(json_object_get(r, "result"), "paused")));
    ck_assert_int_eq(fake_daemon_paused(dmn), 1);
    json_decref(r);

    r = peer_call(&p, 3, "{\"id\":3,\"cmd\":\"resume\",\"args\":{}}\n");
    ck_assert_int_eq(fake_daemon_paused(dmn), 0);
    json_decref(r);

    r = peer_call(&p, 4,
                  "{\"id\":4,\"cmd\":\"policy\",\"args\":{\"name\":"
                  "\"pressure\",\"params\":{\"target\":0.5}}}\n");
    ck_assert(json_is_true(json_object_get(r, "ok")));
    ck_assert_str_eq(fake_daemon_policy(dmn), "pressure");
    json_decref(r);

    fake_daemon_break_config(dmn, 1);
    r = peer_call(&p, 5, "{\"id\":5,\"cmd\":\"reload\"}\n");
    assert_error(r, "3:5: unexpected token; keeping the running");
    json_decref(r);

    /* A failed request leaves the connection usable. */
    r = peer_call(&p, 6,
                  "{\"id\":6,\"cmd\":\"reserve\",\"args\":"
                  "{\"size_kb\":4096,\"for_s\":30}}\n");
    ck_assert_int_eq(json_integer_value(json_object_get(
                         json_object_get(r, "result"), "expires_in_ms")),
                     30000);
    json_decref(r);
    peer_close(&p);
}
END_TEST

START_TEST(test_readonly_peer)
{
    static const char *const refused[] = {
        ("{\"id\":1,\"cmd\":\"set\",\"args\":{\"domain\":\"web\",\"key\":"
         "\"max\",\"value\":\"2G\"}}\n"),
        "{\"id\":1,\"cmd\":\"pause\"}\n",
        "{\"id\":1,\"cmd\":\"resume\"}\n",
        "{\"id\":1,\"cmd\":\"reload\"}\n",
        "{\"id\":1,\"cmd\":\"reserve\",\"args\":{\"size_kb\":1}}\n",
        "{\"id\":1,\"cmd\":\"release\"}\n",
        "{\"id\":1,\"cmd\":\"policy\",\"args\":{\"name\":\"static\"}}\n",
    };
    struct peer p;
    json_t *r;
    char want[64];

    ctl_server_force_access(srv, PROTO_ACCESS_RO);
    peer_open(&p, "ro");
    r = peer_call(&p, 1, refused[0]);
    assert_error(r, "permission denied: 'set' needs root");
    json_decref(r);
    for (size_t i = 1; i < sizeof(refused) / sizeof(refused[0]); i++) {
        json_t *req = json_loads(refused[i], 0, NULL);

        snprintf(want, sizeof(want), "permission denied: '%s' needs root",
                 json_string_value(json_object_get(req, "cmd")));
        r = peer_call(&p, 1, refused[i]);
        assert_error(r, want);
        json_decref(r);
        json_decref(req);
    }
    ck_assert_str_eq(fake_daemon_last_set(dmn), "");
    ck_assert_int_eq(fake_daemon_paused(dmn), 0);
    ck_assert_str_eq(fake_daemon_policy(dmn), "proportional");

    /* Still connected, and reading is allowed. */
    r = peer_call(&p, 2, "{\"id\":2,\"cmd\":\"policy\"}\n");
    ck_assert(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
    r = peer_call(&p, 3, "{\"id\":3,\"cmd\":\"status\"}\n");
    ck_assert(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
    peer_close(&p);
}
END_TEST

START_TEST(test_no_access_peer)
{
    struct peer p;
    json_t *r;

    ctl_server_force_access(srv, PROTO_ACCESS_NONE);
    peer_open_at(&p, sockpath);
    r = peer_json(&p);
    ck_assert_ptr_nonnull(r);
    ck_assert(json_is_null(json_object_get(r, "id")));
    assert_error(r, "permission denied");
    json_decref(r);
    ck_assert(peer_sees_eof(&p));
    peer_close(&p);
    wait_clients(0);
}
END_TEST

START_TEST(test_oversized_line)
{
    size_t n = XB_PROTO_REQ_MAX + 100;
    char *big = malloc(n);
    struct peer p;
    json_t *r;

    /* No newline at all: the cap applies to the unfinished line. */
    memset(big, 'x', n);
    peer_open(&p, "rw");
    peer_send(&p, big, n);
    r = peer_json(&p);
    ck_assert_ptr_nonnull(r);
    assert_error(r, "line too long");
    json_decref(r);
    ck_assert(peer_sees_eof(&p));
    peer_close(&p);

    /* A complete line just over the cap. */
    big[XB_PROTO_REQ_MAX + 1] = '\n';
    peer_open(&p, "rw");
    peer_send(&p, big, XB_PROTO_REQ_MAX + 2);
    r = peer_json(&p);
    assert_error(r, "line too long");
    json_decref(r);
    ck_assert(peer_sees_eof(&p));
    peer_close(&p);
    wait_clients(0);
    free(big);
}
END_TEST

START_TEST(test_malformed_json)
{
    static const char *const bad[] = {
        "{\"id\":1,\"cmd\":\n",
        "[1]\n",
        "\"status\"\n",
        "{\"id\":1,\"cmd\":\"status\"} trailing\n",
    };
    struct peer p;
    json_t *r;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        peer_open(&p, "rw");
        peer_sends(&p, bad[i]);
        r = peer_json(&p);
        ck_assert_ptr_nonnull(r);
        assert_error(r, "bad request");
        json_decref(r);
        ck_assert_msg(peer_sees_eof(&p), "%s: not closed", bad[i]);
        peer_close(&p);
    }
    wait_clients(0);
}
END_TEST

START_TEST(test_bad_requests_stay_open)
{
    struct peer p;
    json_t *r;

    peer_open(&p, "rw");
    peer_sends(&p, "{\"cmd\":\"status\"}\n");
    r = peer_json(&p);
    ck_assert(json_is_null(json_object_get(r, "id")));
    assert_error(r, "no \"id\"");
    json_decref(r);

    r = peer_call(&p, 2, "{\"id\":2,\"cmd\":\"frobnicate\"}\n");
    assert_error(r, "unknown command \"frobnicate\"");
    json_decref(r);
    r = peer_call(&p, 3, "{\"id\":3,\"cmd\":\"help\"}\n");
    assert_error(r, "unknown command \"help\"");
    json_decref(r);
    r = peer_call(&p, 4,
                  "{\"id\":4,\"cmd\":\"show\",\"args\":"
                  "{\"domain\":5}}\n");
    assert_error(r, "\"domain\" must be a string");
    json_decref(r);
    r = peer_call(&p, 5,
                  "{\"id\":5,\"cmd\":\"show\",\"args\":"
                  "{\"domain\":\"nosuch\"}}\n");
    assert_error(r, "no such domain 'nosuch'");
    json_decref(r);
    r = peer_call(&p, 6, "{\"id\":6,\"cmd\":\"status\",\"args\":[]}\n");
    assert_error(r, "\"args\" must be an object");
    json_decref(r);

    r = peer_call(&p, 7,
                  "{\"id\":7,\"cmd\":\"show\",\"args\":"
                  "{\"domain\":\"db\"}}\n");
    ck_assert(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
    ck_assert_uint_eq(ctl_server_clients(srv), 1);
    peer_close(&p);
}
END_TEST

START_TEST(test_pipelined)
{
    struct peer p;
    json_t *r;

    peer_open(&p, "rw");
    peer_sends(&p, "{\"id\":1,\"cmd\":\"targets\"}\n{\"id\":2,\"cmd\":"
                   "\"version\"}\n{\"id\":3,\"cmd\":\"pol");
    r = peer_json(&p);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 1);
    json_decref(r);
    r = peer_json(&p);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 2);
    json_decref(r);
    /* The rest of a split line arrives later. */
    peer_sends(&p, "icy\"}\n");
    r = peer_json(&p);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 3);
    ck_assert(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
    peer_close(&p);
}
END_TEST

START_TEST(test_half_close)
{
    struct peer p;
    json_t *r;

    /* `printf '{...}' | nc -U`: no '\n', then EOF; the reply still comes. */
    peer_open(&p, "rw");
    peer_sends(&p, "{\"id\":9,\"cmd\":\"status\"}");
    shutdown(p.fd, SHUT_WR);
    r = peer_json(&p);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "id")), 9);
    json_decref(r);
    ck_assert(peer_sees_eof(&p));
    peer_close(&p);
    wait_clients(0);
}
END_TEST

START_TEST(test_monitor)
{
    struct peer p, q;
    json_t *r, *ev;

    peer_open(&p, "rw");
    peer_open(&q, "rw");
    r = peer_call(&p, 1, "{\"id\":1,\"cmd\":\"monitor\"}\n");
    ck_assert(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
    ck_assert_uint_eq(fake_daemon_monitors(dmn), 1);

    ev = json_pack("{s:s, s:i, s:i, s:I}", "event", "target", "ts_ms", 5,
                   "domid", 1, "target_kb", (json_int_t)1048576);
    fake_daemon_emit(dmn, ev);
    fake_daemon_emit(dmn, ev);
    json_decref(ev);
    for (int i = 0; i < 2; i++) {
        r = peer_json(&p);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(json_string_value(json_object_get(r, "event")),
                         "target");
        ck_assert_int_eq(json_integer_value(json_object_get(r, "domid")), 1);
        json_decref(r);
    }
    /* Requests still work on a monitoring connection. */
    r = peer_call(&p, 2, "{\"id\":2,\"cmd\":\"targets\"}\n");
    ck_assert(json_is_true(json_object_get(r, "ok")));
    json_decref(r);

    /* A second monitor request does not subscribe twice. */
    r = peer_call(&p, 3, "{\"id\":3,\"cmd\":\"monitor\"}\n");
    json_decref(r);
    ck_assert_uint_eq(fake_daemon_monitors(dmn), 1);

    /* The other client saw nothing. */
    r = peer_call(&q, 1, "{\"id\":1,\"cmd\":\"version\"}\n");
    json_decref(r);

    peer_close(&p);
    wait_clients(1);
    ck_assert_uint_eq(fake_daemon_monitors(dmn), 0);
    peer_close(&q);
    wait_clients(0);
}
END_TEST

START_TEST(test_monitor_slow_reader)
{
    struct peer p;
    json_t *r, *ev;
    char *pad = malloc(1024);

    memset(pad, 'p', 1023);
    pad[1023] = '\0';
    peer_open(&p, "rw");
    r = peer_call(&p, 1, "{\"id\":1,\"cmd\":\"monitor\"}\n");
    json_decref(r);
    ev = json_pack("{s:s, s:s}", "event", "reject", "pad", pad);
    /* Never read: the backlog passes its cap and the server lets go. */
    for (int i = 0; i < 8192 && fake_daemon_monitors(dmn) > 0; i++) {
        fake_daemon_emit(dmn, ev);
        if (i % 64 == 0)
            pump();
    }
    json_decref(ev);
    wait_clients(0);
    ck_assert_uint_eq(fake_daemon_monitors(dmn), 0);
    peer_close(&p);
    free(pad);
}
END_TEST

START_TEST(test_too_many_clients)
{
    struct peer p[CTL_MAX_CLIENTS + 1];
    json_t *r;

    for (int i = 0; i < CTL_MAX_CLIENTS; i++)
        peer_open(&p[i], "rw");
    peer_open_at(&p[CTL_MAX_CLIENTS], sockpath);
    r = peer_json(&p[CTL_MAX_CLIENTS]);
    assert_error(r, "too many clients");
    json_decref(r);
    ck_assert(peer_sees_eof(&p[CTL_MAX_CLIENTS]));
    for (int i = 0; i <= CTL_MAX_CLIENTS; i++)
        peer_close(&p[i]);
    wait_clients(0);
}
END_TEST

/*
 * Real peer credentials: a child that drops to nobody connects.
 */

static int
child_greeting(gid_t gid, const gid_t *supp, int nsupp, char *out,
               size_t outlen)
{
    int pfd[2];
    pid_t pid;
    struct peer p;
    ssize_t n;
    int status;

    ck_assert_int_eq(pipe(pfd), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(pfd[0]);
        if (setgroups((size_t)nsupp, supp) != 0 || setgid(gid) != 0 ||
            setuid(65534) != 0)
            _exit(10);
        memset(&p, 0, sizeof(p));
        p.fd = socket(AF_UNIX, SOCK_STREAM, 0);
        {
            struct sockaddr_un sun;

            memset(&sun, 0, sizeof(sun));
            sun.sun_family = AF_UNIX;
            snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
            if (connect(p.fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
                dprintf(pfd[1], "connect: %s", strerror(errno));
                _exit(0);
            }
        }
        {
            char buf[512];
            ssize_t r = read(p.fd, buf, sizeof(buf) - 1);

            if (r > 0)
                (void)!write(pfd[1], buf, (size_t)r);
        }
        _exit(0);
    }
    close(pfd[1]);
    /* Serve the child until it hangs up its end of the pipe. */
    {
        size_t used = 0;
        long long deadline = now_ms() + PUMP_MS;

        fcntl(pfd[0], F_SETFL, O_NONBLOCK);
        for (;;) {
            pump();
            n = read(pfd[0], out + used, outlen - 1 - used);
            if (n > 0)
                used += (size_t)n;
            else if (n == 0)
                break;
            ck_assert_msg(now_ms() < deadline, "child hung");
            usleep(1000);
        }
        out[used] = '\0';
    }
    close(pfd[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_peer_group_access)
{
    struct group *gr = getgrnam("daemon");
    struct ctl_server *gsrv;
    char out[512], *cause = NULL;
    gid_t other = 65534;

    ck_assert_ptr_nonnull(gr);
    /* A server whose socket belongs to group daemon, in a directory
     * nobody can traverse. */
    ctl_server_destroy(srv);
    srv = NULL;
    ck_assert_int_eq(chmod(tmpdir, 0711), 0);
    gsrv = ctl_server_create(base, dmn, sockpath, "daemon", &cause);
    ck_assert_msg(gsrv != NULL, "%s", cause);
    srv = gsrv;

    /* Primary group matches: read-only. */
    ck_assert_int_eq(child_greeting(gr->gr_gid, NULL, 0, out, sizeof(out)), 0);
    ck_assert_msg(strstr(out, "\"access\":\"ro\"") != NULL, "got '%s'", out);

    /* Not in the group, not even by file mode: the socket stays shut. */
    ck_assert_int_eq(child_greeting(other, NULL, 0, out, sizeof(out)), 0);
    ck_assert_msg(strstr(out, "connect: Permission denied") != NULL, "got '%s'",
                  out);

    /* The group only as a process supplementary group: the file mode lets
     * it in, but the user database does not list nobody in daemon, so the
     * server turns it away. */
    ck_assert_int_eq(child_greeting(other, &gr->gr_gid, 1, out, sizeof(out)),
                     0);
    ck_assert_msg(strstr(out, "permission denied") != NULL, "got '%s'", out);
    wait_clients(0);
}
END_TEST

/*
 * Socket setup refusals.
 */

static char *
listen_cause(const char *path, const char *group)
{
    char *cause = NULL;
    int fd = ctl_listen(path, group, &cause);

    if (fd >= 0) {
        close(fd);
        return NULL;
    }
    ck_assert_ptr_nonnull(cause);
    return cause;
}

START_TEST(test_listen_world_writable)
{
    char dir[160], path[200], *cause;

    snprintf(dir, sizeof(dir), "%s/ww", tmpdir);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    ck_assert_int_eq(chmod(dir, 0777), 0);
    snprintf(path, sizeof(path), "%s/ctl.sock", dir);
    cause = listen_cause(path, NULL);
    ck_assert_ptr_nonnull(cause);
    ck_assert_msg(strstr(cause, "is world-writable without the sticky bit "
                                "(mode 0777); refusing") != NULL,
                  "%s", cause);
    ck_assert_ptr_nonnull(strstr(cause, dir));
    free(cause);
    ck_assert_int_eq(access(path, F_OK), -1);

    ck_assert_int_eq(chmod(dir, 0770), 0);
    cause = listen_cause(path, NULL);
    ck_assert_ptr_nonnull(strstr(cause, "group-writable"));
    free(cause);

    /* Sticky, like /tmp: fine. */
    ck_assert_int_eq(chmod(dir, 01777), 0);
    ck_assert_ptr_null(listen_cause(path, NULL));
}
END_TEST

START_TEST(test_listen_checks)
{
    char dir[160], path[200], *cause;
    struct stat st;
    struct group *gr = getgrnam("daemon");
    int fd;
    struct sockaddr_un sun;

    /* A missing directory is created, 0750, the group's. */
    snprintf(dir, sizeof(dir), "%s/run", tmpdir);
    snprintf(path, sizeof(path), "%s/ctl.sock", dir);
    ck_assert_ptr_null(listen_cause(path, "daemon"));
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0750);
    ck_assert_uint_eq(st.st_gid, gr->gr_gid);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0660);
    ck_assert_uint_eq(st.st_gid, gr->gr_gid);

    /* The stale socket left behind is replaced. */
    ck_assert_ptr_null(listen_cause(path, NULL));

    /* A live daemon's socket is not. */
    cause = listen_cause(sockpath, NULL);
    ck_assert_ptr_nonnull(strstr(cause, "already listening"));
    free(cause);

    /* Nor is a file that is not a socket. */
    unlink(path);
    fd = open(path, O_CREAT | O_WRONLY, 0600);
    close(fd);
    cause = listen_cause(path, NULL);
    ck_assert_ptr_nonnull(strstr(cause, "is not a socket"));
    free(cause);
    unlink(path);

    cause = listen_cause(path, "no-such-group-xb");
    ck_assert_str_eq(cause, "unknown socket group 'no-such-group-xb'");
    free(cause);

    /* A directory someone else owns. */
    ck_assert_int_eq(chown(dir, 65534, (gid_t)-1), 0);
    cause = listen_cause(path, NULL);
    ck_assert_ptr_nonnull(strstr(cause, "owned by uid 65534"));
    free(cause);

    memset(path, 'a', sizeof(sun.sun_path) + 1);
    path[0] = '/';
    path[sizeof(sun.sun_path) + 1] = '\0';
    cause = listen_cause(path, NULL);
    ck_assert_ptr_nonnull(strstr(cause, "bad control socket path"));
    free(cause);
}
END_TEST

/*
 * The client library and the CLI against a server in a child process.
 */

static void
monitor_tick(evutil_socket_t fd, short what, void *arg)
{
    static int n;
    json_t *ev;

    (void)fd;
    (void)what;
    (void)arg;
    ev = json_pack("{s:s, s:i, s:i, s:s, s:I}", "event", "target", "ts_ms",
                   1000 + n++, "domid", 2, "name", "db", "target_kb",
                   (json_int_t)1572864);
    fake_daemon_emit(dmn, ev);
    json_decref(ev);
    fake_daemon_hold_answer(dmn);
}

static void
fork_server(void)
{
    struct timeval tv = { 0, 20000 };
    struct event *tick;

    server_pid = fork();
    ck_assert_int_ge(server_pid, 0);
    if (server_pid > 0)
        return;
    event_reinit(base);
    tick = event_new(base, -1, EV_PERSIST, monitor_tick, NULL);
    evtimer_add(tick, &tv);
    event_base_dispatch(base);
    _exit(0);
}

static char *
slurp(int fd)
{
    char *buf = calloc(1, 65536);
    size_t used = 0;
    ssize_t n;

    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, buf + used, 65535 - used)) > 0)
        used += (size_t)n;
    return buf;
}

/* Runs cli_main with stdout and stderr captured. */
static int
run_cli(char **out, char **err, int argc, char **argv)
{
    int ofd = fileno(tmpfile()), efd = fileno(tmpfile());
    int save_out = dup(1), save_err = dup(2), rc;

    fflush(stdout);
    fflush(stderr);
    dup2(ofd, 1);
    dup2(efd, 2);
    rc = cli_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(save_out, 1);
    dup2(save_err, 2);
    close(save_out);
    close(save_err);
    *out = slurp(ofd);
    *err = slurp(efd);
    return rc;
}

/* run_cli with a NULL-terminated argument list after the program name. */
static int
run_cli_va(char **out, char **err, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;

    argv[argc++] = "xenballoon-ctl";
    va_start(ap, err);
    while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    return run_cli(out, err, argc, argv);
}

#define CLI(out, err, ...) run_cli_va(out, err, __VA_ARGS__, (char *)NULL)

START_TEST(test_client_call)
{
    struct ctl_conn *c;
    json_t *res, *args;
    char *cause = NULL;
    const char *line;
    size_t len;

    fork_server();
    ck_assert_int_eq(ctl_conn_open(sockpath, 2000, &c, &cause), CLIENT_OK);
    ck_assert_int_eq(ctl_conn_greeting(c)->access, PROTO_ACCESS_RW);
    ck_assert_int_eq(ctl_conn_call(c, "targets", NULL, &res, &cause),
                     CLIENT_OK);
    ck_assert_int_eq(json_array_size(res), 3);
    json_decref(res);

    args = json_pack("{s:s}", "domain", "nosuch");
    ck_assert_int_eq(ctl_conn_call(c, "show", args, &res, &cause),
                     CLIENT_FAILED);
    ck_assert_str_eq(cause, "no such domain 'nosuch'");
    free(cause);
    cause = NULL;
    json_decref(args);

    /* Monitor: events stream in, and a call still finds its reply. */
    ck_assert_int_eq(ctl_conn_call(c, "monitor", NULL, &res, &cause),
                     CLIENT_OK);
    json_decref(res);
    ck_assert_int_eq(ctl_conn_readline(c, 2000, &line, &len, &cause), 0);
    ck_assert_ptr_nonnull(strstr(line, "\"event\":\"target\""));
    ck_assert_int_eq(ctl_conn_call(c, "version", NULL, &res, &cause),
                     CLIENT_OK);
    ck_assert_str_eq(json_string_value(json_object_get(res, "version")),
                     XB_VERSION);
    json_decref(res);
    ctl_conn_close(c);
}
END_TEST

START_TEST(test_cli_commands)
{
    char *out, *err;
    json_t *v;

    fork_server();
    ck_assert_int_eq(CLI(&out, &err, "-s", sockpath, "--json", "status"), 0);
    v = json_loads(out, 0, NULL);
    ck_assert_msg(v != NULL, "not JSON: %s", out);
    ck_assert_int_eq(json_array_size(json_object_get(v, "domains")), 3);
    json_decref(v);
    free(out);
    free(err);

    ck_assert_int_eq(CLI(&out, &err, "--socket", sockpath, "status"), 0);
    ck_assert_ptr_nonnull(strstr(out, "DOMID NAME"));
    free(out);
    free(err);

    setenv("XENBALLOON_SOCKET", sockpath, 1);
    ck_assert_int_eq(CLI(&out, &err, "targets"), 0);
    ck_assert_ptr_nonnull(strstr(out, "web"));
    free(out);
    free(err);

    ck_assert_int_eq(CLI(&out, &err, "show", "nosuch"), 1);
    ck_assert_str_eq(err, "xenballoon-ctl show: no such domain 'nosuch'\n");
    free(out);
    free(err);

    ck_assert_int_eq(CLI(&out, &err, "set", "web", "max", "2G"), 0);
    ck_assert_str_eq(out, "web: max set to 2G\n");
    free(out);
    free(err);

    ck_assert_int_eq(
        CLI(&out, &err, "--json", "reserve", "256M", "--for", "1m"), 0);
    ck_assert_str_eq(out, "{\"id\":1,\"size_kb\":262144,"
                          "\"expires_in_ms\":60000,\"state\":\"met\","
                          "\"free_kb\":1048576,\"shortfall_kb\":0,"
                          "\"possible_kb\":16777216,\"eta_ms\":0}\n");
    free(out);
    free(err);

    /* reserve --wait: the reply comes once the hold is met (exit 0), or
     * says what lacks when it is not (exit 1). */
    ck_assert_int_eq(CLI(&out, &err, "reserve", "256M", "--wait", "5s"), 0);
    ck_assert_ptr_nonnull(strstr(out, "met: 1.0M is free; start the guest"));
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "reserve", "--wait=2s", "20G", "--force"),
                     1);
    ck_assert_ptr_nonnull(strstr(err, "hold not met in time: 1.0M short"));
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "reserve", "1G", "--wait", "2h"), 2);
    ck_assert_ptr_nonnull(strstr(err, "--wait must be between 1s and"));
    free(out);
    free(err);

    ck_assert_int_eq(CLI(&out, &err, "policy", "pressure", "target=0.3"), 0);
    ck_assert_ptr_nonnull(strstr(out, "policy: pressure\n"));
    ck_assert_ptr_nonnull(strstr(out, "  target = 0.3\n"));
    free(out);
    free(err);

    ck_assert_int_eq(CLI(&out, &err, "--json", "version"), 0);
    v = json_loads(out, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(v, "client"), "version")),
                     XB_VERSION);
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(v, "daemon"), "backend")),
                     "sim");
    json_decref(v);
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_readonly)
{
    char *out, *err;

    ctl_server_force_access(srv, PROTO_ACCESS_RO);
    fork_server();
    ck_assert_int_eq(CLI(&out, &err, "-s", sockpath, "set", "web", "max", "2G"),
                     1);
    ck_assert_str_eq(err, "xenballoon-ctl set: permission denied: 'set' "
                          "needs root\n");
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "-s", sockpath, "policy"), 0);
    free(out);
    free(err);

    ctl_server_force_access(srv, PROTO_ACCESS_NONE);
    kill(server_pid, SIGKILL);
    waitpid(server_pid, NULL, 0);
    fork_server();
    ck_assert_int_eq(CLI(&out, &err, "-s", sockpath, "status"), 1);
    ck_assert_str_eq(err, "xenballoon-ctl: daemon refused us: permission "
                          "denied\n");
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_monitor)
{
    int ofd = fileno(tmpfile()), status;
    char *argv[] = {
        "xenballoon-ctl", "-s", sockpath, "--json", "monitor", NULL
    };
    char *argv_h[] = { "xenballoon-ctl", "-s", sockpath, "monitor", NULL };
    char *text;
    pid_t pid;

    fork_server();
    for (int human = 0; human < 2; human++) {
        (void)!ftruncate(ofd, 0);
        lseek(ofd, 0, SEEK_SET);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            dup2(ofd, 1);
            _exit(human ? cli_main(4, argv_h) : cli_main(5, argv));
        }
        usleep(300000);
        kill(pid, SIGINT);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), CLI_EXIT_OK);
        text = slurp(ofd);
        if (human)
            ck_assert_msg(strstr(text, " target domid=2 name=db "
                                       "target=1536.0M\n") != NULL,
                          "%s", text);
        else
            ck_assert_msg(strstr(text, "{\"event\":\"target\",\"ts_ms\":") ==
                              text,
                          "%s", text);
        free(text);
    }
}
END_TEST

START_TEST(test_cli_unreachable)
{
    char *out, *err, path[200];

    snprintf(path, sizeof(path), "%s/none.sock", tmpdir);
    ck_assert_int_eq(CLI(&out, &err, "-s", path, "status"), 3);
    ck_assert_ptr_nonnull(strstr(err, "cannot connect to"));
    ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
    free(out);
    free(err);

    /* version still says who the client is. */
    ck_assert_int_eq(CLI(&out, &err, "-s", path, "version"), 3);
    ck_assert_str_eq(out,
                     "client  xenballoon-ctl " XB_VERSION ", protocol 1\n");
    free(out);
    free(err);

    /* The server is alive but never serves (no loop): a timeout is a
     * failed request only after the greeting; before it, unreachable. */
}
END_TEST

/* A fake server that sends one line, then waits. */
static void
fork_liar(const char *path, const char *greeting)
{
    struct sockaddr_un sun;
    int lfd, cfd;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    ck_assert_int_eq(listen(lfd, 4), 0);
    server_pid = fork();
    ck_assert_int_ge(server_pid, 0);
    if (server_pid == 0) {
        for (;;) {
            cfd = accept(lfd, NULL, NULL);
            if (cfd < 0)
                _exit(1);
            (void)!write(cfd, greeting, strlen(greeting));
        }
    }
    close(lfd);
}

START_TEST(test_cli_bad_greeting)
{
    char *out, *err, path[200];

    snprintf(path, sizeof(path), "%s/liar.sock", tmpdir);
    fork_liar(path, "{\"xenballoon\":\"9.9\",\"protocol\":2,"
                    "\"access\":\"rw\"}\n");
    ck_assert_int_eq(CLI(&out, &err, "-s", path, "status"), 3);
    ck_assert_str_eq(err, "xenballoon-ctl: protocol mismatch: daemon 9.9 "
                          "speaks 2, this client speaks 1\n");
    free(out);
    free(err);
    kill(server_pid, SIGKILL);
    waitpid(server_pid, NULL, 0);
    unlink(path);

    fork_liar(path, "220 smtp.example.org ESMTP\r\n");
    ck_assert_int_eq(CLI(&out, &err, "-s", path, "status"), 3);
    ck_assert_ptr_nonnull(strstr(err, "malformed JSON"));
    free(out);
    free(err);
}
END_TEST

START_TEST(test_cli_usage)
{
    char *out, *err;

    ck_assert_int_eq(run_cli(&out, &err, 1, (char *[]){ "x", NULL }), 2);
    ck_assert_ptr_nonnull(strstr(err, "usage: xenballoon-ctl"));
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "frobnicate"), 2);
    ck_assert_ptr_nonnull(strstr(err, "unknown command 'frobnicate'"));
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "set", "web"), 2);
    ck_assert_str_eq(err, "usage: xenballoon-ctl set DOMAIN "
                          "min|max|weight|exclude VALUE\n");
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "status", "extra"), 2);
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "reserve", "lots"), 2);
    ck_assert_ptr_nonnull(
        strstr(err, "\"lots\" is not a size (use K, M, G or T)"));
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "--bogus", "status"), 2);
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "-s"), 2);
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "help"), 0);
    ck_assert_ptr_nonnull(strstr(out, "reserve SIZE [--for DURATION] "
                                      "[--wait TIMEOUT] [--force]"));
    /* Every command is listed, the two main() runs itself included. */
    ck_assert_ptr_nonnull(strstr(out, "\n  daemon [-fnv] [-c FILE]"));
    ck_assert_ptr_nonnull(strstr(out, "\n  check-config FILE"));
    free(out);
    free(err);
    /* COMMAND --help is that command's usage, whatever comes before. */
    for (size_t i = 0; cmd_table[i] != NULL; i++) {
        const char *name = cmd_table[i]->name;
        char want[64];

        ck_assert_int_eq(CLI(&out, &err, name, "1G", "--help"), 0);
        snprintf(want, sizeof(want), "usage: xenballoon-ctl %s", name);
        ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s: %s", name,
                      out);
        free(out);
        free(err);
    }
    ck_assert_int_eq(CLI(&out, &err, "reserve", "-h"), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: xenballoon-ctl reserve SIZE"));
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "help", "reload"), 0);
    ck_assert_ptr_nonnull(strstr(out, "(needs root)"));
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "help", "nosuch"), 2);
    free(out);
    free(err);
    ck_assert_int_eq(CLI(&out, &err, "-h"), 0);
    ck_assert_ptr_nonnull(strstr(out, "commands:"));
    free(out);
    free(err);
}
END_TEST

static Suite *
control_suite(void)
{
    Suite *s = suite_create("control");
    TCase *tc;

    tc = tcase_create("server");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_status_roundtrip);
    tcase_add_test(tc, test_socket_mode);
    tcase_add_test(tc, test_mutations);
    tcase_add_test(tc, test_readonly_peer);
    tcase_add_test(tc, test_no_access_peer);
    tcase_add_test(tc, test_oversized_line);
    tcase_add_test(tc, test_malformed_json);
    tcase_add_test(tc, test_bad_requests_stay_open);
    tcase_add_test(tc, test_pipelined);
    tcase_add_test(tc, test_half_close);
    tcase_add_test(tc, test_monitor);
    tcase_add_test(tc, test_monitor_slow_reader);
    tcase_add_test(tc, test_too_many_clients);
    tcase_add_test(tc, test_peer_group_access);
    suite_add_tcase(s, tc);

    tc = tcase_create("listen");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_listen_world_writable);
    tcase_add_test(tc, test_listen_checks);
    suite_add_tcase(s, tc);

    tc = tcase_create("client");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_client_call);
    tcase_add_test(tc, test_cli_commands);
    tcase_add_test(tc, test_cli_readonly);
    tcase_add_test(tc, test_cli_monitor);
    tcase_add_test(tc, test_cli_unreachable);
    tcase_add_test(tc, test_cli_bad_greeting);
    tcase_add_test(tc, test_cli_usage);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    SRunner *sr = srunner_create(control_suite());
    int failed;

    /* The suite forks servers and drops privileges in children. */
    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
