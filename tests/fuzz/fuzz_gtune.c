/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the agent's side of memory/xenballoon/agent: the
 * parser of the settings dom0 chooses for the agent, untrusted to the
 * agent.  It checks that every value the parser keeps is within the
 * agent's own bounds (xb_gtune_keys[]), that a clamped or garbage value is
 * reported, that the result survives a format/parse round trip without a
 * clamp, and that any settings at all, formatted, need no clamp.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gstatus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_result(const struct xb_gtune *t)
{
    struct xb_gtune again;
    uint32_t clamped, bad;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;
    int n;

    for (int i = 0; i < XB_GT_COUNT; i++)
        if (t->v[i] < xb_gtune_keys[i].min || t->v[i] > xb_gtune_keys[i].max)
            abort();
    n = xb_gtune_format(t, buf, sizeof(buf));
    if (n < 0)
        abort();
    xb_gtune_defaults(&again);
    if (xb_gtune_parse(buf, (size_t)n, &again, &clamped, &bad, &cause) < 0)
        abort();
    if (clamped != 0 || bad != 0 || again.present != t->present)
        abort();
    for (int i = 0; i < XB_GT_COUNT; i++)
        if ((t->present & (1u << i)) && again.v[i] != t->v[i])
            abort();
}

static void
check_format_any(const uint8_t *data, size_t size)
{
    struct xb_gtune t, back;
    uint32_t clamped, bad;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;
    int n;

    if (size < sizeof(t))
        return;
    memcpy(&t, data, sizeof(t));
    t.present &= (1u << XB_GT_COUNT) - 1;
    n = xb_gtune_format(&t, buf, sizeof(buf));
    if (n < 0)
        abort();
    xb_gtune_defaults(&back);
    if (xb_gtune_parse(buf, (size_t)n, &back, &clamped, &bad, &cause) < 0 ||
        clamped != 0 || bad != 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xb_gtune t;
    uint32_t clamped = 0, bad = 0;
    char *cause = NULL, *copy;

    copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    xb_gtune_defaults(&t);
    if (xb_gtune_parse(copy, size, &t, &clamped, &bad, &cause) == 0) {
        if (cause != NULL)
            abort();
        if (((clamped | bad) >> XB_GT_COUNT) != 0)
            abort();
        check_result(&t);
    } else if (cause == NULL || cause[0] == '\0') {
        abort();
    }
    free(cause);
    free(copy);
    check_format_any(data, size);
    return 0;
}
