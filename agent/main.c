/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenballoon-agent: the in-guest publisher.  It samples the guest's memory
 * figures on a timer (and at once when a PSI trigger reports a stall),
 * decides whether dom0 needs to hear about them, and writes one compact
 * record to the guest's xenstore directory.  It also watches what dom0
 * publishes for it (its status and its settings, view.c), shows that
 * inside the guest (--status, a Prometheus textfile: report.c) and, with
 * --selfballoon and no controller in dom0, balloons the guest itself
 * (selfballoon.c).  This file owns the command line, the signal handling
 * and the main loop; sampling, the decisions and the writers live in
 * common/procfs.c, change.c, selfballoon.c, publish.c and report.c.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "change.h"
#include "gstatus.h"
#include "log.h"
#include "procfs.h"
#include "psi.h"
#include "publish.h"
#include "record.h"
#include "report.h"
#include "selfballoon.h"
#include "view.h"
#include "xmalloc.h"

/* Exit codes. */
#define AG_EXIT_OK 0
#define AG_EXIT_RUNTIME 1
#define AG_EXIT_USAGE 2

/* Sampling interval, milliseconds: default, floor and ceiling.  Below
 * 100 ms the agent would cost more than the memory it helps save. */
#define AG_INTERVAL_MS 1000
#define AG_INTERVAL_MIN_MS 100
#define AG_INTERVAL_MAX_MS (3600 * 1000)
/* Heartbeat, seconds: upper bound, a day. */
#define AG_HEARTBEAT_MAX_S 86400
/* Sampling-failure messages: 3 at once, then one a minute. */
#define AG_WARN_BURST 3
#define AG_WARN_INTERVAL_MS 60000
/* The same budget for complaints about dom0's settings. */
#define AG_TUNE_WARN_BURST 8

struct ag_opts {
    const char *root;
    unsigned interval_ms;
    unsigned heartbeat_s;
    unsigned long long count; /* samples before exiting; 0 = forever */
    int once;
    int dry_run;
    int compat;
    int psi_trigger;
    int check;
    int verbose;
    int status;      /* --status: print dom0's status once */
    int json;        /* ... as JSON */
    int selfballoon; /* balloon ourselves while no controller runs */
    const char *textfile_dir;
    /* Options given explicitly: dom0's settings do not override them. */
    uint32_t explicit_tune; /* bits (1u << XB_GT_*) */
};

/* Loop state: what was last published, and when. */
struct ag_state {
    struct ag_change_params params;
    struct xb_record last;
    int have_last;
    uint64_t last_ms;
    uint64_t seq;
    struct xb_ratelimit warn_rl;

    /* Settings: the command line's, and dom0's over them. */
    struct xb_gtune base;
    unsigned interval_ms;
    int psi_want;
    struct xb_ratelimit tune_rl;
    uint64_t tune_clamped;

    /* dom0's view; NULL for --dry-run and --once. */
    struct ag_view *view;
    int controller; /* a controller's heartbeat is alive */

    /* Selfballooning. */
    struct ag_sb_params sb;
    int sb_have_last;
    uint64_t sb_last_kb, sb_writes;
    uint64_t sb_bad_maxmem_kb; /* the implausible static-max last logged */
    int prom_dirty;
};

static volatile sig_atomic_t ag_quit;

static void
usage(FILE *f)
{
    fprintf(f,
            "usage: xenballoon-agent [-hVv] [--once] [--dry-run] [--root DIR]\n"
            "                        [--interval MS] [--heartbeat SEC] "
            "[--count N]\n"
            "                        [--no-compat] [--no-psi-trigger]\n"
            "                        [--selfballoon] "
            "[--textfile-dir DIR]\n"
            "       xenballoon-agent --status [--json]\n"
            "       xenballoon-agent --check < record\n");
}

static uint64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Strict decimal for option values: digits only, within [lo, hi]. */
static int
parse_num(const char *s, unsigned long long lo, unsigned long long hi,
          unsigned long long *out)
{
    char *end;
    unsigned long long v;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

enum {
    OPT_ONCE = 256,
    OPT_DRY_RUN,
    OPT_ROOT,
    OPT_INTERVAL,
    OPT_HEARTBEAT,
    OPT_COUNT,
    OPT_NO_COMPAT,
    OPT_NO_PSI,
    OPT_CHECK,
    OPT_STATUS,
    OPT_JSON,
    OPT_SELFBALLOON,
    OPT_TEXTFILE_DIR,
};

static const struct option ag_longopts[] = {
    { "once", no_argument, NULL, OPT_ONCE },
    { "dry-run", no_argument, NULL, OPT_DRY_RUN },
    { "root", required_argument, NULL, OPT_ROOT },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "heartbeat", required_argument, NULL, OPT_HEARTBEAT },
    { "count", required_argument, NULL, OPT_COUNT },
    { "no-compat", no_argument, NULL, OPT_NO_COMPAT },
    { "no-psi-trigger", no_argument, NULL, OPT_NO_PSI },
    { "check", no_argument, NULL, OPT_CHECK },
    { "status", no_argument, NULL, OPT_STATUS },
    { "json", no_argument, NULL, OPT_JSON },
    { "selfballoon", no_argument, NULL, OPT_SELFBALLOON },
    { "textfile-dir", required_argument, NULL, OPT_TEXTFILE_DIR },
    { "verbose", no_argument, NULL, 'v' },
    { "version", no_argument, NULL, 'V' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, or the exit code. */
static int
parse_args(int argc, char **argv, struct ag_opts *o)
{
    unsigned long long v;
    int ch;

    memset(o, 0, sizeof(*o));
    o->root = "/";
    o->interval_ms = AG_INTERVAL_MS;
    o->heartbeat_s = AG_HEARTBEAT_MS / 1000;
    o->compat = 1;
    o->psi_trigger = 1;
    while ((ch = getopt_long(argc, argv, "hVv", ag_longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_ONCE:
            o->once = 1;
            break;
        case OPT_DRY_RUN:
            o->dry_run = 1;
            break;
        case OPT_ROOT:
            o->root = optarg;
            break;
        case OPT_INTERVAL:
            if (parse_num(optarg, 0, AG_INTERVAL_MAX_MS, &v) < 0) {
                log_warnx("--interval: want milliseconds up to %u, got '%s'",
                          AG_INTERVAL_MAX_MS, optarg);
                return AG_EXIT_USAGE;
            }
            if (v < AG_INTERVAL_MIN_MS) {
                log_warnx("--interval %llu ms is too fast; using %u ms", v,
                          AG_INTERVAL_MIN_MS);
                v = AG_INTERVAL_MIN_MS;
            }
            o->interval_ms = (unsigned)v;
            o->explicit_tune |= 1u << XB_GT_INTERVAL;
            break;
        case OPT_HEARTBEAT:
            if (parse_num(optarg, 1, AG_HEARTBEAT_MAX_S, &v) < 0) {
                log_warnx("--heartbeat: want 1 to %u seconds, got '%s'",
                          AG_HEARTBEAT_MAX_S, optarg);
                return AG_EXIT_USAGE;
            }
            o->heartbeat_s = (unsigned)v;
            o->explicit_tune |= 1u << XB_GT_HEARTBEAT;
            break;
        case OPT_COUNT:
            if (parse_num(optarg, 1, UINT64_MAX, &v) < 0) {
                log_warnx("--count: want a positive number, got '%s'", optarg);
                return AG_EXIT_USAGE;
            }
            o->count = v;
            break;
        case OPT_NO_COMPAT:
            o->compat = 0;
            o->explicit_tune |= 1u << XB_GT_COMPAT;
            break;
        case OPT_NO_PSI:
            o->psi_trigger = 0;
            o->explicit_tune |= 1u << XB_GT_PSI;
            break;
        case OPT_CHECK:
            o->check = 1;
            break;
        case OPT_STATUS:
            o->status = 1;
            break;
        case OPT_JSON:
            o->json = 1;
            break;
        case OPT_SELFBALLOON:
            o->selfballoon = 1;
            break;
        case OPT_TEXTFILE_DIR:
            o->textfile_dir = optarg;
            break;
        case 'v':
            o->verbose = 1;
            break;
        case 'V':
            printf("xenballoon-agent %s\n", XB_VERSION);
            return AG_EXIT_OK;
        case 'h':
            usage(stdout);
            return AG_EXIT_OK;
        default:
            usage(stderr);
            return AG_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        log_warnx("unexpected argument '%s'", argv[optind]);
        usage(stderr);
        return AG_EXIT_USAGE;
    }
    if (o->json && !o->status) {
        log_warnx("--json goes with --status");
        return AG_EXIT_USAGE;
    }
    return -1;
}

/*
 * --check: one record on stdin (a trailing newline allowed), judged by the
 * same parser dom0 uses.
 */
static int
run_check(void)
{
    char buf[XB_RECORD_MAX + 2]; /* one byte more than a valid line */
    struct xb_record r;
    char *cause = NULL;
    size_t len;

    len = fread(buf, 1, sizeof(buf), stdin);
    if (ferror(stdin)) {
        log_warn("stdin");
        return AG_EXIT_RUNTIME;
    }
    if (len > 0 && buf[len - 1] == '\n')
        len--;
    if (xb_record_parse(buf, len, &r, &cause) < 0) {
        printf("rejected: %s\n", cause);
        free(cause);
        return AG_EXIT_RUNTIME;
    }
    printf("ok\n");
    return AG_EXIT_OK;
}

static void
on_signal(int sig)
{
    (void)sig;
    ag_quit = 1;
}

/*
 * SIGTERM and SIGINT stay blocked except inside ppoll(), so a signal can
 * neither be lost between the flag test and the wait nor interrupt a
 * xenstore request half-way.  *waitmask is the mask to wait with.
 */
static void
signals_init(sigset_t *waitmask)
{
    struct sigaction sa;
    sigset_t block;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* libxenstore flips SIGPIPE itself; make it process-wide and stable. */
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, waitmask);
    sigdelset(waitmask, SIGTERM);
    sigdelset(waitmask, SIGINT);
}

static void
state_init(struct ag_state *st, const struct ag_opts *o)
{
    memset(st, 0, sizeof(*st));
    ag_change_defaults(&st->params);
    st->params.heartbeat_ms = (uint64_t)o->heartbeat_s * 1000;
    xb_ratelimit_init(&st->warn_rl, AG_WARN_BURST, AG_WARN_INTERVAL_MS);
    xb_ratelimit_init(&st->tune_rl, AG_TUNE_WARN_BURST, AG_WARN_INTERVAL_MS);
    xb_gtune_defaults(&st->base);
    st->base.v[XB_GT_INTERVAL] = o->interval_ms;
    st->base.v[XB_GT_HEARTBEAT] = o->heartbeat_s;
    st->base.v[XB_GT_COMPAT] = (uint64_t)o->compat;
    st->base.v[XB_GT_PSI] = (uint64_t)o->psi_trigger;
    st->base.v[XB_GT_STEP] = st->params.step_min_kb;
    st->base.v[XB_GT_STEPPM] = st->params.step_permille;
    st->base.v[XB_GT_REFAULT] = st->params.refault_burst;
    st->base.v[XB_GT_PSIMIN] = st->params.psi_min_us;
    st->interval_ms = o->interval_ms;
    st->psi_want = o->psi_trigger;
    ag_sb_defaults(&st->sb);
}

/*
 * dom0's settings over the command line's: each field dom0 sent replaces
 * the command line's default, except options the guest's operator gave
 * explicitly.  Values out of the agent's bounds were clamped by the
 * parser; say so, rate-limited, once per new settings line.
 */
static void
apply_tune(const struct ag_opts *o, struct ag_state *st, struct ag_pub *pub)
{
    struct xb_gtune t;
    uint32_t clamped, bad;
    unsigned long long dropped;
    uint64_t now = mono_ms();
    int present;

    present = ag_view_tune(st->view, &st->base, &t, &clamped, &bad);
    for (int i = 0; i < XB_GT_COUNT; i++) {
        const struct xb_gtune_key *k = &xb_gtune_keys[i];

        if (o->explicit_tune & (1u << i)) {
            t.v[i] = st->base.v[i];
            continue;
        }
        if (!((clamped | bad) & (1u << i)))
            continue;
        st->tune_clamped++;
        if (!xb_ratelimit_ok(&st->tune_rl, now, &dropped))
            continue;
        if (bad & (1u << i))
            log_warnx("dom0 setting '%s' is not a number; keeping %llu %s "
                      "(%llu similar suppressed)",
                      k->key, (unsigned long long)t.v[i], k->unit, dropped);
        else
            log_warnx("dom0 setting '%s' is outside [%llu, %llu] %s; "
                      "clamped to %llu (%llu similar suppressed)",
                      k->key, (unsigned long long)k->min,
                      (unsigned long long)k->max, k->unit,
                      (unsigned long long)t.v[i], dropped);
    }
    st->interval_ms = (unsigned)t.v[XB_GT_INTERVAL];
    st->params.heartbeat_ms = t.v[XB_GT_HEARTBEAT] * 1000;
    st->params.step_min_kb = t.v[XB_GT_STEP];
    st->params.step_permille = (unsigned)t.v[XB_GT_STEPPM];
    st->params.refault_burst = t.v[XB_GT_REFAULT];
    st->params.psi_min_us = t.v[XB_GT_PSIMIN];
    st->psi_want = t.v[XB_GT_PSI] != 0;
    ag_pub_set_compat(pub, t.v[XB_GT_COMPAT] != 0);
    log_info("settings%s: interval %u ms, heartbeat %llu s, compat %d, "
             "psi %d, step %llu KiB or %u permille, refault %llu, "
             "psimin %llu us",
             present ? " from dom0" : " (dom0 sends none)", st->interval_ms,
             (unsigned long long)t.v[XB_GT_HEARTBEAT], (int)t.v[XB_GT_COMPAT],
             st->psi_want, (unsigned long long)st->params.step_min_kb,
             st->params.step_permille,
             (unsigned long long)st->params.refault_burst,
             (unsigned long long)st->params.psi_min_us);
    st->prom_dirty = 1;
}

/* Writes the balloon driver's target_kb below the root. */
static int
sb_write_target(const char *root, uint64_t kb)
{
    char path[4096];
    FILE *f;
    int rc = 0;

    if (snprintf(path, sizeof(path), "%s/%s", root, XB_SYS_BALLOON_TARGET) >=
        (int)sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    if (fprintf(f, "%llu\n", (unsigned long long)kb) < 0)
        rc = -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

/* One selfballooning step from a fresh sample (no controller running). */
static void
selfballoon_step(const struct ag_opts *o, struct ag_state *st,
                 const struct xb_record *cur, uint64_t now)
{
    struct ag_sb_in in;
    struct ag_sb_out out;
    unsigned long long dropped;
    uint64_t d;

    if (ag_sb_input(cur, &in) < 0) {
        if (xb_ratelimit_ok(&st->warn_rl, now, &dropped))
            log_warnx("selfballoon: no Committed_AS in /proc/meminfo; "
                      "not ballooning (%llu similar suppressed)",
                      dropped);
        return;
    }
    in.maxmem_kb = st->view != NULL ? ag_view_maxmem_kb(st->view) : 0;
    if (ag_sb_compute(&st->sb, &in, &out) < 0)
        return;
    /* One line per implausible value, not one per sample. */
    if (out.maxmem_ignored && in.maxmem_kb != st->sb_bad_maxmem_kb)
        log_warnx("selfballoon: ignoring memory/static-max %llu KiB, below "
                  "MemTotal %llu KiB",
                  (unsigned long long)in.maxmem_kb,
                  (unsigned long long)in.total_kb);
    st->sb_bad_maxmem_kb = out.maxmem_ignored ? in.maxmem_kb : 0;
    if (st->sb_have_last) {
        d = out.target_kb > st->sb_last_kb ? out.target_kb - st->sb_last_kb
                                           : st->sb_last_kb - out.target_kb;
        if (d < AG_SB_DEADBAND_KB)
            return;
    }
    if (sb_write_target(o->root, out.target_kb) < 0) {
        if (xb_ratelimit_ok(&st->warn_rl, now, &dropped))
            log_warn("selfballoon: writing %s (%llu similar suppressed)",
                     XB_SYS_BALLOON_TARGET, dropped);
        return;
    }
    log_debug("selfballoon: target %llu KiB (MemTotal %llu, goal %llu, "
              "floor %llu KiB)",
              (unsigned long long)out.target_kb,
              (unsigned long long)in.total_kb, (unsigned long long)out.goal_kb,
              (unsigned long long)out.floor_kb);
    st->sb_have_last = 1;
    st->sb_last_kb = out.target_kb;
    st->sb_writes++;
    st->prom_dirty = 1;
}

/*
 * Samples once and publishes if the decision says so (or `force`).
 * Returns 0, or -1 if the publisher is gone for good (stdout closed).
 */
static int
sample_and_publish(const struct ag_opts *o, struct ag_state *st,
                   struct ag_pub *pub, int force)
{
    uint64_t now = mono_ms();
    struct xb_record cur;
    char *cause = NULL, why_s[128];
    unsigned why;

    if (xb_proc_sample(o->root, &cur, &cause) < 0) {
        unsigned long long dropped;

        if (xb_ratelimit_ok(&st->warn_rl, now, &dropped))
            log_warnx("sample failed: %s (%llu similar suppressed)", cause,
                      dropped);
        free(cause);
        return force ? -1 : 0;
    }
    if (o->selfballoon && !st->controller)
        selfballoon_step(o, st, &cur, now);
    why = st->have_last
              ? ag_change_decide(&st->params, &st->last, st->last_ms, &cur, now)
              : AG_WHY_FIRST;
    if (why == 0 && !force)
        return 0;
    xb_record_set(&cur, XB_F_SEQ, st->seq + 1);
    if (ag_pub_write(pub, &cur, now) < 0)
        return o->dry_run || force ? -1 : 0;
    log_debug("published seq %" PRIu64 " (%s)", st->seq + 1,
              ag_change_why(why, why_s, sizeof(why_s)));
    st->seq++;
    st->last = cur;
    st->last_ms = now;
    st->have_last = 1;
    st->prom_dirty = 1;
    return 0;
}

static int
run_once(const struct ag_opts *o, struct ag_pub *pub)
{
    struct ag_state st;

    state_init(&st, o);
    return sample_and_publish(o, &st, pub, 1) < 0 ? AG_EXIT_RUNTIME
                                                  : AG_EXIT_OK;
}

/* --status: reads dom0's status once and prints it. */
static int
run_status(const struct ag_opts *o)
{
    struct ag_view *v = ag_view_create();
    const struct xb_gstatus *s;
    int rc = AG_EXIT_RUNTIME;

    if (ag_view_connect(v, mono_ms()) < 0) {
        log_warnx("cannot reach xenstore");
        goto out;
    }
    ag_view_refresh(v, mono_ms());
    if ((s = ag_view_status(v)) == NULL) {
        if (ag_view_status_error(v) != NULL)
            log_warnx("%s/%s rejected: %s", XB_GSTATUS_DIR, XB_GSTATUS_KEY,
                      ag_view_status_error(v));
        else
            log_warnx("no status from dom0 in %s/%s (is xenballoon-ctl "
                      "running there?)",
                      XB_GSTATUS_DIR, XB_GSTATUS_KEY);
        goto out;
    }
    if (o->json)
        ag_report_json(stdout, s);
    else
        ag_report_table(stdout, s);
    rc = fflush(stdout) == 0 ? AG_EXIT_OK : AG_EXIT_RUNTIME;
out:
    ag_view_destroy(v);
    return rc;
}

static void
write_prom(const struct ag_opts *o, struct ag_state *st, uint64_t now)
{
    struct ag_report r;
    unsigned long long dropped;

    st->prom_dirty = 0;
    if (o->textfile_dir == NULL)
        return;
    memset(&r, 0, sizeof(r));
    r.status = st->view != NULL ? ag_view_status(st->view) : NULL;
    r.controller = st->controller;
    r.hb_changes = st->view != NULL ? ag_view_hb_count(st->view) : 0;
    r.selfballoon = o->selfballoon;
    r.selfballooning = o->selfballoon && !st->controller;
    r.sb_target_kb = st->sb_have_last ? st->sb_last_kb : 0;
    r.sb_writes = st->sb_writes;
    r.tune_clamped = st->tune_clamped;
    r.records = st->seq;
    if (ag_report_prom(o->textfile_dir, &r) < 0 &&
        xb_ratelimit_ok(&st->warn_rl, now, &dropped))
        log_warn("writing %s/%s (%llu similar suppressed)", o->textfile_dir,
                 AG_PROM_NAME, dropped);
}

/* Follows the controller's heartbeat; logs when the balloon changes hands. */
static void
track_controller(const struct ag_opts *o, struct ag_state *st, uint64_t now)
{
    int c = st->view != NULL && ag_view_controller(st->view, now);

    if (c == st->controller)
        return;
    st->controller = c;
    st->prom_dirty = 1;
    st->sb_have_last = 0; /* the controller may have moved the target */
    if (!o->selfballoon)
        log_debug("controller heartbeat %s", c ? "seen" : "lost");
    else if (c)
        log_info("selfballoon: controller heartbeat seen; yielding the "
                 "balloon to dom0");
    else
        log_info("selfballoon: no controller heartbeat for %llu ms; "
                 "selfballooning",
                 st->view != NULL &&
                         ag_view_hb_age_ms(st->view, now) != UINT64_MAX
                     ? (unsigned long long)ag_view_hb_age_ms(st->view, now)
                     : 0ULL);
}

/*
 * The loop: wait for the next sampling tick, a PSI trigger or a change
 * dom0 made under memory/xenballoon, sample, maybe balloon, maybe publish.
 * Ticks keep their phase; missed ones are skipped.
 */
static int
run_loop(const struct ag_opts *o, struct ag_pub *pub)
{
    struct ag_state st;
    sigset_t waitmask;
    struct pollfd pfd[2];
    unsigned long long samples = 0;
    uint64_t next;
    int psi_fd = -1, psi_woke = 0, rc = AG_EXIT_OK;

    state_init(&st, o);
    signals_init(&waitmask);
    if (!o->dry_run)
        st.view = ag_view_create();
    next = mono_ms();
    st.prom_dirty = 1;
    while (!ag_quit) {
        uint64_t now = mono_ms();
        struct timespec ts;
        nfds_t nfds = 0;
        int n, psi_i = -1, view_i = -1;

        if (st.view != NULL && ag_view_fd(st.view) < 0 &&
            ag_view_connect(st.view, now) == 0) {
            /* A fresh connection: the watch's first event rereads. */
            log_debug("watching %s", XB_GSTATUS_DIR);
        }
        if (st.psi_want && psi_fd < 0 && (psi_fd = ag_psi_open(o->root)) < 0) {
            log_debug("no psi trigger (%s); timer only", strerror(errno));
            st.psi_want = 0;
        } else if (!st.psi_want && psi_fd >= 0) {
            ag_psi_close(psi_fd);
            psi_fd = -1;
        }
        track_controller(o, &st, now);
        if (now >= next || psi_woke) {
            if (sample_and_publish(o, &st, pub, 0) < 0) {
                rc = AG_EXIT_RUNTIME;
                break;
            }
            if (o->count != 0 && ++samples >= o->count)
                break;
            if (now >= next)
                next += st.interval_ms;
            if (next <= now)
                next = now + st.interval_ms;
            psi_woke = 0;
            now = mono_ms();
        }
        if (st.prom_dirty)
            write_prom(o, &st, now);
        /* Never sleep past the next tick, whatever dom0 set. */
        if (next > now + st.interval_ms)
            next = now + st.interval_ms;
        ts.tv_sec = next > now ? (time_t)((next - now) / 1000) : 0;
        ts.tv_nsec = next > now ? (long)((next - now) % 1000) * 1000000 : 0;
        if (psi_fd >= 0) {
            psi_i = (int)nfds++;
            pfd[psi_i].fd = psi_fd;
            pfd[psi_i].events = POLLPRI;
            pfd[psi_i].revents = 0;
        }
        if (st.view != NULL && ag_view_fd(st.view) >= 0) {
            view_i = (int)nfds++;
            pfd[view_i].fd = ag_view_fd(st.view);
            pfd[view_i].events = POLLIN;
            pfd[view_i].revents = 0;
        }
        n = ppoll(nfds ? pfd : NULL, nfds, &ts, &waitmask);
        if (n < 0 && errno != EINTR) {
            log_warn("ppoll");
            rc = AG_EXIT_RUNTIME;
            break;
        }
        if (n <= 0)
            continue;
        if (psi_i >= 0 && pfd[psi_i].revents != 0) {
            int fired = ag_psi_fired(pfd[psi_i].revents);

            if (fired < 0) {
                log_info("psi trigger broke; timer only");
                ag_psi_close(psi_fd);
                psi_fd = -1;
                st.psi_want = 0;
            } else if (fired) {
                log_debug("psi trigger fired");
                psi_woke = 1;
            }
        }
        if (view_i >= 0 && pfd[view_i].revents != 0) {
            unsigned what = ag_view_event(st.view, mono_ms());

            if (what & AG_VIEW_TUNE)
                apply_tune(o, &st, pub);
            if (what & AG_VIEW_STATUS)
                st.prom_dirty = 1;
        }
    }
    ag_psi_close(psi_fd);
    /* Best effort: a failure is logged, and dom0 sees the record go stale. */
    (void)ag_pub_remove(pub);
    ag_view_destroy(st.view);
    return rc;
}

int
main(int argc, char **argv)
{
    struct ag_opts o;
    struct ag_pub *pub;
    int rc;

    log_init("xenballoon-agent", 0, XB_LOG_INFO);
    if ((rc = parse_args(argc, argv, &o)) >= 0)
        return rc;
    if (o.verbose)
        log_set_level(XB_LOG_DEBUG);
    if (o.check)
        return run_check();
    if (o.status)
        return run_status(&o);

    pub = ag_pub_create(o.dry_run ? AG_PUB_STDOUT : AG_PUB_XENSTORE, o.compat);
    rc = o.once ? run_once(&o, pub) : run_loop(&o, pub);
    ag_pub_destroy(pub);
    return rc;
}
