/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the stats-record parser, the one piece of code that
 * reads what a guest writes.  Besides "no crash, no leak, no UB" it checks
 * what the parser promises: an accepted record has every required field,
 * respects the consistency rules, and survives a format/parse round trip
 * unchanged.  Any broken promise aborts, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_accepted(const struct xb_record *r)
{
    struct xb_record again;
    char buf[XB_RECORD_MAX + 1];
    char *cause = NULL;
    int n;

    for (int f = 0; f < XB_F_COUNT; f++) {
        if (xb_fields[f].required && !xb_record_has(r, f))
            abort();
        if (xb_record_has(r, f) && r->v[f] > xb_fields[f].max)
            abort();
    }
    if (r->v[XB_F_TOTAL] == 0 || r->v[XB_F_FREE] > r->v[XB_F_TOTAL])
        abort();
    /* Used memory never exceeds what the guest has plus its swap. */
    if (xb_record_used_kb(r) >
        r->v[XB_F_TOTAL] + xb_record_get(r, XB_F_SWAPTOTAL, 0))
        abort();
    n = xb_record_format(r, buf, sizeof(buf));
    if (n < 0)
        abort(); /* accepted input is at most XB_RECORD_MAX: it fits */
    if (xb_record_parse(buf, (size_t)n, &again, &cause) < 0)
        abort();
    if (memcmp(&again, r, sizeof(again)) != 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xb_record r;
    char *cause = NULL;
    char *copy;

    /* Exactly `size` bytes on the heap, so ASan sees any overread. */
    copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    memset(&r, 0xa5, sizeof(r));
    if (xb_record_parse(copy, size, &r, &cause) == 0) {
        if (cause != NULL)
            abort();
        check_accepted(&r);
    } else if (cause == NULL || cause[0] == '\0') {
        abort(); /* every rejection says why */
    }
    free(cause);
    free(copy);
    return 0;
}
