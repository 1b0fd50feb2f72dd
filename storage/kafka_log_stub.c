/**
 * @file kafka_log_stub.c
 * @brief TEMPORARY stubs of kafka_log.h so the config store builds before
 *        storage/kafka_log.c lands (dropped at merge). Every call fails.
 */
#include "kafka_log.h"

#include <stdio.h>

cd_kafka_log_t *cd_kafka_log_new(const cd_worker_config_t *wc, const cd_kafka_log_topic_t *topic,
                                 const char *client_id_suffix,
                                 const cd_properties_t *producer_overrides,
                                 const cd_properties_t *consumer_overrides, bool read_only,
                                 cd_kafka_log_consume_fn *consume, void *opaque, char *errstr,
                                 size_t errstr_size)
{
    (void)wc, (void)topic, (void)client_id_suffix, (void)producer_overrides;
    (void)consumer_overrides, (void)read_only, (void)consume, (void)opaque;
    snprintf(errstr, errstr_size, "kafka_log stub");
    return NULL;
}

int cd_kafka_log_start(cd_kafka_log_t *log, char *errstr, size_t errstr_size)
{
    (void)log;
    snprintf(errstr, errstr_size, "kafka_log stub");
    return -1;
}

int cd_kafka_log_read_to_end(cd_kafka_log_t *log, int64_t timeout_ms, char *errstr,
                             size_t errstr_size)
{
    (void)log, (void)timeout_ms;
    snprintf(errstr, errstr_size, "kafka_log stub");
    return -1;
}

int cd_kafka_log_send_sync(cd_kafka_log_t *log, const cd_kafka_log_entry_t *entries, size_t count,
                           int64_t timeout_ms, char *errstr, size_t errstr_size)
{
    (void)log, (void)entries, (void)count, (void)timeout_ms;
    snprintf(errstr, errstr_size, "kafka_log stub");
    return -1;
}

int32_t cd_kafka_log_partitions(const cd_kafka_log_t *log)
{
    (void)log;
    return 0;
}

void cd_kafka_log_destroy(cd_kafka_log_t *log)
{
    (void)log;
}

cd_properties_t *cd_kafka_log_topic_settings(const cd_worker_config_t *wc, const char *prefix)
{
    (void)wc, (void)prefix;
    return NULL;
}
