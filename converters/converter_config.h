/**
 * @file converter_config.h
 * @brief Typed reads of converter settings with Java ConfigDef's parsing and
 *        error texts, shared by the converters (JsonConverter, AvroConverter).
 */
#ifndef CONNECTD_CONVERTER_CONFIG_H
#define CONNECTD_CONVERTER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cd_properties_s cd_properties_t;

/** Java's String.trim() of @p s into @p out. */
void cd_converter_config_trim(const char *s, char *out, size_t size);
/** A BOOLEAN setting (absent = @p def). @returns 0, or -1 with ConfigException's text. */
int cd_converter_config_bool(const cd_properties_t *config, const char *key, bool def, bool *out,
                             char *errstr, size_t errstr_size);
/** An INT setting (absent = @p def). @returns 0, or -1 with ConfigException's text. */
int cd_converter_config_int(const cd_properties_t *config, const char *key, int32_t def,
                            int32_t *out, char *errstr, size_t errstr_size);
/** A LONG setting (absent = @p def). @returns 0, or -1 with ConfigException's text. */
int cd_converter_config_long(const cd_properties_t *config, const char *key, int64_t def,
                             int64_t *out, char *errstr, size_t errstr_size);

#endif
