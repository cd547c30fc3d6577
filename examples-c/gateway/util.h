/* Small helpers shared by every part of the gateway: clocks, entropy,
 * logging and a growable string buffer with JSON string escaping. */
#ifndef GW_UTIL_H
#define GW_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Wall clock in unix milliseconds: the time base of registrations. */
uint64_t now_ms(void);
/* Monotonic milliseconds, for timeouts that must not jump with the clock. */
uint64_t mono_ms(void);
/* The same clock in microseconds, for request durations. */
uint64_t mono_us(void);

/* Opens /dev/urandom once; 0 on success. */
int entropy_open(void);
void entropy_close(void);
/* Fills buf from the OS; 0 on success. Thread-safe. */
int random_bytes(void *buf, size_t len);

/* One line on stderr: "2024-..Z LEVEL message". Thread-safe. */
void log_msg(const char *level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
extern int g_verbose;
#define LOG_INFO(...) log_msg("info", __VA_ARGS__)
#define LOG_WARN(...) log_msg("warn", __VA_ARGS__)
#define LOG_ERR(...) log_msg("error", __VA_ARGS__)
#define LOG_DEBUG(...)                                                         \
    do {                                                                       \
        if (g_verbose) log_msg("debug", __VA_ARGS__);                          \
    } while (0)

/* Growable, always NUL-terminated byte buffer. On allocation failure it
 * sets `oom` and ignores further appends, so callers check once at the end. */
typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

void sb_init(sbuf *b);
void sb_free(sbuf *b);
void sb_reset(sbuf *b);
/* Makes room for `extra` more bytes; 0 on success. */
int sb_reserve(sbuf *b, size_t extra);
void sb_append(sbuf *b, const void *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_printf(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends `s` (n bytes) as a quoted JSON string. */
void sb_json_str(sbuf *b, const char *s, size_t n);
/* Same for a NUL-terminated string; NULL becomes `null`. */
void sb_json_cstr(sbuf *b, const char *s);
/* The contents as a NUL-terminated string ("" when empty). */
const char *sb_cstr(const sbuf *b);

/* strdup is POSIX 2008 but spelled out here so the allocation is obvious. */
char *xstrndup(const char *s, size_t n);

/* Reads a whole file into a fresh NUL-terminated buffer; NULL on failure. */
char *read_file(const char *path, size_t max, size_t *out_len);

#endif
