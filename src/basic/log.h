/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging. The library never prints: messages go to a handler that the
 * program installs (the CLI writes them to stderr). Without a handler,
 * messages are dropped.
 */
#pragma once

#include "macro.h"

enum cs_log_level {
	CS_LOG_ERROR = 0,
	CS_LOG_WARN,
	CS_LOG_INFO,
	CS_LOG_DEBUG,
};

typedef void (*cs_log_fn)(void *userdata, enum cs_log_level level, const char *msg);

void cs_log_set_handler(cs_log_fn fn, void *userdata);
void cs_log_set_level(enum cs_log_level max_level);
enum cs_log_level cs_log_get_level(void);
void cs_log(enum cs_log_level level, const char *fmt, ...) CS_PRINTF(2, 3);

#define cs_log_error(...) cs_log(CS_LOG_ERROR, __VA_ARGS__)
#define cs_log_warn(...)  cs_log(CS_LOG_WARN, __VA_ARGS__)
#define cs_log_info(...)  cs_log(CS_LOG_INFO, __VA_ARGS__)
#define cs_log_debug(...) cs_log(CS_LOG_DEBUG, __VA_ARGS__)
