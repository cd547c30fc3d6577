#define _POSIX_C_SOURCE 200809L
#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds one "key_id:secret" entry (surrounding blanks ignored). */
static int add_entry(prana_key_set *ks, const char *s, size_t n, char *err, size_t errlen) {
    const char *colon;
    size_t n_id;
    prana_error pe;
    while (n > 0 && (*s == ' ' || *s == '\t')) s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
    if (n == 0 || *s == '#') return 0;
    colon = memchr(s, ':', n);
    if (!colon) {
        snprintf(err, errlen, "a key entry is not 'key_id:secret'");
        return -1;
    }
    n_id = (size_t)(colon - s);
    /* The secret is the bytes after the colon, as written. */
    if (prana_key_set_add(ks, s, n_id, (const uint8_t *)colon + 1, n - n_id - 1, &pe) !=
        PRANA_STATUS_OK) {
        snprintf(err, errlen, "key '%.*s': %s", (int)(n_id < 16 ? n_id : 16), s, pe.message);
        return -1;
    }
    return 0;
}

int keys_load(app *a, const char *path, char *err, size_t errlen) {
    char *text = NULL;
    const char *src, *p;
    size_t len = 0, count = 0;
    a->keys = NULL;
    if (path) {
        if (!(text = read_file(path, 64 * 1024, &len))) {
            snprintf(err, errlen, "cannot read key file %s", path);
            return -1;
        }
        src = text;
    } else if ((src = getenv("PRANA_GATEWAY_KEYS")) != NULL) {
        len = strlen(src);
    } else {
        return 0; /* none configured */
    }
    if (prana_key_set_new(&a->keys, NULL) != PRANA_STATUS_OK) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Entries are separated by newlines (file) or commas (environment). */
    for (p = src; p < src + len;) {
        size_t n = strcspn(p, path ? "\n" : ",\n");
        if (add_entry(a->keys, p, n, err, errlen) != 0) {
            free(text);
            keys_free(a);
            return -1;
        }
        p += n + 1;
    }
    free(text);
    if (prana_key_set_len(a->keys, &count, NULL) != PRANA_STATUS_OK || count == 0) {
        keys_free(a);
        if (path) {
            snprintf(err, errlen, "key file %s has no key", path);
            return -1;
        }
    }
    return 0;
}

void keys_free(app *a) {
    prana_key_set_free(a->keys);
    a->keys = NULL;
}

int keys_verify(const app *a, uint32_t action, const char *resume_id, const char *query,
                size_t query_len, char *msg, size_t msglen) {
    prana_signature_check chk;
    prana_error pe;
    if (!a->keys) {
        /* Only reachable with --allow-unsigned: main() refuses to start
         * without keys otherwise. */
        return 0;
    }
    if (prana_signature_verify(
            a->keys, action, a->cfg.allow_unsigned ? PRANA_SIGNATURE_OPTIONAL : PRANA_SIGNATURE_REQUIRED,
            resume_id, strlen(resume_id), query, query ? query_len : 0, &chk,
            &pe) != PRANA_STATUS_OK) {
        snprintf(msg, msglen, "the signature could not be checked: %s", pe.message);
        return -1;
    }
    if (chk.accepted) return 0;
    snprintf(msg, msglen, "%s", chk.answer.message);
    return -1;
}
