/**
 * @file rest_server.h
 * @brief The Connect REST API on libmicrohttpd (ConnectRestServer): the
 *        listeners of `listeners` (http/https with listeners.https.ssl.*),
 *        `/admin` on `admin.listeners` when set, bounded request bodies, and the
 *        resources (root, connectors, connector-plugins, admin/loggers) that
 *        call the herder.
 */
#ifndef CONNECTD_REST_SERVER_H
#define CONNECTD_REST_SERVER_H

#include "../worker/herder.h"
#include "../worker/worker_config.h"

typedef struct cd_rest_server_s cd_rest_server_t;

/**
 * @brief Binds every listener and starts serving on libmicrohttpd's threads.
 * Requests are answered 503/"starting" on /health and through the herder
 * otherwise; @p herder may be set later with cd_rest_server_set_herder (until
 * then herder-backed endpoints answer 503).
 * @returns NULL with errstr (e.g. the port in use) on failure.
 */
cd_rest_server_t *cd_rest_server_start(cd_worker_config_t *wc, char *errstr, size_t errstr_size);
/** @brief Attaches the herder once it is ready to take requests. */
void cd_rest_server_set_herder(cd_rest_server_t *server, cd_herder_t *herder);
/** @returns the bound port of the first main listener. */
int cd_rest_server_port(const cd_rest_server_t *server);
/** @brief Stops listening and frees (waits for requests in flight). */
void cd_rest_server_stop(cd_rest_server_t *server);

#endif
