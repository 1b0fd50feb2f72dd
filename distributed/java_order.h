/**
 * @file java_order.h
 * @brief Internal helpers that reproduce the iteration order of Java's
 *        HashMap/HashSet (JDK 17) for String and ConnectorTaskId keys, so that
 *        connectd's assignors and codecs emit entries in the same order as
 *        Kafka Connect's Java code (ConnectProtocol.Assignment.asMap uses a
 *        HashSet of connector names; IncrementalCooperativeAssignor iterates
 *        HashMaps keyed by member id). Only the order is emulated, no tables.
 *
 * Limits: treeified bins (8+ colliding keys in a table of 64+ buckets) and the
 * resize triggered by long bins in small tables are not modelled; JDK 19+
 * sizes HashSet(Collection) slightly differently (see connect-protocol.md).
 */
#ifndef CONNECTD_DISTRIBUTED_JAVA_ORDER_H
#define CONNECTD_DISTRIBUTED_JAVA_ORDER_H

#include <stddef.h>
#include <stdint.h>

/** String.hashCode over the UTF-16 code units of UTF-8 @p s (invalid bytes count as U+FFFD). */
int32_t cd_java_string_hash(const char *s);
/** ConnectorTaskId.hashCode: 31 * connector.hashCode() + task. */
int32_t cd_java_task_hash(const char *connector, int32_t task);
/** Table size of a HashMap/HashSet built with the default constructor after @p n puts. */
size_t cd_java_cap_default(size_t n);
/** Table size of `new HashSet<>(collection)` for a source of @p n elements (JDK 17). */
size_t cd_java_cap_copy(size_t n);
/**
 * @brief Fills @p perm (n entries) with the indices of @p hashes in iteration order of a
 * table of @p cap buckets whose keys were inserted in index order (stable within a bucket).
 */
void cd_java_hash_order(const int32_t *hashes, size_t n, size_t cap, size_t *perm);
/** String.compareTo for UTF-8 strings (UTF-16 code unit order). */
int cd_java_string_compare(const char *a, const char *b);

#endif
