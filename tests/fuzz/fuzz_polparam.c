/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the policy parameter parser (the registry's
 * validation of a policy's "params" object, and the shared size and
 * duration parser under it).  The first byte picks the policy, the rest
 * is the params text.  It checks that every refusal says why in printable
 * ASCII (the messages reach terminals and logs), that an accepted
 * instance can be described, and that every size or duration the shared
 * parser accepts is within its limit and survives a format/parse round
 * trip.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errlist.h"
#include "number.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PARAMS_MAX 4096

static void
check_printable(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            abort();
}

static void
check_qty(enum xb_qty q, const char *s, uint64_t bare)
{
    char buf[XB_QTY_BUF], *cause = NULL;
    uint64_t v, again;

    if (xb_qty_parse(q, s, bare, &v, &cause) < 0) {
        if (cause == NULL)
            abort();
        check_printable(cause);
        free(cause);
        return;
    }
    if (v > (q == XB_QTY_SIZE ? XB_SIZE_LIMIT : XB_DURATION_LIMIT))
        abort();
    xb_qty_format(q, v, buf, sizeof(buf));
    if (v != 0 && (xb_qty_parse(q, buf, 0, &again, NULL) < 0 || again != v))
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xb_policy_inst *pi;
    struct xb_errlist el;
    size_t npol = 0;
    json_t *params;
    char *text;

    if (size < 1 || size > FUZZ_PARAMS_MAX)
        return 0;
    text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    check_qty(XB_QTY_SIZE, text, 0);
    check_qty(XB_QTY_SIZE, text, 1);
    check_qty(XB_QTY_DURATION, text, 0);
    check_qty(XB_QTY_DURATION, text, 1000);

    while (xb_policies[npol] != NULL)
        npol++;
    params = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    xb_errlist_init(&el);
    pi = xb_policy_create(xb_policies[data[0] % npol]->name, params,
                          "policy.params", &el);
    if (pi != NULL) {
        json_t *d = xb_policy_describe(pi);

        if (el.n != 0 || d == NULL)
            abort();
        json_decref(d);
        xb_policy_destroy(pi);
    } else if (el.n == 0) {
        abort(); /* refused without a reason */
    }
    for (size_t i = 0; i < el.nmsgs; i++)
        check_printable(el.msgs[i]);
    xb_errlist_dispose(&el);
    json_decref(params);
    free(text);
    return 0;
}
