/**
 * @file transform_chain.h
 * @brief The single message transform chain of a task (TransformationChain):
 *        built from the connector's `transforms` / `predicates` settings
 *        (ConnectorConfig.transformationStages); the task threads apply it to
 *        every record.
 */
#ifndef CONNECTD_TRANSFORM_CHAIN_H
#define CONNECTD_TRANSFORM_CHAIN_H

#include <connectd/record.h>

#include <stddef.h>

typedef struct cd_properties_s cd_properties_t;
typedef struct cd_transform_chain_s cd_transform_chain_t;

/** @brief Builds the chain of @p connector_config (NULL = empty chain).
 *  @returns NULL with errstr (the ConfigException text Java would give: a missing or
 *  unknown class, a transformation's or predicate's own configure() message). */
cd_transform_chain_t *cd_transform_chain_new(const cd_properties_t *connector_config, char *errstr,
                                             size_t errstr_size);
void cd_transform_chain_destroy(cd_transform_chain_t *chain);
/**
 * @brief Applies every transform to @p *record in order (TransformationChain.apply).
 * A transform may replace the record (the old one is destroyed) or drop it
 * (*record becomes NULL). @returns 0, or -1 with errstr (record left as is).
 */
int cd_transform_chain_apply(cd_transform_chain_t *chain, cd_record_t **record, char *errstr,
                             size_t errstr_size);
/** @returns the number of stages (0 = the identity). */
size_t cd_transform_chain_size(const cd_transform_chain_t *chain);
/** @returns the class of the transformation or predicate whose failure made the last
 *  cd_transform_chain_apply return -1 (the error context's stage class), or NULL. */
const char *cd_transform_chain_failed_class(const cd_transform_chain_t *chain);

#endif
