/**
 * @file fuzz_config_transformer.c
 * @brief libFuzzer target: arbitrary bytes as a config value for the
 *        ConfigTransformer (providers/config_transformer.c). Checks that every
 *        variable found lies inside the text, starts with "${", ends with "}",
 *        has its parts in order, that matches never overlap, that transforming
 *        with an EnvVar provider either succeeds or fails cleanly, and that the
 *        reverse transform gives the raw value back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "providers/config_providers.h"
#include "util/properties.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cd_config_providers_t *fuzz_providers(void)
{
    static cd_config_providers_t *set;
    if (!set) {
        char err[256];
        cd_properties_t *p = cd_properties_new();
        setenv("FUZZ_SECRET", "resolved", 1);
        cd_properties_set(p, "config.providers", "env,a");
        cd_properties_set(p, "config.providers.env.class", "EnvVarConfigProvider");
        cd_properties_set(p, "config.providers.env.param.allowlist.pattern", "FUZZ_.*");
        cd_properties_set(p, "config.providers.a.class", "EnvVarConfigProvider");
        set = cd_config_providers_new(p, err, sizeof(err));
        cd_properties_destroy(p);
        if (!set)
            abort();
    }
    return set;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t len = strlen(text);
    cd_config_variable_t v;
    size_t last_end = 0;
    for (size_t from = 0; cd_config_next_variable(text, len, from, &v); from = v.end) {
        if (v.start < last_end || v.end > len || v.end <= v.start + 3)
            abort();
        if (text[v.start] != '$' || text[v.start + 1] != '{' || text[v.end - 1] != '}')
            abort();
        if (v.provider_off != v.start + 2 || text[v.provider_off + v.provider_len] != ':')
            abort();
        if (v.key_off + v.key_len != v.end - 1 || v.path_off + v.path_len > v.key_off)
            abort();
        last_end = v.end;
    }
    cd_properties_t *in = cd_properties_new();
    char err[512];
    if (in && cd_properties_set(in, "k", text) == 0) {
        cd_properties_t *out = cd_config_transform(fuzz_providers(), in, err, sizeof(err));
        if (out) {
            if (!cd_properties_get(out, "k"))
                abort();
            if (cd_config_reverse_transform(in, out) == 0 && cd_config_has_variable(text) &&
                strcmp(cd_properties_get(out, "k"), text) != 0)
                abort();
            cd_properties_destroy(out);
        }
    }
    cd_properties_destroy(in);
    free(text);
    return 0;
}
