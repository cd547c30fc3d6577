/* The PostgreSQL backend (libpq): many gateway processes on one database.
 *
 * Transactions run at READ COMMITTED. The compare-and-set is a conditional
 * UPDATE: a second updater of the same row waits for the first to commit,
 * re-reads the row and finds the status changed (0 rows), so exactly one
 * wins across all nodes. Execution rows read inside a transaction are
 * locked (FOR UPDATE); the sweeper's claims skip rows another node holds
 * (FOR UPDATE SKIP LOCKED).
 *
 * A lost connection (server restart, network) is re-established on the
 * next call outside a transaction; a transaction it interrupts fails and
 * is rolled back by the server, so the caller answers 503. */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* Versioned migrations, MIGRATIONS[i] from version i to i + 1, recorded in
 * schema_migrations. Never edit a released step; append a new one. */
static const char *MIGRATIONS[] = {
    /* 1: executions and registrations */
    "CREATE TABLE executions ("
    "  id           TEXT PRIMARY KEY,"
    "  workflow_id  TEXT NOT NULL,"
    "  workflow     TEXT NOT NULL,"
    "  status       TEXT NOT NULL,"
    "  current_node TEXT,"
    "  state        TEXT NOT NULL,"
    "  timer_at     BIGINT,"
    "  created_at   BIGINT NOT NULL,"
    "  updated_at   BIGINT NOT NULL"
    ");"
    "CREATE TABLE registrations ("
    "  seq          BIGSERIAL,"
    "  resume_id    TEXT PRIMARY KEY,"
    "  execution_id TEXT NOT NULL REFERENCES executions(id),"
    "  node_id      TEXT NOT NULL,"
    "  status       TEXT NOT NULL"
    "    CHECK (status IN ('pending','active','consumed','expired')),"
    "  expires_at   BIGINT,"
    "  json         TEXT NOT NULL"
    ");"
    "CREATE INDEX registrations_by_expiry ON registrations(status, expires_at);"
    "CREATE INDEX registrations_by_execution ON registrations(execution_id);"
    "CREATE INDEX executions_by_status ON executions(status);"
    "CREATE INDEX executions_by_timer ON executions(timer_at) WHERE timer_at IS NOT NULL;",
    /* 2: idempotency keys of triggers */
    "CREATE TABLE idempotency_keys ("
    "  scope        TEXT NOT NULL,"
    "  key          TEXT NOT NULL,"
    "  request      TEXT NOT NULL,"
    "  execution_id TEXT NOT NULL,"
    "  status       INTEGER NOT NULL,"
    "  response     TEXT NOT NULL,"
    "  created_at   BIGINT NOT NULL,"
    "  PRIMARY KEY (scope, key)"
    ");"
    "CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);",
};
#define NMIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

/* Serialises migrations of concurrently starting gateways (an arbitrary
 * constant naming this lock). */
#define MIGRATION_LOCK "7262710451"

typedef struct {
    store base;
    PGconn *c;
    int in_tx;
    char err[512];
} pg_store;

#define PG(s) ((pg_store *)(s))

static void set_err(pg_store *p, const char *what, const char *msg) {
    size_t n;
    snprintf(p->err, sizeof p->err, "%s: %s", what, msg && *msg ? msg : "failed");
    n = strlen(p->err);
    while (n > 0 && (p->err[n - 1] == '\n' || p->err[n - 1] == ' ')) p->err[--n] = '\0';
}

/* A usable connection, reconnecting when it was lost. Inside a transaction
 * a lost connection means the transaction is gone: fail. */
static int ready(pg_store *p) {
    if (PQstatus(p->c) == CONNECTION_OK) return 0;
    if (p->in_tx) {
        set_err(p, "database connection lost", PQerrorMessage(p->c));
        return -1;
    }
    PQreset(p->c);
    if (PQstatus(p->c) != CONNECTION_OK) {
        set_err(p, "database unavailable", PQerrorMessage(p->c));
        return -1;
    }
    return 0;
}

/* Runs one statement with text parameters (NULL entries are SQL NULL).
 * The result, or NULL with the error in p->err. */
static PGresult *run(pg_store *p, const char *sql, int n, const char *const *vals) {
    PGresult *r;
    ExecStatusType st;
    if (ready(p) != 0) return NULL;
    /* Without parameters, the simple protocol: it runs multi-statement
     * scripts (the migrations). */
    r = n > 0 ? PQexecParams(p->c, sql, n, NULL, vals, NULL, NULL, 0) : PQexec(p->c, sql);
    st = PQresultStatus(r);
    /* A connection found dead at first use after a server restart: outside a
     * transaction nothing was applied (a lone statement here is a read, a
     * BEGIN or the idempotent purge), so reconnect and run it once more. */
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !p->in_tx &&
        PQstatus(p->c) == CONNECTION_BAD) {
        PQclear(r);
        if (ready(p) != 0) return NULL;
        r = n > 0 ? PQexecParams(p->c, sql, n, NULL, vals, NULL, NULL, 0) : PQexec(p->c, sql);
        st = PQresultStatus(r);
    }
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    set_err(p, "database", r ? PQresultErrorMessage(r) : PQerrorMessage(p->c));
    if (!r || !*PQresultErrorMessage(r)) set_err(p, "database", PQerrorMessage(p->c));
    PQclear(r);
    return NULL;
}

static int run_ok(pg_store *p, const char *sql, int n, const char *const *vals) {
    PGresult *r = run(p, sql, n, vals);
    PQclear(r);
    return r ? 0 : -1;
}

/* Rows changed by an UPDATE/INSERT, or -1. */
static int run_count(pg_store *p, const char *sql, int n, const char *const *vals) {
    PGresult *r = run(p, sql, n, vals);
    int count;
    if (!r) return -1;
    count = atoi(PQcmdTuples(r));
    PQclear(r);
    return count;
}

static char *get(PGresult *r, int row, int col) {
    if (PQgetisnull(r, row, col)) return NULL;
    return xstrndup(PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

static int64_t get_opt_int(PGresult *r, int row, int col) {
    return PQgetisnull(r, row, col) ? -1 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* Integers as parameter text; -1 is NULL. */
typedef struct {
    char b[24];
} num;

static const char *opt_int(num *n, int64_t v) {
    if (v < 0) return NULL;
    snprintf(n->b, sizeof n->b, "%lld", (long long)v);
    return n->b;
}

static const char *int_str(num *n, int64_t v) {
    snprintf(n->b, sizeof n->b, "%lld", (long long)v);
    return n->b;
}

static int migrate(pg_store *p, char *err, size_t errlen) {
    PGresult *r;
    int version, i;
    char msg[64];
    if (run_ok(p, "BEGIN", 0, NULL) != 0) goto fail;
    if (run_ok(p, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")", 0, NULL) != 0 ||
        run_ok(p,
               "CREATE TABLE IF NOT EXISTS schema_migrations ("
               " version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
               0, NULL) != 0 ||
        !(r = run(p, "SELECT coalesce(max(version), 0) FROM schema_migrations", 0, NULL)))
        goto rollback;
    version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (version > NMIGRATIONS) {
        snprintf(msg, sizeof msg, "version %d, newer than this gateway's %d", version,
                 NMIGRATIONS);
        set_err(p, "database schema", msg);
        goto rollback;
    }
    for (i = version; i < NMIGRATIONS; i++) {
        num v;
        const char *vals[1];
        vals[0] = int_str(&v, i + 1);
        if (run_ok(p, MIGRATIONS[i], 0, NULL) != 0 ||
            run_ok(p, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, vals) != 0)
            goto rollback;
    }
    if (run_ok(p, "COMMIT", 0, NULL) != 0) goto fail;
    return 0;
rollback:
    PQclear(PQexec(p->c, "ROLLBACK"));
fail:
    snprintf(err, errlen, "%s", p->err);
    return -1;
}

static const store_ops PG_OPS;

store *store_pg_open(const char *url, char *err, size_t errlen) {
    /* The URL's settings, then ours: a bounded connect so a down database
     * costs a request a quick 503, not a hang. */
    const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
    const char *vals[] = {url, "3", "prana-gateway", "-c client_min_messages=warning", NULL};
    pg_store *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->base.ops = &PG_OPS;
    p->c = PQconnectdbParams(keys, vals, 1);
    if (!p->c || PQstatus(p->c) != CONNECTION_OK) {
        set_err(p, "connect", p->c ? PQerrorMessage(p->c) : "out of memory");
        snprintf(err, errlen, "%s", p->err);
        PQfinish(p->c);
        free(p);
        return NULL;
    }
    if (migrate(p, err, errlen) != 0) {
        PQfinish(p->c);
        free(p);
        return NULL;
    }
    return &p->base;
}

static void pg_close(store *s) {
    PQfinish(PG(s)->c);
    free(s);
}

static const char *pg_errmsg(store *s) { return PG(s)->err[0] ? PG(s)->err : "database error"; }

static int pg_begin(store *s) {
    if (run_ok(PG(s), "BEGIN", 0, NULL) != 0) return -1;
    PG(s)->in_tx = 1;
    return 0;
}

static int pg_commit(store *s) {
    int rc = run_ok(PG(s), "COMMIT", 0, NULL);
    /* A failed COMMIT ends the transaction too (the server rolled it back,
     * or the connection is gone and the outcome is the server's). */
    PG(s)->in_tx = 0;
    return rc;
}

static void pg_rollback(store *s) {
    pg_store *p = PG(s);
    if (p->in_tx && PQstatus(p->c) == CONNECTION_OK) PQclear(PQexec(p->c, "ROLLBACK"));
    p->in_tx = 0;
}

static int pg_insert_execution(store *s, const store_execution *e) {
    num t, c, u;
    const char *v[9];
    v[0] = e->id;
    v[1] = e->workflow_id;
    v[2] = e->workflow;
    v[3] = e->status;
    v[4] = e->current_node;
    v[5] = e->state;
    v[6] = opt_int(&t, e->timer_at);
    v[7] = int_str(&c, e->created_at);
    v[8] = int_str(&u, e->updated_at);
    return run_ok(PG(s),
                  "INSERT INTO executions (id, workflow_id, workflow, status, current_node,"
                  " state, timer_at, created_at, updated_at)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                  9, v);
}

static int pg_update_execution(store *s, const char *id, const char *status,
                               const char *current_node, const char *state, int64_t timer_at,
                               int64_t now) {
    num t, n;
    const char *v[6];
    v[0] = id;
    v[1] = status;
    v[2] = current_node;
    v[3] = state;
    v[4] = opt_int(&t, timer_at);
    v[5] = int_str(&n, now);
    return run_count(PG(s),
                     "UPDATE executions SET status = $2, current_node = $3, state = $4,"
                     " timer_at = $5, updated_at = $6 WHERE id = $1",
                     6, v) == 1
               ? 0
               : -1;
}

static const char *lock_clause(store_lock_mode m) {
    return m == STORE_LOCK ? " FOR UPDATE" : m == STORE_SKIP_LOCKED ? " FOR UPDATE SKIP LOCKED" : "";
}

static int pg_read_execution(store *s, const char *id, store_lock_mode mode,
                             store_execution *out) {
    char sql[512];
    PGresult *r;
    const char *v[1];
    memset(out, 0, sizeof *out);
    v[0] = id;
    snprintf(sql, sizeof sql,
             "SELECT id, workflow_id, workflow, status, current_node, state, timer_at,"
             " created_at, updated_at FROM executions WHERE id = $1%s",
             lock_clause(mode));
    if (!(r = run(PG(s), sql, 1, v))) return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    out->id = get(r, 0, 0);
    out->workflow_id = get(r, 0, 1);
    out->workflow = get(r, 0, 2);
    out->status = get(r, 0, 3);
    out->current_node = get(r, 0, 4);
    out->state = get(r, 0, 5);
    out->timer_at = get_opt_int(r, 0, 6);
    out->created_at = get_opt_int(r, 0, 7);
    out->updated_at = get_opt_int(r, 0, 8);
    PQclear(r);
    if (!out->id || !out->workflow_id || !out->workflow || !out->status || !out->state) {
        store_execution_free(out);
        return -1;
    }
    return 1;
}

static int pg_insert_registration(store *s, const store_registration *r) {
    num e;
    const char *v[6];
    v[0] = r->resume_id;
    v[1] = r->execution_id;
    v[2] = r->node_id;
    v[3] = r->status;
    v[4] = opt_int(&e, r->expires_at);
    v[5] = r->json;
    return run_ok(PG(s),
                  "INSERT INTO registrations (resume_id, execution_id, node_id, status,"
                  " expires_at, json) VALUES ($1, $2, $3, $4, $5, $6)",
                  6, v);
}

static int read_reg(PGresult *r, int row, store_registration *out) {
    memset(out, 0, sizeof *out);
    out->resume_id = get(r, row, 0);
    out->execution_id = get(r, row, 1);
    out->node_id = get(r, row, 2);
    out->status = get(r, row, 3);
    out->expires_at = get_opt_int(r, row, 4);
    out->json = get(r, row, 5);
    if (!out->resume_id || !out->execution_id || !out->node_id || !out->status ||
        !out->json) {
        store_registration_free(out);
        return -1;
    }
    return 0;
}

#define REG_COLS "resume_id, execution_id, node_id, status, expires_at, json"

static int pg_read_registration(store *s, const char *resume_id, store_lock_mode mode,
                                store_registration *out) {
    char sql[256];
    PGresult *r;
    const char *v[1];
    int rc;
    memset(out, 0, sizeof *out);
    v[0] = resume_id;
    snprintf(sql, sizeof sql, "SELECT " REG_COLS " FROM registrations WHERE resume_id = $1%s",
             lock_clause(mode));
    if (!(r = run(PG(s), sql, 1, v))) return -1;
    rc = PQntuples(r) == 0 ? 0 : read_reg(r, 0, out) == 0 ? 1 : -1;
    PQclear(r);
    return rc;
}

static int pg_cas_registration(store *s, const char *resume_id, const char *from,
                               const char *to, int64_t expires_at, const char *json) {
    num e;
    const char *v[5];
    int n;
    v[0] = resume_id;
    v[1] = from;
    v[2] = to;
    v[3] = opt_int(&e, expires_at);
    v[4] = json;
    n = run_count(PG(s),
                  "UPDATE registrations SET status = $3, expires_at = $4, json = $5"
                  " WHERE resume_id = $1 AND status = $2",
                  5, v);
    return n < 0 ? -1 : n == 1 ? 1 : 0;
}

static int pg_extend_registration(store *s, const char *resume_id, int64_t from, int64_t to,
                                  const char *json) {
    num a, b;
    const char *v[4];
    int n;
    v[0] = resume_id;
    v[1] = opt_int(&a, from);
    v[2] = opt_int(&b, to);
    v[3] = json;
    n = run_count(PG(s),
                  "UPDATE registrations SET expires_at = $3, json = $4"
                  " WHERE resume_id = $1 AND status = 'active' AND expires_at = $2",
                  4, v);
    return n < 0 ? -1 : n == 1 ? 1 : 0;
}

static int pg_list_registrations(store *s, const char *execution_id, store_registration **out) {
    PGresult *r;
    const char *v[1];
    store_registration *regs;
    int n, i;
    *out = NULL;
    v[0] = execution_id;
    if (!(r = run(PG(s), "SELECT " REG_COLS " FROM registrations WHERE execution_id = $1"
                         " ORDER BY seq", 1, v)))
        return -1;
    n = PQntuples(r);
    regs = calloc((size_t)(n ? n : 1), sizeof *regs);
    if (!regs) {
        PQclear(r);
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (read_reg(r, i, &regs[i]) != 0) {
            store_registrations_free(regs, i);
            PQclear(r);
            return -1;
        }
    }
    PQclear(r);
    *out = regs;
    return n;
}

static int pg_list_ids(store *s, store_ids_kind kind, int64_t now, int limit, char ***out) {
    num a, b;
    const char *v[2];
    PGresult *r;
    char **ids = NULL;
    int n = 0, cap = 0, i, rows;
    *out = NULL;
    if (kind == STORE_IDS_ORPHANED) {
        v[0] = int_str(&a, limit);
        r = run(PG(s),
                "SELECT r.resume_id FROM registrations r JOIN executions e"
                " ON e.id = r.execution_id WHERE r.status IN ('pending','active')"
                " AND e.status IN ('completed','failed','cancelled') LIMIT $1",
                1, v);
    } else {
        v[0] = int_str(&a, now);
        v[1] = int_str(&b, limit);
        r = run(PG(s),
                kind == STORE_IDS_OVERDUE
                    ? "SELECT resume_id FROM registrations WHERE status = 'active'"
                      " AND expires_at IS NOT NULL AND expires_at <= $1"
                      " ORDER BY expires_at LIMIT $2"
                    : "SELECT id FROM executions WHERE status = 'suspended'"
                      " AND timer_at IS NOT NULL AND timer_at <= $1 ORDER BY timer_at LIMIT $2",
                2, v);
    }
    if (!r) return -1;
    rows = PQntuples(r);
    for (i = 0; i < rows; i++) {
        if (store_ids_push(&ids, &n, &cap, PQgetvalue(r, i, 0),
                           (size_t)PQgetlength(r, i, 0)) != 0) {
            store_ids_free(ids, n);
            PQclear(r);
            return -1;
        }
    }
    PQclear(r);
    *out = ids;
    return n;
}

static int pg_idem_put(store *s, const store_idem *rec, int64_t fresh_since) {
    num st, c, f;
    const char *v[8];
    v[0] = rec->scope;
    v[1] = rec->key;
    v[2] = rec->request;
    v[3] = rec->execution_id;
    v[4] = int_str(&st, rec->status);
    v[5] = rec->response;
    v[6] = int_str(&c, rec->created_at);
    v[7] = int_str(&f, fresh_since);
    /* A concurrent insert of the same key makes this wait for that
     * transaction; once it commits, the fresh row stays and 0 rows change. */
    return run_count(PG(s),
                     "INSERT INTO idempotency_keys (scope, key, request, execution_id, status,"
                     " response, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                     " ON CONFLICT (scope, key) DO UPDATE SET request = excluded.request,"
                     " execution_id = excluded.execution_id, status = excluded.status,"
                     " response = excluded.response, created_at = excluded.created_at"
                     " WHERE idempotency_keys.created_at < $8",
                     8, v);
}

static int pg_idem_get(store *s, const char *scope, const char *key, int64_t fresh_since,
                       store_idem *out) {
    num f;
    const char *v[3];
    PGresult *r;
    memset(out, 0, sizeof *out);
    v[0] = scope;
    v[1] = key;
    v[2] = int_str(&f, fresh_since);
    if (!(r = run(PG(s),
                  "SELECT scope, key, request, execution_id, status, response, created_at"
                  " FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at >= $3",
                  3, v)))
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    out->scope = get(r, 0, 0);
    out->key = get(r, 0, 1);
    out->request = get(r, 0, 2);
    out->execution_id = get(r, 0, 3);
    out->status = atoi(PQgetvalue(r, 0, 4));
    out->response = get(r, 0, 5);
    out->created_at = get_opt_int(r, 0, 6);
    PQclear(r);
    if (!out->scope || !out->key || !out->request || !out->execution_id || !out->response) {
        store_idem_free(out);
        return -1;
    }
    return 1;
}

static int pg_idem_purge(store *s, int64_t before) {
    num b;
    const char *v[1];
    v[0] = int_str(&b, before);
    return run_count(PG(s), "DELETE FROM idempotency_keys WHERE created_at < $1", 1, v);
}

static int pg_execution_counts(store *s, long long counts[5]) {
    static const char *known[] = {"running", "suspended", "completed", "failed", "cancelled"};
    PGresult *r = run(PG(s), "SELECT status, count(*) FROM executions GROUP BY status", 0, NULL);
    int i, j;
    if (!r) return -1;
    for (i = 0; i < PQntuples(r); i++)
        for (j = 0; j < 5; j++)
            if (strcmp(PQgetvalue(r, i, 0), known[j]) == 0)
                counts[j] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    PQclear(r);
    return 0;
}

static int pg_ping(store *s) { return run_ok(PG(s), "SELECT 1", 0, NULL); }

/* Each gateway connection commits its own: PostgreSQL groups concurrent
 * commits itself (commit_delay/commit_siblings when configured). */
static int pg_create_execution(store *s, const store_new_execution *x) {
    int rc;
    if (pg_begin(s) != 0) return -1;
    rc = store_create_execution_in_tx(s, x);
    if (rc != 1) {
        pg_rollback(s);
        return rc;
    }
    return pg_commit(s) == 0 ? 1 : -1;
}

static const store_ops PG_OPS = {
    pg_close,            pg_errmsg,             pg_begin,
    pg_commit,           pg_rollback,           pg_insert_execution,
    pg_update_execution, pg_read_execution,     pg_insert_registration,
    pg_read_registration, pg_cas_registration,  pg_list_registrations,
    pg_list_ids,         pg_idem_put,           pg_idem_get,
    pg_idem_purge,       pg_execution_counts,   pg_ping,
    pg_create_execution, pg_extend_registration,
};
