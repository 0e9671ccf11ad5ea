/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The byte at offset i of every test stream. Not periodic in any small
 * power of two, so a misplaced, repeated or dropped page is caught.
 */
#ifndef IOUZC_TEST_PATTERN_H
#define IOUZC_TEST_PATTERN_H

#include <stddef.h>
#include <stdint.h>

static inline uint8_t pattern_byte(uint64_t i)
{
	return (uint8_t)(i + (i >> 12) * 31 + (i >> 20) * 7);
}

static inline void pattern_fill(uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t k = 0; k < len; k++)
		buf[k] = pattern_byte(off + k);
}

/* Index of the first bad byte, or -1 when buf holds the stream at off. */
static inline long pattern_check(const uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t k = 0; k < len; k++)
		if (buf[k] != pattern_byte(off + k))
			return (long)k;
	return -1;
}

#endif
