/* The open connections, ordered by when each was last active, so that at
 * the connection limit a new connection closes the one idle longest.
 *
 * A connection is busy from the moment its request head is complete until
 * its answer has been sent (reading the body, queued for or held by a
 * worker, sending), and idle otherwise: between requests, or while a head
 * is still arriving (a client that trickles its head gets no protection).
 * Only idle connections are closed to make room; when every connection is
 * busy the new one is refused instead. Closing means shutdown() of the
 * socket, which the HTTP library sees as the peer leaving: it closes the
 * connection in its own thread. The library reports a close (conns_close,
 * which takes the table's lock) before it closes the socket, and a socket is
 * shut down only under that lock while its record is in the table, so it is
 * never a descriptor already closed and reused.
 *
 * Every function is thread-safe (one mutex). */
#ifndef GW_CONNS_H
#define GW_CONNS_H

#include <pthread.h>

typedef struct conn_rec conn_rec;

typedef struct {
    pthread_mutex_t lock;
    int limit;        /* connections that are not being closed */
    int open;         /* records: opened and not yet closed */
    int closing;      /* shut down here, not yet closed by the library */
    int max_closing;  /* evictions in flight at once; more new ones are refused */
    conn_rec *head;   /* idle connections, least recently active first */
    conn_rec *tail;
} conn_table;

/* What a new connection cost. */
typedef enum {
    CONN_ROOM,    /* there was room */
    CONN_EVICTED, /* the connection idle longest was closed to make room */
    CONN_REFUSED  /* every connection was busy: the new one was closed */
} conn_shed;

void conns_init(conn_table *t, int limit, int max_closing);
void conns_destroy(conn_table *t);

/* A new connection on socket `fd`. Over the limit it shuts down the
 * connection idle longest, or, when none is idle, the new one itself.
 * NULL when out of memory (the caller then refuses the connection). */
conn_rec *conns_open(conn_table *t, int fd, conn_shed *shed);
/* Its request head is complete. 0, or -1 when the connection is already
 * being closed to make room (the caller then drops the request unhandled). */
int conns_busy(conn_table *t, conn_rec *r);
/* Its answer has been sent (or the request ended otherwise): it is the most
 * recently active idle connection now. */
void conns_idle(conn_table *t, conn_rec *r);
/* The library closes it; frees the record. NULL is ignored. */
void conns_close(conn_table *t, conn_rec *r);

#endif
