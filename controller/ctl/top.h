/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `top`'s state and its columns, shared between the command (cmd_top.c:
 * options, the terminal, keys, fetching `status`) and the drawing
 * (top_draw.c: formatting, sorting and the frame).  Only those two files
 * include this header.
 */
#ifndef XB_CTL_TOP_H
#define XB_CTL_TOP_H

#include <termios.h>

#include <jansson.h>

struct ctl_conn;

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

#define TOP_NCOLS 10
extern const struct top_col top_cols[TOP_NCOLS];

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

/* Draws one frame of t->status: in place in the terminal, or printed in
 * batch mode. */
void top_draw(struct top *t);

#endif
