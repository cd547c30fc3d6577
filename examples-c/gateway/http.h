/* The request and response the route handlers see, independent of the HTTP
 * library underneath (libmicrohttpd, see server.c): a request is complete
 * (head and body) when a handler runs, and a response is a status, a
 * content type, a body and extra header lines. */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include <stddef.h>

#include "util.h"

typedef struct {
    char method[16];
    /* The request target in origin form ("/path?query"), NUL-terminated:
     * an absolute-form target ("http://host/path") arrives here without its
     * scheme and authority. Raw bytes, not percent-decoded. */
    const char *target_z;
    size_t target_len;
    int has_body_length;
    unsigned long long content_length;
    char *body; /* NUL-terminated (the NUL is not part of body_len); NULL when empty */
    size_t body_len;
    void *conn; /* the HTTP library's connection, for header lookups */
} http_request;

typedef struct {
    int status;
    const char *content_type;
    sbuf body;
    sbuf extra_headers; /* complete "Name: value\r\n" lines */
} http_response;

void http_response_init(http_response *r);
void http_response_free(http_response *r);

/* Case-insensitive header lookup; NULL when absent. */
const char *http_header_get(const http_request *r, const char *name, size_t *len);

/* A JSON error body {"error":code,"message":...}. 503 answers also get
 * Retry-After: the condition is temporary by definition. */
void http_error(http_response *resp, int status, const char *code, const char *message);

/* Whether `s` (n bytes) is well-formed UTF-8 without any NUL byte: what a
 * payload must be before it is handed on as a C string. Returns 0 when it
 * is; otherwise the offset of the first bad byte plus one. */
size_t http_text_check(const char *s, size_t n);

#endif
