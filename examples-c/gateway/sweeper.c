#define _POSIX_C_SOURCE 200809L
#include "sweeper.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "flow.h"

/* Work per pass is bounded so one pass never holds the thread for long;
 * a backlog is drained over consecutive passes without waiting. */
#define BATCH 100
/* The orphan sweep is a safety net (ended executions whose rows a failure
 * or an older gateway left open); its query visits every open registration,
 * so it runs on every ORPHAN_EVERY-th pass only (and on the next ones while
 * it finds full batches). */
#define ORPHAN_EVERY 30

struct sweeper {
    worker w; /* its own database connection, like a worker thread */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    int stop;
    unsigned passes;
    int orphans_left; /* the last orphan pass filled its batch */
};

/* One pass; returns how many registrations it changed. */
static int sweep(sweeper *s) {
    char **ids = NULL;
    int n, i, changed = 0;
    uint64_t now = now_ms();
    n = store_list_overdue(s->w.db, (int64_t)now, BATCH, &ids);
    for (i = 0; i < n; i++)
        if (flow_expire(&s->w, ids[i], now) == 1) changed++;
    if (n > 0) store_ids_free(ids, n);
    n = store_list_due_timers(s->w.db, (int64_t)now, BATCH, &ids);
    for (i = 0; i < n; i++)
        if (flow_timer(&s->w, ids[i], now) == 1) changed++;
    if (n > 0) store_ids_free(ids, n);
    n = 0;
    if (s->orphans_left || s->passes++ % ORPHAN_EVERY == 0) {
        n = store_list_orphaned(s->w.db, BATCH, &ids);
        s->orphans_left = n >= BATCH;
    }
    for (i = 0; i < n; i++) {
        int c = flow_cleanup(&s->w, ids[i]);
        if (c > 0) changed += c;
    }
    if (n > 0) store_ids_free(ids, n);
    /* Forget idempotency keys past their retention. */
    store_idem_purge(s->w.db, (int64_t)now - s->w.app->cfg.idempotency_ms);
    return changed;
}

static void *sweeper_main(void *arg) {
    sweeper *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stop) {
        struct timespec until;
        int changed;
        pthread_mutex_unlock(&s->lock);
        changed = sweep(s);
        pthread_mutex_lock(&s->lock);
        if (changed >= BATCH) continue; /* more may be waiting */
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += s->w.app->cfg.sweep_ms / 1000;
        until.tv_nsec += (long)(s->w.app->cfg.sweep_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!s->stop && pthread_cond_timedwait(&s->cv, &s->lock, &until) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

sweeper *sweeper_start(app *a, char *err, size_t errlen) {
    sweeper *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->w.app = a;
    s->w.index = -1;
    s->w.db = store_open(a->cfg.db_path, a->cfg.busy_timeout_ms, a->cfg.sync, err, errlen);
    if (!s->w.db) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->thread, NULL, sweeper_main, s) != 0) {
        store_close(s->w.db);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->cv);
        free(s);
        return NULL;
    }
    return s;
}

void sweeper_stop(sweeper *s) {
    if (!s) return;
    pthread_mutex_lock(&s->lock);
    s->stop = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    store_close(s->w.db);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cv);
    free(s);
}
