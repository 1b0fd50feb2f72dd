/**
 * @file connect_protocol.h
 * @brief The bytes inside the `connect` group protocol (ConnectProtocol,
 *        IncrementalCooperativeConnectProtocol, ExtendedAssignment): member
 *        metadata and assignments for the sub-protocols default (v0, eager),
 *        compatible (v1) and sessioned (v2). Classic big-endian Kafka types.
 */
#ifndef CONNECTD_DISTRIBUTED_CONNECT_PROTOCOL_H
#define CONNECTD_DISTRIBUTED_CONNECT_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** ConnectProtocolCompatibility; the value is the metadata header version. */
typedef enum cd_connect_protocol_e {
    CD_CONNECT_PROTOCOL_EAGER = 0,      /**< wire name "default" */
    CD_CONNECT_PROTOCOL_COMPATIBLE = 1, /**< "compatible" */
    CD_CONNECT_PROTOCOL_SESSIONED = 2,  /**< "sessioned" */
} cd_connect_protocol_t;

/** @returns "default", "compatible" or "sessioned". */
const char *cd_connect_protocol_wire_name(cd_connect_protocol_t p);
/** @brief Wire name → protocol. @returns false if unknown. */
bool cd_connect_protocol_from_wire_name(const char *name, cd_connect_protocol_t *out);
/** @brief connect.protocol value ("eager", "compatible", "sessioned", any case). */
bool cd_connect_protocol_from_config(const char *value, cd_connect_protocol_t *out);

/** A connector instance or a task: task -1 = the connector itself. */
typedef struct cd_work_id_s {
    char *connector;
    int32_t task;
} cd_work_id_t;

/** A list of work ids (owned). */
typedef struct cd_work_list_s {
    cd_work_id_t *items;
    size_t count;
    size_t cap;
} cd_work_list_t;

void cd_work_list_add(cd_work_list_t *l, const char *connector, int32_t task);
bool cd_work_list_contains(const cd_work_list_t *l, const char *connector, int32_t task);
void cd_work_list_remove(cd_work_list_t *l, const char *connector, int32_t task);
void cd_work_list_clear(cd_work_list_t *l);
/** @brief Sorts as ConnectorTaskId.compareTo (connector name, then task; -1 first). */
void cd_work_list_sort(cd_work_list_t *l);

#define CD_ASSIGNMENT_NO_ERROR 0
#define CD_ASSIGNMENT_CONFIG_MISMATCH 1

/** An assignment (ExtendedAssignment; v0 has no revoked/delay). */
typedef struct cd_assignment_s {
    int16_t version;
    int16_t error;
    char *leader;
    char *leader_url;
    int64_t config_offset;
    cd_work_list_t assigned; /**< connectors (task -1) and tasks */
    cd_work_list_t revoked;
    int32_t delay_ms;
} cd_assignment_t;

void cd_assignment_clear(cd_assignment_t *a);
void cd_assignment_copy(cd_assignment_t *dst, const cd_assignment_t *src);

/** Member metadata (ConnectProtocol.WorkerState / ExtendedWorkerState). */
typedef struct cd_worker_metadata_s {
    int16_t version;
    char *url;
    int64_t config_offset;
    bool has_allocation;        /**< false = null allocation */
    cd_assignment_t allocation; /**< the member's current full assignment */
} cd_worker_metadata_t;

void cd_worker_metadata_clear(cd_worker_metadata_t *m);

/** @brief Serialises metadata for @p protocol (v0: url+offset; v1/v2: + allocation,
 *  written as an assignment blob of the same version, or null when @p allocation
 *  is NULL or empty). @returns 0 with a malloc'd buffer. */
int cd_connect_metadata_serialize(cd_connect_protocol_t protocol, const char *url,
                                  int64_t config_offset, const cd_assignment_t *allocation,
                                  uint8_t **out, size_t *out_len);
/** @brief Parses metadata of any version (tolerating missing trailing fields and
 *  versions > 2). @returns 0, or -1 with errstr for malformed bytes. */
int cd_connect_metadata_parse(const uint8_t *buf, size_t len, cd_worker_metadata_t *out,
                              char *errstr, size_t errstr_size);

/** @brief Serialises an assignment with a->version (0: no revoked/delay). Entries are
 *  grouped per connector as Java's asMap does. */
int cd_connect_assignment_serialize(const cd_assignment_t *a, uint8_t **out, size_t *out_len);
/** @brief Parses an assignment of any version (Java always reads with the v1 reader). */
int cd_connect_assignment_parse(const uint8_t *buf, size_t len, cd_assignment_t *out, char *errstr,
                                size_t errstr_size);

#endif
