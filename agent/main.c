/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenballoon-agent: the in-guest publisher.  It samples the guest's memory
 * figures on a timer (and at once when a PSI trigger reports a stall),
 * decides whether dom0 needs to hear about them, and writes one compact
 * record to the guest's xenstore directory.  This file owns the command
 * line, the signal handling and the main loop; sampling, the decision and
 * the writers live in common/procfs.c, change.c and publish.c.
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
#include "log.h"
#include "procfs.h"
#include "psi.h"
#include "publish.h"
#include "record.h"
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
};

/* Loop state: what was last published, and when. */
struct ag_state {
    struct ag_change_params params;
    struct xb_record last;
    int have_last;
    uint64_t last_ms;
    uint64_t seq;
    struct xb_ratelimit warn_rl;
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
            break;
        case OPT_HEARTBEAT:
            if (parse_num(optarg, 1, AG_HEARTBEAT_MAX_S, &v) < 0) {
                log_warnx("--heartbeat: want 1 to %u seconds, got '%s'",
                          AG_HEARTBEAT_MAX_S, optarg);
                return AG_EXIT_USAGE;
            }
            o->heartbeat_s = (unsigned)v;
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
            break;
        case OPT_NO_PSI:
            o->psi_trigger = 0;
            break;
        case OPT_CHECK:
            o->check = 1;
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

/*
 * The loop: wait for the next sampling tick or a PSI trigger, sample,
 * maybe publish.  Ticks keep their phase; missed ones are skipped.
 */
static int
run_loop(const struct ag_opts *o, struct ag_pub *pub)
{
    struct ag_state st;
    sigset_t waitmask;
    struct pollfd pfd;
    unsigned long long samples = 0;
    uint64_t next;
    int psi_fd = -1, psi_woke = 0, rc = AG_EXIT_OK;

    state_init(&st, o);
    signals_init(&waitmask);
    if (o->psi_trigger && (psi_fd = ag_psi_open(o->root)) < 0)
        log_debug("no psi trigger (%s); timer only", strerror(errno));
    next = mono_ms();
    while (!ag_quit) {
        uint64_t now = mono_ms();
        struct timespec ts;
        int n;

        if (now >= next || psi_woke) {
            if (sample_and_publish(o, &st, pub, 0) < 0) {
                rc = AG_EXIT_RUNTIME;
                break;
            }
            if (o->count != 0 && ++samples >= o->count)
                break;
            if (now >= next)
                next += o->interval_ms;
            if (next <= now)
                next = now + o->interval_ms;
            psi_woke = 0;
            now = mono_ms();
        }
        ts.tv_sec = next > now ? (time_t)((next - now) / 1000) : 0;
        ts.tv_nsec = next > now ? (long)((next - now) % 1000) * 1000000 : 0;
        pfd.fd = psi_fd;
        pfd.events = POLLPRI;
        pfd.revents = 0;
        n = ppoll(psi_fd >= 0 ? &pfd : NULL, psi_fd >= 0 ? 1 : 0, &ts,
                  &waitmask);
        if (n < 0 && errno != EINTR) {
            log_warn("ppoll");
            rc = AG_EXIT_RUNTIME;
            break;
        }
        if (n > 0) {
            int fired = ag_psi_fired(pfd.revents);

            if (fired < 0) {
                log_info("psi trigger broke; timer only");
                ag_psi_close(psi_fd);
                psi_fd = -1;
            } else if (fired) {
                log_debug("psi trigger fired");
                psi_woke = 1;
            }
        }
    }
    ag_psi_close(psi_fd);
    /* Best effort: a failure is logged, and dom0 sees the record go stale. */
    (void)ag_pub_remove(pub);
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

    pub = ag_pub_create(o.dry_run ? AG_PUB_STDOUT : AG_PUB_XENSTORE, o.compat);
    rc = o.once ? run_once(&o, pub) : run_loop(&o, pub);
    ag_pub_destroy(pub);
    return rc;
}
