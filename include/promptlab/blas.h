/* blas.h - which OpenBLAS kernel is in use, and which would be better.
 *
 * Debian's OpenBLAS 0.3.21 falls back to generic SSE kernels on CPUs it does
 * not know (recent Xeons). OpenBLAS reads OPENBLAS_CORETYPE only when it
 * loads, so the app re-executes itself with the variable set; this module
 * only answers the questions and never changes the process. */
#ifndef PROMPTLAB_BLAS_H
#define PROMPTLAB_BLAS_H

#include <stdbool.h>

/* Name of the kernel OpenBLAS chose ("Cooperlake", "Prescott", ...). */
const char *pl_blas_core(void);

/* CPU feature flags read from CPUID. */
bool pl_cpu_has_avx2(void);
bool pl_cpu_has_avx512(void);

/* The OPENBLAS_CORETYPE value that would serve this CPU better than the
 * kernel in use ("SkylakeX" or "Haswell"), or NULL when the current choice
 * is fine. Pure function of the running library and CPU. */
const char *pl_blas_better_core(void);

/* Number of threads OpenBLAS uses. */
int pl_blas_threads(void);

#endif
