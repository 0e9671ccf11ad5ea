// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's sender, the same for every receive mode.
 *
 *   bench-tx -c ADDR -p PORT -n BYTES [-w WRITE]
 *
 * Connects to ADDR:PORT (retrying for 10 s while the receiver starts),
 * writes BYTES of the bench pattern in writes of WRITE bytes (default
 * 1 MiB) and closes. Prints one line, "tx_bytes=N tx_cpu=SECONDS": the
 * user + system CPU time the sender spent from connect() to close().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s -c ADDR -p PORT -n BYTES [-w WRITE]\n", prog);
	exit(2);
}

static double cpu_secs(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long long total = 0, off = 0, wsize = 1 << 20;
	const char *addr = NULL;
	double cpu0;
	uint8_t *buf;
	int port = 0, fd, opt;

	while ((opt = getopt(argc, argv, "c:p:n:w:")) != -1) {
		switch (opt) {
		case 'c': addr = optarg; break;
		case 'p': port = (int)num(argv[0], optarg); break;
		case 'n': total = num(argv[0], optarg); break;
		case 'w': wsize = num(argv[0], optarg); break;
		default: usage(argv[0]);
		}
	}
	if (!addr || port <= 0 || port > 65535 || !total || !wsize || optind != argc)
		usage(argv[0]);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "bench-tx: bad IPv4 address %s\n", addr);
		return 2;
	}
	sa.sin_port = htons(port);

	/* one period more than a write: any write starts inside the first period */
	buf = malloc(wsize + BENCH_PERIOD);
	if (!buf) {
		perror("bench-tx: malloc");
		return 1;
	}
	for (unsigned long long i = 0; i < wsize + BENCH_PERIOD; i++)
		buf[i] = bench_byte(i);

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
