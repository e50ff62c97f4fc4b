/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `xenballoon-ctl top`: a refreshing view of the host and every domain,
 * in the manner of xentop, drawn from the daemon's `status` answer.  It
 * needs no curses: a termios mode without echo or line buffering, cursor
 * homing and erase-to-end-of-line escapes, so it works over SSH in an
 * 80-column terminal.  Keys move and reverse the sort column and quit;
 * -b prints plain frames for scripts.  Everything here is the client's:
 * the daemon only answers `status`.
 */
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include "cli.h"
#include "client.h"
#include "cmd.h"
#include "log.h"
#include "number.h"
#include "top.h"
#include "xmalloc.h"

/* Refresh period by default, ms: xentop's 3 s felt slow next to a 1 s
 * daemon tick; 2 s shows a balloon move without flicker. */
#define TOP_DELAY_MS 2000
/* Refresh period bounds, ms: faster than 100 ms only loads the daemon; an
 * hour is the longest wait anyone would type. */
#define TOP_DELAY_MIN_MS 100
#define TOP_DELAY_MAX_MS 3600000
/* Terminal size when the terminal does not say (and in batch mode). */
#define TOP_COLS 80
#define TOP_ROWS 24

static volatile sig_atomic_t top_stop;
static volatile sig_atomic_t top_resized;

static void
top_on_signal(int sig)
{
    if (sig == SIGWINCH)
        top_resized = 1;
    else
        top_stop = 1;
}

/*
 * The terminal.
 */

static void
top_size(struct top *t)
{
    struct winsize ws;

    t->cols = TOP_COLS;
    t->rows = TOP_ROWS;
    if (!t->batch && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0 && ws.ws_row > 0) {
        t->cols = ws.ws_col;
        t->rows = ws.ws_row;
    }
}

static void
top_term_enter(struct top *t)
{
    struct termios raw;

    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t->saved) == 0) {
        raw = t->saved;
        /* Keys one at a time, not echoed; ^C still signals, output still
         * turns \n into \r\n. */
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0)
            t->raw = 1;
    }
    /* The alternate screen, cursor hidden: the shell's screen comes back
     * untouched on exit. */
    fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout);
    fflush(stdout);
}

static void
top_term_leave(struct top *t)
{
    fputs("\033[?25h\033[?1049l", stdout);
    fflush(stdout);
    if (t->raw)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &t->saved);
    t->raw = 0;
}

/* Applies the keys in buf; returns 1 to quit. */
static int
top_keys(struct top *t, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char k = buf[i];

        /* Arrow keys arrive as ESC [ C (right) and ESC [ D (left). */
        if (k == '\033' && i + 2 < n && buf[i + 1] == '[') {
            k = buf[i + 2] == 'C' ? '>' : buf[i + 2] == 'D' ? '<' : 0;
            i += 2;
        }
        switch (k) {
        case 'q':
        case 'Q':
            return 1;
        case '<':
        case ',':
            /* A new column starts in its own direction. */
            t->sort = (t->sort + TOP_NCOLS - 1) % TOP_NCOLS;
            t->reverse = 0;
            break;
        case '>':
        case '.':
            t->sort = (t->sort + 1) % TOP_NCOLS;
            t->reverse = 0;
            break;
        case 'r':
        case 'R':
            t->reverse = !t->reverse;
            break;
        default:
            break;
        }
    }
    return 0;
}

/* Waits out the delay, redrawing on keys and resizes; 1 to quit. */
static int
top_wait(struct top *t)
{
    struct timespec start, now;
    struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
    long left;
    char buf[32];
    ssize_t r;

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (top_stop)
            return 1;
        if (top_resized) {
            top_resized = 0;
            top_size(t);
            top_draw(t);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        left = (long)t->delay_ms - ((now.tv_sec - start.tv_sec) * 1000L +
                                    (now.tv_nsec - start.tv_nsec) / 1000000L);
        if (left <= 0)
            return 0;
        if (poll(&pfd, t->raw ? 1 : 0, (int)left) <= 0 || !t->raw)
            continue;
        r = read(STDIN_FILENO, buf, sizeof(buf));
        if (r == 0)
            t->raw = 0; /* stdin closed: refresh only */
        if (r <= 0)
            continue;
        if (top_keys(t, buf, (size_t)r))
            return 1;
        top_draw(t);
    }
}

/*
 * The command.
 */

/* One `status`; reconnects once (the daemon restarted, or dropped us
 * after its idle timeout).  0, or the exit code with the reason printed. */
static int
top_fetch(struct top *t, char **cause)
{
    json_t *res = NULL;
    int rc;

    for (int attempt = 0; attempt < 2; attempt++) {
        if (t->conn == NULL) {
            rc = ctl_conn_open(t->path, XB_CLIENT_TIMEOUT_MS, &t->conn, cause);
            if (rc != CLIENT_OK)
                return rc;
        }
        rc = ctl_conn_call(t->conn, "status", NULL, &res, cause);
        if (rc == CLIENT_OK) {
            json_decref(t->status);
            t->status = res;
            return 0;
        }
        ctl_conn_close(t->conn);
        t->conn = NULL;
        if (attempt == 0) {
            free(*cause);
            *cause = NULL;
        }
    }
    return CLI_EXIT_FAILED;
}

static int
top_usage(void)
{
    fprintf(stderr, "usage: xenballoon-ctl top %s\n", cmd_top_entry.usage);
    return CLI_EXIT_USAGE;
}

static int
top_parse(struct top *t, int argc, char **argv)
{
    char *end, *cause = NULL;
    uint64_t ms;
    long n;
    int ch, i;

    optind = 1;
    while ((ch = getopt(argc, argv, "+bd:n:o:r")) != -1) {
        switch (ch) {
        case 'b':
            t->batch = 1;
            break;
        case 'd':
            /* The shared parser (common/number.h); bare is seconds. */
            if (xb_qty_parse_range(XB_QTY_DURATION, optarg, 1000,
                                   TOP_DELAY_MIN_MS, TOP_DELAY_MAX_MS, &ms,
                                   &cause) < 0) {
                fprintf(stderr, "xenballoon-ctl top: -d: %s\n", cause);
                free(cause);
                return CLI_EXIT_USAGE;
            }
            t->delay_ms = (unsigned)ms;
            break;
        case 'n':
            n = strtol(optarg, &end, 10);
            if (*end != '\0' || end == optarg || n < 1 || n > 1000000) {
                fprintf(stderr, "xenballoon-ctl top: -n takes a count of "
                                "frames, 1 or more\n");
                return CLI_EXIT_USAGE;
            }
            t->iterations = (int)n;
            break;
        case 'o':
            for (i = 0; i < TOP_NCOLS; i++)
                if (strcasecmp(optarg, top_cols[i].name) == 0)
                    break;
            if (i == TOP_NCOLS) {
                fprintf(stderr, "xenballoon-ctl top: no column '%s' (", optarg);
                for (i = 0; i < TOP_NCOLS; i++)
                    fprintf(stderr, "%s%s", i ? ", " : "", top_cols[i].name);
                fprintf(stderr, ")\n");
                return CLI_EXIT_USAGE;
            }
            t->sort = i;
            break;
        case 'r':
            t->reverse = 1;
            break;
        default:
            return top_usage();
        }
    }
    if (optind != argc)
        return top_usage();
    return 0;
}

static int
top_run(const char *path, int json, int argc, char **argv)
{
    struct top t;
    struct sigaction sa;
    char *cause = NULL;
    int rc, frame;

    memset(&t, 0, sizeof(t));
    t.path = path;
    t.json = json;
    t.delay_ms = TOP_DELAY_MS;
    rc = top_parse(&t, argc, argv);
    if (rc != 0)
        return rc;
    /* Not a terminal (a pipe, a file) or --json: frames one after another. */
    if (json || !isatty(STDOUT_FILENO))
        t.batch = 1;
    top_size(&t);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = top_on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal must cut the wait short. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGWINCH, &sa, NULL);

    rc = top_fetch(&t, &cause);
    if (rc != 0)
        goto out;
    if (!t.batch)
        top_term_enter(&t);
    for (frame = 1;; frame++) {
        if (t.json) {
            json_dumpf(t.status, stdout, JSON_COMPACT);
            fputc('\n', stdout);
            fflush(stdout);
        } else
            top_draw(&t);
        if (t.iterations > 0 && frame >= t.iterations)
            break;
        if (top_wait(&t))
            break;
        rc = top_fetch(&t, &cause);
        if (rc != 0 && top_stop) {
            /* ^C while waiting for the daemon: just quit. */
            free(cause);
            cause = NULL;
            rc = 0;
        }
        if (rc != 0 || top_stop)
            break;
    }
    if (!t.batch)
        top_term_leave(&t);
out:
    if (cause != NULL) {
        fprintf(stderr, "xenballoon-ctl top: %s\n", cause);
        free(cause);
    }
    if (rc == 0 && ferror(stdout))
        rc = CLI_EXIT_FAILED;
    json_decref(t.status);
    ctl_conn_close(t.conn);
    return rc;
}

const struct cmd_entry cmd_top_entry = {
    .name = "top",
    .usage = "[-br] [-d SECONDS] [-n FRAMES] [-o COLUMN]",
    .help = "a live view of the host and every domain",
    .flags = CMD_LOCAL,
    .args_min = 0,
    .args_max = -1,
    .run = top_run,
};
