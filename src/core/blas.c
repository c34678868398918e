/* blas.c - ask OpenBLAS which kernel it picked, and whether the CPU could do
 * better. The decision is by feature, not by model number: a generic core
 * name on a CPU with AVX-512F means SkylakeX kernels would run; with AVX2,
 * Haswell kernels. */
#include "promptlab/blas.h"

#include <cblas.h>
#include <cpuid.h>
#include <string.h>

const char *pl_blas_core(void)
{
    const char *name = openblas_get_corename();
    return name ? name : "unknown";
}

int pl_blas_threads(void) { return openblas_get_num_threads(); }

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
