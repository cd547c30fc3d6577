/* Persistence behind one interface with two backends: SQLite (a file path;
 * the default, embedded) and PostgreSQL (a postgresql:// or postgres:// URL;
 * several gateway processes on one database).
 *
 * One `store` is one database connection; it belongs to one thread.
 *
 * Exactly-once: a registration changes status only through
 * store_cas_registration(), `UPDATE ... WHERE resume_id=:id AND status=:from`,
 * and the caller acts only when it reports exactly one changed row. The
 * execution state written in the same transaction commits or rolls back with
 * it, so a crash can neither lose a resume nor apply one twice. Inside a
 * transaction the execution row is read with store_lock_execution() (a row
 * lock on PostgreSQL; SQLite's write transactions are exclusive already), so
 * two waits of one execution resumed at once cannot overwrite each other.
 * The sweeper claims its work with store_claim_*(): on PostgreSQL
 * `FOR UPDATE SKIP LOCKED`, so with several nodes each expiry runs once and
 * no node waits on another's.
 *
 * Every function returning int reports a database failure as -1; when the
 * database is unreachable callers answer 503 (never a guess), and the
 * PostgreSQL backend reconnects on its next use. */
#ifndef GW_STORE_H
#define GW_STORE_H

#include <stdint.h>

#include "util.h"

typedef struct store store;

typedef struct {
    char *id;
    char *workflow_id;
    char *workflow;     /* the definition it started with: resumes run the same graph */
    char *status;       /* running | suspended | completed | failed | cancelled */
    char *current_node; /* may be NULL */
    char *state;        /* the executor's state JSON */
    int64_t timer_at;   /* suspended at an interval/schedule wait: when it is due; else -1 */
    int64_t created_at, updated_at;
} store_execution;

typedef struct {
    char *resume_id;
    char *execution_id;
    char *node_id;
    char *status;       /* pending | active | consumed | expired */
    int64_t expires_at; /* -1: none (pending) */
    char *json;         /* the library's registration JSON */
} store_registration;

/* An idempotency key's record: the first answer to a trigger carrying it. */
typedef struct {
    char *scope;        /* the workflow id */
    char *key;
    char *request;      /* the body the key was first used with */
    char *execution_id;
    int status;         /* the HTTP status of the first answer */
    char *response;     /* its body */
    int64_t created_at;
} store_idem;

typedef enum { STORE_SYNC_NORMAL, STORE_SYNC_FULL } store_sync;

/* Read modes inside a transaction. */
typedef enum {
    STORE_READ,        /* a plain read */
    STORE_LOCK,        /* lock the row for this transaction, waiting for others */
    STORE_SKIP_LOCKED  /* lock it, or report "not found" when another holds it */
} store_lock_mode;

/* Whether `target` names a PostgreSQL database (else an SQLite file). */
int store_is_postgres(const char *target);

/* Opens the database named by `target` and brings its schema to the
 * current version (migrations run once, serialised across processes).
 * NULL on failure, with a message in err. A PostgreSQL store that cannot
 * connect fails here; later losses of the connection are recovered. */
store *store_open(const char *target, int busy_timeout_ms, store_sync sync, char *err,
                  size_t errlen);
void store_close(store *s);
const char *store_errmsg(store *s);

/* Begin / commit / roll back a write transaction. 0 on success. */
int store_begin(store *s);
int store_commit(store *s);
void store_rollback(store *s);

int store_insert_execution(store *s, const store_execution *e);
/* 0 on success (exactly one row), -1 otherwise. */
int store_update_execution(store *s, const char *id, const char *status,
                           const char *current_node, const char *state, int64_t timer_at,
                           int64_t now);
/* 1 found, 0 not found (or skipped: locked elsewhere), -1 error. Free with
 * store_execution_free. */
int store_read_execution(store *s, const char *id, store_lock_mode mode, store_execution *out);
#define store_get_execution(s, id, out) store_read_execution(s, id, STORE_READ, out)
#define store_lock_execution(s, id, out) store_read_execution(s, id, STORE_LOCK, out)
void store_execution_free(store_execution *e);

int store_insert_registration(store *s, const store_registration *r);
/* 1 found, 0 not found (or skipped), -1 error. Free with store_registration_free. */
int store_read_registration(store *s, const char *resume_id, store_lock_mode mode,
                            store_registration *out);
#define store_get_registration(s, id, out) store_read_registration(s, id, STORE_READ, out)
void store_registration_free(store_registration *r);
/* The compare-and-set. 1: exactly one row changed (act on it); 0: the row was
 * not in `from` any more (someone else won); -1: database error. */
int store_cas_registration(store *s, const char *resume_id, const char *from, const char *to,
                           int64_t expires_at, const char *json);

/* An extension's compare-and-set: the row moves to `to` only while it is
 * active and still expires at `from`. 1 changed, 0 lost, -1 error. */
int store_extend_registration(store *s, const char *resume_id, int64_t from, int64_t to,
                              const char *json);

/* Every registration of an execution, in creation order. Returns the count
 * (>= 0) and a malloc'd array in *out, or -1. */
int store_list_registrations(store *s, const char *execution_id, store_registration **out);
void store_registrations_free(store_registration *v, int n);

/* Resume ids of active registrations with expires_at <= now (at most
 * `limit`), and of pending/active registrations whose execution has ended.
 * Returns the count and a malloc'd array of malloc'd strings, or -1. */
int store_list_overdue(store *s, int64_t now, int limit, char ***out);
int store_list_orphaned(store *s, int limit, char ***out);
/* Ids of executions suspended at a timer wait that is due. */
int store_list_due_timers(store *s, int64_t now, int limit, char ***out);
void store_ids_free(char **ids, int n);

/* Idempotency keys. store_idem_put records `r` unless a record of the same
 * scope and key created at or after `fresh_since` exists (an older one is
 * replaced): 1 recorded, 0 a fresh one exists (read it with store_idem_get),
 * -1 error. Concurrent puts of one key: one records, the others wait for it
 * and get 0. */
int store_idem_put(store *s, const store_idem *r, int64_t fresh_since);
/* 1 found (created at or after fresh_since), 0 not, -1 error. */
int store_idem_get(store *s, const char *scope, const char *key, int64_t fresh_since,
                   store_idem *out);
void store_idem_free(store_idem *r);
/* Deletes records older than `before`; the count, or -1. */
int store_idem_purge(store *s, int64_t before);

/* A new execution with its registration rows and, optionally, the
 * idempotency key it answers for: written in one transaction. */
typedef struct {
    const store_execution *execution;
    const store_registration *regs;
    int nregs;
    const store_idem *idem;   /* NULL: no key */
    int64_t idem_fresh_since; /* see store_idem_put */
} store_new_execution;

/* Writes `x` in its own transaction: 1 written, 0 the idempotency key is
 * taken by a fresh record (nothing written), -1 error. On SQLite the
 * writes of concurrent callers are committed together (group commit: one
 * sync for many executions); each still succeeds or fails on its own. */
int store_create_execution(store *s, const store_new_execution *x);
/* The part of store_create_execution inside an open transaction. */
int store_create_execution_in_tx(store *s, const store_new_execution *x);

/* Appends `prana_gateway_executions{status="..."} n` lines. 0 on success. */
int store_render_execution_counts(store *s, sbuf *out);
/* A trivial read, for /healthz. 0 when the database answers. */
int store_ping(store *s);

/* ---- for the backends ---------------------------------------------------- */

typedef enum { STORE_IDS_OVERDUE, STORE_IDS_ORPHANED, STORE_IDS_DUE_TIMERS } store_ids_kind;

typedef struct {
    void (*close)(store *s);
    const char *(*errmsg)(store *s);
    int (*begin)(store *s);
    int (*commit)(store *s);
    void (*rollback)(store *s);
    int (*insert_execution)(store *s, const store_execution *e);
    int (*update_execution)(store *s, const char *id, const char *status,
                            const char *current_node, const char *state, int64_t timer_at,
                            int64_t now);
    int (*read_execution)(store *s, const char *id, store_lock_mode mode, store_execution *out);
    int (*insert_registration)(store *s, const store_registration *r);
    int (*read_registration)(store *s, const char *resume_id, store_lock_mode mode,
                             store_registration *out);
    int (*cas_registration)(store *s, const char *resume_id, const char *from, const char *to,
                            int64_t expires_at, const char *json);
    int (*list_registrations)(store *s, const char *execution_id, store_registration **out);
    int (*list_ids)(store *s, store_ids_kind kind, int64_t now, int limit, char ***out);
    int (*idem_put)(store *s, const store_idem *r, int64_t fresh_since);
    int (*idem_get)(store *s, const char *scope, const char *key, int64_t fresh_since,
                    store_idem *out);
    int (*idem_purge)(store *s, int64_t before);
    /* Counts of running, suspended, completed, failed, cancelled. */
    int (*execution_counts)(store *s, long long counts[5]);
    int (*ping)(store *s);
    int (*create_execution)(store *s, const store_new_execution *x);
    int (*extend_registration)(store *s, const char *resume_id, int64_t from, int64_t to,
                               const char *json);
} store_ops;

/* Every backend's connection starts with this. */
struct store {
    const store_ops *ops;
};

store *store_sqlite_open(const char *path, int busy_timeout_ms, store_sync sync, char *err,
                         size_t errlen);
store *store_pg_open(const char *url, char *err, size_t errlen);
/* How long, at most, a group commit's leader waits for its group to fill
 * up (microseconds; 0: never). Set before the first store opens. */
void store_sqlite_commit_delay(int us);

/* Appends an id to a growing array; 0 on success. */
int store_ids_push(char ***v, int *n, int *cap, const char *id, size_t len);

#endif
