/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rates from the agent history (see rates.h): between the newest sample
 * and the oldest one of the same agent run within the window, through
 * xb_rate() (common/rate.h), which keeps them overflow-safe and within
 * their physical range.
 */
#include <string.h>

#include "rate.h"
#include "rates.h"

/* Does sample b follow a in the same agent run? */
static int
met_follows(const struct xb_pol_sample *a, const struct xb_pol_sample *b)
{
    return b->rec.v[XB_F_SEQ] > a->rec.v[XB_F_SEQ] && b->t_ms >= a->t_ms;
}

static void
met_rate(const struct xb_pol_sample *hist, unsigned n, uint64_t window_ms,
         enum xb_field f, double *rate, int *has)
{
    const struct xb_pol_sample *last = &hist[n - 1], *first = NULL;
    unsigned i;

    *has = 0;
    if (!xb_record_has(&last->rec, f))
        return;
    /* Walk back while the run, the field and the window allow. */
    for (i = n - 1; i > 0; i--) {
        const struct xb_pol_sample *s = &hist[i - 1], *next = &hist[i];

        if (!xb_record_has(&s->rec, f) || !met_follows(s, next) ||
            s->rec.v[f] > next->rec.v[f])
            break;
        if (first != NULL && last->t_ms - s->t_ms > window_ms)
            break;
        first = s;
    }
    if (first == NULL)
        return;
    *has =
        xb_rate(&first->rec, first->t_ms, &last->rec, last->t_ms, f, rate) == 0;
}

void
met_rates(const struct xb_pol_sample *hist, unsigned n, uint64_t window_ms,
          struct met_rates *out)
{
    memset(out, 0, sizeof(*out));
    if (n < 2)
        return;
    met_rate(hist, n, window_ms, XB_F_PSI_SOME, &out->pressure,
             &out->has_pressure);
    met_rate(hist, n, window_ms, XB_F_PSWPIN, &out->swapin, &out->has_swapin);
    met_rate(hist, n, window_ms, XB_F_PSWPOUT, &out->swapout,
             &out->has_swapout);
}

unsigned
met_history(unsigned want)
{
    return want > MET_HISTORY_MIN ? want : MET_HISTORY_MIN;
}
