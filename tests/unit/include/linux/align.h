/* Host shim: the kernel's definitions (power-of-two alignment) */
#ifndef SHIM_LINUX_ALIGN_H
#define SHIM_LINUX_ALIGN_H
#define ALIGN(x, a) (((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#endif
