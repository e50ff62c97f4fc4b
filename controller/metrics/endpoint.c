/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Observability on the daemon side (see metrics.h): the decision counters
 * and their latency histogram, fed by the daemon, and the endpoint that
 * serves them with a dmn_metrics() snapshot over evhttp, rendered by
 * expo.c.  A scrape is one small GET; the server takes nothing larger.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config.h"
#include "daemon.h"
#include "met_priv.h"
#include "xmalloc.h"

const uint64_t met_bounds_ms[MET_NBOUNDS] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
};

/* HTTP limits: a scrape is one small GET; anything bigger is not ours. */
#define MET_HEADERS_MAX 8192 /* bytes of request headers */
#define MET_BODY_MAX 1024    /* bytes of request body */
#define MET_TIMEOUT_S 10     /* seconds a client may take, either way */

/*
 * Counters.
 */

struct xb_metrics *
met_create(void)
{
    return xb_calloc(1, sizeof(struct xb_metrics));
}

void
met_destroy(struct xb_metrics *m)
{
    if (m == NULL)
        return;
    if (m->http != NULL)
        evhttp_free(m->http);
    free(m);
}

void
met_decision(struct xb_metrics *m, enum bal_why why, uint64_t latency_ms)
{
    if (m == NULL)
        return;
    if ((size_t)why < MET_NWHY)
        m->decisions[why]++;
    for (size_t i = 0; i < MET_NBOUNDS; i++)
        if (latency_ms <= met_bounds_ms[i]) {
            m->lat_le[i]++;
            break;
        }
    m->lat_count++;
    m->lat_sum_ms += latency_ms;
}

/*
 * The endpoint.
 */

static void
met_on_request(struct evhttp_request *req, void *arg)
{
    struct xb_metrics *m = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
    struct evbuffer *body;
    json_t *snap;

    if (path == NULL || (strcmp(path, "/metrics") != 0 && strcmp(path, "/"))) {
        evhttp_send_error(req, HTTP_NOTFOUND, "try /metrics");
        return;
    }
    body = evbuffer_new();
    if (body == NULL) {
        evhttp_send_error(req, HTTP_INTERNAL, NULL);
        return;
    }
    if (strcmp(path, "/") == 0) {
        evhttp_add_header(hdr, "Content-Type", "text/plain; charset=utf-8");
        evbuffer_add_printf(body, "xenballoon %s: metrics at /metrics\n",
                            XB_VERSION);
    } else {
        evhttp_add_header(hdr, "Content-Type",
                          "text/plain; version=0.0.4; charset=utf-8");
        snap = dmn_metrics(m->d);
        met_render(m, snap, body);
        json_decref(snap);
    }
    evhttp_send_reply(req, HTTP_OK, "OK", body);
    evbuffer_free(body);
}

int
met_listen(struct xb_metrics *m, struct event_base *base, struct xb_daemon *d,
           const char *listen, char **cause)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[CFG_HOST_MAX];
    unsigned port;

    if (cfg_parse_listen(listen, host, sizeof(host), &port, cause) < 0)
        return -1;
    m->http = evhttp_new(base);
    if (m->http == NULL) {
        xb_set_cause(cause, "cannot create the HTTP server");
        return -1;
    }
    evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_max_headers_size(m->http, MET_HEADERS_MAX);
    evhttp_set_max_body_size(m->http, MET_BODY_MAX);
    evhttp_set_timeout(m->http, MET_TIMEOUT_S);
    evhttp_set_gencb(m->http, met_on_request, m);
    m->sock = evhttp_bind_socket_with_handle(m->http, host, (uint16_t)port);
    if (m->sock == NULL) {
        xb_set_cause(cause, "cannot listen on %s: %s", listen,
                     errno ? strerror(errno) : "bad address");
        evhttp_free(m->http);
        m->http = NULL;
        return -1;
    }
    m->d = d;
    m->port = port;
    if (getsockname(evhttp_bound_socket_get_fd(m->sock), (struct sockaddr *)&ss,
                    &sl) == 0) {
        if (ss.ss_family == AF_INET)
            m->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            m->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return 0;
}

unsigned
met_port(const struct xb_metrics *m)
{
    return m != NULL && m->http != NULL ? m->port : 0;
}
