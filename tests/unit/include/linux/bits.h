/* Host shim */
#ifndef SHIM_LINUX_BITS_H
#define SHIM_LINUX_BITS_H
#define BIT(n) (1UL << (n))
#endif
