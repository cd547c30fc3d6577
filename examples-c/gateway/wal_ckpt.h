/* SQLite WAL checkpoints off the request path.
 *
 * By default the connection whose commit takes the WAL past 1000 pages runs
 * the checkpoint itself, inside that commit: it copies the pages into the
 * database file and syncs it while holding the write lock, and every
 * request waiting to write waits for it (the slowest commits under load).
 * Here the connections only notice the size (a WAL hook, which also turns
 * the automatic checkpoint off) and one thread per process checkpoints on
 * its own connection, concurrently with the writers. Such a pass cannot
 * copy frames appended while it runs, and the WAL starts over only once
 * everything is copied, so when the WAL has grown past a cap the thread
 * finishes with a short pass that holds the process's write turn. */
#ifndef GW_WAL_CKPT_H
#define GW_WAL_CKPT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>

/* Hooks `db` (an open connection to `path`) up; the first one starts the
 * thread. `turn` is the mutex the process's writers take turns on. 0 on
 * success. */
int wal_ckpt_attach(sqlite3 *db, const char *path, pthread_mutex_t *turn, char *err,
                    size_t errlen);
/* One attached connection is closing; the last one stops the thread. */
void wal_ckpt_detach(void);

#endif
