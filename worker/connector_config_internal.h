/**
 * @file connector_config_internal.h
 * @brief Validators shared by the framework key tables (connector_config_keys.c)
 *        and connector_config.c.
 */
#ifndef CONNECTD_CONNECTOR_CONFIG_INTERNAL_H
#define CONNECTD_CONNECTOR_CONFIG_INTERNAL_H

#include "worker/connector_config.h"

int cd_cc_name_validator(const char *name, const cd_config_value_t *value, char *errstr,
                         size_t errstr_size);
int cd_cc_alias_validator(const char *name, const cd_config_value_t *value, char *errstr,
                          size_t errstr_size);
int cd_cc_non_negative_or_null(const char *name, const cd_config_value_t *value, char *errstr,
                               size_t errstr_size);
int cd_cc_regex_validator(const char *name, const cd_config_value_t *value, char *errstr,
                          size_t errstr_size);

#define name_validator cd_cc_name_validator
#define alias_validator cd_cc_alias_validator
#define non_negative_or_null cd_cc_non_negative_or_null
#define regex_validator cd_cc_regex_validator

#endif
