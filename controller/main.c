/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenballoon-ctl: one binary that is both the dom0 daemon and the CLI that
 * talks to it, as tmux is.  `daemon` runs the controller, `check-config`
 * validates a file; everything else is a client command.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "daemon_main.h"

static int
check_config(int argc, char **argv)
{
    struct xb_config *cfg;

    if (argc != 2) {
        fprintf(stderr, "usage: xenballoon-ctl check-config file\n");
        return CLI_EXIT_USAGE;
    }
    cfg = daemon_load_config(argv[1]);
    if (cfg == NULL)
        return CLI_EXIT_FAILED;
    printf("%s: configuration OK\n", argv[1]);
    cfg_free(cfg);
    return CLI_EXIT_OK;
}

int
main(int argc, char **argv)
{
    /* `daemon --help` and `check-config --help` are the CLI's to answer. */
    int help = argc > 1 && cli_wants_help(argc - 2, argv + 2);

    if (argc > 1 && strcmp(argv[1], "daemon") == 0 && !help)
        return daemon_main(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "check-config") == 0 && !help)
        return check_config(argc - 1, argv + 1);
    return cli_main(argc, argv);
}
