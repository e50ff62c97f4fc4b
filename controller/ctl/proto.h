/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol: framing, greeting, and the encoding and decoding of
 * requests and replies.  Both the daemon's server (control.c,
 * ctl_client.c) and the CLI's client (client.c) speak it; nothing here
 * does I/O, so every decoder is a pure function a fuzzer can call directly.
 *
 * Transport: a Unix stream socket (default XB_CTL_SOCKET).  Every message
 * is one compact JSON object on one line, terminated by '\n'.  A request
 * line may be at most XB_PROTO_REQ_MAX bytes; a reply line at most
 * XB_PROTO_REPLY_MAX (a `show` with history can be large).
 *
 * Greeting, sent by the server as soon as a peer is accepted:
 *     {"xenballoon":"0.1.0","protocol":1,"access":"rw"|"ro"}
 * A peer that may not talk to the daemon at all gets an error reply
 * (id null) instead of a greeting, and the connection is closed.  A client
 * must refuse a greeting whose "protocol" differs from XB_PROTO_VERSION.
 *
 * Request:  {"id":N,"cmd":"status","args":{...}}
 *     id is a non-negative integer chosen by the client and echoed back;
 *     cmd is a command name (see cmd.h); args is optional and must be an
 *     object.  Any other member is an error.
 * Reply:    {"id":N,"ok":true,"result":<any JSON>}
 *       or  {"id":N,"ok":false,"error":"text"}
 *     id is null when the request had no usable id.
 * Events:   after a successful "monitor" reply, the server streams one
 *     {"event":"...","ts_ms":...,...} object per line until the peer
 *     disconnects.
 *
 * An oversized line, malformed JSON or a non-object gets an error reply
 * and the server closes the connection; a well-formed request that fails
 * (unknown command, bad arguments, refused, permission denied) gets an
 * error reply and the connection stays open.
 */
#ifndef XB_CTL_PROTO_H
#define XB_CTL_PROTO_H

#include <stddef.h>

#include <jansson.h>

/* Bump on any incompatible change to the framing or to a command's shape. */
#define XB_PROTO_VERSION 1

/* Largest request line, bytes without the '\n': requests are tiny; 64 KiB
 * leaves room for big policy parameter objects and bounds what an
 * unprivileged peer can make the daemon buffer. */
#define XB_PROTO_REQ_MAX (64 * 1024)

/* Largest reply or event line the client accepts, bytes: a status of a
 * few thousand domains or a `show` with a long history fits easily. */
#define XB_PROTO_REPLY_MAX (16 * 1024 * 1024)

/* Longest command name accepted on the wire. */
#define XB_PROTO_CMD_MAX 32

#define XB_CTL_SOCKET "/run/xenballoon/ctl.sock"

enum proto_access {
    PROTO_ACCESS_NONE = 0, /* may not talk to the daemon */
    PROTO_ACCESS_RO,       /* read-only commands */
    PROTO_ACCESS_RW,       /* everything */
};

struct proto_request {
    long long id; /* -1 if the request had no usable id */
    char *cmd;    /* owned */
    json_t *args; /* owned; an object, empty if absent */
};

struct proto_greeting {
    char *version; /* owned: the daemon's version */
    long long protocol;
    enum proto_access access;
};

/* One message as a line: compact JSON plus '\n' (new string, *len_r set). */
char *proto_encode(const json_t *msg, size_t *len_r);

/* The greeting for a peer with this access (new reference). */
json_t *proto_greeting(enum proto_access access);

/*
 * Decodes and checks a greeting line (without its '\n').  Returns 0, or -1
 * with *cause saying what was wrong, including a protocol mismatch.  A line
 * that is an error reply instead (the server refused the peer) also fails,
 * with the server's message as the cause and *refused_r set to 1.
 */
int proto_decode_greeting(const char *line, size_t len,
                          struct proto_greeting *g, int *refused_r,
                          char **cause);
void proto_greeting_dispose(struct proto_greeting *g);

/*
 * Decodes a request line (without its '\n').  Returns 0 and fills `req`;
 * -1 with *cause if the line is not a JSON object at all (too long, NUL
 * byte, malformed, trailing garbage, not an object: the server closes the
 * connection); -2 with *cause if it is an object but not a valid request
 * (the server answers and keeps the connection).  On failure req->id is
 * still set if the line had a usable id, so the error reply can carry it.
 * Never fails on content only a command can judge: unknown command names
 * and argument contents are the dispatcher's business.
 */
int proto_decode_request(const char *line, size_t len,
                         struct proto_request *req, char **cause);
void proto_request_dispose(struct proto_request *req);

/* A request message (new reference; args borrowed, NULL = {}). */
json_t *proto_request(long long id, const char *cmd, const json_t *args);

/* Replies (new references).  id < 0 encodes as null.  `result` is stolen
 * (NULL = null). */
json_t *proto_reply_ok(long long id, json_t *result);
json_t *proto_reply_error(long long id, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Decodes a reply line.  Returns 0 with *ok_r, *id_r, and either *result_r
 * (new reference) or *error_r (new string); 1 if the line is an event
 * (*result_r = the event object); -1 with *cause if it is neither.
 */
int proto_decode_reply(const char *line, size_t len, long long *id_r, int *ok_r,
                       json_t **result_r, char **error_r, char **cause);

const char *proto_access_name(enum proto_access access);

#endif
