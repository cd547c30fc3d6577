/* What startup.c provides to the program. */
#ifndef FIRMWARE_H
#define FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

/* Pattern written over the free stack at reset. */
#define STACK_PAINT 0xC0DEF00Du

/* The program; its return value is the semihosting exit status. */
int main(void);

/* Bytes of stack used so far: from the top down to the deepest word that
 * no longer holds STACK_PAINT. */
size_t stack_peak_bytes(void);

/* Bytes reserved for the stack (STACK_SIZE in lm3s6965.ld). */
size_t stack_size_bytes(void);

/* Flash the image occupies (vectors, code, read-only data, .data's
 * initial values). */
size_t flash_bytes(void);

/* Static RAM: .data + .bss. */
size_t static_ram_bytes(void);

#endif
