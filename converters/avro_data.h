/**
 * @file avro_data.h
 * @brief Connect data <-> Avro, the C counterpart of Confluent's AvroData:
 *        the schema mapping (Connect schema -> Avro schema JSON and back) and
 *        the value mapping (Connect value -> Avro binary and back).
 *
 * An Avro schema (cd_avro_schema_t) is parsed from its JSON text into a tree
 * of typed nodes (named types resolved, recursion allowed) and checked by
 * Avro C's parser. Encoding goes through Avro C generic values; decoding uses
 * connectd's own bounded reader, because Avro C's reader trusts lengths and
 * block counts taken from the input before checking them against it.
 *
 * Errors are the DataException messages of AvroData where one exists.
 */
#ifndef CONNECTD_AVRO_DATA_H
#define CONNECTD_AVRO_DATA_H

#include <connectd/buf.h>
#include <connectd/data.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** AvroDataConfig options. */
typedef struct cd_avro_data_config_s {
    bool enhanced_schema_support;  /**< enhanced.avro.schema.support (false) */
    bool connect_meta_data;        /**< connect.meta.data (true) */
    bool scrub_invalid_names;      /**< scrub.invalid.names (false) */
    bool allow_optional_map_keys;  /**< allow.optional.map.keys (false) */
    bool flatten_singleton_unions; /**< flatten.singleton.unions (true) */
} cd_avro_data_config_t;

/** @brief The defaults above. */
void cd_avro_data_config_defaults(cd_avro_data_config_t *config);

/** A parsed Avro schema with its JSON text. */
typedef struct cd_avro_schema_s cd_avro_schema_t;

/** @brief Parses (and validates) an Avro schema's JSON text, at most 1 MiB.
 *  @returns NULL with errstr. */
cd_avro_schema_t *cd_avro_schema_parse(const char *json, size_t len, char *errstr,
                                       size_t errstr_size);
/** @brief AvroData.fromConnectSchema. @p schema NULL = schemaless (the Anything record).
 *  @returns NULL with errstr. */
cd_avro_schema_t *cd_avro_schema_from_connect(const cd_avro_data_config_t *config,
                                              const cd_schema_t *schema, char *errstr,
                                              size_t errstr_size);
void cd_avro_schema_destroy(cd_avro_schema_t *schema);
/** @returns the schema's JSON text (what is registered). */
const char *cd_avro_schema_text(const cd_avro_schema_t *schema);
/** @returns the full name of a top-level record (or other named type), else NULL. */
const char *cd_avro_schema_full_name(const cd_avro_schema_t *schema);
/** @returns true if the top-level type carries a connect.version property. */
bool cd_avro_schema_has_connect_version(const cd_avro_schema_t *schema);
/** @returns true if the top-level type is "bytes" (written raw, without a length). */
bool cd_avro_schema_is_bytes(const cd_avro_schema_t *schema);

/**
 * @brief AvroData.toConnectSchema. @p version >= 0 becomes the schema version when
 * the Avro schema carries no connect.version (the registry's version).
 * @returns a new reference, NULL with errstr; *schemaless = true (and NULL returned
 * without error) for the Anything record.
 */
cd_schema_t *cd_avro_to_connect_schema(const cd_avro_data_config_t *config,
                                       const cd_avro_schema_t *avro, int32_t version,
                                       bool *schemaless, char *errstr, size_t errstr_size);

/** An encoder bound to one writer schema (reusable, not thread-safe). */
typedef struct cd_avro_encoder_s cd_avro_encoder_t;
cd_avro_encoder_t *cd_avro_encoder_new(const cd_avro_schema_t *writer, char *errstr,
                                       size_t errstr_size);
void cd_avro_encoder_destroy(cd_avro_encoder_t *enc);
/**
 * @brief AvroData.fromConnectData + the Avro binary encoding, appended to @p out.
 * A top-level "bytes" schema is written raw (as Confluent's serializer does).
 * @returns 0, or -1 with errstr.
 */
int cd_avro_encode(cd_avro_encoder_t *enc, const cd_schema_t *schema, const cd_value_t *value,
                   cd_buf_t *out, char *errstr, size_t errstr_size);

/**
 * @brief Decodes Avro binary written with @p writer into a Connect value of
 * @p connect_schema (from cd_avro_to_connect_schema of the same writer; NULL =
 * schemaless). Trailing bytes are an error. *value NULL = null.
 * @returns 0, or -1 with errstr.
 */
int cd_avro_decode(const cd_avro_schema_t *writer, const cd_schema_t *connect_schema,
                   const uint8_t *data, size_t len, cd_value_t **value, char *errstr,
                   size_t errstr_size);

/** Bounds of the decoder (documented in docs/modules/avro-converter.md). */
#define CD_AVRO_MAX_DEPTH 64
#define CD_AVRO_MAX_ELEMENTS 1000000
#define CD_AVRO_MAX_SCHEMA_BYTES (1024 * 1024)

#endif
