/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation and display width, for JSON and terminal output. */
#pragma once

#include "macro.h"

/* Length (1-4) of the valid UTF-8 sequence at s, or 0 if it is not valid. */
size_t cs_utf8_valid_prefix(const char *s, size_t n);
bool cs_utf8_is_valid(const char *s, size_t n);
/* Number of code points (approximate terminal columns) in a valid string. */
size_t cs_utf8_width(const char *s);
