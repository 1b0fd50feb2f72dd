/*
 * avro_schema_internal.h: the parsed Avro schema tree shared by avro_schema.c
 * (parsing, Connect -> Avro schema) and avro_data.c (Avro -> Connect schema,
 * encoding and decoding). Not a public interface.
 */
#ifndef CONNECTD_AVRO_SCHEMA_INTERNAL_H
#define CONNECTD_AVRO_SCHEMA_INTERNAL_H

#include "avro_data.h"

#include <avro.h>
#include <jansson.h>

typedef enum av_type_e {
    AV_NULL,
    AV_BOOLEAN,
    AV_INT,
    AV_LONG,
    AV_FLOAT,
    AV_DOUBLE,
    AV_BYTES,
    AV_STRING,
    AV_RECORD,
    AV_ENUM,
    AV_ARRAY,
    AV_MAP,
    AV_UNION,
    AV_FIXED,
} av_type_t;

typedef struct av_node_s av_node_t;

typedef struct av_field_s {
    const char *name; /* borrowed from json */
    av_node_t *type;
    json_t *json; /* the field object (doc, default, props); borrowed */
} av_field_t;

struct av_node_s {
    av_type_t type;
    json_t *json;     /* the defining object, NULL for a bare primitive name; borrowed */
    char *full_name;  /* named types */
    const char *name; /* simple name, inside full_name */
    const char *logical_type;
    const char *connect_type;
    av_field_t *fields; /* record */
    size_t nfields;
    av_node_t **branches; /* union */
    size_t nbranches;
    av_node_t *items;     /* array items, map values */
    const char **symbols; /* enum, borrowed */
    size_t nsymbols;
    int64_t fixed_size;
    size_t min_bytes; /* the least bytes a datum of this type encodes to */
    bool min_known;
};

struct cd_avro_schema_s {
    json_t *json; /* owned root document */
    char *text;   /* its JSON text */
    av_node_t *root;
    av_node_t **nodes; /* every node, for freeing */
    size_t nnodes, cap_nodes;
    avro_schema_t avro; /* Avro C's parse of text */
};

/* The Anything record of schemaless values. */
#define AV_ANYTHING_NAME "io.confluent.connect.avro.Anything"
#define AV_NAMESPACE "io.confluent.connect.avro"
#define AV_MAP_ENTRY_NAME "io.confluent.connect.avro.MapEntry"
#define AV_UNION_NAME "io.confluent.connect.avro.Union"
#define AV_ENUM_PARAM "io.confluent.connect.avro.Enum"
#define AV_DEFAULT_NAME "io.confluent.connect.avro.ConnectDefault"

/* A named record is a Connect map entry (io.confluent.connect.avro.MapEntry or the
 * connect.internal.type annotation). */
bool av_node_is_map_entry(const av_node_t *node);
/* The field name of a union member in io.confluent.connect.avro.Union. */
const char *av_union_member_name(const cd_avro_data_config_t *config, const av_node_t *node);

#endif
