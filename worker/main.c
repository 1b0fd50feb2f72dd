/* main.c: the connectd command line (distributed | standalone), mirroring
 * connect-distributed.sh and connect-standalone.sh. */
#include <connectd/version.h>

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "connectd %s — a Kafka Connect compatible worker (Apache Kafka Connect %s)\n"
            "\n"
            "Usage:\n"
            "  connectd distributed WORKER.properties\n"
            "  connectd standalone WORKER.properties CONNECTOR.properties|CONNECTOR.json...\n"
            "  connectd --version\n"
            "  connectd --help\n",
            CONNECTD_VERSION, CONNECTD_KAFKA_COMPAT_VERSION);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
        printf("connectd %s (Kafka Connect %s compatible)\n", CONNECTD_VERSION,
               CONNECTD_KAFKA_COMPAT_VERSION);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "distributed") == 0 || strcmp(argv[1], "standalone") == 0)) {
        fprintf(stderr, "connectd: %s mode is not implemented yet\n", argv[1]);
        return 2;
    }
    usage(stderr);
    return 2;
}
