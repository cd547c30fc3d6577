#define _POSIX_C_SOURCE 200809L
#include "flow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

/* "pending", "active", ...: the names the status column stores. */
static const char *lifecycle_name(prana_lifecycle_status s) { return prana_lifecycle_status_name(s); }

static void answer(flow_answer *a, int status, const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void answer(flow_answer *a, int status, const char *code, const char *fmt, ...) {
    va_list ap;
    a->http_status = status;
    snprintf(a->code, sizeof a->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof a->message, fmt, ap);
    va_end(ap);
}

static void answer_from_library(flow_answer *a, const prana_http_answer *x) {
    a->http_status = x->http_status;
    snprintf(a->code, sizeof a->code, "%s", x->code);
    snprintf(a->message, sizeof a->message, "%s", x->message);
}

void flow_out_init(flow_out *o) {
    memset(o, 0, sizeof *o);
    engine_result_init(&o->res);
}

void flow_out_free(flow_out *o) { engine_result_free(&o->res); }

void flow_print_logs(const flow_out *o) {
    if (o->res.logs.len == 0) return;
    /* One write per result: the lines of one execution stay together. */
    fputs(sb_cstr(&o->res.logs), stdout);
    fflush(stdout);
}

/* Parses a stored registration. NULL on failure. */
static prana_registration *reg_parse(const char *json) {
    prana_registration *r = NULL;
    if (prana_registration_from_json(json, strlen(json), &r, NULL) != PRANA_STATUS_OK) return NULL;
    return r;
}

static int reg_json(const prana_registration *r, char *buf, size_t len, prana_error *e) {
    size_t n;
    return prana_registration_to_json(r, buf, len, &n, e) == PRANA_STATUS_OK ? 0 : -1;
}

static int64_t reg_expires_at(const prana_registration *r) {
    bool has = false;
    uint64_t at = 0;
    if (prana_registration_expires_at(r, &has, &at, NULL) != PRANA_STATUS_OK || !has) return -1;
    return (int64_t)at;
}

/* Expires every pending/active registration of an execution that has
 * ended, inside the caller's transaction. Returns how many, or -1.
 * Normally the executor reports these expiries itself (an execution that
 * completes, fails or is cancelled returns them as transitions). This is
 * for the one case no executor call reports them: the library refused to
 * continue an execution at all (its stored state or workflow is refused),
 * and the sweeper records it failed. */
static int cleanup_execution(worker *w, const char *execution_id) {
    store_registration *v = NULL;
    int n = store_list_registrations(w->db, execution_id, &v), i, done = 0;
    if (n < 0) return -1;
    for (i = 0; i < n; i++) {
        prana_registration *r;
        prana_transition t;
        char json[PRANA_MAX_REGISTRATION_JSON_LEN + 1];
        int cas;
        if (strcmp(v[i].status, "pending") != 0 && strcmp(v[i].status, "active") != 0)
            continue;
        if (!(r = reg_parse(v[i].json))) {
            done = -1;
            break;
        }
        if (prana_registration_expire(r, &t, NULL) != PRANA_STATUS_OK ||
            reg_json(r, json, sizeof json, NULL) != 0) {
            prana_registration_free(r);
            done = -1;
            break;
        }
        cas = store_cas_registration(w->db, v[i].resume_id, lifecycle_name(t.from),
                                     lifecycle_name(t.to), reg_expires_at(r), json);
        prana_registration_free(r);
        if (cas < 0) {
            done = -1;
            break;
        }
        done += cas;
    }
    store_registrations_free(v, n);
    return done;
}

/* Writes an engine result inside the caller's transaction: the execution
 * row, the row of the registration whose transition the caller applied
 * (consumed or expired, as the library holds it after the call), and every
 * transition the call returned, in order, each a compare-and-set with the
 * library's row. 0 on success. */
static int persist(worker *w, const char *execution_id, const prana_transition *applied,
                   const engine_result *res, uint64_t now) {
    int i;
    if (store_update_execution(w->db, execution_id, res->status, res->current_node, res->state,
                               res->timer_at, (int64_t)now) != 0)
        return -1;
    /* The compare-and-set moved its status; the row's text follows here. */
    if (applied && res->applied_json &&
        store_cas_registration(w->db, applied->resume_id, lifecycle_name(applied->to),
                               lifecycle_name(applied->to), res->applied_expires_at,
                               res->applied_json) != 1)
        return -1;
    for (i = 0; i < res->nregs; i++) {
        const engine_reg *g = &res->regs[i];
        /* Every change the executor reports must land: a row that moved
         * under us means our picture of the execution is stale. (New rows
         * come only from a start, written by store_create_execution.) */
        if (!g->from || store_cas_registration(w->db, g->resume_id, g->from, g->status,
                                               g->expires_at, g->json) != 1)
            return -1;
    }
    return 0;
}

static void make_execution_id(char *buf, size_t len) {
    /* 15 bytes as 30 hex digits, made of the [A-Za-z0-9_-] characters an
     * id part allows: the creation time in milliseconds (6 bytes, most
     * significant first), then 9 random bytes, so ids are unguessable (72
     * random bits) and ordered by creation. Ordered ids keep the b-trees
     * keyed by them (executions, registrations, whose ids embed it, and
     * registrations by execution) growing at their right edge: a group
     * commit dirties a few shared pages there instead of one leaf page
     * per execution in each, which is fewer WAL pages to write and sync
     * and to checkpoint. */
    static const char hex[] = "0123456789abcdef";
    unsigned char r[15];
    uint64_t ms = now_ms();
    size_t i, o = 0;
    for (i = 0; i < 6; i++) r[i] = (unsigned char)(ms >> (8 * (5 - i)));
    if (random_bytes(r + 6, sizeof r - 6) != 0) {
        buf[0] = '\0';
        return;
    }
    o = (size_t)snprintf(buf, len, "exec_");
    for (i = 0; i < sizeof r && o + 2 < len; i++) {
        buf[o++] = hex[r[i] >> 4];
        buf[o++] = hex[r[i] & 15];
    }
    buf[o] = '\0';
}

/* A repeat of a recorded key: the first answer again, or 422 when the body
 * differs (the key names one request, not a slot to reuse). */
static int replay(const store_idem *rec, const char *request, flow_idem *idem, flow_out *out,
                  flow_answer *ans) {
    if (strcmp(rec->request, request) != 0) {
        answer(ans, 422, "idempotency_key_reused",
               "this idempotency key was used with a different request body");
        return -1;
    }
    snprintf(out->execution_id, sizeof out->execution_id, "%s", rec->execution_id);
    sb_reset(&idem->body);
    sb_puts(&idem->body, rec->response);
    idem->replayed = 1;
    answer(ans, rec->status, "", "replayed");
    return 0;
}

/* The rows of a new execution: every registration of a start is a new
 * row (the executor's transitions at start are folded into them). */
static int new_rows(const flow_out *out, const store_execution *e, const store_idem *rec,
                    int64_t fresh_since, store_new_execution *x) {
    store_registration *regs;
    int i;
    memset(x, 0, sizeof *x);
    x->execution = e;
    x->idem = rec;
    x->idem_fresh_since = fresh_since;
    x->nregs = out->res.nregs;
    if (x->nregs == 0) return 0;
    regs = calloc((size_t)x->nregs, sizeof *regs);
    if (!regs) return -1;
    x->regs = regs;
    for (i = 0; i < x->nregs; i++) {
        const engine_reg *g = &out->res.regs[i];
        store_registration *r = &regs[i];
        if (g->from) { /* not a start's row: cannot happen */
            free(regs);
            return -1;
        }
        r->resume_id = g->resume_id;
        r->execution_id = (char *)out->execution_id;
        r->node_id = g->node_id;
        r->status = (char *)g->status;
        r->expires_at = g->expires_at;
        r->json = g->json;
    }
    return 0;
}

int flow_trigger(worker *w, const char *workflow_id, const char *workflow, const char *payload,
                 flow_idem *idem, flow_out *out, flow_answer *ans) {
    uint64_t now = now_ms();
    int64_t fresh_since = (int64_t)now - w->app->cfg.idempotency_ms;
    store_execution e;
    store_idem rec;
    store_new_execution x;
    int status = 500, i, put;
    char *err = NULL;

    if (idem) {
        /* Most repeats end here, before any work. */
        int found = store_idem_get(w->db, workflow_id, idem->key, fresh_since, &rec);
        if (found < 0) goto busy;
        if (found == 1) {
            int rc = replay(&rec, idem->request, idem, out, ans);
            store_idem_free(&rec);
            return rc;
        }
    }
    make_execution_id(out->execution_id, sizeof out->execution_id);
    if (!out->execution_id[0]) {
        answer(ans, 500, "entropy_unavailable", "could not read /dev/urandom");
        return -1;
    }
    /* The executor runs the graph up to its first suspension before any
     * write: a bad workflow or payload leaves no trace in the database. */
    if (engine_start(w->app, workflow_id, workflow, out->execution_id, payload, now, &out->res,
                     &status, &err) != 0) {
        answer(ans, status, status == 400 ? "invalid_request" : "execution_error", "%s",
               err ? err : "the execution could not start");
        free(err);
        return -1;
    }
    memset(&e, 0, sizeof e);
    e.id = out->execution_id;
    e.workflow_id = (char *)workflow_id;
    e.workflow = (char *)workflow;
    e.status = (char *)out->res.status;
    e.current_node = out->res.current_node;
    e.state = out->res.state;
    e.timer_at = out->res.timer_at;
    e.created_at = e.updated_at = (int64_t)now;
    if (idem) {
        /* The first answer is recorded with the execution: both land or
         * neither. A concurrent twin waits for the first to commit and then
         * finds the key taken. */
        idem->render(&idem->body, workflow_id, out);
        if (idem->body.oom) goto busy;
        rec.scope = (char *)workflow_id;
        rec.key = idem->key;
        rec.request = (char *)idem->request;
        rec.execution_id = out->execution_id;
        rec.status = 201;
        rec.response = (char *)sb_cstr(&idem->body);
        rec.created_at = (int64_t)now;
    }
    if (new_rows(out, &e, idem ? &rec : NULL, fresh_since, &x) != 0) goto busy;
    put = store_create_execution(w->db, &x);
    free((void *)x.regs);
    if (put < 0) {
        LOG_ERR("trigger %s: %s", out->execution_id, store_errmsg(w->db));
        goto busy;
    }
    if (put == 0) {
        int found, rc;
        engine_result_free(&out->res);
        found = store_idem_get(w->db, workflow_id, idem->key, fresh_since, &rec);
        if (found != 1) goto busy;
        rc = replay(&rec, idem->request, idem, out, ans);
        store_idem_free(&rec);
        return rc;
    }
    metrics_add(CTR_EXECUTIONS_STARTED, 1);
    for (i = 0; i < out->res.nregs; i++)
        LOG_DEBUG("registration %s %s", out->res.regs[i].resume_id, out->res.regs[i].status);
    answer(ans, 201, "", "started");
    return 0;
busy:
    answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
    return -1;
}

/* After a lost compare-and-set: read the row again and let the library say
 * why (consumed → 409, expired by the sweeper → 410). */
static void explain_lost_race(worker *w, const char *resume_id, flow_answer *ans) {
    store_registration row;
    prana_registration *r = NULL;
    prana_resume_decision d;
    if (store_get_registration(w->db, resume_id, &row) == 1) r = reg_parse(row.json);
    if (r && prana_resume_decide(resume_id, strlen(resume_id), r, now_ms(), &d, NULL) ==
                 PRANA_STATUS_OK &&
        !d.resume) {
        answer_from_library(ans, &d.answer);
    } else {
        /* The row could not be read again: the usual reason, another
         * request consumed it. */
        answer(ans, 409, "webhook_already_used", "this webhook has already been used");
    }
    prana_registration_free(r);
    store_registration_free(&row);
}

int flow_act(worker *w, flow_action action, const char *resume_id, const char *payload,
             flow_out *out, flow_answer *ans) {
    uint64_t now = now_ms();
    store_registration row;
    store_execution e;
    prana_registration *r = NULL;
    prana_resume_decision d;
    prana_error pe;
    int found, cas, status = 500, rc = -1;
    char *err = NULL;

    memset(&e, 0, sizeof e);
    found = store_get_registration(w->db, resume_id, &row);
    if (found < 0) {
        answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        return -1;
    }
    if (found && !(r = reg_parse(row.json))) {
        answer(ans, 500, "corrupt_registration", "the stored registration does not parse");
        goto out;
    }
    /* The library decides from the row as read: 404 / 400 pending / 410 /
     * 409. A resume and a cancel get the same transition: whichever
     * compare-and-set lands first wins. */
    if ((action == FLOW_CANCEL ? prana_cancel_decide(resume_id, strlen(resume_id), r, now, &d, &pe)
                               : prana_resume_decide(resume_id, strlen(resume_id), r, now, &d,
                                                     &pe)) != PRANA_STATUS_OK) {
        answer(ans, 500, "internal_error", "%s", pe.message);
        goto out;
    }
    if (!d.resume) {
        answer_from_library(ans, &d.answer);
        goto out;
    }
    snprintf(out->execution_id, sizeof out->execution_id, "%s", row.execution_id);
    snprintf(out->node_id, sizeof out->node_id, "%s", row.node_id);

    if (store_begin(w->db) != 0) {
        answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        goto out;
    }
    /* Lock the execution first (every writer locks execution, then
     * registrations: one order, no deadlocks), then the compare-and-set.
     * The execution is read inside the transaction: another wait node of
     * the same execution may have just moved it. */
    found = store_lock_execution(w->db, row.execution_id, &e);
    if (found != 1) {
        store_rollback(w->db);
        if (found == 0)
            answer(ans, 500, "execution_missing", "the registration's execution is not stored");
        else
            answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        goto out;
    }
    /* Only the status moves here; the row's text is the library's, written
     * after the call below in the same transaction. */
    cas = store_cas_registration(w->db, resume_id, lifecycle_name(d.transition.from),
                                 lifecycle_name(d.transition.to), row.expires_at, row.json);
    if (cas != 1) {
        store_rollback(w->db);
        if (cas == 0) {
            metrics_add(CTR_RESUME_CONFLICTS, 1);
            explain_lost_race(w, resume_id, ans);
        } else {
            answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        }
        goto out;
    }
    if ((action == FLOW_CANCEL
             ? engine_cancel(w->app, e.workflow, e.state, &d.transition, now, &out->res, &status,
                             &err)
             : engine_resume(w->app, e.workflow, e.state, &d.transition, payload, now, &out->res,
                             &status, &err)) != 0) {
        /* Rolling back leaves the URL active: the caller can fix the
         * payload and call again. */
        store_rollback(w->db);
        answer(ans, status, status == 400 ? "invalid_payload" : "execution_error", "%s",
               err ? err : "the execution could not resume");
        free(err);
        goto out;
    }
    if (persist(w, row.execution_id, &d.transition, &out->res, now) != 0 ||
        store_commit(w->db) != 0) {
        LOG_ERR("%s %s: %s", action == FLOW_CANCEL ? "cancel" : "resume", resume_id,
                store_errmsg(w->db));
        store_rollback(w->db);
        answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        goto out;
    }
    metrics_add(action == FLOW_CANCEL ? CTR_CANCELS : CTR_RESUMES, 1);
    answer(ans, 200, "", action == FLOW_CANCEL ? "cancelled" : "resumed");
    rc = 0;
out:
    store_execution_free(&e);
    prana_registration_free(r);
    store_registration_free(&row);
    return rc;
}

int flow_expire(worker *w, const char *resume_id, uint64_t now) {
    store_registration row;
    store_execution e;
    prana_registration *r = NULL;
    prana_transition expiry;
    bool due = false;
    flow_out out;
    int rc = -1, status, claimed, cas;
    char *err = NULL;

    memset(&e, 0, sizeof e);
    memset(&row, 0, sizeof row);
    flow_out_init(&out);
    if (store_get_registration(w->db, resume_id, &row) != 1) goto done;
    if (store_begin(w->db) != 0) goto done;
    /* Claim the execution: another node sweeping the same expiry (or a
     * resume, cancel or extend in flight) holds it, and this one moves on. */
    claimed = store_read_execution(w->db, row.execution_id, STORE_SKIP_LOCKED, &e);
    if (claimed != 1) {
        rc = claimed == 0 ? 0 : -1;
        goto rollback;
    }
    /* Re-read inside the transaction and let the library decide on the
     * stored row: only an active registration whose expiry has passed (an
     * extension moves it) expires. */
    store_registration_free(&row);
    if (store_get_registration(w->db, resume_id, &row) != 1 || !(r = reg_parse(row.json)) ||
        prana_expire_decide(resume_id, strlen(resume_id), r, now, &due, &expiry, NULL) !=
            PRANA_STATUS_OK)
        goto rollback;
    if (!due) {
        rc = 0;
        goto rollback;
    }
    /* Compare-and-set active -> expired: a resume or cancel that consumed
     * the row first makes it miss. Only the status moves here; the row's
     * text is the library's, written after the call below. */
    cas = store_cas_registration(w->db, resume_id, lifecycle_name(expiry.from),
                                 lifecycle_name(expiry.to), row.expires_at, row.json);
    if (cas != 1) {
        rc = cas == 0 ? 0 : -1;
        goto rollback;
    }
    snprintf(out.execution_id, sizeof out.execution_id, "%s", row.execution_id);
    if (engine_expire(w->app, e.workflow, e.state, &expiry, now, &out.res, &status, &err) != 0) {
        /* The library refuses to continue this execution: the wait is over
         * either way, so record it failed (its other open registrations
         * expired here, as no executor call reports them) rather than leave
         * it suspended on an expired URL. */
        LOG_ERR("expire %s: %s", resume_id, err ? err : "executor error");
        if (store_update_execution(w->db, row.execution_id, "failed", NULL, e.state, -1,
                                   (int64_t)now) != 0 ||
            cleanup_execution(w, row.execution_id) < 0)
            goto rollback;
    } else if (persist(w, row.execution_id, &expiry, &out.res, now) != 0) {
        goto rollback;
    }
    if (store_commit(w->db) != 0) goto rollback;
    metrics_add(CTR_EXPIRIES, 1);
    LOG_INFO("expired %s: execution %s continued through 'timeout' (%s)", resume_id,
             row.execution_id, err ? "failed" : out.res.status);
    flow_print_logs(&out);
    rc = 1;
    goto done;
rollback:
    store_rollback(w->db);
done:
    free(err);
    flow_out_free(&out);
    store_execution_free(&e);
    prana_registration_free(r);
    store_registration_free(&row);
    return rc;
}

int flow_extend(worker *w, const char *resume_id, const char *body, int64_t *expires_at,
                flow_answer *ans) {
    uint64_t now = now_ms();
    store_registration row;
    store_execution e;
    prana_registration *r = NULL;
    prana_extension x;
    prana_error pe;
    engine_result res;
    int found, cas, rc = -1, status = 500;
    char *err = NULL;

    memset(&row, 0, sizeof row);
    memset(&e, 0, sizeof e);
    engine_result_init(&res);
    found = store_get_registration(w->db, resume_id, &row);
    if (found < 0) {
        answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        return -1;
    }
    if (found && !(r = reg_parse(row.json))) {
        answer(ans, 500, "corrupt_registration", "the stored registration does not parse");
        goto out;
    }
    /* The library decides: 404 / 400 / 409 / 410 / 422 come back as an
     * answer. */
    if (prana_registration_extend(r, resume_id, strlen(resume_id), body, body ? strlen(body) : 0,
                                  now, &x, &pe) != PRANA_STATUS_OK) {
        answer(ans, 500, "internal_error", "%s", pe.message);
        goto out;
    }
    if (!x.extended) {
        answer_from_library(ans, &x.answer);
        goto out;
    }
    if (store_begin(w->db) != 0) {
        answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        goto out;
    }
    /* Lock the execution first, as every writer does: the extension is
     * recorded in its state and stored with the row, both or neither. */
    found = store_lock_execution(w->db, row.execution_id, &e);
    if (found != 1) {
        store_rollback(w->db);
        if (found == 0)
            answer(ans, 500, "execution_missing", "the registration's execution is not stored");
        else
            answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        goto out;
    }
    if (engine_extend(w->app, e.workflow, e.state, &x, &res, &status, &err) != 0) {
        store_rollback(w->db);
        if (status == 409)
            goto lost; /* the execution moved on, or another extension came first */
        answer(ans, 500, "execution_error", "%s", err ? err : "the extension was refused");
        goto out;
    }
    /* The compare-and-set on the old expiry, with the library's row. */
    cas = store_extend_registration(w->db, resume_id, (int64_t)x.from_expires_at,
                                    (int64_t)x.to_expires_at, res.applied_json);
    if (cas == 1 && store_update_execution(w->db, row.execution_id, e.status, e.current_node,
                                           res.state, e.timer_at, (int64_t)now) != 0)
        cas = -1;
    if (cas == 1 && store_commit(w->db) != 0) cas = -1;
    if (cas != 1) {
        store_rollback(w->db);
        if (cas == 0) goto lost; /* resumed, cancelled, expired or extended meanwhile */
        answer(ans, 503, "store_unavailable", "the database is unavailable or busy; retry");
        goto out;
    }
    *expires_at = (int64_t)x.to_expires_at;
    metrics_add(CTR_EXTENDS, 1);
    answer(ans, 200, "", "extended");
    rc = 0;
    goto out;
lost:
    explain_lost_race(w, resume_id, ans);
    if (ans->http_status == 200 || ans->http_status == 0)
        answer(ans, 409, "extend_conflict",
               "the registration changed while it was being extended; retry");
out:
    free(err);
    engine_result_free(&res);
    store_execution_free(&e);
    prana_registration_free(r);
    store_registration_free(&row);
    return rc;
}

int flow_timer(worker *w, const char *execution_id, uint64_t now) {
    store_execution e;
    flow_out out;
    int rc = -1, status, claimed;
    char *err = NULL;
    memset(&e, 0, sizeof e);
    flow_out_init(&out);
    if (store_begin(w->db) != 0) goto done;
    /* Claim it inside the transaction: another node may be running it
     * (skipped) or have run it (no longer due). */
    if ((claimed = store_read_execution(w->db, execution_id, STORE_SKIP_LOCKED, &e)) != 1) {
        rc = claimed == 0 ? 0 : -1;
        goto rollback;
    }
    if (strcmp(e.status, "suspended") != 0 || e.timer_at < 0 || (uint64_t)e.timer_at > now) {
        rc = 0;
        goto rollback;
    }
    snprintf(out.execution_id, sizeof out.execution_id, "%s", execution_id);
    if (engine_resume_timer(w->app, e.workflow, e.state, now, &out.res, &status, &err) != 0) {
        LOG_ERR("timer %s: %s", execution_id, err ? err : "executor error");
        if (store_update_execution(w->db, execution_id, "failed", e.current_node, e.state, -1,
                                   (int64_t)now) != 0 ||
            cleanup_execution(w, execution_id) < 0)
            goto rollback;
    } else if (persist(w, execution_id, NULL, &out.res, now) != 0) {
        goto rollback;
    }
    if (store_commit(w->db) != 0) goto rollback;
    LOG_INFO("timer of %s fired: %s", execution_id, err ? "failed" : out.res.status);
    flow_print_logs(&out);
    rc = 1;
    goto done;
rollback:
    store_rollback(w->db);
done:
    free(err);
    flow_out_free(&out);
    store_execution_free(&e);
    return rc;
}

int flow_cleanup(worker *w, const char *resume_id) {
    store_registration row;
    store_execution e;
    int rc = -1;
    memset(&e, 0, sizeof e);
    memset(&row, 0, sizeof row);
    if (store_get_registration(w->db, resume_id, &row) != 1) return -1;
    if (store_begin(w->db) != 0) {
        store_registration_free(&row);
        return -1;
    }
    if (store_read_execution(w->db, row.execution_id, STORE_SKIP_LOCKED, &e) != 1) {
        rc = 0;
        goto rollback;
    }
    if (strcmp(e.status, "completed") != 0 && strcmp(e.status, "failed") != 0 &&
        strcmp(e.status, "cancelled") != 0) {
        rc = 0;
        goto rollback;
    }
    rc = cleanup_execution(w, row.execution_id);
    if (rc < 0 || store_commit(w->db) != 0) {
        rc = -1;
        goto rollback;
    }
    if (rc > 0) metrics_add(CTR_CLEANUPS, (unsigned long)rc);
    goto done;
rollback:
    store_rollback(w->db);
done:
    store_execution_free(&e);
    store_registration_free(&row);
    return rc;
}
