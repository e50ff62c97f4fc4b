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

/*
 * A JSON parser's message for a message of ours: jansson quotes the input
 * it stopped at ("unexpected token near '...'"); that part goes through
 * xb_quote()'s filter (in jansson's single quotes), the rest (jansson's
 * own words) is kept, and anything else unprintable becomes '?' (caller
 * frees).
 */
char *xb_quote_near(const char *text);

/*
 * "path.key", or "key" at the top, for a message naming a place in a JSON
 * document: a key that is not a plain name is quoted (path."?]0;x?") so
 * that a key cannot smuggle control bytes or fake a path (caller frees).
 */
char *xb_path_key(const char *path, const char *key);

/* Whether s is a plain name (letters, digits, '_', '-', '.'), which a
 * message may show unquoted. */
int xb_plain(const char *s);

#endif
