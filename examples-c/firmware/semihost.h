/* Semihosting: console output and the exit code, through the debugger
 * (QEMU's -semihosting). The only I/O the firmware has. */
#ifndef FIRMWARE_SEMIHOST_H
#define FIRMWARE_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Writes a NUL-terminated string to the host console. */
void sh_puts(const char *s);

/* Writes `len` bytes (need not be NUL-terminated). */
void sh_write(const char *s, size_t len);

/* Writes an unsigned number in decimal. */
void sh_putu(uint32_t n);

/* Ends the emulation with `code` as the host process's exit status. */
void sh_exit(uint32_t code) __attribute__((noreturn));

#endif
