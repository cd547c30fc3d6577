#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int g_verbose = 0;
static int urandom_fd = -1;

uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int entropy_open(void) {
    if (urandom_fd >= 0) return 0;
    urandom_fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    return urandom_fd >= 0 ? 0 : -1;
}

void entropy_close(void) {
    if (urandom_fd >= 0) close(urandom_fd);
    urandom_fd = -1;
}

int random_bytes(void *buf, size_t len) {
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = read(urandom_fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void log_msg(const char *level, const char *fmt, ...) {
    char line[2048];
    char ts[32];
    struct timespec now;
    struct tm tm;
    va_list ap;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* One fprintf per line: stdio locks the stream, so lines never interleave. */
    fprintf(stderr, "%s.%03ldZ %-5s %s\n", ts, now.tv_nsec / 1000000L, level, line);
}

void sb_init(sbuf *b) {
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

void sb_free(sbuf *b) {
    free(b->p);
    sb_init(b);
}

void sb_reset(sbuf *b) {
    b->len = 0;
    b->oom = 0;
    if (b->p) b->p[0] = '\0';
}

int sb_reserve(sbuf *b, size_t extra) {
    size_t need, cap;
    char *p;
    if (b->oom) return -1;
    need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void sb_append(sbuf *b, const void *s, size_t n) {
    if (sb_reserve(b, n) != 0) return;
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sb_puts(sbuf *b, const char *s) { sb_append(b, s, strlen(s)); }

void sb_printf(sbuf *b, const char *fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || sb_reserve(b, (size_t)n) != 0) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_json_str(sbuf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t i;
    sb_append(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': sb_append(b, "\\\"", 2); break;
        case '\\': sb_append(b, "\\\\", 2); break;
        case '\n': sb_append(b, "\\n", 2); break;
        case '\r': sb_append(b, "\\r", 2); break;
        case '\t': sb_append(b, "\\t", 2); break;
        default:
            if (c < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                sb_append(b, esc, 6);
            } else {
                sb_append(b, &s[i], 1);
            }
        }
    }
    sb_append(b, "\"", 1);
}

void sb_json_cstr(sbuf *b, const char *s) {
    if (!s)
        sb_puts(b, "null");
    else
        sb_json_str(b, s, strlen(s));
}

const char *sb_cstr(const sbuf *b) { return b->p ? b->p : ""; }

char *xstrndup(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *read_file(const char *path, size_t max, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    sbuf b;
    char chunk[4096];
    size_t n;
    if (!f) return NULL;
    sb_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max) {
            b.oom = 1;
            break;
        }
        sb_append(&b, chunk, n);
    }
    if (ferror(f)) b.oom = 1;
    fclose(f);
    if (b.oom) {
        sb_free(&b);
        return NULL;
    }
    if (sb_reserve(&b, 0) != 0) return NULL; /* empty file: still a string */
    if (out_len) *out_len = b.len;
    return b.p;
}
