/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenballoon-sim: runs a scenario in virtual time against the real
 * decision path (record intake, decide(), the policies and the balancer)
 * or, with --oracle or --reactive, against one of the two oracles (see
 * run.c); prints a summary,
 * writes a CSV time series and a JSON summary on request, and fails
 * loudly (exit 2) on the first broken safety rule.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "report.h"
#include "run.h"
#include "scenario.h"

/* Exit statuses. */
#define EX_SAFETY 2 /* a safety rule broke */

static void __attribute__((noreturn)) usage(int status)
{
    fprintf(status ? stderr : stdout,
            "usage: xenballoon-sim [-hnqORF] [-b SIZE] [-o CSV] [-e EVENTS] "
            "[-j JSON] [-p POLICY] [-s SEED] [-d DURATION] SCENARIO.json\n"
            "  -n           check the scenario and exit\n"
            "  -q           no summary table\n"
            "  -O, --oracle clairvoyant oracle instead of the controller\n"
            "  -R, --reactive\n"
            "               reactive oracle (no lookahead, real balloon "
            "speeds)\n"
            "  -F, --reactive-free\n"
            "               the reactive oracle growing a guest only from "
            "memory\n"
            "               free before the step, as the daemon does\n"
            "  -b, --burst SIZE\n"
            "               what-if: on each PSI trigger a guest's balloon "
            "target\n"
            "               rises at once by up to SIZE of free memory "
            "(\"256M\")\n"
            "  -o CSV       time series (one row per guest and sample, "
            "plus \"host\")\n"
            "  -e EVENTS    every record published and target issued, one "
            "line each\n"
            "  -j JSON      summary as JSON ('-': stdout)\n"
            "  -p POLICY    replace the scenario's policy (its params "
            "dropped)\n"
            "  -s SEED      replace the scenario's seed\n"
            "  -d DURATION  replace the scenario's duration (\"2h\", "
            "\"90s\")\n");
    exit(status);
}

/* A size or duration option, parsed as the config parses it: positive,
 * or the program ends naming the option. */
static void
parse_opt(int opt, const char *arg,
          int (*parse)(const json_t *, uint64_t *, char **), uint64_t *out)
{
    json_t *v = json_string(arg);
    char *cause = NULL;

    if (v == NULL || parse(v, out, &cause) < 0 || *out == 0)
        fatalx("-%c: %s", opt, cause ? cause : "must be positive");
    json_decref(v);
}

static FILE *
open_out(const char *path)
{
    FILE *f;

    if (strcmp(path, "-") == 0)
        return stdout;
    if ((f = fopen(path, "w")) == NULL)
        fatal("%s", path);
    return f;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "oracle", no_argument, NULL, 'O' },
        { "reactive", no_argument, NULL, 'R' },
        { "reactive-free", no_argument, NULL, 'F' },
        { "burst", required_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct scn_override ov = { NULL, 0, 0 };
    struct run_opts ro = { 0, NULL, NULL, 0 };
    const char *csv = NULL, *evpath = NULL, *jpath = NULL;
    int ch, check = 0, quiet = 0, rc;
    struct xb_errlist el;
    struct scenario *sc;
    struct timespec t0, t1;
    struct run r;

    log_init("xenballoon-sim", 0, XB_LOG_WARNING);
    while ((ch = getopt_long(argc, argv, "hnqORFb:o:e:j:p:s:d:", longopts,
                             NULL)) != -1) {
        switch (ch) {
        case 'h':
            usage(0);
        case 'n':
            check = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'O':
            ro.oracle = RUN_CLAIRVOYANT;
            break;
        case 'R':
            ro.oracle = RUN_REACTIVE;
            break;
        case 'F':
            ro.oracle = RUN_REACTIVE_FREE;
            break;
        case 'o':
            csv = optarg;
            break;
        case 'e':
            evpath = optarg;
            break;
        case 'j':
            jpath = optarg;
            break;
        case 'p':
            ov.policy = optarg;
            break;
        case 's':
            ov.seed = strtoull(optarg, NULL, 10);
            if (ov.seed == 0)
                fatalx("-s: seed must be a positive integer");
            break;
        case 'b':
            parse_opt('b', optarg, cfg_parse_size, &ro.burst_kb);
            break;
        case 'd':
            parse_opt('d', optarg, cfg_parse_duration, &ov.duration_ms);
            break;
        default:
            usage(1);
        }
    }
    if (argc - optind != 1)
        usage(1);
    if (ro.burst_kb > 0 && ro.oracle)
        fatalx("-b: a what-if of the controller, not of an oracle");

    xb_errlist_init(&el);
    if ((sc = scn_load(argv[optind], &ov, &el)) == NULL) {
        char *msgs = xb_errlist_join(&el);

        fprintf(stderr, "%s\n", msgs);
        free(msgs);
        xb_errlist_dispose(&el);
        return 1;
    }
    xb_errlist_dispose(&el);
    if (check) {
        scn_free(sc);
        return 0;
    }

    if (csv != NULL)
        ro.csv = open_out(csv);
    if (evpath != NULL)
        ro.events = open_out(evpath);
    run_init(&r, sc, &ro);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = run_go(&r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!quiet)
        report_table(&r, stdout);
    if (jpath != NULL) {
        FILE *f = open_out(jpath);
        json_t *j = report_json(&r);

        json_dumpf(j, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
        fputc('\n', f);
        json_decref(j);
        if (f != stdout)
            fclose(f);
    }
    if (!quiet)
        fprintf(stderr, "%.1f s simulated in %.3f s wall (%llu decisions)\n",
                (double)r.h.now_ms / 1000,
                (double)(t1.tv_sec - t0.tv_sec) +
                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                (unsigned long long)r.decisions);
    if (rc < 0)
        fprintf(stderr, "xenballoon-sim: SAFETY VIOLATION: %s\n", r.violation);
    if (ro.csv != NULL && ro.csv != stdout)
        fclose(ro.csv);
    if (ro.events != NULL && ro.events != stdout)
        fclose(ro.events);
    run_dispose(&r);
    scn_free(sc);
    return rc < 0 ? EX_SAFETY : 0;
}
