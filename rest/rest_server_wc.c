/* rest_server_wc.c: cd_rest_server_start from a worker configuration
 * (RestServer.initializeServer): the `listeners` and `admin.listeners`
 * lists, the https keystore settings (listeners.https.ssl.* first, then
 * ssl.*) and topic tracking flags. PEM keystores only: a key and certificate
 * chain in one file (ssl.keystore.type=PEM + ssl.keystore.location) or inline
 * (ssl.keystore.key + ssl.keystore.certificate.chain). Kept apart from
 * rest_server.c so the server can be linked without the worker config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/properties.h"
#include "rest_internal.h"

static const char *ssl_get(const cd_properties_t *p, const char *key)
{
    char full[128];
    const char *v;

    snprintf(full, sizeof(full), "listeners.https.%s", key);
    v = cd_properties_get(p, full);
    return v ? v : cd_properties_get(p, key);
}

static bool prop_bool(const cd_properties_t *p, const char *key, bool dflt)
{
    const char *v = cd_properties_get(p, key);

    return v ? strcasecmp(v, "true") == 0 : dflt;
}

static char *read_file(const char *path, char *errstr, size_t errstr_size)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long len;

    if (!f) {
        snprintf(errstr, errstr_size, "Cannot read ssl.keystore.location %s", path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || len > 1024 * 1024 ||
        fseek(f, 0, SEEK_SET) != 0)
        goto fail;
    buf = malloc((size_t)len + 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
        goto fail;
    buf[len] = '\0';
    fclose(f);
    return buf;
fail:
    free(buf);
    fclose(f);
    snprintf(errstr, errstr_size, "Cannot read ssl.keystore.location %s", path);
    return NULL;
}

cd_rest_server_t *cd_rest_server_start(cd_worker_config_t *wc, char *errstr, size_t errstr_size)
{
    const cd_properties_t *props = cd_config_originals(cd_worker_config_values(wc));
    size_t nmain = 0, nadmin = 0;
    bool admin_set = false;
    const cd_listener_t *mains = cd_worker_config_listeners(wc, &nmain);
    const cd_listener_t *admins = cd_worker_config_admin_listeners(wc, &nadmin, &admin_set);
    cd_rest_listener_spec_t *specs = calloc(nmain + nadmin + 1, sizeof(*specs));
    cd_rest_server_opts_t opts = {0};
    char *file_pem = NULL;
    bool any_https = false;
    cd_rest_server_t *s = NULL;
    size_t k = 0;

    if (!specs) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    for (size_t i = 0; i < nmain; i++) {
        specs[k++] = (cd_rest_listener_spec_t){.https = mains[i].https,
                                               .host = mains[i].host,
                                               .port = mains[i].port,
                                               .regular = true,
                                               .admin = !admin_set};
        any_https |= mains[i].https;
    }
    for (size_t i = 0; i < nadmin; i++) {
        specs[k++] = (cd_rest_listener_spec_t){.https = admins[i].https,
                                               .host = admins[i].host,
                                               .port = admins[i].port,
                                               .regular = false,
                                               .admin = true};
        any_https |= admins[i].https;
    }
    opts.listeners = specs;
    opts.wc = wc;
    opts.nlisteners = k;
    opts.topic_tracking_enable = prop_bool(props, "topic.tracking.enable", true);
    opts.topic_tracking_allow_reset = prop_bool(props, "topic.tracking.allow.reset", true);
    if (any_https) {
        const char *type = ssl_get(props, "ssl.keystore.type");
        const char *loc = ssl_get(props, "ssl.keystore.location");
        const char *chain = ssl_get(props, "ssl.keystore.certificate.chain");
        const char *key = ssl_get(props, "ssl.keystore.key");
        if (type && strcasecmp(type, "PEM") != 0) {
            snprintf(errstr, errstr_size,
                     "ssl.keystore.type %s is not supported for https listeners; use PEM "
                     "(ssl.keystore.location or ssl.keystore.key/ssl.keystore.certificate.chain)",
                     type);
            goto done;
        }
        if (chain && key) {
            opts.tls_cert_pem = chain;
            opts.tls_key_pem = key;
        } else if (loc) {
            if (!type) {
                snprintf(errstr, errstr_size,
                         "ssl.keystore.type JKS is not supported for https listeners; set "
                         "ssl.keystore.type=PEM");
                goto done;
            }
            file_pem = read_file(loc, errstr, errstr_size);
            if (!file_pem)
                goto done;
            opts.tls_cert_pem = file_pem; /* GnuTLS takes the key and the chain from the file */
            opts.tls_key_pem = file_pem;
        }
        opts.tls_key_password = ssl_get(props, "ssl.key.password");
    }
    s = cd_rest_server_start_opts(&opts, errstr, errstr_size);
    if (s && nmain > 0)
        cd_worker_config_set_bound_port(wc, cd_rest_server_port(s));
done:
    free(specs);
    free(file_pem);
    return s;
}
