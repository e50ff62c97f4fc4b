/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the agent's side of memory/xenballoon/status: the
 * parser of dom0's status line, which the agent reads as untrusted input.
 * Besides "no crash, no leak, no UB" it checks what both sides promise:
 * an accepted line has every figure within the parser's bounds and
 * survives a format/parse round trip, and whatever dom0 formats, from any
 * figures at all, the agent accepts (the formatter clamps to the parser's
 * bounds).  Any broken promise aborts, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gstatus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KIB_MAX (UINT64_C(1) << 34)

static void
check_accepted(const struct xb_gstatus *s)
{
    struct xb_gstatus again;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;
    int n;

    if (s->target_kb > KIB_MAX || s->actual_kb > KIB_MAX ||
        s->min_kb > KIB_MAX || s->max_kb > KIB_MAX || s->need_kb > KIB_MAX ||
        s->free_kb > KIB_MAX || s->total_kb > KIB_MAX || s->hb_period_s == 0 ||
        s->hb_period_s > 86400 || s->ocmax_pct > 100000 ||
        s->octgt_pct > 100000)
        abort();
    for (const char *p = s->reason; *p != '\0'; p++)
        if (*p < 0x20 || *p > 0x7e)
            abort(); /* the reason reaches logs and terminals */
    n = xb_gstatus_format(s, buf, sizeof(buf));
    if (n < 0)
        abort();
    if (xb_gstatus_parse(buf, (size_t)n, &again, &cause) < 0)
        abort();
    if (memcmp(&again, s, sizeof(again)) != 0)
        abort();
}

/* Any figures dom0 might hold (a lying record behind them): formatted,
 * they must parse. */
static void
check_format_any(const uint8_t *data, size_t size)
{
    struct xb_gstatus s, back;
    char buf[XB_GSTATUS_MAX + 1], *cause = NULL;
    int n;

    if (size < sizeof(s))
        return;
    memcpy(&s, data, sizeof(s));
    s.state[sizeof(s.state) - 1] = '\0';
    s.reason[sizeof(s.reason) - 1] = '\0';
    s.level = (enum xb_glevel)((unsigned)s.level % 4);
    n = xb_gstatus_format(&s, buf, sizeof(buf));
    if (n < 0)
        abort(); /* the longest line fits the cap */
    if (xb_gstatus_parse(buf, (size_t)n, &back, &cause) < 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xb_gstatus s;
    char *cause = NULL, *copy;

    copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    memset(&s, 0xa5, sizeof(s));
    if (xb_gstatus_parse(copy, size, &s, &cause) == 0) {
        if (cause != NULL)
            abort();
        check_accepted(&s);
    } else if (cause == NULL || cause[0] == '\0') {
        abort(); /* every rejection says why */
    }
    free(cause);
    free(copy);
    check_format_any(data, size);
    return 0;
}
