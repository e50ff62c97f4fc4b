/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Human output for the CLI: sizes as MiB with one decimal, durations,
 * generic JSON values, and a small auto-sized text table that keeps rows
 * inside 80 columns by cutting one chosen column.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "xmalloc.h"

char *
cmd_fmt_size(char *buf, size_t len, const json_t *kb)
{
    if (json_is_integer(kb))
        snprintf(buf, len, "%.1fM", (double)json_integer_value(kb) / 1024.0);
    else if (json_is_real(kb))
        snprintf(buf, len, "%.1fM", json_real_value(kb) / 1024.0);
    else
        snprintf(buf, len, "-");
    return buf;
}

char *
cmd_fmt_ms(char *buf, size_t len, uint64_t ms)
{
    uint64_t s = ms / 1000;

    if (ms < 1000)
        snprintf(buf, len, "%llums", (unsigned long long)ms);
    else if (s < 60)
        snprintf(buf, len, "%.1fs", (double)ms / 1000.0);
    else if (s < 3600)
        snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60),
                 (unsigned long long)(s % 60));
    else if (s < 86400)
        snprintf(buf, len, "%lluh%02llum", (unsigned long long)(s / 3600),
                 (unsigned long long)(s % 3600 / 60));
    else
        snprintf(buf, len, "%llud%02lluh", (unsigned long long)(s / 86400),
                 (unsigned long long)(s % 86400 / 3600));
    return buf;
}

static int
cmd_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

char *
cmd_fmt_value(char *buf, size_t len, const char *key, const json_t *v)
{
    char *s;

    if (key != NULL && cmd_has_suffix(key, "_kb") && json_is_number(v))
        return cmd_fmt_size(buf, len, v);
    if (key != NULL && cmd_has_suffix(key, "_ms") && json_is_integer(v) &&
        json_integer_value(v) >= 0)
        return cmd_fmt_ms(buf, len, (uint64_t)json_integer_value(v));
    switch (json_typeof(v)) {
    case JSON_STRING:
        snprintf(buf, len, "%s", json_string_value(v));
        break;
    case JSON_INTEGER:
        snprintf(buf, len, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(buf, len, "%g", json_real_value(v));
        break;
    case JSON_TRUE:
        snprintf(buf, len, "yes");
        break;
    case JSON_FALSE:
        snprintf(buf, len, "no");
        break;
    case JSON_NULL:
        snprintf(buf, len, "-");
        break;
    default:
        s = json_dumps(v, JSON_COMPACT);
        snprintf(buf, len, "%s", s != NULL ? s : "?");
        free(s);
        break;
    }
    return buf;
}

struct cmd_tbl {
    int ncols;
    const int *right;
    char **cells; /* nrows * ncols, row 0 the header */
    size_t nrows;
};

struct cmd_tbl *
cmd_tbl_create(int ncols, const char *const *header, const int *right_align)
{
    struct cmd_tbl *t = xb_calloc(1, sizeof(*t));

    t->ncols = ncols;
    t->right = right_align;
    cmd_tbl_add(t, header);
    return t;
}

void
cmd_tbl_add(struct cmd_tbl *t, const char *const *cells)
{
    size_t base = t->nrows * (size_t)t->ncols;

    t->cells =
        xb_reallocarray(t->cells, base + (size_t)t->ncols, sizeof(*t->cells));
    for (int i = 0; i < t->ncols; i++)
        t->cells[base + (size_t)i] = xb_strdup(cells[i] ? cells[i] : "-");
    t->nrows++;
}

void
cmd_tbl_print(struct cmd_tbl *t, FILE *out, int shrink, int width)
{
    int *w = xb_calloc((size_t)t->ncols, sizeof(*w));
    int total = 0, n;
    const char *cell;

    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            n = (int)strlen(t->cells[r * (size_t)t->ncols + (size_t)c]);
            if (n > w[c])
                w[c] = n;
        }
    }
    for (int c = 0; c < t->ncols; c++)
        total += w[c] + (c > 0);
    if (shrink >= 0 && shrink < t->ncols && total > width) {
        /* Cut the chosen column, but never below its header. */
        int min = (int)strlen(t->cells[shrink]);
        w[shrink] -= total - width;
        if (w[shrink] < min)
            w[shrink] = min;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            cell = t->cells[r * (size_t)t->ncols + (size_t)c];
            if (c > 0)
                fputc(' ', out);
            if (t->right != NULL && t->right[c])
                fprintf(out, "%*.*s", w[c], w[c], cell);
            else if (c == t->ncols - 1)
                fprintf(out, "%.*s", w[c], cell);
            else
                fprintf(out, "%-*.*s", w[c], w[c], cell);
        }
        fputc('\n', out);
    }
    free(w);
}

void
cmd_tbl_destroy(struct cmd_tbl *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

/* Key without a _kb/_ms unit suffix, for human output. */
const char *
cmd_bare_key(char *buf, size_t len, const char *key)
{
    size_t n = strlen(key);

    if (n > 3 &&
        (strcmp(key + n - 3, "_kb") == 0 || strcmp(key + n - 3, "_ms") == 0))
        n -= 3;
    snprintf(buf, len, "%.*s", (int)n, key);
    return buf;
}
