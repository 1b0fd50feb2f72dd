/**
 * @file properties.h
 * @brief String maps of settings (a connector's or task's configuration), as
 *        plugins see them: the public subset of util/properties.h. Keys keep
 *        insertion order.
 */
#ifndef CONNECTD_PROPERTIES_H
#define CONNECTD_PROPERTIES_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cd_properties_s cd_properties_t;

/** @brief A new empty map, NULL on out of memory. */
cd_properties_t *cd_properties_new(void);
void cd_properties_destroy(cd_properties_t *props);
/** @returns the value of @p key or NULL. */
const char *cd_properties_get(const cd_properties_t *props, const char *key);
/** @brief Sets @p key to @p value (both copied). @returns 0 or -1. */
int cd_properties_set(cd_properties_t *props, const char *key, const char *value);
/** @brief Removes @p key. @returns 0 if removed, -1 if absent. */
int cd_properties_remove(cd_properties_t *props, const char *key);
size_t cd_properties_count(const cd_properties_t *props);
const char *cd_properties_key_at(const cd_properties_t *props, size_t i);
const char *cd_properties_value_at(const cd_properties_t *props, size_t i);
/** @brief A copy of @p props, NULL on out of memory. */
cd_properties_t *cd_properties_copy(const cd_properties_t *props);

#ifdef __cplusplus
}
#endif
#endif
