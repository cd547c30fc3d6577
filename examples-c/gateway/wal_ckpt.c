#define _POSIX_C_SOURCE 200809L
#include "wal_ckpt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A checkpoint starts once a commit leaves this many WAL pages (SQLite's
 * own default); past the cap, its last pass holds the write turn. */
#define CKPT_PAGES 1000
#define CKPT_CAP_PAGES 4000

/* Serialises attach and detach, so a thread is started only once the one
 * before it has been joined. */
static pthread_mutex_t life = PTHREAD_MUTEX_INITIALIZER;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int users;   /* attached connections */
    int pending; /* a commit asked for a checkpoint */
    int stop;
    sqlite3 *db; /* the thread's own connection */
    pthread_mutex_t *turn;
} ck = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, NULL, NULL};
static pthread_t ck_thread;

/* After every commit, on the committing thread: only a signal. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages) {
    (void)arg;
    (void)db;
    (void)name;
    if (pages >= CKPT_PAGES) {
        pthread_mutex_lock(&ck.lock);
        ck.pending = 1;
        pthread_cond_signal(&ck.cv);
        pthread_mutex_unlock(&ck.lock);
    }
    return SQLITE_OK;
}

static void *ckpt_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&ck.lock);
    for (;;) {
        int log = 0, done = 0, rc;
        while (!ck.pending && !ck.stop) pthread_cond_wait(&ck.cv, &ck.lock);
        if (ck.stop) break;
        ck.pending = 0;
        pthread_mutex_unlock(&ck.lock);
        /* PASSIVE never waits: writers go on meanwhile. */
        rc = sqlite3_wal_checkpoint_v2(ck.db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        if (rc == SQLITE_OK && log >= CKPT_CAP_PAGES && done < log) {
            pthread_mutex_lock(ck.turn);
            rc = sqlite3_wal_checkpoint_v2(ck.db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
            pthread_mutex_unlock(ck.turn);
        }
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            LOG_WARN("WAL checkpoint: %s", sqlite3_errmsg(ck.db));
        pthread_mutex_lock(&ck.lock);
    }
    pthread_mutex_unlock(&ck.lock);
    return NULL;
}

int wal_ckpt_attach(sqlite3 *db, const char *path, pthread_mutex_t *turn, char *err,
                    size_t errlen) {
    int rc = 0;
    pthread_mutex_lock(&life);
    pthread_mutex_lock(&ck.lock);
    if (ck.users == 0) {
        /* The journal mode is read with the database: until then a
         * checkpoint of a fresh connection does nothing. */
        if (sqlite3_open_v2(path, &ck.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
                SQLITE_OK ||
            sqlite3_busy_timeout(ck.db, 10000) != SQLITE_OK ||
            sqlite3_exec(ck.db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "open %s for checkpoints: %s", path,
                     ck.db ? sqlite3_errmsg(ck.db) : "out of memory");
            sqlite3_close(ck.db);
            ck.db = NULL;
            rc = -1;
        } else {
            ck.turn = turn;
            ck.stop = 0;
            ck.pending = 0;
            if (pthread_create(&ck_thread, NULL, ckpt_main, NULL) != 0) {
                snprintf(err, errlen, "cannot start the checkpoint thread");
                sqlite3_close(ck.db);
                ck.db = NULL;
                rc = -1;
            }
        }
    }
    if (rc == 0) {
        ck.users++;
        sqlite3_wal_hook(db, on_commit, NULL);
    }
    pthread_mutex_unlock(&ck.lock);
    pthread_mutex_unlock(&life);
    return rc;
}

void wal_ckpt_detach(void) {
    pthread_t t;
    pthread_mutex_lock(&life);
    pthread_mutex_lock(&ck.lock);
    if (ck.users == 0 || --ck.users > 0) {
        pthread_mutex_unlock(&ck.lock);
        pthread_mutex_unlock(&life);
        return;
    }
    ck.stop = 1;
    pthread_cond_signal(&ck.cv);
    t = ck_thread;
    pthread_mutex_unlock(&ck.lock);
    pthread_join(t, NULL);
    sqlite3_close(ck.db);
    ck.db = NULL;
    pthread_mutex_unlock(&life);
}
