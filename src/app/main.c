/* main.c - promptlab's entry point: pick the best OpenBLAS kernel, parse the
 * subcommand, dispatch. This is the only file that decides the process exit
 * status (every command returns it). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_impl.h"
#include "promptlab/blas.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: promptlab [--version] [--help] [COMMAND [ARGS]]\n"
            "\n"
            "A terminal laboratory for hard prompts (instructions you write) and soft\n"
            "prompts (vectors learned by prompt tuning) on a frozen T5 model.\n"
            "\n"
            "commands:\n");
    app_list_commands(out);
    fprintf(out,
            "\n"
            "Without a command promptlab opens the terminal UI.\n"
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
    opterr = 0; /* each command reports a bad option once (app_bad_option) */
    if (argc < 2) {
        char *tui_argv[] = {(char *)"tui", NULL};
        return cmd_tui(1, tui_argv);
    }
    const char *name = argv[1];
    /* `promptlab --demo`, `promptlab --model DIR`: options of the TUI. */
    if (name[0] == '-' && strcmp(name, "--help") != 0 && strcmp(name, "-h") != 0 &&
        strcmp(name, "--version") != 0 && strcmp(name, "-V") != 0) {
        argv[0] = (char *)"tui";
        return cmd_tui(argc, argv);
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("promptlab %s\n", PL_VERSION);
        return 0;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    const struct app_command *cmd = app_find_command(name);
    if (cmd)
        return cmd->run(argc - 1, argv + 1);
    fprintf(stderr, "promptlab: unknown command '%s'\n", name);
    usage(stderr);
    return 2;
}
