/*
 * transform_chain.c: the identity transformation chain. Placeholder for the
 * SMT chain of issue 7 (see transform_chain.h): it accepts any connector
 * config and passes every record through unchanged.
 */
#include "transform_chain.h"

#include <stdlib.h>

struct cd_transform_chain_s {
    int unused;
};

cd_transform_chain_t *cd_transform_chain_new(const cd_properties_t *connector_config, char *errstr,
                                             size_t errstr_size)
{
    (void)connector_config;
    cd_transform_chain_t *chain = calloc(1, sizeof(*chain));
    if (!chain && errstr_size)
        errstr[0] = '\0';
    return chain;
}

void cd_transform_chain_destroy(cd_transform_chain_t *chain)
{
    free(chain);
}

int cd_transform_chain_apply(cd_transform_chain_t *chain, cd_record_t **record, char *errstr,
                             size_t errstr_size)
{
    (void)chain;
    (void)record;
    (void)errstr;
    (void)errstr_size;
    return 0;
}
