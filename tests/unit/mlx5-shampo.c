// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of mlx5's SHAMPO header arithmetic (the series' en/shampo.h,
 * included as it is in the kernel tree, with shims for the few kernel
 * headers it needs), built once per page size (-DTEST_PAGE_SHIFT=12, 16).
 *
 * It checks the layout (every header slot of every index is inside its page,
 * no two share bytes, the device's header and the headroom fit), the sizes
 * (headers per WQE, header pages) for the MTUs and WQE sizes the driver
 * uses, and then runs the driver's refill and consume pattern
 * (mlx5e_alloc_rx_hd_mpwqe(), mlx5e_build_shampo_hd_umr(),
 * mlx5e_free_rx_shampo_hd_entry(), mlx5e_shampo_dealloc_hd()) against a
 * model of the device, with allocation failures injected: UMR WQEs stay
 * KSM-aligned and within the ring, an entry is posted only when free, a
 * page is taken only when not held and given back exactly once, and
 * teardown leaves nothing held. Prints TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "en/shampo.h"

#define KSM_ALIGN 4		/* MLX5_UMR_KSM_NUM_ENTRIES_ALIGNMENT */
#define HEADER_ENTRY (1u << MLX5E_SHAMPO_LOG_HEADER_ENTRY_SIZE)
#define SLOT (1u << MLX5E_SHAMPO_LOG_MAX_HEADER_ENTRY_SIZE)
#define HPP MLX5E_SHAMPO_WQ_HEADER_PER_PAGE

static int n_test, n_fail;

static void ok(int cond, const char *fmt, const char *what)
{
	n_test++;
	if (!cond)
		n_fail++;
	printf("%sok %d - %u KiB pages: %s%s%s\n", cond ? "" : "not ", n_test,
	       (unsigned int)(PAGE_SIZE >> 10), fmt, what ? " " : "", what ? what : "");
}

static u32 order_base_2(u32 n)
{
	u32 o = 0;

	while ((1u << o) < n)
		o++;
	return o;
}

static u32 roundup_pow_of_two(u32 n)
{
	return 1u << order_base_2(n);
}

/* en/params.c: mlx5e_shampo_hd_per_wqe() before the rounding */
static u32 raw_hd_per_wqe(u32 wqe_size, u32 mtu)
{
	u32 resv = 64 * 1024;	/* MLX5E_SHAMPO_WQ_RESRV_SIZE */
	u32 pkt_per_resv = 1u << order_base_2((resv + mtu - 1) / mtu);

	return (wqe_size / resv) * pkt_per_resv;
}

static void test_layout(void)
{
	u32 hd_per_wq = 1u << 14, i, bad = 0, last = 0;
	unsigned char *seen;
	u32 headroom;

	ok(HPP % KSM_ALIGN == 0, "a page of header entries is a multiple of the KSM alignment", NULL);
	ok(mlx5e_shampo_hd_pages(hd_per_wq) * HPP == hd_per_wq,
	   "hd_per_wq entries fill whole pages", NULL);

	seen = calloc(mlx5e_shampo_hd_pages(hd_per_wq), PAGE_SIZE / SLOT);
	for (i = 0; i < hd_per_wq; i++) {
		u32 p = mlx5e_shampo_hd_page(i), off = mlx5e_shampo_hd_offset(i);

		if (p >= mlx5e_shampo_hd_pages(hd_per_wq) || off % SLOT || off + SLOT > PAGE_SIZE)
			bad++;
		else if (seen[p * (PAGE_SIZE / SLOT) + off / SLOT]++)
			bad++;
		if (mlx5e_shampo_hd_last_in_page(i) != (off == PAGE_SIZE - SLOT))
			bad++;
		last += mlx5e_shampo_hd_last_in_page(i);
		/* consecutive entries: same page, next slot, or the next page's first */
		if (i && !(mlx5e_shampo_hd_page(i) == mlx5e_shampo_hd_page(i - 1) &&
			   off == mlx5e_shampo_hd_offset(i - 1) + SLOT) &&
		    !(mlx5e_shampo_hd_page(i) == mlx5e_shampo_hd_page(i - 1) + 1 && off == 0))
			bad++;
	}
	free(seen);
	ok(!bad, "every entry has a slot of its own, in index order, inside its page", NULL);
	ok(last == mlx5e_shampo_hd_pages(hd_per_wq), "one last entry per page", NULL);
	/* the device writes up to HEADER_ENTRY bytes at slot + headroom */
	for (headroom = 64; headroom <= 256; headroom *= 4) {
		char what[64];

		snprintf(what, sizeof(what), "(headroom %u)", headroom);
		ok(mlx5e_shampo_hd_offset(HPP - 1) + headroom + HEADER_ENTRY <= PAGE_SIZE &&
		   headroom + HEADER_ENTRY <= SLOT,
		   "the device's header fits its slot", what);
	}
}

static void test_sizes(void)
{
	static const u32 mtus[] = { 576, 1500, 4096, 9000, 9978 };
	static const u32 wqe_sizes[] = { 64 * 1024, 128 * 1024, 256 * 1024 };
	u32 w, m, bad_round = 0, bad_post = 0, stalled_before = 0;

	for (w = 0; w < 3; w++) {
		for (m = 0; m < 5; m++) {
			u32 raw = raw_hd_per_wqe(wqe_sizes[w], mtus[m]);
			u32 r = mlx5e_shampo_hd_per_wqe_round(raw);

			if (r < raw || r < HPP || r % HPP || (raw && r - raw >= HPP))
				bad_round++;
			/* a refill of a fresh ring posts something */
			if (!mlx5e_shampo_hd_post_len(0, r))
				bad_post++;
			if (!ALIGN_DOWN(raw, HPP))
				stalled_before++;
		}
	}
	ok(!bad_round, "headers per WQE: rounded up to whole pages, at least one", NULL);
	ok(!bad_post, "a refill of an empty ring posts headers at every MTU and WQE size", NULL);
	printf("# %u of 15 MTU/WQE-size pairs posted no header before the rounding\n",
	       stalled_before);
	if (PAGE_SIZE == 65536)
		ok(stalled_before > 0, "64K pages: the unrounded formula stalls at large MTUs", NULL);
	ok(mlx5e_shampo_hd_per_wqe_round(0) == HPP, "no headers per WQE still means one page", NULL);
}

/* The driver's refill/consume pattern against a model of the device. */
struct model {
	u32 hd_per_wq, hd_per_wqe, max_ksm;
	u32 pi;			/* next entry to post */
	u32 hw;			/* next entry the device fills (in order) */
	u32 outstanding;	/* posted, not yet consumed */
	unsigned char *posted;	/* per entry */
	unsigned char *held;	/* per page */
	long taken, given;
	int bad;
};

static u32 window(struct model *m)
{
	u32 n = 0;

	/* bitmap_find_window(): free entries from pi, up to hd_per_wqe */
	while (n < m->hd_per_wqe && !m->posted[(m->pi + n) % m->hd_per_wq])
		n++;
	return n;
}

static int umr(struct model *m, u32 index, u32 len, int fail_at)
{
	u32 i;

	if ((index | len) % KSM_ALIGN || len > m->max_ksm || !len)
		m->bad++;
	if (index + len > m->hd_per_wq) {
		m->bad++;	/* a UMR writes consecutive entries only */
		return -1;
	}
	for (i = 0; i < len; i++) {
		u32 hd = index + i, p = mlx5e_shampo_hd_page(hd);

		if (m->posted[hd])
			m->bad++;	/* would overwrite an entry in use */
		if (!m->held[p]) {
			if ((int)i == fail_at)
				return -1;	/* nothing posted, pages kept */
			m->held[p] = 1;
			m->taken++;
		}
	}
	for (i = 0; i < len; i++)
		m->posted[index + i] = 1;
	m->outstanding += len;
	m->pi = (m->pi + len) & (m->hd_per_wq - 1);
	if (m->pi % KSM_ALIGN)
		m->bad++;
	return 0;
}

static void refill(struct model *m, int fail_at)
{
	u32 left = mlx5e_shampo_hd_post_len(m->pi, window(m)), index = m->pi;

	while (left) {
		u32 len = mlx5e_shampo_hd_umr_len(index, left, m->max_ksm, m->hd_per_wq);

		if (umr(m, index, len, fail_at))
			return;
		fail_at = -1;
		index = (index + len) & (m->hd_per_wq - 1);
		left -= len;
	}
}

static void consume(struct model *m, u32 n)
{
	while (n-- && m->outstanding) {
		u32 hd = m->hw;

		if (!m->posted[hd] || !m->held[mlx5e_shampo_hd_page(hd)])
			m->bad++;	/* the device wrote an entry not posted */
		if (mlx5e_shampo_hd_last_in_page(hd)) {
			m->held[mlx5e_shampo_hd_page(hd)] = 0;
			m->given++;
		}
		m->posted[hd] = 0;
		m->outstanding--;
		m->hw = (m->hw + 1) & (m->hd_per_wq - 1);
	}
}

static void teardown(struct model *m)
{
	u32 p;

	for (p = 0; p < mlx5e_shampo_hd_pages(m->hd_per_wq); p++) {
		if (m->held[p]) {
			m->held[p] = 0;
			m->given++;
		}
	}
	memset(m->posted, 0, m->hd_per_wq);
	m->outstanding = 0;
	m->hw = m->pi;	/* the device resumes where the driver posts next */
}

static void test_refill(u32 mtu, u32 max_ksm, unsigned int seed)
{
	u32 wq_size = 8, step;
	struct model m = { 0 };
	char what[96];

	srand(seed);
	m.hd_per_wqe = mlx5e_shampo_hd_per_wqe_round(raw_hd_per_wqe(256 * 1024, mtu));
	m.hd_per_wq = roundup_pow_of_two(m.hd_per_wqe * wq_size);
	m.max_ksm = max_ksm;
	m.posted = calloc(m.hd_per_wq, 1);
	m.held = calloc(mlx5e_shampo_hd_pages(m.hd_per_wq), 1);

	for (step = 0; step < 20000; step++) {
		int r = rand() % 100;

		if (r < 45)
			refill(&m, rand() % 7 ? -1 : rand() % (int)max_ksm);
		else if (r < 99)
			consume(&m, rand() % (2 * m.hd_per_wqe));
		else
			teardown(&m);
	}
	teardown(&m);
	snprintf(what, sizeof(what), "(MTU %u, %u headers/WQE, ring %u, max KSM %u)",
		 mtu, m.hd_per_wqe, m.hd_per_wq, max_ksm);
	ok(!m.bad, "refill/consume/teardown: aligned UMRs, only free entries, only posted ones filled",
	   what);
	ok(m.taken == m.given && m.taken > 0, "every page taken is given back once", what);
	free(m.posted);
	free(m.held);
}

int main(void)
{
	printf("TAP version 13\n");
	test_layout();
	test_sizes();
	/* max KSM entries per UMR: 1 KiB and 512 B WQEs (MLX5E_MAX_KSM_PER_WQE) */
	test_refill(1500, 60, 1);
	test_refill(9000, 60, 2);
	test_refill(1500, 28, 3);
	test_refill(9000, 28, 4);
	test_refill(4096, 4, 5);
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
