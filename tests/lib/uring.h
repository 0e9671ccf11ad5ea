/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal io_uring ring for the project's test programs: raw syscalls and
 * the UAPI header only, so the programs depend on nothing but the kernel.
 */
#ifndef IOUZC_TEST_URING_H
#define IOUZC_TEST_URING_H

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/io_uring.h>

struct ring {
	int fd;
	unsigned int flags;
	unsigned int sq_entries, cq_entries;
	unsigned int *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	void *cqes;
	void *sq_ptr, *cq_ptr;
	size_t sq_len, cq_len, sqes_len;
	unsigned int sqe_tail;
};

static inline int sys_io_uring_setup(unsigned int entries, struct io_uring_params *p)
{
	return syscall(__NR_io_uring_setup, entries, p);
}

static inline int sys_io_uring_enter(int fd, unsigned int to_submit,
				     unsigned int min_complete, unsigned int flags)
{
	return syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags,
		       NULL, 0);
}

static inline int sys_io_uring_register(int fd, unsigned int op, void *arg,
					unsigned int nr)
{
	return syscall(__NR_io_uring_register, fd, op, arg, nr);
}

/* Returns 0 or -errno. */
static inline int ring_init(struct ring *r, unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;
	size_t cqe_size;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	r->fd = sys_io_uring_setup(entries, &p);
	if (r->fd < 0)
		return -errno;
	r->flags = p.flags;
	cqe_size = (flags & IORING_SETUP_CQE32) ? 32 : 16;
	r->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	r->cq_len = p.cq_off.cqes + p.cq_entries * cqe_size;
	r->sq_ptr = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 r->fd, IORING_OFF_SQ_RING);
	if (r->sq_ptr == MAP_FAILED)
		goto fail;
	r->cq_ptr = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 r->fd, IORING_OFF_CQ_RING);
	if (r->cq_ptr == MAP_FAILED)
		goto fail;
	r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		goto fail;
	r->sq_entries = p.sq_entries;
	r->cq_entries = p.cq_entries;
	r->sq_head = (unsigned int *)((char *)r->sq_ptr + p.sq_off.head);
	r->sq_tail = (unsigned int *)((char *)r->sq_ptr + p.sq_off.tail);
	r->sq_mask = (unsigned int *)((char *)r->sq_ptr + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)((char *)r->sq_ptr + p.sq_off.array);
	r->cq_head = (unsigned int *)((char *)r->cq_ptr + p.cq_off.head);
	r->cq_tail = (unsigned int *)((char *)r->cq_ptr + p.cq_off.tail);
	r->cq_mask = (unsigned int *)((char *)r->cq_ptr + p.cq_off.ring_mask);
	r->cqes = (char *)r->cq_ptr + p.cq_off.cqes;
	r->sqe_tail = *r->sq_tail;
	return 0;
fail:
	close(r->fd);
	return -ENOMEM;
}

static inline void ring_exit(struct ring *r)
{
	munmap(r->sqes, r->sqes_len);
	munmap(r->cq_ptr, r->cq_len);
	munmap(r->sq_ptr, r->sq_len);
	close(r->fd);
}

/* A zeroed SQE, or NULL when the SQ is full. */
static inline struct io_uring_sqe *ring_get_sqe(struct ring *r)
{
	unsigned int head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
	struct io_uring_sqe *sqe;

	if (r->sqe_tail - head >= r->sq_entries)
		return NULL;
	sqe = &r->sqes[r->sqe_tail & *r->sq_mask];
	r->sq_array[r->sqe_tail & *r->sq_mask] = r->sqe_tail & *r->sq_mask;
	r->sqe_tail++;
	memset(sqe, 0, sizeof(*sqe));
	return sqe;
}

/* Publish queued SQEs and enter the kernel; returns what enter returns. */
static inline int ring_submit_wait(struct ring *r, unsigned int wait_nr)
{
	unsigned int n = r->sqe_tail - *r->sq_tail;
	int ret;

	__atomic_store_n(r->sq_tail, r->sqe_tail, __ATOMIC_RELEASE);
	ret = sys_io_uring_enter(r->fd, n, wait_nr,
				 wait_nr ? IORING_ENTER_GETEVENTS : 0);
	return ret < 0 ? -errno : ret;
}

/* The next CQE (16 or 32 bytes), or NULL; ring_cqe_seen() consumes it. */
static inline struct io_uring_cqe *ring_peek_cqe(struct ring *r)
{
	unsigned int head = *r->cq_head;
	unsigned int shift = (r->flags & IORING_SETUP_CQE32) ? 1 : 0;

	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return NULL;
	return (struct io_uring_cqe *)r->cqes + ((head & *r->cq_mask) << shift);
}

static inline void ring_cqe_seen(struct ring *r)
{
	__atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
}

#endif
