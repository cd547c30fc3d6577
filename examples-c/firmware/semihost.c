/* Semihosting calls: `bkpt 0xAB` with the operation in r0 and its argument
 * in r1 (ARM semihosting for M-profile). */
#include "semihost.h"

#include <string.h>

enum {
    SYS_WRITE0 = 0x04,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static uint32_t semihost_call(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_puts(const char *s) {
    (void)semihost_call(SYS_WRITE0, s);
}

void sh_write(const char *s, size_t len) {
    char chunk[65];
    while (len > 0) {
        size_t n = len < sizeof chunk - 1 ? len : sizeof chunk - 1;
        memcpy(chunk, s, n);
        chunk[n] = '\0';
        sh_puts(chunk);
        s += n;
        len -= n;
    }
}

void sh_putu(uint32_t n) {
    char digits[11];
    size_t i = sizeof digits - 1;
    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + n % 10u);
        n /= 10u;
    } while (n != 0u);
    sh_puts(&digits[i]);
}

void sh_exit(uint32_t code) {
    /* SYS_EXIT_EXTENDED carries the exit status (plain SYS_EXIT on a
     * 32-bit target only tells success from failure). */
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, code};
    (void)semihost_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}
