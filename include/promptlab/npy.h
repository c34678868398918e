/* npy.h - read and write 2-D NumPy .npy arrays as F32 (soft prompts in
 * Google's released format are [n_tokens, d_model] .npy files).
 *
 * Reader: format versions 1.0, 2.0 and 3.0; dtypes '<f4' (read as is), '<f8'
 * and '<f2' (converted to float); exactly two dimensions. An array stored
 * with fortran_order True is transposed on read, so the result is always
 * row-major (C order) with the logical shape [rows, cols]. Big-endian and
 * every other dtype are refused. Trailing bytes after the data are ignored.
 * Thread safety: no shared state. */
#ifndef PROMPTLAB_NPY_H
#define PROMPTLAB_NPY_H

#include <stdint.h>

#include "promptlab/core.h"

/* Read `path`. On success *data is a malloc'd [*rows x *cols] row-major
 * float array (never NULL, even for zero rows; caller frees with free()).
 * Errors name the file and the problem (bad magic, unsupported version or
 * dtype, big-endian, wrong dimensionality, truncated data, bad header). */
int npy_read(const char *path, float **data, int64_t *rows, int64_t *cols, struct pl_err *e);

/* Same, from a buffer in memory; `name` stands for the path in messages. */
int npy_parse(const char *name, const unsigned char *buf, size_t len, float **data,
              int64_t *rows, int64_t *cols, struct pl_err *e);

/* Write a [rows x cols] row-major float array as '<f4', format 1.0, C order,
 * atomically (temporary file, fsync, rename). */
int npy_write(const char *path, const float *data, int64_t rows, int64_t cols, struct pl_err *e);

#endif
