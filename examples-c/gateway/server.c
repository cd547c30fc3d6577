#define _POSIX_C_SOURCE 200809L
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

static volatile sig_atomic_t stop_flag = 0;
static int wake_pipe[2] = {-1, -1};

struct server {
    server_config cfg;
    int listen_fd;
    pthread_t *workers;
    int nworkers;
    int open_conns; /* every connection alive: idle, queued or being served */

    pthread_mutex_t lock; /* guards everything below and open_conns */
    pthread_cond_t ready_cv;
    conn *ready_head, *ready_tail; /* readable connections for the workers */
    conn *returned;                /* served connections going back to the poller */
    int shutting_down;
};

typedef struct {
    server *srv;
    int index;
} worker_arg;

void server_stop(void) {
    char b = 1;
    ssize_t r;
    stop_flag = 1;
    if (wake_pipe[1] >= 0) r = write(wake_pipe[1], &b, 1);
    (void)r;
}

int server_stopping(void) { return stop_flag != 0; }

static void wake(void) {
    char b = 0;
    ssize_t r = write(wake_pipe[1], &b, 1);
    (void)r; /* a full pipe already means "wake up" */
}

static int set_nonblock(int fd, int on) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -1;
    return fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK));
}

static void conn_free(server *s, conn *c) {
    close(c->fd);
    free(c->buf);
    free(c);
    pthread_mutex_lock(&s->lock);
    s->open_conns--;
    pthread_mutex_unlock(&s->lock);
}

/* Waits for the fd until the deadline, in short slices so a stop request is
 * noticed. 1 ready, 0 timeout or stopping, -1 error. */
static int wait_fd(int fd, short events, uint64_t deadline) {
    for (;;) {
        struct pollfd p;
        uint64_t now = mono_ms();
        int slice, rc;
        if (stop_flag || now >= deadline) return 0;
        slice = (int)(deadline - now > 200 ? 200 : deadline - now);
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        rc = poll(&p, 1, slice);
        if (rc < 0 && errno != EINTR) return -1;
        if (rc > 0) return 1;
    }
}

long conn_read(conn *c, void *buf, size_t len, uint64_t deadline) {
    for (;;) {
        ssize_t n;
        int w = wait_fd(c->fd, POLLIN, deadline);
        if (w <= 0) return -1;
        n = recv(c->fd, buf, len, 0);
        if (n >= 0) return (long)n;
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    }
}

int conn_write_all(conn *c, const void *buf, size_t len, uint64_t deadline) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                /* Writes are not cut short by a stop: finish the answer. */
                struct pollfd pf;
                if (mono_ms() >= deadline) return -1;
                pf.fd = c->fd;
                pf.events = POLLOUT;
                if (poll(&pf, 1, 200) < 0 && errno != EINTR) return -1;
                continue;
            }
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void *worker_main(void *argp) {
    worker_arg *arg = argp;
    server *s = arg->srv;
    void *ctx = s->cfg.worker_init(s->cfg.app, arg->index);
    free(arg);
    if (!ctx) {
        LOG_ERR("worker could not start; stopping the gateway");
        server_stop();
        return NULL;
    }
    for (;;) {
        conn *c;
        conn_next next;
        pthread_mutex_lock(&s->lock);
        while (!s->ready_head && !s->shutting_down) pthread_cond_wait(&s->ready_cv, &s->lock);
        if (!s->ready_head) { /* shutting down and nothing left */
            pthread_mutex_unlock(&s->lock);
            break;
        }
        c = s->ready_head;
        s->ready_head = c->next;
        if (!s->ready_head) s->ready_tail = NULL;
        c->next = NULL;
        pthread_mutex_unlock(&s->lock);

        next = s->cfg.serve(ctx, c);
        if (next == CONN_CLOSE || stop_flag) {
            conn_free(s, c);
            continue;
        }
        pthread_mutex_lock(&s->lock);
        c->next = s->returned;
        s->returned = c;
        pthread_mutex_unlock(&s->lock);
        wake();
    }
    s->cfg.worker_fini(ctx);
    return NULL;
}

static int make_listener(const char *addr, int port, int *bound_port) {
    struct sockaddr_storage ss;
    socklen_t sl;
    int fd, one = 1;
    memset(&ss, 0, sizeof ss);
    if (strchr(addr, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((unsigned short)port);
        if (inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1) return -1;
        sl = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((unsigned short)port);
        if (inet_pton(AF_INET, addr, &a4->sin_addr) != 1) return -1;
        sl = sizeof *a4;
    }
    fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 512) != 0 ||
        set_nonblock(fd, 1) != 0) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        close(fd);
        return -1;
    }
    *bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

server *server_new(const server_config *cfg, int *bound_port) {
    server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cfg = *cfg;
    s->listen_fd = make_listener(cfg->addr, cfg->port, bound_port);
    if (s->listen_fd < 0) {
        free(s);
        return NULL;
    }
    if (wake_pipe[0] < 0) {
        if (pipe(wake_pipe) != 0) {
            close(s->listen_fd);
            free(s);
            return NULL;
        }
        /* Non-blocking both ends: the signal handler must never block, and
         * the poller drains without blocking. */
        set_nonblock(wake_pipe[0], 1);
        set_nonblock(wake_pipe[1], 1);
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->ready_cv, NULL);
    return s;
}

static void accept_some(server *s, conn ***idle, int *nidle) {
    /* Accept what is queued, up to the connection limit. */
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd, one = 1;
        conn *c;
        pthread_mutex_lock(&s->lock);
        if (s->open_conns >= s->cfg.max_conns) {
            pthread_mutex_unlock(&s->lock);
            return;
        }
        pthread_mutex_unlock(&s->lock);
        fd = accept(s->listen_fd, (struct sockaddr *)&ss, &sl);
        if (fd < 0) return; /* EAGAIN, or a transient error: retry at the next poll */
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        set_nonblock(fd, 1);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c = calloc(1, sizeof *c);
        if (c) c->buf = malloc(s->cfg.max_head);
        if (!c || !c->buf) {
            if (c) free(c);
            close(fd);
            return;
        }
        c->fd = fd;
        c->cap = s->cfg.max_head;
        c->idle_since = mono_ms();
        if (ss.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->peer, sizeof c->peer);
        else if (ss.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, c->peer,
                      sizeof c->peer);
        pthread_mutex_lock(&s->lock);
        s->open_conns++;
        pthread_mutex_unlock(&s->lock);
        (*idle)[(*nidle)++] = c;
    }
}

static void hand_to_workers(server *s, conn *c) {
    pthread_mutex_lock(&s->lock);
    c->next = NULL;
    if (s->ready_tail)
        s->ready_tail->next = c;
    else
        s->ready_head = c;
    s->ready_tail = c;
    pthread_cond_signal(&s->ready_cv);
    pthread_mutex_unlock(&s->lock);
}

int server_run(server *s) {
    int i, rc = 0;
    int nidle = 0;
    conn **idle = calloc((size_t)s->cfg.max_conns + 1, sizeof *idle);
    struct pollfd *pfds = calloc((size_t)s->cfg.max_conns + 2, sizeof *pfds);
    sigset_t all, old;
    if (!idle || !pfds) {
        free(idle);
        free(pfds);
        return -1;
    }
    /* Workers inherit a blocked signal mask, so SIGTERM/SIGINT reach this
     * thread and interrupt its poll(). */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    s->workers = calloc((size_t)s->cfg.threads, sizeof *s->workers);
    for (i = 0; s->workers && i < s->cfg.threads; i++) {
        worker_arg *a = malloc(sizeof *a);
        if (!a) break;
        a->srv = s;
        a->index = i;
        if (pthread_create(&s->workers[i], NULL, worker_main, a) != 0) {
            free(a);
            break;
        }
        s->nworkers++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (s->nworkers < s->cfg.threads) {
        LOG_ERR("could not start %d worker threads", s->cfg.threads);
        server_stop();
        rc = -1;
    }

    while (!stop_flag) {
        int n = 0, listening;
        uint64_t now;
        conn *back;
        /* Take back the connections workers have finished with. */
        pthread_mutex_lock(&s->lock);
        back = s->returned;
        s->returned = NULL;
        listening = s->open_conns < s->cfg.max_conns;
        pthread_mutex_unlock(&s->lock);
        while (back) {
            conn *next = back->next;
            back->next = NULL;
            back->idle_since = mono_ms();
            idle[nidle++] = back;
            back = next;
        }

        pfds[n].fd = wake_pipe[0];
        pfds[n++].events = POLLIN;
        pfds[n].fd = listening ? s->listen_fd : -1; /* at the limit: leave them in the backlog */
        pfds[n++].events = POLLIN;
        for (i = 0; i < nidle; i++) {
            pfds[n].fd = idle[i]->fd;
            pfds[n++].events = POLLIN;
        }
        if (poll(pfds, (nfds_t)n, 1000) < 0) {
            if (errno == EINTR) continue;
            LOG_ERR("poll: %s", strerror(errno));
            rc = -1;
            break;
        }
        if (pfds[0].revents) {
            char drain[64];
            while (read(wake_pipe[0], drain, sizeof drain) > 0) {
            }
        }
        /* Readable (or closed: the worker will see EOF) → a worker; silent
         * too long → closed. Compact the idle array in place. */
        now = mono_ms();
        {
            int kept = 0;
            for (i = 0; i < nidle; i++) {
                conn *c = idle[i];
                short ev = pfds[i + 2].revents;
                if (ev & (POLLIN | POLLHUP | POLLERR)) {
                    hand_to_workers(s, c);
                } else if (now - c->idle_since >= (uint64_t)s->cfg.idle_timeout_ms) {
                    conn_free(s, c);
                } else {
                    idle[kept++] = c;
                }
            }
            nidle = kept;
        }
        if (pfds[1].revents & POLLIN) accept_some(s, &idle, &nidle);
    }

    /* Orderly stop: no new connections; workers finish what they hold and
     * drain the ready queue (they close instead of keeping alive). */
    pthread_mutex_lock(&s->lock);
    s->shutting_down = 1;
    pthread_cond_broadcast(&s->ready_cv);
    pthread_mutex_unlock(&s->lock);
    for (i = 0; i < s->nworkers; i++) pthread_join(s->workers[i], NULL);
    for (i = 0; i < nidle; i++) conn_free(s, idle[i]);
    while (s->returned) {
        conn *c = s->returned;
        s->returned = c->next;
        conn_free(s, c);
    }
    while (s->ready_head) { /* only if a worker failed to start */
        conn *c = s->ready_head;
        s->ready_head = c->next;
        conn_free(s, c);
    }
    free(idle);
    free(pfds);
    return rc;
}

void server_free(server *s) {
    if (!s) return;
    close(s->listen_fd);
    free(s->workers);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->ready_cv);
    free(s);
    if (wake_pipe[0] >= 0) {
        close(wake_pipe[0]);
        close(wake_pipe[1]);
        wake_pipe[0] = wake_pipe[1] = -1;
    }
}
