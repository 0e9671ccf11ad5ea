/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What bench-tx sends and bench-rx expects: the project's test pattern
 * (tests/lib/pattern.h) repeated every BENCH_PERIOD bytes, so the sender
 * writes one prepared buffer over and over and spends its CPU on sending.
 */
#ifndef IOUZC_BENCH_H
#define IOUZC_BENCH_H

#include <stdint.h>

#include "../tests/lib/pattern.h"

#define BENCH_PERIOD	(1U << 20)

static inline uint8_t bench_byte(uint64_t off)
{
	return pattern_byte(off % BENCH_PERIOD);
}

#endif
