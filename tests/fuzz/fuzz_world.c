/* fuzz_world.c - world_load on the world's data files (the .txt files of
 * assets/world) with one of them replaced by the input: byte 0 picks the
 * file, the rest is its new content. The other files are the real ones,
 * copied once into the scratch directory, so references between files
 * still resolve and the checks behind them are reached (every file
 * world_load reads is listed, or no world would load). A world that loads
 * generates a few examples of each split. */
#include "fuzz.h"

#include "promptlab/world.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
    "nouns.txt", "places.txt", "adjectives.txt", "verbs.txt", "adverbs.txt",
    "numbers.txt", "times.txt", "pronouns.txt", "weather.txt", "frames.txt",
    "idioms.txt", "phrasings.txt", "templates.txt", "labels.txt", "phrases.txt",
    "names.txt", "modals.txt", "reasons.txt", "favorites.txt", "positions.txt",
};
enum { N_FILES = sizeof files / sizeof files[0] };
static char *orig[N_FILES];
static size_t orig_len[N_FILES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (int i = 0; i < N_FILES; i++) {
        char src[1024], rel[256], dst[512];
        snprintf(rel, sizeof rel, "assets/world/%s", files[i]);
        if (pl_read_file(fuzz_src(src, sizeof src, rel), &orig[i], &orig_len[i], NULL) != 0)
            abort();
        fuzz_write(dst, sizeof dst, files[i], (const uint8_t *)orig[i], orig_len[i]);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int f = data[0] % N_FILES;
    char path[512];
    fuzz_write(path, sizeof path, files[f], data + 1, size - 1);
    struct world *w = NULL;
    struct pl_err e = {0};
    if (world_load(fuzz_dir(), &w, &e) == 0) {
        struct world_gen *g = NULL;
        for (int split = WORLD_TRAIN; split <= WORLD_TEST; split++) {
            if (world_gen_init(w, 1, (enum world_split)split, &g, &e) != 0)
                break;
            struct world_example ex;
            for (int i = 0; i < 8; i++)
                if (world_gen_next(g, &ex, &e) != 0)
                    break;
            world_gen_free(g);
        }
        world_free(w);
    } else if (!e.msg[0]) {
        abort();
    }
    fuzz_write(path, sizeof path, files[f], (const uint8_t *)orig[f], orig_len[f]);
    return 0;
}
