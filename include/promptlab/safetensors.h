/* safetensors.h - read (mmap) and write safetensors files.
 *
 * Reader: the file is mapped read-only and fully validated before any tensor
 * is handed out (header length within the file, well-formed JSON, known
 * dtype, data_offsets inside the data area and not overlapping, span equal
 * to product(shape) x dtype size, no duplicate names). F32 tensors that are
 * 32-byte aligned are used in place; F16, BF16 (and other F32) are
 * converted to F32 once, at open, into 64-byte aligned memory. The writer
 * pads the header so the data starts on a 64-byte boundary. Other dtypes are listed but carry no data
 * (`data` is NULL) so a file with, e.g., an I64 tensor can still be opened.
 * Thread safety: an open st_file is read-only and may be shared by threads. */
#ifndef PROMPTLAB_SAFETENSORS_H
#define PROMPTLAB_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "promptlab/core.h"

#define ST_MAX_DIMS 8

enum st_dtype { ST_F32, ST_F16, ST_BF16, ST_OTHER };

struct st_tensor {
    const char *name;        /* valid until st_close */
    enum st_dtype dtype;     /* dtype on disk */
    char dtype_name[8];      /* as written in the header ("F32", "I64", ...) */
    int n_dims;
    int64_t shape[ST_MAX_DIMS];
    size_t n_elems;          /* product of shape (1 for a scalar) */
    const float *data;       /* F32 values (mapped or converted); NULL for ST_OTHER; valid until st_close */
};

typedef struct st_file st_file;

/* Map and validate `path`. On success *out owns the mapping; close with
 * st_close. Errors name the file and the offending tensor. */
int st_open(const char *path, st_file **out, struct pl_err *e);
void st_close(st_file *f); /* NULL is fine */

int st_count(const st_file *f);
/* Tensor i in [0, st_count) in name order; NULL when out of range. */
const struct st_tensor *st_at(const st_file *f, int i);
/* NULL when absent. */
const struct st_tensor *st_find(const st_file *f, const char *name);
/* Value of a "__metadata__" key, or NULL. Valid until st_close. */
const char *st_metadata(const st_file *f, const char *key);
/* Size of the file in bytes. */
size_t st_file_size(const st_file *f);

/* Index of the first NaN or infinite value of t, or -1 when every value is
 * finite (also for a tensor without data). One pass over the values. */
int64_t st_first_nonfinite(const struct st_tensor *t);
/* 0 when every value of t is finite, else PL_EFORMAT with a message naming
 * the file, the tensor and the first bad element ("model.safetensors:
 * tensor shared.weight holds NaN at element 1234 (index [6,82])"). */
int st_check_finite(const st_file *f, const struct st_tensor *t, struct pl_err *e);

/* A tensor to write: F32 values in memory, stored as `dtype` (F32, F16 or
 * BF16; F16/BF16 round to nearest even). */
struct st_write_tensor {
    const char *name;
    enum st_dtype dtype;
    int n_dims;
    int64_t shape[ST_MAX_DIMS];
    const float *data;
};

/* Write a safetensors file atomically (temporary file, fsync, rename), in the
 * canonical layout: header padded with spaces to a multiple of 8, tensors
 * sorted by dtype size (descending) then name, tiling the data area.
 * metadata: NULL or n_meta key/value pairs for "__metadata__". */
int st_write(const char *path, const struct st_write_tensor *t, int n,
             const char *const *meta_keys, const char *const *meta_vals, int n_meta,
             struct pl_err *e);

/* 0 when every one of the n values is finite and within F16's range
 * (|x| <= 65504); else PL_ERANGE naming `where`, the tensor and the first
 * value that is not. */
int st_check_f16(const char *where, const char *name, const float *x, size_t n,
                 struct pl_err *e);

/* Half-precision conversions (exposed for tests). */
float st_f16_to_f32(uint16_t h);
float st_bf16_to_f32(uint16_t h);
uint16_t st_f32_to_f16(float f);
uint16_t st_f32_to_bf16(float f);

#endif
