/*
 * smt_c_util.c: what DropHeaders, HeaderFrom, InsertHeader, Filter,
 * RegexRouter, TimestampRouter and the predicates share: Java regexes on top
 * of POSIX extended regexes (the pattern is wrapped as ^(...)$ so that
 * regexec is Matcher.matches(); \d \D are rewritten as bracket expressions),
 * Java's texts for the syntax errors users make most (unclosed group, dangling
 * metacharacter, unclosed character class), and config parsing helpers.
 */
#include "transforms/smt_c_util.h"

#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RX_MAX_PATTERN 4096

/* Java's PatternSyntaxException text for the mistakes POSIX reports vaguely. */
static int java_syntax_error(const char *p, char *errstr, size_t errstr_size)
{
    size_t n = strlen(p);
    int depth = 0;
    bool in_class = false;
    size_t class_start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '\\') {
            i++;
            continue;
        }
        if (in_class) {
            if (c == ']' && i > class_start + 1)
                in_class = false;
            continue;
        }
        if (c == '[') {
            in_class = true;
            class_start = i;
            if (i + 1 < n && p[i + 1] == '^')
                class_start++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (depth == 0) {
                if (i > 0) {
                    /* "Unmatched closing ')' near index N\n<p>\n<spaces>^" */
                    snprintf(errstr, errstr_size, "Unmatched closing ')' near index %zu\n%s\n%*s^",
                             i - 1, p, (int)(i - 1), "");
                } else {
                    snprintf(errstr, errstr_size, "Unmatched closing ')'\n%s", p);
                }
                return -1;
            }
            depth--;
        } else if ((c == '*' || c == '+' || c == '?') &&
                   (i == 0 || p[i - 1] == '(' || p[i - 1] == '|')) {
            snprintf(errstr, errstr_size, "Dangling meta character '%c' near index %zu\n%s\n%*s^",
                     c, i, p, (int)i, "");
            return -1;
        }
    }
    if (in_class) {
        snprintf(errstr, errstr_size, "Unclosed character class near index %zu\n%s\n%*s^", n - 1, p,
                 (int)(n - 1), "");
        return -1;
    }
    if (depth > 0) {
        snprintf(errstr, errstr_size, "Unclosed group near index %zu\n%s", n, p);
        return -1;
    }
    return 0;
}

/* Counts the capturing groups of a Java pattern ("(" not followed by "?"). */
static size_t count_groups(const char *p)
{
    size_t groups = 0;
    bool in_class = false;
    for (size_t i = 0; p[i]; i++) {
        if (p[i] == '\\') {
            if (p[i + 1])
                i++;
            continue;
        }
        if (in_class) {
            if (p[i] == ']')
                in_class = false;
        } else if (p[i] == '[') {
            in_class = true;
            if (p[i + 1] == ']' || (p[i + 1] == '^' && p[i + 2] == ']'))
                i += p[i + 1] == '^' ? 2 : 1;
        } else if (p[i] == '(' && p[i + 1] != '?') {
            groups++;
        }
    }
    return groups;
}

int cd_smtc_regex_compile(cd_smtc_regex_t *rx, const char *pattern, char *errstr,
                          size_t errstr_size)
{
    size_t n = strlen(pattern);
    char *buf = NULL;
    size_t o = 0;
    memset(rx, 0, sizeof(*rx));
    if (java_syntax_error(pattern, errstr, errstr_size))
        return -1;
    if (n > RX_MAX_PATTERN) {
        snprintf(errstr, errstr_size, "Pattern too long (%zu characters)", n);
        return -1;
    }
    buf = malloc(n * 6 + 8);
    if (!buf) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    buf[o++] = '^';
    buf[o++] = '(';
    bool in_class = false;
    for (size_t i = 0; i < n; i++) {
        char c = pattern[i];
        if (c == '\\' && i + 1 < n) {
            char e = pattern[i + 1];
            if (e == 'd' || e == 'D') {
                const char *rep = in_class ? "0-9" : (e == 'd' ? "[0-9]" : "[^0-9]");
                memcpy(buf + o, rep, strlen(rep));
                o += strlen(rep);
            } else if (in_class) {
                buf[o++] = e; /* POSIX brackets have no escapes */
            } else {
                buf[o++] = '\\';
                buf[o++] = e;
            }
            i++;
            continue;
        }
        if (in_class && c == ']')
            in_class = false;
        else if (!in_class && c == '[')
            in_class = true;
        buf[o++] = c;
    }
    buf[o++] = ')';
    buf[o++] = '$';
    buf[o] = '\0';
    int rc = regcomp(&rx->re, buf, REG_EXTENDED);
    free(buf);
    if (rc != 0) {
        char msg[256];
        regerror(rc, &rx->re, msg, sizeof(msg));
        snprintf(errstr, errstr_size, "%s\n%s", msg, pattern);
        return -1;
    }
    rx->groups = count_groups(pattern);
    return 0;
}

void cd_smtc_regex_free(cd_smtc_regex_t *rx)
{
    regfree(&rx->re);
}

bool cd_smtc_regex_matches(const cd_smtc_regex_t *rx, const char *text, regmatch_t *m, size_t nm)
{
    regmatch_t local[64];
    size_t want = rx->groups + 2;
    if (want > 64)
        want = 64;
    if (regexec(&rx->re, text, want, local, 0) != 0)
        return false;
    if (m) {
        /* local[1] is our wrapping group: Java's group i is local[i + 1]. */
        for (size_t i = 0; i < nm; i++) {
            if (i == 0)
                m[0] = local[0];
            else if (i + 1 < want)
                m[i] = local[i + 1];
            else
                m[i].rm_so = m[i].rm_eo = -1;
        }
    }
    return true;
}

int cd_smtc_regex_validator(const char *name, const cd_config_value_t *value, char *errstr,
                            size_t errstr_size)
{
    cd_smtc_regex_t rx;
    char msg[1024];
    if (value->is_null || !value->s)
        return 0;
    if (cd_smtc_regex_compile(&rx, value->s, msg, sizeof(msg))) {
        snprintf(errstr, errstr_size, "Invalid value %s for configuration %s: Invalid regex: %s",
                 value->s, name, msg);
        return -1;
    }
    cd_smtc_regex_free(&rx);
    return 0;
}

int cd_smtc_non_empty_list_validator(const char *name, const cd_config_value_t *value, char *errstr,
                                     size_t errstr_size)
{
    if (!value->is_null && value->list_count == 0) {
        snprintf(errstr, errstr_size, "Invalid value [] for configuration %s: Empty list", name);
        return -1;
    }
    return 0;
}

cd_config_t *cd_smtc_parse(const cd_config_key_t *keys, const cd_properties_t *props,
                           cd_config_def_t **defp, char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = cd_config_def_new();
    *defp = NULL;
    if (!def) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    cd_config_def_add_table(def, keys);
    cd_config_t *config = cd_config_parse(def, props, errstr, errstr_size);
    if (!config)
        cd_config_def_destroy(def);
    else
        *defp = def;
    return config;
}

void cd_smtc_parsed_free(cd_config_t *config, cd_config_def_t *def)
{
    cd_config_destroy(config);
    cd_config_def_destroy(def);
}

char **cd_smtc_strv_copy(const char *const *list, size_t n)
{
    char **v = calloc(n + 1, sizeof(*v));
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] = strdup(list[i]);
        if (!v[i]) {
            cd_smtc_strv_free(v);
            return NULL;
        }
    }
    return v;
}

void cd_smtc_strv_free(char **v)
{
    if (!v)
        return;
    for (size_t i = 0; v[i]; i++)
        free(v[i]);
    free(v);
}
