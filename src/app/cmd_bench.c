/* cmd_bench.c - `promptlab bench`: speed figures with medians over runs.
 *
 * Machine ceilings first (sgemm GFLOP/s on 2048-square matrices with all
 * OpenBLAS threads, memory read bandwidth), so every model figure can be
 * read against what this machine can do at best. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "app_impl.h"
#include "promptlab/blas.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* sgemm GFLOP/s, 2048 x 2048 x 2048, median of `runs`. */
static double bench_sgemm(int runs)
{
    const int n = 2048;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n),
          *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return 0;
    }
    for (long i = 0; i < (long)n * n; i++) {
        a[i] = (float)(i % 7) * 0.01f;
        b[i] = (float)(i % 5) * 0.02f;
    }
    double t[16];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    for (int r = 0; r < runs; r++) {
        double t0 = pl_now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        t[r] = 2.0 * n * n * (double)n / (pl_now() - t0) * 1e-9;
    }
    free(a), free(b), free(c);
    return median(t, runs);
}

/* Read bandwidth in GB/s over a 512 MB buffer (one thread per core would
 * be more; OpenBLAS sdot is multi-threaded and reads two arrays). */
static double bench_bandwidth(int runs)
{
    const size_t n = (size_t)64 << 20; /* floats per array: 256 MB each */
    float *x = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
    if (!x || !y) {
        free(x), free(y);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        x[i] = 1.0f;
        y[i] = 0.5f;
    }
    double t[16];
    volatile float sink = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = pl_now();
        sink += cblas_sdot((int)n, x, 1, y, 1);
        t[r] = 2.0 * (double)n * sizeof(float) / (pl_now() - t0) * 1e-9;
    }
    (void)sink;
    free(x), free(y);
    return median(t, runs);
}

static void help(void)
{
    printf("usage: promptlab bench [--runs N] [--json]\n"
           "\n"
           "Measure this machine's ceilings: sgemm GFLOP/s (OpenBLAS, all threads,\n"
           "2048-square) and memory read bandwidth (GB/s). Figures are medians over\n"
           "--runs repetitions (default 5).\n");
}

int cmd_bench(int argc, char **argv)
{
    static const struct option opts[] = {
        {"runs", required_argument, 0, 'r'}, {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    long runs = 5;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (app_parse_int(optarg, 1, 16, &runs))
                return app_usage("bench", "--runs wants a number from 1 to 16, not '%s'", optarg);
            break;
        case 'j': json = 1; break;
        case 'h': help(); return 0;
        default: return app_usage("bench", "unknown option");
        }
    }
    if (optind < argc)
        return app_usage("bench", "unexpected argument '%s'", argv[optind]);
    double gflops = bench_sgemm((int)runs);
    double gbs = bench_bandwidth((int)runs);
    if (json) {
        printf("{\"blas_core\": \"%s\", \"threads\": %d, \"sgemm_gflops\": %.1f, "
               "\"read_gb_s\": %.1f}\n",
               pl_blas_core(), pl_blas_threads(), gflops, gbs);
    } else {
        printf("OpenBLAS kernel  %s, %d threads\n", pl_blas_core(), pl_blas_threads());
        printf("sgemm 2048^3     %.1f GFLOP/s (median of %ld)\n", gflops, runs);
        printf("memory read      %.1f GB/s (median of %ld)\n", gbs, runs);
    }
    return 0;
}
