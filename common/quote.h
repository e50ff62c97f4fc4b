/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one way untrusted text reaches a terminal or a log: a config key or
 * value, a policy or parameter name, a parser's "near" text, a client's
 * argument.  Quoted, shortened, and every byte that is not printable ASCII
 * (escape sequences, control bytes, UTF-8) shown as '?', so nothing a file,
 * a guest or a client wrote can move the operator's cursor or retitle the
 * terminal.
 */
#ifndef XB_COMMON_QUOTE_H
#define XB_COMMON_QUOTE_H

#include <stddef.h>

/* Longest piece of untrusted text quoted back, bytes. */
#define XB_QUOTE_MAX 40

/* "text" for a message: at most XB_QUOTE_MAX bytes then "...", quotes,
 * backslashes and unprintables as '?' (caller frees). */
char *xb_quote(const char *s);
/* The same, of the first `len` bytes of s (which may hold NULs). */
char *xb_quote_n(const char *s, size_t len);

/* Whether s is a plain name (letters, digits, '_', '-', '.'), which a
 * message may show unquoted. */
int xb_plain(const char *s);

#endif
