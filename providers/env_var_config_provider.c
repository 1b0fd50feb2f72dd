/*
 * env_var_config_provider.c:
 * org.apache.kafka.common.config.provider.EnvVarConfigProvider.
 * `${env:DB_PASSWORD}` is the worker process's environment variable, taken
 * once when the provider is configured (Java reads System.getenv() when the
 * provider is built). `allowlist.pattern` (default ".*") must match a whole
 * variable name for it to be visible; it is compiled as a POSIX extended
 * regular expression, which agrees with java.util.regex on the usual
 * patterns (alternations, classes, repetitions). A path is an error.
 */
#include "providers/config_providers.h"

#include "util/log.h"
#include "util/properties.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGGER "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
#define MAX_PATTERN_LEN 4096

extern char **environ;

typedef struct {
    cd_properties_t *vars; /* the allowed variables */
} env_provider_t;

static void env_close(void *state)
{
    env_provider_t *ep = state;
    if (!ep)
        return;
    cd_properties_destroy(ep->vars);
    free(ep);
}

static void *env_configure(const cd_properties_t *params, char *errstr, size_t errstr_size)
{
    const char *pattern = params ? cd_properties_get(params, "allowlist.pattern") : NULL;
    env_provider_t *ep = calloc(1, sizeof(*ep));
    regex_t re;
    bool compiled = false;
    if (!ep || !(ep->vars = cd_properties_new())) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    if (!pattern) {
        cd_log_info(LOGGER,
                    "No pattern for environment variables provided. Using default pattern '(.*)'.");
        pattern = ".*";
    }
    if (strlen(pattern) > MAX_PATTERN_LEN) {
        snprintf(errstr, errstr_size, "The allowlist.pattern is longer than %d characters",
                 MAX_PATTERN_LEN);
        goto fail;
    }
    char anchored[MAX_PATTERN_LEN + 8];
    snprintf(anchored, sizeof(anchored), "^(%s)$", pattern);
    int rc = regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char why[256];
        regerror(rc, &re, why, sizeof(why));
        snprintf(errstr, errstr_size, "Invalid allowlist.pattern %s: %s", pattern, why);
        goto fail;
    }
    compiled = true;
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq || eq == *e)
            continue;
        size_t kl = (size_t)(eq - *e);
        char *name = strndup(*e, kl);
        if (!name) {
            snprintf(errstr, errstr_size, "Out of memory");
            goto fail;
        }
        if (regexec(&re, name, 0, NULL, 0) == 0 && cd_properties_set(ep->vars, name, eq + 1) != 0) {
            free(name);
            snprintf(errstr, errstr_size, "Out of memory");
            goto fail;
        }
        free(name);
    }
    regfree(&re);
    return ep;
fail:
    if (compiled)
        regfree(&re);
    env_close(ep);
    return NULL;
}

static int env_get(void *state, const char *path, const char *const *keys, size_t nkeys,
                   cd_properties_t *out, char *errstr, size_t errstr_size)
{
    env_provider_t *ep = state;
    if (path && path[0]) {
        cd_log_error(LOGGER, "Path is not supported for EnvVarConfigProvider, invalid value '%s'",
                     path);
        snprintf(errstr, errstr_size,
                 "Path is not supported for EnvVarConfigProvider, invalid value '%s'", path);
        return -1;
    }
    for (size_t i = 0; i < nkeys; i++) {
        const char *v = cd_properties_get(ep->vars, keys[i]);
        if (v && cd_properties_set(out, keys[i], v) != 0) {
            snprintf(errstr, errstr_size, "Out of memory");
            return -1;
        }
    }
    return 0;
}

const cd_config_provider_plugin_t cd_env_var_config_provider = {
    .class_name = CD_ENV_VAR_CONFIG_PROVIDER,
    .alias = "EnvVarConfigProvider",
    .configure = env_configure,
    .get = env_get,
    .close = env_close,
};
