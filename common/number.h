/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one parser for the sizes and durations a person writes: in the
 * config file (and its policy parameters), in control requests and on the
 * xenballoon-ctl command line.  One grammar, one set of limits, one range
 * check and the same error words everywhere:
 *
 *   <digits>[.<digits>]<unit>     exactly: no sign, no exponent, no
 *                                 whitespace anywhere (leading included)
 *   size units      K M G T, also KiB MiB GiB TiB, any case; base KiB
 *   duration units  ms s m min h d, exact case; base milliseconds
 *
 * The value must come to a whole number of base units.  Where an interface
 * documents a number without a unit (a bare "2048" on the command line is
 * KiB, "--for 90" is seconds), the caller says what one such unit is worth;
 * the config file has JSON integers for that instead.
 */
#ifndef XB_COMMON_NUMBER_H
#define XB_COMMON_NUMBER_H

#include <stddef.h>
#include <stdint.h>

enum xb_qty {
    XB_QTY_SIZE,     /* KiB */
    XB_QTY_DURATION, /* milliseconds */
};

/* Largest size parsed at all: 2^54 KiB (16 EiB) still fits a uint64 of
 * bytes; every interface's own range is far below. */
#define XB_SIZE_LIMIT (UINT64_C(1) << 54)
/* Largest duration parsed at all: 2^53 ms, exact in any JSON reader, and
 * far from overflowing when added to a millisecond clock. */
#define XB_DURATION_LIMIT (UINT64_C(1) << 53)
/* A buffer for a formatted size or duration, with the NUL. */
#define XB_QTY_BUF 32

/*
 * Parses the string s.  `bare` is what a number without a unit is worth
 * in base units (0: a unit is required).  Returns 0 and *out, or -1 with
 * *cause (quoting s): "... is negative", "... is too large", "... is not a
 * whole number of KiB", "... is not a size (use K, M, G or T)".
 */
int xb_qty_parse(enum xb_qty q, const char *s, uint64_t bare, uint64_t *out,
                 char **cause);
/* An integer in base units (a JSON integer): 0 and *out, or -1 with
 * "-5 is negative" or "... is too large". */
int xb_qty_from_int(enum xb_qty q, long long v, uint64_t *out, char **cause);
/* 0 if min <= v <= max, else -1 with "3T is out of range [0, 1T]". */
int xb_qty_check(enum xb_qty q, uint64_t v, uint64_t min, uint64_t max,
                 char **cause);
/* xb_qty_parse() then xb_qty_check(). */
int xb_qty_parse_range(enum xb_qty q, const char *s, uint64_t bare,
                       uint64_t min, uint64_t max, uint64_t *out, char **cause);

/* The shortest exact spelling ("128M", "1536M", "100K", "2s", "250ms",
 * "0") into buf. */
void xb_qty_format(enum xb_qty q, uint64_t v, char *buf, size_t len);
/* "KiB" or "milliseconds". */
const char *xb_qty_base(enum xb_qty q);

#endif
