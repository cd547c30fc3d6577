/* Tiny test harness shared by the C tests: counts checks and prints
 * "<name>: N passed, N failed" at the end. */
#ifndef PRANA_TEST_UTIL_H
#define PRANA_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "prana_webhook.h"

static int t_pass;
static int t_fail;

/* A string literal as (ptr, len) arguments. */
#define S(lit) (lit), (sizeof(lit) - 1)

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (cond) {                                                        \
            t_pass++;                                                      \
        } else {                                                           \
            t_fail++;                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                      \
        }                                                                  \
    } while (0)

#define CHECK_STATUS(call, want)                                           \
    do {                                                                   \
        prana_status st_ = (call);                                         \
        if (st_ == (prana_status)(want)) {                                 \
            t_pass++;                                                      \
        } else {                                                           \
            t_fail++;                                                      \
            fprintf(stderr, "%s:%d: %s\n  returned %u (%s), want %u (%s)\n" \
                    "  last error: %s\n", __FILE__, __LINE__, #call,      \
                    (unsigned)st_, prana_status_code(st_),                 \
                    (unsigned)(want), prana_status_code(want),             \
                    last_error());                                         \
        }                                                                  \
    } while (0)

#define CHECK_STR(got, want)                                               \
    do {                                                                   \
        const char *g_ = (got);                                            \
        const char *w_ = (want);                                           \
        if (g_ != NULL && strcmp(g_, w_) == 0) {                           \
            t_pass++;                                                      \
        } else {                                                           \
            t_fail++;                                                      \
            fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n",          \
                    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_);     \
        }                                                                  \
    } while (0)

/* The calling thread's last error message (static buffer). */
static const char *last_error(void) {
    static char buf[512];
    size_t n = 0;
    if (prana_last_error_message(buf, sizeof buf, &n) != PRANA_STATUS_OK) {
        buf[0] = '\0';
    }
    return buf;
}

/* Whether [buf + span.offset, span.len) equals the C string want. */
static int span_eq(const char *buf, struct prana_span span, const char *want) {
    return span.len == strlen(want) && memcmp(buf + span.offset, want, span.len) == 0;
}

/* The active -> consumed transition of resume ID rid, as
 * prana_resume_decide gives it and a host's compare-and-set applies it
 * (static storage, overwritten by the next call). */
static const struct prana_transition *applied(const char *rid) {
    static struct prana_transition t;
    memset(&t, 0, sizeof t);
    t.resume_id_len = strlen(rid);
    if (t.resume_id_len >= sizeof t.resume_id) {
        t.resume_id_len = sizeof t.resume_id - 1;
    }
    memcpy(t.resume_id, rid, t.resume_id_len);
    t.from = PRANA_LIFECYCLE_ACTIVE;
    t.to = PRANA_LIFECYCLE_CONSUMED;
    return &t;
}

static int test_summary(const char *name) {
    (void)span_eq; /* not every test uses every helper */
    (void)applied;
    printf("%s: %d passed, %d failed\n", name, t_pass, t_fail);
    return t_fail == 0 ? 0 : 1;
}

#endif /* PRANA_TEST_UTIL_H */
