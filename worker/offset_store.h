/**
 * @file offset_store.h
 * @brief Source offsets: the backing store (OffsetBackingStore) of raw
 *        key/value bytes, and the connector-facing reader/writer
 *        (OffsetStorageReader/Writer) that serialises keys as Java does:
 *        key = JSON ["<connector>",{partition}], value = JSON {offset}, both
 *        with JsonConverter schemas.enable=false, so bytes equal Java's.
 *
 * Stores are thread-safe.
 */
#ifndef CONNECTD_WORKER_OFFSET_STORE_H
#define CONNECTD_WORKER_OFFSET_STORE_H

#include <connectd/data.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cd_offset_store_s cd_offset_store_t;

/** One raw entry; value NULL = tombstone (delete). */
typedef struct cd_offset_store_entry_s {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
} cd_offset_store_entry_t;

typedef struct cd_offset_store_ops_s {
    /** @returns 0 and a malloc'd copy in *value (NULL if absent). */
    int (*get)(cd_offset_store_t *store, const uint8_t *key, size_t key_len, uint8_t **value,
               size_t *value_len, char *errstr, size_t errstr_size);
    /** Writes all entries durably (file: rewrite + fsync; topic: produce + ack),
     *  waiting at most timeout_ms. @returns 0 or -1. */
    int (*set)(cd_offset_store_t *store, const cd_offset_store_entry_t *entries, size_t count,
               int64_t timeout_ms, char *errstr, size_t errstr_size);
    /** Calls @p fn for every stored entry (a snapshot). */
    void (*foreach)(cd_offset_store_t *store,
                    void (*fn)(const uint8_t *key, size_t key_len, const uint8_t *value,
                               size_t value_len, void *opaque),
                    void *opaque);
    void (*destroy)(cd_offset_store_t *store);
} cd_offset_store_ops_t;

struct cd_offset_store_s {
    const cd_offset_store_ops_t *ops;
};

static inline void cd_offset_store_destroy(cd_offset_store_t *store)
{
    if (store)
        store->ops->destroy(store);
}

/**
 * @brief Opens the standalone offsets file (FileOffsetBackingStore): the same
 * Java-serialised HashMap<byte[],byte[]> a Java standalone worker writes, so the
 * file can be shared both ways. A missing file is empty; a corrupt one is an error.
 */
cd_offset_store_t *cd_file_offset_store_open(const char *path, char *errstr, size_t errstr_size);

/** @brief OffsetUtils.validateFormat: @p map (NULL is fine) must be a MAP with STRING keys and
 *  primitive (or null) values; -1 with Java's DataException message otherwise. */
int cd_offset_validate_format(const cd_value_t *map, char *errstr, size_t errstr_size);

/** Bounds of the offsets file (cd_file_offset_store_open). */
#define CD_OFFSET_FILE_MAX_SIZE ((size_t)256 * 1024 * 1024)
#define CD_OFFSET_FILE_MAX_ENTRIES ((size_t)1000000)

/** @brief Parses the bytes of a Java-serialised HashMap<byte[],byte[]> (the offsets file) and
 *  calls @p fn for each entry (value NULL = a null value). For tests and fuzzing.
 *  @returns 0, or -1 with a message naming what is wrong. */
int cd_offset_file_parse(const uint8_t *data, size_t len,
                         int (*fn)(const uint8_t *key, size_t key_len, const uint8_t *value,
                                   size_t value_len, void *opaque),
                         void *opaque, char *errstr, size_t errstr_size);

/** @brief Serialises entries as Java's ObjectOutputStream writes a HashMap<byte[],byte[]>
 *  (keys must not be NULL; values may be). @returns 0 with a malloc'd buffer, or -1. */
int cd_offset_file_serialize(const cd_offset_store_entry_t *entries, size_t count, uint8_t **out,
                             size_t *out_len, char *errstr, size_t errstr_size);

/** @brief Serialises the offsets key ["connector",partition] (Java's bytes). */
int cd_offset_key_serialize(const char *connector, const cd_value_t *partition, uint8_t **out,
                            size_t *out_len, char *errstr, size_t errstr_size);
/** @brief Serialises an offset map (NULL = null bytes: *out NULL). */
int cd_offset_value_serialize(const cd_value_t *offset, uint8_t **out, size_t *out_len,
                              char *errstr, size_t errstr_size);
/** @brief Parses a key; @returns 0 with the connector name and partition map, -1 if it
 *  is not a well-formed offsets key (Java logs and skips those). */
int cd_offset_key_parse(const uint8_t *key, size_t key_len, char **connector,
                        cd_value_t **partition, char *errstr, size_t errstr_size);
/** @brief Parses an offset value (schemaless JSON map); NULL bytes give *offset NULL. */
int cd_offset_value_parse(const uint8_t *value, size_t value_len, cd_value_t **offset, char *errstr,
                          size_t errstr_size);

/** @brief OffsetStorageReader.offset: @returns the stored offset map or NULL (caller destroys). */
cd_value_t *cd_offset_store_read(cd_offset_store_t *store, const char *connector,
                                 const cd_value_t *partition);

/** A connector's offsets (for GET /connectors/{c}/offsets): partition/offset pairs. */
typedef struct cd_connector_offsets_s {
    cd_value_t **partitions;
    cd_value_t **offsets; /**< never NULL entries: tombstoned partitions are left out */
    size_t count;
} cd_connector_offsets_t;

/** @brief Every stored offset of @p connector. */
void cd_offset_store_connector_offsets(cd_offset_store_t *store, const char *connector,
                                       cd_connector_offsets_t *out);
void cd_connector_offsets_clear(cd_connector_offsets_t *offsets);

#endif
