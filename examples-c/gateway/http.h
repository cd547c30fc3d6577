/* One HTTP/1.1 exchange on a connection: read a request (head parsed by
 * libprana_webhook's httparse-based parser, body framed by Content-Length),
 * hand it to the router, write the response. Bounded: a head larger than
 * the connection buffer or a body over the limit is answered 413. */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include <stddef.h>

#include "server.h"
#include "util.h"

#define HTTP_MAX_HEADERS 64

typedef struct {
    const char *name, *value; /* point into the connection buffer */
    size_t name_len, value_len;
} http_header;

typedef struct {
    char method[16];
    const char *target; /* points into the connection buffer, NUL-terminated copy below */
    size_t target_len;
    char *target_z; /* malloc'd NUL-terminated copy of the target */
    int minor_version;
    size_t head_len;
    int has_body_length;
    unsigned long long content_length;
    int has_transfer_encoding;
    int keep_alive; /* the library's reading of version + Connection */
    int expect_continue;
    http_header headers[HTTP_MAX_HEADERS];
    size_t nheaders;
    char *body; /* malloc'd, NUL-terminated; NULL when empty */
    size_t body_len;
    const char *peer;
} http_request;

typedef struct {
    int status;
    const char *content_type;
    sbuf body;
    sbuf extra_headers; /* complete "Name: value\r\n" lines */
    int close;          /* answer with Connection: close and drop the connection */
} http_response;

/* Case-insensitive header lookup; NULL when absent. */
const char *http_header_get(const http_request *r, const char *name, size_t *len);

/* A JSON error body {"error":code,"message":...}. */
void http_error(http_response *resp, int status, const char *code, const char *message);

const char *http_reason(int status);

/* What the router provides. `precheck` runs after the head is parsed and
 * before the body is read; it returns nonzero when it filled `resp` (the
 * answer is sent and the connection closed, the body unread). */
typedef struct {
    int (*precheck)(void *worker, const http_request *req, http_response *resp);
    void (*handle)(void *worker, const http_request *req, http_response *resp);
    int request_timeout_ms;
} http_router;

/* Serves every complete request buffered on `c` (at least one read).
 * The server's `serve` callback. */
conn_next http_serve(const http_router *router, void *worker, conn *c);

#endif
