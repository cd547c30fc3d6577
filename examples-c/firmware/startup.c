/* Startup for the Cortex-M3: the vector table, the reset handler (copy
 * .data, zero .bss, paint the stack, run main, exit over semihosting) and
 * fault handlers that report and exit non-zero. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firmware.h"
#include "semihost.h"

/* Defined by lm3s6965.ld. */
extern uint32_t __data_start, __data_end, __data_load;
extern uint32_t __bss_start, __bss_end;
extern uint32_t __stack_bottom, __stack_top;
extern uint32_t __flash_end;

/* Bytes of stack below the reset handler's own frame left unpainted. */
#define PAINT_MARGIN 64u

void reset_handler(void) __attribute__((noreturn));
static void fault_handler(void) __attribute__((noreturn));

/* The first word is the initial stack pointer, then the handlers; the
 * struct keeps the object pointer and the function pointers apart, as
 * ISO C wants. Bit 0 of each handler address (Thumb) comes from the
 * linker. */
struct vector_table {
    const uint32_t *initial_sp;
    void (*handlers[15])(void);
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    &__stack_top,
    {
        reset_handler, /* reset */
        fault_handler, /* NMI */
        fault_handler, /* hard fault */
        fault_handler, /* memory management fault */
        fault_handler, /* bus fault */
        fault_handler, /* usage fault */
        0, 0, 0, 0,    /* reserved */
        fault_handler, /* SVCall */
        fault_handler, /* debug monitor */
        0,             /* reserved */
        fault_handler, /* PendSV */
        fault_handler, /* SysTick */
    },
};

static uintptr_t current_sp(void) {
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

void reset_handler(void) {
    uint32_t *word;
    uintptr_t paint_end = (current_sp() - PAINT_MARGIN) & ~(uintptr_t)3u;

    memcpy(&__data_start, &__data_load,
           (size_t)((uintptr_t)&__data_end - (uintptr_t)&__data_start));
    memset(&__bss_start, 0, (size_t)((uintptr_t)&__bss_end - (uintptr_t)&__bss_start));
    for (word = &__stack_bottom; (uintptr_t)word < paint_end; word++) {
        *word = STACK_PAINT;
    }
    sh_exit((uint32_t)main());
}

size_t stack_peak_bytes(void) {
    const uint32_t *word = &__stack_bottom;
    while (word < &__stack_top && *word == STACK_PAINT) {
        word++;
    }
    return (size_t)((uintptr_t)&__stack_top - (uintptr_t)word);
}

size_t stack_size_bytes(void) {
    return (size_t)((uintptr_t)&__stack_top - (uintptr_t)&__stack_bottom);
}

size_t flash_bytes(void) {
    /* Flash starts at address 0. */
    return (size_t)(uintptr_t)&__flash_end;
}

size_t static_ram_bytes(void) {
    return (size_t)(((uintptr_t)&__data_end - (uintptr_t)&__data_start) +
                    ((uintptr_t)&__bss_end - (uintptr_t)&__bss_start));
}

static void fault_handler(void) {
    sh_puts("FAULT: an exception handler ran (hard fault, bus fault, ...)\n");
    sh_exit(3);
}

/* The library calls abort() on an internal bug (no panic unwinds in the
 * no_std build); so does any C assertion. */
void abort(void) {
    sh_puts("ABORT: the library or the program called abort()\n");
    sh_exit(4);
}
