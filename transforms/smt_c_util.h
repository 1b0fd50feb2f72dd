/**
 * @file smt_c_util.h
 * @brief Helpers of the header/routing transformations and the predicates:
 *        java.util.regex patterns approximated with POSIX extended regexes
 *        (Matcher.matches(), $n group references, PatternSyntaxException texts
 *        for the common mistakes), the RegexValidator / NonEmptyListValidator
 *        config checks, and SimpleConfig parsing of a plugin's keys.
 */
#ifndef CONNECTD_TRANSFORMS_SMT_C_UTIL_H
#define CONNECTD_TRANSFORMS_SMT_C_UTIL_H

#include <connectd/config_def.h>

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/** A compiled Java-style pattern, matched against the whole input. */
typedef struct cd_smtc_regex_s {
    regex_t re;
    size_t groups; /**< capturing groups of the Java pattern */
} cd_smtc_regex_t;

/** Pattern.compile(@p pattern). @returns 0, or -1 with the PatternSyntaxException message. */
int cd_smtc_regex_compile(cd_smtc_regex_t *rx, const char *pattern, char *errstr,
                          size_t errstr_size);
void cd_smtc_regex_free(cd_smtc_regex_t *rx);
/** Matcher.matches(): @returns true if @p text matches whole; fills @p m (groups + 1 entries:
 *  m[0] the whole match, m[i] group i) when non-NULL. */
bool cd_smtc_regex_matches(const cd_smtc_regex_t *rx, const char *text, regmatch_t *m, size_t nm);

/** RegexValidator: "Invalid value <v> for configuration <name>: Invalid regex: <msg>". */
int cd_smtc_regex_validator(const char *name, const cd_config_value_t *value, char *errstr,
                            size_t errstr_size);
/** NonEmptyListValidator: "Invalid value [] for configuration <name>: Empty list". */
int cd_smtc_non_empty_list_validator(const char *name, const cd_config_value_t *value, char *errstr,
                                     size_t errstr_size);

/** new SimpleConfig(keys, props). @returns NULL with the ConfigException message; else
 *  the config, whose definition *defp must outlive it (free both with cd_smtc_parsed_free). */
cd_config_t *cd_smtc_parse(const cd_config_key_t *keys, const cd_properties_t *props,
                           cd_config_def_t **defp, char *errstr, size_t errstr_size);
void cd_smtc_parsed_free(cd_config_t *config, cd_config_def_t *def);

/** Copies list @p list (@p n strings) into a NULL-ended heap array. NULL on OOM. */
char **cd_smtc_strv_copy(const char *const *list, size_t n);
void cd_smtc_strv_free(char **v);

#endif
