/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `xenballoon-ctl daemon`: parses the options, loads the config, then
 * wires the pieces together: the daemon core (daemon/), its control server
 * (ctl/) and its metrics endpoint (metrics/), which see the daemon only
 * through daemon.h.  They are destroyed in reverse.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "daemon.h"
#include "daemon_main.h"
#include "log.h"
#include "metrics.h"

static void
usage(void)
{
    fprintf(stderr, "usage: xenballoon-ctl daemon [-fnv] [-c file]\n");
}

/* The decision counters, fed by the daemon (daemon.h: dmn_on_decision). */
static void
count_decision(void *arg, enum bal_why why, uint64_t latency_ms)
{
    met_decision(arg, why, latency_ms);
}

/* The endpoint is optional: without it, balancing goes on regardless. */
static void
start_metrics(struct xb_daemon *d, struct xb_metrics *met)
{
    const struct xb_config *cfg = dmn_config(d);
    char *cause = NULL;

    if (cfg->metrics_listen == NULL)
        return;
    if (met_listen(met, dmn_base(d), d, cfg->metrics_listen, &cause) < 0) {
        log_warnx("metrics endpoint off: %s; balancing goes on.  Choose "
                  "another metrics_listen port or free this one",
                  cause);
        free(cause);
        return;
    }
    log_info("metrics: listening on %s (port %u), path /metrics",
             cfg->metrics_listen, met_port(met));
}

/* Prints every config error; returns the config or NULL. */
struct xb_config *
daemon_load_config(const char *path)
{
    struct xb_errlist el;
    struct xb_config *cfg;

    xb_errlist_init(&el);
    cfg = cfg_load(path, &el);
    if (el.n > 0) {
        char *msgs = xb_errlist_join(&el); /* capped (errlist.h) */

        fprintf(stderr, "%s\n", msgs);
        free(msgs);
    }
    xb_errlist_dispose(&el);
    return cfg;
}

int
daemon_main(int argc, char **argv)
{
    struct xb_daemon *d = NULL;
    struct ctl_server *srv = NULL;
    struct xb_metrics *met;
    struct xb_config *cfg;
    const char *path = XB_DEFAULT_CONFIG;
    int ch, check_only = 0, to_stderr = 0, verbose = 0;
    char *cause = NULL;

    optind = 1;
    while ((ch = getopt(argc, argv, "c:fnv")) != -1) {
        switch (ch) {
        case 'c':
            path = optarg;
            break;
        case 'f':
            to_stderr = 1;
            break;
        case 'n':
            check_only = 1;
            break;
        case 'v':
            verbose++;
            break;
        default:
            usage();
            return 2;
        }
    }
    if (optind != argc) {
        usage();
        return 2;
    }
    if (access(path, F_OK) != 0 && strcmp(path, XB_DEFAULT_CONFIG) == 0)
        path = NULL; /* no file at the default place: built-in defaults */
    cfg = daemon_load_config(path);
    if (cfg == NULL)
        return 1;
    if (check_only) {
        printf("%s: configuration OK\n", path ? path : "(defaults)");
        cfg_free(cfg);
        return 0;
    }
    if (verbose)
        cfg->log_level = XB_LOG_DEBUG;
    log_init("xenballoon-ctl", !to_stderr, cfg->log_level);
    signal(SIGPIPE, SIG_IGN); /* libxenstore and clients may vanish */

    met = met_create();
    d = dmn_create(cfg, &cause);
    if (d != NULL) {
        dmn_on_decision(d, count_decision, met);
        srv = ctl_server_create(dmn_base(d), d, dmn_config(d)->socket_path,
                                dmn_config(d)->socket_group, &cause);
    }
    if (srv == NULL) {
        log_warnx("cannot start: %s", cause);
        free(cause);
        met_destroy(met);
        dmn_destroy(d);
        return 1;
    }
    start_metrics(d, met);
    dmn_run(d);
    ctl_server_destroy(srv);
    met_destroy(met);
    dmn_destroy(d);
    return 0;
}
