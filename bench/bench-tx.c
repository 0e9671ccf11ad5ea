// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's sender, the same for every receive mode.
 *
 *   bench-tx -c ADDR -p PORT -n BYTES [-w WRITE]
 *   bench-tx -u -c ADDR -p PORT -n BYTES [-s SIZE] [-R MBIT]
 *
 * Connects to ADDR:PORT (retrying for 10 s while the receiver starts),
 * writes BYTES of the bench pattern in writes of WRITE bytes (default
 * 1 MiB) and closes. Prints one line, "tx_bytes=N tx_cpu=SECONDS": the
 * user + system CPU time the sender spent from connect() to close().
 *
 * With -u it sends BYTES in UDP datagrams of SIZE bytes (default 1472, the
 * last one shorter) instead, at MBIT megabits per second (default: as fast
 * as it can; UDP has no flow control, so a receiver slower than that
 * drops), and adds "tx_dgrams=N" to its line. The first 8 bytes of a
 * datagram are its number (from 0) instead of the pattern.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s -c ADDR -p PORT -n BYTES [-w WRITE]\n"
		"       %s -u -c ADDR -p PORT -n BYTES [-s SIZE] [-R MBIT]\n",
		prog, prog);
	exit(2);
}

static double cpu_secs(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the pattern's first 8 bytes at stream offset @off */
static const uint8_t *pattern_first8(unsigned long long off)
{
	static uint8_t b[8];

	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = bench_byte(off + i);
	return b;
}

/* -u: datagrams of @size bytes, paced to @mbit (0: no pacing) */
static int send_udp(const struct sockaddr_in *sa, uint8_t *buf,
		    unsigned long long total, unsigned long long size,
		    unsigned long long mbit)
{
	unsigned long long off = 0, dgrams = 0;
	double cpu0 = cpu_secs(), t0 = now_secs();
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)sa, sizeof(*sa))) {
		perror("bench-tx: UDP socket");
		return 1;
	}
	while (off < total) {
		size_t n = total - off < size ? total - off : size;
		ssize_t ret;

		if (mbit) {
			double ahead = t0 + off * 8 / (mbit * 1e6) - now_secs();

			if (ahead > 0)
				usleep((useconds_t)(ahead * 1e6));
		}
		/* the datagram's number first, for the receiver to tell losses */
		if (n >= sizeof(dgrams))
			memcpy(buf + off % BENCH_PERIOD, &dgrams, sizeof(dgrams));
		ret = send(fd, buf + off % BENCH_PERIOD, n, 0);
		if (n >= sizeof(dgrams))
			memcpy(buf + off % BENCH_PERIOD, pattern_first8(off), sizeof(dgrams));
		if (ret < 0) {
			/* not listening yet, or a full queue: again */
			if (errno == EINTR || errno == ECONNREFUSED ||
			    errno == ENOBUFS)
				continue;
			fprintf(stderr, "bench-tx: send at offset %llu: %s\n", off,
				strerror(errno));
			return 1;
		}
		off += ret;
		dgrams++;
	}
	close(fd);
	printf("tx_bytes=%llu tx_cpu=%.3f tx_dgrams=%llu\n", off,
	       cpu_secs() - cpu0, dgrams);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long long total = 0, off = 0, wsize = 1 << 20;
	unsigned long long dsize = 1472, mbit = 0;
	int udp = 0;
	const char *addr = NULL;
	double cpu0;
	uint8_t *buf;
	int port = 0, fd, opt;

	while ((opt = getopt(argc, argv, "c:p:n:w:us:R:")) != -1) {
		switch (opt) {
		case 'u': udp = 1; break;
		case 's': dsize = num(argv[0], optarg); break;
		case 'R': mbit = num(argv[0], optarg); break;
		case 'c': addr = optarg; break;
		case 'p': port = (int)num(argv[0], optarg); break;
		case 'n': total = num(argv[0], optarg); break;
		case 'w': wsize = num(argv[0], optarg); break;
		default: usage(argv[0]);
		}
	}
	if (!addr || port <= 0 || port > 65535 || !total || !wsize ||
	    !dsize || dsize > 65507 || optind != argc)
		usage(argv[0]);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "bench-tx: bad IPv4 address %s\n", addr);
		return 2;
	}
	sa.sin_port = htons(port);

	if (udp && wsize < dsize)
		wsize = dsize;
	/* one period more than a write: any write starts inside the first period */
	buf = malloc(wsize + BENCH_PERIOD);
	if (!buf) {
		perror("bench-tx: malloc");
		return 1;
	}
	for (unsigned long long i = 0; i < wsize + BENCH_PERIOD; i++)
		buf[i] = bench_byte(i);
	if (udp)
		return send_udp(&sa, buf, total, dsize, mbit);

	cpu0 = cpu_secs();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("bench-tx: socket");
		return 1;
	}
	for (int i = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)); i++) {
		if (i == 100 || (errno != ECONNREFUSED && errno != ENETUNREACH)) {
			fprintf(stderr, "bench-tx: connect to %s:%d: %s\n", addr, port,
				strerror(errno));
			return 1;
		}
		usleep(100000);
	}
	while (off < total) {
		size_t n = total - off < wsize ? total - off : wsize;
		ssize_t ret = send(fd, buf + off % BENCH_PERIOD, n, 0);

		if (ret < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "bench-tx: send at offset %llu: %s\n", off,
				strerror(errno));
			return 1;
		}
		off += ret;
	}
	if (close(fd)) {
		perror("bench-tx: close");
		return 1;
	}
	printf("tx_bytes=%llu tx_cpu=%.3f\n", off, cpu_secs() - cpu0);
	return 0;
}
