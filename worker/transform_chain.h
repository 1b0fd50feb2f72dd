/**
 * @file transform_chain.h
 * @brief THE SEAM for single message transforms (TransformationChain): the
 *        task threads call these for every record. Today the chain is the
 *        identity (no `transforms` support); issue 7 replaces
 *        worker/transform_chain.c with the real SMT/predicate chain built from
 *        the connector's `transforms` / `predicates` settings, keeping this API.
 */
#ifndef CONNECTD_TRANSFORM_CHAIN_H
#define CONNECTD_TRANSFORM_CHAIN_H

#include <connectd/record.h>

#include <stddef.h>

typedef struct cd_properties_s cd_properties_t;
typedef struct cd_transform_chain_s cd_transform_chain_t;

/** @brief Builds the chain of @p connector_config. @returns NULL with errstr on error. */
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

#endif
