/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dom0-to-guest status and settings lines: formats and their
 * untrusted-input parsers.  See gstatus.h.
 */
#include <stdio.h>
#include <string.h>

#include "gstatus.h"
#include "xmalloc.h"

/* Plausible ranges: 16 TiB is beyond any host Xen 4.17 runs on; a ratio
 * of 1000x is beyond any sane overcommit; a heartbeat period of a day. */
#define GS_KIB_MAX (UINT64_C(1) << 34)
#define GS_SEQ_MAX (UINT64_C(1) << 62)
#define GS_RATIO_MAX 100000
#define GS_PERIOD_MAX 86400
/* Longest key before we call the token garbage, and what keys are of. */
#define GS_KEY_MAX 16
#define GS_KEY_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

static const char *const glevel_names[] = { "ok", "tight", "critical" };

const struct xb_gtune_key xb_gtune_keys[XB_GT_COUNT] = {
    /* Below 100 ms the agent costs more than it saves; an hour at most. */
    [XB_GT_INTERVAL] = { "interval", "ms", 1000, 100, 3600 * 1000 },
    /* dom0 calls an agent stale after tens of seconds; an hour at most so
     * a mistaken value cannot silence it for days. */
    [XB_GT_HEARTBEAT] = { "heartbeat", "s", 10, 1, 3600 },
    [XB_GT_COMPAT] = { "compat", "bool", 1, 0, 1 },
    [XB_GT_PSI] = { "psi", "bool", 1, 0, 1 },
    /* One balloon hypercall (2 MiB would be noise) up to 1 GiB. */
    [XB_GT_STEP] = { "step", "KiB", 8192, 1024, 1024 * 1024 },
    [XB_GT_STEPPM] = { "steppm", "permille", 20, 1, 1000 },
    /* At least 64 pages, so a refault trickle cannot make it chatty. */
    [XB_GT_REFAULT] = { "refault", "pages", 1024, 64, UINT64_C(1) << 32 },
    /* 100 us of stall; at most a minute. */
    [XB_GT_PSIMIN] = { "psimin", "us", 1000, 100, 60 * 1000 * 1000 },
};

const char *
xb_glevel_name(enum xb_glevel l)
{
    if ((unsigned)l >= sizeof(glevel_names) / sizeof(glevel_names[0]))
        return "?";
    return glevel_names[l];
}

int
xb_glevel_from_name(const char *name, enum xb_glevel *out)
{
    for (unsigned i = 0; i < sizeof(glevel_names) / sizeof(glevel_names[0]);
         i++)
        if (strcmp(name, glevel_names[i]) == 0) {
            *out = (enum xb_glevel)i;
            return 0;
        }
    return -1;
}

enum {
    GS_HB,
    GS_HBP,
    GS_TARGET,
    GS_ACTUAL,
    GS_MIN,
    GS_MAX,
    GS_NEED,
    GS_STATE,
    GS_LEVEL,
    GS_FREE,
    GS_TOTAL,
    GS_OCMAX,
    GS_OCTGT,
    GS_REASON,
    GS_NKEYS
};

static const char *const gs_keys[GS_NKEYS] = {
    "hb",    "hbp",   "target", "actual", "min",   "max",   "need",
    "state", "level", "free",   "total",  "ocmax", "octgt", "reason",
};

/*
 * The bounds of a numeric key, inclusive: the parser refuses a value
 * outside them and the formatter clamps to them, so that whatever dom0
 * writes, the agent accepts.
 */
static uint64_t
gs_min(int k)
{
    return k == GS_HBP ? 1 : 0;
}

static uint64_t
gs_max(int k)
{
    switch (k) {
    case GS_HB:
        return GS_SEQ_MAX;
    case GS_HBP:
        return GS_PERIOD_MAX;
    case GS_OCMAX:
    case GS_OCTGT:
        return GS_RATIO_MAX;
    default:
        return GS_KIB_MAX;
    }
}

static unsigned long long
gs_clamp(int k, uint64_t v)
{
    if (v < gs_min(k))
        return gs_min(k);
    return v > gs_max(k) ? gs_max(k) : v;
}

/* A state word as the parser takes it: 1-15 of a-z and '-'. */
static int
gs_word_ok(const char *s, size_t cap)
{
    size_t n = strlen(s);

    if (n == 0 || n >= cap)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
            return 0;
    return 1;
}

int
xb_gstatus_format(const struct xb_gstatus *s, char *buf, size_t len)
{
    size_t cap = len < XB_GSTATUS_MAX + 1 ? len : XB_GSTATUS_MAX + 1;
    char reason[XB_GSTATUS_REASON_MAX + 1];
    size_t i;
    int n;

    for (i = 0; i < XB_GSTATUS_REASON_MAX && s->reason[i] != '\0'; i++)
        reason[i] =
            s->reason[i] >= 0x20 && s->reason[i] < 0x7f ? s->reason[i] : '?';
    reason[i] = '\0';
    /* Every figure within the bounds xb_gstatus_parse() enforces: a
     * lying guest record must not make dom0 publish a line the agent
     * rejects. */
    n = snprintf(
        buf, cap,
        "v=%d hb=%llu hbp=%llu target=%llu actual=%llu min=%llu "
        "max=%llu need=%llu state=%s level=%s free=%llu total=%llu "
        "ocmax=%llu octgt=%llu reason=%s",
        XB_GSTATUS_VERSION, gs_clamp(GS_HB, s->hb),
        gs_clamp(GS_HBP, s->hb_period_s), gs_clamp(GS_TARGET, s->target_kb),
        gs_clamp(GS_ACTUAL, s->actual_kb), gs_clamp(GS_MIN, s->min_kb),
        gs_clamp(GS_MAX, s->max_kb), gs_clamp(GS_NEED, s->need_kb),
        gs_word_ok(s->state, sizeof(s->state)) ? s->state : "unknown",
        xb_glevel_name(s->level <= XB_GLEVEL_CRITICAL ? s->level
                                                      : XB_GLEVEL_CRITICAL),
        gs_clamp(GS_FREE, s->free_kb), gs_clamp(GS_TOTAL, s->total_kb),
        gs_clamp(GS_OCMAX, s->ocmax_pct), gs_clamp(GS_OCTGT, s->octgt_pct),
        reason);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    return n;
}

/* Strict decimal: digits only, no sign, no overflow, <= max. */
static int
gs_number(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0 || len > 20)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/*
 * Copies untrusted bytes into a NUL-terminated line, rejecting embedded
 * NULs and anything longer than the cap.
 */
static int
gs_line(const char *untrusted, size_t len, char *line, char **cause)
{
    if (len > XB_GSTATUS_MAX) {
        xb_set_cause(cause, "%zu bytes, over the %d-byte cap", len,
                     XB_GSTATUS_MAX);
        return -1;
    }
    if (memchr(untrusted, '\0', len) != NULL) {
        xb_set_cause(cause, "contains a NUL byte");
        return -1;
    }
    memcpy(line, untrusted, len);
    line[len] = '\0';
    if (strncmp(line, "v=1", 3) != 0 || (line[3] != ' ' && line[3] != '\0')) {
        xb_set_cause(cause, "not a version %d line", XB_GSTATUS_VERSION);
        return -1;
    }
    return 0;
}

static int
gs_word(const char *v, size_t vlen, char *out, size_t cap)
{
    if (vlen == 0 || vlen >= cap)
        return -1;
    for (size_t i = 0; i < vlen; i++)
        if (!((v[i] >= 'a' && v[i] <= 'z') || v[i] == '-'))
            return -1;
    memcpy(out, v, vlen);
    out[vlen] = '\0';
    return 0;
}

/* One key=value of the status line; 0 or -1 with *cause. */
static int
gs_field(struct xb_gstatus *o, int k, const char *v, size_t vlen, char **cause)
{
    char word[16];
    uint64_t x = 0;

    switch (k) {
    case GS_STATE:
        if (gs_word(v, vlen, o->state, sizeof(o->state)) < 0)
            goto bad;
        return 0;
    case GS_LEVEL:
        if (gs_word(v, vlen, word, sizeof(word)) < 0 ||
            xb_glevel_from_name(word, &o->level) < 0)
            goto bad;
        return 0;
    default:
        break;
    }
    if (gs_number(v, vlen, gs_max(k), &x) < 0 || x < gs_min(k))
        goto bad;
    switch (k) {
    case GS_HB:
        o->hb = x;
        break;
    case GS_HBP:
        o->hb_period_s = (unsigned)x;
        break;
    case GS_TARGET:
        o->target_kb = x;
        break;
    case GS_ACTUAL:
        o->actual_kb = x;
        break;
    case GS_MIN:
        o->min_kb = x;
        break;
    case GS_MAX:
        o->max_kb = x;
        break;
    case GS_NEED:
        o->need_kb = x;
        break;
    case GS_FREE:
        o->free_kb = x;
        break;
    case GS_TOTAL:
        o->total_kb = x;
        break;
    case GS_OCMAX:
        o->ocmax_pct = (unsigned)x;
        break;
    case GS_OCTGT:
        o->octgt_pct = (unsigned)x;
        break;
    }
    return 0;
bad:
    xb_set_cause(cause, "key '%s': bad value", gs_keys[k]);
    return -1;
}

int
xb_gstatus_parse(const char *untrusted, size_t len, struct xb_gstatus *out,
                 char **cause)
{
    char line[XB_GSTATUS_MAX + 1];
    struct xb_gstatus o;
    uint32_t seen = 0;
    char *p, *sp, *eq;

    if (gs_line(untrusted, len, line, cause) < 0)
        return -1;
    memset(&o, 0, sizeof(o));
    for (p = line + 3; *p == ' ';) {
        size_t klen, vlen;
        int k;

        p++;
        if ((eq = strchr(p, '=')) == NULL || (klen = (size_t)(eq - p)) == 0 ||
            klen > GS_KEY_MAX || strspn(p, GS_KEY_CHARS) != klen) {
            xb_set_cause(cause, "malformed token at byte %zu",
                         (size_t)(p - line));
            return -1;
        }
        for (k = 0; k < GS_NKEYS; k++)
            if (strlen(gs_keys[k]) == klen && memcmp(gs_keys[k], p, klen) == 0)
                break;
        if (k == GS_REASON) {
            /* The rest of the line, whatever it holds. */
            size_t rlen = strlen(eq + 1);

            if (rlen > XB_GSTATUS_REASON_MAX)
                rlen = XB_GSTATUS_REASON_MAX;
            for (size_t i = 0; i < rlen; i++)
                o.reason[i] =
                    eq[1 + i] >= 0x20 && eq[1 + i] < 0x7f ? eq[1 + i] : '?';
            o.reason[rlen] = '\0';
            seen |= 1u << GS_REASON;
            break;
        }
        sp = strchr(eq + 1, ' ');
        vlen = sp ? (size_t)(sp - eq - 1) : strlen(eq + 1);
        if (k < GS_NKEYS) {
            if (seen & (1u << k)) {
                xb_set_cause(cause, "key '%s' given twice", gs_keys[k]);
                return -1;
            }
            if (gs_field(&o, k, eq + 1, vlen, cause) < 0)
                return -1;
            seen |= 1u << k;
        }
        p = eq + 1 + vlen;
    }
    if (*p != '\0' && !(seen & (1u << GS_REASON))) {
        xb_set_cause(cause, "malformed separator at byte %zu",
                     (size_t)(p - line));
        return -1;
    }
    for (int k = 0; k < GS_REASON; k++)
        if (!(seen & (1u << k))) {
            xb_set_cause(cause, "key '%s' missing", gs_keys[k]);
            return -1;
        }
    *out = o;
    return 0;
}

void
xb_gtune_defaults(struct xb_gtune *t)
{
    memset(t, 0, sizeof(*t));
    for (int i = 0; i < XB_GT_COUNT; i++)
        t->v[i] = xb_gtune_keys[i].def;
}

int
xb_gtune_format(const struct xb_gtune *t, char *buf, size_t len)
{
    size_t cap = len < XB_GSTATUS_MAX + 1 ? len : XB_GSTATUS_MAX + 1;
    size_t off;
    int n;

    n = snprintf(buf, cap, "v=%d", XB_GSTATUS_VERSION);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    off = (size_t)n;
    for (int i = 0; i < XB_GT_COUNT; i++) {
        if (!(t->present & (1u << i)))
            continue;
        const struct xb_gtune_key *k = &xb_gtune_keys[i];
        /* Within the agent's bounds, so it never has to clamp. */
        uint64_t v = t->v[i] < k->min   ? k->min
                     : t->v[i] > k->max ? k->max
                                        : t->v[i];

        n = snprintf(buf + off, cap - off, " %s=%llu", k->key,
                     (unsigned long long)v);
        if (n < 0 || (size_t)n >= cap - off)
            return -1;
        off += (size_t)n;
    }
    return (int)off;
}

int
xb_gtune_parse(const char *untrusted, size_t len, struct xb_gtune *t,
               uint32_t *clamped, uint32_t *bad, char **cause)
{
    char line[XB_GSTATUS_MAX + 1];
    char *tok, *save = NULL, *eq;

    *clamped = 0;
    *bad = 0;
    if (gs_line(untrusted, len, line, cause) < 0)
        return -1;
    for (tok = strtok_r(line + 3, " ", &save); tok != NULL;
         tok = strtok_r(NULL, " ", &save)) {
        const struct xb_gtune_key *k = NULL;
        uint64_t x;
        int i;

        if ((eq = strchr(tok, '=')) == NULL)
            continue;
        *eq = '\0';
        for (i = 0; i < XB_GT_COUNT; i++)
            if (strcmp(tok, xb_gtune_keys[i].key) == 0) {
                k = &xb_gtune_keys[i];
                break;
            }
        if (k == NULL)
            continue; /* a newer daemon's key */
        /* Anything above 2^64 - 1 fails here and counts as garbage. */
        if (gs_number(eq + 1, strlen(eq + 1), UINT64_MAX, &x) < 0) {
            *bad |= 1u << i;
            continue;
        }
        if (x < k->min || x > k->max) {
            x = x < k->min ? k->min : k->max;
            *clamped |= 1u << i;
        }
        t->v[i] = x;
        t->present |= 1u << i;
    }
    return 0;
}
