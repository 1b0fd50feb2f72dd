/* bench_raw_produce.c: the ceiling for a Connect source worker's produce path.
 *
 * Produces N records of S bytes (values only, no key) to one topic with the
 * producer settings Kafka Connect's Worker forces on source-task producers
 * (acks=all, max.in.flight.requests.per.connection=1, idempotence off) plus the
 * Java client defaults a worker inherits (linger.ms=5, batch.size=16384), and
 * waits for every delivery report. Used by bench/run-worker.sh next to the Java
 * worker and connectd; prints one line:
 *
 *   raw_produce records=N bytes_per_record=S seconds=T records_per_sec=R
 *
 * Usage: bench_raw_produce BOOTSTRAP TOPIC [records] [bytes_per_record]
 */
#include <librdkafka/rdkafka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RECORD_BYTES (1024 * 1024)

static long delivered;
static long failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (msg->err) {
        if (failed++ == 0)
            fprintf(stderr, "bench_raw_produce: delivery failed: %s\n", rd_kafka_err2str(msg->err));
    } else {
        delivered++;
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_count(const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

static int set_conf(rd_kafka_conf_t *conf, const char *key, const char *value)
{
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "bench_raw_produce: %s=%s: %s\n", key, value, errstr);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long records = 1000000, size = 100;
    rd_kafka_conf_t *conf = NULL;
    rd_kafka_t *rk = NULL;
    char *payload = NULL;
    char errstr[512];
    int rc = 1;

    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC [records] [bytes_per_record]\n", argv[0]);
        return 2;
    }
    if ((argc > 3 && parse_count(argv[3], 1, 1000000000L, &records) != 0) ||
        (argc > 4 && parse_count(argv[4], 1, MAX_RECORD_BYTES, &size) != 0)) {
        fprintf(stderr, "bench_raw_produce: bad records or bytes_per_record\n");
        return 2;
    }

    conf = rd_kafka_conf_new();
    if (set_conf(conf, "bootstrap.servers", argv[1]) || set_conf(conf, "acks", "all") ||
        set_conf(conf, "enable.idempotence", "false") ||
        set_conf(conf, "max.in.flight.requests.per.connection", "1") ||
        set_conf(conf, "linger.ms", "5") || set_conf(conf, "batch.size", "16384") ||
        set_conf(conf, "queue.buffering.max.messages", "1000000") ||
        set_conf(conf, "compression.type", "none"))
        goto fail;
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) {
        fprintf(stderr, "bench_raw_produce: %s\n", errstr);
        goto fail;
    }
    conf = NULL; /* owned by rk */

    payload = malloc((size_t)size);
    if (!payload)
        goto fail;
    /* printable bytes, like a FileStream source line (a 100-byte line is a 99-byte value) */
    for (long i = 0; i < size; i++)
        payload[i] = (char)('a' + i % 26);

    double start = now_seconds();
    for (long i = 0; i < records;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_VALUE(payload, (size_t)size),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(rk, 10);
            continue;
        }
        if (err) {
            fprintf(stderr, "bench_raw_produce: produce: %s\n", rd_kafka_err2str(err));
            goto fail;
        }
        i++;
        rd_kafka_poll(rk, 0);
    }
    while (rd_kafka_outq_len(rk) > 0)
        rd_kafka_poll(rk, 50);
    double seconds = now_seconds() - start;

    if (failed > 0 || delivered != records) {
        fprintf(stderr, "bench_raw_produce: %ld delivered, %ld failed\n", delivered, failed);
        goto fail;
    }
    printf("raw_produce records=%ld bytes_per_record=%ld seconds=%.3f records_per_sec=%.0f\n",
           records, size, seconds, (double)records / seconds);
    rc = 0;
fail:
    free(payload);
    if (rk)
        rd_kafka_destroy(rk);
    if (conf)
        rd_kafka_conf_destroy(conf);
    return rc;
}
