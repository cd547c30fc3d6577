#define _POSIX_C_SOURCE 200809L
#include "conns.h"

#include <stdlib.h>
#include <sys/socket.h>

struct conn_rec {
    int fd;
    int busy;    /* a request is in progress: never closed to make room */
    int closing; /* shut down here; the library has not closed it yet */
    conn_rec *prev, *next; /* in the idle list while neither busy nor closing */
};

void conns_init(conn_table *t, int limit, int max_closing) {
    pthread_mutex_init(&t->lock, NULL);
    t->limit = limit;
    t->max_closing = max_closing;
    t->open = t->closing = 0;
    t->head = t->tail = NULL;
}

void conns_destroy(conn_table *t) {
    /* The library has closed every connection by now (each one freed its
     * record); anything left is freed here all the same. */
    conn_rec *r = t->head;
    while (r) {
        conn_rec *n = r->next;
        free(r);
        r = n;
    }
    t->head = t->tail = NULL;
    pthread_mutex_destroy(&t->lock);
}

static void unlink_idle(conn_table *t, conn_rec *r) {
    if (r->prev)
        r->prev->next = r->next;
    else
        t->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        t->tail = r->prev;
    r->prev = r->next = NULL;
}

static void append_idle(conn_table *t, conn_rec *r) {
    r->prev = t->tail;
    r->next = NULL;
    if (t->tail)
        t->tail->next = r;
    else
        t->head = r;
    t->tail = r;
}

/* Marks `r` (not in the idle list) as closing and shuts its socket down. */
static void shut(conn_table *t, conn_rec *r) {
    r->closing = 1;
    t->closing++;
    shutdown(r->fd, SHUT_RDWR);
}

conn_rec *conns_open(conn_table *t, int fd, conn_shed *shed) {
    conn_rec *r = calloc(1, sizeof *r);
    *shed = CONN_ROOM;
    if (!r) return NULL;
    r->fd = fd;
    pthread_mutex_lock(&t->lock);
    t->open++;
    if (t->open - t->closing > t->limit) {
        conn_rec *victim = t->head;
        if (victim && t->closing < t->max_closing) {
            unlink_idle(t, victim);
            shut(t, victim);
            *shed = CONN_EVICTED;
        } else {
            shut(t, r);
            *shed = CONN_REFUSED;
        }
    }
    if (!r->closing) append_idle(t, r);
    pthread_mutex_unlock(&t->lock);
    return r;
}

int conns_busy(conn_table *t, conn_rec *r) {
    int rc = 0;
    pthread_mutex_lock(&t->lock);
    if (r->closing) {
        rc = -1;
    } else if (!r->busy) {
        unlink_idle(t, r);
        r->busy = 1;
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}

void conns_idle(conn_table *t, conn_rec *r) {
    pthread_mutex_lock(&t->lock);
    if (!r->closing) {
        if (r->busy)
            r->busy = 0;
        else
            unlink_idle(t, r);
        append_idle(t, r);
    }
    pthread_mutex_unlock(&t->lock);
}

void conns_close(conn_table *t, conn_rec *r) {
    if (!r) return;
    pthread_mutex_lock(&t->lock);
    if (r->closing)
        t->closing--;
    else if (!r->busy)
        unlink_idle(t, r);
    t->open--;
    pthread_mutex_unlock(&t->lock);
    free(r);
}
