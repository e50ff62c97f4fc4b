/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exposition of the host's capacity (daemon.h: dmn_capacity, in the
 * metrics snapshot as "capacity", within the default 30 s): what a fleet
 * scheduler reads to pick a host, and what the shipped rules sum over the
 * fleet (xenballoon.rules.yml).  Sizes in bytes, times in seconds; a
 * reclaim that cannot be timed is left out.
 */
#include <inttypes.h>
#include <string.h>

#include <event2/buffer.h>

#include "met_priv.h"

static const struct {
    const char *name, *key, *help;
} met_cap[] = {
    { "xenballoon_host_memory_guaranteed_bytes", "guaranteed_kb",
      "Sum of the balanced domains' min: what they are never shrunk below" },
    { "xenballoon_host_memory_committed_bytes", "committed_kb",
      "Sum of the balanced domains' targets" },
    { "xenballoon_host_memory_in_use_bytes", "in_use_kb",
      "Sum of the balanced domains' needs (the policy's)" },
    { "xenballoon_host_memory_reclaimable_bytes", "reclaimable_kb",
      "What a hold could free now: donors' memory above their floors" },
    { "xenballoon_host_memory_admittable_bytes", "admittable_kb",
      "The largest guest that could start within 30 s without pushing a "
      "running guest below its need" },
};

static const char *const met_levels[] = { "ok", "tight", "critical" };

void
met_render_capacity(const json_t *cap, struct evbuffer *o)
{
    const json_t *v;
    const char *level;

    if (!json_is_object(cap))
        return;
    for (size_t i = 0; i < sizeof(met_cap) / sizeof(met_cap[0]); i++) {
        v = json_object_get(cap, met_cap[i].key);
        if (!json_is_integer(v))
            continue;
        evbuffer_add_printf(o, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n",
                            met_cap[i].name, met_cap[i].help, met_cap[i].name,
                            met_cap[i].name,
                            (long long)json_integer_value(v) * 1024);
    }
    v = json_object_get(cap, "reclaim_ms");
    if (json_is_integer(v))
        evbuffer_add_printf(
            o,
            "# HELP xenballoon_host_memory_reclaim_seconds Estimated time "
            "to free all reclaimable memory at the balloon speeds seen\n"
            "# TYPE xenballoon_host_memory_reclaim_seconds gauge\n"
            "xenballoon_host_memory_reclaim_seconds %.3f\n",
            (double)json_integer_value(v) / 1000.0);
    level = json_string_value(json_object_get(cap, "pressure"));
    evbuffer_add_printf(o, "# HELP xenballoon_host_pressure 1 for the host's "
                           "pressure level, 0 for the others\n"
                           "# TYPE xenballoon_host_pressure gauge\n");
    for (size_t i = 0; i < sizeof(met_levels) / sizeof(met_levels[0]); i++)
        evbuffer_add_printf(o, "xenballoon_host_pressure{level=\"%s\"} %d\n",
                            met_levels[i],
                            level != NULL && strcmp(level, met_levels[i]) == 0);
}
