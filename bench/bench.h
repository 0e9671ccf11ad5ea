/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What bench-tx sends and bench-rx expects: the project's test pattern
 * (tests/lib/pattern.h) repeated every BENCH_PERIOD bytes, so the sender
 * writes one prepared buffer over and over and spends its CPU on sending.
 */
#ifndef IOUZC_BENCH_H
#define IOUZC_BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../tests/lib/pattern.h"

#define BENCH_PERIOD	(1U << 20)

static inline uint8_t bench_byte(uint64_t off)
{
	return pattern_byte(off % BENCH_PERIOD);
}

/* each program prints its own usage and exits */
static void usage(const char *prog);

/* A non-negative number (decimal, 0x hex or 0 octal), or usage() */
static inline unsigned long long num(const char *prog, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, "%s: bad number '%s'\n", prog, s);
		usage(prog);
	}
	return v;
}

#endif
