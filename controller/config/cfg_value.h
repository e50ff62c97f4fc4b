/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Value syntax for the config file: the units of sizes and durations,
 * their shortest exact spelling, names, and the words messages use for a
 * JSON value's type and for a user's string.  The parsers themselves
 * (cfg_parse_size, cfg_parse_duration, cfg_parse_listen) are public and
 * declared in config.h.  Nothing here knows the file's keys.
 */
#ifndef XB_CONFIG_CFG_VALUE_H
#define XB_CONFIG_CFG_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "number.h"
#include "quote.h"

/* Size units, in KiB (the unit of every size inside the daemon). */
#define KIB UINT64_C(1)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)
#define TIB (GIB * 1024)
/* Duration units, in milliseconds. */
#define MSEC UINT64_C(1)
#define SEC (MSEC * 1000)
#define MINUTE (SEC * 60)
#define HOUR (MINUTE * 60)

/* A buffer for a formatted size or duration, with the NUL: 20 digits and
 * the longest unit fit with room to spare. */
#define CFG_VALUE_BUF XB_QTY_BUF

/* "an object", "an integer", "a real number", ... for messages. */
const char *cfg_type_name(json_type t);

/* The shortest exact spelling of a size in KiB ("128M", "1536M", "100K",
 * "0") or of a duration in ms ("2s", "250ms"), into buf. */
void cfg_fmt_size(uint64_t kb, char *buf, size_t len);
void cfg_fmt_duration(uint64_t ms, char *buf, size_t len);

/* A group or domain name: 1 to `max` of letters, digits, '_', '-', '.'.
 * 0, or -1 with *cause (quoting s). */
int cfg_check_name(const char *s, size_t max, char **cause);

#endif
