/* test.h - the tiny test harness: CHECK prints what failed and where; every
 * test binary ends with TEST_END(), which prints "N passed, N failed" and
 * returns non-zero on any failure. */
#ifndef PROMPTLAB_TEST_H
#define PROMPTLAB_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            test_passed++;                                                       \
        } else {                                                                 \
            test_failed++;                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

#define CHECKF(cond, ...)                                                        \
    do {                                                                         \
        if (cond) {                                                              \
            test_passed++;                                                       \
        } else {                                                                 \
            test_failed++;                                                       \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
        }                                                                        \
    } while (0)

#define CHECK_STR(a, b) CHECKF(strcmp((a), (b)) == 0, "\"%s\" != \"%s\"", (a), (b))
#define CHECK_INT(a, b) CHECKF((long long)(a) == (long long)(b), "%lld != %lld", (long long)(a), (long long)(b))
/* |a-b| <= tol * max(1, |a|, |b|) */
#define CHECK_NEAR(a, b, tol)                                                    \
    CHECKF(fabs((double)(a) - (double)(b)) <=                                    \
               (tol) * fmax(1.0, fmax(fabs((double)(a)), fabs((double)(b)))),    \
           "%.9g vs %.9g (tol %g)", (double)(a), (double)(b), (double)(tol))

#define TEST_END()                                                               \
    do {                                                                         \
        printf("%d passed, %d failed\n", test_passed, test_failed);              \
        return test_failed ? 1 : 0;                                              \
    } while (0)

#endif
