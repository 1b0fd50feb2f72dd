/*
 * avro_converter.c: io.confluent.connect.avro.AvroConverter.
 *
 * Connect data <-> the Confluent wire format (magic byte 0, the schema id as
 * a big-endian int32, the Avro binary datum) with a Confluent Schema Registry
 * (converters/schema_registry_client.c) and the AvroData mapping
 * (converters/avro_schema.c, converters/avro_data.c).
 *
 * Writing: Connect schema -> Avro schema (cached per Connect schema object),
 * subject from the subject name strategy, id from the registry (register,
 * look up, or the subject's latest version), then the datum. Reading: id ->
 * writer schema (cached per id, bounded) -> Connect schema (+ the registry
 * version when the schema has no connect.version) -> the datum decoded.
 *
 * Messages follow Confluent's: "Failed to serialize Avro data from topic T:"
 * / "Failed to deserialize data for topic T to Avro:" followed by the cause.
 */
#include "converters/avro_data.h"
#include "converters/converter_config.h"
#include "converters/schema_registry_client.h"

#include <connectd/converter.h>
#include <connectd/version.h>

#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AVRO_MAGIC 0
#define AVRO_HEADER_BYTES 5

typedef enum subject_strategy_e {
    STRATEGY_TOPIC,
    STRATEGY_RECORD,
    STRATEGY_TOPIC_RECORD,
} subject_strategy_t;

/* Writing: a Connect schema object (referenced) -> its Avro schema and the
 * id registered under a subject. */
typedef struct write_entry_s {
    cd_schema_t *connect;
    cd_avro_schema_t *avro;     /* from the Connect schema */
    cd_avro_schema_t *latest;   /* use.latest.version: the subject's latest schema */
    cd_avro_encoder_t *encoder; /* bound to latest ?: avro */
    char *subject;
    int32_t id;
} write_entry_t;

/* Reading: a schema id -> the writer schema and its Connect schema. */
typedef struct read_entry_s {
    int32_t id;
    char *subject; /* the subject the version was looked up under */
    cd_avro_schema_t *avro;
    cd_schema_t *connect; /* NULL = schemaless */
} read_entry_t;

typedef struct avro_converter_s {
    cd_schema_registry_t *registry;
    cd_avro_data_config_t data;
    bool is_key;
    bool auto_register;
    bool use_latest;
    bool normalize;
    subject_strategy_t strategy;
    size_t cache_size;
    write_entry_t *writes;
    size_t nwrites;
    read_entry_t *reads;
    size_t nreads;
} avro_converter_t;

static void write_entry_free(write_entry_t *e)
{
    cd_schema_unref(e->connect);
    cd_avro_encoder_destroy(e->encoder);
    cd_avro_schema_destroy(e->avro);
    cd_avro_schema_destroy(e->latest);
    free(e->subject);
}

static void read_entry_free(read_entry_t *e)
{
    cd_avro_schema_destroy(e->avro);
    cd_schema_unref(e->connect);
    free(e->subject);
}

static void avro_destroy(void *state)
{
    avro_converter_t *c = state;
    if (!c)
        return;
    for (size_t i = 0; i < c->nwrites; i++)
        write_entry_free(&c->writes[i]);
    for (size_t i = 0; i < c->nreads; i++)
        read_entry_free(&c->reads[i]);
    free(c->writes);
    free(c->reads);
    cd_schema_registry_destroy(c->registry);
    free(c);
}

static int config_strategy(const cd_properties_t *config, const char *key, subject_strategy_t *out,
                           char *errstr, size_t errstr_size)
{
    static const struct {
        const char *name;
        subject_strategy_t strategy;
    } strategies[] = {
        {"io.confluent.kafka.serializers.subject.TopicNameStrategy", STRATEGY_TOPIC},
        {"io.confluent.kafka.serializers.subject.RecordNameStrategy", STRATEGY_RECORD},
        {"io.confluent.kafka.serializers.subject.TopicRecordNameStrategy", STRATEGY_TOPIC_RECORD},
    };
    const char *raw = cd_properties_get(config, key);
    char trimmed[256];
    *out = STRATEGY_TOPIC;
    if (!raw)
        return 0;
    cd_converter_config_trim(raw, trimmed, sizeof(trimmed));
    for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
        const char *simple = strrchr(strategies[i].name, '.') + 1;
        if (strcmp(trimmed, strategies[i].name) == 0 || strcmp(trimmed, simple) == 0) {
            *out = strategies[i].strategy;
            return 0;
        }
    }
    snprintf(errstr, errstr_size,
             "Invalid value %s for configuration %s: Class %s could not be found.", raw, key,
             trimmed);
    return -1;
}

static void *avro_create(const cd_properties_t *config, cd_converter_type_t type, char *errstr,
                         size_t errstr_size)
{
    avro_converter_t *c = calloc(1, sizeof(*c));
    int32_t cache_size;
    bool ignored;
    if (!c) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    c->is_key = type == CD_CONVERTER_KEY;
    cd_avro_data_config_defaults(&c->data);
    if (cd_converter_config_bool(config, "auto.register.schemas", true, &c->auto_register, errstr,
                                 errstr_size) < 0 ||
        cd_converter_config_bool(config, "use.latest.version", false, &c->use_latest, errstr,
                                 errstr_size) < 0 ||
        cd_converter_config_bool(config, "latest.compatibility.strict", true, &ignored, errstr,
                                 errstr_size) < 0 ||
        cd_converter_config_bool(config, "normalize.schemas", false, &c->normalize, errstr,
                                 errstr_size) < 0 ||
        cd_converter_config_bool(config, "enhanced.avro.schema.support", false,
                                 &c->data.enhanced_schema_support, errstr, errstr_size) < 0 ||
        cd_converter_config_bool(config, "connect.meta.data", true, &c->data.connect_meta_data,
                                 errstr, errstr_size) < 0 ||
        cd_converter_config_bool(config, "scrub.invalid.names", false, &c->data.scrub_invalid_names,
                                 errstr, errstr_size) < 0 ||
        cd_converter_config_bool(config, "allow.optional.map.keys", false,
                                 &c->data.allow_optional_map_keys, errstr, errstr_size) < 0 ||
        cd_converter_config_bool(config, "flatten.singleton.unions", true,
                                 &c->data.flatten_singleton_unions, errstr, errstr_size) < 0 ||
        cd_converter_config_int(config, "schemas.cache.config", 1000, &cache_size, errstr,
                                errstr_size) < 0 ||
        config_strategy(config,
                        c->is_key ? "key.subject.name.strategy" : "value.subject.name.strategy",
                        &c->strategy, errstr, errstr_size) < 0)
        goto fail;
    if (cache_size < 1)
        cache_size = 1;
    c->cache_size = (size_t)cache_size;
    if (!(c->registry = cd_schema_registry_new(config, errstr, errstr_size)))
        goto fail;
    return c;
fail:
    avro_destroy(c);
    return NULL;
}

/* The subject of a schema for a topic: TopicNameStrategy, RecordNameStrategy, ... */
static char *subject_for(avro_converter_t *c, const char *topic, const cd_avro_schema_t *avro,
                         char *errstr, size_t errstr_size)
{
    const char *record = cd_avro_schema_full_name(avro);
    char *subject = NULL;
    size_t len;
    switch (c->strategy) {
    case STRATEGY_TOPIC:
        len = strlen(topic) + 7;
        if ((subject = malloc(len)))
            snprintf(subject, len, "%s-%s", topic, c->is_key ? "key" : "value");
        break;
    case STRATEGY_RECORD:
    case STRATEGY_TOPIC_RECORD:
        if (!record) {
            snprintf(errstr, errstr_size,
                     "In configuration %s.subject.name.strategy = %s, the message %s must only "
                     "be an Avro record schema",
                     c->is_key ? "key" : "value",
                     c->strategy == STRATEGY_RECORD ? "RecordNameStrategy"
                                                    : "TopicRecordNameStrategy",
                     c->is_key ? "key" : "value");
            return NULL;
        }
        if (c->strategy == STRATEGY_RECORD) {
            subject = strdup(record);
        } else {
            len = strlen(topic) + strlen(record) + 2;
            if ((subject = malloc(len)))
                snprintf(subject, len, "%s-%s", topic, record);
        }
        break;
    }
    if (!subject)
        snprintf(errstr, errstr_size, "out of memory");
    return subject;
}

/* Whether @p subject is the subject of @p topic for a schema whose record is
 * @p avro (TopicNameStrategy: "TOPIC-key|value"; TopicRecordNameStrategy:
 * "TOPIC-RECORD"; RecordNameStrategy subjects do not depend on the topic). The
 * whole suffix is compared: topic "a" must not match the subject of topic "a-b". */
static bool subject_is_topics(const avro_converter_t *c, const char *subject, const char *topic,
                              const cd_avro_schema_t *avro)
{
    size_t n = strlen(topic);
    const char *suffix;
    if (c->strategy == STRATEGY_RECORD)
        return true;
    if (strncmp(subject, topic, n) != 0 || subject[n] != '-')
        return false;
    if (c->strategy == STRATEGY_TOPIC)
        suffix = c->is_key ? "key" : "value";
    else
        suffix = cd_avro_schema_full_name(avro);
    return suffix && strcmp(subject + n + 1, suffix) == 0;
}

static write_entry_t *write_entry_find(avro_converter_t *c, const cd_schema_t *schema,
                                       const char *topic)
{
    for (size_t i = 0; i < c->nwrites; i++) {
        write_entry_t *e = &c->writes[i];
        if (e->connect != schema &&
            (!e->connect || !schema || !cd_schema_equals(e->connect, schema)))
            continue;
        if (!subject_is_topics(c, e->subject, topic, e->avro)) /* subjects differ per topic */
            continue;
        return e;
    }
    return NULL;
}

/* A registry failure as the cause text, Confluent's SerializationException wording. */
static void registry_cause(char *errstr, size_t errstr_size, const char *what,
                           const char *registry_err)
{
    char copy[1024];
    snprintf(copy, sizeof(copy), "%s", registry_err);
    snprintf(errstr, errstr_size, "%s: %s", what, copy);
}

static write_entry_t *write_entry_new(avro_converter_t *c, const char *topic,
                                      const cd_schema_t *schema, char *errstr, size_t errstr_size)
{
    write_entry_t e = {0};
    char err[1024];
    cd_sr_result_t rc;
    if (!(e.avro = cd_avro_schema_from_connect(&c->data, schema, errstr, errstr_size)))
        return NULL;
    if (!(e.subject = subject_for(c, topic, e.avro, errstr, errstr_size)))
        goto fail;
    if (c->auto_register) {
        rc = cd_schema_registry_register(c->registry, e.subject, cd_avro_schema_text(e.avro),
                                         c->normalize, &e.id, err, sizeof(err));
        if (rc != CD_SR_OK) {
            registry_cause(errstr, errstr_size, "Error registering Avro schema", err);
            goto fail;
        }
    } else if (c->use_latest) {
        char *text = NULL;
        int32_t version;
        rc = cd_schema_registry_latest(c->registry, e.subject, &e.id, &version, &text, err,
                                       sizeof(err));
        if (rc != CD_SR_OK) {
            registry_cause(errstr, errstr_size, "Error retrieving latest version of Avro schema",
                           err);
            goto fail;
        }
        e.latest = cd_avro_schema_parse(text, strlen(text), err, sizeof(err));
        free(text);
        if (!e.latest) {
            registry_cause(errstr, errstr_size, "Error retrieving latest version of Avro schema",
                           err);
            goto fail;
        }
    } else {
        int32_t version;
        rc = cd_schema_registry_lookup(c->registry, e.subject, cd_avro_schema_text(e.avro),
                                       c->normalize, &e.id, &version, err, sizeof(err));
        if (rc != CD_SR_OK) {
            registry_cause(errstr, errstr_size, "Error retrieving Avro schema", err);
            goto fail;
        }
    }
    if (!(e.encoder = cd_avro_encoder_new(e.latest ? e.latest : e.avro, errstr, errstr_size)))
        goto fail;
    e.connect = schema ? cd_schema_ref(schema) : NULL;
    if (c->nwrites == c->cache_size) { /* bounded: the oldest goes */
        write_entry_free(&c->writes[0]);
        memmove(&c->writes[0], &c->writes[1], (c->nwrites - 1) * sizeof(c->writes[0]));
        c->nwrites--;
    }
    write_entry_t *grown = realloc(c->writes, (c->nwrites + 1) * sizeof(*grown));
    if (!grown) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    c->writes = grown;
    c->writes[c->nwrites] = e;
    return &c->writes[c->nwrites++];
fail:
    write_entry_free(&e);
    return NULL;
}

static int avro_from_connect(void *state, const char *topic, const cd_headers_t *headers,
                             const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                             bool *is_null, char *errstr, size_t errstr_size)
{
    avro_converter_t *c = state;
    char cause[1536];
    (void)headers;
    *is_null = false;
    if (!value) { /* null stays null (a tombstone), nothing registered */
        *is_null = true;
        return 0;
    }
    if (schema && cd_validate_value(schema, value, cause, sizeof(cause)) < 0)
        goto fail;
    write_entry_t *e = write_entry_find(c, schema, topic);
    if (!e && !(e = write_entry_new(c, topic, schema, cause, sizeof(cause))))
        goto fail;
    size_t start = out->len;
    uint8_t *hdr = cd_buf_append_space(out, AVRO_HEADER_BYTES);
    if (!hdr) {
        snprintf(cause, sizeof(cause), "out of memory");
        goto fail;
    }
    hdr[0] = AVRO_MAGIC;
    hdr[1] = (uint8_t)((uint32_t)e->id >> 24);
    hdr[2] = (uint8_t)((uint32_t)e->id >> 16);
    hdr[3] = (uint8_t)((uint32_t)e->id >> 8);
    hdr[4] = (uint8_t)e->id;
    if (cd_avro_encode(e->encoder, schema, value, out, cause, sizeof(cause)) < 0) {
        out->len = start;
        goto fail;
    }
    return 0;
fail:
    if (strstr(cause, "Connection refused") || strstr(cause, "Couldn't connect") ||
        strstr(cause, "Could not resolve"))
        snprintf(errstr, errstr_size,
                 "Network connection error while serializing Avro data for topic %s: %s", topic,
                 cause);
    else
        snprintf(errstr, errstr_size, "Failed to serialize Avro data from topic %s: %s", topic,
                 cause);
    return -1;
}

/* The cached reader of @p id for @p topic: an entry whose version was looked up
 * under another topic's subject is not this topic's (its version may differ). */
static read_entry_t *read_entry_find(avro_converter_t *c, int32_t id, const char *topic)
{
    for (size_t i = 0; i < c->nreads; i++)
        if (c->reads[i].id == id &&
            (!c->reads[i].subject ||
             subject_is_topics(c, c->reads[i].subject, topic, c->reads[i].avro)))
            return &c->reads[i];
    return NULL;
}

static read_entry_t *read_entry_new(avro_converter_t *c, const char *topic, int32_t id,
                                    char *errstr, size_t errstr_size)
{
    read_entry_t e = {.id = id};
    char err[1024], what[128];
    char *text = NULL;
    const char *kind = c->is_key ? "key" : "value";
    bool schemaless;
    int32_t version = -1;
    cd_sr_result_t rc = cd_schema_registry_schema_by_id(c->registry, id, &text, err, sizeof(err));
    if (rc != CD_SR_OK) {
        snprintf(what, sizeof(what), "Error retrieving Avro %s schema for id %d", kind, (int)id);
        registry_cause(errstr, errstr_size, what, err);
        return NULL;
    }
    e.avro = cd_avro_schema_parse(text, strlen(text), err, sizeof(err));
    if (!e.avro) {
        snprintf(what, sizeof(what), "Error retrieving Avro %s schema for id %d", kind, (int)id);
        registry_cause(errstr, errstr_size, what, err);
        goto fail;
    }
    /* the registry's version stands in for a missing connect.version */
    bool has_connect_version = cd_avro_schema_has_connect_version(e.avro);
    if (!has_connect_version && (e.subject = subject_for(c, topic, e.avro, err, sizeof(err)))) {
        int32_t found_id;
        rc = cd_schema_registry_lookup(c->registry, e.subject, text, false, &found_id, &version,
                                       err, sizeof(err));
        if (rc == CD_SR_ERR_NOT_FOUND) {
            version = -1; /* registered under another subject: no version */
        } else if (rc != CD_SR_OK) {
            snprintf(what, sizeof(what), "Error retrieving Avro %s schema version for id %d", kind,
                     (int)id);
            registry_cause(errstr, errstr_size, what, err);
            goto fail;
        }
    }
    e.connect = cd_avro_to_connect_schema(&c->data, e.avro, version, &schemaless, err, sizeof(err));
    if (!e.connect && !schemaless) {
        snprintf(what, sizeof(what), "Error deserializing Avro message for id %d", (int)id);
        registry_cause(errstr, errstr_size, what, err);
        goto fail;
    }
    free(text);
    text = NULL;
    if (c->nreads == c->cache_size) {
        read_entry_free(&c->reads[0]);
        memmove(&c->reads[0], &c->reads[1], (c->nreads - 1) * sizeof(c->reads[0]));
        c->nreads--;
    }
    read_entry_t *grown = realloc(c->reads, (c->nreads + 1) * sizeof(*grown));
    if (!grown) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    c->reads = grown;
    c->reads[c->nreads] = e;
    return &c->reads[c->nreads++];
fail:
    free(text);
    read_entry_free(&e);
    return NULL;
}

static int avro_to_connect(void *state, const char *topic, const cd_headers_t *headers,
                           const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                           char *errstr, size_t errstr_size)
{
    avro_converter_t *c = state;
    char cause[1536];
    (void)headers;
    cd_schema_and_value_clear(out);
    if (!data)
        return 0; /* null -> SchemaAndValue.NULL */
    if (len == 0 || data[0] != AVRO_MAGIC) {
        snprintf(cause, sizeof(cause), "Unknown magic byte!");
        goto fail;
    }
    if (len < AVRO_HEADER_BYTES) {
        snprintf(cause, sizeof(cause), "Could not deserialize schema ID: %zu bytes", len);
        goto fail;
    }
    int32_t id = (int32_t)((uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 |
                           (uint32_t)data[3] << 8 | (uint32_t)data[4]);
    read_entry_t *e = read_entry_find(c, id, topic);
    if (!e && !(e = read_entry_new(c, topic, id, cause, sizeof(cause))))
        goto fail;
    cd_value_t *value = NULL;
    char err[1024];
    if (cd_avro_decode(e->avro, e->connect, data + AVRO_HEADER_BYTES, len - AVRO_HEADER_BYTES,
                       &value, err, sizeof(err)) < 0) {
        snprintf(cause, sizeof(cause), "Error deserializing Avro message for id %d: %s", (int)id,
                 err);
        goto fail;
    }
    out->schema = e->connect ? cd_schema_ref(e->connect) : NULL;
    out->value = value;
    return 0;
fail:
    if (strstr(cause, "Connection refused") || strstr(cause, "Couldn't connect") ||
        strstr(cause, "Could not resolve"))
        snprintf(errstr, errstr_size,
                 "Network connection error while deserializing data for topic %s: %s", topic,
                 cause);
    else
        snprintf(errstr, errstr_size, "Failed to deserialize data for topic %s to Avro: %s", topic,
                 cause);
    return -1;
}

static const char *const avro_converter_aliases[] = {"AvroConverter", "Avro", NULL};

const cd_converter_plugin_t cd_avro_converter_plugin = {
    .class_name = "io.confluent.connect.avro.AvroConverter",
    .aliases = avro_converter_aliases,
    .version = CONNECTD_VERSION,
    .is_header_converter = false,
    .is_converter = true,
    .create = avro_create,
    .destroy = avro_destroy,
    .from_connect = avro_from_connect,
    .to_connect = avro_to_connect,
};
