/* The connection machinery: one listening socket, a poll() loop in the
 * calling thread that watches the listener and idle keep-alive connections,
 * and a small pool of worker threads that serve connections with a request
 * ready to read.
 *
 * Why this shape: workers block on SQLite, so they must not also be the ones
 * waiting on idle sockets; the poller owns every idle connection and hands a
 * connection to a worker only when bytes arrive, so a few workers serve many
 * keep-alive clients. A worker serves one request (or several pipelined ones)
 * and gives the connection back. */
#ifndef GW_SERVER_H
#define GW_SERVER_H

#include <stddef.h>
#include <stdint.h>

typedef struct conn {
    int fd;
    char *buf; /* request bytes read but not used yet; capacity = head limit */
    size_t len, cap;
    uint64_t idle_since; /* mono_ms when it went back to the poller */
    char peer[64];
    struct conn *next;
} conn;

typedef enum { CONN_KEEP, CONN_CLOSE } conn_next;

typedef struct {
    const char *addr; /* numeric IPv4/IPv6 address to bind */
    int port;         /* 0: any free port */
    int threads;
    int max_conns;
    int idle_timeout_ms;
    size_t max_head; /* per-connection buffer: the largest request head */
    /* Per worker thread: make its context (a database connection...), serve
     * one connection's ready request(s), free the context. */
    void *(*worker_init)(void *app, int index);
    conn_next (*serve)(void *worker, conn *c);
    void (*worker_fini)(void *worker);
    void *app;
} server_config;

typedef struct server server;

/* Binds and listens; the bound port is in *bound_port. NULL on failure. */
server *server_new(const server_config *cfg, int *bound_port);
/* Runs until server_stop(); then joins the workers and closes every
 * connection. Returns 0 on an orderly stop. */
int server_run(server *s);
void server_free(server *s);

/* Async-signal-safe: sets a flag and wakes the poll loop. */
void server_stop(void);
/* Whether a stop was requested (workers check it between reads). */
int server_stopping(void);

/* Blocking-socket helpers with a deadline (mono_ms); they give up early when
 * the server is stopping. read: >0 bytes, 0 EOF, -1 error/timeout. */
long conn_read(conn *c, void *buf, size_t len, uint64_t deadline);
int conn_write_all(conn *c, const void *buf, size_t len, uint64_t deadline);

#endif
