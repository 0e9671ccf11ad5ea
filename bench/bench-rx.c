// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's receiver: accept FLOWS TCP connections (-P, default 1)
 * and receive them to the end with one of six receive modes, all flows in
 * one loop (one epoll set, one ring and ifq), then print one line of
 * measurements.
 *
 *   bench-rx -m MODE -p PORT [-n BYTES] [-b BUF] [-A AREA_MB] [-i IFACE -q QUEUE]
 *            [-B RX_BUF_LEN] [-e ENTRIES] [-P FLOWS] [-T] [-w FIFO]
 *
 * MODE
 *   epoll        epoll_wait() + recv() into a BUF byte buffer (the baseline)
 *   tcp_zc       getsockopt(TCP_ZEROCOPY_RECEIVE) mapping page frags into a
 *                BUF byte mmap() of the socket; what cannot be mapped is
 *                copied (the copybuf of struct tcp_zerocopy_receive, then
 *                recv() for the rest)
 *   uring_recv   io_uring IORING_OP_RECV into a BUF byte buffer
 *   zc_copy      io_uring IORING_OP_RECV_ZC, ifq registered with
 *                ZCRX_REG_NODEV: the kernel copies every byte into the area
 *   zc           io_uring IORING_OP_RECV_ZC, ifq bound to rx queue QUEUE of
 *                IFACE: the NIC places the payload in the area
 *                With -B, the ifq's buffers are RX_BUF_LEN bytes (rx_buf_len:
 *                large rx buffers), in an area of huge pages (MAP_HUGETLB)
 *                that backs them contiguously
 *   zc_vec       as zc, but the vectored multishot form of the 6.12
 *                backport: a CQE per provided buffer (a buffer ring of
 *                arrays of ENTRIES refill entries, default 256), not per
 *                piece; the entries are handed back to the refill queue as
 *                they are
 *
 * Every mode checks the same sample of each flow's stream against the bench
 * pattern (bench.h): the first 256 bytes of every MiB of the stream and
 * the first and last 8 bytes of every piece received, so a misplaced
 * buffer is caught without making the benchmark about checking bytes.
 *
 * The measured interval runs from the first accept() to the end of the
 * last stream. The output line (key=value, all on one line):
 *   mode flows bytes secs     what arrived and how long it took
 *   rx_cpu                    this process's user + system CPU seconds
 *                             (getrusage)
 *   softirq softirq_ticks     softirq seconds of all CPUs (/proc/stat):
 *                             estimated (see cpu_delta()), and as counted;
 *                             with -T (a kernel with IRQ_TIME_ACCOUNTING,
 *                             which measures it) both are the count
 *   all_cpu                   non-idle seconds of all CPUs (/proc/stat)
 *   core_cpu                  non-idle seconds of the CPU this process ran
 *                             on (it is meant to be pinned: taskset), with
 *                             whatever else ran there, such as a NAPI
 *                             thread pinned to it
 *   cqes                      completions (io_uring modes; 0 otherwise)
 *   entries                   refill entries received (zc_vec; 0 otherwise)
 *   copied zc                 bytes copied into the receiver's memory and
 *                             bytes that arrived without a copy (-1: the
 *                             kernel does not say)
 *   verified                  bytes checked against the pattern
 *   syscalls                  system calls the receive loop made
 *   cq_overflow               CQEs the kernel dropped or had to hold back
 *                             (the CQ ring's overflow count; io_uring modes)
 *   rq_pending_avg rq_pending_max  refill entries handed back but not yet
 *                             taken by the kernel, before each wait (zc
 *                             modes; the application itself holds no
 *                             buffer across a wait: it returns each at once)
 * With -w FIFO, once the line is out it waits for a line on FIFO before it
 * tears down anything (the ifq, the ring): the caller reads counters of
 * what still exists, the page pool of the ifq for one.
 * Exits 1 on any error, a corrupt sample or a short stream (-n: the bytes
 * of all flows together).
 */
#define _GNU_SOURCE	/* sched_getcpu() */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "liburing.h"
#include "bench.h"

#define MIB			(1ULL << 20)
#define SAMPLE_LEN		256
#define EDGE_LEN		8
#define CQ_ENTRIES		4096
#define MAX_RQ_ENTRIES		32768
#define VEC_ENTRIES		256	/* -e default: a 4 KiB array */
#define MAX_VEC_ENTRIES		4096
#define VEC_NR_BUFS		64	/* zc_vec's provided buffers (a power of 2) */
#define VEC_BGID		1

enum mode { M_EPOLL, M_TCP_ZC, M_URING_RECV, M_ZC_COPY, M_ZC, M_ZC_VEC,
	    M_UDP_MMSG, M_UDP_RECVMSG, M_UDP_ZC_COPY, M_UDP_ZC };
static const char *const mode_names[] = {
	[M_EPOLL] = "epoll", [M_TCP_ZC] = "tcp_zc", [M_URING_RECV] = "uring_recv",
	[M_ZC_COPY] = "zc_copy", [M_ZC] = "zc", [M_ZC_VEC] = "zc_vec",
	[M_UDP_MMSG] = "udp_mmsg", [M_UDP_RECVMSG] = "udp_recvmsg",
	[M_UDP_ZC_COPY] = "udp_zc_copy", [M_UDP_ZC] = "udp_zc",
};

/* UDP: messages of a recvmmsg() or RECVMSGs in flight, and their buffers */
#define UDP_BATCH		32
#define UDP_BUF			65536
/* no datagram for this long after the first: the sender is done */
#define UDP_IDLE_SECS		2.0

struct opts {
	enum mode mode;
	int port;
	unsigned long long expect;
	size_t buf_len;
	size_t area_len;
	const char *ifname;
	long queue;
	unsigned vec_entries;
	bool irq_time;		/* -T: the kernel measures softirq time */
	const char *hold_fifo;	/* -w: wait for a line on it before teardown */
	int flows;		/* -P: connections to accept */
	unsigned rx_buf_len;	/* -B: the ifq's buffer size, 0: a page */
	unsigned udp_size;	/* -s: the size of the UDP modes' datagrams */
};

struct result {
	unsigned long long bytes, cqes, entries, verified;
	/* UDP: datagrams received, and those the sequence numbers miss */
	unsigned long long dgrams, lost;
	long long copied, zc;
	unsigned long long rq_waits, rq_pending_sum;
	unsigned rq_pending_max;
};

/* system calls of the receive loop */
static unsigned long long nr_syscalls;

static size_t page_size;

static void fail(const char *what)
{
	fprintf(stderr, "bench-rx: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail_err(const char *what, int err)
{
	fprintf(stderr, "bench-rx: %s: %s\n", what, strerror(err));
	exit(1);
}

static void check(const uint8_t *p, size_t len, uint64_t off, struct result *r)
{
	for (size_t k = 0; k < len; k++) {
		if (p[k] != bench_byte(off + k)) {
			fprintf(stderr, "bench-rx: corrupt byte at stream offset %llu: "
				"0x%02x, expected 0x%02x\n", (unsigned long long)(off + k),
				p[k], bench_byte(off + k));
			exit(1);
		}
	}
	r->verified += len;
}

/* Check the sample of stream bytes [off, off + len) that p holds. */
static void verify(const uint8_t *p, size_t len, uint64_t off, struct result *r)
{
	uint64_t end = off + len;

	if (!len)
		return;
	for (uint64_t w = off & ~(MIB - 1); w < end; w += MIB) {
		uint64_t lo = w > off ? w : off;
		uint64_t hi = w + SAMPLE_LEN < end ? w + SAMPLE_LEN : end;

		if (lo < hi)
			check(p + (lo - off), hi - lo, lo, r);
	}
	check(p, len < EDGE_LEN ? len : EDGE_LEN, off, r);
	if (len > EDGE_LEN)
		check(p + len - EDGE_LEN, EDGE_LEN, end - EDGE_LEN, r);
}

#define MAX_CPUS		256

/* The per-CPU lines of /proc/stat, in USER_HZ ticks. */
struct cpu_stat {
	int n;
	unsigned long long busy[MAX_CPUS], idle[MAX_CPUS], sirq[MAX_CPUS];
};

static void read_stat(struct cpu_stat *st)
{
	unsigned long long user, nice, sys, idle, iowait, irq, sirq, steal;
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int cpu;

	if (!f)
		fail("/proc/stat");
	st->n = 0;
	while (fgets(line, sizeof(line), f)) {
		/* the per-CPU lines only, not the "cpu " total */
		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			   &user, &nice, &sys, &idle, &iowait, &irq, &sirq, &steal) != 9)
			continue;
		if (cpu < 0 || cpu >= MAX_CPUS)
			continue;
		st->busy[cpu] = user + nice + sys + irq + sirq + steal;
		st->idle[cpu] = idle + iowait;
		st->sirq[cpu] = sirq;
		if (cpu >= st->n)
			st->n = cpu + 1;
	}
	fclose(f);
	if (!st->n) {
		fprintf(stderr, "bench-rx: no per-CPU lines in /proc/stat\n");
		exit(1);
	}
}

/*
 * CPU time of all CPUs over an interval of 'secs' seconds. Idle time is
 * measured (NO_HZ), so a CPU's busy time is the interval less its idle
 * time. Softirq time is measured too with IRQ_TIME_ACCOUNTING (@measured);
 * without, it is sampled by the tick, and a TCG guest loses many ticks:
 * then it is the softirq share of the busy ticks applied to the busy time.
 * Also returns the softirq time as counted.
 */
static void cpu_delta(const struct cpu_stat *a, const struct cpu_stat *b, double secs,
		      bool measured, int core, double *busy, double *core_busy,
		      double *softirq, double *softirq_ticks)
{
	double hz = (double)sysconf(_SC_CLK_TCK);

	*busy = *core_busy = *softirq = *softirq_ticks = 0;
	for (int c = 0; c < a->n && c < b->n; c++) {
		double idle = (b->idle[c] - a->idle[c]) / hz;
		double bt = (double)(b->busy[c] - a->busy[c]);
		double st = (double)(b->sirq[c] - a->sirq[c]);
		double cb = secs > idle ? secs - idle : 0;

		*busy += cb;
		if (c == core)
			*core_busy = cb;
		*softirq_ticks += st / hz;
		if (measured)
			*softirq += st / hz;
		else if (bt > 0)
			*softirq += cb * st / bt;
	}
}

static double proc_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap");
	return p;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		fail("fcntl O_NONBLOCK");
}

/*
 * The flows: each connection carries the bench pattern from offset 0, so
 * every flow checks its own stream.
 */
#define MAX_FLOWS		16

struct flow {
	int fd;
	unsigned long long off;		/* stream bytes received */
	bool eof;
	uint8_t *buf;			/* uring_recv's buffer */
	void *map;			/* tcp_zc's mapping */
};

static struct flow flows[MAX_FLOWS];
static int nr_flows;

/* @len bytes of flow @f's stream arrived at @p, copied or not */
static void got(struct flow *f, const uint8_t *p, size_t len, struct result *r)
{
	verify(p, len, f->off, r);
	f->off += len;
	r->bytes += len;
}

/* An epoll instance with every flow, non-blocking, data.u32 its index */
static int epoll_flows(void)
{
	int ep = epoll_create1(0);

	if (ep < 0)
		fail("epoll_create1");
	for (int i = 0; i < nr_flows; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

		set_nonblock(flows[i].fd);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, flows[i].fd, &ev))
			fail("epoll_ctl");
	}
	return ep;
}

/*
 * Wait for readable flows and let @step receive from each until it would
 * block (0) or the flow ended (< 0): until every flow has.
 */
static void epoll_loop(const struct opts *o, struct result *r,
		       int (*step)(struct flow *f, const struct opts *o, uint8_t *buf,
				   struct result *r))
{
	uint8_t *buf = alloc(o->buf_len);
	int ep = epoll_flows(), open = nr_flows;

	while (open) {
		struct epoll_event evs[MAX_FLOWS];
		int n;

		nr_syscalls++;
		n = epoll_wait(ep, evs, MAX_FLOWS, -1);
		if (n < 0 && errno != EINTR)
			fail("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct flow *f = &flows[evs[i].data.u32];
			int ret;

			while ((ret = step(f, o, buf, r)) > 0)
				;
			if (ret < 0 && !f->eof) {
				f->eof = true;
				open--;
				epoll_ctl(ep, EPOLL_CTL_DEL, f->fd, NULL);
			}
		}
	}
	close(ep);
	munmap(buf, o->buf_len);
}

/* One non-blocking recv(): 1 data, 0 none queued, -1 end of stream */
static int recv_step(struct flow *f, const struct opts *o, uint8_t *buf,
		     struct result *r)
{
	ssize_t n;

	nr_syscalls++;
	n = recv(f->fd, buf, o->buf_len, MSG_DONTWAIT);
	if (n > 0) {
		got(f, buf, (size_t)n, r);
		r->copied += n;
		return 1;
	}
	if (n == 0)
		return -1;
	if (errno != EAGAIN && errno != EINTR)
		fail("recv");
	return 0;
}

static void rx_epoll(const struct opts *o, struct result *r)
{
	epoll_loop(o, r, recv_step);
}

/*
 * TCP_ZEROCOPY_RECEIVE maps whole, page aligned page frags of the receive
 * queue into a mapping of the socket. Data that cannot be mapped is copied:
 * up to a page less one byte of it through the copybuf (the stragglers after
 * the mapped part, or all of the queue when that is smaller than a page),
 * the rest, which the kernel reports in recv_skip_hint, with recv().
 * One step: 1 data, 0 none queued, -1 end of stream.
 */
static int tcp_zc_step(struct flow *f, const struct opts *o, uint8_t *buf,
		       struct result *r)
{
	struct tcp_zerocopy_receive zc = {
		.address = (uintptr_t)f->map,
		.length = (__u32)o->buf_len,
		.copybuf_address = (uintptr_t)buf,
		.copybuf_len = (__s32)(page_size - 1),
	};
	socklen_t zlen = sizeof(zc);
	bool progress = false;

	nr_syscalls++;
	if (getsockopt(f->fd, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &zlen)) {
		/* EIO: nothing queued and the peer closed */
		if (errno != EIO && errno != EINTR)
			fail("getsockopt TCP_ZEROCOPY_RECEIVE");
		zc.length = 0;
		zc.copybuf_len = 0;
		zc.recv_skip_hint = 0;
	}
	if (zc.err)
		fail_err("TCP_ZEROCOPY_RECEIVE: socket error", -zc.err);
	if (zc.copybuf_len < 0)
		fail_err("TCP_ZEROCOPY_RECEIVE copybuf", -zc.copybuf_len);
	if (zc.length) {
		got(f, f->map, zc.length, r);
		r->zc += zc.length;
		progress = true;
	}
	if (zc.copybuf_len > 0) {
		got(f, buf, (size_t)zc.copybuf_len, r);
		r->copied += zc.copybuf_len;
		progress = true;
	}
	if (zc.recv_skip_hint) {
		ssize_t n;

		nr_syscalls++;
		n = recv(f->fd, buf, zc.recv_skip_hint < o->buf_len ?
			 zc.recv_skip_hint : o->buf_len, MSG_DONTWAIT);
		if (n > 0) {
			got(f, buf, (size_t)n, r);
			r->copied += n;
			progress = true;
		} else if (n == 0) {
			return -1;
		} else if (errno != EAGAIN && errno != EINTR) {
			fail("recv");
		}
	}
	if (progress)
		return 1;
	/* nothing mapped or copied: none queued, or the end of the stream */
	return recv_step(f, o, buf, r);
}

static void rx_tcp_zc(const struct opts *o, struct result *r)
{
	r->zc = 0;
	for (int i = 0; i < nr_flows; i++) {
		flows[i].map = mmap(NULL, o->buf_len, PROT_READ, MAP_SHARED,
				    flows[i].fd, 0);
		if (flows[i].map == MAP_FAILED)
			fail("mmap of the socket for TCP_ZEROCOPY_RECEIVE");
	}
	epoll_loop(o, r, tcp_zc_step);
	for (int i = 0; i < nr_flows; i++)
		munmap(flows[i].map, o->buf_len);
}

static void ring_setup(struct io_uring *ring, bool cqe32)
{
	struct io_uring_params p = { };
	int ret;

	/* the same ring for every io_uring mode; RECV_ZC needs these flags */
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_CQSIZE;
	if (cqe32)
		p.flags |= IORING_SETUP_CQE32;
	p.cq_entries = CQ_ENTRIES;
	ret = io_uring_queue_init_params(64, ring, &p);
	if (ret)
		fail_err("io_uring_queue_init_params (needs DEFER_TASKRUN and CQE32 rings)",
			 -ret);
}

static struct io_uring_sqe *get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		nr_syscalls++;
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
		if (!sqe) {
			fprintf(stderr, "bench-rx: no free SQE\n");
			exit(1);
		}
	}
	return sqe;
}

static void wait_cqe(struct io_uring *ring)
{
	int ret;

	/* liburing enters the kernel whenever it is asked to wait */
	nr_syscalls++;
	ret = io_uring_submit_and_wait(ring, 1);

	if (ret < 0 && ret != -EINTR)
		fail_err("io_uring_submit_and_wait", -ret);
}

static void prep_recv_flow(struct io_uring *ring, int i, const struct opts *o)
{
	struct io_uring_sqe *sqe = get_sqe(ring);

	io_uring_prep_recv(sqe, flows[i].fd, flows[i].buf, o->buf_len, 0);
	io_uring_sqe_set_data64(sqe, (__u64)i);
}

/* IORING_OP_RECV, one in flight per flow; user_data is the flow */
static void rx_uring_recv(struct io_uring *ring, const struct opts *o,
			  struct result *r)
{
	int open = nr_flows;

	for (int i = 0; i < nr_flows; i++) {
		flows[i].buf = alloc(o->buf_len);
		prep_recv_flow(ring, i, o);
	}
	while (open) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		wait_cqe(ring);
		io_uring_for_each_cqe(ring, head, cqe) {
			int res = cqe->res, i = (int)cqe->user_data;

			seen++;
			r->cqes++;
			if (res == 0) {
				flows[i].eof = true;
				open--;
				continue;
			}
			if (res < 0 && res != -EINTR && res != -EAGAIN)
				fail_err("IORING_OP_RECV", -res);
			if (res > 0) {
				got(&flows[i], flows[i].buf, (size_t)res, r);
				r->copied += res;
			}
			prep_recv_flow(ring, i, o);
		}
		io_uring_cq_advance(ring, seen);
	}
	for (int i = 0; i < nr_flows; i++)
		munmap(flows[i].buf, o->buf_len);
}

/* "copy bytes:" and "zc bytes:" of the ring's fdinfo; -1 when absent */
static void zcrx_counters(int ring_fd, struct result *r)
{
	char path[64], line[256];
	unsigned long long v;
	FILE *f;

	r->copied = r->zc = -1;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ring_fd);
	f = fopen(path, "r");
	if (!f)
		fail(path);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " copy bytes: %llu", &v) == 1)
			r->copied = (long long)v;
		else if (sscanf(line, " zc bytes: %llu", &v) == 1)
			r->zc = (long long)v;
	}
	fclose(f);
}

struct zcrx {
	struct io_uring_zcrx_ifq_reg reg;
	struct io_uring_zcrx_area_reg area_reg;
	struct io_uring_region_desc region;
	struct io_uring_zcrx_rq rq;
	uint8_t *area;
};

static void zcrx_register(struct io_uring *ring, const struct opts *o,
			  struct zcrx *z)
{
	unsigned entries = (unsigned)(o->area_len / page_size);
	size_t rq_len;
	void *rq_mem;
	int ret;

	if (o->rx_buf_len) {
		/* huge pages back the buffers contiguously */
		z->area = mmap(NULL, o->area_len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (z->area == MAP_FAILED)
			fail("mmap of a huge page area (vm.nr_hugepages)");
		z->reg.rx_buf_len = o->rx_buf_len;
	} else {
		z->area = alloc(o->area_len);
	}
	/* head, tail and one entry per area page (every buffer we can hold) */
	rq_len = (entries * sizeof(struct io_uring_zcrx_rqe) + 2 * page_size - 1) &
		 ~(page_size - 1);
	rq_mem = alloc(rq_len);
	z->area_reg.addr = (uintptr_t)z->area;
	z->area_reg.len = o->area_len;
	z->region.user_addr = (uintptr_t)rq_mem;
	z->region.size = rq_len;
	z->region.flags = IORING_MEM_REGION_TYPE_USER;
	z->reg.rq_entries = entries;
	z->reg.area_ptr = (uintptr_t)&z->area_reg;
	z->reg.region_ptr = (uintptr_t)&z->region;
	if (o->mode == M_ZC_COPY || o->mode == M_UDP_ZC_COPY) {
		z->reg.flags = ZCRX_REG_NODEV;
	} else {
		z->reg.if_idx = if_nametoindex(o->ifname);
		if (!z->reg.if_idx)
			fail(o->ifname);
		z->reg.if_rxq = (__u32)o->queue;
	}
	ret = io_uring_register_ifq(ring, &z->reg);
	if (ret) {
		fprintf(stderr, "bench-rx: io_uring_register_ifq (%s): %s\n",
			z->reg.flags & ZCRX_REG_NODEV ? "ZCRX_REG_NODEV" : o->ifname,
			strerror(-ret));
		if (!(z->reg.flags & ZCRX_REG_NODEV) &&
		    (ret == -EINVAL || ret == -EOPNOTSUPP))
			fprintf(stderr, "  %s needs tcp-data-split on and a driver with "
				"queue restarts and zero copy receive support%s\n",
				o->ifname, o->rx_buf_len ?
				", and large rx buffers for -B" : "");
		if (ret == -ERANGE && o->rx_buf_len)
			fprintf(stderr, "  -B: the area does not back %u byte buffers "
				"contiguously (huge pages of at least that size?)\n",
				o->rx_buf_len);
		exit(1);
	}
	io_uring_zcrx_rq_init(&z->rq, rq_mem, &z->reg);
}

/* Out of area buffers: hand back what is queued and make the kernel take it */
static void zc_flush_returns(struct io_uring *ring, struct zcrx *z)
{
	struct zcrx_ctrl ctrl = {
		.zcrx_id = z->reg.zcrx_id,
		.op = ZCRX_CTRL_FLUSH_RQ,
	};

	io_uring_zcrx_rq_commit(&z->rq);
	nr_syscalls++;
	io_uring_register_zcrx_ctrl(ring, &ctrl);
}

/*
 * A refill entry. Buffers hold the payload of several packets, so there may
 * be more fragments out than the queue has entries (one per area page): with
 * the queue full, make the kernel take what is queued first.
 */
static struct io_uring_zcrx_rqe *rq_entry(struct io_uring *ring, struct zcrx *z)
{
	struct io_uring_zcrx_rqe *rqe = io_uring_zcrx_rq_get_rqe(&z->rq);

	if (!rqe) {
		zc_flush_returns(ring, z);
		rqe = io_uring_zcrx_rq_get_rqe(&z->rq);
	}
	if (!rqe) {
		fprintf(stderr, "bench-rx: refill queue full after a flush\n");
		exit(1);
	}
	return rqe;
}

/* Before a wait: how many returned buffers the kernel has not taken yet */
static void rq_sample(const struct io_uring_zcrx_rq *rq, struct result *r)
{
	unsigned pending = rq->rq_tail - io_uring_smp_load_acquire(rq->khead);

	r->rq_waits++;
	r->rq_pending_sum += pending;
	if (pending > r->rq_pending_max)
		r->rq_pending_max = pending;
}

/* A multishot RECV_ZC for flow @i; user_data is the flow */
static void prep_recv_zc_flow(struct io_uring *ring, struct zcrx *z, int i)
{
	struct io_uring_sqe *sqe = get_sqe(ring);

	io_uring_prep_recv_zc(sqe, flows[i].fd, z->reg.zcrx_id, 0, 0);
	io_uring_sqe_set_data64(sqe, (__u64)i);
}

/* Hand back the buffer of @len bytes at offset @off of the area */
static void zc_return(struct io_uring *ring, struct zcrx *z, __u64 off, __u32 len)
{
	struct io_uring_zcrx_rqe *rqe = rq_entry(ring, z);

	rqe->off = off | z->area_reg.rq_area_token;
	rqe->len = len;
	rqe->__pad = 0;
}

/*
 * Flow @i's multishot RECV_ZC ended with @res, not at end of stream (CQ
 * overflow, no free buffer, ...): take what can be taken back, re-arm.
 */
static void zc_rearm(struct io_uring *ring, struct zcrx *z, int i, int res)
{
	if (res < 0 && res != -ENOSPC && res != -EINTR && res != -EAGAIN) {
		if (res == -ENOMEM || res == -ENOBUFS)
			zc_flush_returns(ring, z);
		else
			fail_err("IORING_OP_RECV_ZC", -res);
	}
	prep_recv_zc_flow(ring, z, i);
}

static void rx_zc(struct io_uring *ring, struct zcrx *z, struct result *r)
{
	int open = nr_flows;

	for (int i = 0; i < nr_flows; i++)
		prep_recv_zc_flow(ring, z, i);
	while (open) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		rq_sample(&z->rq, r);
		wait_cqe(ring);
		io_uring_for_each_cqe(ring, head, cqe) {
			int res = cqe->res, i = (int)cqe->user_data;

			seen++;
			r->cqes++;
			if (res > 0) {
				__u64 off = io_uring_cqe_zcrx(cqe)->off & ~IORING_ZCRX_AREA_MASK;

				got(&flows[i], z->area + off, (size_t)res, r);
				zc_return(ring, z, off, (__u32)res);
			}
			if (cqe->flags & IORING_CQE_F_MORE)
				continue;
			if (res == 0) {
				flows[i].eof = true;
				open--;
				continue;
			}
			zc_rearm(ring, z, i, res);
		}
		io_uring_cq_advance(ring, seen);
		io_uring_zcrx_rq_commit(&z->rq);
	}
}

/* zc_vec: the buffer ring of arrays and the arrays */
struct vec_bufs {
	struct io_uring_buf_ring *br;
	uint8_t *mem;
	size_t len;		/* bytes of an array */
	unsigned nr_add;	/* arrays to give back this round */
};

static void vec_add(struct vec_bufs *b, unsigned bid)
{
	io_uring_buf_ring_add(b->br, b->mem + (size_t)bid * b->len, (unsigned)b->len,
			      (unsigned short)bid, io_uring_buf_ring_mask(VEC_NR_BUFS),
			      (int)b->nr_add++);
}

static void vec_setup(struct io_uring *ring, const struct opts *o, struct vec_bufs *b)
{
	struct io_uring_buf_reg reg = { 0 };
	int ret;

	b->len = (size_t)o->vec_entries * sizeof(struct io_uring_zcrx_rqe);
	b->br = alloc(VEC_NR_BUFS * sizeof(struct io_uring_buf));
	b->mem = alloc(VEC_NR_BUFS * b->len);
	io_uring_buf_ring_init(b->br);
	reg.ring_addr = (uintptr_t)b->br;
	reg.ring_entries = VEC_NR_BUFS;
	reg.bgid = VEC_BGID;
	ret = io_uring_register_buf_ring(ring, &reg, 0);
	if (ret)
		fail_err("io_uring_register_buf_ring", -ret);
	for (unsigned i = 0; i < VEC_NR_BUFS; i++)
		vec_add(b, i);
	io_uring_buf_ring_advance(b->br, (int)b->nr_add);
	b->nr_add = 0;
}

/*
 * Like rx_zc(), with the vectored multishot form: each CQE names a provided
 * buffer holding res refill entries, one per piece; they go back to the
 * refill queue unchanged, the buffer back to the ring.
 */
static void prep_recv_zc_vec_flow(struct io_uring *ring, struct zcrx *z, int i)
{
	struct io_uring_sqe *sqe = get_sqe(ring);

	io_uring_prep_recv_zc_vec_multishot(sqe, flows[i].fd, z->reg.zcrx_id,
					    VEC_BGID, 0);
	io_uring_sqe_set_data64(sqe, (__u64)i);
}

static void rx_zc_vec(struct io_uring *ring, struct zcrx *z, struct vec_bufs *b,
		      struct result *r)
{
	int open = nr_flows;

	for (int i = 0; i < nr_flows; i++)
		prep_recv_zc_vec_flow(ring, z, i);
	while (open) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		rq_sample(&z->rq, r);
		wait_cqe(ring);
		io_uring_for_each_cqe(ring, head, cqe) {
			int res = cqe->res, i = (int)cqe->user_data;

			seen++;
			r->cqes++;
			if (res > 0) {
				unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT, n;
				const struct io_uring_zcrx_rqe *e;

				if (!(cqe->flags & IORING_CQE_F_BUFFER) || bid >= VEC_NR_BUFS ||
				    (size_t)res * sizeof(*e) > b->len) {
					fprintf(stderr, "bench-rx: vectored CQE with flags 0x%x\n",
						cqe->flags);
					exit(1);
				}
				e = (const struct io_uring_zcrx_rqe *)(b->mem + (size_t)bid * b->len);
				for (int k = 0; k < res; k++) {
					__u64 off = e[k].off & ~IORING_ZCRX_AREA_MASK;

					got(&flows[i], z->area + off, e[k].len, r);
				}
				r->entries += (unsigned)res;
				/* a full queue: as in rq_entry() */
				n = io_uring_zcrx_rq_return_vec(&z->rq, e, (unsigned)res);
				if (n != (unsigned)res) {
					zc_flush_returns(ring, z);
					n += io_uring_zcrx_rq_return_vec(&z->rq, e + n,
									 (unsigned)res - n);
				}
				if (n != (unsigned)res) {
					fprintf(stderr, "bench-rx: refill queue full after a flush\n");
					exit(1);
				}
				vec_add(b, bid);
			}
			if (cqe->flags & IORING_CQE_F_MORE)
				continue;
			if (res == 0) {
				flows[i].eof = true;
				open--;
				continue;
			}
			if ((res == -EINVAL || res == -EOPNOTSUPP) && !r->entries) {
				fprintf(stderr, "bench-rx: vectored IORING_OP_RECV_ZC: %s "
					"(a kernel without the 6.12 backport's vectored form?)\n",
					strerror(-res));
				exit(1);
			}
			if (res < 0 && res != -ENOSPC && res != -EINTR && res != -EAGAIN &&
			    res != -ENOBUFS) {
				if (res == -ENOMEM)
					zc_flush_returns(ring, z);
				else
					fail_err("vectored IORING_OP_RECV_ZC", -res);
			}
			/*
			 * The request ended (CQ overflow, no provided buffer:
			 * they are given back below, before the submit): re-arm
			 */
			prep_recv_zc_vec_flow(ring, z, i);
		}
		io_uring_cq_advance(ring, seen);
		if (b->nr_add) {
			io_uring_buf_ring_advance(b->br, (int)b->nr_add);
			b->nr_add = 0;
		}
	}
}

/*
 * UDP. bench-tx -u puts a datagram's sequence number in its first 8 bytes
 * (its datagrams are -s SIZE bytes, default 4096, but the last),
 * the rest is the bench pattern at the datagram's place in the stream (its
 * number times its size): that is checked as for TCP, and the numbers tell
 * the datagrams lost before the last one that came (UDP has no flow
 * control, a receiver that is too slow drops). The receive ends after -n bytes, or UDP_IDLE_SECS without a
 * datagram once one came.
 */
static uint64_t udp_next_seq;
static double udp_last;

/* datagram @seq arrived: the datagrams missing below the highest one */
static void udp_seq(uint64_t seq, struct result *r)
{
	/* several RECVMSGs in flight complete in any order */
	if (seq >= udp_next_seq)
		udp_next_seq = seq + 1;
	r->lost = udp_next_seq - r->dgrams;
}

/* a whole datagram at @p */
static void udp_got(const struct opts *o, const uint8_t *p, size_t len,
		    struct result *r)
{
	uint64_t seq;

	udp_last = now();
	r->dgrams++;
	r->bytes += len;
	if (len < sizeof(seq))
		return;
	memcpy(&seq, p, sizeof(seq));
	udp_seq(seq, r);
	verify(p + sizeof(seq), len - sizeof(seq), seq * o->udp_size + sizeof(seq), r);
}

static bool udp_done(const struct opts *o, const struct result *r)
{
	if (o->expect && r->bytes >= o->expect)
		return true;
	return udp_last && now() - udp_last > UDP_IDLE_SECS;
}

static int udp_socket(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rcvbuf = 32 << 20;

	if (fd < 0)
		fail("socket");
	/* the same receive buffer for every mode: room for bursts */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		fail("SO_RCVBUFFORCE");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		fail("bind");
	return fd;
}

/* udp_mmsg: epoll_wait() + recvmmsg() of UDP_BATCH datagrams at a time */
static void rx_udp_mmsg(const struct opts *o, struct result *r)
{
	static struct mmsghdr msgs[UDP_BATCH];
	static struct iovec iov[UDP_BATCH];
	uint8_t *buf = alloc(UDP_BATCH * UDP_BUF);
	int ep = epoll_create1(0), fd = flows[0].fd;
	struct epoll_event ev = { .events = EPOLLIN };

	for (int i = 0; i < UDP_BATCH; i++) {
		iov[i].iov_base = buf + (size_t)i * UDP_BUF;
		iov[i].iov_len = UDP_BUF;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		fail("epoll");
	while (!udp_done(o, r)) {
		int n;

		nr_syscalls++;
		n = epoll_wait(ep, &ev, 1, 100);
		if (n < 0 && errno != EINTR)
			fail("epoll_wait");
		while (n > 0) {
			nr_syscalls++;
			n = recvmmsg(fd, msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				fail("recvmmsg");
			for (int i = 0; i < n; i++) {
				udp_got(o, iov[i].iov_base, msgs[i].msg_len, r);
				r->copied += msgs[i].msg_len;
			}
		}
	}
	close(ep);
	munmap(buf, UDP_BATCH * UDP_BUF);
}

/* udp_recvmsg: UDP_BATCH io_uring IORING_OP_RECVMSGs in flight */
static void rx_udp_recvmsg(struct io_uring *ring, const struct opts *o,
			   struct result *r)
{
	static struct msghdr msgs[UDP_BATCH];
	static struct iovec iov[UDP_BATCH];
	uint8_t *buf = alloc(UDP_BATCH * UDP_BUF);
	struct __kernel_timespec ts = { .tv_nsec = 100 * 1000000 };

	for (int i = 0; i < UDP_BATCH; i++) {
		struct io_uring_sqe *sqe = get_sqe(ring);

		iov[i].iov_base = buf + (size_t)i * UDP_BUF;
		iov[i].iov_len = UDP_BUF;
		msgs[i].msg_iov = &iov[i];
		msgs[i].msg_iovlen = 1;
		io_uring_prep_recvmsg(sqe, flows[0].fd, &msgs[i], 0);
		io_uring_sqe_set_data64(sqe, (__u64)i);
	}
	while (!udp_done(o, r)) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int ret;

		nr_syscalls++;
		ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR)
			fail_err("io_uring_submit_and_wait_timeout", -ret);
		io_uring_for_each_cqe(ring, head, cqe) {
			int i = (int)cqe->user_data;
			struct io_uring_sqe *sqe;

			seen++;
			r->cqes++;
			if (cqe->res < 0 && cqe->res != -EINTR && cqe->res != -EAGAIN)
				fail_err("IORING_OP_RECVMSG", -cqe->res);
			if (cqe->res >= 0) {
				udp_got(o, iov[i].iov_base, (size_t)cqe->res, r);
				r->copied += cqe->res;
			}
			sqe = get_sqe(ring);
			io_uring_prep_recvmsg(sqe, flows[0].fd, &msgs[i], 0);
			io_uring_sqe_set_data64(sqe, (__u64)i);
		}
		io_uring_cq_advance(ring, seen);
	}
	/* not unmapped: the RECVMSGs still in flight point into it */
}

/*
 * udp_zc_copy, udp_zc: a multishot RECV_ZC on the UDP socket (the 6.12
 * backport's), a CQE per piece, IORING_CQE_F_ZCRX_DGRAM_END on the last
 * of each datagram; each piece handed back at once. A datagram's pieces
 * are checked where they are, the sequence number in the first.
 */
static void rx_udp_zc(struct io_uring *ring, struct zcrx *z, const struct opts *o,
		      struct result *r)
{
	struct __kernel_timespec ts = { .tv_nsec = 100 * 1000000 };
	uint64_t dg_off = 0, seq = 0;
	uint8_t hdr[sizeof(seq)];

	prep_recv_zc_flow(ring, z, 0);
	while (!udp_done(o, r)) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int ret;

		rq_sample(&z->rq, r);
		nr_syscalls++;
		ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR)
			fail_err("io_uring_submit_and_wait_timeout", -ret);
		io_uring_for_each_cqe(ring, head, cqe) {
			int res = cqe->res;

			seen++;
			r->cqes++;
			if (cqe->flags & IORING_CQE_F_MORE) {
				__u64 off = io_uring_cqe_zcrx(cqe)->off & ~IORING_ZCRX_AREA_MASK;
				const uint8_t *p = z->area + off;
				size_t skip = 0;

				/* the number first, from however many pieces */
				if (dg_off < sizeof(seq)) {
					skip = sizeof(seq) - dg_off;
					if (skip > (size_t)res)
						skip = (size_t)res;
					memcpy(hdr + dg_off, p, skip);
					if (dg_off + skip == sizeof(seq))
						memcpy(&seq, hdr, sizeof(seq));
				}
				if (dg_off + (size_t)res > sizeof(seq))
					verify(p + skip, (size_t)res - skip,
					       seq * o->udp_size + dg_off + skip, r);
				r->bytes += (size_t)res;
				udp_last = now();
				dg_off += (unsigned)res;
				if (cqe->flags & IORING_CQE_F_ZCRX_DGRAM_END) {
					r->dgrams++;
					if (dg_off >= sizeof(seq))
						udp_seq(seq, r);
					dg_off = 0;
				}
				if (res > 0)
					zc_return(ring, z, off, (__u32)res);
				continue;
			}
			zc_rearm(ring, z, 0, res);
		}
		io_uring_cq_advance(ring, seen);
		io_uring_zcrx_rq_commit(&z->rq);
	}
}

static int listen_on(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* room for every flow's connection at once */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, MAX_FLOWS))
		fail("bind/listen");
	return fd;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s -m epoll|tcp_zc|uring_recv|zc_copy|zc|zc_vec|\n"
		"          udp_mmsg|udp_recvmsg|udp_zc_copy|udp_zc -p PORT\n"
		"          [-n BYTES] [-b BUF_BYTES] [-A AREA_MB] [-i IFACE -q QUEUE]\n"
		"          [-B RX_BUF_LEN] [-e ENTRIES] [-T] [-w FIFO] [-P FLOWS] [-s SIZE]\n"
		"  zc, zc_vec and udp_zc need -i and -q; see the top of bench/bench-rx.c\n",
		prog);
	exit(2);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	int opt, m = -1;

	o->port = 0;
	o->expect = 0;
	o->buf_len = 256 << 10;
	o->area_len = 64 * MIB;
	o->ifname = NULL;
	o->queue = -1;
	o->vec_entries = VEC_ENTRIES;
	o->irq_time = false;
	o->hold_fifo = NULL;
	o->flows = 1;
	o->rx_buf_len = 0;
	o->udp_size = 4096;
	while ((opt = getopt(argc, argv, "m:p:n:b:A:i:q:e:Tw:P:B:s:")) != -1) {
		switch (opt) {
		case 'm':
			for (unsigned i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
				if (!strcmp(optarg, mode_names[i]))
					m = (int)i;
			if (m < 0) {
				fprintf(stderr, "%s: unknown mode '%s'\n", argv[0], optarg);
				usage(argv[0]);
			}
			break;
		case 'p': o->port = (int)num(argv[0], optarg); break;
		case 'n': o->expect = num(argv[0], optarg); break;
		case 'b': o->buf_len = num(argv[0], optarg); break;
		case 'A': o->area_len = num(argv[0], optarg) * MIB; break;
		case 'i': o->ifname = optarg; break;
		case 'q': o->queue = (long)num(argv[0], optarg); break;
		case 'e': o->vec_entries = (unsigned)num(argv[0], optarg); break;
		case 'T': o->irq_time = true; break;
		case 'w': o->hold_fifo = optarg; break;
		case 'P': o->flows = (int)num(argv[0], optarg); break;
		case 'B': o->rx_buf_len = (unsigned)num(argv[0], optarg); break;
		case 's': o->udp_size = (unsigned)num(argv[0], optarg); break;
		default: usage(argv[0]);
		}
	}
	if (m < 0 || o->port <= 0 || o->port > 65535 || optind != argc)
		usage(argv[0]);
	o->mode = (enum mode)m;
	if ((o->mode == M_ZC || o->mode == M_ZC_VEC || o->mode == M_UDP_ZC) &&
	    (!o->ifname || o->queue < 0)) {
		fprintf(stderr, "%s: mode %s needs -i IFACE -q QUEUE\n", argv[0],
			mode_names[o->mode]);
		usage(argv[0]);
	}
	if (o->rx_buf_len && (o->mode != M_ZC && o->mode != M_ZC_VEC)) {
		fprintf(stderr, "%s: -B is for modes zc and zc_vec\n", argv[0]);
		exit(2);
	}
	if (o->flows < 1 || o->flows > MAX_FLOWS) {
		fprintf(stderr, "%s: -P must be 1..%d\n", argv[0], MAX_FLOWS);
		exit(2);
	}
	if (!o->vec_entries || o->vec_entries > MAX_VEC_ENTRIES) {
		fprintf(stderr, "%s: -e must be 1..%u\n", argv[0], MAX_VEC_ENTRIES);
		exit(2);
	}
	if (!o->buf_len || o->buf_len % page_size || o->buf_len > (1U << 30)) {
		fprintf(stderr, "%s: -b must be a multiple of %zu, at most 1 GiB\n",
			argv[0], page_size);
		exit(2);
	}
	if (!o->area_len || o->area_len / page_size > MAX_RQ_ENTRIES) {
		fprintf(stderr, "%s: -A must be 1..%zu MiB\n", argv[0],
			(size_t)(MAX_RQ_ENTRIES * page_size / MIB));
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct result r = { 0 };
	double t0, cpu0, t1, cpu1, busy, core_busy, sirq, sirq_ticks;
	int core;
	struct cpu_stat st0, st1;
	struct io_uring ring;
	struct zcrx z = { 0 };
	struct vec_bufs vb = { 0 };
	bool uring, zcrx, udp;
	struct opts o;
	int lfd = -1;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	parse_opts(argc, argv, &o);
	udp = o.mode >= M_UDP_MMSG;
	zcrx = o.mode == M_ZC_COPY || o.mode == M_ZC || o.mode == M_ZC_VEC ||
	       o.mode == M_UDP_ZC_COPY || o.mode == M_UDP_ZC;
	uring = o.mode == M_URING_RECV || o.mode == M_UDP_RECVMSG || zcrx;

	/* everything that is not receiving happens before the peer connects */
	if (uring)
		ring_setup(&ring, zcrx);
	if (zcrx)
		zcrx_register(&ring, &o, &z);
	if (o.mode == M_ZC_VEC)
		vec_setup(&ring, &o, &vb);
	if (udp) {
		struct pollfd pfd;

		/* the interval starts once the first datagram is there */
		flows[0].fd = udp_socket(o.port);
		pfd.fd = flows[0].fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, -1) < 0)
			fail("poll");
	} else {
		lfd = listen_on(o.port);
		/* the interval starts once the first flow is there */
		flows[0].fd = accept(lfd, NULL, NULL);
		if (flows[0].fd < 0)
			fail("accept");
	}
	nr_flows = 1;

	t0 = now();
	cpu0 = proc_cpu();
	read_stat(&st0);
	for (; !udp && nr_flows < o.flows; nr_flows++) {
		flows[nr_flows].fd = accept(lfd, NULL, NULL);
		if (flows[nr_flows].fd < 0)
			fail("accept");
	}
	switch (o.mode) {
	case M_EPOLL: rx_epoll(&o, &r); break;
	case M_TCP_ZC: rx_tcp_zc(&o, &r); break;
	case M_URING_RECV: rx_uring_recv(&ring, &o, &r); break;
	case M_ZC_COPY:
	case M_ZC: rx_zc(&ring, &z, &r); break;
	case M_ZC_VEC: rx_zc_vec(&ring, &z, &vb, &r); break;
	case M_UDP_MMSG: rx_udp_mmsg(&o, &r); break;
	case M_UDP_RECVMSG: rx_udp_recvmsg(&ring, &o, &r); break;
	case M_UDP_ZC_COPY:
	case M_UDP_ZC: rx_udp_zc(&ring, &z, &o, &r); break;
	}
	t1 = now();
	cpu1 = proc_cpu();
	read_stat(&st1);
	core = sched_getcpu();
	/* busy = interval - idle: the interval the counters were read over */
	cpu_delta(&st0, &st1, t1 - t0, o.irq_time, core, &busy, &core_busy, &sirq,
		  &sirq_ticks);
	/* UDP: the rate is up to the last datagram, not the idle wait after it */
	if (udp && udp_last)
		t1 = udp_last;

	if (zcrx)
		zcrx_counters(ring.ring_fd, &r);
	printf("mode=%s flows=%d bytes=%llu secs=%.6f rx_cpu=%.3f softirq=%.3f softirq_ticks=%.2f "
	       "all_cpu=%.3f core=%d core_cpu=%.3f cqes=%llu entries=%llu copied=%lld zc=%lld verified=%llu "
	       "syscalls=%llu cq_overflow=%u rq_pending_avg=%.1f rq_pending_max=%u"
	       " dgrams=%llu lost=%llu\n",
	       mode_names[o.mode], nr_flows, r.bytes, t1 - t0, cpu1 - cpu0, sirq, sirq_ticks,
	       busy, core, core_busy, r.cqes, r.entries, r.copied, r.zc, r.verified, nr_syscalls,
	       uring ? *ring.cq.koverflow : 0,
	       r.rq_waits ? (double)r.rq_pending_sum / (double)r.rq_waits : 0.0,
	       r.rq_pending_max, r.dgrams, r.lost);
	fflush(stdout);
	if (o.hold_fifo) {
		char c;
		int hfd = open(o.hold_fifo, O_RDONLY);

		/* the other end writes a line, or goes away: go on either way */
		if (hfd < 0)
			fail(o.hold_fifo);
		while (read(hfd, &c, 1) == 1 && c != '\n')
			;
		close(hfd);
	}
	for (int i = 0; i < nr_flows; i++)
		close(flows[i].fd);
	if (lfd >= 0)
		close(lfd);
	if (uring)
		io_uring_queue_exit(&ring);
	if (udp && !r.dgrams) {
		fprintf(stderr, "bench-rx: no datagrams\n");
		return 1;
	}
	/* UDP: what did not arrive is counted as lost, not an error */
	if (!udp && o.expect && r.bytes != o.expect) {
		fprintf(stderr, "bench-rx: expected %llu bytes, got %llu\n", o.expect,
			r.bytes);
		return 1;
	}
	return 0;
}
