/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging: see log.h.  The process has one logger; it is configured once at
 * start-up (and again on reload) from the main thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"

static const char *log_ident = "xenballoon";
static int log_syslog;
static int log_level = XB_LOG_INFO;

static const struct {
    const char *name;
    int level;
} log_levels[] = {
    { "error", XB_LOG_ERR },
    { "warning", XB_LOG_WARNING },
    { "info", XB_LOG_INFO },
    { "debug", XB_LOG_DEBUG },
};

void
log_init(const char *ident, int use_syslog, int level)
{
    log_ident = ident;
    log_level = level;
    if (use_syslog && !log_syslog)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    else if (!use_syslog && log_syslog)
        closelog();
    log_syslog = use_syslog;
}

void
log_set_level(int level)
{
    log_level = level;
}

int
log_get_level(void)
{
    return log_level;
}

int
log_level_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
        if (strcasecmp(name, log_levels[i].name) == 0)
            return log_levels[i].level;
    return -1;
}

const char *
log_level_name(int level)
{
    for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
        if (log_levels[i].level == level)
            return log_levels[i].name;
    return "unknown";
}

void
log_vlog(int level, const char *fmt, va_list ap)
{
    int saved = errno;

    if (level > log_level) {
        errno = saved;
        return;
    }
    if (log_syslog) {
        vsyslog(level, fmt, ap);
    } else {
        char line[1024];

        vsnprintf(line, sizeof(line), fmt, ap);
        fprintf(stderr, "%s: %s\n", log_ident, line);
        fflush(stderr);
    }
    errno = saved;
}

static void log_errno(int level, const char *fmt, va_list ap) XB_PRINTF(2, 0);

static void
log_errno(int level, const char *fmt, va_list ap)
{
    int saved = errno;
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (level <= log_level) {
        if (log_syslog)
            syslog(level, "%s: %s", msg, strerror(saved));
        else {
            fprintf(stderr, "%s: %s: %s\n", log_ident, msg, strerror(saved));
            fflush(stderr);
        }
    }
    errno = saved;
}

void
log_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_errno(XB_LOG_WARNING, fmt, ap);
    va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vlog(XB_LOG_WARNING, fmt, ap);
    va_end(ap);
}

void
log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vlog(XB_LOG_INFO, fmt, ap);
    va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vlog(XB_LOG_DEBUG, fmt, ap);
    va_end(ap);
}

void
fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_errno(XB_LOG_ERR, fmt, ap);
    va_end(ap);
    exit(1);
}

void
fatalx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vlog(XB_LOG_ERR, fmt, ap);
    va_end(ap);
    exit(1);
}

void
xb_ratelimit_init(struct xb_ratelimit *rl, unsigned burst, unsigned interval_ms)
{
    rl->burst = burst;
    rl->interval_ms = interval_ms;
    rl->tokens = burst;
    rl->last_ms = 0;
    rl->suppressed = 0;
}

int
xb_ratelimit_ok(struct xb_ratelimit *rl, unsigned long long now_ms,
                unsigned long long *suppressed_r)
{
    if (now_ms > rl->last_ms && rl->interval_ms > 0) {
        rl->tokens += (double)(now_ms - rl->last_ms) / rl->interval_ms;
        if (rl->tokens > rl->burst)
            rl->tokens = rl->burst;
    }
    if (now_ms > rl->last_ms)
        rl->last_ms = now_ms;
    if (rl->tokens < 1.0) {
        rl->suppressed++;
        return 0;
    }
    rl->tokens -= 1.0;
    if (suppressed_r != NULL)
        *suppressed_r = rl->suppressed;
    rl->suppressed = 0;
    return 1;
}
