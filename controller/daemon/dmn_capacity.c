/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's answer to `capacity` and the metrics' capacity figures
 * (daemon.h): the host as of the latest rebalance, the domain table and
 * the holds, through cap_compute() (capacity.h), with the host's pressure
 * level as the guests are told it.
 */
#include "capacity.h"
#include "daemon_priv.h"

static json_t *
kb(uint64_t v)
{
    return json_integer((json_int_t)v);
}

json_t *
dmn_capacity(struct xb_daemon *d, uint64_t within_ms)
{
    struct cap_in in = {
        .free_kb = d->phys.free_kb,
        .reserve_kb = d->cfg->reserve_kb,
        .held_kb = dmn_held_kb(d),
        .promised_kb = d->last_bal.promised_kb,
        .within_ms = within_ms,
        .overhead_ms = d->cfg->settle_ms + d->cfg->tick_ms,
        .paused = d->paused,
    };
    struct cap_out out;
    struct gst_host gh;

    cap_compute(&d->doms, &in, &out);
    gst_host_build(&d->doms, d->phys.total_kb, d->phys.free_kb,
                   d->last_bal.available_kb, d->cfg, &gh);
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, "
        "s:o, s:o, s:s}",
        "total_kb", kb(d->phys.total_kb), "free_kb", kb(in.free_kb),
        "reserve_kb", kb(in.reserve_kb), "held_kb", kb(in.held_kb),
        "promised_kb", kb(in.promised_kb), "available_kb", kb(out.available_kb),
        "guaranteed_kb", kb(out.guaranteed_kb), "committed_kb",
        kb(out.committed_kb), "in_use_kb", kb(out.in_use_kb), "reclaimable_kb",
        kb(out.reclaimable_kb), "reclaim_ms",
        out.reclaim_ms == UINT64_MAX ? json_null() : kb(out.reclaim_ms),
        "admittable_kb", kb(out.admittable_kb), "donors",
        (json_int_t)out.donors, "within_ms", kb(within_ms), "paused",
        json_boolean(d->paused), "pressure", xb_glevel_name(gh.level));
}
