/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to policies/: the built-in policy descriptors the registry lists,
 * and the shared arithmetic the policies build on (domain-frame need, the
 * memory pool the managed domains share, and the weighted water-fill that
 * proportional and pressure use to divide it).  Nothing outside policies/
 * includes this header.
 */
#ifndef XB_POLICIES_BUILTIN_H
#define XB_POLICIES_BUILTIN_H

#include <stdint.h>

#include "policy.h"

extern const struct xb_policy xb_policy_static;
extern const struct xb_policy xb_policy_selfballoon;
extern const struct xb_policy xb_policy_proportional;
extern const struct xb_policy xb_policy_squeeze;
extern const struct xb_policy xb_policy_pressure;

/* Upper bound for size parameters: 16 TiB in KiB, beyond any Xen guest. */
#define POL_KIB_MAX 17179869184.0

/*
 * KiB the domain holds that the guest does not count in MemTotal (kernel
 * image, reserved and balloon-driver pages), so that guest figures can be
 * moved into the domain-total frame: balloon current_kb - MemTotal when the
 * agent reports the balloon, else actual - MemTotal; never negative.
 */
uint64_t pol_frame_kb(const struct xb_pol_dom *d, const struct xb_record *r);
/* xb_record_used_kb() in the domain-total frame. */
uint64_t pol_used_kb(const struct xb_pol_dom *d, const struct xb_record *r);
/* The long peak (xb_pol_dom.peak_kb) in the domain-total frame of the
 * latest record; 0 when unknown. */
uint64_t pol_peak_kb(const struct xb_pol_dom *d);

/*
 * The memory the domains with fresh agent data may share: the budget minus
 * what every silent domain keeps (max(actual, target): it is never shrunk
 * and may still take what it was promised).
 */
uint64_t pol_pool(const struct xb_pol_snapshot *snap);
/* Wants the domain's current target (silent domains); reason given. */
void pol_keep(const struct xb_pol_dom *d, struct xb_pol_want *w,
              const char *why);

/* floor(a * b / c) without overflow, saturating at UINT64_MAX; c > 0. */
uint64_t pol_muldiv(uint64_t a, uint64_t b, uint64_t c);
/* kb * factor rounded to the nearest KiB, saturating; factor >= 0. */
uint64_t pol_scale(uint64_t kb, double factor);

/*
 * One domain's term in a water-fill: it receives
 *   clamp(base + w * c, lo, hi)
 * for one level c shared by every term (c may be negative).
 */
struct pol_term {
    uint64_t base, lo, hi; /* KiB; lo <= hi */
    uint64_t w;            /* slope: weight or preference, may be 0 */
    uint64_t out;          /* result, KiB */
};

/*
 * Finds the level at which the terms add up to `total` and fills in every
 * `out`: all lo when total <= sum(lo), all hi when total >= sum(hi).  The
 * level is located by bisection and the final split computed exactly in
 * integers (floor), so sum(out) <= total and the result is reproducible.
 * O(n) per bisection step, a fixed number of steps.
 */
void pol_fill(struct pol_term *t, unsigned n, uint64_t total);

#endif
