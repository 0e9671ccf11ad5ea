// SPDX-License-Identifier: GPL-2.0
/*
 * A zero-copy receive program written only against mainline 7.3's zcrx ABI
 * (docs/uapi-notes.md, "Mainline 7.x control plane"): Debian's own
 * <linux/io_uring.h> for the ring basics, raw syscalls, every zcrx layout
 * and number spelled out below. In order, it
 *
 *  1. asks the kernel what it offers (IORING_REGISTER_QUERY on fd -1, the
 *     opcode, zcrx and zcrx event answers in one chained call), skips
 *     (exit 4) when the query or a needed feature is missing, and sizes
 *     the refill region from the answer;
 *  2. registers a copy-mode ifq (ZCRX_REG_NODEV, a small user-memory area,
 *     a user-memory refill region) with an event descriptor: COPY and
 *     ALLOC_FAIL events, statistics after the refill entries;
 *  3. receives a 64 MiB loopback TCP stream with multishot RECV_ZC, checks
 *     every byte and returns buffers only through ZCRX_CTRL_FLUSH_RQ;
 *  4. checks the events (one per arming, re-armed with ARM_EVENT, -EINVAL
 *     while armed) and the statistics (every byte copied);
 *  5. exports the ifq, imports it into a second ring, receives there
 *     (events still go to the first ring), closes the export fd and the
 *     first ring, and goes on receiving on the second;
 *  6. adds a second area, holds every buffer of the first so that data has
 *     to land in the second, checks it, and returns everything.
 *
 * Anything unexpected ends it with a message on stderr and exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/pattern.h"
#include "../lib/uring.h"

/* ---- The mainline ABI, from its documented numbers and layouts only ---- */

#define OP_RECV_ZC			58
#define REGISTER_ZCRX_IFQ		32
#define REGISTER_QUERY			35
#define REGISTER_ZCRX_CTRL		36
#define ZCRX_AREA_SHIFT			48
#define ZCRX_AREA_MASK			(~((1ULL << ZCRX_AREA_SHIFT) - 1))
#define MEM_REGION_TYPE_USER		1	/* region_desc.flags: user memory */

#define ZCRX_REG_IMPORT			1
#define ZCRX_REG_NODEV			2

#define QUERY_OPCODES			0
#define QUERY_ZCRX			1
#define QUERY_ZCRX_EVENT		3

#define ZCRX_FEATURE_EVENT		(1U << 1)

#define ZCRX_CTRL_FLUSH_RQ		0
#define ZCRX_CTRL_EXPORT		1
#define ZCRX_CTRL_ARM_EVENT		2
#define ZCRX_CTRL_ADD_AREA		3
#define NR_CTRL_OPCODES			4

#define ZCRX_EVENT_ALLOC_FAIL		0
#define ZCRX_EVENT_COPY			1
#define ZCRX_EVENT_DESC_FLAG_STATS	(1U << 0)

struct region_desc { uint64_t user_addr, size; uint32_t flags, id;
		     uint64_t mmap_offset, resv[4]; };
struct zcrx_area_reg { uint64_t addr, len, rq_area_token; uint32_t flags,
		       dmabuf_fd; uint64_t resv2[2]; };
struct zcrx_offsets { uint32_t head, tail, rqes, resv2; uint64_t resv[2]; };
struct zcrx_ifq_reg { uint32_t if_idx, if_rxq, rq_entries, flags;
		      uint64_t area_ptr, region_ptr; struct zcrx_offsets offsets;
		      uint32_t zcrx_id, rx_buf_len; uint64_t event_desc, resv[2]; };
struct zcrx_rqe { uint64_t off; uint32_t len, pad; };
struct zcrx_cqe { uint64_t off, pad; };

struct query_hdr { uint64_t next_entry, query_data; uint32_t query_op, size;
		   int32_t result; uint32_t resv[3]; };
struct query_opcode { uint32_t nr_request_opcodes, nr_register_opcodes;
		      uint64_t feature_flags, ring_setup_flags, enter_flags,
		      sqe_flags; uint32_t nr_query_opcodes, pad; };
struct query_zcrx { uint64_t register_flags, area_flags;
		    uint32_t nr_ctrl_opcodes, features, rq_hdr_size,
		    rq_hdr_alignment; uint64_t resv2; };
struct query_zcrx_event { uint32_t event_flags, stats_size,
			  stats_off_alignment, resv1; uint64_t resv2[4]; };

struct zcrx_ctrl {
	uint32_t zcrx_id, op;
	uint64_t resv[2];
	union {
		struct { uint32_t zcrx_fd, resv1[11]; } zc_export;
		struct { uint64_t resv[6]; } zc_flush;
		struct { uint32_t event_type, resv[11]; } zc_arm_event;
		struct { uint64_t area_ptr, resv[5]; } zc_area;
	};
};
struct zcrx_event_desc { uint64_t user_data; uint32_t type_mask, flags;
			 uint64_t stats_offset, resv2[9]; };
struct zcrx_stats { uint64_t copy_count, copy_bytes; };

_Static_assert(sizeof(struct region_desc) == 64, "region_desc");
_Static_assert(sizeof(struct zcrx_area_reg) == 48, "area_reg");
_Static_assert(sizeof(struct zcrx_offsets) == 32, "offsets");
_Static_assert(sizeof(struct zcrx_ifq_reg) == 96, "ifq_reg");
_Static_assert(offsetof(struct zcrx_ifq_reg, offsets) == 32, "ifq_reg.offsets");
_Static_assert(offsetof(struct zcrx_ifq_reg, zcrx_id) == 64, "ifq_reg.zcrx_id");
_Static_assert(offsetof(struct zcrx_ifq_reg, event_desc) == 72, "ifq_reg.event_desc");
_Static_assert(sizeof(struct zcrx_rqe) == 16, "rqe");
_Static_assert(sizeof(struct zcrx_cqe) == 16, "zcrx_cqe");
_Static_assert(sizeof(struct query_hdr) == 40, "query_hdr");
_Static_assert(offsetof(struct query_hdr, query_op) == 16, "query_hdr.query_op");
_Static_assert(offsetof(struct query_hdr, result) == 24, "query_hdr.result");
_Static_assert(sizeof(struct query_opcode) == 48, "query_opcode");
_Static_assert(offsetof(struct query_opcode, nr_query_opcodes) == 40, "nr_query_opcodes");
_Static_assert(sizeof(struct query_zcrx) == 40, "query_zcrx");
_Static_assert(offsetof(struct query_zcrx, nr_ctrl_opcodes) == 16, "nr_ctrl_opcodes");
_Static_assert(offsetof(struct query_zcrx, rq_hdr_size) == 24, "rq_hdr_size");
_Static_assert(sizeof(struct query_zcrx_event) == 48, "query_zcrx_event");
_Static_assert(sizeof(struct zcrx_ctrl) == 72, "zcrx_ctrl");
_Static_assert(offsetof(struct zcrx_ctrl, zc_export) == 24, "zcrx_ctrl union");
_Static_assert(sizeof(((struct zcrx_ctrl *)0)->zc_export) == 48, "zc_export");
_Static_assert(sizeof(((struct zcrx_ctrl *)0)->zc_flush) == 48, "zc_flush");
_Static_assert(sizeof(((struct zcrx_ctrl *)0)->zc_arm_event) == 48, "zc_arm_event");
_Static_assert(sizeof(((struct zcrx_ctrl *)0)->zc_area) == 48, "zc_area");
_Static_assert(sizeof(struct zcrx_event_desc) == 96, "event_desc");
_Static_assert(offsetof(struct zcrx_event_desc, stats_offset) == 16, "stats_offset");
_Static_assert(sizeof(struct zcrx_stats) == 16, "stats");
_Static_assert(offsetof(struct io_uring_sqe, file_index) == 44, "sqe zcrx_ifq_idx");
_Static_assert(sizeof(struct io_uring_cqe) == 16, "cqe");

/* ---- The test's own choices ---- */

#define SETUP_FLAGS	(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | \
			 IORING_SETUP_CQE32)
#define RING_ENTRIES	128	/* 256 CQEs: more than every buffer plus events */
#define RQ_ENTRIES	128	/* more than the buffers of both areas */
#define AREA0_PAGES	32
#define AREA1_PAGES	16
#define STREAM1		(64ULL << 20)
#define STREAM2		(8ULL << 20)
#define STREAM2_PART_A	(STREAM2 / 2)
#define STREAM3		(2ULL << 20)
#define REARM_EVERY	(16ULL << 20)	/* stream 1: re-arm COPY at 16, 32, 48 MiB */
#define EVENT_UD	0x7a63727845564e54ULL	/* "zcrxEVNT" */
#define RECV_UD		0x52454356ULL		/* + ring number */
#define EVENT_WAIT_MS	30000
#define TIMEOUT_S	600
#define MAX_HELD	1024

#define STR_(x)		#x
#define STR(x)		STR_(x)
#define ALIGN_UP(x, a)	(((x) + (a) - 1) / (a) * (a))

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "zcrx-uapi-73: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void skip(const char *fmt, ...)
{
	va_list ap;

	printf("zcrx-uapi-73: SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(4);
}

static void on_alarm(int sig)
{
	static const char msg[] = "zcrx-uapi-73: FAIL: not done after " STR(TIMEOUT_S) " s "
				  "(a receive or an event never came)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* io_uring_register(); 0 or more on success, -errno on failure. */
static int uring_register(int fd, unsigned int op, void *arg, unsigned int nr)
{
	int ret = sys_io_uring_register(fd, op, arg, nr);

	return ret < 0 ? -errno : ret;
}

static int zcrx_ctrl(int ring_fd, struct zcrx_ctrl *ctrl)
{
	return uring_register(ring_fd, REGISTER_ZCRX_CTRL, ctrl, 0);
}

static const char *err(int neg)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s (errno %d)", strerror(-neg), -neg);
	return buf;
}

static long pg;

/* ---- The shared state: areas, refill queue, events ---- */

struct area {
	uint8_t *mem;
	uint64_t len, token;
};

static struct {
	struct area area[2];
	int nr_areas;
	/* refill queue, in the user-memory region; one producer: us */
	uint32_t *khead, *ktail;
	struct zcrx_rqe *rqes;
	uint32_t rq_entries, rq_tail;
	struct zcrx_stats *stats;
	/* where FLUSH_RQ goes: a ring holding the ifq and its zcrx_id there */
	int flush_fd;
	uint32_t flush_id;
	/* events: the ring that created the ifq (its zcrx_id), and what is armed */
	struct ring *event_ring;
	uint32_t event_id;
	bool armed[2];
	uint64_t events[2];
	/* totals over every stream */
	uint64_t bytes, data_cqes, flushes;
} g;

static const char *const ev_name[2] = { "ALLOC_FAIL", "COPY" };

static void rq_flush(void)
{
	struct zcrx_ctrl ctrl = { .zcrx_id = g.flush_id, .op = ZCRX_CTRL_FLUSH_RQ };
	uint32_t head;
	int ret;

	__atomic_store_n(g.ktail, g.rq_tail, __ATOMIC_RELEASE);
	ret = zcrx_ctrl(g.flush_fd, &ctrl);
	if (ret)
		die("ZCRX_CTRL_FLUSH_RQ (zcrx_id %u): %s", g.flush_id, err(ret));
	head = __atomic_load_n(g.khead, __ATOMIC_ACQUIRE);
	if (head != g.rq_tail)
		die("after ZCRX_CTRL_FLUSH_RQ the refill head is %u, the tail %u", head,
		    g.rq_tail);
	g.flushes++;
}

/* Queue one refill entry (published and flushed by rq_flush()). */
static void rq_push(uint64_t off, uint32_t len)
{
	if (g.rq_tail - __atomic_load_n(g.khead, __ATOMIC_ACQUIRE) >= g.rq_entries)
		rq_flush();
	g.rqes[g.rq_tail & (g.rq_entries - 1)] = (struct zcrx_rqe){ .off = off, .len = len };
	g.rq_tail++;
}

static void arm_event(int type)
{
	struct zcrx_ctrl ctrl = { .zcrx_id = g.event_id, .op = ZCRX_CTRL_ARM_EVENT };
	int ret;

	ctrl.zc_arm_event.event_type = type;
	ret = zcrx_ctrl(g.event_ring->fd, &ctrl);
	if (ret)
		die("ZCRX_CTRL_ARM_EVENT %s (not armed): %s", ev_name[type], err(ret));
	g.armed[type] = true;
}

/* ARM_EVENT of a type that is armed and has not fired since: -EINVAL. */
static void arm_event_armed(int type)
{
	struct zcrx_ctrl ctrl = { .zcrx_id = g.event_id, .op = ZCRX_CTRL_ARM_EVENT };
	int ret;

	ctrl.zc_arm_event.event_type = type;
	ret = zcrx_ctrl(g.event_ring->fd, &ctrl);
	if (ret != -EINVAL)
		die("ZCRX_CTRL_ARM_EVENT %s while armed: %s, expected -EINVAL", ev_name[type],
		    ret ? err(ret) : "success");
}

static bool is_event(const struct io_uring_cqe *cqe)
{
	return cqe->user_data == EVENT_UD;
}

static void handle_event(struct ring *r, const struct io_uring_cqe *cqe)
{
	const struct zcrx_cqe *big = (const struct zcrx_cqe *)(cqe + 1);

	if (r != g.event_ring)
		die("an event CQE (res %d) on a ring that did not create the ifq", cqe->res);
	if (cqe->res != ZCRX_EVENT_COPY && cqe->res != ZCRX_EVENT_ALLOC_FAIL)
		die("event CQE with res %d, expected an event type", cqe->res);
	if (cqe->flags || big->off || big->pad)
		die("%s event CQE: flags 0x%x, second half 0x%llx 0x%llx; expected all 0",
		    ev_name[cqe->res], cqe->flags, (unsigned long long)big->off,
		    (unsigned long long)big->pad);
	if (!g.armed[cqe->res])
		die("a second %s event CQE (%llu before) without a re-arm",
		    ev_name[cqe->res], (unsigned long long)g.events[cqe->res]);
	g.armed[cqe->res] = false;
	g.events[cqe->res]++;
}

/* Poll the event ring (no requests on it) until `type` has fired `count` times. */
static void wait_events(int type, uint64_t count)
{
	struct ring *r = g.event_ring;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct io_uring_cqe *cqe;

	for (int ms = 0; g.events[type] < count; ms += 10) {
		int ret = sys_io_uring_enter(r->fd, 0, 0, IORING_ENTER_GETEVENTS);

		if (ret < 0 && errno != EINTR)
			die("io_uring_enter (event ring): %s", err(-errno));
		while ((cqe = ring_peek_cqe(r))) {
			if (!is_event(cqe))
				die("CQE user_data 0x%llx res %d on the event ring, expected an event",
				    (unsigned long long)cqe->user_data, cqe->res);
			handle_event(r, cqe);
			ring_cqe_seen(r);
		}
		if (g.events[type] >= count)
			break;
		if (ms >= EVENT_WAIT_MS)
			die("%s event %llu did not arrive within %d s", ev_name[type],
			    (unsigned long long)count, EVENT_WAIT_MS / 1000);
		nanosleep(&ts, NULL);
	}
}

static void check_stats(const char *when)
{
	uint64_t count = __atomic_load_n(&g.stats->copy_count, __ATOMIC_ACQUIRE);
	uint64_t bytes = __atomic_load_n(&g.stats->copy_bytes, __ATOMIC_ACQUIRE);

	if (bytes != g.bytes)
		die("%s: zcrx_stats.copy_bytes %llu, but %llu bytes were received (all copied)",
		    when, (unsigned long long)bytes, (unsigned long long)g.bytes);
	if (!count || count > g.data_cqes)
		die("%s: zcrx_stats.copy_count %llu, expected 1..%llu (the data CQEs)", when,
		    (unsigned long long)count, (unsigned long long)g.data_cqes);
	printf("  stats %s: copy_count %llu, copy_bytes %llu (%llu data CQEs)\n", when,
	       (unsigned long long)count, (unsigned long long)bytes,
	       (unsigned long long)g.data_cqes);
}

/* ---- The sender: a child forked before any ring exists ---- */

static int send_stream(uint16_t port, uint64_t total)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = port,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	static uint8_t buf[65536];
	uint64_t off = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("zcrx-uapi-73: sender: connect");
		return 1;
	}
	while (off < total) {
		size_t n = total - off < sizeof(buf) ? total - off : sizeof(buf);
		ssize_t w;

		pattern_fill(buf, n, off);
		for (size_t done = 0; done < n; done += w) {
			w = send(fd, buf + done, n - done, 0);
			if (w <= 0) {
				perror("zcrx-uapi-73: sender: send");
				return 1;
			}
		}
		off += n;
	}
	close(fd);
	return 0;
}

/* Reads stream lengths from the pipe; one connection each; 0 ends. */
static int sender(int cmd_fd, uint16_t port)
{
	uint64_t len;

	for (;;) {
		if (read(cmd_fd, &len, sizeof(len)) != sizeof(len))
			return 1;
		if (!len)
			return 0;
		if (send_stream(port, len))
			return 1;
	}
}

static int cmd_fd, listen_fd;

static int new_stream(uint64_t len)
{
	int fd;

	if (write(cmd_fd, &len, sizeof(len)) != sizeof(len))
		die("write to the sender: %s", err(-errno));
	fd = accept(listen_fd, NULL, NULL);
	if (fd < 0)
		die("accept: %s", err(-errno));
	return fd;
}

/* ---- Receiving ---- */

struct held {
	uint64_t off;		/* in area 0 */
	uint32_t len;
	uint64_t stream_off;
};

struct stream {
	const char *name;
	struct ring *r;
	uint32_t zcrx_id;
	uint64_t ud;
	int sock;
	uint64_t total, got, cqes, endings;
	uint64_t area_bytes[2];
	bool inflight, eof;
	/* stream 1: re-arm COPY every REARM_EVERY bytes */
	bool rearm_copy;
	uint64_t next_rearm, rearms;
	/* step 6: keep every buffer of area 0 */
	bool hold_area0;
	struct held held[MAX_HELD];
	int nr_held;
};

static void hold_buffer(struct stream *s, uint64_t off, uint32_t len)
{
	for (int i = 0; i < s->nr_held; i++) {
		struct held *h = &s->held[i];

		if (off < h->off + h->len && h->off < off + len)
			die("%s: area 0 range %llu+%u handed out again while held (%llu+%u)",
			    s->name, (unsigned long long)off, len,
			    (unsigned long long)h->off, h->len);
	}
	if (s->nr_held == MAX_HELD)
		die("%s: more than %d area 0 buffers held", s->name, MAX_HELD);
	s->held[s->nr_held++] = (struct held){ off, len, s->got };
}

static void data_cqe(struct stream *s, const struct io_uring_cqe *cqe)
{
	const struct zcrx_cqe *zc = (const struct zcrx_cqe *)(cqe + 1);
	uint64_t id = zc->off >> ZCRX_AREA_SHIFT, off = zc->off & ~ZCRX_AREA_MASK;
	uint32_t len = cqe->res;
	struct area *a;
	long bad;

	if (id >= (uint64_t)g.nr_areas || (zc->off & ZCRX_AREA_MASK) != g.area[id].token)
		die("%s: CQE offset 0x%llx names area %llu, there are %d", s->name,
		    (unsigned long long)zc->off, (unsigned long long)id, g.nr_areas);
	a = &g.area[id];
	if (off >= a->len || len > a->len - off)
		die("%s: CQE %llu+%u past the end of area %llu (%llu bytes)", s->name,
		    (unsigned long long)off, len, (unsigned long long)id,
		    (unsigned long long)a->len);
	if (len > s->total - s->got)
		die("%s: %u more bytes after %llu of a %llu byte stream", s->name, len,
		    (unsigned long long)s->got, (unsigned long long)s->total);
	bad = pattern_check(a->mem + off, len, s->got);
	if (bad >= 0)
		die("%s: bad byte at stream offset %llu (area %llu offset %llu)", s->name,
		    (unsigned long long)(s->got + bad), (unsigned long long)id,
		    (unsigned long long)(off + bad));
	if (s->hold_area0 && id == 0)
		hold_buffer(s, off, len);
	else
		rq_push(a->token | off, len);
	s->got += len;
	s->cqes++;
	s->area_bytes[id] += len;
	g.bytes += len;
	g.data_cqes++;
}

/*
 * Receive on s->r until s->got >= until (the request stays armed: a
 * pause) or, with until at the stream's length, until its end: the
 * request's last CQE (res 0, no F_MORE) is reaped here, not left for
 * whoever looks at the ring next. Buffers go back through FLUSH_RQ after
 * every batch of completions.
 */
static void receive(struct stream *s, uint64_t until)
{
	int noprogress = 0;

	while (!s->eof && (s->got < until || until >= s->total)) {
		struct io_uring_cqe *cqe;
		uint64_t before = s->got;
		int ret;

		if (!s->inflight) {
			struct io_uring_sqe *sqe = ring_get_sqe(s->r);

			if (!sqe)
				die("%s: no free SQE", s->name);
			sqe->opcode = OP_RECV_ZC;
			sqe->fd = s->sock;
			sqe->ioprio = IORING_RECV_MULTISHOT;
			sqe->file_index = s->zcrx_id;	/* zcrx_ifq_idx: same offset */
			sqe->user_data = s->ud;
			s->inflight = true;
		}
		ret = ring_submit_wait(s->r, 1);
		if (ret < 0 && ret != -EINTR)
			die("%s: io_uring_enter: %s", s->name, err(ret));
		while ((cqe = ring_peek_cqe(s->r))) {
			bool more = cqe->flags & IORING_CQE_F_MORE;
			int res = cqe->res;

			if (is_event(cqe)) {
				handle_event(s->r, cqe);
				ring_cqe_seen(s->r);
				continue;
			}
			if (cqe->user_data != s->ud)
				die("%s: CQE with user_data 0x%llx res %d", s->name,
				    (unsigned long long)cqe->user_data, res);
			if (!s->inflight)
				die("%s: a CQE (res %d) after the request ended", s->name, res);
			if (!more)
				s->inflight = false;
			if (res > 0) {
				data_cqe(s, cqe);
			} else if (!res) {
				s->eof = !more;	/* with F_MORE: nothing, as for mainline */
			} else if ((res == -ENOMEM || res == -ENOSPC) && !more) {
				/* the area or the CQ ran out: re-arm */
				s->endings++;
			} else {
				die("%s: RECV_ZC completion: %s (flags 0x%x)", s->name, err(res),
				    cqe->flags);
			}
			ring_cqe_seen(s->r);
		}
		if (g.rq_tail != __atomic_load_n(g.ktail, __ATOMIC_RELAXED))
			rq_flush();
		/* an ending with nothing received since the last one: stuck */
		if (s->got == before && !s->inflight && !s->eof) {
			if (++noprogress > 50)
				die("%s: RECV_ZC keeps ending without data (%llu of %llu bytes, "
				    "%d area 0 buffers held)", s->name, (unsigned long long)s->got,
				    (unsigned long long)s->total, s->nr_held);
		} else if (s->got != before) {
			noprogress = 0;
		}
		if (s->rearm_copy && !s->eof && s->got >= s->next_rearm &&
		    s->next_rearm < s->total) {
			if (g.armed[ZCRX_EVENT_COPY])
				die("%s: no COPY event for %llu MiB copied since it was armed",
				    s->name, (unsigned long long)(REARM_EVERY >> 20));
			arm_event(ZCRX_EVENT_COPY);
			arm_event_armed(ZCRX_EVENT_COPY);
			s->rearms++;
			s->next_rearm += REARM_EVERY;
		}
	}
	if (s->eof && s->got != s->total)
		die("%s: end of stream after %llu of %llu bytes", s->name,
		    (unsigned long long)s->got, (unsigned long long)s->total);
}

static void stream_init(struct stream *s, const char *name, struct ring *r, uint32_t id,
			uint64_t ud, uint64_t total)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->r = r;
	s->zcrx_id = id;
	s->ud = ud;
	s->total = total;
	s->sock = new_stream(total);
}

static void stream_report(const struct stream *s)
{
	printf("%s: %llu bytes in %llu CQEs (area 0: %llu, area 1: %llu bytes), "
	       "%llu ENOMEM/ENOSPC re-arms\n", s->name, (unsigned long long)s->got,
	       (unsigned long long)s->cqes, (unsigned long long)s->area_bytes[0],
	       (unsigned long long)s->area_bytes[1], (unsigned long long)s->endings);
}

/* ---- Step 1: the query ---- */

struct answers {
	struct query_opcode op;
	struct query_zcrx zcrx;
	struct query_zcrx_event ev;
};

/* The answer is result 0, size 1..want, the rest of the buffer zeroed. */
static int answer_ok(const char *what, const struct query_hdr *h, const void *ans,
		     uint32_t want)
{
	if (h->result)
		return h->result;
	if (!h->size || h->size > want)
		die("query %s: result 0 with size %u (asked %u)", what, h->size, want);
	for (uint32_t i = h->size; i < want; i++)
		if (((const uint8_t *)ans)[i])
			die("query %s: answer of %u bytes, byte %u of %u not zeroed", what,
			    h->size, i, want);
	return 0;
}

static bool pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static void query(struct answers *a)
{
	struct query_hdr h[3];
	int ret;

	memset(h, 0, sizeof(h));
	memset(a, 0xa5, sizeof(*a));	/* what the kernel does not write shows */
	h[0] = (struct query_hdr){ .next_entry = (uintptr_t)&h[1],
		.query_data = (uintptr_t)&a->op, .query_op = QUERY_OPCODES,
		.size = sizeof(a->op) };
	h[1] = (struct query_hdr){ .next_entry = (uintptr_t)&h[2],
		.query_data = (uintptr_t)&a->zcrx, .query_op = QUERY_ZCRX,
		.size = sizeof(a->zcrx) };
	h[2] = (struct query_hdr){ .next_entry = 0,
		.query_data = (uintptr_t)&a->ev, .query_op = QUERY_ZCRX_EVENT,
		.size = sizeof(a->ev) };
	ret = uring_register(-1, REGISTER_QUERY, h, 0);
	if (ret == -EINVAL)
		skip("IORING_REGISTER_QUERY not supported (-EINVAL)");
	if (ret)
		die("IORING_REGISTER_QUERY (fd -1): %s", ret < 0 ? err(ret) : "positive return");

	ret = answer_ok("OPCODES", &h[0], &a->op, sizeof(a->op));
	if (ret)
		die("query OPCODES: result %s", err(ret));
	ret = answer_ok("ZCRX", &h[1], &a->zcrx, sizeof(a->zcrx));
	if (ret == -EOPNOTSUPP)
		skip("query ZCRX not answered (-EOPNOTSUPP)");
	if (ret)
		die("query ZCRX: result %s", err(ret));
	ret = answer_ok("ZCRX_EVENT", &h[2], &a->ev, sizeof(a->ev));
	if (ret == -EOPNOTSUPP)
		skip("query ZCRX_EVENT not answered (-EOPNOTSUPP)");
	if (ret)
		die("query ZCRX_EVENT: result %s", err(ret));

	printf("query: %u request, %u register, %u query opcodes; zcrx register_flags 0x%llx "
	       "area_flags 0x%llx, %u ctrl opcodes, features 0x%x, rq header %u bytes aligned "
	       "to %u; events 0x%x, stats %u bytes aligned to %u\n",
	       a->op.nr_request_opcodes, a->op.nr_register_opcodes, a->op.nr_query_opcodes,
	       (unsigned long long)a->zcrx.register_flags,
	       (unsigned long long)a->zcrx.area_flags, a->zcrx.nr_ctrl_opcodes,
	       a->zcrx.features, a->zcrx.rq_hdr_size, a->zcrx.rq_hdr_alignment,
	       a->ev.event_flags, a->ev.stats_size, a->ev.stats_off_alignment);

	/* what this program needs; without it a mainline program would not go on */
	if (!(a->zcrx.register_flags & ZCRX_REG_NODEV))
		skip("zcrx register_flags 0x%llx lack ZCRX_REG_NODEV",
		     (unsigned long long)a->zcrx.register_flags);
	if (!(a->zcrx.register_flags & ZCRX_REG_IMPORT))
		skip("zcrx register_flags 0x%llx lack ZCRX_REG_IMPORT",
		     (unsigned long long)a->zcrx.register_flags);
	if (a->zcrx.nr_ctrl_opcodes < NR_CTRL_OPCODES)
		skip("zcrx has %u ctrl opcodes, need %d (ADD_AREA)", a->zcrx.nr_ctrl_opcodes,
		     NR_CTRL_OPCODES);
	if (!(a->zcrx.features & ZCRX_FEATURE_EVENT))
		skip("zcrx features 0x%x lack ZCRX_FEATURE_EVENT", a->zcrx.features);
	if ((a->ev.event_flags & (1U << ZCRX_EVENT_COPY | 1U << ZCRX_EVENT_ALLOC_FAIL)) !=
	    (1U << ZCRX_EVENT_COPY | 1U << ZCRX_EVENT_ALLOC_FAIL))
		skip("zcrx event_flags 0x%x lack COPY or ALLOC_FAIL", a->ev.event_flags);
	if (a->ev.stats_size < sizeof(struct zcrx_stats))
		skip("zcrx event stats_size %u: no struct zcrx_stats", a->ev.stats_size);

	/* answers that contradict each other or the ABI */
	if (a->op.nr_request_opcodes <= OP_RECV_ZC)
		die("query: %u request opcodes, but zcrx is offered (RECV_ZC is %d)",
		    a->op.nr_request_opcodes, OP_RECV_ZC);
	if (a->op.nr_register_opcodes <= REGISTER_ZCRX_CTRL)
		die("query: %u register opcodes, but zcrx ctrl is offered (ZCRX_CTRL is %d)",
		    a->op.nr_register_opcodes, REGISTER_ZCRX_CTRL);
	if (a->op.nr_query_opcodes <= QUERY_ZCRX_EVENT)
		die("query: %u query opcodes, but ZCRX_EVENT (%d) was answered",
		    a->op.nr_query_opcodes, QUERY_ZCRX_EVENT);
	if ((a->op.ring_setup_flags & SETUP_FLAGS) != SETUP_FLAGS)
		die("query: ring_setup_flags 0x%llx lack DEFER_TASKRUN/SINGLE_ISSUER/CQE32",
		    (unsigned long long)a->op.ring_setup_flags);
	if (!(a->op.enter_flags & IORING_ENTER_GETEVENTS))
		die("query: enter_flags 0x%llx lack GETEVENTS",
		    (unsigned long long)a->op.enter_flags);
	if (!a->zcrx.rq_hdr_size || !pow2(a->zcrx.rq_hdr_alignment))
		die("query: rq_hdr_size %u, rq_hdr_alignment %u (not a power of two)",
		    a->zcrx.rq_hdr_size, a->zcrx.rq_hdr_alignment);
	if (a->ev.stats_off_alignment && !pow2(a->ev.stats_off_alignment))
		die("query: stats_off_alignment %u is not a power of two",
		    a->ev.stats_off_alignment);
}

/* ---- main ---- */

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes: %s", len, err(-errno));
	return p;
}

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	struct zcrx_area_reg area0 = {}, area1 = {};
	struct zcrx_event_desc ed = {};
	struct zcrx_ifq_reg reg = {}, reg2 = {};
	struct region_desc rd = {};
	struct zcrx_ctrl ctrl;
	static struct stream s1, s2, s3;
	struct ring ring1, ring2;
	uint64_t rq_end, stats_off, region_len, salign, rearms_expected, zero = 0;
	struct answers q;
	int pipefd[2], status, ret, xfd;
	uint8_t *region;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pg = sysconf(_SC_PAGESIZE);

	/* 1. the query, and the refill region sized from its answer */
	query(&q);
	salign = q.ev.stats_off_alignment > 8 ? q.ev.stats_off_alignment : 8;
	rq_end = ALIGN_UP((uint64_t)q.zcrx.rq_hdr_size, q.zcrx.rq_hdr_alignment) +
		 RQ_ENTRIES * sizeof(struct zcrx_rqe);
	stats_off = ALIGN_UP(rq_end, salign);
	region_len = ALIGN_UP(stats_off + q.ev.stats_size, (uint64_t)pg);

	/* the sender, forked before any ring, so that it holds none */
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(listen_fd, 4) || getsockname(listen_fd, (struct sockaddr *)&sa, &salen))
		die("listen on 127.0.0.1: %s", err(-errno));
	if (pipe(pipefd))
		die("pipe: %s", err(-errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", err(-errno));
	if (!pid) {
		close(pipefd[1]);
		close(listen_fd);
		_exit(sender(pipefd[0], sa.sin_port));
	}
	close(pipefd[0]);
	cmd_fd = pipefd[1];
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(TIMEOUT_S);

	/* 2. ring 1 and a copy-mode ifq with an event descriptor */
	ret = ring_init(&ring1, RING_ENTRIES, SETUP_FLAGS);
	if (ret)
		die("io_uring_setup (ring 1): %s", err(ret));
	region = map_anon(region_len);
	g.area[0].len = AREA0_PAGES * pg;
	g.area[0].mem = map_anon(g.area[0].len);
	area0.addr = (uintptr_t)g.area[0].mem;
	area0.len = g.area[0].len;
	rd.user_addr = (uintptr_t)region;
	rd.size = region_len;
	rd.flags = MEM_REGION_TYPE_USER;
	ed.user_data = EVENT_UD;
	ed.type_mask = 1U << ZCRX_EVENT_COPY | 1U << ZCRX_EVENT_ALLOC_FAIL;
	ed.flags = ZCRX_EVENT_DESC_FLAG_STATS;
	ed.stats_offset = stats_off;
	reg.flags = ZCRX_REG_NODEV;
	reg.rq_entries = RQ_ENTRIES;
	reg.area_ptr = (uintptr_t)&area0;
	reg.region_ptr = (uintptr_t)&rd;
	reg.event_desc = (uintptr_t)&ed;
	ret = uring_register(ring1.fd, REGISTER_ZCRX_IFQ, &reg, 1);
	if (ret)
		die("IORING_REGISTER_ZCRX_IFQ (NODEV, region %llu bytes, stats at %llu): %s",
		    (unsigned long long)region_len, (unsigned long long)stats_off, err(ret));
	if (!pow2(reg.rq_entries) || reg.rq_entries < RQ_ENTRIES)
		die("registration returned rq_entries %u for %d", reg.rq_entries, RQ_ENTRIES);
	if (reg.offsets.head % 4 || reg.offsets.tail % 4 || reg.offsets.rqes % 8 ||
	    reg.offsets.head + 4 > reg.offsets.rqes || reg.offsets.tail + 4 > reg.offsets.rqes ||
	    reg.offsets.head == reg.offsets.tail ||
	    reg.offsets.rqes + (uint64_t)reg.rq_entries * sizeof(struct zcrx_rqe) > stats_off)
		die("refill offsets head %u tail %u rqes %u (%u entries) do not fit before the "
		    "stats at %llu", reg.offsets.head, reg.offsets.tail, reg.offsets.rqes,
		    reg.rq_entries, (unsigned long long)stats_off);
	if (area0.rq_area_token & ~ZCRX_AREA_MASK)
		die("area 0 token 0x%llx has offset bits", (unsigned long long)area0.rq_area_token);
	g.area[0].token = area0.rq_area_token;
	g.nr_areas = 1;
	g.khead = (uint32_t *)(region + reg.offsets.head);
	g.ktail = (uint32_t *)(region + reg.offsets.tail);
	g.rqes = (struct zcrx_rqe *)(region + reg.offsets.rqes);
	g.rq_entries = reg.rq_entries;
	g.rq_tail = __atomic_load_n(g.ktail, __ATOMIC_RELAXED);
	g.stats = (struct zcrx_stats *)(region + stats_off);
	g.flush_fd = ring1.fd;
	g.flush_id = reg.zcrx_id;
	g.event_ring = &ring1;
	g.event_id = reg.zcrx_id;
	g.armed[ZCRX_EVENT_COPY] = g.armed[ZCRX_EVENT_ALLOC_FAIL] = true;
	if (__atomic_load_n(g.khead, __ATOMIC_ACQUIRE) != g.rq_tail)
		die("fresh refill queue: head %u, tail %u", *g.khead, g.rq_tail);
	if (g.stats->copy_count || g.stats->copy_bytes)
		die("stats not zeroed at registration: %llu %llu",
		    (unsigned long long)g.stats->copy_count,
		    (unsigned long long)g.stats->copy_bytes);
	printf("ifq %u: %u refill entries at head %u tail %u rqes %u, region %llu bytes, "
	       "stats at %llu, area 0 %llu KiB (token 0x%llx)\n", reg.zcrx_id, reg.rq_entries,
	       reg.offsets.head, reg.offsets.tail, reg.offsets.rqes,
	       (unsigned long long)region_len, (unsigned long long)stats_off,
	       (unsigned long long)(g.area[0].len >> 10),
	       (unsigned long long)g.area[0].token);
	/* every type in type_mask starts armed */
	arm_event_armed(ZCRX_EVENT_COPY);
	arm_event_armed(ZCRX_EVENT_ALLOC_FAIL);

	/* 3. + 4. stream 1: every byte, recycling through FLUSH_RQ, COPY re-armed */
	stream_init(&s1, "stream 1 (ring 1)", &ring1, reg.zcrx_id, RECV_UD + 1, STREAM1);
	s1.rearm_copy = true;
	s1.next_rearm = REARM_EVERY;
	receive(&s1, STREAM1);
	close(s1.sock);
	rearms_expected = (STREAM1 - 1) / REARM_EVERY;
	if (s1.rearms != rearms_expected)
		die("stream 1: %llu COPY re-arms, expected %llu", (unsigned long long)s1.rearms,
		    (unsigned long long)rearms_expected);
	wait_events(ZCRX_EVENT_COPY, 1 + s1.rearms);
	stream_report(&s1);
	printf("  events: %llu COPY (1 + %llu re-arms), %llu ALLOC_FAIL\n",
	       (unsigned long long)g.events[ZCRX_EVENT_COPY], (unsigned long long)s1.rearms,
	       (unsigned long long)g.events[ZCRX_EVENT_ALLOC_FAIL]);
	check_stats("after stream 1");

	/* 5. export, import into ring 2, receive there */
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.zcrx_id = reg.zcrx_id;
	ctrl.op = ZCRX_CTRL_EXPORT;
	ret = zcrx_ctrl(ring1.fd, &ctrl);
	if (ret)
		die("ZCRX_CTRL_EXPORT: %s", err(ret));
	xfd = ctrl.zc_export.zcrx_fd;
	ret = fcntl(xfd, F_GETFD);
	if (ret < 0)
		die("ZCRX_CTRL_EXPORT returned fd %d: %s", xfd, err(-errno));
	if (!(ret & FD_CLOEXEC))
		die("exported zcrx fd %d is not close-on-exec", xfd);
	ret = ring_init(&ring2, RING_ENTRIES, SETUP_FLAGS);
	if (ret)
		die("io_uring_setup (ring 2): %s", err(ret));
	reg2.if_idx = xfd;
	reg2.flags = ZCRX_REG_IMPORT;
	ret = uring_register(ring2.fd, REGISTER_ZCRX_IFQ, &reg2, 1);
	if (ret)
		die("IORING_REGISTER_ZCRX_IFQ (IMPORT of fd %d): %s", xfd, err(ret));
	if (reg2.rq_entries != reg.rq_entries || reg2.offsets.head != reg.offsets.head ||
	    reg2.offsets.tail != reg.offsets.tail || reg2.offsets.rqes != reg.offsets.rqes)
		die("import: rq_entries %u, head %u, tail %u, rqes %u; the ifq has %u, %u, %u, %u",
		    reg2.rq_entries, reg2.offsets.head, reg2.offsets.tail, reg2.offsets.rqes,
		    reg.rq_entries, reg.offsets.head, reg.offsets.tail, reg.offsets.rqes);
	if (close(xfd))
		die("close of the exported zcrx fd: %s", err(-errno));
	printf("exported fd %d imported into ring 2 as zcrx_id %u, fd closed\n", xfd,
	       reg2.zcrx_id);

	/* part A: ring 2 receives, buffers flushed through ring 1, the COPY event on ring 1 */
	arm_event(ZCRX_EVENT_COPY);
	arm_event_armed(ZCRX_EVENT_COPY);
	stream_init(&s2, "stream 2 (ring 2)", &ring2, reg2.zcrx_id, RECV_UD + 2, STREAM2);
	receive(&s2, STREAM2_PART_A);
	wait_events(ZCRX_EVENT_COPY, g.events[ZCRX_EVENT_COPY] + 1);
	printf("  COPY event of ring 2's receive arrived on ring 1 after %llu bytes\n",
	       (unsigned long long)s2.got);

	/* part B: the creating ring goes, ring 2 goes on (its request still armed) */
	ring_exit(&ring1);
	g.event_ring = NULL;
	g.flush_fd = ring2.fd;
	g.flush_id = reg2.zcrx_id;
	receive(&s2, STREAM2);
	close(s2.sock);
	stream_report(&s2);
	check_stats("after stream 2");

	/* 6. a second area; area 0's buffers held, so data must land in area 1 */
	g.area[1].len = AREA1_PAGES * pg;
	g.area[1].mem = map_anon(g.area[1].len);
	area1.addr = (uintptr_t)g.area[1].mem;
	area1.len = g.area[1].len;
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.zcrx_id = reg2.zcrx_id;
	ctrl.op = ZCRX_CTRL_ADD_AREA;
	ctrl.zc_area.area_ptr = (uintptr_t)&area1;
	ret = zcrx_ctrl(ring2.fd, &ctrl);
	if (ret)
		die("ZCRX_CTRL_ADD_AREA (ring 2): %s", err(ret));
	if (area1.rq_area_token != 1ULL << ZCRX_AREA_SHIFT)
		die("ZCRX_CTRL_ADD_AREA: token 0x%llx, expected area id 1 (0x%llx)",
		    (unsigned long long)area1.rq_area_token, 1ULL << ZCRX_AREA_SHIFT);
	g.area[1].token = area1.rq_area_token;
	g.nr_areas = 2;
	stream_init(&s3, "stream 3 (ring 2, area 0 held)", &ring2, reg2.zcrx_id,
		    RECV_UD + 3, STREAM3);
	s3.hold_area0 = true;
	receive(&s3, STREAM3);
	close(s3.sock);
	stream_report(&s3);
	if (!s3.area_bytes[1] || s3.area_bytes[1] < STREAM3 - g.area[0].len)
		die("stream 3: only %llu bytes in area 1 with area 0 held (%d buffers, %llu bytes)",
		    (unsigned long long)s3.area_bytes[1], s3.nr_held,
		    (unsigned long long)s3.area_bytes[0]);
	/* what was held must still hold its data; then give it all back */
	for (int i = 0; i < s3.nr_held; i++) {
		struct held *h = &s3.held[i];
		long bad = pattern_check(g.area[0].mem + h->off, h->len, h->stream_off);

		if (bad >= 0)
			die("stream 3: held area 0 buffer %llu+%u overwritten (stream offset %llu)",
			    (unsigned long long)h->off, h->len,
			    (unsigned long long)(h->stream_off + bad));
		rq_push(g.area[0].token | h->off, h->len);
	}
	rq_flush();
	printf("  %d area 0 buffers (%llu bytes) held and returned\n", s3.nr_held,
	       (unsigned long long)s3.area_bytes[0]);
	check_stats("after stream 3");

	ring_exit(&ring2);
	if (write(cmd_fd, &zero, sizeof(zero)) != sizeof(zero))
		die("write to the sender: %s", err(-errno));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("the sender failed (status 0x%x)", status);
	printf("zcrx-uapi-73: ok: %llu bytes, %llu data CQEs, %llu FLUSH_RQs, %llu COPY and "
	       "%llu ALLOC_FAIL events\n", (unsigned long long)g.bytes,
	       (unsigned long long)g.data_cqes, (unsigned long long)g.flushes,
	       (unsigned long long)g.events[ZCRX_EVENT_COPY],
	       (unsigned long long)g.events[ZCRX_EVENT_ALLOC_FAIL]);
	return 0;
}
