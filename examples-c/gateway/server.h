/* The HTTP server: libmicrohttpd event loops (epoll, two threads) own every
 * connection; a separate pool of worker threads (--threads) runs the
 * handlers. A complete request is handed to the pool and its connection
 * suspended until a worker has answered: a connection costs a worker only
 * while its complete request is being handled, slow and silent clients are
 * parked in the event loop and closed after the idle timeout, and no
 * connection waits for another one that happens to share its event thread.
 * At --max-conns a new connection closes the one idle longest (conns.h);
 * when every connection has a request in progress it is refused instead.
 *
 * The handler pipeline per request: `precheck` once the head is in (before
 * any body byte is read, so an oversized body is refused without reading
 * it), the body collected up to the limit (Content-Length or chunked;
 * `Expect: 100-continue` answered by the library), then `handle`. Every
 * answer, the HTTP library's own 4xx/5xx included, goes through `observe`. */
#ifndef GW_SERVER_H
#define GW_SERVER_H

#include <stddef.h>

#include "http.h"

typedef struct {
    const char *addr; /* numeric IPv4/IPv6 address to bind */
    int port;         /* 0: any free port */
    /* PEM certificate chain and private key: HTTPS only. Both NULL: plain
     * HTTP. Read when the server starts. */
    const char *tls_cert;
    const char *tls_key;
    int threads;
    int max_conns;
    int idle_timeout_ms;
    size_t max_head; /* largest request head */
    size_t max_body; /* largest request body, after de-chunking */
    /* Per worker thread: its context (a database connection...), made when
     * the thread starts (retried per request while it fails), freed when
     * it ends. */
    void *(*worker_init)(void *app, int index);
    void (*worker_fini)(void *worker);
    /* On the event thread, before the body is read: nonzero when it filled
     * `resp` (the body is then not read). Must not block. */
    int (*precheck)(void *app, const http_request *req, http_response *resp);
    void (*handle)(void *worker, const http_request *req, http_response *resp);
    /* One call per answer sent; target may be NULL (unparsable request). */
    void (*observe)(void *app, const char *target, int status, double seconds);
    /* Optional: a connection was closed to make room (refused = 0), or a
     * new one refused because every connection was busy (refused = 1). */
    void (*shed)(void *app, int refused);
    void *app;
} server_config;

typedef struct server server;

/* Nonzero when the HTTP library was built with HTTPS support. */
int server_tls_supported(void);
/* Binds and listens; the bound port is in *bound_port. NULL on failure. */
server *server_new(const server_config *cfg, int *bound_port);
/* Blocks until server_stop(); 0 on an orderly stop. */
int server_run(server *s);
/* Finishes the requests handed to the workers, stops and frees. */
void server_free(server *s);

/* Async-signal-safe: asks server_run() to return. */
void server_stop(void);

#endif
