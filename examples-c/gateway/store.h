/* SQLite persistence: executions (state JSON) and webhook registrations
 * (JSON + status column).
 *
 * One `store` is one SQLite connection with its prepared statements; it
 * belongs to one thread. Several connections (threads, or gateway
 * processes) may share one database file: WAL mode lets readers run beside
 * the writer, busy_timeout makes writers queue instead of failing, and every
 * state change runs inside BEGIN IMMEDIATE so it takes the write lock before
 * reading what it is about to change.
 *
 * Exactly-once: a registration changes status only through
 * store_cas_registration(), `UPDATE ... WHERE resume_id=:id AND status=:from`,
 * and the caller acts only when it reports exactly one changed row. The
 * execution state written in the same transaction commits or rolls back with
 * it, so a crash can neither lose a resume nor apply one twice. */
#ifndef GW_STORE_H
#define GW_STORE_H

#include <stdint.h>

#include "util.h"

typedef struct store store;

typedef struct {
    char *id;
    char *workflow_id;
    char *workflow;     /* the definition it started with: resumes run the same graph */
    char *status; /* running | suspended | completed | failed */
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

typedef enum { STORE_SYNC_NORMAL, STORE_SYNC_FULL } store_sync;

/* Opens (creating if needed) the database and its schema. NULL on failure,
 * with a message in err. */
store *store_open(const char *path, int busy_timeout_ms, store_sync sync, char *err,
                  size_t errlen);
void store_close(store *s);
const char *store_errmsg(store *s);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. 0 on success. */
int store_begin(store *s);
int store_commit(store *s);
void store_rollback(store *s);

int store_insert_execution(store *s, const store_execution *e);
/* 0 on success (exactly one row), -1 otherwise. */
int store_update_execution(store *s, const char *id, const char *status,
                           const char *current_node, const char *state, int64_t timer_at,
                           int64_t now);
/* 1 found, 0 not found, -1 error. Free with store_execution_free. */
int store_get_execution(store *s, const char *id, store_execution *out);
void store_execution_free(store_execution *e);

int store_insert_registration(store *s, const store_registration *r);
/* 1 found, 0 not found, -1 error. Free with store_registration_free. */
int store_get_registration(store *s, const char *resume_id, store_registration *out);
void store_registration_free(store_registration *r);
/* The compare-and-set. 1: exactly one row changed (act on it); 0: the row was
 * not in `from` any more (someone else won); -1: database error. */
int store_cas_registration(store *s, const char *resume_id, const char *from, const char *to,
                           int64_t expires_at, const char *json);

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

/* Appends `prana_gateway_executions{status="..."} n` lines. 0 on success. */
int store_render_execution_counts(store *s, sbuf *out);
/* A trivial read, for /healthz. 0 when the database answers. */
int store_ping(store *s);

#endif
