// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP stream between two namespaces, received with io_uring.
 *
 *   tcp-stream -l PORT                    receive one connection with
 *                                         IORING_OP_RECV, check every byte
 *   tcp-stream -c ADDR -p PORT -n BYTES   send BYTES of the test pattern
 *
 * The receiver prints what it received and exits non-zero on a short or
 * corrupt stream.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/pattern.h"
#include "../lib/uring.h"

#define CHUNK (64 * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_send(const char *addr, int port, unsigned long long total)
{
	static uint8_t buf[CHUNK];
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	unsigned long long off = 0;
	char mapped[64];
	int fd;

	if (!strchr(addr, ':')) {
		snprintf(mapped, sizeof(mapped), "::ffff:%s", addr);
		addr = mapped;
	}
	if (inet_pton(AF_INET6, addr, &sa.sin6_addr) != 1) {
		fprintf(stderr, "bad address %s\n", addr);
		return 1;
	}
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	for (int i = 0; connect(fd, (struct sockaddr *)&sa, sizeof(sa)); i++) {
		if (i == 100) {
			perror("connect");
			return 1;
		}
		usleep(100000);
	}
	while (off < total) {
		size_t n = total - off < CHUNK ? total - off : CHUNK;
		ssize_t ret;

		pattern_fill(buf, n, off);
		ret = send(fd, buf, n, 0);
		if (ret < 0) {
			perror("send");
			return 1;
		}
		/* A short send leaves the rest of the chunk for next time. */
		off += ret;
	}
	close(fd);
	return 0;
}

static int do_recv(int port, unsigned long long expect)
{
	static uint8_t buf[CHUNK];
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	unsigned long long off = 0;
	struct ring ring;
	int lfd, fd, one = 1, ret;
	double t0, t;

	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)) {
		perror("bind/listen");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		perror("accept");
		return 1;
	}
	ret = ring_init(&ring, 8, 0);
	if (ret) {
		fprintf(stderr, "io_uring_setup: %s\n", strerror(-ret));
		return 1;
	}
	t0 = now();
	for (;;) {
		struct io_uring_sqe *sqe = ring_get_sqe(&ring);
		struct io_uring_cqe *cqe;
		long bad;
		int res;

		sqe->opcode = IORING_OP_RECV;
		sqe->fd = fd;
		sqe->addr = (unsigned long)buf;
		sqe->len = sizeof(buf);
		ret = ring_submit_wait(&ring, 1);
		if (ret < 0) {
			fprintf(stderr, "io_uring_enter: %s\n", strerror(-ret));
			return 1;
		}
		cqe = ring_peek_cqe(&ring);
		if (!cqe) {
			fprintf(stderr, "no completion\n");
			return 1;
		}
		res = cqe->res;
		ring_cqe_seen(&ring);
		if (res < 0) {
			fprintf(stderr, "recv: %s\n", strerror(-res));
			return 1;
		}
		if (res == 0)
			break;
		bad = pattern_check(buf, res, off);
		if (bad >= 0) {
			fprintf(stderr, "corrupt byte at stream offset %llu\n", off + bad);
			return 1;
		}
		off += res;
	}
	t = now() - t0;
	printf("io_uring recv: %llu bytes in %.3f s, %.2f Gb/s, every byte checked\n",
	       off, t, off * 8 / t / 1e9);
	ring_exit(&ring);
	close(fd);
	close(lfd);
	if (expect && off != expect) {
		fprintf(stderr, "expected %llu bytes, got %llu\n", expect, off);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long bytes = 0;
	const char *addr = NULL;
	int port = 0, listen_port = 0, opt;

	while ((opt = getopt(argc, argv, "l:c:p:n:")) != -1) {
		switch (opt) {
		case 'l': listen_port = atoi(optarg); break;
		case 'c': addr = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': bytes = strtoull(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: %s -l PORT [-n BYTES] | -c ADDR -p PORT -n BYTES\n",
				argv[0]);
			return 2;
		}
	}
	if (listen_port)
		return do_recv(listen_port, bytes);
	if (addr && port && bytes)
		return do_send(addr, port, bytes);
	fprintf(stderr, "usage: %s -l PORT [-n BYTES] | -c ADDR -p PORT -n BYTES\n", argv[0]);
	return 2;
}
