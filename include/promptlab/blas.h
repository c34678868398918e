/* blas.h - which OpenBLAS kernel is in use, and which would be better.
 *
 * Debian's OpenBLAS 0.3.21 falls back to generic SSE kernels on CPUs it does
 * not know (recent Xeons). OpenBLAS reads OPENBLAS_CORETYPE only when it
 * loads, so the app re-executes itself with the variable set; this module
 * only answers the questions and never changes the process. */
#ifndef PROMPTLAB_BLAS_H
#define PROMPTLAB_BLAS_H

#include <stdbool.h>
#include <stddef.h>

/* Name of the kernel OpenBLAS chose ("Cooperlake", "Prescott", ...). */
const char *pl_blas_core(void);

/* CPU feature flags read from CPUID. */
bool pl_cpu_has_avx2(void);
/* Bytes of the largest cache one core sees (its L3 slice; from sysfs, else
 * sysconf, else 8 MB). */
size_t pl_cache_bytes(void);
bool pl_cpu_has_avx512(void);

/* The OPENBLAS_CORETYPE value that would serve this CPU better than the
 * kernel in use ("SkylakeX" or "Haswell"), or NULL when the current choice
 * is fine. Pure function of the running library and CPU. */
const char *pl_blas_better_core(void);

/* Number of threads OpenBLAS itself uses for one call: 1 once promptlab's
 * thread policy has started (every multi-threaded product is split by
 * promptlab, below). */
int pl_blas_threads(void);

/* ---- promptlab's thread policy -------------------------------------------
 *
 * promptlab, not OpenBLAS, decides how many threads each operation uses:
 * OpenBLAS runs single-threaded on the calling thread, and an operation
 * large enough to pay for a second thread is cut into parts that the caller
 * and a small pool of persistent helper threads take one at a time (a
 * helper that a busy core delays simply takes fewer parts). Helpers wait
 * on a condition variable; nothing spins. Threads are rationed as "cores":
 * the caller holds one while it computes, each helper it borrows holds one,
 * and a long-lived worker thread (the TUI's trainer and decoder) holds one
 * for as long as it is busy, so two workers on two cores each run alone.
 * Thread-safe: any thread may call any function here. */

/* Threads the policy may use at most: the CPUs in this process's affinity
 * mask, or PROMPTLAB_THREADS when set (1 .. 64). */
int pl_threads_max(void);
/* Override that number for this process (tests compare 1 against 2); n <= 0
 * restores the default. Also forgets the measured lag, so the next large
 * operation is split again. Call while no operation is running. */
void pl_threads_set_max(int n);

/* Mark the calling thread as a busy worker until the matching _end (calls
 * nest). While marked it holds one core, whether or not it is inside an
 * operation, and other threads borrow only the cores left. */
void pl_threads_busy_begin(void);
void pl_threads_busy_end(void);

/* Run fn(arg, part, n_parts) for every part in [0, n_parts) and return
 * when all are done. The caller chooses n_parts as a function of the
 * problem alone, so results never depend on how many threads ran them; the
 * policy only decides who runs the parts: the caller alone when `work` (an
 * estimate of the whole operation's cost in floating-point operations) is
 * too small to pay for a second thread or no core is free, else the caller
 * and helpers, taking parts in turn. Parts may run concurrently and in any
 * order; fn may itself call pl_parallel (while the pool is taken, an inner
 * job runs on its own caller alone). */
void pl_parallel(double work, int n_parts, void (*fn)(void *arg, int part, int n_parts),
                 void *arg);

/* Helpers a job posted now could get (0 while no core is free, another
 * job holds the pool, or the policy computes alone after helpers kept it
 * waiting). Only a hint: the answer may change before the job is posted.
 * For callers whose cut may depend on it without changing results. */
int pl_threads_spare(void);

/* Since the process started: parts computed by helper threads and by
 * callers of split jobs, and the periods the policy computed alone because
 * helpers kept callers waiting (another program held the cores). Bench and
 * tests read them to see the policy at work; any pointer may be NULL. */
void pl_threads_stats(long *parts_helper, long *parts_caller, long *solo_periods);

#endif
