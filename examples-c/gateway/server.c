#define _POSIX_C_SOURCE 200809L
#include "server.h"

#include "conns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag = 0;
static int wake_pipe[2] = {-1, -1};

/* Connections shut down to make room that the library has not closed yet,
 * at most; the library's own connection limit leaves room for twice as
 * many above --max-conns (the refused ones close the same way). */
#define SHED_IN_FLIGHT 32
/* Threads running event loops (connections, parsing, sending); the
 * handlers run on the worker pool (--threads). */
#define EVENT_THREADS 2
/* How much of a too-large chunked body is read (and dropped) to answer 413. */
#define DISCARD_MAX (1024 * 1024)

/* A worker waiting for a request: the pool hands the next request to the
 * worker that went idle last (a stack), whose thread-local state (database
 * connection, library run buffers, ID generator) is still in the CPU caches;
 * a shared condition variable would wake them in turn and touch them all. */
typedef struct idle_worker {
    pthread_cond_t cv;
    struct req_ctx *job; /* set by `enqueue` when it picks this worker */
    struct idle_worker *next;
} idle_worker;

/* One request, from its request line to the end of its answer. */
typedef struct req_ctx {
    uint64_t start_us;
    char *target; /* origin form, NUL-terminated */
    size_t target_len;
    int started;  /* the head has been seen by the handlers */
    int answered; /* a response was queued by us */
    int queued;   /* handed to the workers; the connection is suspended */
    int done;     /* a worker filled `resp` */
    size_t over;  /* body bytes dropped past the limit */
    sbuf body;
    char method[16];
    struct MHD_Connection *conn;
    http_response resp;
    struct req_ctx *next;
} req_ctx;

struct server {
    server_config cfg;
    struct MHD_Daemon *d;
    conn_table conns; /* for --max-conns: who makes room */
    /* The worker pool: complete requests go to the last idle worker, or
     * wait here when every worker is busy. */
    pthread_mutex_t qlock;
    idle_worker *idle;
    req_ctx *qhead, *qtail;
    int qstop;
    pthread_t *threads;
    int nthreads;
};

void server_stop(void) {
    char b = 1;
    ssize_t r;
    stop_flag = 1;
    if (wake_pipe[1] >= 0) r = write(wake_pipe[1], &b, 1);
    (void)r;
}

/* "http://host:port/p?q" -> "/p?q"; origin-form targets are kept as they are. */
static const char *origin_form(const char *uri) {
    const char *p;
    if (strncasecmp(uri, "http://", 7) == 0)
        p = uri + 7;
    else if (strncasecmp(uri, "https://", 8) == 0)
        p = uri + 8;
    else
        return uri;
    p += strcspn(p, "/?");
    return p;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
    req_ctx *x = calloc(1, sizeof *x);
    const char *o = origin_form(uri);
    (void)cls;
    (void)c;
    if (!x) return NULL;
    x->start_us = mono_us();
    sb_init(&x->body);
    /* An absolute-form target without a path means "/". */
    x->target_len = strlen(o) + (*o != '/');
    x->target = malloc(x->target_len + 1);
    if (!x->target) {
        free(x);
        return NULL;
    }
    if (*o != '/') {
        x->target[0] = '/';
        memcpy(x->target + 1, o, x->target_len);
    } else {
        memcpy(x->target, o, x->target_len + 1);
    }
    return x;
}

/* The handlers see raw targets: percent-decoding is theirs (the library's
 * route parser refuses encoded ids, the query decoder checks UTF-8). */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls;
    (void)c;
    return strlen(s);
}

static enum MHD_Result queue(struct MHD_Connection *c, req_ctx *x, http_response *r) {
    struct MHD_Response *m;
    enum MHD_Result rc;
    const char *h = sb_cstr(&r->extra_headers);
    m = MHD_create_response_from_buffer(r->body.len, r->body.p ? r->body.p : (void *)"",
                                        MHD_RESPMEM_MUST_COPY);
    if (!m) return MHD_NO;
    if (r->content_type) MHD_add_response_header(m, "Content-Type", r->content_type);
    /* Extra headers arrive as "Name: value\r\n" lines. */
    while (*h) {
        const char *colon = strchr(h, ':'), *end = strstr(h, "\r\n");
        if (!colon || !end || colon > end) break;
        {
            char *name = xstrndup(h, (size_t)(colon - h));
            const char *v = colon + 1;
            char *value;
            while (*v == ' ') v++;
            value = xstrndup(v, (size_t)(end - v));
            if (name && value) MHD_add_response_header(m, name, value);
            free(name);
            free(value);
        }
        h = end + 2;
    }
    rc = MHD_queue_response(c, (unsigned int)r->status, m);
    MHD_destroy_response(m);
    if (x) x->answered = 1;
    return rc;
}

static enum MHD_Result answer_error(struct MHD_Connection *c, req_ctx *x, int status,
                                    const char *code, const char *msg) {
    http_response r;
    enum MHD_Result rc;
    http_response_init(&r);
    http_error(&r, status, code, msg);
    rc = queue(c, x, &r);
    http_response_free(&r);
    return rc;
}

static void fill_request(req_ctx *x, struct MHD_Connection *c, const char *method,
                         http_request *req) {
    const char *cl;
    memset(req, 0, sizeof *req);
    snprintf(req->method, sizeof req->method, "%s", method);
    req->target_z = x->target;
    req->target_len = x->target_len;
    req->conn = c;
    cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        req->content_length = strtoull(cl, &end, 10);
        req->has_body_length = errno == 0 && end != cl;
    }
    req->body = x->body.p;
    req->body_len = x->body.len;
}

/* Hands a complete request to the workers; the connection is suspended
 * until one has answered it. 0 when queued; -1 when the pool is stopping. */
static int enqueue(server *s, req_ctx *x) {
    pthread_mutex_lock(&s->qlock);
    if (s->qstop) {
        pthread_mutex_unlock(&s->qlock);
        return -1;
    }
    x->queued = 1;
    MHD_suspend_connection(x->conn);
    x->next = NULL;
    if (s->idle) {
        idle_worker *w = s->idle;
        s->idle = w->next;
        w->job = x;
        pthread_cond_signal(&w->cv);
    } else {
        if (s->qtail)
            s->qtail->next = x;
        else
            s->qhead = x;
        s->qtail = x;
    }
    pthread_mutex_unlock(&s->qlock);
    return 0;
}

/* The connection's record in the table (NULL: none, out of memory). */
static conn_rec *rec_of(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls) {
    server *s = cls;
    req_ctx *x = *con_cls;
    http_request req;
    http_response resp;
    enum MHD_Result rc;
    (void)url;
    (void)version;
    if (!x) return MHD_NO; /* out of memory at the request line */
    if (x->answered) {     /* refused early: the rest of the body is not read */
        *upload_size = 0;
        return MHD_YES;
    }
    if (!x->started) {
        const union MHD_ConnectionInfo *hi;
        conn_rec *r = rec_of(c);
        x->started = 1;
        /* Closed to make room just before its head was complete: the
         * request is dropped unhandled, as if the connection had gone. */
        if (r && conns_busy(&s->conns, r) != 0) return MHD_NO;
        hi = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
        if (hi && hi->header_size > s->cfg.max_head)
            return answer_error(c, x, 431, "request_header_too_large",
                                "the request head is larger than the configured limit");
        fill_request(x, c, method, &req);
        http_response_init(&resp);
        if (s->cfg.precheck(s->cfg.app, &req, &resp)) {
            rc = queue(c, x, &resp);
            http_response_free(&resp);
            return rc;
        }
        http_response_free(&resp);
        return MHD_YES; /* the library sends 100 Continue if the client asked */
    }
    if (*upload_size > 0) {
        /* Over the limit (a chunked body: the length was not known up
         * front): drop the rest and answer 413 at its end; a sender that
         * keeps going far past the limit is cut off. */
        if (x->over > 0 || x->body.len + *upload_size > s->cfg.max_body) {
            x->over += *upload_size;
            *upload_size = 0;
            return x->over > DISCARD_MAX ? MHD_NO : MHD_YES;
        }
        sb_append(&x->body, upload, *upload_size);
        *upload_size = 0;
        if (x->body.oom) return answer_error(c, x, 503, "out_of_memory", "no memory for the body");
        return MHD_YES;
    }
    if (x->over > 0)
        return answer_error(c, x, 413, "payload_too_large",
                            "the request body is larger than the configured limit");
    if (x->done) { /* back from a worker */
        rc = queue(c, x, &x->resp);
        http_response_free(&x->resp);
        return rc;
    }
    if (x->queued) return MHD_YES;
    snprintf(x->method, sizeof x->method, "%s", method);
    x->conn = c;
    if (enqueue(s, x) != 0)
        return answer_error(c, x, 503, "shutting_down", "the gateway is shutting down");
    return MHD_YES;
}

/* A worker thread: its own context (database connection), then requests
 * from the queue until the pool stops and the queue is empty. */
typedef struct {
    server *s;
    int index;
} worker_arg;

static void *worker_main(void *argp) {
    worker_arg *arg = argp;
    server *s = arg->s;
    int index = arg->index;
    void *w = s->cfg.worker_init(s->cfg.app, index);
    idle_worker me;
    free(arg);
    pthread_cond_init(&me.cv, NULL);
    for (;;) {
        req_ctx *x;
        http_request req;
        pthread_mutex_lock(&s->qlock);
        x = s->qhead;
        if (x) {
            s->qhead = x->next;
            if (!s->qhead) s->qtail = NULL;
        } else if (!s->qstop) {
            me.job = NULL;
            me.next = s->idle;
            s->idle = &me;
            while (!me.job && !s->qstop) pthread_cond_wait(&me.cv, &s->qlock);
            /* Stopping: `server_free` emptied the idle stack. */
            x = me.job;
        }
        pthread_mutex_unlock(&s->qlock);
        if (!x) break;

        /* A database that was down at start is retried at each request. */
        if (!w) w = s->cfg.worker_init(s->cfg.app, index);
        http_response_init(&x->resp);
        if (!w) {
            http_error(&x->resp, 503, "store_unavailable",
                       "this worker has no database connection");
        } else {
            fill_request(x, x->conn, x->method, &req);
            s->cfg.handle(w, &req, &x->resp);
        }
        x->done = 1;
        MHD_resume_connection(x->conn);
    }
    pthread_cond_destroy(&me.cv);
    if (w) s->cfg.worker_fini(w);
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    server *s = cls;
    req_ctx *x = *con_cls;
    const union MHD_ConnectionInfo *si = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
    (void)toe;
    /* Our answers and the HTTP library's own (400, 413, 431, 505...). */
    if (si && si->http_status >= 100)
        s->cfg.observe(s->cfg.app, x ? x->target : NULL, (int)si->http_status,
                       x ? (double)(mono_us() - x->start_us) / 1e6 : 0.0);
    /* Its request is over: the connection is idle from now. */
    {
        conn_rec *r = rec_of(c);
        if (r) conns_idle(&s->conns, r);
    }
    if (x) {
        sb_free(&x->body);
        free(x->target);
        free(x);
        *con_cls = NULL;
    }
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe) {
    server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fi =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_shed shed = CONN_ROOM;
        conn_rec *r = fi ? conns_open(&s->conns, fi->connect_fd, &shed) : NULL;
        *socket_context = r;
        if (!r) {
            /* Not tracked, so not kept: refused like a connection over the limit. */
            if (fi) shutdown(fi->connect_fd, SHUT_RDWR);
            shed = CONN_REFUSED;
        }
        if (shed != CONN_ROOM && s->cfg.shed) s->cfg.shed(s->cfg.app, shed == CONN_REFUSED);
    } else {
        conns_close(&s->conns, *socket_context);
        *socket_context = NULL;
    }
}

/* libmicrohttpd's own messages. While it starts they say why it cannot (a
 * key that does not match its certificate, an address in use) and are
 * errors; afterwards (a client gone mid-request, a failed TLS handshake)
 * they are routine and shown only with --verbose. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int daemon_starting;

static void mhd_log(void *cls, const char *fmt, va_list ap) {
    char msg[512];
    size_t n;
    int starting;
    (void)cls;
    pthread_mutex_lock(&log_lock);
    starting = daemon_starting;
    pthread_mutex_unlock(&log_lock);
    if (!starting && !g_verbose) return;
    vsnprintf(msg, sizeof msg, fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
    if (starting)
        LOG_ERR("libmicrohttpd: %s", msg);
    else
        LOG_DEBUG("libmicrohttpd: %s", msg);
}

static void set_starting(int v) {
    pthread_mutex_lock(&log_lock);
    daemon_starting = v;
    pthread_mutex_unlock(&log_lock);
}

static int make_addr(const char *addr, int port, struct sockaddr_storage *ss) {
    memset(ss, 0, sizeof *ss);
    if (strchr(addr, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((unsigned short)port);
        return inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1 ? 0 : -1;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((unsigned short)port);
        return inet_pton(AF_INET, addr, &a4->sin_addr) == 1 ? 0 : -1;
    }
}

server *server_new(const server_config *cfg, int *bound_port) {
    server *s = calloc(1, sizeof *s);
    struct sockaddr_storage ss;
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                         MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    unsigned int idle_s = (unsigned int)((cfg->idle_timeout_ms + 999) / 1000);
    const union MHD_DaemonInfo *di;
    /* HTTPS: the key and certificate from memory; without them the array
     * is empty. */
    struct MHD_OptionItem tls[3] = {{MHD_OPTION_END, 0, NULL},
                                    {MHD_OPTION_END, 0, NULL},
                                    {MHD_OPTION_END, 0, NULL}};
    if (!s) return NULL;
    if (cfg->tls_cert && cfg->tls_key) {
        flags |= MHD_USE_TLS;
        tls[0].option = MHD_OPTION_HTTPS_MEM_KEY;
        tls[0].ptr_value = (void *)cfg->tls_key;
        tls[1].option = MHD_OPTION_HTTPS_MEM_CERT;
        tls[1].ptr_value = (void *)cfg->tls_cert;
    }
    s->cfg = *cfg;
    if (make_addr(cfg->addr, cfg->port, &ss) != 0) {
        errno = EINVAL;
        free(s);
        return NULL;
    }
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    conns_init(&s->conns, cfg->max_conns, SHED_IN_FLIGHT);
    pthread_mutex_init(&s->qlock, NULL);
    if (wake_pipe[0] < 0 && pipe(wake_pipe) != 0) {
        server_free(s);
        return NULL;
    }
    set_starting(1);
    s->d = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, s,
        /* First, so that no message goes to the library's default logger. */
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)EVENT_THREADS,
        /* The hard cap sits above --max-conns: the table makes room first. */
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_conns + 2 * SHED_IN_FLIGHT,
        MHD_OPTION_CONNECTION_TIMEOUT, idle_s ? idle_s : 1u,
        /* Room for a head a little over the limit, so we answer it ourselves. */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(cfg->max_head + 8192),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 512u, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_ARRAY, tls,
        MHD_OPTION_END);
    set_starting(0);
    if (!s->d) {
        server_free(s);
        return NULL;
    }
    s->threads = calloc((size_t)cfg->threads, sizeof *s->threads);
    if (!s->threads) {
        server_free(s);
        return NULL;
    }
    for (; s->nthreads < cfg->threads; s->nthreads++) {
        worker_arg *a = malloc(sizeof *a);
        if (!a) break;
        a->s = s;
        a->index = s->nthreads;
        if (pthread_create(&s->threads[s->nthreads], NULL, worker_main, a) != 0) {
            free(a);
            break;
        }
    }
    if (s->nthreads == 0) {
        server_free(s);
        return NULL;
    }
    di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    *bound_port = di ? (int)di->port : cfg->port;
    return s;
}

int server_tls_supported(void) {
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

int server_run(server *s) {
    (void)s;
    while (!stop_flag) {
        char b;
        ssize_t n = read(wake_pipe[0], &b, 1);
        if (n < 0 && errno != EINTR) return -1;
    }
    return 0;
}

void server_free(server *s) {
    int i;
    if (!s) return;
    /* The workers finish every queued request (and resume its connection)
     * before the daemon stops; later requests are answered 503. */
    pthread_mutex_lock(&s->qlock);
    s->qstop = 1;
    for (; s->idle; s->idle = s->idle->next) pthread_cond_signal(&s->idle->cv);
    pthread_mutex_unlock(&s->qlock);
    for (i = 0; i < s->nthreads; i++) pthread_join(s->threads[i], NULL);
    if (s->d) MHD_stop_daemon(s->d);
    free(s->threads);
    conns_destroy(&s->conns);
    pthread_mutex_destroy(&s->qlock);
    free(s);
    if (wake_pipe[0] >= 0) {
        close(wake_pipe[0]);
        close(wake_pipe[1]);
        wake_pipe[0] = wake_pipe[1] = -1;
    }
}
