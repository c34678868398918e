/* main.c - argument parsing and dispatch (placeholder until the CLI lands). */
#include <stdio.h>
#include <string.h>

#include "promptlab/core.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("promptlab %s\n", PL_VERSION);
        return 0;
    }
    fprintf(stderr, "promptlab: nothing here yet\n");
    return 2;
}
