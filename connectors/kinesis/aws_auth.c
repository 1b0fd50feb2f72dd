/**
 * @file aws_auth.c
 * @brief AWS credential chain (connector keys, environment, shared credentials
 *        and config files), region normalization and endpoint resolution.
 *
 * The shared files are INI files read whole (at most 1 MiB); the parser is
 * tolerant: blank lines, `#` and `;` comments, whitespace around names, keys
 * and values, `[profile x]` sections (config file) and `[x]` sections
 * (credentials file; `[default]` in both). Unknown keys are ignored; a value
 * longer than 4 KiB is an error. Nothing secret is ever logged or put in an
 * error text.
 */
#include "connectors/kinesis/aws_auth.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define AWS_MAX_FILE ((size_t)1024 * 1024)
#define AWS_MAX_VALUE ((size_t)4096)

static void set_err(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (!errstr || errstr_size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
}

/* Appends to a bounded buffer (truncating). */
static void appendf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strnlen(buf, size);
    if (len + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

static void wipe_free(char *s)
{
    if (!s)
        return;
    volatile char *p = s;
    while (*p)
        *p++ = 0;
    free(s);
}

void cd_aws_credentials_clear(cd_aws_credentials_t *creds)
{
    if (!creds)
        return;
    free(creds->access_key_id);
    wipe_free(creds->secret_access_key);
    wipe_free(creds->session_token);
    memset(creds, 0, sizeof(*creds));
}

/* A non-empty environment value, or NULL. */
static const char *env_value(const char *name)
{
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

static bool is_set(const char *s)
{
    return s && *s;
}

/* Copies a value (trimmed); fails when too long or containing control characters. */
static char *dup_value(const char *value, const char *what, char *errstr, size_t errstr_size)
{
    size_t len = strlen(value);
    if (len > AWS_MAX_VALUE) {
        set_err(errstr, errstr_size, "%s is longer than %zu bytes", what, AWS_MAX_VALUE);
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c < 0x20 || c == 0x7f) {
            set_err(errstr, errstr_size, "%s contains a control character", what);
            return NULL;
        }
    }
    char *copy = strdup(value);
    if (!copy)
        set_err(errstr, errstr_size, "out of memory");
    return copy;
}

/* Reads a whole file (<= AWS_MAX_FILE). Returns NULL with *missing set when absent. */
static char *read_small_file(const char *path, bool *missing, char *errstr, size_t errstr_size)
{
    *missing = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR) {
            *missing = true;
            set_err(errstr, errstr_size, "not found");
        } else {
            set_err(errstr, errstr_size, "cannot open: %s", strerror(errno));
        }
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
        fclose(f);
        set_err(errstr, errstr_size, "not a regular file");
        return NULL;
    }
    char *buf = malloc(AWS_MAX_FILE + 1);
    if (!buf) {
        fclose(f);
        set_err(errstr, errstr_size, "out of memory");
        return NULL;
    }
    size_t n = fread(buf, 1, AWS_MAX_FILE + 1, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (err) {
        free(buf);
        set_err(errstr, errstr_size, "read error");
        return NULL;
    }
    if (n > AWS_MAX_FILE) {
        free(buf);
        set_err(errstr, errstr_size, "larger than %zu bytes", AWS_MAX_FILE);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
        s[--len] = '\0';
    return s;
}

typedef struct profile_keys_s {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;
    bool section_found;
} profile_keys_t;

static void profile_keys_clear(profile_keys_t *k)
{
    free(k->access_key_id);
    wipe_free(k->secret_access_key);
    wipe_free(k->session_token);
    memset(k, 0, sizeof(*k));
}

/* Does a section header's inner text name @p profile? In the config file the form is
 * "profile <name>" (or "default"); in the credentials file "<name>". */
static bool section_matches(const char *inner, const char *profile, bool config_file)
{
    if (!config_file)
        return strcmp(inner, profile) == 0;
    if (strcmp(profile, "default") == 0 && strcmp(inner, "default") == 0)
        return true;
    if (strncmp(inner, "profile", 7) != 0 || (inner[7] != ' ' && inner[7] != '\t'))
        return false;
    const char *name = inner + 7;
    while (*name == ' ' || *name == '\t')
        name++;
    return strcmp(name, profile) == 0;
}

/* Parses @p text (modified in place) and collects the keys of @p profile. The last
 * occurrence of a key wins; repeated sections are merged. */
static int parse_profile(char *text, const char *profile, bool config_file, profile_keys_t *out,
                         char *errstr, size_t errstr_size)
{
    bool in_section = false;
    char *line = text;
    unsigned lineno = 0;
    while (line && *line) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        char *s = trim(line);
        line = next;
        if (*s == '\0' || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end) {
                in_section = false;
                continue;
            }
            *end = '\0';
            char *inner = trim(s + 1);
            in_section = section_matches(inner, profile, config_file);
            if (in_section)
                out->section_found = true;
            continue;
        }
        if (!in_section)
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            continue;
        *eq = '\0';
        char *key = trim(s);
        char *value = trim(eq + 1);
        /* Inline comments after whitespace: "value ; comment" / "value # comment". */
        for (char *p = value; *p; p++) {
            if ((*p == '#' || *p == ';') && p > value && (p[-1] == ' ' || p[-1] == '\t')) {
                *p = '\0';
                value = trim(value);
                break;
            }
        }
        char **slot = NULL;
        if (strcmp(key, "aws_access_key_id") == 0)
            slot = &out->access_key_id;
        else if (strcmp(key, "aws_secret_access_key") == 0)
            slot = &out->secret_access_key;
        else if (strcmp(key, "aws_session_token") == 0)
            slot = &out->session_token;
        if (!slot)
            continue;
        char what[64];
        snprintf(what, sizeof(what), "%s (line %u)", key, lineno);
        char *copy = dup_value(value, what, errstr, errstr_size);
        if (!copy)
            return -1;
        if (slot == &out->access_key_id)
            free(*slot);
        else
            wipe_free(*slot);
        *slot = *copy ? copy : (free(copy), NULL);
    }
    return 0;
}

/* Tries one shared file. Returns 1 = found (out filled), 0 = not applicable (reason in
 * @p why), -1 = hard error (errstr). */
static int try_file(const char *path, const char *profile, bool config_file,
                    cd_aws_credentials_t *out, char *why, size_t why_size, char *errstr,
                    size_t errstr_size)
{
    bool missing = false;
    char reason[256] = "";
    char *text = read_small_file(path, &missing, reason, sizeof(reason));
    if (!text) {
        if (missing) {
            snprintf(why, why_size, "not found");
            return 0;
        }
        set_err(errstr, errstr_size, "Unable to read AWS %s file %s: %s",
                config_file ? "config" : "shared credentials", path, reason);
        return -1;
    }
    profile_keys_t keys = {0};
    char perr[256] = "";
    int rc = parse_profile(text, profile, config_file, &keys, perr, sizeof(perr));
    free(text);
    if (rc != 0) {
        set_err(errstr, errstr_size, "Invalid AWS %s file %s: %s",
                config_file ? "config" : "shared credentials", path, perr);
        profile_keys_clear(&keys);
        return -1;
    }
    if (!keys.section_found) {
        snprintf(why, why_size, "no profile %s", profile);
        profile_keys_clear(&keys);
        return 0;
    }
    if (!keys.access_key_id && !keys.secret_access_key) {
        snprintf(why, why_size, "profile %s has no aws_access_key_id", profile);
        profile_keys_clear(&keys);
        return 0;
    }
    if (!keys.access_key_id || !keys.secret_access_key) {
        set_err(errstr, errstr_size, "AWS %s file %s: profile %s has %s but no %s",
                config_file ? "config" : "shared credentials", path, profile,
                keys.access_key_id ? "aws_access_key_id" : "aws_secret_access_key",
                keys.access_key_id ? "aws_secret_access_key" : "aws_access_key_id");
        profile_keys_clear(&keys);
        return -1;
    }
    out->access_key_id = keys.access_key_id;
    out->secret_access_key = keys.secret_access_key;
    out->session_token = keys.session_token;
    snprintf(out->source, sizeof(out->source), "%s %.160s [%.64s]",
             config_file ? "shared config file" : "shared credentials file", path, profile);
    return 1;
}

static int fill_static(cd_aws_credentials_t *out, const char *akid, const char *secret,
                       const char *token, const char *source, char *errstr, size_t errstr_size)
{
    out->access_key_id = dup_value(akid, "access key id", errstr, errstr_size);
    if (!out->access_key_id)
        goto fail;
    out->secret_access_key = dup_value(secret, "secret access key", errstr, errstr_size);
    if (!out->secret_access_key)
        goto fail;
    if (is_set(token)) {
        out->session_token = dup_value(token, "session token", errstr, errstr_size);
        if (!out->session_token)
            goto fail;
    }
    snprintf(out->source, sizeof(out->source), "%s", source);
    return 0;
fail:
    cd_aws_credentials_clear(out);
    return -1;
}

/* Builds a default path $HOME/.aws/<name>; false when HOME is unset or too long. */
static bool default_path(char *buf, size_t size, const char *name)
{
    const char *home = env_value("HOME");
    if (!home)
        return false;
    int n = snprintf(buf, size, "%s/.aws/%s", home, name);
    return n > 0 && (size_t)n < size;
}

int cd_aws_credentials_resolve(const char *access_key_id, const char *secret_access_key,
                               cd_aws_credentials_t *out, char *errstr, size_t errstr_size)
{
    if (!out) {
        set_err(errstr, errstr_size, "no output");
        return -1;
    }
    memset(out, 0, sizeof(*out));
    char tried[1024] = "";

    /* 1. Connector configuration. */
    bool has_id = is_set(access_key_id), has_secret = is_set(secret_access_key);
    if (has_id != has_secret) {
        set_err(errstr, errstr_size, "%s is set but %s is not",
                has_id ? "aws.access.key.id" : "aws.secret.key.id",
                has_id ? "aws.secret.key.id" : "aws.access.key.id");
        return -1;
    }
    if (has_id)
        return fill_static(out, access_key_id, secret_access_key, NULL, "connector configuration",
                           errstr, errstr_size);
    appendf(tried, sizeof(tried), "connector configuration (aws.access.key.id not set)");

    /* 2. Environment. */
    const char *env_id = env_value("AWS_ACCESS_KEY_ID");
    const char *env_secret = env_value("AWS_SECRET_ACCESS_KEY");
    if (env_id && env_secret)
        return fill_static(out, env_id, env_secret, env_value("AWS_SESSION_TOKEN"), "environment",
                           errstr, errstr_size);
    if (env_id && !env_secret) {
        set_err(errstr, errstr_size, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
        return -1;
    }
    if (!env_id && env_secret) {
        set_err(errstr, errstr_size, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
        return -1;
    }
    appendf(tried, sizeof(tried), ", environment (AWS_ACCESS_KEY_ID not set)");

    const char *profile = env_value("AWS_PROFILE");
    if (!profile)
        profile = "default";
    if (strlen(profile) > 256) {
        set_err(errstr, errstr_size, "AWS_PROFILE is longer than 256 bytes");
        return -1;
    }

    /* 3. Shared credentials file, 4. shared config file. */
    static const struct {
        const char *env;
        const char *name;
        const char *label;
        bool config;
    } files[] = {
        {"AWS_SHARED_CREDENTIALS_FILE", "credentials", "shared credentials file", false},
        {"AWS_CONFIG_FILE", "config", "shared config file", true},
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[4096];
        const char *env_path = env_value(files[i].env);
        if (env_path) {
            if (strlen(env_path) >= sizeof(path)) {
                set_err(errstr, errstr_size, "%s is too long", files[i].env);
                return -1;
            }
            snprintf(path, sizeof(path), "%s", env_path);
        } else if (!default_path(path, sizeof(path), files[i].name)) {
            appendf(tried, sizeof(tried), ", %s (HOME not set)", files[i].label);
            continue;
        }
        char why[300] = "";
        int rc =
            try_file(path, profile, files[i].config, out, why, sizeof(why), errstr, errstr_size);
        if (rc != 0)
            return rc > 0 ? 0 : -1;
        appendf(tried, sizeof(tried), ", %s %s (%s)", files[i].label, path, why);
    }
    set_err(errstr, errstr_size,
            "Unable to load AWS credentials from any provider in the chain: %s", tried);
    return -1;
}

char *cd_aws_region_normalize(const char *region, char *errstr, size_t errstr_size)
{
    if (!region) {
        set_err(errstr, errstr_size, "Invalid AWS region: (null)");
        return NULL;
    }
    while (isspace((unsigned char)*region))
        region++;
    size_t len = strlen(region);
    while (len > 0 && isspace((unsigned char)region[len - 1]))
        len--;
    if (len == 0 || len > 64) {
        set_err(errstr, errstr_size, "Invalid AWS region: '%.*s'", (int)(len > 64 ? 64 : len),
                region);
        return NULL;
    }
    char *out = malloc(len + 1);
    if (!out) {
        set_err(errstr, errstr_size, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)region[i];
        if (c == '_')
            c = '-';
        c = (unsigned char)tolower(c);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            set_err(errstr, errstr_size, "Invalid AWS region: '%.*s'", (int)len, region);
            free(out);
            return NULL;
        }
        out[i] = (char)c;
    }
    out[len] = '\0';
    if (out[0] == '-' || out[len - 1] == '-') {
        set_err(errstr, errstr_size, "Invalid AWS region: '%.*s'", (int)len, region);
        free(out);
        return NULL;
    }
    return out;
}

/* Validates an http(s) URL and returns a copy without trailing '/'. */
static char *checked_url(const char *url, const char *source, char *errstr, size_t errstr_size)
{
    size_t len = strlen(url);
    while (len > 0 && isspace((unsigned char)url[len - 1]))
        len--;
    while (len > 0 && isspace((unsigned char)*url)) {
        url++;
        len--;
    }
    size_t scheme = 0;
    if (len >= 7 && strncasecmp(url, "http://", 7) == 0)
        scheme = 7;
    else if (len >= 8 && strncasecmp(url, "https://", 8) == 0)
        scheme = 8;
    if (scheme == 0 || len == scheme || url[scheme] == '/' || len > AWS_MAX_VALUE) {
        set_err(errstr, errstr_size,
                "Invalid endpoint URL from %s: '%.*s' (expected http:// or "
                "https:// followed by a host)",
                source, (int)(len > 200 ? 200 : len), url);
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c == 0x7f) {
            set_err(errstr, errstr_size,
                    "Invalid endpoint URL from %s: contains whitespace or "
                    "control characters",
                    source);
            return NULL;
        }
    }
    while (len > scheme && url[len - 1] == '/')
        len--;
    char *out = strndup(url, len);
    if (!out)
        set_err(errstr, errstr_size, "out of memory");
    return out;
}

char *cd_aws_endpoint_resolve(const char *explicit_url, const char *service, const char *region,
                              char *errstr, size_t errstr_size)
{
    if (!service || !*service || strlen(service) > 64) {
        set_err(errstr, errstr_size, "Invalid AWS service name");
        return NULL;
    }
    if (is_set(explicit_url))
        return checked_url(explicit_url, "the connector configuration", errstr, errstr_size);
    const char *ignore = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    bool ignored = ignore && strcasecmp(ignore, "true") == 0;
    if (!ignored) {
        char name[128] = "AWS_ENDPOINT_URL_";
        size_t n = strlen(name);
        for (const char *p = service; *p && n + 1 < sizeof(name); p++) {
            unsigned char c = (unsigned char)*p;
            name[n++] = (c == '-' || c == ' ') ? '_' : (char)toupper(c);
        }
        name[n] = '\0';
        const char *v = env_value(name);
        if (v)
            return checked_url(v, name, errstr, errstr_size);
        v = env_value("AWS_ENDPOINT_URL");
        if (v)
            return checked_url(v, "AWS_ENDPOINT_URL", errstr, errstr_size);
    }
    char norm_err[128];
    char *r = cd_aws_region_normalize(region, norm_err, sizeof(norm_err));
    if (!r) {
        set_err(errstr, errstr_size, "%s", norm_err);
        return NULL;
    }
    char buf[256];
    snprintf(buf, sizeof(buf), "https://%s.%s.amazonaws.com%s", service, r,
             strncmp(r, "cn-", 3) == 0 ? ".cn" : "");
    free(r);
    char *out = strdup(buf);
    if (!out)
        set_err(errstr, errstr_size, "out of memory");
    return out;
}
