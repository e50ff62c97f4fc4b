/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eatmem: the guest workload of the 2008 directed-ballooning paper.  It
 * allocates a chunk of anonymous memory, writes every page of it a number
 * of times, frees it, sleeps, and starts again.  Three schedules:
 *
 *   random   chunk size uniform in [min, max], 1..W write passes, sleep
 *            uniform in [0, max-sleep]; seeded, so a run can be replayed
 *   pattern  a fixed list of SIZE:HOLD_S:SLEEP_S steps, cycled
 *   fixed    one chunk, touched once and held until a signal arrives
 *
 * A rate limit on the first write pass makes demand ramp up the way real
 * programs grow, instead of in one step faster than any balloon.
 *
 * It reports the chunk it currently holds (KiB) on stdout and, atomically,
 * in a report file, so whoever drives a test can see the demand.  It only
 * needs libc, so it can be linked statically for a busybox initramfs.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define EM_MIB (1024ULL * 1024ULL)
/* Defaults from the seed paper: chunks up to 512 MiB, sleeps up to 63 s. */
#define EM_DEFAULT_MAX (512ULL * EM_MIB)
#define EM_DEFAULT_MIN (1ULL * EM_MIB)
#define EM_DEFAULT_MAX_SLEEP_S 63.0
/* Write passes per chunk are drawn from 1..EM_DEFAULT_MAX_WRITES. */
#define EM_DEFAULT_MAX_WRITES 4U
/* A pattern longer than this is surely a typo. */
#define EM_MAX_STEPS 64

struct em_step {
    uint64_t size;  /* bytes */
    double hold_s;  /* seconds to keep the chunk after touching it */
    double sleep_s; /* seconds to sleep after freeing it */
};

struct em_opts {
    uint64_t min;
    uint64_t max;
    double max_sleep_s;
    unsigned max_writes;
    uint64_t seed;
    int seeded;
    unsigned long count; /* chunks to allocate; 0 = forever */
    double rate_mib_s;   /* first-pass write speed limit; 0 = none */
    const char *report;
    int quiet;
    uint64_t fixed; /* 0 = not in fixed mode */
    struct em_step steps[EM_MAX_STEPS];
    unsigned nsteps; /* 0 = not in pattern mode */
};

static volatile sig_atomic_t em_stop;
static size_t em_pagesize;

static void
em_on_signal(int signo)
{
    (void)signo;
    em_stop = 1;
}

/* splitmix64: tiny, seedable, identical on every libc. */
static uint64_t
em_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]; the modulo bias is irrelevant at these ranges. */
static uint64_t
em_rand_range(uint64_t *state, uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        return lo;
    if (hi - lo == UINT64_MAX)
        return em_rand(state);
    return lo + em_rand(state) % (hi - lo + 1);
}

/*
 * "512M", "64k", "1G", "4096B"; a bare number is MiB (what people mean
 * when they ask a memory eater for "200").  Returns 0 or -1.
 */
static int
em_parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v, mult = EM_MIB;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *s == '-')
        return -1;
    switch (*end) {
    case '\0':
        break;
    case 'b':
    case 'B':
        mult = 1;
        end++;
        break;
    case 'k':
    case 'K':
        mult = 1024;
        end++;
        break;
    case 'm':
    case 'M':
        end++;
        break;
    case 'g':
    case 'G':
        mult = 1024 * EM_MIB;
        end++;
        break;
    default:
        return -1;
    }
    if (*end == 'i' && end[1] == 'B')
        end += 2;
    if (*end != '\0' || v > UINT64_MAX / mult)
        return -1;
    *out = v * mult;
    return 0;
}

/* Non-negative seconds, fractions allowed. */
static int
em_parse_seconds(const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0) || v > 1e7)
        return -1;
    *out = v;
    return 0;
}

static int
em_parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || *s == '-')
        return -1;
    *out = v;
    return 0;
}

/* "SIZE:HOLD_S:SLEEP_S" steps separated by ',' or '+'. */
static int
em_parse_pattern(const char *spec, struct em_opts *o)
{
    char *copy, *step, *save = NULL;
    int rc = -1;

    copy = strdup(spec);
    if (copy == NULL)
        return -1;
    o->nsteps = 0;
    for (step = strtok_r(copy, ",+", &save); step != NULL;
         step = strtok_r(NULL, ",+", &save)) {
        char *hold = strchr(step, ':'), *sleep_s;
        struct em_step *st;

        if (o->nsteps == EM_MAX_STEPS || hold == NULL)
            goto out;
        *hold++ = '\0';
        sleep_s = strchr(hold, ':');
        if (sleep_s == NULL)
            goto out;
        *sleep_s++ = '\0';
        st = &o->steps[o->nsteps];
        if (em_parse_size(step, &st->size) == -1 ||
            em_parse_seconds(hold, &st->hold_s) == -1 ||
            em_parse_seconds(sleep_s, &st->sleep_s) == -1)
            goto out;
        o->nsteps++;
    }
    rc = o->nsteps > 0 ? 0 : -1;
out:
    free(copy);
    return rc;
}

/* Replace the report file atomically: readers never see a torn value. */
static void
em_report(const struct em_opts *o, uint64_t bytes, const char *phase)
{
    unsigned long long kib = (unsigned long long)(bytes / 1024);

    if (!o->quiet) {
        printf("eatmem: chunk=%llu phase=%s\n", kib, phase);
        fflush(stdout);
    }
    if (o->report != NULL) {
        char tmp[PATH_MAX];
        FILE *f;

        if (snprintf(tmp, sizeof tmp, "%s.tmp", o->report) >= (int)sizeof tmp)
            return;
        f = fopen(tmp, "w");
        if (f == NULL)
            return;
        fprintf(f, "%llu %s\n", kib, phase);
        if (fclose(f) != 0 || rename(tmp, o->report) != 0)
            unlink(tmp);
    }
}

/* Sleep, waking early when a signal asks us to stop. */
static void
em_sleep(double seconds)
{
    struct timespec ts;

    if (seconds <= 0.0)
        return;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (!em_stop && nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static double
em_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A chunk is mapped in segments: Linux's default overcommit heuristic
 * refuses a single mapping larger than the machine's RAM, and a ballooned
 * guest's RAM is exactly what is about to grow.
 */
#define EM_SEG (16ULL * EM_MIB)

struct em_buf {
    unsigned char **seg; /* nseg mappings of EM_SEG bytes, the last shorter */
    size_t nseg;
    uint64_t size; /* bytes, a multiple of the page size */
};

static size_t
em_seg_len(const struct em_buf *b, size_t k)
{
    return k + 1 < b->nseg ? (size_t)EM_SEG
                           : (size_t)(b->size - (uint64_t)k * EM_SEG);
}

static void
em_unmap(struct em_buf *b)
{
    size_t k;

    for (k = 0; k < b->nseg && b->seg != NULL; k++)
        if (b->seg[k] != NULL)
            munmap(b->seg[k], em_seg_len(b, k));
    free(b->seg);
    b->seg = NULL;
    b->nseg = 0;
}

static int
em_map(struct em_buf *b, uint64_t size)
{
    size_t k;

    b->size = size;
    b->nseg = (size_t)((size + EM_SEG - 1) / EM_SEG);
    b->seg = calloc(b->nseg, sizeof *b->seg);
    if (b->seg == NULL)
        return -1;
    for (k = 0; k < b->nseg; k++) {
        void *p = mmap(NULL, em_seg_len(b, k), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED) {
            int e = errno;

            em_unmap(b);
            errno = e;
            return -1;
        }
        b->seg[k] = p;
    }
    return 0;
}

/*
 * Write every page of the chunk, so each one is really backed; at most
 * rate MiB/s (checked every MiB) when rate > 0.
 */
static void
em_touch(const struct em_buf *b, unsigned pass, double rate)
{
    double t0 = em_now();
    uint64_t done = 0;
    size_t k, off;

    for (k = 0; k < b->nseg && !em_stop; k++) {
        for (off = 0; off < em_seg_len(b, k) && !em_stop; off += em_pagesize) {
            memset(b->seg[k] + off, (int)(0x5a ^ pass), em_pagesize);
            done += em_pagesize;
            if (rate > 0.0 && done % EM_MIB == 0)
                em_sleep(t0 + (double)done / EM_MIB / rate - em_now());
        }
    }
}

/*
 * One chunk: allocate, write it `writes` times, hold it (hold_s < 0 means
 * until a signal), free it.  Returns -1 if the allocation failed.
 */
static int
em_chunk(const struct em_opts *o, uint64_t size, unsigned writes, double hold_s)
{
    struct em_buf b;
    unsigned i;

    size = (size + em_pagesize - 1) / em_pagesize * em_pagesize;
    if (size == 0 || size > SIZE_MAX)
        return -1;
    em_report(o, size, "alloc");
    if (em_map(&b, size) == -1) {
        fprintf(stderr, "eatmem: mmap %" PRIu64 " bytes: %s\n", size,
                strerror(errno));
        em_report(o, 0, "sleep");
        return -1;
    }
    for (i = 0; i < writes && !em_stop; i++)
        em_touch(&b, i, i == 0 ? o->rate_mib_s : 0.0);
    if (!em_stop)
        em_report(o, size, "hold");
    if (hold_s < 0.0) {
        while (!em_stop)
            pause();
    } else {
        em_sleep(hold_s);
    }
    em_unmap(&b);
    return 0;
}

static void
em_usage(FILE *f)
{
    fprintf(f, "usage: eatmem [-q] [-R MIB_S] [-s SEED] [-n COUNT] [-r FILE]\n"
               "              [-m MAX] [-M MIN] [-t MAX_SLEEP_S] [-w WRITES]\n"
               "       eatmem [-q] [-R MIB_S] [-n COUNT] [-r FILE]\n"
               "              -p SIZE:HOLD_S:SLEEP_S[,...]\n"
               "       eatmem [-q] [-R MIB_S] [-r FILE] -f SIZE\n"
               "SIZE takes K, M or G; a bare number is MiB.\n");
}

static int
em_parse_args(int argc, char **argv, struct em_opts *o)
{
    static const struct option longopts[] = {
        { "seed", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'n' },
        { "report", required_argument, NULL, 'r' },
        { "max", required_argument, NULL, 'm' },
        { "min", required_argument, NULL, 'M' },
        { "max-sleep", required_argument, NULL, 't' },
        { "max-writes", required_argument, NULL, 'w' },
        { "rate", required_argument, NULL, 'R' },
        { "pattern", required_argument, NULL, 'p' },
        { "fixed", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    unsigned long ul;
    int c;

    while ((c = getopt_long(argc, argv, "s:n:r:m:M:t:w:R:p:f:qh", longopts,
                            NULL)) != -1) {
        switch (c) {
        case 's':
            if (em_parse_ulong(optarg, &ul) == -1)
                goto bad;
            o->seed = ul;
            o->seeded = 1;
            break;
        case 'n':
            if (em_parse_ulong(optarg, &o->count) == -1)
                goto bad;
            break;
        case 'r':
            o->report = optarg;
            break;
        case 'm':
            if (em_parse_size(optarg, &o->max) == -1 || o->max == 0)
                goto bad;
            break;
        case 'M':
            if (em_parse_size(optarg, &o->min) == -1)
                goto bad;
            break;
        case 't':
            if (em_parse_seconds(optarg, &o->max_sleep_s) == -1)
                goto bad;
            break;
        case 'w':
            if (em_parse_ulong(optarg, &ul) == -1 || ul == 0 || ul > 1000)
                goto bad;
            o->max_writes = (unsigned)ul;
            break;
        case 'R':
            if (em_parse_seconds(optarg, &o->rate_mib_s) == -1)
                goto bad;
            break;
        case 'p':
            if (em_parse_pattern(optarg, o) == -1)
                goto bad;
            break;
        case 'f':
            if (em_parse_size(optarg, &o->fixed) == -1 || o->fixed == 0)
                goto bad;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            em_usage(stdout);
            exit(0);
        default:
            em_usage(stderr);
            return -1;
        }
    }
    if (optind != argc || (o->fixed != 0 && o->nsteps != 0)) {
        em_usage(stderr);
        return -1;
    }
    if (o->min > o->max) {
        fprintf(stderr, "eatmem: --min is larger than --max\n");
        return -1;
    }
    return 0;
bad:
    fprintf(stderr, "eatmem: bad value for -%c: %s\n", c, optarg);
    return -1;
}

static void
em_install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = em_on_signal; /* no SA_RESTART: sleeps must wake */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* Returns -1 when a fixed chunk could not be allocated. */
static int
em_run(struct em_opts *o)
{
    unsigned long done;

    if (o->fixed != 0)
        return em_chunk(o, o->fixed, 1, -1.0);
    for (done = 0; !em_stop && (o->count == 0 || done < o->count); done++) {
        if (o->nsteps != 0) {
            const struct em_step *st = &o->steps[done % o->nsteps];

            em_chunk(o, st->size, 1, st->hold_s);
            if (!em_stop)
                em_report(o, 0, "sleep");
            em_sleep(st->sleep_s);
        } else {
            uint64_t size = em_rand_range(&o->seed, o->min, o->max);
            unsigned writes =
                (unsigned)em_rand_range(&o->seed, 1, o->max_writes);
            /* Millisecond resolution is plenty for a sleep schedule. */
            uint64_t sleep_ms =
                em_rand_range(&o->seed, 0, (uint64_t)(o->max_sleep_s * 1000.0));

            em_chunk(o, size, writes, 0.0);
            if (!em_stop)
                em_report(o, 0, "sleep");
            em_sleep((double)sleep_ms / 1000.0);
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct em_opts o;
    long ps;
    int rc;

    memset(&o, 0, sizeof o);
    o.min = EM_DEFAULT_MIN;
    o.max = EM_DEFAULT_MAX;
    o.max_sleep_s = EM_DEFAULT_MAX_SLEEP_S;
    o.max_writes = EM_DEFAULT_MAX_WRITES;
    if (em_parse_args(argc, argv, &o) == -1)
        return 2;
    if (o.min > o.max)
        o.min = o.max;
    ps = sysconf(_SC_PAGESIZE);
    em_pagesize = ps > 0 ? (size_t)ps : 4096;
    if (!o.seeded)
        o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (!o.quiet && o.fixed == 0 && o.nsteps == 0) {
        printf("eatmem: seed=%" PRIu64 " max=%" PRIu64 "K min=%" PRIu64
               "K max-sleep=%gs max-writes=%u\n",
               o.seed, o.max / 1024, o.min / 1024, o.max_sleep_s, o.max_writes);
        fflush(stdout);
    }
    em_install_signals();
    rc = em_run(&o) == -1 ? 1 : 0;
    em_report(&o, 0, "exit");
    return rc;
}
