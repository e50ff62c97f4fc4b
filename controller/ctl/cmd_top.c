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
/* The name column: never narrower than a header plus a short name, never
 * wider than Xen's 64-byte domain names need to be recognisable. */
#define TOP_NAME_MIN 8
#define TOP_NAME_MAX 32
/* Lines above the table: title, two host lines, sort line, blank. */
#define TOP_HEAD_LINES 5

enum top_kind {
    TK_INT,  /* integer, left as it is */
    TK_STR,  /* string */
    TK_SIZE, /* KiB, shown compactly */
    TK_RATE, /* per second, null when unknown */
};

struct top_col {
    const char *name; /* for -o and the sort line */
    const char *head;
    const char *key; /* member of a `status` domain */
    int width;       /* 0: the name column, sized to the terminal */
    enum top_kind kind;
    int desc; /* sorts largest first unless reversed */
};

static const struct top_col top_cols[] = {
    { "domid", "DOMID", "domid", 5, TK_INT, 0 },
    { "name", "NAME", "name", 0, TK_STR, 0 },
    { "actual", "ACTUAL", "actual_kb", 7, TK_SIZE, 1 },
    { "target", "TARGET", "target_kb", 7, TK_SIZE, 1 },
    { "need", "NEED", "need_kb", 7, TK_SIZE, 1 },
    { "min", "MIN", "min_kb", 7, TK_SIZE, 1 },
    { "max", "MAX", "max_kb", 7, TK_SIZE, 1 },
    { "pressure", "PRESS", "pressure", 5, TK_RATE, 1 },
    { "swapin", "SWPIN", "swapin_rate", 5, TK_RATE, 1 },
    { "state", "STATE", "state", 8, TK_STR, 0 },
};
#define TOP_NCOLS ((int)(sizeof(top_cols) / sizeof(top_cols[0])))

struct top {
    const char *path;
    int json, batch, iterations;
    unsigned delay_ms;
    int sort, reverse;
    int cols, rows;
    struct ctl_conn *conn;
    int raw; /* the terminal is in our mode */
    struct termios saved;
    json_t *status; /* the latest answer */
};

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
 * Formatting.
 */

/* KiB in at most 7 columns: "512.0M", "9999.9M", "12.50G", "1.5T". */
static char *
top_fmt_size(char *buf, size_t len, const json_t *v)
{
    double m;

    if (!json_is_number(v)) {
        snprintf(buf, len, "-");
        return buf;
    }
    m = json_number_value(v) / 1024.0;
    if (m < 9999.95)
        snprintf(buf, len, "%.1fM", m);
    else if (m / 1024.0 < 999.995)
        snprintf(buf, len, "%.2fG", m / 1024.0);
    else
        snprintf(buf, len, "%.1fT", m / 1048576.0);
    return buf;
}

/* A rate in at most 5 columns: "0.0", "12.5", "640", "1234k". */
static char *
top_fmt_rate(char *buf, size_t len, const json_t *v)
{
    double r;

    if (!json_is_number(v) || !isfinite(json_number_value(v))) {
        snprintf(buf, len, "-");
        return buf;
    }
    r = json_number_value(v);
    if (r < 99.95)
        snprintf(buf, len, "%.1f", r);
    else if (r < 99999.5)
        snprintf(buf, len, "%.0f", r);
    else
        snprintf(buf, len, "%.0fk", r / 1000.0);
    return buf;
}

static const char *
top_cell(char *buf, size_t len, const struct top_col *c, const json_t *dom)
{
    const json_t *v = json_object_get(dom, c->key);
    const char *s;

    switch (c->kind) {
    case TK_SIZE:
        return top_fmt_size(buf, len, v);
    case TK_RATE:
        return top_fmt_rate(buf, len, v);
    case TK_INT:
        return cmd_fmt_value(buf, len, NULL, v);
    case TK_STR:
        break;
    }
    s = json_is_string(v) ? json_string_value(v) : "-";
    /* The one state wider than the column. */
    if (strcmp(c->key, "state") == 0 && strcmp(s, "uncooperative") == 0)
        s = "uncoop";
    snprintf(buf, len, "%s", s);
    return buf;
}

static int
top_name_width(const struct top *t)
{
    int w = t->cols - 1; /* never the last column: some terminals wrap */

    for (int i = 0; i < TOP_NCOLS; i++)
        w -= top_cols[i].width + (i > 0);
    if (w < TOP_NAME_MIN)
        w = TOP_NAME_MIN;
    return w > TOP_NAME_MAX ? TOP_NAME_MAX : w;
}

/*
 * Sorting.
 */

static const struct top *top_sorting; /* qsort has no context argument */

static int
top_cmp(const void *a, const void *b)
{
    const json_t *da = *(const json_t *const *)a;
    const json_t *db = *(const json_t *const *)b;
    const struct top_col *c = &top_cols[top_sorting->sort];
    const json_t *va = json_object_get(da, c->key);
    const json_t *vb = json_object_get(db, c->key);
    int r = 0;

    if (json_is_string(va) && json_is_string(vb))
        r = strcasecmp(json_string_value(va), json_string_value(vb));
    else if (json_is_number(va) && json_is_number(vb))
        r = json_number_value(va) < json_number_value(vb)   ? -1
            : json_number_value(va) > json_number_value(vb) ? 1
                                                            : 0;
    else if (json_is_number(va) || json_is_string(va))
        r = 1; /* unknown values sort as the smallest */
    else if (json_is_number(vb) || json_is_string(vb))
        r = -1;
    if (c->desc != top_sorting->reverse)
        r = -r;
    if (r == 0) /* ties in domid order, always */
        r = json_integer_value(json_object_get(da, "domid")) <
                    json_integer_value(json_object_get(db, "domid"))
                ? -1
                : 1;
    return r;
}

/*
 * Drawing.  A frame is a list of lines, none wider than the terminal; the
 * interactive mode rewrites the screen in place, batch mode prints them.
 */

struct top_frame {
    char **lines;
    size_t n;
};

static void top_line(struct top_frame *f, const char *fmt, ...) XB_PRINTF(2, 3);

static void
top_line(struct top_frame *f, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        fatal("vasprintf");
    va_end(ap);
    f->lines = xb_reallocarray(f->lines, f->n + 1, sizeof(*f->lines));
    f->lines[f->n++] = s;
}

static void
top_frame_dispose(struct top_frame *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->lines[i]);
    free(f->lines);
    f->lines = NULL;
    f->n = 0;
}

static void
top_head(const struct top *t, struct top_frame *f)
{
    const json_t *st = t->status, *host = json_object_get(st, "host");
    const struct top_col *c = &top_cols[t->sort];
    char b[6][32], when[16];
    time_t now = time(NULL);
    struct tm tm;

    localtime_r(&now, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    top_line(f, "xenballoon top  %s  policy %s  backend %s  xenstore %s%s",
             when, cmd_fmt_value(b[0], 32, NULL, json_object_get(st, "policy")),
             cmd_fmt_value(b[1], 32, NULL, json_object_get(st, "backend")),
             cmd_fmt_value(b[2], 32, NULL, json_object_get(st, "xenstore")),
             json_is_true(json_object_get(st, "paused")) ? "  PAUSED" : "");
    top_line(f, "host  total %s  free %s  available %s  reserve %s",
             top_fmt_size(b[0], 32, json_object_get(host, "total_kb")),
             top_fmt_size(b[1], 32, json_object_get(host, "free_kb")),
             top_fmt_size(b[2], 32, json_object_get(host, "available_kb")),
             top_fmt_size(b[3], 32, json_object_get(host, "reserve_kb")));
    top_line(f, "      promised %s  held %s  domains %zu",
             top_fmt_size(b[4], 32, json_object_get(host, "promised_kb")),
             top_fmt_size(b[5], 32, json_object_get(host, "held_kb")),
             json_array_size(json_object_get(st, "domains")));
    top_line(f, "sort: %s, %s%s", c->name,
             (c->desc != t->reverse) ? "largest first" : "smallest first",
             t->batch ? "" : "   keys: < > column  r reverse  q quit");
    top_line(f, "%s", "");
}

/* The header row; `mark` wraps the sort column in reverse video. */
static void
top_table_head(const struct top *t, struct top_frame *f, int mark)
{
    char row[512];
    size_t off = 0;
    int nw = top_name_width(t);

    for (int i = 0; i < TOP_NCOLS; i++) {
        const struct top_col *c = &top_cols[i];
        int w = c->width ? c->width : nw;
        int on = mark && i == t->sort;

        off += (size_t)snprintf(row + off, sizeof(row) - off, "%s%s",
                                i ? " " : "", on ? "\033[7m" : "");
        if (c->kind == TK_STR)
            off += (size_t)snprintf(row + off, sizeof(row) - off, "%-*s", w,
                                    c->head);
        else
            off += (size_t)snprintf(row + off, sizeof(row) - off, "%*s", w,
                                    c->head);
        if (on)
            off += (size_t)snprintf(row + off, sizeof(row) - off, "\033[0m");
    }
    /* The last column is left-aligned: no trailing blanks. */
    while (off > 0 && row[off - 1] == ' ')
        row[--off] = '\0';
    top_line(f, "%s", row);
}

static void
top_table_row(const struct top *t, struct top_frame *f, const json_t *dom)
{
    char row[512], cell[80];
    size_t off = 0;
    int nw = top_name_width(t);

    for (int i = 0; i < TOP_NCOLS; i++) {
        const struct top_col *c = &top_cols[i];
        int w = c->width ? c->width : nw;

        top_cell(cell, sizeof(cell), c, dom);
        if (c->kind == TK_STR)
            off += (size_t)snprintf(row + off, sizeof(row) - off, "%s%-*.*s",
                                    i ? " " : "", w, w, cell);
        else
            off += (size_t)snprintf(row + off, sizeof(row) - off, "%s%*.*s",
                                    i ? " " : "", w, w, cell);
    }
    while (off > 0 && row[off - 1] == ' ')
        row[--off] = '\0';
    top_line(f, "%s", row);
}

static void
top_build(struct top *t, struct top_frame *f)
{
    const json_t *doms = json_object_get(t->status, "domains");
    size_t n = json_array_size(doms), shown = n;
    const json_t **v = xb_calloc(n + 1, sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(doms, i);
    top_sorting = t;
    qsort(v, n, sizeof(*v), top_cmp);
    top_head(t, f);
    top_table_head(t, f, !t->batch);
    /* Interactive: keep to the screen, with a line saying what is cut. */
    if (!t->batch && t->rows > TOP_HEAD_LINES + 2 &&
        n > (size_t)(t->rows - TOP_HEAD_LINES - 1))
        shown = (size_t)(t->rows - TOP_HEAD_LINES - 2);
    for (size_t i = 0; i < shown; i++)
        top_table_row(t, f, v[i]);
    if (shown < n)
        top_line(f, "(%zu more: a taller terminal, or -b, shows them)",
                 n - shown);
    free(v);
}

/* Cuts line to `cols` visible columns; escape sequences take none. */
static void
top_clip(char *line, int cols)
{
    int seen = 0;

    for (char *p = line; *p != '\0'; p++) {
        if (*p == '\033') {
            while (*p != '\0' && *p != 'm')
                p++;
            if (*p == '\0')
                return;
            continue;
        }
        if (seen++ == cols) {
            *p = '\0';
            return;
        }
    }
}

static void
top_draw(struct top *t)
{
    struct top_frame f = { NULL, 0 };

    top_build(t, &f);
    if (t->batch) {
        for (size_t i = 0; i < f.n; i++)
            printf("%s\n", f.lines[i]);
        printf("\n");
    } else {
        /* Home, each line then erase to its end, erase what is below. */
        fputs("\033[H", stdout);
        for (size_t i = 0; i < f.n; i++)
            top_clip(f.lines[i], t->cols - 1);
        for (size_t i = 0; i < f.n; i++)
            printf("%s\033[0m\033[K%s", f.lines[i], i + 1 < f.n ? "\n" : "");
        fputs("\033[J", stdout);
    }
    fflush(stdout);
    top_frame_dispose(&f);
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
