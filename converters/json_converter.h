/**
 * @file json_converter.h
 * @brief Internals of the JsonConverter (org.apache.kafka.connect.json.JsonConverter):
 *        a Jackson-compatible JSON tree parser, the Connect -> JSON writer and the
 *        JSON -> Connect reader. Only converters/json_*.c and the tests include it.
 *
 * See docs/modules/json-converter.md for the mapping rules and bounds.
 */
#ifndef CONNECTD_CONVERTERS_JSON_CONVERTER_H
#define CONNECTD_CONVERTERS_JSON_CONVERTER_H

#include <connectd/buf.h>
#include <connectd/data.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest input accepted by the parser (bytes). */
#define CD_JSON_MAX_INPUT_SIZE ((size_t)64 * 1024 * 1024)
/** Deepest nesting of arrays/objects, as Jackson's StreamReadConstraints/StreamWriteConstraints. */
#define CD_JSON_MAX_DEPTH 1000
/** Longest number (digits), as Jackson's StreamReadConstraints.getMaxNumberLength(). */
#define CD_JSON_MAX_NUMBER_LENGTH 1000

/** Java's DataException message for input that is not JSON (the cause follows it). */
#define CD_JSON_READ_SERIALIZATION_ERROR                                                           \
    "Converting byte[] to Kafka Connect data failed due to serialization error: "
/** Java's DataException message for output Jackson could not write (the cause follows it). */
#define CD_JSON_WRITE_SERIALIZATION_ERROR                                                          \
    "Converting Kafka Connect data to byte[] failed due to serialization error: "

/** The node types of a parsed document, as Jackson's JsonNode subclasses. */
typedef enum cd_json_node_type_e {
    CD_JSON_NULL,
    CD_JSON_BOOLEAN,
    CD_JSON_INT,         /**< IntNode: an integer that fits int32 */
    CD_JSON_LONG,        /**< LongNode: an integer that fits int64 */
    CD_JSON_BIG_INTEGER, /**< BigIntegerNode: a larger integer (text kept) */
    CD_JSON_DECIMAL,     /**< DecimalNode: a number with a fraction or exponent (text kept) */
    CD_JSON_STRING,
    CD_JSON_ARRAY,
    CD_JSON_OBJECT,
    CD_JSON_MISSING, /**< MissingNode: what readTree() returns for an empty input */
} cd_json_node_type_t;

typedef struct cd_json_node_s cd_json_node_t;

/** An object member; keys are unique (a later duplicate replaced the value, as Jackson). */
typedef struct cd_json_member_s {
    const char *key;
    size_t key_len;
    cd_json_node_t *value;
} cd_json_member_t;

/** A parsed JSON value. All memory belongs to the document's arena. */
struct cd_json_node_s {
    cd_json_node_type_t type;
    bool boolean;
    int64_t integer;  /**< INT, LONG */
    const char *text; /**< STRING: decoded UTF-8; numbers: the source text (NUL-terminated) */
    size_t text_len;
    size_t count;              /**< ARRAY items, OBJECT members */
    cd_json_node_t **items;    /**< ARRAY */
    cd_json_member_t *members; /**< OBJECT, in first-appearance order */
    size_t *sorted;            /**< OBJECT: member indexes ordered by key, for lookups */
    /** Not parsed into a tree (cd_json_parse_reusing()'s lazy_member): only src_start/src_end
     *  and whether the type is NULL are set (any other value reads as MISSING); parse the
     *  span to get its tree. */
    bool lazy;
    size_t src_start; /**< byte span of the value in the input */
    size_t src_end;
};

/** A parsed document: the root node and the arena holding every node. */
typedef struct cd_json_doc_s cd_json_doc_t;

/**
 * @brief Parses one JSON value as Jackson's ObjectMapper.readTree() with the
 *        JsonConverter's settings (leading zeros allowed, floats kept exact,
 *        duplicate keys: last value wins, content after the first value ignored
 *        unless it directly follows a root-level scalar).
 * @param root set to the root node, or NULL when the input holds no value at
 *        all (Jackson's MissingNode)
 * @returns the document (free with cd_json_doc_destroy()), or NULL with the
 *          reason in errstr.
 */
cd_json_doc_t *cd_json_parse(const uint8_t *data, size_t len, const cd_json_node_t **root,
                             char *errstr, size_t errstr_size);
/**
 * @brief cd_json_parse() into @p spare, a document no longer needed (NULL: a new
 *        one), whose memory is reused: no allocation per parse in steady state.
 *        @p spare is consumed either way (destroyed on failure).
 * @param lazy_member if not NULL, the value of the root object's member of that
 *        name is checked exactly as otherwise (same errors) but no tree is built
 *        for it: its node is `lazy` (see cd_json_node_s), for a caller that
 *        usually needs only its text (the JsonConverter's cached schema).
 */
cd_json_doc_t *cd_json_parse_reusing(cd_json_doc_t *spare, const uint8_t *data, size_t len,
                                     const char *lazy_member, const cd_json_node_t **root,
                                     char *errstr, size_t errstr_size);
/** @brief Frees a document and every node in it; NULL is a no-op. */
void cd_json_doc_destroy(cd_json_doc_t *doc);
/** @returns the member named @p key of an OBJECT node, or NULL (also for non-objects). */
const cd_json_node_t *cd_json_object_get(const cd_json_node_t *node, const char *key);
/** @returns Jackson's JsonNodeType name of a node ("NUMBER", "STRING", ...); NULL -> "MISSING". */
const char *cd_json_node_type_name(const cd_json_node_t *node);

/** The settings shared by the writer and the reader. */
typedef struct cd_json_options_s {
    bool decimal_numeric;           /**< decimal.format=NUMERIC */
    bool replace_null_with_default; /**< replace.null.with.default */
} cd_json_options_t;

/**
 * @brief JsonConverter.asJsonSchema(): appends the schema JSON (or `null`) to @p out.
 * @param depth JSON containers already open around it (1 inside the envelope)
 * @returns 0, or -1 with Java's DataException message.
 */
int cd_json_write_schema(const cd_json_options_t *opts, const cd_schema_t *schema, int depth,
                         cd_buf_t *out, char *errstr, size_t errstr_size);
/**
 * @brief JsonConverter.convertToJson(): appends the payload JSON of @p value to @p out.
 * @param depth JSON containers already open around it (1 inside the envelope)
 * @returns 0, or -1 with Java's DataException message.
 */
int cd_json_write_value(const cd_json_options_t *opts, const cd_schema_t *schema,
                        const cd_value_t *value, int depth, cd_buf_t *out, char *errstr,
                        size_t errstr_size);
/** @brief Appends a JSON string literal of @p len bytes of UTF-8, escaped as Jackson does. */
int cd_json_write_string(cd_buf_t *out, const char *s, size_t len);
/** @brief Appends Java's Double.toString(@p v) (NaN/Infinity quoted, as Jackson writes them). */
int cd_json_write_double(cd_buf_t *out, double v);
/** @brief Appends Java's Float.toString(@p v) (NaN/Infinity quoted, as Jackson writes them). */
int cd_json_write_float(cd_buf_t *out, float v);

/**
 * @brief JsonConverter.asConnectSchema(): a schema from its JSON.
 * @param schema set to the new schema, or NULL for a JSON null
 * @returns 0, or -1 with Java's message.
 */
int cd_json_read_schema(const cd_json_options_t *opts, const cd_json_node_t *node,
                        cd_schema_t **schema, char *errstr, size_t errstr_size);
/**
 * @brief JsonConverter.convertToConnect(): the Connect value of @p node (NULL = missing).
 * @param value set to the value (NULL = the Connect null)
 * @returns 0, or -1 with Java's DataException message.
 */
int cd_json_read_value(const cd_json_options_t *opts, const cd_schema_t *schema,
                       const cd_json_node_t *node, cd_value_t **value, char *errstr,
                       size_t errstr_size);

/**
 * @brief Decimal.scale(schema): the "scale" parameter parsed as Integer.parseInt does.
 * @returns 0, or -1 with Java's message (parameter missing or not an int).
 */
int cd_json_decimal_scale(const cd_schema_t *schema, int32_t *scale, char *errstr,
                          size_t errstr_size);

/**
 * @brief Decodes Base64 exactly as Jackson's default variant (MIME-NO-LINEFEEDS)
 *        reads a text node: padding required, whitespace allowed before each quad.
 * @returns 0 with a malloc'ed buffer in *out (free it), or -1 on invalid input.
 */
int cd_json_base64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len);

#endif
