/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Selfballooning arithmetic: see selfballoon.h.
 */
#include <string.h>

#include "selfballoon.h"

void
ag_sb_defaults(struct ag_sb_params *p)
{
    memset(p, 0, sizeof(*p));
    p->down = AG_SB_DOWN;
    p->up = AG_SB_UP;
    p->reserve_pct = AG_SB_RESERVE_PCT;
    p->floor_base_kb = AG_SB_FLOOR_BASE_KB;
}

uint64_t
ag_sb_minimum_target_kb(uint64_t maxmem_kb)
{
    uint64_t mb = maxmem_kb / 1024, pages = maxmem_kb / 4, min_mb;

    if (mb < 125)
        min_mb = 8 + (pages >> 9);
    else if (mb < 500)
        min_mb = 40 + (pages >> 10);
    else if (mb < 2000)
        min_mb = 104 + (pages >> 11);
    else
        min_mb = 296 + (pages >> 13);
    return min_mb * 1024;
}

int
ag_sb_input(const struct xb_record *r, struct ag_sb_in *in)
{
    uint64_t total = r->v[XB_F_TOTAL];

    memset(in, 0, sizeof(*in));
    if (!xb_record_has(r, XB_F_COMMITTED) || !xb_record_has(r, XB_F_TOTAL))
        return -1;
    in->total_kb = total;
    in->committed_kb = r->v[XB_F_COMMITTED];
    if (xb_record_has(r, XB_F_AVAIL))
        in->avail_kb = r->v[XB_F_AVAIL];
    else
        in->avail_kb = r->v[XB_F_FREE] + xb_record_get(r, XB_F_BUFFERS, 0) +
                       xb_record_get(r, XB_F_CACHED, 0);
    if (in->avail_kb > total)
        in->avail_kb = total;
    in->current_kb = xb_record_get(r, XB_F_BALLOON, 0);
    return 0;
}

int
ag_sb_plausible_maxmem(uint64_t maxmem_kb, uint64_t total_kb)
{
    /* A guest's MemTotal never exceeds its static-max: a smaller one
     * (1 KiB, 64 MiB under a 512 MiB guest) is a lie or a misreading. */
    return maxmem_kb != 0 && maxmem_kb >= total_kb;
}

int
ag_sb_compute(const struct ag_sb_params *p, const struct ag_sb_in *in,
              struct ag_sb_out *out)
{
    uint64_t cur = in->total_kb, goal, floor, used, tgt, frame, maxmem = 0;
    unsigned down = p->down ? p->down : 1, up = p->up ? p->up : 1;

    memset(out, 0, sizeof(*out));
    if (cur == 0)
        return -1;
    if (ag_sb_plausible_maxmem(in->maxmem_kb, cur))
        maxmem = in->maxmem_kb;
    else if (in->maxmem_kb != 0)
        out->maxmem_ignored = 1;
    used = in->avail_kb < cur ? cur - in->avail_kb : 0;
    goal = in->committed_kb + p->reserve_kb + cur * p->reserve_pct / 100;
    /* Without static-max the heuristic sizes from what the guest has. */
    floor = ag_sb_minimum_target_kb(maxmem           ? maxmem
                                    : in->current_kb ? in->current_kb
                                                     : cur);
    if (floor < p->floor_base_kb + used)
        floor = p->floor_base_kb + used;
    /* The ceiling first, then the floor: the floor keeps the kernel
     * alive, so it wins over static-max. */
    if (maxmem != 0 && goal > maxmem)
        goal = maxmem;
    if (goal < floor)
        goal = floor;
    if (cur > goal)
        tgt = cur - (cur - goal) / down;
    else
        tgt = cur + (goal - cur) / up;
    /* The kernel's boot reservations, counted by the balloon only. */
    frame = in->current_kb > cur ? in->current_kb - cur : 0;
    out->goal_kb = goal;
    out->floor_kb = floor;
    out->tgt_kb = tgt;
    out->target_kb = tgt + frame;
    if (maxmem != 0 && out->target_kb > maxmem)
        out->target_kb = maxmem > floor + frame ? maxmem : floor + frame;
    return 0;
}
