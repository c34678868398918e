/* commands.c - the table of subcommands, shared by main (argv dispatch) and
 * the REPL (one line = one subcommand). */
#include <string.h>

#include "app_impl.h"

const struct app_command app_commands[] = {
    {"tui", cmd_tui, "the terminal UI (what `promptlab` alone opens)"},
    {"translate", cmd_translate, "translate text with a hard and/or soft prompt"},
    {"score", cmd_score, "log-probability of a target given a source"},
    {"tokenize", cmd_tokenize, "show the pieces and ids the model sees"},
    {"tune", cmd_tune, "train a soft prompt (prompt tuning) on a JSONL data set"},
    {"eval", cmd_eval, "score hard and soft prompts on a data set (chrF, BLEU, exact match)"},
    {"experiment", cmd_experiment, "run a grid: models x methods x prompt lengths x inits x seeds"},
    {"words", cmd_words, "mark the words of a text that the model never saw in training"},
    {"neighbors", cmd_neighbors, "nearest vocabulary tokens of each prompt row"},
    {"corpus", cmd_corpus, "generate the embedded model's training corpus from assets/world"},
    {"pretrain", cmd_pretrain, "train all weights of a new model on a corpus (the embedded model)"},
    {"info", cmd_info, "describe a model: family, sizes, dtype, files"},
    {"bench", cmd_bench, "measure speed: decoding, training, machine ceilings"},
    {"shell", cmd_shell, "interactive prompt for all of the above (history, completion)"},
    {NULL, NULL, NULL},
};

const struct app_command *app_find_command(const char *name)
{
    for (const struct app_command *c = app_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

void app_list_commands(FILE *out)
{
    for (const struct app_command *c = app_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
}
