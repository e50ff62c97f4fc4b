/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `top`'s drawing: the columns, compact sizes and rates, the sort (any
 * column, either way, ties in domid order), and the frame: title, host
 * lines, sort line and one row per domain that fits, clipped to the
 * terminal's width.  Escapes are limited to cursor homing, colour reset
 * and erase-to-end-of-line, so no curses is needed.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd.h"
#include "log.h"
#include "top.h"
#include "xmalloc.h"

const struct top_col top_cols[TOP_NCOLS] = {
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

void
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
