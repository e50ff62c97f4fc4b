/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Control protocol encoding and decoding (see proto.h).  Everything a peer
 * sends is untrusted: the decoders bound sizes, reject NUL bytes, duplicate
 * keys, trailing garbage and unknown members, and never abort.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "quote.h"
#include "xmalloc.h"

static const char *const proto_access_names[] = {
    [PROTO_ACCESS_NONE] = "none",
    [PROTO_ACCESS_RO] = "ro",
    [PROTO_ACCESS_RW] = "rw",
};

const char *
proto_access_name(enum proto_access access)
{
    if ((unsigned)access > PROTO_ACCESS_RW)
        return "none";
    return proto_access_names[access];
}

char *
proto_encode(const json_t *msg, size_t *len_r)
{
    char *s, *line;
    size_t len;

    /* Compact output escapes control characters, so the line cannot
     * contain a raw '\n'. */
    s = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s == NULL)
        fatalx("%s: cannot encode JSON", __func__);
    len = strlen(s);
    line = xb_malloc(len + 2);
    memcpy(line, s, len);
    line[len] = '\n';
    line[len + 1] = '\0';
    free(s);
    if (len_r != NULL)
        *len_r = len + 1;
    return line;
}

/*
 * Parses one line into a JSON object.  Rejects embedded NULs (jansson
 * would stop early and make the rest of the line invisible), duplicate
 * keys and anything after the value.
 */
static json_t *
proto_parse_object(const char *line, size_t len, size_t max, char **cause)
{
    json_error_t err;
    json_t *v;

    if (len > max) {
        xb_set_cause(cause, "line too long (%zu bytes, limit %zu)", len, max);
        return NULL;
    }
    if (memchr(line, '\0', len) != NULL) {
        xb_set_cause(cause, "NUL byte in line");
        return NULL;
    }
    v = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (v == NULL) {
        char *text = xb_quote_near(err.text);

        xb_set_cause(cause, "malformed JSON at column %d: %s", err.column,
                     text);
        free(text);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        xb_set_cause(cause, "message is not a JSON object");
        return NULL;
    }
    return v;
}

json_t *
proto_greeting(enum proto_access access)
{
    return json_pack("{s:s, s:i, s:s}", "xenballoon", XB_VERSION, "protocol",
                     XB_PROTO_VERSION, "access", proto_access_name(access));
}

void
proto_greeting_dispose(struct proto_greeting *g)
{
    free(g->version);
    g->version = NULL;
}

int
proto_decode_greeting(const char *line, size_t len, struct proto_greeting *g,
                      int *refused_r, char **cause)
{
    json_t *v, *ver, *proto, *acc, *err;
    const char *a;
    int rc = -1;

    memset(g, 0, sizeof(*g));
    *refused_r = 0;
    v = proto_parse_object(line, len, XB_PROTO_REPLY_MAX, cause);
    if (v == NULL)
        return -1;

    err = json_object_get(v, "error");
    if (json_is_false(json_object_get(v, "ok")) && json_is_string(err)) {
        *refused_r = 1;
        xb_set_cause(cause, "%s", json_string_value(err));
        goto out;
    }
    ver = json_object_get(v, "xenballoon");
    proto = json_object_get(v, "protocol");
    acc = json_object_get(v, "access");
    if (!json_is_string(ver) || !json_is_integer(proto) ||
        !json_is_string(acc)) {
        xb_set_cause(cause, "not a xenballoon greeting");
        goto out;
    }
    if (json_integer_value(proto) != XB_PROTO_VERSION) {
        xb_set_cause(cause,
                     "protocol mismatch: daemon %s speaks %lld, "
                     "this client speaks %d",
                     json_string_value(ver),
                     (long long)json_integer_value(proto), XB_PROTO_VERSION);
        goto out;
    }
    a = json_string_value(acc);
    if (strcmp(a, "rw") == 0)
        g->access = PROTO_ACCESS_RW;
    else if (strcmp(a, "ro") == 0)
        g->access = PROTO_ACCESS_RO;
    else {
        char *q = xb_quote(a);

        xb_set_cause(cause, "greeting has unknown access %s", q);
        free(q);
        goto out;
    }
    g->protocol = json_integer_value(proto);
    g->version = xb_strdup(json_string_value(ver));
    rc = 0;
out:
    json_decref(v);
    return rc;
}

void
proto_request_dispose(struct proto_request *req)
{
    free(req->cmd);
    req->cmd = NULL;
    json_decref(req->args);
    req->args = NULL;
}

/* Command names are short lower-case words with dashes. */
static int
proto_valid_cmd(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > XB_PROTO_CMD_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] == '-' && i > 0)))
            return 0;
    }
    return 1;
}

int
proto_decode_request(const char *line, size_t len, struct proto_request *req,
                     char **cause)
{
    json_t *v, *id, *cmd, *args, *member;
    const char *key;

    memset(req, 0, sizeof(*req));
    req->id = -1;
    v = proto_parse_object(line, len, XB_PROTO_REQ_MAX, cause);
    if (v == NULL)
        return -1;

    /* The id first, so every later error can be answered with it. */
    id = json_object_get(v, "id");
    if (id == NULL) {
        xb_set_cause(cause, "request has no \"id\"");
        goto fail;
    }
    if (!json_is_integer(id) || json_integer_value(id) < 0) {
        xb_set_cause(cause, "\"id\" must be a non-negative integer");
        goto fail;
    }
    req->id = json_integer_value(id);

    json_object_foreach(v, key, member) {
        if (strcmp(key, "id") != 0 && strcmp(key, "cmd") != 0 &&
            strcmp(key, "args") != 0) {
            char *q = xb_quote(key);

            xb_set_cause(cause, "unknown request member %s", q);
            free(q);
            goto fail;
        }
    }

    cmd = json_object_get(v, "cmd");
    if (!json_is_string(cmd)) {
        xb_set_cause(cause, "\"cmd\" must be a string");
        goto fail;
    }
    if (!proto_valid_cmd(json_string_value(cmd))) {
        xb_set_cause(cause, "\"cmd\" is not a command name");
        goto fail;
    }
    args = json_object_get(v, "args");
    if (args != NULL && !json_is_object(args)) {
        xb_set_cause(cause, "\"args\" must be an object");
        goto fail;
    }

    req->cmd = xb_strdup(json_string_value(cmd));
    req->args = args != NULL ? json_incref(args) : json_object();
    json_decref(v);
    return 0;
fail:
    json_decref(v);
    return -2;
}

json_t *
proto_request(long long id, const char *cmd, const json_t *args)
{
    json_t *a;

    /* json_pack's "O" takes a non-const pointer; copying keeps the
     * caller's object untouched. */
    a = args != NULL ? json_deep_copy(args) : json_object();
    return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "cmd", cmd,
                     "args", a);
}

static json_t *
proto_id(long long id)
{
    return id < 0 ? json_null() : json_integer((json_int_t)id);
}

json_t *
proto_reply_ok(long long id, json_t *result)
{
    return json_pack("{s:o, s:b, s:o}", "id", proto_id(id), "ok", 1, "result",
                     result != NULL ? result : json_null());
}

json_t *
proto_reply_error(long long id, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    json_t *r;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        fatal("vasprintf");
    va_end(ap);
    r = json_pack("{s:o, s:b, s:s}", "id", proto_id(id), "ok", 0, "error", msg);
    free(msg);
    return r;
}

int
proto_decode_reply(const char *line, size_t len, long long *id_r, int *ok_r,
                   json_t **result_r, char **error_r, char **cause)
{
    json_t *v, *id, *ok, *res, *err;

    *id_r = -1;
    *ok_r = 0;
    *result_r = NULL;
    *error_r = NULL;
    v = proto_parse_object(line, len, XB_PROTO_REPLY_MAX, cause);
    if (v == NULL)
        return -1;

    if (json_object_get(v, "ok") == NULL &&
        json_is_string(json_object_get(v, "event"))) {
        *result_r = v;
        return 1;
    }
    id = json_object_get(v, "id");
    ok = json_object_get(v, "ok");
    if (!json_is_boolean(ok) || (!json_is_integer(id) && !json_is_null(id))) {
        xb_set_cause(cause, "malformed reply");
        json_decref(v);
        return -1;
    }
    if (json_is_integer(id))
        *id_r = json_integer_value(id);
    if (json_is_true(ok)) {
        res = json_object_get(v, "result");
        *ok_r = 1;
        *result_r = res != NULL ? json_incref(res) : json_null();
    } else {
        err = json_object_get(v, "error");
        *error_r = xb_strdup(json_is_string(err) ? json_string_value(err)
                                                 : "unspecified error");
    }
    json_decref(v);
    return 0;
}
