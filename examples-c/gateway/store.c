#define _POSIX_C_SOURCE 200809L
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_is_postgres(const char *t) {
    return t && (strncmp(t, "postgresql://", 13) == 0 || strncmp(t, "postgres://", 11) == 0);
}

store *store_open(const char *target, int busy_timeout_ms, store_sync sync, char *err,
                  size_t errlen) {
    if (store_is_postgres(target)) return store_pg_open(target, err, errlen);
    return store_sqlite_open(target, busy_timeout_ms, sync, err, errlen);
}

void store_close(store *s) {
    if (s) s->ops->close(s);
}

const char *store_errmsg(store *s) { return s ? s->ops->errmsg(s) : "no database"; }
int store_begin(store *s) { return s->ops->begin(s); }
int store_commit(store *s) { return s->ops->commit(s); }
void store_rollback(store *s) { s->ops->rollback(s); }

int store_insert_execution(store *s, const store_execution *e) {
    return s->ops->insert_execution(s, e);
}

int store_update_execution(store *s, const char *id, const char *status,
                           const char *current_node, const char *state, int64_t timer_at,
                           int64_t now) {
    return s->ops->update_execution(s, id, status, current_node, state, timer_at, now);
}

int store_read_execution(store *s, const char *id, store_lock_mode mode, store_execution *out) {
    return s->ops->read_execution(s, id, mode, out);
}

int store_insert_registration(store *s, const store_registration *r) {
    return s->ops->insert_registration(s, r);
}

int store_read_registration(store *s, const char *resume_id, store_lock_mode mode,
                            store_registration *out) {
    return s->ops->read_registration(s, resume_id, mode, out);
}

int store_cas_registration(store *s, const char *resume_id, const char *from, const char *to,
                           int64_t expires_at, const char *json) {
    return s->ops->cas_registration(s, resume_id, from, to, expires_at, json);
}

int store_extend_registration(store *s, const char *resume_id, int64_t from, int64_t to,
                              const char *json) {
    return s->ops->extend_registration(s, resume_id, from, to, json);
}

int store_list_registrations(store *s, const char *execution_id, store_registration **out) {
    return s->ops->list_registrations(s, execution_id, out);
}

int store_list_overdue(store *s, int64_t now, int limit, char ***out) {
    return s->ops->list_ids(s, STORE_IDS_OVERDUE, now, limit, out);
}

int store_list_orphaned(store *s, int limit, char ***out) {
    return s->ops->list_ids(s, STORE_IDS_ORPHANED, 0, limit, out);
}

int store_list_due_timers(store *s, int64_t now, int limit, char ***out) {
    return s->ops->list_ids(s, STORE_IDS_DUE_TIMERS, now, limit, out);
}

int store_idem_put(store *s, const store_idem *r, int64_t fresh_since) {
    return s->ops->idem_put(s, r, fresh_since);
}

int store_idem_get(store *s, const char *scope, const char *key, int64_t fresh_since,
                   store_idem *out) {
    return s->ops->idem_get(s, scope, key, fresh_since, out);
}

int store_idem_purge(store *s, int64_t before) { return s->ops->idem_purge(s, before); }

int store_ping(store *s) { return s->ops->ping(s); }

int store_create_execution(store *s, const store_new_execution *x) {
    return s->ops->create_execution(s, x);
}

int store_create_execution_in_tx(store *s, const store_new_execution *x) {
    int i, put;
    if (s->ops->insert_execution(s, x->execution) != 0) return -1;
    for (i = 0; i < x->nregs; i++)
        if (s->ops->insert_registration(s, &x->regs[i]) != 0) return -1;
    if (!x->idem) return 1;
    put = s->ops->idem_put(s, x->idem, x->idem_fresh_since);
    return put < 0 ? -1 : put;
}

void store_execution_free(store_execution *e) {
    if (!e) return;
    free(e->id);
    free(e->workflow_id);
    free(e->workflow);
    free(e->status);
    free(e->current_node);
    free(e->state);
    memset(e, 0, sizeof *e);
}

void store_registration_free(store_registration *r) {
    if (!r) return;
    free(r->resume_id);
    free(r->execution_id);
    free(r->node_id);
    free(r->status);
    free(r->json);
    memset(r, 0, sizeof *r);
}

void store_registrations_free(store_registration *v, int n) {
    int i;
    for (i = 0; i < n; i++) store_registration_free(&v[i]);
    free(v);
}

void store_idem_free(store_idem *r) {
    if (!r) return;
    free(r->scope);
    free(r->key);
    free(r->request);
    free(r->execution_id);
    free(r->response);
    memset(r, 0, sizeof *r);
}

void store_ids_free(char **ids, int n) {
    int i;
    for (i = 0; i < n; i++) free(ids[i]);
    free(ids);
}

int store_ids_push(char ***v, int *n, int *cap, const char *id, size_t len) {
    if (*n == *cap) {
        int ncap = *cap ? *cap * 2 : 16;
        char **nv = realloc(*v, (size_t)ncap * sizeof **v);
        if (!nv) return -1;
        *v = nv;
        *cap = ncap;
    }
    if (!((*v)[*n] = xstrndup(id, len))) return -1;
    (*n)++;
    return 0;
}

int store_render_execution_counts(store *s, sbuf *out) {
    static const char *known[] = {"running", "suspended", "completed", "failed", "cancelled"};
    long long counts[5] = {0, 0, 0, 0, 0};
    int i;
    if (s->ops->execution_counts(s, counts) != 0) return -1;
    sb_puts(out, "# HELP prana_gateway_executions Executions in the database by status.\n"
                 "# TYPE prana_gateway_executions gauge\n");
    for (i = 0; i < 5; i++)
        sb_printf(out, "prana_gateway_executions{status=\"%s\"} %lld\n", known[i], counts[i]);
    return 0;
}
