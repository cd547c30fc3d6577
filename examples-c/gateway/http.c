#define _POSIX_C_SOURCE 200809L
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "prana_webhook.h"

enum { HEAD_COMPLETE = 1, HEAD_PARTIAL = 0, HEAD_MALFORMED = -1, HEAD_BAD_FRAMING = -2,
       HEAD_TOO_MANY = -3 };

const char *http_reason(int status) {
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

void http_error(http_response *resp, int status, const char *code, const char *message) {
    resp->status = status;
    resp->content_type = "application/json";
    sb_reset(&resp->body);
    sb_puts(&resp->body, "{\"error\":");
    sb_json_cstr(&resp->body, code);
    sb_puts(&resp->body, ",\"message\":");
    sb_json_cstr(&resp->body, message);
    sb_puts(&resp->body, "}\n");
}

const char *http_header_get(const http_request *r, const char *name, size_t *len) {
    size_t i, n = strlen(name);
    for (i = 0; i < r->nheaders; i++) {
        if (r->headers[i].name_len == n && strncasecmp(r->headers[i].name, name, n) == 0) {
            if (len) *len = r->headers[i].value_len;
            return r->headers[i].value;
        }
    }
    return NULL;
}

/* Whether a comma-separated header value lists `token` (case-insensitive). */
static int has_token(const char *v, size_t len, const char *token) {
    size_t tl = strlen(token), i = 0;
    while (i < len) {
        size_t start, end;
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) i++;
        start = i;
        while (i < len && v[i] != ',') i++;
        end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t')) end--;
        if (end - start == tl && strncasecmp(v + start, token, tl) == 0) return 1;
    }
    return 0;
}

/* The head parser is the library's (httparse behind the C ABI): the gateway
 * never splits request lines or headers itself. This adapter copies its
 * spans into http_request. */
static int parse_head(const char *buf, size_t len, http_request *req) {
    prana_http_request h;
    prana_status st = prana_http_parse_request((const uint8_t *)buf, len, &h);
    size_t i;
    if (st == PRANA_STATUS_HTTP_INCOMPLETE) return HEAD_PARTIAL;
    if (st == PRANA_STATUS_HTTP_TOO_MANY_HEADERS) return HEAD_TOO_MANY;
    if (st == PRANA_STATUS_HTTP_BAD_FRAMING) return HEAD_BAD_FRAMING;
    if (st != PRANA_STATUS_OK) return HEAD_MALFORMED;
    if (h.method.len >= sizeof req->method) return HEAD_MALFORMED;
    memcpy(req->method, buf + h.method.offset, h.method.len);
    req->method[h.method.len] = '\0';
    req->target = buf + h.target.offset;
    req->target_len = h.target.len;
    req->minor_version = h.version_minor;
    req->head_len = h.head_len;
    req->has_body_length = h.has_content_length;
    req->content_length = h.content_length;
    req->has_transfer_encoding = h.has_transfer_encoding;
    req->keep_alive = h.keep_alive;
    req->nheaders = 0;
    for (i = 0; i < h.header_count && i < HTTP_MAX_HEADERS; i++) {
        http_header *x = &req->headers[req->nheaders++];
        x->name = buf + h.headers[i].name.offset;
        x->name_len = h.headers[i].name.len;
        x->value = buf + h.headers[i].value.offset;
        x->value_len = h.headers[i].value.len;
    }
    return HEAD_COMPLETE;
}

static void response_init(http_response *r) {
    r->status = 500;
    r->content_type = "application/json";
    sb_init(&r->body);
    sb_init(&r->extra_headers);
    r->close = 0;
}

static void response_free(http_response *r) {
    sb_free(&r->body);
    sb_free(&r->extra_headers);
}

static int send_response(conn *c, http_response *resp, int keep_alive, uint64_t deadline) {
    sbuf out;
    int rc;
    if (resp->body.oom) http_error(resp, 500, "internal_error", "out of memory");
    sb_init(&out);
    sb_printf(&out,
              "HTTP/1.1 %d %s\r\n"
              "Content-Type: %s\r\n"
              "Content-Length: %lu\r\n"
              "Cache-Control: no-store\r\n"
              "Connection: %s\r\n",
              resp->status, http_reason(resp->status), resp->content_type,
              (unsigned long)resp->body.len, keep_alive ? "keep-alive" : "close");
    sb_append(&out, sb_cstr(&resp->extra_headers), resp->extra_headers.len);
    sb_append(&out, "\r\n", 2);
    sb_append(&out, sb_cstr(&resp->body), resp->body.len);
    rc = out.oom ? -1 : conn_write_all(c, out.p, out.len, deadline);
    sb_free(&out);
    return rc;
}

/* Closing a socket with unread input makes the kernel send a reset, which
 * can destroy the answer before the client reads it. So: stop writing, then
 * read and drop what the client still sends, briefly and boundedly. */
static void lingering_close(conn *c) {
    char sink[4096];
    size_t total = 0;
    uint64_t until = mono_ms() + 500;
    shutdown(c->fd, SHUT_WR);
    while (total < (1u << 20)) {
        long n = conn_read(c, sink, sizeof sink, until);
        if (n <= 0) break;
        total += (size_t)n;
    }
}

/* An answer sent before the request was read in full: the connection
 * cannot be reused because unread body bytes would look like a new request. */
static conn_next answer_and_close(conn *c, int status, const char *code, const char *msg,
                                  uint64_t deadline) {
    http_response resp;
    response_init(&resp);
    http_error(&resp, status, code, msg);
    if (send_response(c, &resp, 0, deadline) == 0) lingering_close(c);
    response_free(&resp);
    return CONN_CLOSE;
}

/* Serves one request from c (reading as needed). CONN_KEEP when another may
 * follow on this connection. */
static conn_next serve_one(const http_router *router, void *worker, conn *c) {
    http_request req;
    http_response resp;
    uint64_t deadline = mono_ms() + (uint64_t)router->request_timeout_ms;
    int parsed = HEAD_PARTIAL, keep;
    size_t in_buf, used;
    conn_next next = CONN_KEEP;

    memset(&req, 0, sizeof req);
    req.peer = c->peer;
    for (;;) {
        long n;
        if (c->len > 0) {
            parsed = parse_head(c->buf, c->len, &req);
            if (parsed != HEAD_PARTIAL) break;
        }
        if (c->len == c->cap)
            return answer_and_close(c, 413, "header_too_large",
                                    "the request head is larger than the configured limit",
                                    deadline);
        n = conn_read(c, c->buf + c->len, c->cap - c->len, deadline);
        if (n <= 0) {
            /* EOF between requests is the normal end of keep-alive; a timeout
             * in the middle of a head gets a 408 for the record. */
            if (n < 0 && c->len > 0 && !server_stopping())
                return answer_and_close(c, 408, "request_timeout",
                                        "the request was not received in time", deadline);
            return CONN_CLOSE;
        }
        c->len += (size_t)n;
    }
    if (parsed == HEAD_TOO_MANY)
        return answer_and_close(c, 413, "header_too_large", "too many request headers",
                                deadline);
    if (parsed == HEAD_BAD_FRAMING)
        return answer_and_close(c, 400, "bad_request",
                                "bad body framing (Content-Length / Transfer-Encoding)",
                                deadline);
    if (parsed != HEAD_COMPLETE)
        return answer_and_close(c, 400, "bad_request", "malformed HTTP request head",
                                deadline);

    {
        size_t tl;
        const char *ev = http_header_get(&req, "expect", &tl);
        /* Bodies are framed by Content-Length only: chunked uploads of a few
         * KiB of JSON are not worth a second framing path. */
        if (req.has_transfer_encoding)
            return answer_and_close(c, 501, "chunked_not_supported",
                                    "Transfer-Encoding is not supported; send Content-Length",
                                    deadline);
        req.expect_continue = ev && has_token(ev, tl, "100-continue");
    }

    response_init(&resp);
    req.target_z = xstrndup(req.target, req.target_len);
    if (!req.target_z) {
        response_free(&resp);
        return CONN_CLOSE;
    }
    /* Size and route checks before reading a byte of body: an oversized or
     * misdirected upload is refused without being received. */
    if (router->precheck(worker, &req, &resp)) {
        if (send_response(c, &resp, 0, deadline) == 0) lingering_close(c);
        next = CONN_CLOSE;
        goto done;
    }

    /* The body: what was read with the head, then the rest from the socket. */
    in_buf = c->len - req.head_len;
    req.body_len = req.has_body_length ? (size_t)req.content_length : 0;
    if (req.body_len > 0) {
        size_t have = in_buf < req.body_len ? in_buf : req.body_len;
        req.body = malloc(req.body_len + 1);
        if (!req.body) {
            next = answer_and_close(c, 500, "internal_error", "out of memory", deadline);
            goto done;
        }
        memcpy(req.body, c->buf + req.head_len, have);
        if (have < req.body_len && req.expect_continue) {
            static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
            if (conn_write_all(c, cont, sizeof cont - 1, deadline) != 0) {
                next = CONN_CLOSE;
                goto done;
            }
        }
        while (have < req.body_len) {
            long n = conn_read(c, req.body + have, req.body_len - have, deadline);
            if (n <= 0) {
                next = CONN_CLOSE;
                goto done;
            }
            have += (size_t)n;
        }
        req.body[req.body_len] = '\0';
        used = req.head_len + (in_buf < req.body_len ? in_buf : req.body_len);
    } else {
        used = req.head_len;
    }

    router->handle(worker, &req, &resp);
    keep = req.keep_alive && !resp.close && !server_stopping();
    if (send_response(c, &resp, keep, deadline) != 0) keep = 0;
    /* Keep pipelined bytes of the next request. */
    memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
    next = keep ? CONN_KEEP : CONN_CLOSE;
done:
    response_free(&resp);
    free(req.target_z);
    free(req.body);
    return next;
}

conn_next http_serve(const http_router *router, void *worker, conn *c) {
    conn_next next;
    do {
        next = serve_one(router, worker, c);
    } while (next == CONN_KEEP && c->len > 0);
    return next;
}
