/**
 * @file properties.h
 * @brief Java `.properties` parser with the exact semantics of Kafka Connect's
 *        `Utils.loadProps()`, i.e. `java.util.Properties.load(InputStream)`.
 *
 * The input is decoded as ISO-8859-1 (every byte is one character), as
 * `Properties.load(InputStream)` does; `\uXXXX` escapes are UTF-16 code units.
 * Keys and values are handed out as NUL-terminated UTF-8. A lone surrogate
 * becomes U+FFFD; a NUL character in a key or value is rejected (C strings
 * cannot carry it). See docs/modules/properties.md for the rules and bounds.
 *
 * The map keeps keys unique and ordered by first insertion; setting an
 * existing key replaces its value in place (last wins, as in Java).
 */
#ifndef CONNECTD_UTIL_PROPERTIES_H
#define CONNECTD_UTIL_PROPERTIES_H

#include <stdbool.h>
#include <stddef.h>

/** Largest input accepted by cd_properties_parse() and cd_properties_load_file(). */
#define CD_PROPERTIES_MAX_INPUT_SIZE ((size_t)16 * 1024 * 1024)
/** Largest key, in bytes of UTF-8 after unescaping. */
#define CD_PROPERTIES_MAX_KEY_LEN ((size_t)64 * 1024)
/** Largest value, in bytes of UTF-8 after unescaping. */
#define CD_PROPERTIES_MAX_VALUE_LEN ((size_t)8 * 1024 * 1024)
/** Largest number of distinct keys in one map. */
#define CD_PROPERTIES_MAX_ENTRIES ((size_t)100000)

typedef struct cd_properties_s cd_properties_t;

/** @brief Creates an empty map; NULL on out of memory. */
cd_properties_t *cd_properties_new(void);

/** @brief Frees the map and every key and value it holds; NULL is a no-op. */
void cd_properties_destroy(cd_properties_t *props);

/**
 * @brief Parses a `.properties` text (ISO-8859-1 bytes, embedded NULs allowed)
 *        and merges its entries into @p props (last wins).
 *
 * On error nothing is merged: @p props is left as it was (except after an
 * out-of-memory failure while merging, which may leave it partly updated).
 * Error messages name the (1-based) natural line where the logical line starts.
 *
 * @return 0 on success, -1 on error with a message in @p errstr.
 */
int cd_properties_parse(cd_properties_t *props, const char *buf, size_t len, char *errstr,
                        size_t errstr_size);

/**
 * @brief Reads the file at @p path (at most CD_PROPERTIES_MAX_INPUT_SIZE bytes)
 *        and parses it with cd_properties_parse().
 * @return 0 on success, -1 on error; I/O errors name the path and strerror().
 */
int cd_properties_load_file(cd_properties_t *props, const char *path, char *errstr,
                            size_t errstr_size);

/** @brief Returns the value of @p key, or NULL if absent. */
const char *cd_properties_get(const cd_properties_t *props, const char *key);

/**
 * @brief Sets @p key to @p value (both copied). An existing key keeps its
 *        position; a new key is appended.
 * @return 0 on success, -1 on out of memory or when a bound is exceeded.
 */
int cd_properties_set(cd_properties_t *props, const char *key, const char *value);

/** @brief Removes @p key. @return 0 if it was removed, -1 if it was absent. */
int cd_properties_remove(cd_properties_t *props, const char *key);

/** @brief Number of entries. */
size_t cd_properties_count(const cd_properties_t *props);

/** @brief Key of entry @p i in insertion order, NULL if out of range. */
const char *cd_properties_key_at(const cd_properties_t *props, size_t i);

/** @brief Value of entry @p i in insertion order, NULL if out of range. */
const char *cd_properties_value_at(const cd_properties_t *props, size_t i);

/** @brief A copy of @p props (same order), NULL on out of memory. */
cd_properties_t *cd_properties_copy(const cd_properties_t *props);

/** @brief Map equality (same keys and values, order ignored), as Java's Map.equals. */
bool cd_properties_equal(const cd_properties_t *a, const cd_properties_t *b);

#endif /* CONNECTD_UTIL_PROPERTIES_H */
