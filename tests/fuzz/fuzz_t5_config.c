/* fuzz_t5_config.c - t5_config_parse (config.json) on arbitrary bytes, from
 * memory. A config that parses must validate, and what t5_config_to_json
 * writes for it must parse back to the same sizes. */
#include "fuzz.h"

#include "promptlab/t5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct t5_config c, back;
    struct pl_err e = {0};
    if (t5_config_parse((const char *)data, size, "config.json", &c, &e) != 0) {
        if (!strstr(e.msg, "config.json"))
            abort();
        return 0;
    }
    if (t5_config_validate(&c, "config.json", &e) != 0)
        abort();
    char *json = NULL;
    if (t5_config_to_json(&c, &json, &e) != 0)
        abort();
    if (t5_config_parse(json, strlen(json), "written", &back, &e) != 0 ||
        back.vocab_size != c.vocab_size || back.d_model != c.d_model || back.d_kv != c.d_kv ||
        back.d_ff != c.d_ff || back.n_layers != c.n_layers || back.n_dec_layers != c.n_dec_layers ||
        back.n_heads != c.n_heads || back.act != c.act || back.gated != c.gated ||
        back.tie_word_embeddings != c.tie_word_embeddings)
        abort();
    (void)t5_family_of(&c);
    free(json);
    return 0;
}
