// SPDX-License-Identifier: GPL-2.0
/*
 * A zero-copy receive program written only against the ABI as mainline
 * defines it (docs/uapi-notes.md): Debian's own <linux/io_uring.h>
 * for the ring, raw syscalls, and the zcrx layouts and numbers spelled out
 * below. It registers an ifq in copy mode (ZCRX_REG_NODEV) with a
 * kernel-allocated refill queue, receives a TCP stream over loopback with
 * multishot IORING_OP_RECV_ZC, checks every byte and returns every buffer.
 * The area is small, so each buffer is used many times.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/pattern.h"
#include "../lib/uring.h"

/* The mainline zcrx ABI, from its documented layouts and numbers only. */
#define OP_RECV_ZC		58
#define REGISTER_ZCRX_IFQ	32
#define ZCRX_AREA_SHIFT		48
#define ZCRX_AREA_MASK		(~((1ULL << ZCRX_AREA_SHIFT) - 1))
#define REG_NODEV		2

struct region_desc { uint64_t user_addr, size; uint32_t flags, id;
		     uint64_t mmap_offset, resv[4]; };
struct zcrx_area_reg { uint64_t addr, len, rq_area_token; uint32_t flags,
		       dmabuf_fd; uint64_t resv2[2]; };
struct zcrx_offsets { uint32_t head, tail, rqes, resv2; uint64_t resv[2]; };
struct zcrx_ifq_reg { uint32_t if_idx, if_rxq, rq_entries, flags;
		      uint64_t area_ptr, region_ptr; struct zcrx_offsets offsets;
		      uint32_t zcrx_id, rx_buf_len; uint64_t resv[3]; };
struct zcrx_rqe { uint64_t off; uint32_t len, pad; };
struct zcrx_cqe { uint64_t off, pad; };

_Static_assert(sizeof(struct region_desc) == 64, "region_desc");
_Static_assert(sizeof(struct zcrx_area_reg) == 48, "area_reg");
_Static_assert(sizeof(struct zcrx_ifq_reg) == 96, "ifq_reg");
_Static_assert(sizeof(struct zcrx_rqe) == 16, "rqe");

#define AREA_PAGES	16
#define RQ_ENTRIES	64
#define TOTAL		(64ULL << 20)
#define PORT		9123

static int sender(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static uint8_t buf[65536];
	uint64_t off = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 1;
	while (off < TOTAL) {
		size_t n = TOTAL - off < sizeof(buf) ? TOTAL - off : sizeof(buf);
		ssize_t w;

		pattern_fill(buf, n, off);
		w = send(fd, buf, n, 0);
		if (w <= 0)
			return 1;
		off += w;
	}
	close(fd);
	return 0;
}

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	long pg = sysconf(_SC_PAGESIZE);
	struct zcrx_area_reg area = {};
	struct region_desc rd = {};
	struct zcrx_ifq_reg reg = {};
	uint32_t *khead, *ktail, rq_tail;
	uint64_t got = 0, cqes = 0, rearms = 0;
	bool eof = false;
	struct zcrx_rqe *rqes;
	struct ring ring;
	int lfd, fd, one = 1, ret, status;
	uint8_t *mem;
	void *rq;
	pid_t pid;

	ret = ring_init(&ring, 64, IORING_SETUP_SINGLE_ISSUER |
			IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQE32);
	if (ret) {
		fprintf(stderr, "io_uring_setup: %s\n", strerror(-ret));
		return 1;
	}
	mem = mmap(NULL, AREA_PAGES * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	area.addr = (uintptr_t)mem;
	area.len = AREA_PAGES * pg;
	rd.size = (RQ_ENTRIES * sizeof(struct zcrx_rqe) + pg + pg - 1) & ~(pg - 1);
	reg.flags = REG_NODEV;
	reg.rq_entries = RQ_ENTRIES;
	reg.area_ptr = (uintptr_t)&area;
	reg.region_ptr = (uintptr_t)&rd;
	if (sys_io_uring_register(ring.fd, REGISTER_ZCRX_IFQ, &reg, 1)) {
		perror("IORING_REGISTER_ZCRX_IFQ");
		return errno == EINVAL ? 4 : 1;
	}
	rq = mmap(NULL, rd.size, PROT_READ | PROT_WRITE, MAP_SHARED, ring.fd,
		  rd.mmap_offset);
	if (rq == MAP_FAILED) {
		perror("mmap refill queue");
		return 1;
	}
	khead = (uint32_t *)((char *)rq + reg.offsets.head);
	ktail = (uint32_t *)((char *)rq + reg.offsets.tail);
	rqes = (struct zcrx_rqe *)((char *)rq + reg.offsets.rqes);
	rq_tail = *ktail;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1)) {
		perror("bind/listen");
		return 1;
	}
	pid = fork();
	if (!pid)
		_exit(sender());
	fd = accept(lfd, NULL, NULL);

	for (;;) {
		struct io_uring_sqe *sqe = ring_get_sqe(&ring);
		struct io_uring_cqe *cqe;
		bool more = true;

		sqe->opcode = OP_RECV_ZC;
		sqe->fd = fd;
		sqe->ioprio = IORING_RECV_MULTISHOT;
		sqe->file_index = reg.zcrx_id;	/* zcrx_ifq_idx: same offset */
		while (more) {
			ret = ring_submit_wait(&ring, 1);
			if (ret < 0 && ret != -EINTR) {
				fprintf(stderr, "io_uring_enter: %s\n", strerror(-ret));
				return 1;
			}
			while ((cqe = ring_peek_cqe(&ring))) {
				struct zcrx_cqe *zc = (struct zcrx_cqe *)(cqe + 1);
				uint64_t off = zc->off & ~ZCRX_AREA_MASK;
				int res = cqe->res;

				more = cqe->flags & IORING_CQE_F_MORE;
				ring_cqe_seen(&ring);
				/*
				 * Mainline's endings when the area or the CQ
				 * ring ran out: what we returned lets a
				 * re-armed request go on.
				 */
				if ((res == -ENOMEM || res == -ENOSPC) && !more) {
					rearms++;
					continue;
				}
				if (res < 0) {
					fprintf(stderr, "RECV_ZC: %s\n", strerror(-res));
					return 1;
				}
				if (!res) {
					eof = !more;
					continue;
				}
				cqes++;
				if ((zc->off & ZCRX_AREA_MASK) != area.rq_area_token ||
				    off + res > area.len ||
				    pattern_check(mem + off, res, got) >= 0) {
					fprintf(stderr, "bad data at stream offset %llu\n",
						(unsigned long long)got);
					return 1;
				}
				got += res;
				rqes[rq_tail & (reg.rq_entries - 1)] = (struct zcrx_rqe) {
					.off = off | area.rq_area_token, .len = res };
				rq_tail++;
				__atomic_store_n(ktail, rq_tail, __ATOMIC_RELEASE);
			}
		}
		/* ended without F_MORE: end of stream, or re-arm */
		if (eof)
			break;
	}
	waitpid(pid, &status, 0);
	printf("uapi-only RECV_ZC: %llu bytes in %llu completions through a %ld KiB area "
	       "(each buffer used ~%llu times, %llu re-arms), head %u\n",
	       (unsigned long long)got, (unsigned long long)cqes, AREA_PAGES * pg / 1024,
	       (unsigned long long)(got / (AREA_PAGES * pg)),
	       (unsigned long long)rearms,
	       __atomic_load_n(khead, __ATOMIC_ACQUIRE));
	return got == TOTAL && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}
