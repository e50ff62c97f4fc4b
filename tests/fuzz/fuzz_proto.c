/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the control protocol's decoders: above all the
 * request decoder, which reads whatever any local peer that may connect
 * sends; also the greeting and reply decoders the CLI runs on the daemon's
 * output.  An accepted request must re-encode to a line that decodes to
 * the same request, and every failure must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_request(const struct proto_request *req)
{
    struct proto_request again;
    json_t *msg;
    char *line, *cause = NULL;
    size_t len;

    if (req->id < 0 || req->cmd == NULL || !json_is_object(req->args))
        abort();
    msg = proto_request(req->id, req->cmd, req->args);
    line = proto_encode(msg, &len);
    if (len == 0 || line[len - 1] != '\n')
        abort();
    /* Re-encoding may only grow past the cap by escaping; skip those. */
    if (len - 1 <= XB_PROTO_REQ_MAX) {
        if (proto_decode_request(line, len - 1, &again, &cause) != 0)
            abort();
        if (again.id != req->id || strcmp(again.cmd, req->cmd) != 0 ||
            !json_equal(again.args, req->args))
            abort();
        proto_request_dispose(&again);
    }
    free(cause);
    free(line);
    json_decref(msg);
}

static void
decode_request(const char *line, size_t len)
{
    struct proto_request req;
    char *cause = NULL;
    int rc = proto_decode_request(line, len, &req, &cause);

    if (rc == 0)
        check_request(&req);
    else if (cause == NULL || (rc != -1 && rc != -2))
        abort();
    if (rc == -1 && req.id != -1)
        abort(); /* framing errors carry no id */
    proto_request_dispose(&req);
    free(cause);
}

static void
decode_client_side(const char *line, size_t len)
{
    struct proto_greeting g;
    json_t *result = NULL;
    char *error = NULL, *cause = NULL;
    long long id;
    int ok, refused = 0;

    memset(&g, 0, sizeof(g));
    if (proto_decode_greeting(line, len, &g, &refused, &cause) == 0)
        proto_greeting_dispose(&g);
    free(cause);
    cause = NULL;
    if (proto_decode_reply(line, len, &id, &ok, &result, &error, &cause) >= 0)
        json_decref(result);
    free(error);
    free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly `size` bytes on the heap: the decoders take a length and
     * must not rely on a terminating NUL. */
    char *copy = malloc(size ? size : 1);

    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    decode_request(copy, size);
    decode_client_side(copy, size);
    free(copy);
    return 0;
}
