/* blas.c - ask OpenBLAS which kernel it picked and whether the CPU could do
 * better, and promptlab's own thread policy (see blas.h).
 *
 * Kernel choice is by feature, not by model number: a generic core name on
 * a CPU with AVX-512F means SkylakeX kernels would run; with AVX2, Haswell.
 *
 * The thread policy's one idea: a job is a counter of parts. The caller
 * wakes as many helpers as it was granted and then takes parts itself; a
 * helper that wakes late, or that shares its core with another program,
 * finds the parts already taken and leaves. So the caller never waits for
 * a helper to start, only for a part a helper has begun. One job runs on
 * the pool at a time; a second caller meanwhile computes alone.
 *
 * That wait is the price of a core another program holds: a helper that
 * loses its core in the middle of a part keeps the caller waiting for a
 * whole time slice. So the caller measures the share of each job it spent
 * waiting, and when the moving average passes LAG_LIMIT it computes alone
 * for a while (20 ms, doubling while the trouble lasts, up to a second),
 * then tries again. On a quiet machine that never happens. */
#include "promptlab/blas.h"
#include "promptlab/core.h"

#include <cblas.h>
#include <cpuid.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *pl_blas_core(void)
{
    const char *name = openblas_get_corename();
    return name ? name : "unknown";
}

int pl_blas_threads(void) { return openblas_get_num_threads(); }

/* ---- thread policy ---------------------------------------------------------- */

enum { MAX_THREADS = 64 };
/* An operation gets one more thread per this many floating-point
 * operations: about 15 microseconds of one core, a few times the cost of
 * waking a sleeping helper (measured 5-10 us). */
#define WORK_PER_THREAD 1.0e6
#define LAG_LIMIT 0.25 /* share of a job spent waiting for helpers */
#define SOLO_MIN 0.02  /* seconds alone after the limit is passed ... */
#define SOLO_MAX 1.0   /* ... doubling up to this while it keeps happening */

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t wake; /* helpers: a job was posted */
    pthread_cond_t idle; /* caller: the last helper left the job */
    int n_max;           /* policy: threads at most */
    int n_helpers;       /* started */
    int free_cores;      /* n_max minus cores held (may go negative) */
    bool job_open;
    unsigned gen;
    int want;            /* helpers the open job may still take */
    int in_job;          /* helpers inside the open job */
    void (*fn)(void *, int, int);
    void *arg;
    int n_parts;
    atomic_int next;     /* next part to take */
    double lag;          /* moving average of the share of a job spent waiting */
    double solo_until;   /* no helpers before this time (pl_now) */
    double solo_span;    /* length of the next period alone */
    long n_solo;         /* periods alone so far */
    atomic_long parts_helper, parts_caller;
};

static struct pool P = {.mu = PTHREAD_MUTEX_INITIALIZER,
                        .wake = PTHREAD_COND_INITIALIZER,
                        .idle = PTHREAD_COND_INITIALIZER};
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static _Thread_local int busy_depth;

static int default_threads(void)
{
    const char *env = getenv("PROMPTLAB_THREADS");
    if (env && *env) {
        char *end;
        long n = strtol(env, &end, 10);
        if (*end == '\0' && n >= 1 && n <= MAX_THREADS)
            return (int)n;
    }
    cpu_set_t set;
    int n = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    if (n < 1)
        n = (int)sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : n;
}

static void take_parts(int *taken)
{
    int n = P.n_parts;
    for (int i; (i = atomic_fetch_add(&P.next, 1)) < n; (*taken)++)
        P.fn(P.arg, i, n);
}

static void *helper_main(void *unused)
{
    (void)unused;
    unsigned seen = 0;
    pthread_mutex_lock(&P.mu);
    for (;;) {
        while (!(P.job_open && P.gen != seen && P.want > 0))
            pthread_cond_wait(&P.wake, &P.mu);
        seen = P.gen;
        P.want--;
        P.in_job++;
        pthread_mutex_unlock(&P.mu);
        int taken = 0;
        take_parts(&taken);
        atomic_fetch_add(&P.parts_helper, taken);
        pthread_mutex_lock(&P.mu);
        if (--P.in_job == 0)
            pthread_cond_signal(&P.idle);
    }
    return NULL;
}

/* Start helpers up to n_max - 1 (mu held). A helper that cannot start only
 * means fewer threads. */
static void grow_locked(void)
{
    while (P.n_helpers < P.n_max - 1) {
        pthread_t th;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&th, &at, helper_main, NULL);
        pthread_attr_destroy(&at);
        if (rc)
            break;
        P.n_helpers++;
    }
}

static void pool_init(void)
{
    /* Every product that deserves two threads is split here; OpenBLAS's own
     * threads would spin on a core another program holds. */
    openblas_set_num_threads(1);
    pthread_mutex_lock(&P.mu);
    if (P.n_max == 0) {
        P.n_max = default_threads();
        P.free_cores = P.n_max;
    }
    pthread_mutex_unlock(&P.mu);
}

int pl_threads_max(void)
{
    pthread_once(&pool_once, pool_init);
    pthread_mutex_lock(&P.mu);
    int n = P.n_max;
    pthread_mutex_unlock(&P.mu);
    return n;
}

void pl_threads_set_max(int n)
{
    pthread_once(&pool_once, pool_init);
    if (n <= 0)
        n = default_threads();
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    pthread_mutex_lock(&P.mu);
    P.free_cores += n - P.n_max;
    P.n_max = n;
    P.lag = 0;
    P.solo_until = 0;
    P.solo_span = SOLO_MIN;
    pthread_mutex_unlock(&P.mu);
}

void pl_threads_busy_begin(void)
{
    pthread_once(&pool_once, pool_init);
    if (busy_depth++ > 0)
        return;
    pthread_mutex_lock(&P.mu);
    P.free_cores--;
    pthread_mutex_unlock(&P.mu);
}

void pl_threads_busy_end(void)
{
    if (busy_depth <= 0 || --busy_depth > 0)
        return;
    pthread_mutex_lock(&P.mu);
    P.free_cores++;
    pthread_mutex_unlock(&P.mu);
}

/* Cores a job posted now by this thread could borrow (mu held): the free
 * ones, less the caller's own unless it is a marked worker (which holds its
 * core already); none while another job holds the pool or the policy
 * computes alone. Never below 0, though free_cores may be when marked
 * workers hold every core. */
static int spare_locked(void)
{
    int spare = P.free_cores - (busy_depth > 0 ? 0 : 1);
    if (P.job_open || (P.solo_until > 0 && pl_now() < P.solo_until))
        spare = 0;
    return spare > 0 ? spare : 0;
}

void pl_parallel(double work, int n_parts, void (*fn)(void *arg, int part, int n_parts),
                 void *arg)
{
    pthread_once(&pool_once, pool_init);
    if (n_parts < 1)
        n_parts = 1;
    int want = work >= 2 * WORK_PER_THREAD ? (int)(work / WORK_PER_THREAD) : 1;
    if (want > n_parts)
        want = n_parts;
    int helpers = 0;
    if (want > 1) {
        pthread_mutex_lock(&P.mu);
        int spare = spare_locked();
        helpers = want - 1;
        if (helpers > P.n_max - 1)
            helpers = P.n_max - 1;
        if (helpers > spare)
            helpers = spare;
        if (helpers > 0) {
            grow_locked();
            if (helpers > P.n_helpers)
                helpers = P.n_helpers;
        }
        if (helpers > 0) {
            P.free_cores -= helpers;
            P.job_open = true;
            P.gen++;
            P.want = helpers;
            P.fn = fn;
            P.arg = arg;
            P.n_parts = n_parts;
            atomic_store(&P.next, 0);
            for (int i = 0; i < helpers; i++)
                pthread_cond_signal(&P.wake);
        }
        pthread_mutex_unlock(&P.mu);
    }
    if (helpers == 0) {
        for (int i = 0; i < n_parts; i++)
            fn(arg, i, n_parts);
        return;
    }
    int taken = 0;
    double t0 = pl_now();
    take_parts(&taken);
    double t1 = pl_now();
    atomic_fetch_add(&P.parts_caller, taken);
    pthread_mutex_lock(&P.mu);
    P.job_open = false; /* helpers that wake from now on find nothing */
    P.want = 0;
    while (P.in_job > 0)
        pthread_cond_wait(&P.idle, &P.mu);
    P.free_cores += helpers;
    double t2 = pl_now(), waited = t2 > t0 ? (t2 - t1) / (t2 - t0) : 0;
    P.lag += (waited - P.lag) * 0.125;
    if (P.solo_span < SOLO_MIN)
        P.solo_span = SOLO_MIN;
    if (P.lag > LAG_LIMIT) {
        P.solo_until = t2 + P.solo_span;
        P.solo_span = P.solo_span * 2 < SOLO_MAX ? P.solo_span * 2 : SOLO_MAX;
        P.lag = 0;
        P.n_solo++;
    } else if (waited < 0.1 && P.solo_span > SOLO_MIN) {
        P.solo_span *= 0.95;
    }
    pthread_mutex_unlock(&P.mu);
}

int pl_threads_spare(void)
{
    pthread_once(&pool_once, pool_init);
    pthread_mutex_lock(&P.mu);
    int spare = spare_locked();
    if (spare > P.n_max - 1)
        spare = P.n_max - 1;
    pthread_mutex_unlock(&P.mu);
    return spare;
}

void pl_threads_stats(long *parts_helper, long *parts_caller, long *solo_periods)
{
    if (solo_periods) {
        pthread_mutex_lock(&P.mu);
        *solo_periods = P.n_solo;
        pthread_mutex_unlock(&P.mu);
    }
    if (parts_helper)
        *parts_helper = atomic_load(&P.parts_helper);
    if (parts_caller)
        *parts_caller = atomic_load(&P.parts_caller);
}

/* XGETBV: the OS must have enabled the wide register state too. */
static unsigned long long xgetbv0(void)
{
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

static bool os_has_avx_state(unsigned long long mask)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
        return false;
    return (xgetbv0() & mask) == mask;
}

bool pl_cpu_has_avx2(void)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    return (b & bit_AVX2) && os_has_avx_state(0x6);
}

bool pl_cpu_has_avx512(void)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    return (b & bit_AVX512F) && os_has_avx_state(0xe6);
}

/* The largest cache the first CPU has, from sysfs ("32768K"): glibc's
 * sysconf reports the whole socket's L3 on some AMD parts (256 MB for
 * eight 32 MB slices), while one core only ever sees its own slice. */
static size_t sysfs_cache_bytes(void)
{
    size_t best = 0;
    for (int i = 0; i < 8; i++) {
        char path[96];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        unsigned long n = 0;
        char unit = 0;
        if (fscanf(f, "%lu%c", &n, &unit) >= 1) {
            size_t b = unit == 'K' ? n << 10 : unit == 'M' ? n << 20 : n;
            best = b > best ? b : best;
        }
        fclose(f);
    }
    return best;
}

size_t pl_cache_bytes(void)
{
    static _Atomic size_t cached; /* racing first callers compute the same value */
    size_t bytes = atomic_load_explicit(&cached, memory_order_relaxed);
    if (bytes)
        return bytes;
    size_t n = sysfs_cache_bytes();
#ifdef _SC_LEVEL3_CACHE_SIZE
    if (n == 0) {
        long s = sysconf(_SC_LEVEL3_CACHE_SIZE);
        n = s > 0 ? (size_t)s : 0;
    }
#endif
    bytes = n ? n : (size_t)8 << 20;
    atomic_store_explicit(&cached, bytes, memory_order_relaxed);
    return bytes;
}

static bool name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return true;
    return false;
}

const char *pl_blas_better_core(void)
{
    static const char *const avx512_cores[] = {"SkylakeX", "Cooperlake", "SapphireRapids", NULL};
    static const char *const avx2_cores[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake",
                                             "SapphireRapids", NULL};
    const char *core = pl_blas_core();
    if (pl_cpu_has_avx512() && !name_in(core, avx512_cores) && strcmp(core, "Zen") != 0)
        return "SkylakeX";
    if (pl_cpu_has_avx2() && !name_in(core, avx2_cores))
        return "Haswell";
    return NULL;
}
