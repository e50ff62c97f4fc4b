/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging for the daemon, the agent and the tools: stderr or syslog, one
 * priority threshold, printf-checked, errno-preserving.  log_warn() appends
 * strerror(errno) the way the OpenBSD daemons do; log_warnx() does not.
 * fatal()/fatalx() are for start-up failures and broken invariants only,
 * never for bad input.
 */
#ifndef XB_COMMON_LOG_H
#define XB_COMMON_LOG_H

#include <stdarg.h>

#define XB_LOG_ERR 3
#define XB_LOG_WARNING 4
#define XB_LOG_INFO 6
#define XB_LOG_DEBUG 7

#define XB_PRINTF(f, a) __attribute__((format(printf, f, a)))

void log_init(const char *ident, int use_syslog, int level);
void log_set_level(int level);
int log_get_level(void);
/* "error", "warning", "info", "debug" -> level; -1 if unknown. */
int log_level_from_name(const char *name);
const char *log_level_name(int level);

void log_warn(const char *fmt, ...) XB_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) XB_PRINTF(1, 2);
void log_info(const char *fmt, ...) XB_PRINTF(1, 2);
void log_debug(const char *fmt, ...) XB_PRINTF(1, 2);
void log_vlog(int level, const char *fmt, va_list ap) XB_PRINTF(2, 0);
__attribute__((noreturn)) void fatal(const char *fmt, ...) XB_PRINTF(1, 2);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) XB_PRINTF(1, 2);

/*
 * A token bucket for messages a hostile peer could trigger at will.  A
 * limiter lets `burst` messages through, then one per `interval_ms`, and
 * counts what it suppressed so the next message can say so.
 */
struct xb_ratelimit {
    unsigned burst;
    unsigned interval_ms;
    double tokens;
    unsigned long long last_ms;
    unsigned long long suppressed;
};

void xb_ratelimit_init(struct xb_ratelimit *rl, unsigned burst,
                       unsigned interval_ms);
/*
 * Returns 1 if a message may be emitted at now_ms; then *suppressed_r (if
 * not NULL) is how many were dropped since the last one let through.
 */
int xb_ratelimit_ok(struct xb_ratelimit *rl, unsigned long long now_ms,
                    unsigned long long *suppressed_r);

#endif
