/* fuzz.h - what the libFuzzer targets of tests/fuzz/ share: a scratch
 * directory per process (in /dev/shm when it can be used, so files the
 * path-only loaders need cost no disk), writing an input there, cutting an
 * input into parts at a separator, and paths into the source tree.
 *
 * Every target defines LLVMFuzzerTestOneInput and may define
 * LLVMFuzzerInitialize. A target's only oracle besides the sanitizers is an
 * abort() where the library broke its own contract (a loader that said yes
 * but handed out something inconsistent). */
#ifndef PROMPTLAB_FUZZ_H
#define PROMPTLAB_FUZZ_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

/* Separator between the parts of a multi-file input. */
static const char fuzz_sep[] = "\n==file==\n";

static char fuzz_dir_path[256];

static void fuzz_dir_remove(void)
{
    DIR *d = opendir(fuzz_dir_path);
    if (!d)
        return;
    struct dirent *de;
    char p[512];
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", fuzz_dir_path, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(fuzz_dir_path);
}

/* The scratch directory of this process, created on first use and removed at
 * exit (a crashed run leaves it behind; it is small). */
static const char *fuzz_dir(void)
{
    if (fuzz_dir_path[0])
        return fuzz_dir_path;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/promptlab-fuzz.XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(fuzz_dir_path)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(fuzz_dir_remove);
    return fuzz_dir_path;
}

/* fuzz_dir()/name into buf. */
static const char *fuzz_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", fuzz_dir(), name);
    return buf;
}

/* A file of the source tree (seeds, assets) by its path from the root. */
static const char *fuzz_src(char *buf, size_t cap, const char *rel)
{
    snprintf(buf, cap, "%s/%s", FUZZ_ROOT, rel);
    return buf;
}

/* Write data[0..len) to fuzz_dir()/name (replacing it); returns the path. */
static const char *fuzz_write(char *buf, size_t cap, const char *name, const uint8_t *data,
                              size_t len)
{
    fuzz_path(buf, cap, name);
    FILE *f = fopen(buf, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(buf);
        abort();
    }
    return buf;
}

/* Cut data at each fuzz_sep into at most max parts (the last part keeps any
 * further separators); returns the number of parts (at least 1). */
static int fuzz_split(const uint8_t *data, size_t size, const uint8_t **part, size_t *len, int max)
{
    const size_t sl = sizeof fuzz_sep - 1;
    int n = 0;
    while (n < max - 1) {
        const uint8_t *s = size >= sl ? memmem(data, size, fuzz_sep, sl) : NULL;
        if (!s)
            break;
        part[n] = data;
        len[n++] = (size_t)(s - data);
        size -= (size_t)(s - data) + sl;
        data = s + sl;
    }
    part[n] = data;
    len[n++] = size;
    return n;
}

/* A malloc'd NUL-terminated copy of data[0..len). */
static char *fuzz_str(const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, data, len);
    s[len] = 0;
    return s;
}

#endif
