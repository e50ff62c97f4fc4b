/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's configuration: a JSON file (jansson, duplicate keys
 * rejected).  One schema table per object (cfg_top.c, cfg_rules.c, cfg_sim.c)
 * drives defaults, validation, `config show` and the man page.  Syntax errors
 * come out as `file:line:col: message`; semantic errors name the JSON path and
 * the allowed range; unknown keys are errors; every error is reported.
 *
 * Sizes are KiB internally.  In the file a size is either an integer (KiB)
 * or a string with a binary unit ("512M", "1.5G", "64MiB", "2048K").
 * Durations are an integer (milliseconds) or a string ("250ms", "2s",
 * "5m").
 */
#ifndef XB_CONFIG_CONFIG_H
#define XB_CONFIG_CONFIG_H

#include <stdint.h>

#include <jansson.h>

#include "compat/queue.h"
#include "errlist.h"

struct xb_policy_inst;

enum cfg_backend {
    CFG_BACKEND_XEN,
    CFG_BACKEND_SIM,
};

/*
 * The settings dom0 hands each guest's agent (memory/xenballoon/agent,
 * common/gstatus.h).  In a rule, 0 and -1 mean unset.
 */
struct cfg_agent {
    uint64_t interval_ms;   /* sampling interval */
    uint64_t heartbeat_ms;  /* record heartbeat (whole seconds) */
    int compat;             /* XenServer data/meminfo_* keys */
    int psi_trigger;        /* wake on PSI stalls */
    uint64_t step_kb;       /* smallest change worth a record */
    unsigned step_permille; /* ... relative to MemTotal */
    uint64_t refault_burst; /* pages */
    uint64_t psi_min_us;    /* stall growth worth a record */
};

/* Per-domain rule; the first rule that matches a domain wins per field. */
struct cfg_rule {
    char *pattern;          /* fnmatch(3) pattern on the domain name, or NULL */
    int domid;              /* exact domid, or -1 */
    uint64_t min_kb;        /* 0 = unset */
    uint64_t max_kb;        /* 0 = unset */
    unsigned weight;        /* 0 = unset; else 1..10000 */
    int exclude;            /* -1 = unset, 0 or 1 */
    struct cfg_agent agent; /* every field unset by default */
    TAILQ_ENTRY(cfg_rule) entry;
};
TAILQ_HEAD(cfg_rules, cfg_rule);

/* A simulated guest for the `sim` backend. */
struct cfg_simdom {
    char *name;
    uint64_t memory_kb; /* boot allocation and initial target */
    uint64_t maxmem_kb; /* static-max */
    uint64_t base_kb;   /* kernel + unreclaimable, never freed */
    uint64_t demand_kb; /* anonymous demand at start */
    uint64_t rate_kb_s; /* balloon speed, KiB per second */
    char *driver;       /* "ideal", "slow", "capped", "stuck" */
    char *workload;     /* "idle", "eatmem", "step" */
    int agent;          /* 1: publishes records */
    TAILQ_ENTRY(cfg_simdom) entry;
};
TAILQ_HEAD(cfg_simdoms, cfg_simdom);

struct cfg_sim {
    uint64_t host_kb; /* physical memory */
    uint64_t xen_kb;  /* hypervisor overhead, never free */
    uint64_t dom0_kb; /* dom0's fixed allocation */
    uint64_t seed;
    struct cfg_simdoms doms;
};

/*
 * Does the simulated host hold its Xen overhead, dom0 and `copies` of each
 * domain?  Exactly full fits.  The one check both `check-config` (copies 1)
 * and the sim backend at start-up apply.  0, or -1 with *cause.
 */
int cfg_sim_fit(const struct cfg_sim *sim, unsigned copies, char **cause);

struct xb_config {
    char *path; /* file it was read from, or NULL */

    enum cfg_backend backend;
    struct cfg_sim sim; /* only for CFG_BACKEND_SIM */

    /* "policy": { "name": "...", "params": { ... } } */
    char *policy_name;
    json_t *policy_params;         /* owned; NULL = defaults */
    struct xb_policy_inst *policy; /* validated instance */

    uint64_t reserve_kb;      /* host memory never handed out */
    uint64_t tick_ms;         /* periodic progress check and rebalance */
    uint64_t settle_ms;       /* coalescing delay after an event */
    uint64_t deadband_kb;     /* ignore target changes smaller than this */
    double shrink_step;       /* max fraction of actual removed per step */
    uint64_t shrink_max_kb;   /* and at most this per step */
    uint64_t min_interval_ms; /* between two target changes of a domain */
    uint64_t stale_ms;        /* agent silent this long: stale, never shrunk */
    uint64_t stuck_ms;        /* no progress toward target this long: stuck */
    uint64_t uncoop_ms;       /* stuck this long: uncooperative */
    uint64_t stuck_retry_ms;  /* a stuck domain's learnt limit kept this long */
    uint64_t progress_kb;     /* movement that counts as progress */
    uint64_t records_per_s;   /* per-domain accepted record rate */
    unsigned records_burst;
    uint64_t min_floor_kb; /* default min: max(this, heuristic) */
    uint64_t health_ms;    /* xenstore health-check period */

    struct cfg_rules rules;

    /* What guests are told (memory/xenballoon/), and survey warnings. */
    struct cfg_agent agent;     /* defaults for every guest's agent */
    uint64_t status_hb_ms;      /* republish a guest's status this often */
    double pressure_tight;      /* headroom share of host memory: tight */
    double pressure_critical;   /* ... critical */
    double warn_overcommit;     /* sum of maxmem over host memory */
    double warn_inflation;      /* share of static-max ballooned out */
    uint64_t warn_inflation_ms; /* ... sustained this long */
    uint64_t warn_swapin;       /* guest swap-in, pages per second */

    char *socket_path;
    char *socket_group;   /* read-only group, or NULL */
    char *metrics_listen; /* Prometheus endpoint "host:port", or NULL: off */
    int log_level;        /* XB_LOG_* */
};

/* Defaults for every field (no policy instance yet). */
void cfg_defaults(struct xb_config *cfg);

/*
 * Loads and validates a config file; every problem goes to `el`.  Returns
 * NULL on any error.  path == NULL gives the built-in defaults.
 */
struct xb_config *cfg_load(const char *path, struct xb_errlist *el);
/* The same from a string (tests, fuzzing); `name` is used in messages. */
struct xb_config *cfg_load_string(const char *text, const char *name,
                                  struct xb_errlist *el);
void cfg_free(struct xb_config *cfg);

/* The effective config as JSON (new reference), for `config show`. */
json_t *cfg_to_json(const struct xb_config *cfg);

/*
 * The per-domain settings a name/domid resolves to after the rules and the
 * defaults: min_kb/max_kb 0 mean "use the heuristic / static-max".
 */
struct cfg_domset {
    uint64_t min_kb, max_kb;
    unsigned weight;
    int exclude;
};
void cfg_resolve(const struct xb_config *cfg, const char *name, int domid,
                 struct cfg_domset *out);

/* A buffer for a listen address's host part, with the NUL. */
#define CFG_HOST_MAX 256
/*
 * "host:port", "[v6-address]:port", or a bare "port" (then host is the
 * loopback address 127.0.0.1) -> host without brackets (at most `len` - 1
 * bytes) and port (0..65535; 0 picks a free one).  0 or -1 with *cause.
 */
int cfg_parse_listen(const char *s, char *host, size_t len, unsigned *port,
                     char **cause);

/* The agent settings for a domain: "agent" overlaid by matching rules. */
void cfg_resolve_agent(const struct xb_config *cfg, const char *name, int domid,
                       struct cfg_agent *out);

/*
 * A rule's size key ("min" or "max") given as text by an operator (`set`):
 * the shared parser, a bare number is KiB, and the config's own range for
 * that key.  0 and *kb, or -1 with *cause in the config's words.
 */
int cfg_rule_size(const char *key, const char *text, uint64_t *kb,
                  char **cause);

/* Parses "512M"/integer KiB; "250ms"/integer ms.  0 or -1 with *cause. */
int cfg_parse_size(const json_t *v, uint64_t *kb, char **cause);
int cfg_parse_duration(const json_t *v, uint64_t *ms, char **cause);

#endif
