/*
 * store_tool: opens the Kafka offsets or status store (storage/) with a
 * distributed worker properties file, so the integration tests can check the
 * internal-topic formats against a real broker and Java's bytes.
 *
 *   store_tool <worker.properties> offsets get <key-json>
 *   store_tool <worker.properties> offsets set <key-json> <value-json|-null->
 *   store_tool <worker.properties> offsets list
 *   store_tool <worker.properties> status open
 *   store_tool <worker.properties> status put <connector> <task|-1> <STATE> <worker_id> <gen>
 * [trace] store_tool <worker.properties> status get <connector> <task|-1> store_tool
 * <worker.properties> status topic <connector> <topic> store_tool <worker.properties> status topics
 * <connector> store_tool <worker.properties> status delete <connector> store_tool
 * <worker.properties> status list
 *
 * Prints results on stdout; errors as "error: <message>" on stderr, exit 1
 * (2 on usage errors).
 */
#include "storage/kafka_backing_stores.h"
#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "usage: store_tool <worker.properties> offsets get|set|list ... | "
                    "status open|put|get|topic|topics|delete|list ...\n");
    return 2;
}

static void print_entry(const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len,
                        void *opaque)
{
    (void)opaque;
    printf("%.*s\t%.*s\n", (int)key_len, (const char *)key, (int)value_len, (const char *)value);
}

static int parse_state(const char *text, cd_state_t *out)
{
    for (int s = CD_STATE_UNASSIGNED; s <= CD_STATE_DESTROYED; s++)
        if (strcmp(text, cd_state_name((cd_state_t)s)) == 0) {
            *out = (cd_state_t)s;
            return 0;
        }
    return -1;
}

static int offsets_cmd(cd_worker_config_t *wc, int argc, char **argv)
{
    char err[2048];
    cd_offset_store_t *st = cd_kafka_offset_store_open(wc, err, sizeof(err));
    if (!st) {
        fprintf(stderr, "error: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (argc >= 2 && strcmp(argv[0], "get") == 0) {
        uint8_t *v = NULL;
        size_t vl = 0;
        if (st->ops->get(st, (const uint8_t *)argv[1], strlen(argv[1]), &v, &vl, err, sizeof(err)) <
            0) {
            fprintf(stderr, "error: %s\n", err);
            rc = 1;
        } else if (!v) {
            printf("null\n");
        } else {
            printf("%.*s\n", (int)vl, (const char *)v);
        }
        free(v);
    } else if (argc >= 3 && strcmp(argv[0], "set") == 0) {
        bool null = strcmp(argv[2], "-null-") == 0;
        cd_offset_store_entry_t e = {(const uint8_t *)argv[1], strlen(argv[1]),
                                     null ? NULL : (const uint8_t *)argv[2],
                                     null ? 0 : strlen(argv[2])};
        if (st->ops->set(st, &e, 1, 30000, err, sizeof(err)) < 0) {
            fprintf(stderr, "error: %s\n", err);
            rc = 1;
        } else {
            printf("ok\n");
        }
    } else if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        st->ops->foreach (st, print_entry, NULL);
    } else {
        rc = usage();
    }
    cd_offset_store_destroy(st);
    return rc;
}

static int status_cmd(cd_worker_config_t *wc, int argc, char **argv)
{
    char err[2048];
    if (argc < 1)
        return usage();
    cd_status_store_t *st = cd_kafka_status_store_open(wc, err, sizeof(err));
    if (!st) {
        fprintf(stderr, "error: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (strcmp(argv[0], "open") == 0) {
        printf("ok\n");
    } else if (argc >= 6 && strcmp(argv[0], "put") == 0) {
        cd_state_t state;
        if (parse_state(argv[3], &state) < 0) {
            rc = usage();
        } else {
            cd_status_store_put(st, argv[1], atoi(argv[2]), state, argc >= 7 ? argv[6] : NULL,
                                argv[4], atoll(argv[5]));
            rc = cd_status_store_flush(st, 30000) < 0;
            printf(rc ? "flush failed\n" : "ok\n");
        }
    } else if (argc >= 3 && strcmp(argv[0], "get") == 0) {
        cd_status_t s;
        memset(&s, 0, sizeof(s));
        if (!cd_status_store_get(st, argv[1], atoi(argv[2]), &s)) {
            printf("none\n");
        } else {
            uint8_t *v = NULL;
            size_t vl = 0;
            v = cd_status_value_serialize(&s, &vl);
            printf("%.*s\n", (int)vl, v ? (const char *)v : "");
            free(v);
            cd_status_clear(&s);
        }
    } else if (argc >= 3 && strcmp(argv[0], "topic") == 0) {
        cd_status_store_put_topic(st, argv[1], argv[2]);
        rc = cd_status_store_flush(st, 30000) < 0;
        printf(rc ? "flush failed\n" : "ok\n");
    } else if (argc >= 2 && strcmp(argv[0], "topics") == 0) {
        size_t n = 0;
        char **t = cd_status_store_get_topics(st, argv[1], &n);
        for (size_t i = 0; i < n; i++) {
            printf("%s\n", t[i]);
            free(t[i]);
        }
        free(t);
    } else if (argc >= 2 && strcmp(argv[0], "delete") == 0) {
        cd_status_store_remove_connector(st, argv[1]);
        rc = cd_status_store_flush(st, 30000) < 0;
        printf(rc ? "flush failed\n" : "ok\n");
    } else if (strcmp(argv[0], "list") == 0) {
        size_t n = 0;
        char **c = cd_status_store_connectors(st, &n);
        for (size_t i = 0; i < n; i++) {
            printf("%s\n", c[i]);
            free(c[i]);
        }
        free(c);
    } else {
        rc = usage();
    }
    cd_status_store_destroy(st);
    return rc;
}

int main(int argc, char **argv)
{
    char err[2048];
    if (argc < 3)
        return usage();
    cd_properties_t *props = cd_properties_new();
    if (!props || cd_properties_load_file(props, argv[1], err, sizeof(err)) < 0) {
        fprintf(stderr, "error: %s\n", props ? err : "out of memory");
        cd_properties_destroy(props);
        return 1;
    }
    cd_worker_config_t *wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, props, err, sizeof(err));
    cd_properties_destroy(props);
    if (!wc) {
        fprintf(stderr, "error: %s\n", err);
        return 1;
    }
    int rc;
    if (strcmp(argv[2], "offsets") == 0)
        rc = offsets_cmd(wc, argc - 3, argv + 3);
    else if (strcmp(argv[2], "status") == 0)
        rc = status_cmd(wc, argc - 3, argv + 3);
    else
        rc = usage();
    cd_worker_config_destroy(wc);
    fflush(stdout);
    return rc;
}
