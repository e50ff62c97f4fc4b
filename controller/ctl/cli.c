/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli_main: global options, command lookup in the shared table, argv ->
 * request, one round trip (or a monitor stream), and the result printed
 * for people or as JSON for scripts.  Exit codes are in cli.h.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "cmd.h"
#include "xmalloc.h"

static volatile sig_atomic_t cli_interrupted;

static void
cli_usage(FILE *out)
{
    fprintf(out, "usage: xenballoon-ctl [-h] [--json] [-s PATH] COMMAND "
                 "[ARGS...]\n"
                 "       xenballoon-ctl daemon [-c FILE] [-f] [-n] [-v]\n"
                 "Try 'xenballoon-ctl help' for the commands.\n");
}

static void
cli_on_signal(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

static void
cli_print_json(const json_t *v)
{
    json_dumpf(v, stdout, JSON_COMPACT | JSON_ENCODE_ANY);
    fputc('\n', stdout);
}

/* Streams events after a successful monitor reply, until ^C or EOF. */
static int
cli_monitor(struct ctl_conn *conn, int json)
{
    struct sigaction sa;
    const char *line;
    char *cause = NULL, *err;
    long long id;
    json_t *ev;
    size_t len;
    int r, ok;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = cli_on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: the signal must interrupt the blocking poll(). */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    fflush(stdout);
    for (;;) {
        r = ctl_conn_readline(conn, -1, &line, &len, &cause);
        if (cli_interrupted) {
            free(cause);
            return CLI_EXIT_OK;
        }
        if (r == 1) {
            fprintf(stderr, "xenballoon-ctl: the daemon closed the "
                            "connection\n");
            return CLI_EXIT_FAILED;
        }
        if (r != 0) {
            fprintf(stderr, "xenballoon-ctl: %s\n", cause);
            free(cause);
            return CLI_EXIT_FAILED;
        }
        if (json) {
            fwrite(line, 1, len, stdout);
            fputc('\n', stdout);
        } else if (proto_decode_reply(line, len, &id, &ok, &ev, &err, &cause) ==
                   1) {
            cmd_print_event(stdout, ev);
            json_decref(ev);
        } else {
            json_decref(ev);
            free(err);
            free(cause);
            cause = NULL;
        }
        fflush(stdout);
    }
}

static int
cli_version_unreachable(int json, const char *cause)
{
    if (json) {
        json_t *v =
            json_pack("{s:{s:s, s:i}, s:n}", "client", "version", XB_VERSION,
                      "protocol", XB_PROTO_VERSION, "daemon");
        cli_print_json(v);
        json_decref(v);
    } else
        printf("client  xenballoon-ctl %s, protocol %d\n", XB_VERSION,
               XB_PROTO_VERSION);
    fprintf(stderr, "xenballoon-ctl: %s\n", cause);
    return CLI_EXIT_UNREACHABLE;
}

static int
cli_run(const struct cmd_entry *ce, const char *path, int json, int argc,
        char **argv)
{
    struct ctl_conn *conn = NULL;
    json_t *args = NULL, *result = NULL, *wrap;
    char *cause = NULL;
    int rc;

    if (ce->parse != NULL)
        args = ce->parse(argc, argv, &cause);
    else
        args = json_object();
    if (args == NULL) {
        fprintf(stderr, "xenballoon-ctl %s: %s\nusage: xenballoon-ctl %s %s\n",
                ce->name, cause, ce->name, ce->usage);
        free(cause);
        return CLI_EXIT_USAGE;
    }

    /* A request that may answer late (reserve --wait) is given its wait
     * on top of the usual reply timeout. */
    rc = ctl_conn_open(
        path,
        XB_CLIENT_TIMEOUT_MS +
            (int)((ce->flags & CMD_WAIT) ? cmd_reserve_wait_ms(args) : 0),
        &conn, &cause);
    if (rc != CLIENT_OK) {
        if (ce == &cmd_version_entry && rc == CLIENT_UNREACHABLE)
            rc = cli_version_unreachable(json, cause);
        else
            fprintf(stderr, "xenballoon-ctl: %s\n", cause);
        goto out;
    }
    rc = ctl_conn_call(conn, ce->name, args, &result, &cause);
    if (rc != CLIENT_OK) {
        fprintf(stderr, "xenballoon-ctl %s: %s\n", ce->name, cause);
        goto out;
    }
    if (ce->flags & CMD_STREAM) {
        rc = cli_monitor(conn, json);
        goto out;
    }
    if (json && ce == &cmd_version_entry) {
        /* The one command whose answer is partly the client's own. */
        wrap = json_pack("{s:{s:s, s:i}, s:O}", "client", "version", XB_VERSION,
                         "protocol", XB_PROTO_VERSION, "daemon", result);
        cli_print_json(wrap);
        json_decref(wrap);
    } else if (json)
        cli_print_json(result);
    else if (ce->print != NULL)
        ce->print(stdout, args, result);
    rc = CLI_EXIT_OK;
out:
    if (fflush(stdout) != 0 && rc == CLI_EXIT_OK)
        rc = CLI_EXIT_FAILED;
    free(cause);
    json_decref(result);
    json_decref(args);
    ctl_conn_close(conn);
    return rc;
}

int
cli_wants_help(int argc, char **argv)
{
    if (argc > 0 && strcmp(argv[0], "-h") == 0)
        return 1;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

int
cli_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "socket", required_argument, NULL, 's' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const struct cmd_entry *ce;
    const char *path = getenv("XENBALLOON_SOCKET");
    int json = 0, ch, nargs;

    if (path == NULL || *path == '\0')
        path = XB_CTL_SOCKET;
    optind = 1;
    /* '+': options stop at the command, whose own arguments follow. */
    while ((ch = getopt_long(argc, argv, "+hs:", longopts, NULL)) != -1) {
        switch (ch) {
        case 's':
            path = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            cli_usage(stdout);
            cmd_help(stdout, NULL);
            return CLI_EXIT_OK;
        default:
            cli_usage(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    argc -= optind;
    argv += optind;
    if (argc == 0) {
        cli_usage(stderr);
        return CLI_EXIT_USAGE;
    }

    ce = cmd_find(argv[0]);
    if (ce == NULL) {
        fprintf(stderr, "xenballoon-ctl: unknown command '%s'\n", argv[0]);
        cli_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    nargs = argc - 1;
    if (cli_wants_help(nargs, argv + 1)) {
        cmd_help(stdout, ce->name);
        return CLI_EXIT_OK;
    }
    if (nargs < ce->args_min || (ce->args_max >= 0 && nargs > ce->args_max)) {
        fprintf(stderr, "usage: xenballoon-ctl %s %s\n", ce->name, ce->usage);
        return CLI_EXIT_USAGE;
    }
    if (ce->run != NULL)
        return ce->run(path, json, argc, argv);
    if (ce == &cmd_daemon_entry || ce == &cmd_check_config_entry) {
        fprintf(stderr, "xenballoon-ctl: %s comes first, before any option\n",
                ce->name);
        return CLI_EXIT_USAGE;
    }
    if (ce->flags & CMD_LOCAL) {
        if (cmd_help(stdout, nargs > 0 ? argv[1] : NULL) != 0) {
            fprintf(stderr, "xenballoon-ctl: unknown command '%s'\n", argv[1]);
            return CLI_EXIT_USAGE;
        }
        return CLI_EXIT_OK;
    }
    return cli_run(ce, path, json, nargs, argv + 1);
}
