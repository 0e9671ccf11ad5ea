/* Host shim: the page size under test, from -DTEST_PAGE_SHIFT */
#ifndef SHIM_ASM_PAGE_H
#define SHIM_ASM_PAGE_H
#define PAGE_SHIFT TEST_PAGE_SHIFT
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#endif
