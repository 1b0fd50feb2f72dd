/**
 * @file smt_a_util.h
 * @brief Helpers shared by Cast, Flatten, MaskField, ReplaceField and
 *        SetSchemaMetadata: Struct.get with defaults, Java's String.split(":"),
 *        Java's number parsing (Long.parseLong, Double/Float.parseDouble,
 *        new BigDecimal(String)) and Number.xxxValue() conversions.
 */
#ifndef CONNECTD_TRANSFORMS_SMT_A_UTIL_H
#define CONNECTD_TRANSFORMS_SMT_A_UTIL_H

#include <connectd/data.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Struct.get(field) (schema default when the value is null) when @p with_default,
 *  else Struct.getWithoutDefault. */
const cd_value_t *cd_smta_struct_get(const cd_value_t *st, const cd_field_t *field,
                                     bool with_default);

/** Java's String.split(":") (limit 0): pieces written into @p parts (malloc'd copies,
 *  at most @p max). @returns the count (trailing empty pieces dropped), or -1 on
 *  too many pieces / memory. */
int cd_smta_split_colon(const char *s, char **parts, int max);
void cd_smta_free_parts(char **parts, int n);

/** String.trim(): copies @p s without leading/trailing chars <= ' '. */
char *cd_smta_trim(const char *s);

/** Long.parseLong-style parse with a range (Byte/Short/Integer/Long). @returns 0 or -1. */
int cd_smta_parse_java_integer(const char *s, int64_t min, int64_t max, int64_t *out);
/** Double.parseDouble / Float.parseFloat. @returns 0 or -1 (NumberFormatException). */
int cd_smta_parse_java_double(const char *s, double *out);
int cd_smta_parse_java_float(const char *s, float *out);

/** Number.longValue() / doubleValue() / floatValue() of a numeric value (INT8..FLOAT64,
 *  DECIMAL), Java semantics (saturating float to long, wrapping BigDecimal). */
int64_t cd_smta_number_long(const cd_value_t *v);
int32_t cd_smta_number_int(const cd_value_t *v);
double cd_smta_number_double(const cd_value_t *v);
float cd_smta_number_float(const cd_value_t *v);
/** @returns true for Java Number kinds (INT8..FLOAT64, DECIMAL). */
bool cd_smta_is_number(const cd_value_t *v);

/** A new schema with the type (and for ARRAY/MAP the element schemas) of @p source
 *  and its basics (name, version, doc, parameters): SchemaUtil.copySchemaBasics(source). */
cd_schema_t *cd_smta_copy_schema_basics_new(const cd_schema_t *source);

/** The table capacity java.util.HashMap starts with: new HashMap<>(Map of @p s
 *  entries) (JDK 17 pre-sizing) / new HashMap<>(@p n) (tableSizeFor). */
size_t cd_smta_hashmap_cap_copy(size_t s);
size_t cd_smta_hashmap_cap_sized(size_t n);
/** Takes @p map (entries in the order they were put into the Java HashMap) and
 *  returns a map in that HashMap's iteration order, given the capacity it started
 *  with (it doubles as Java's does while size > 0.75 * capacity). */
cd_value_t *cd_smta_java_hash_order(cd_value_t *map, size_t initial_cap);
/** Writes into @p order the indexes of @p names in the iteration order of a
 *  HashSet / HashMap (default capacity) they were added to in list order. */
void cd_smta_java_string_order(char *const *names, size_t n, size_t *order);

struct cd_config_value_s;
/**
 * ValidList.anyNonDuplicateValues(isEmptyAllowed, false) as Java runs it inside a
 * connector config (ConnectorConfig.enrich embeds the validator, so ConfigDef.parse
 * does not de-duplicate first): duplicates and empty elements are refused.
 * @p key is the unprefixed key name shown in the messages.
 */
int cd_smta_validate_unique_list(const char *key, bool allow_empty,
                                 const struct cd_config_value_s *value, char *errstr,
                                 size_t errstr_size);
#endif
