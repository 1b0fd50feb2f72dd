/* data_internal.h: the layouts behind the opaque data-model types. Only data/ includes it. */
#ifndef CONNECTD_DATA_INTERNAL_H
#define CONNECTD_DATA_INTERNAL_H

#include <connectd/data.h>

struct cd_field_s {
    char *name;
    cd_schema_t *schema;
    size_t index;
};

struct cd_schema_s {
    int refcnt;
    cd_type_t type;
    bool optional;
    bool has_version;
    bool has_parameters;
    int32_t version;
    char *name;
    char *doc;
    char **param_keys;
    char **param_values;
    size_t param_count;
    cd_value_t *default_value; /* NULL = none */
    cd_schema_t *key_schema;   /* MAP */
    cd_schema_t *value_schema; /* MAP, ARRAY */
    cd_field_t *fields;        /* STRUCT */
    size_t field_count;
    size_t field_cap;
};

typedef struct cd_map_entry_s {
    cd_value_t *key;
    cd_value_t *value;
} cd_map_entry_t;

struct cd_value_s {
    cd_value_kind_t kind;
    union {
        int64_t i;
        double f64;
        float f32;
        bool b;
        struct {
            char *data; /* NUL-terminated; bytes may contain NUL */
            size_t len;
        } blob; /* STRING, BYTES */
        struct {
            cd_value_t **items;
            size_t len, cap;
        } array;
        struct {
            cd_map_entry_t *entries;
            size_t len, cap;
        } map;
        struct {
            cd_schema_t *schema;
            cd_value_t **values;
        } st;
        struct {
            uint8_t *unscaled;
            size_t len;
            int32_t scale;
        } dec;
    } u;
};

#endif
