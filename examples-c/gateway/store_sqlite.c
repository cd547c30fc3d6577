#define _POSIX_C_SOURCE 200809L
#include "store.h"
#include "group_commit.h"
#include "wal_ckpt.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Versioned migrations: MIGRATIONS[i] brings the schema from version i to
 * i + 1 (PRAGMA user_version holds the version). Never edit a released
 * step; append a new one. `status` and `expires_at` of registrations are
 * columns (not only inside `json`) so the compare-and-set and the
 * sweeper's query are plain indexed SQL. */
static const char *MIGRATIONS[] = {
    /* 1: executions and registrations */
    "CREATE TABLE IF NOT EXISTS executions ("
    "  id           TEXT PRIMARY KEY,"
    "  workflow_id  TEXT NOT NULL,"
    "  workflow     TEXT NOT NULL,"
    "  status       TEXT NOT NULL,"
    "  current_node TEXT,"
    "  state        TEXT NOT NULL,"
    "  timer_at     INTEGER,"
    "  created_at   INTEGER NOT NULL,"
    "  updated_at   INTEGER NOT NULL"
    ");"
    "CREATE TABLE IF NOT EXISTS registrations ("
    "  resume_id    TEXT PRIMARY KEY,"
    "  execution_id TEXT NOT NULL REFERENCES executions(id),"
    "  node_id      TEXT NOT NULL,"
    "  status       TEXT NOT NULL"
    "    CHECK (status IN ('pending','active','consumed','expired')),"
    "  expires_at   INTEGER,"
    "  json         TEXT NOT NULL"
    ");"
    "CREATE INDEX IF NOT EXISTS registrations_by_expiry"
    "  ON registrations(status, expires_at);"
    "CREATE INDEX IF NOT EXISTS registrations_by_execution"
    "  ON registrations(execution_id);"
    "CREATE INDEX IF NOT EXISTS executions_by_status ON executions(status);"
    "CREATE INDEX IF NOT EXISTS executions_by_timer ON executions(timer_at)"
    "  WHERE timer_at IS NOT NULL;",
    /* 2: idempotency keys of triggers */
    "CREATE TABLE idempotency_keys ("
    "  scope        TEXT NOT NULL,"
    "  key          TEXT NOT NULL,"
    "  request      TEXT NOT NULL,"
    "  execution_id TEXT NOT NULL,"
    "  status       INTEGER NOT NULL,"
    "  response     TEXT NOT NULL,"
    "  created_at   INTEGER NOT NULL,"
    "  PRIMARY KEY (scope, key)"
    ");"
    "CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);",
};
#define NMIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

/* Write transactions of this process take turns on a mutex before SQLite's
 * lock: waiting threads sleep on the mutex and wake the moment it is free,
 * instead of polling in SQLite's busy handler (which sleeps for growing
 * intervals and makes the slowest writers wait hundreds of milliseconds).
 * The busy handler still arbitrates between processes. */
static pthread_mutex_t write_turn = PTHREAD_MUTEX_INITIALIZER;

enum {
    Q_BEGIN,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_INS_EXEC,
    Q_UPD_EXEC,
    Q_GET_EXEC,
    Q_INS_REG,
    Q_GET_REG,
    Q_CAS_REG,
    Q_EXTEND_REG,
    Q_LIST_REG,
    Q_OVERDUE,
    Q_ORPHANED,
    Q_DUE_TIMERS,
    Q_COUNT_EXEC,
    Q_PING,
    Q_IDEM_PUT,
    Q_IDEM_GET,
    Q_IDEM_PURGE,
    Q_SAVEPOINT,
    Q_RELEASE,
    Q_ROLLBACK_TO,
    Q_COUNT_
};

static const char *SQL[Q_COUNT_] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT INTO executions (id, workflow_id, workflow, status, current_node, state,"
    " timer_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "UPDATE executions SET status = ?2, current_node = ?3, state = ?4, timer_at = ?5,"
    " updated_at = ?6 WHERE id = ?1",
    "SELECT id, workflow_id, workflow, status, current_node, state, timer_at, created_at,"
    " updated_at FROM executions WHERE id = ?1",
    "INSERT INTO registrations (resume_id, execution_id, node_id, status, expires_at, json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "SELECT resume_id, execution_id, node_id, status, expires_at, json"
    " FROM registrations WHERE resume_id = ?1",
    /* The compare-and-set, with the new JSON in the same row write. */
    "UPDATE registrations SET status = ?3, expires_at = ?4, json = ?5"
    " WHERE resume_id = ?1 AND status = ?2",
    /* An extension: compare-and-set on the expiry the decision was made from. */
    "UPDATE registrations SET expires_at = ?3, json = ?4"
    " WHERE resume_id = ?1 AND status = 'active' AND expires_at = ?2",
    "SELECT resume_id, execution_id, node_id, status, expires_at, json"
    " FROM registrations WHERE execution_id = ?1 ORDER BY rowid",
    "SELECT resume_id FROM registrations"
    " WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?1"
    " ORDER BY expires_at LIMIT ?2",
    "SELECT r.resume_id FROM registrations r JOIN executions e ON e.id = r.execution_id"
    " WHERE r.status IN ('pending','active') AND e.status IN ('completed','failed','cancelled')"
    " LIMIT ?1",
    /* Through the partial index of timers: left to itself the planner
     * scans every suspended execution (the status index) once a second. */
    "SELECT id FROM executions INDEXED BY executions_by_timer"
    " WHERE timer_at IS NOT NULL AND timer_at <= ?1 AND status = 'suspended'"
    " ORDER BY timer_at LIMIT ?2",
    "SELECT status, count(*) FROM executions GROUP BY status ORDER BY status",
    "SELECT 1",
    /* Records the key, or replaces a record older than ?8; a fresh one stays. */
    "INSERT INTO idempotency_keys (scope, key, request, execution_id, status, response,"
    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (scope, key) DO UPDATE SET request = excluded.request,"
    " execution_id = excluded.execution_id, status = excluded.status,"
    " response = excluded.response, created_at = excluded.created_at"
    " WHERE idempotency_keys.created_at < ?8",
    "SELECT scope, key, request, execution_id, status, response, created_at"
    " FROM idempotency_keys WHERE scope = ?1 AND key = ?2 AND created_at >= ?3",
    "DELETE FROM idempotency_keys WHERE created_at < ?1",
    /* Each execution of a group commit on its own. */
    "SAVEPOINT one",
    "RELEASE one",
    "ROLLBACK TO one",
};

typedef struct {
    store base;
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT_];
    int has_turn; /* holds write_turn */
    int ckpt;     /* attached to the checkpoint thread */
    int shares;   /* counted among the group writer's users */
} sq_store;

/* The connection that writes every group of new executions (below), used
 * by whichever thread leads a group. One connection for all of them keeps
 * its page cache: SQLite drops a connection's cache whenever another
 * connection has written, so leaders on their own connections re-read
 * every b-tree page they touch from the files at each group. Opened with
 * the first store and closed with the last. */
static pthread_mutex_t writer_life = PTHREAD_MUTEX_INITIALIZER;
static int writer_users;
static sq_store *writer;
/* Its page cache, in KiB (SQLite's default is 2000). */
#define WRITER_CACHE_KIB 16384

#define SQ(s) ((sq_store *)(s))

static char *col_dup(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t) return NULL;
    return xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

static sqlite3_stmt *q(store *s, int which) {
    sqlite3_stmt *st = SQ(s)->q[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v) {
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Optional integers: -1 in C is NULL in SQL. */
static void bind_opt_int(sqlite3_stmt *st, int i, int64_t v) {
    if (v >= 0)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static int64_t col_opt_int(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen) {
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Brings the schema to the last version, inside one write transaction so
 * two processes starting together do not both migrate. */
static int schema_version(sqlite3 *db, int *version) {
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Brings the schema to the last version, inside one write transaction so
 * two processes starting together do not both migrate. A current schema
 * costs one read and no lock. */
static int migrate(sqlite3 *db, char *err, size_t errlen) {
    int version = 0, i;
    char set[64];
    if (schema_version(db, &version) != 0) {
        snprintf(err, errlen, "reading the schema version: %s", sqlite3_errmsg(db));
        return -1;
    }
    if (version == NMIGRATIONS) return 0;
    pthread_mutex_lock(&write_turn);
    if (exec_sql(db, "BEGIN IMMEDIATE", err, errlen) != 0) goto unlock;
    if (schema_version(db, &version) != 0) {
        snprintf(err, errlen, "reading the schema version: %s", sqlite3_errmsg(db));
        goto fail;
    }
    if (version > NMIGRATIONS) {
        snprintf(err, errlen,
                 "the database schema is version %d, newer than this gateway's %d", version,
                 NMIGRATIONS);
        goto fail;
    }
    for (i = version; i < NMIGRATIONS; i++)
        if (exec_sql(db, MIGRATIONS[i], err, errlen) != 0) goto fail;
    snprintf(set, sizeof set, "PRAGMA user_version = %d", NMIGRATIONS);
    if (exec_sql(db, set, err, errlen) != 0 || exec_sql(db, "COMMIT", err, errlen) != 0)
        goto fail;
    pthread_mutex_unlock(&write_turn);
    return 0;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
unlock:
    pthread_mutex_unlock(&write_turn);
    return -1;
}

static const store_ops SQLITE_OPS;

static sq_store *open_conn(const char *path, int busy_timeout_ms, store_sync sync, char *err,
                           size_t errlen) {
    sq_store *s = calloc(1, sizeof *s);
    int i;
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->base.ops = &SQLITE_OPS;
    /* NOMUTEX: each connection is used by exactly one thread. */
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errlen, "open %s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    /* busy_timeout first: switching to WAL and migrating may meet another
     * process doing the same. */
    sqlite3_busy_timeout(s->db, busy_timeout_ms);
    if (exec_sql(s->db, "PRAGMA journal_mode = WAL", err, errlen) != 0) goto fail;
    /* FULL syncs the WAL at every commit: a resume answered 200 survives a
     * power cut, not only a killed process (which NORMAL already survives). */
    if (exec_sql(s->db,
                 sync == STORE_SYNC_FULL ? "PRAGMA synchronous = FULL"
                                         : "PRAGMA synchronous = NORMAL",
                 err, errlen) != 0)
        goto fail;
    if (exec_sql(s->db, "PRAGMA foreign_keys = ON", err, errlen) != 0) goto fail;
    /* Statement journals (each savepoint of a group commit, each statement
     * that may fail halfway) in memory: past 64 KiB SQLite spills them to a
     * temporary file, and a group of eight executions wrote about 14 pages
     * per execution there besides the WAL. */
    if (exec_sql(s->db, "PRAGMA temp_store = MEMORY", err, errlen) != 0) goto fail;
    if (migrate(s->db, err, errlen) != 0) goto fail;
    if (wal_ckpt_attach(s->db, path, &write_turn, err, errlen) != 0) goto fail;
    s->ckpt = 1;
    for (i = 0; i < Q_COUNT_; i++) {
        if (sqlite3_prepare_v2(s->db, SQL[i], -1, &s->q[i], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "prepare %s: %s", SQL[i], sqlite3_errmsg(s->db));
            goto fail;
        }
    }
    return s;
fail:
    store_close(&s->base);
    return NULL;
}

store *store_sqlite_open(const char *path, int busy_timeout_ms, store_sync sync, char *err,
                         size_t errlen) {
    sq_store *s = open_conn(path, busy_timeout_ms, sync, err, errlen);
    char pragma[64];
    if (!s) return NULL;
    pthread_mutex_lock(&writer_life);
    if (writer_users == 0) {
        writer = open_conn(path, busy_timeout_ms, sync, err, errlen);
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", WRITER_CACHE_KIB);
        if (writer && exec_sql(writer->db, pragma, err, errlen) != 0) {
            store_close(&writer->base);
            writer = NULL;
        }
    }
    if (writer) {
        writer_users++;
        s->shares = 1;
    }
    pthread_mutex_unlock(&writer_life);
    if (!s->shares) {
        store_close(&s->base);
        return NULL;
    }
    return &s->base;
}

static void sq_close(store *b) {
    sq_store *s = SQ(b);
    int i;
    for (i = 0; i < Q_COUNT_; i++) sqlite3_finalize(s->q[i]);
    sqlite3_close(s->db);
    if (s->has_turn) pthread_mutex_unlock(&write_turn);
    if (s->ckpt) wal_ckpt_detach();
    if (s->shares) {
        pthread_mutex_lock(&writer_life);
        if (--writer_users == 0) {
            store_close(&writer->base);
            writer = NULL;
        }
        pthread_mutex_unlock(&writer_life);
    }
    free(s);
}

static const char *sq_errmsg(store *s) { return SQ(s)->db ? sqlite3_errmsg(SQ(s)->db) : "no database"; }

static int step_done(sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void release_turn(sq_store *s) {
    if (s->has_turn) {
        s->has_turn = 0;
        pthread_mutex_unlock(&write_turn);
    }
}

static int sq_begin(store *b) {
    sq_store *s = SQ(b);
    if (!s->has_turn) {
        pthread_mutex_lock(&write_turn);
        s->has_turn = 1;
    }
    if (step_done(q(b, Q_BEGIN)) != 0) {
        release_turn(s);
        return -1;
    }
    return 0;
}

static int sq_commit(store *b) {
    int rc = step_done(q(b, Q_COMMIT));
    /* A failed COMMIT leaves the transaction open for the caller's rollback. */
    if (rc == 0) release_turn(SQ(b));
    return rc;
}

static void sq_rollback(store *b) {
    /* Harmless when no transaction is open. */
    if (!sqlite3_get_autocommit(SQ(b)->db)) step_done(q(b, Q_ROLLBACK));
    release_turn(SQ(b));
}

static int sq_insert_execution(store *s, const store_execution *e) {
    sqlite3_stmt *st = q(s, Q_INS_EXEC);
    bind_text(st, 1, e->id);
    bind_text(st, 2, e->workflow_id);
    bind_text(st, 3, e->workflow);
    bind_text(st, 4, e->status);
    bind_text(st, 5, e->current_node);
    bind_text(st, 6, e->state);
    bind_opt_int(st, 7, e->timer_at);
    sqlite3_bind_int64(st, 8, e->created_at);
    sqlite3_bind_int64(st, 9, e->updated_at);
    return step_done(st);
}

static int sq_update_execution(store *s, const char *id, const char *status,
                               const char *current_node, const char *state, int64_t timer_at,
                               int64_t now) {
    sqlite3_stmt *st = q(s, Q_UPD_EXEC);
    bind_text(st, 1, id);
    bind_text(st, 2, status);
    bind_text(st, 3, current_node);
    bind_text(st, 4, state);
    bind_opt_int(st, 5, timer_at);
    sqlite3_bind_int64(st, 6, now);
    if (step_done(st) != 0) return -1;
    return sqlite3_changes(SQ(s)->db) == 1 ? 0 : -1;
}

/* Lock modes need nothing here: a write transaction (BEGIN IMMEDIATE) holds
 * the database's only write lock already. */
static int sq_read_execution(store *s, const char *id, store_lock_mode mode,
                             store_execution *out) {
    sqlite3_stmt *st = q(s, Q_GET_EXEC);
    int rc;
    (void)mode;
    memset(out, 0, sizeof *out);
    bind_text(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = col_dup(st, 0);
        out->workflow_id = col_dup(st, 1);
        out->workflow = col_dup(st, 2);
        out->status = col_dup(st, 3);
        out->current_node = col_dup(st, 4);
        out->state = col_dup(st, 5);
        out->timer_at = col_opt_int(st, 6);
        out->created_at = sqlite3_column_int64(st, 7);
        out->updated_at = sqlite3_column_int64(st, 8);
        sqlite3_reset(st);
        if (!out->id || !out->workflow_id || !out->workflow || !out->status || !out->state) {
            store_execution_free(out);
            return -1;
        }
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_insert_registration(store *s, const store_registration *r) {
    sqlite3_stmt *st = q(s, Q_INS_REG);
    bind_text(st, 1, r->resume_id);
    bind_text(st, 2, r->execution_id);
    bind_text(st, 3, r->node_id);
    bind_text(st, 4, r->status);
    bind_opt_int(st, 5, r->expires_at);
    bind_text(st, 6, r->json);
    return step_done(st);
}

static int read_registration(sqlite3_stmt *st, store_registration *out) {
    out->resume_id = col_dup(st, 0);
    out->execution_id = col_dup(st, 1);
    out->node_id = col_dup(st, 2);
    out->status = col_dup(st, 3);
    out->expires_at = col_opt_int(st, 4);
    out->json = col_dup(st, 5);
    if (!out->resume_id || !out->execution_id || !out->node_id || !out->status ||
        !out->json) {
        store_registration_free(out);
        return -1;
    }
    return 0;
}

static int sq_read_registration(store *s, const char *resume_id, store_lock_mode mode,
                                store_registration *out) {
    sqlite3_stmt *st = q(s, Q_GET_REG);
    int rc;
    (void)mode;
    memset(out, 0, sizeof *out);
    bind_text(st, 1, resume_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        rc = read_registration(st, out);
        sqlite3_reset(st);
        return rc == 0 ? 1 : -1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_cas_registration(store *s, const char *resume_id, const char *from,
                               const char *to, int64_t expires_at, const char *json) {
    sqlite3_stmt *st = q(s, Q_CAS_REG);
    bind_text(st, 1, resume_id);
    bind_text(st, 2, from);
    bind_text(st, 3, to);
    bind_opt_int(st, 4, expires_at);
    bind_text(st, 5, json);
    if (step_done(st) != 0) return -1;
    /* The whole point: act only when this statement changed exactly one row. */
    return sqlite3_changes(SQ(s)->db) == 1 ? 1 : 0;
}

static int sq_extend_registration(store *s, const char *resume_id, int64_t from, int64_t to,
                                  const char *json) {
    sqlite3_stmt *st = q(s, Q_EXTEND_REG);
    bind_text(st, 1, resume_id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    bind_text(st, 4, json);
    if (step_done(st) != 0) return -1;
    return sqlite3_changes(SQ(s)->db) == 1 ? 1 : 0;
}

static int sq_list_registrations(store *s, const char *execution_id, store_registration **out) {
    sqlite3_stmt *st = q(s, Q_LIST_REG);
    store_registration *v = NULL;
    int n = 0, cap = 0, rc;
    *out = NULL;
    bind_text(st, 1, execution_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            int ncap = cap ? cap * 2 : 4;
            store_registration *nv = realloc(v, (size_t)ncap * sizeof *v);
            if (!nv) goto fail;
            v = nv;
            cap = ncap;
        }
        memset(&v[n], 0, sizeof v[n]);
        if (read_registration(st, &v[n]) != 0) goto fail;
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) goto fail_reset;
    *out = v;
    return n;
fail:
    sqlite3_reset(st);
fail_reset:
    store_registrations_free(v, n);
    return -1;
}

static int sq_list_ids(store *s, store_ids_kind kind, int64_t now, int limit, char ***out) {
    sqlite3_stmt *st;
    char **v = NULL;
    int n = 0, cap = 0, rc;
    if (kind == STORE_IDS_ORPHANED) {
        st = q(s, Q_ORPHANED);
        sqlite3_bind_int(st, 1, limit);
    } else {
        st = q(s, kind == STORE_IDS_OVERDUE ? Q_OVERDUE : Q_DUE_TIMERS);
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int(st, 2, limit);
    }
    *out = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (!t || store_ids_push(&v, &n, &cap, (const char *)t,
                                 (size_t)sqlite3_column_bytes(st, 0)) != 0)
            break;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        store_ids_free(v, n);
        return -1;
    }
    *out = v;
    return n;
}

static int sq_idem_put(store *s, const store_idem *r, int64_t fresh_since) {
    sqlite3_stmt *st = q(s, Q_IDEM_PUT);
    bind_text(st, 1, r->scope);
    bind_text(st, 2, r->key);
    bind_text(st, 3, r->request);
    bind_text(st, 4, r->execution_id);
    sqlite3_bind_int(st, 5, r->status);
    bind_text(st, 6, r->response);
    sqlite3_bind_int64(st, 7, r->created_at);
    sqlite3_bind_int64(st, 8, fresh_since);
    if (step_done(st) != 0) return -1;
    return sqlite3_changes(SQ(s)->db) == 1 ? 1 : 0;
}

static int sq_idem_get(store *s, const char *scope, const char *key, int64_t fresh_since,
                       store_idem *out) {
    sqlite3_stmt *st = q(s, Q_IDEM_GET);
    int rc;
    memset(out, 0, sizeof *out);
    bind_text(st, 1, scope);
    bind_text(st, 2, key);
    sqlite3_bind_int64(st, 3, fresh_since);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->scope = col_dup(st, 0);
        out->key = col_dup(st, 1);
        out->request = col_dup(st, 2);
        out->execution_id = col_dup(st, 3);
        out->status = sqlite3_column_int(st, 4);
        out->response = col_dup(st, 5);
        out->created_at = sqlite3_column_int64(st, 6);
        sqlite3_reset(st);
        if (!out->scope || !out->key || !out->request || !out->execution_id || !out->response) {
            store_idem_free(out);
            return -1;
        }
        return 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_idem_purge(store *s, int64_t before) {
    sqlite3_stmt *st = q(s, Q_IDEM_PURGE);
    int rc;
    sqlite3_bind_int64(st, 1, before);
    /* A write: it takes its turn like the transactions. */
    pthread_mutex_lock(&write_turn);
    rc = step_done(st) == 0 ? sqlite3_changes(SQ(s)->db) : -1;
    pthread_mutex_unlock(&write_turn);
    return rc;
}

static int sq_execution_counts(store *s, long long counts[5]) {
    static const char *known[] = {"running", "suspended", "completed", "failed", "cancelled"};
    sqlite3_stmt *st = q(s, Q_COUNT_EXEC);
    int rc, i;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(st, 0);
        for (i = 0; i < 5; i++)
            if (status && strcmp(status, known[i]) == 0) counts[i] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_ping(store *s) {
    sqlite3_stmt *st = q(s, Q_PING);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* ---- group commit ----------------------------------------------------------
 * New executions (the trigger path, the hot one) are committed in groups
 * (group_commit.h): the leader writes every queued request in one
 * transaction on the group writer's connection, each under its own
 * savepoint so that a failing one is rolled back alone, and commits once:
 * one WAL sync per group instead of one per request. */
static void write_group(void *arg, gc_job *group) {
    store *s = arg;
    gc_job *j;
    int ok = sq_begin(s) == 0;
    /* A lone execution needs no savepoint: if it fails, all is rolled back. */
    int alone = group->next == NULL;
    for (j = group; j; j = j->next) {
        if (!ok || (!alone && step_done(q(s, Q_SAVEPOINT)) != 0)) {
            j->result = -1;
            continue;
        }
        j->result = store_create_execution_in_tx(s, j->item);
        if (alone) break;
        if (j->result != 1) step_done(q(s, Q_ROLLBACK_TO));
        step_done(q(s, Q_RELEASE));
    }
    if (ok && alone && group->result != 1) ok = 0; /* its result stands */
    if (ok && sq_commit(s) != 0) {
        for (j = group; j; j = j->next)
            if (j->result == 1) j->result = -1;
        ok = 0;
    }
    if (!ok) sq_rollback(s);
}

void store_sqlite_commit_delay(int us) { group_commit_delay(us); }

static int sq_create_execution(store *s, const store_new_execution *x) {
    (void)s;
    /* The caller's store holds the writer open. */
    return group_commit(x, write_group, &writer->base);
}

static const store_ops SQLITE_OPS = {
    sq_close,           sq_errmsg,           sq_begin,
    sq_commit,          sq_rollback,         sq_insert_execution,
    sq_update_execution, sq_read_execution,  sq_insert_registration,
    sq_read_registration, sq_cas_registration, sq_list_registrations,
    sq_list_ids,        sq_idem_put,         sq_idem_get,
    sq_idem_purge,      sq_execution_counts, sq_ping,
    sq_create_execution, sq_extend_registration,
};
