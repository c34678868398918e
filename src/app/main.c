/* main.c - promptlab's entry point: pick the best OpenBLAS kernel, parse the
 * subcommand, dispatch. This is the only file that decides the process exit
 * status (every command returns it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_impl.h"
#include "promptlab/blas.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"translate", cmd_translate, "translate text with a hard and/or soft prompt"},
    {"score", cmd_score, "log-probability of a target given a source"},
    {"tokenize", cmd_tokenize, "show the pieces and ids the model sees"},
    {"info", cmd_info, "describe a model: family, sizes, dtype, files"},
    {"bench", cmd_bench, "measure speed: decoding, encoding, machine ceilings"},
};
enum { N_COMMANDS = sizeof commands / sizeof *commands };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: promptlab [--version] [--help] COMMAND [ARGS]\n"
            "\n"
            "A terminal laboratory for hard prompts (instructions you write) and soft\n"
            "prompts (vectors learned by prompt tuning) on a frozen T5 model.\n"
            "\n"
            "commands:\n");
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\n"
            "'promptlab COMMAND --help' describes a command. The model is --model DIR,\n"
            "else $PROMPTLAB_MODEL, else the embedded default model.\n");
}

/* OpenBLAS reads OPENBLAS_CORETYPE only when it loads: when it picked a
 * generic kernel on a CPU that can run a better one, run ourselves again
 * with the variable set. Done once; the user's own setting always wins. */
static void maybe_reexec_for_blas(char **argv)
{
    if (getenv("OPENBLAS_CORETYPE") || getenv("PROMPTLAB_BLAS_REEXEC"))
        return;
    const char *better = pl_blas_better_core();
    if (!better)
        return;
    setenv("OPENBLAS_CORETYPE", better, 1);
    setenv("PROMPTLAB_BLAS_REEXEC", pl_blas_core(), 1);
    execv("/proc/self/exe", argv);
    /* exec failed: carry on with the kernel we have. */
    unsetenv("OPENBLAS_CORETYPE");
}

int main(int argc, char **argv)
{
    maybe_reexec_for_blas(argv);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("promptlab %s\n", PL_VERSION);
        return 0;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "promptlab: unknown command '%s'\n", name);
    usage(stderr);
    return 2;
}
