/* The host protocol end to end, as a gateway runs it, over an in-memory
 * store of registration rows: start -> store rows -> run -> request ->
 * check -> look up -> decide -> compare-and-set -> restore -> resume (or
 * cancel) with the applied transition -> store rows. After every step each
 * stored row equals the library's row JSON. Also cancel through the wait's
 * cancel port and without one, extend (recorded in the execution too) then
 * the sweeper's expiry at the new time, decided and applied like a resume,
 * and 1 MiB trigger and resume payloads. */
#include <stdint.h>
#include <stdlib.h>

#include "test_util.h"

#define HOUR 3600000ull
#define MIB (1024u * 1024u)

/* trigger -> notify -> wait; wait.main -> done, wait.cancel -> on_cancel. */
static const char WITH_CANCEL[] =
    "{\"id\": \"approve\", \"nodes\": ["
    "{\"key\": \"trigger\", \"type\": \"trigger\"},"
    "{\"key\": \"notify\", \"type\": \"log\", \"params\": {\"approve\": "
    "\"{{ $execution.wait.resume_url }}\", \"reject\": \"{{ $execution.wait.cancel_url }}\"}},"
    "{\"key\": \"wait\", \"type\": \"wait\", \"params\": {\"mode\": \"webhook\", "
    "\"timeout_hours\": 1, \"webhook_config\": {\"title\": \"Deploy?\"}}},"
    "{\"key\": \"done\", \"type\": \"log\"},"
    "{\"key\": \"on_cancel\", \"type\": \"log\"},"
    "{\"key\": \"on_timeout\", \"type\": \"log\"}],"
    "\"connections\": [{\"from\": \"trigger\", \"to\": \"notify\"},"
    "{\"from\": \"notify\", \"to\": \"wait\"},"
    "{\"from\": \"wait\", \"to\": \"done\"},"
    "{\"from\": \"wait\", \"port\": \"cancel\", \"to\": \"on_cancel\"},"
    "{\"from\": \"wait\", \"port\": \"timeout\", \"to\": \"on_timeout\"}]}";

/* Two waits, no cancel port: a cancel ends the execution. */
static const char NO_CANCEL[] =
    "{\"id\": \"plain\", \"nodes\": ["
    "{\"key\": \"trigger\", \"type\": \"trigger\"},"
    "{\"key\": \"first\", \"type\": \"wait\", \"params\": {\"mode\": \"webhook\"}},"
    "{\"key\": \"second\", \"type\": \"wait\", \"params\": {\"mode\": \"webhook\"}}],"
    "\"connections\": [{\"from\": \"trigger\", \"to\": \"first\"},"
    "{\"from\": \"first\", \"to\": \"second\"}]}";

/* ---- the host's store: one row per resume ID ---------------------------- */

struct row {
    char resume_id[PRANA_RESUME_ID_BUF_SIZE];
    char json[PRANA_REGISTRATION_JSON_BUF_SIZE];
};

static struct row rows[8];
static size_t row_count;
static char *state_json; /* the stored execution state */
static size_t state_len;

static struct row *row_of(const char *rid) {
    size_t i;
    for (i = 0; i < row_count; i++) {
        if (strcmp(rows[i].resume_id, rid) == 0) {
            return &rows[i];
        }
    }
    return NULL;
}

/* Store the library's row of rid (insert or replace). */
static void store_row(const prana_workflow *w, const prana_execution *x, const char *rid) {
    struct row *r = row_of(rid);
    size_t n = 0;
    if (r == NULL) {
        CHECK(row_count < sizeof rows / sizeof rows[0]);
        if (row_count == sizeof rows / sizeof rows[0]) {
            return;
        }
        r = &rows[row_count++];
        snprintf(r->resume_id, sizeof r->resume_id, "%s", rid);
    }
    CHECK_STATUS(prana_execution_registration_json(w, x, rid, PRANA_NUL_TERMINATED, r->json,
                                                   sizeof r->json, &n, NULL),
                 PRANA_STATUS_OK);
}

/* Store the state and the rows of every transition of a call, in order. */
static void store_result(const prana_workflow *w, const prana_execution *x,
                         const struct prana_run_result *res) {
    size_t i, n = 0;
    for (i = 0; i < res->transition_count; i++) {
        struct row *r = row_of(res->transitions[i].resume_id);
        CHECK(r != NULL); /* every transition names a stored row */
        store_row(w, x, res->transitions[i].resume_id);
    }
    CHECK_STATUS(prana_execution_to_json(x, NULL, 0, &n, NULL), PRANA_STATUS_BUFFER_TOO_SMALL);
    free(state_json);
    state_json = malloc(n);
    CHECK(state_json != NULL);
    CHECK_STATUS(prana_execution_to_json(x, state_json, n, &state_len, NULL), PRANA_STATUS_OK);
}

/* Every stored row equals the library's current row JSON. */
static void rows_match(const prana_workflow *w, const prana_execution *x) {
    size_t i, n = 0;
    char buf[PRANA_REGISTRATION_JSON_BUF_SIZE];
    for (i = 0; i < row_count; i++) {
        CHECK_STATUS(prana_execution_registration_json(w, x, rows[i].resume_id,
                                                       PRANA_NUL_TERMINATED, buf, sizeof buf, &n,
                                                       NULL),
                     PRANA_STATUS_OK);
        CHECK_STR(rows[i].json, buf);
    }
}

/* The stored row of rid as a registration handle (NULL when none). */
static prana_registration *lookup(const char *rid) {
    struct row *r = row_of(rid);
    prana_registration *reg = NULL;
    if (r != NULL) {
        CHECK_STATUS(prana_registration_from_json(r->json, PRANA_NUL_TERMINATED, &reg, NULL),
                     PRANA_STATUS_OK);
    }
    return reg;
}

/* UPDATE rows SET status = :to WHERE resume_id = :id AND status = :from:
 * true when exactly one row changed. The new row is what the registration
 * becomes (consumed or expired), until the library's row replaces it after
 * the call. */
static bool compare_and_set(const struct prana_transition *t, uint64_t now) {
    prana_registration *reg = lookup(t->resume_id);
    prana_lifecycle_status st = PRANA_LIFECYCLE_PENDING;
    struct prana_transition applied;
    size_t n = 0;
    bool changed = false;
    if (reg == NULL) {
        return false;
    }
    CHECK_STATUS(prana_registration_status(reg, &st, NULL), PRANA_STATUS_OK);
    if (st == t->from &&
        ((t->to == PRANA_LIFECYCLE_CONSUMED &&
          prana_registration_consume(reg, now, &applied, NULL) == PRANA_STATUS_OK) ||
         (t->to == PRANA_LIFECYCLE_EXPIRED &&
          prana_registration_expire(reg, &applied, NULL) == PRANA_STATUS_OK))) {
        struct row *r = row_of(t->resume_id);
        CHECK_STATUS(prana_registration_to_json(reg, r->json, sizeof r->json, &n, NULL),
                     PRANA_STATUS_OK);
        changed = true;
    }
    prana_registration_free(reg);
    return changed;
}

static void reset_store(void) {
    row_count = 0;
    free(state_json);
    state_json = NULL;
    state_len = 0;
}

/* ---- node handler: copies its input, records the nodes run --------------- */

struct nodes {
    char run[256]; /* node ids joined by ',' */
};

static bool copy_input(void *user_data, const struct prana_node_call *call, char *output,
                       size_t output_cap, struct prana_node_result *result) {
    struct nodes *seen = (struct nodes *)user_data;
    size_t used = strlen(seen->run);
    snprintf(seen->run + used, sizeof seen->run - used, "%s%s", used ? "," : "",
             call->node_id.ptr);
    if (call->input.len > output_cap) {
        strcpy(result->error_code, "too_big");
        return false;
    }
    memcpy(output, call->input.ptr, call->input.len);
    result->output_len = call->input.len;
    return true;
}

/* ---- fixtures ------------------------------------------------------------ */

static prana_base_url *base;
static prana_id_generator *gen;
static prana_key_set *keys;

static void fixtures(void) {
    uint8_t seed[PRANA_ID_SEED_LEN];
    memset(seed, 7, sizeof seed);
    CHECK_STATUS(prana_base_url_new(S("https://gw.example.com/hooks"), &base, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_id_generator_new(seed, sizeof seed, &gen, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_new(&keys, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_key_set_add(keys, S("k1"), (const uint8_t *)"a secret of 16+ bytes", 21,
                                   NULL),
                 PRANA_STATUS_OK);
}

/* Start (signed) and store a row for every registration. */
static prana_execution *start(const prana_workflow *w, const char *id, uint64_t now,
                              size_t max_payload) {
    prana_execution *x = NULL;
    size_t count = 0, i, n = 0;
    reset_store();
    CHECK_STATUS(prana_execution_start(w, id, PRANA_NUL_TERMINATED, base, keys, gen, now,
                                       max_payload, &x, NULL),
                 PRANA_STATUS_OK);
    CHECK_STATUS(prana_execution_registration_count(x, &count, NULL), PRANA_STATUS_OK);
    for (i = 0; i < count; i++) {
        prana_registration *reg = NULL;
        char rid[PRANA_RESUME_ID_BUF_SIZE];
        CHECK_STATUS(prana_execution_registration(x, i, &reg, NULL), PRANA_STATUS_OK);
        CHECK_STATUS(prana_registration_resume_id(reg, rid, sizeof rid, &n, NULL),
                     PRANA_STATUS_OK);
        prana_registration_free(reg);
        store_row(w, x, rid);
    }
    rows_match(w, x);
    return x;
}

/* The request target of a URL the library built (its path and query). */
static const char *target_of(const char *url) {
    const char *p = strstr(url, "://");
    return p ? strchr(p + 3, '/') : url;
}

/* Steps 1-3 of a request: check it, verify its signature for its kind, look
 * the row up and decide. Returns whether to go on; *t the transition. */
static bool request(const char *url, uint32_t want_kind, uint64_t now,
                    struct prana_resume_decision *d) {
    const char *target = target_of(url);
    struct prana_precheck pre;
    struct prana_signature_check sig;
    char rid[PRANA_RESUME_ID_BUF_SIZE];
    prana_registration *reg;
    CHECK_STATUS(prana_request_check(base, S("POST"), target, strlen(target), 2,
                                     PRANA_DEFAULT_MAX_PAYLOAD, &pre, NULL),
                 PRANA_STATUS_OK);
    CHECK(pre.accepted && pre.route.kind == want_kind && pre.route.has_query);
    if (!pre.accepted) {
        return false;
    }
    snprintf(rid, sizeof rid, "%.*s", (int)pre.route.id.len, target + pre.route.id.offset);
    CHECK_STATUS(prana_signature_verify(keys, pre.route.kind, PRANA_SIGNATURE_REQUIRED, rid,
                                        strlen(rid), target + pre.route.query.offset,
                                        pre.route.query.len, &sig, NULL),
                 PRANA_STATUS_OK);
    CHECK(sig.accepted && sig.verified_by == PRANA_VERIFIED_KEY);
    reg = lookup(rid);
    if (want_kind == PRANA_ROUTE_CANCEL) {
        CHECK_STATUS(prana_cancel_decide(rid, strlen(rid), reg, now, d, NULL), PRANA_STATUS_OK);
    } else {
        CHECK_STATUS(prana_resume_decide(rid, strlen(rid), reg, now, d, NULL), PRANA_STATUS_OK);
    }
    prana_registration_free(reg);
    return d->resume;
}

/* Step 5: a fresh handle from the stored state. */
static prana_execution *restore(size_t max_payload) {
    prana_execution *x = NULL;
    CHECK_STATUS(prana_execution_from_json(state_json, state_len, max_payload, &x, NULL),
                 PRANA_STATUS_OK);
    return x;
}

static char *render(const prana_execution *x, const char *tmpl) {
    static char buf[PRANA_URL_BUF_SIZE];
    size_t n = 0;
    CHECK_STATUS(prana_execution_render(x, tmpl, PRANA_NUL_TERMINATED, buf, sizeof buf, &n, NULL),
                 PRANA_STATUS_OK);
    return buf;
}

/* ---- the tests ----------------------------------------------------------- */

static void test_resume_end_to_end(void) {
    prana_workflow *w = NULL;
    prana_execution *x, *y;
    struct prana_run_result res;
    struct prana_resume_decision d;
    struct nodes seen;
    char url[PRANA_URL_BUF_SIZE];
    char rid[PRANA_RESUME_ID_BUF_SIZE];
    prana_run_status st;

    CHECK_STATUS(prana_workflow_new(S(WITH_CANCEL), &w, NULL), PRANA_STATUS_OK);
    x = start(w, "exec-p1", 1000, 0);
    memset(&seen, 0, sizeof seen);
    CHECK_STATUS(prana_execution_run(w, x, copy_input, &seen, S("{\"n\":1}"), 1000, &res, NULL),
                 PRANA_STATUS_OK);
    CHECK(res.outcome == PRANA_OUTCOME_SUSPENDED && res.transition_count == 1);
    CHECK(res.transitions[0].from == PRANA_LIFECYCLE_PENDING &&
          res.transitions[0].to == PRANA_LIFECYCLE_ACTIVE);
    CHECK_STR(seen.run, "notify");
    store_result(w, x, &res);
    rows_match(w, x);
    /* The row of the activated registration is the run result's JSON. */
    CHECK_STR(row_of(res.resume_id)->json, res.registration_json);
    snprintf(url, sizeof url, "%s", res.resume_url);
    snprintf(rid, sizeof rid, "%s", res.resume_id);
    prana_execution_free(x);

    /* A request, decided and applied once, then the resume. */
    CHECK(request(url, PRANA_ROUTE_RESUME, 2000, &d));
    CHECK(d.answer.http_status == 200);
    CHECK(compare_and_set(&d.transition, 2000));
    CHECK(!compare_and_set(&d.transition, 2000)); /* the row moved: no second win */
    y = restore(0);
    memset(&seen, 0, sizeof seen);
    CHECK_STATUS(prana_execution_resume(w, y, copy_input, &seen, &d.transition,
                                        S("{\"approved\":true}"), 2000, &res, NULL),
                 PRANA_STATUS_OK);
    CHECK(res.outcome == PRANA_OUTCOME_COMPLETED);
    CHECK(res.transition_count == 0); /* the applied transition is not repeated */
    CHECK_STR(seen.run, "done");
    store_row(w, y, d.transition.resume_id);
    store_result(w, y, &res);
    rows_match(w, y);
    CHECK(strstr(row_of(rid)->json, "\"consumed\"") != NULL);
    CHECK_STATUS(prana_execution_status(y, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_EXECUTION_COMPLETED);

    /* The same request again: the stored row says consumed, 409. */
    CHECK(!request(url, PRANA_ROUTE_RESUME, 2001, &d));
    CHECK(d.answer.http_status == 409);
    CHECK_STR(d.answer.code, "webhook_already_used");
    /* Resuming with the old transition is refused and changes nothing. */
    CHECK_STATUS(prana_execution_resume(w, y, copy_input, &seen, applied(rid), S("{}"), 2002,
                                        &res, NULL),
                 PRANA_STATUS_EXECUTION_NOT_SUSPENDED);
    rows_match(w, y);
    prana_execution_free(y);
    prana_workflow_free(w);
}

static void test_cancel_through_the_port(void) {
    prana_workflow *w = NULL;
    prana_execution *x, *y;
    struct prana_run_result res;
    struct prana_resume_decision d;
    struct nodes seen;
    char resume_url[PRANA_URL_BUF_SIZE];
    char cancel_url[PRANA_URL_BUF_SIZE];
    prana_run_status st;

    CHECK_STATUS(prana_workflow_new(S(WITH_CANCEL), &w, NULL), PRANA_STATUS_OK);
    x = start(w, "exec-c1", 1000, 0);
    memset(&seen, 0, sizeof seen);
    CHECK_STATUS(prana_execution_run(w, x, copy_input, &seen, S("{\"n\":2}"), 1000, &res, NULL),
                 PRANA_STATUS_OK);
    store_result(w, x, &res);
    snprintf(resume_url, sizeof resume_url, "%s", res.resume_url);
    snprintf(cancel_url, sizeof cancel_url, "%s", render(x, "{{ $execution.wait.cancel_url }}"));
    CHECK(strstr(cancel_url, "/hooks/webhook/workflow/cancel/") != NULL);
    CHECK(strstr(cancel_url, "?sig=k1.") != NULL);
    CHECK_STR(render(x, "{{ $execution.wait.resume_url }}"), resume_url);
    prana_execution_free(x);

    /* The resume URL's signature does not open the cancel route. */
    {
        struct prana_signature_check sig;
        const char *q = strchr(resume_url, '?') + 1;
        const char *rid = res.resume_id;
        CHECK_STATUS(prana_signature_verify(keys, PRANA_ROUTE_CANCEL, PRANA_SIGNATURE_REQUIRED,
                                            rid, strlen(rid), q, strlen(q), &sig, NULL),
                     PRANA_STATUS_OK);
        CHECK(!sig.accepted && sig.answer.http_status == 401);
    }

    CHECK(request(cancel_url, PRANA_ROUTE_CANCEL, 1500, &d));
    CHECK(compare_and_set(&d.transition, 1500));
    y = restore(0);
    memset(&seen, 0, sizeof seen);
    CHECK_STATUS(prana_execution_cancel(w, y, copy_input, &seen, &d.transition, 1500, &res, NULL),
                 PRANA_STATUS_OK);
    CHECK(res.outcome == PRANA_OUTCOME_COMPLETED);
    CHECK_STR(seen.run, "on_cancel");
    CHECK(res.transition_count == 0);
    store_row(w, y, d.transition.resume_id);
    store_result(w, y, &res);
    rows_match(w, y);
    CHECK_STATUS(prana_execution_status(y, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_EXECUTION_COMPLETED);

    /* The resume that lost the race: 409 from the stored row. */
    CHECK(!request(resume_url, PRANA_ROUTE_RESUME, 1600, &d));
    CHECK(d.answer.http_status == 409);
    prana_execution_free(y);
    prana_workflow_free(w);
}

static void test_cancel_without_a_port(void) {
    prana_workflow *w = NULL;
    prana_execution *x, *y;
    struct prana_run_result res;
    struct prana_resume_decision d;
    char cancel_url[PRANA_URL_BUF_SIZE];
    char second[PRANA_RESUME_ID_BUF_SIZE];
    prana_run_status st;
    size_t n = 0;

    CHECK_STATUS(prana_workflow_new(S(NO_CANCEL), &w, NULL), PRANA_STATUS_OK);
    x = start(w, "exec-c2", 1000, 0);
    CHECK(row_count == 2);
    /* No host node runs: a NULL handler will do. */
    CHECK_STATUS(prana_execution_run(w, x, NULL, NULL, S("{}"), 1000, &res, NULL),
                 PRANA_STATUS_OK);
    CHECK(res.outcome == PRANA_OUTCOME_SUSPENDED);
    CHECK_STR(res.node_id, "first");
    store_result(w, x, &res);
    snprintf(cancel_url, sizeof cancel_url, "%s", render(x, "{{ $execution.first.cancel_url }}"));
    snprintf(second, sizeof second, "%s", render(x, "{{ $execution.second.resume_id }}"));
    prana_execution_free(x);

    CHECK(request(cancel_url, PRANA_ROUTE_CANCEL, 1100, &d));
    CHECK(compare_and_set(&d.transition, 1100));
    y = restore(0);
    CHECK_STATUS(prana_execution_cancel(w, y, NULL, NULL, &d.transition, 1100, &res, NULL),
                 PRANA_STATUS_OK);
    CHECK(res.outcome == PRANA_OUTCOME_CANCELLED);
    CHECK_STR(res.node_id, "first");
    /* The other wait's registration is expired, reported once. */
    CHECK(res.transition_count == 1);
    CHECK_STR(res.transitions[0].resume_id, second);
    CHECK(res.transitions[0].from == PRANA_LIFECYCLE_PENDING &&
          res.transitions[0].to == PRANA_LIFECYCLE_EXPIRED);
    store_row(w, y, d.transition.resume_id);
    store_result(w, y, &res);
    rows_match(w, y);
    CHECK_STATUS(prana_execution_status(y, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_EXECUTION_CANCELLED);
    CHECK_STR(prana_run_status_name(PRANA_EXECUTION_CANCELLED), "cancelled");
    /* The state says so after a round trip too. */
    prana_execution_free(y);
    y = restore(0);
    CHECK_STATUS(prana_execution_status(y, &st, NULL), PRANA_STATUS_OK);
    CHECK(st == PRANA_EXECUTION_CANCELLED);
    CHECK_STATUS(prana_execution_current_node(y, second, sizeof second, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(second, "first");
    prana_execution_free(y);
    prana_workflow_free(w);
}

static void test_extend_then_expire(void) {
    prana_workflow *w = NULL;
    prana_execution *x, *y;
    struct prana_run_result res;
    struct prana_resume_decision d;
    struct prana_extension e, applied_ext;
    struct prana_transition expiry, wrong;
    struct nodes seen;
    char rid[PRANA_RESUME_ID_BUF_SIZE];
    prana_registration *reg;
    uint64_t t0 = 1000, expires = 0, new_expiry;
    bool has = false, due = true;
    size_t n = 0;

    CHECK_STATUS(prana_workflow_new(S(WITH_CANCEL), &w, NULL), PRANA_STATUS_OK);
    x = start(w, "exec-x1", t0, 0);
    memset(&seen, 0, sizeof seen);
    CHECK_STATUS(prana_execution_run(w, x, copy_input, &seen, S("{}"), t0, &res, NULL),
                 PRANA_STATUS_OK);
    store_result(w, x, &res);
    snprintf(rid, sizeof rid, "%s", res.resume_id);
    CHECK(res.resume_at == t0 + HOUR);
    prana_execution_free(x);

    /* Half an hour in: extend to two hours from now. */
    reg = lookup(rid);
    CHECK_STATUS(prana_registration_extend(reg, rid, strlen(rid), S("{\"timeout_hours\": 2}"),
                                           t0 + HOUR / 2, &e, NULL),
                 PRANA_STATUS_OK);
    new_expiry = t0 + HOUR / 2 + 2 * HOUR;
    CHECK(e.extended && e.answer.http_status == 200);
    CHECK_STR(e.resume_id, rid);
    CHECK(e.resume_id_len == strlen(rid));
    CHECK(e.from_expires_at == t0 + HOUR && e.to_expires_at == new_expiry);
    CHECK_STATUS(prana_registration_expires_at(reg, &has, &expires, NULL), PRANA_STATUS_OK);
    CHECK(has && expires == new_expiry);
    applied_ext = e;
    /* Compare-and-set on the expiry; in the same transaction the execution
     * records it and its row and state are stored: the state agrees with
     * the extended row. */
    CHECK_STATUS(prana_registration_to_json(reg, row_of(rid)->json, sizeof row_of(rid)->json,
                                            &n, NULL),
                 PRANA_STATUS_OK);
    y = restore(0);
    CHECK_STATUS(prana_execution_extend(y, &applied_ext, NULL), PRANA_STATUS_OK);
    CHECK_STATUS(prana_execution_resume_at(y, &has, &expires, NULL), PRANA_STATUS_OK);
    CHECK(has && expires == new_expiry);
    rows_match(w, y);
    store_result(w, y, &(struct prana_run_result){0});
    /* Applied once: again, or a refused extension, is not applied. */
    CHECK_STATUS(prana_execution_extend(y, &applied_ext, NULL), PRANA_STATUS_EXECUTION_NOT_APPLIED);
    prana_execution_free(y);
    /* Not later than the new expiry: refused, the registration unchanged. */
    CHECK_STATUS(prana_registration_extend(reg, rid, strlen(rid), S("{\"timeout_hours\": 0.5}"),
                                           t0 + HOUR / 2, &e, NULL),
                 PRANA_STATUS_OK);
    CHECK(!e.extended && e.answer.http_status == 422);
    CHECK_STR(e.answer.code, "extend_not_later");
    /* Past the 8760-hour limit from creation. */
    CHECK_STATUS(prana_registration_extend(reg, rid, strlen(rid), S("{\"timeout_hours\": 8760}"),
                                           t0 + HOUR, &e, NULL),
                 PRANA_STATUS_OK);
    CHECK(!e.extended && e.answer.http_status == 422);
    CHECK_STR(e.answer.code, "extend_beyond_limit");
    prana_registration_free(reg);

    /* Past the old expiry the wait is still open... */
    reg = lookup(rid);
    CHECK_STATUS(prana_resume_decide(rid, strlen(rid), reg, t0 + HOUR + 1, &d, NULL),
                 PRANA_STATUS_OK);
    CHECK(d.resume);
    /* ...and at the new one it has expired: 410, and extend is refused. */
    CHECK_STATUS(prana_resume_decide(rid, strlen(rid), reg, new_expiry, &d, NULL),
                 PRANA_STATUS_OK);
    CHECK(!d.resume && d.answer.http_status == 410);
    CHECK_STATUS(prana_registration_extend(reg, rid, strlen(rid), NULL, 0, new_expiry, &e, NULL),
                 PRANA_STATUS_OK);
    CHECK(!e.extended && e.answer.http_status == 410);
    prana_registration_free(reg);

    /* The sweeper: nothing to expire at the old time... */
    reg = lookup(rid);
    CHECK_STATUS(prana_expire_decide(rid, strlen(rid), reg, t0 + HOUR, &due, &expiry, NULL),
                 PRANA_STATUS_OK);
    CHECK(!due && expiry.resume_id_len == 0);
    /* ...and at the new one it decides active -> expired, applies it with
     * compare-and-set and hands it to the execution: through the timeout
     * port, the expiry not returned again. */
    CHECK_STATUS(prana_expire_decide(rid, strlen(rid), reg, new_expiry, &due, &expiry, NULL),
                 PRANA_STATUS_OK);
    prana_registration_free(reg);
    CHECK(due && expiry.from == PRANA_LIFECYCLE_ACTIVE && expiry.to == PRANA_LIFECYCLE_EXPIRED);
    CHECK_STR(expiry.resume_id, rid);
    y = restore(0);
    memset(&seen, 0, sizeof seen);
    CHECK(compare_and_set(&expiry, new_expiry));
    /* A resume's transition is no expiry: refused, nothing changed. */
    wrong = expiry;
    wrong.to = PRANA_LIFECYCLE_CONSUMED;
    CHECK_STATUS(prana_execution_expire(w, y, copy_input, &seen, &wrong, new_expiry, &res, NULL),
                 PRANA_STATUS_EXECUTION_NOT_APPLIED);
    CHECK_STATUS(prana_execution_expire(w, y, copy_input, &seen, &expiry, new_expiry, &res, NULL),
                 PRANA_STATUS_OK);
    CHECK(res.outcome == PRANA_OUTCOME_COMPLETED);
    CHECK_STR(seen.run, "on_timeout");
    CHECK(res.transition_count == 0);
    store_row(w, y, rid);
    store_result(w, y, &res);
    rows_match(w, y);
    CHECK(!compare_and_set(&expiry, new_expiry)); /* decided once */
    CHECK(strstr(row_of(rid)->json, "\"expired\"") != NULL);
    prana_execution_free(y);
    prana_workflow_free(w);
}

/* A JSON string of exactly len bytes: "aaa...a". */
static char *json_string(size_t len, char fill) {
    char *s = malloc(len + 1);
    if (s == NULL) {
        return NULL;
    }
    memset(s, fill, len);
    s[0] = '"';
    s[len - 1] = '"';
    s[len] = '\0';
    return s;
}

static void test_one_mib_payloads(void) {
    prana_workflow *w = NULL;
    prana_execution *x, *y, *small;
    struct prana_run_result res;
    struct prana_resume_decision d;
    struct nodes seen;
    char *trigger = json_string(MIB, 't');
    char *resume = json_string(MIB, 'r');
    char *out = malloc(MIB + 1);
    size_t n = 0;
    prana_error err;

    CHECK(trigger != NULL && resume != NULL && out != NULL);
    if (trigger == NULL || resume == NULL || out == NULL) {
        return;
    }
    CHECK_STATUS(prana_workflow_new(S(WITH_CANCEL), &w, NULL), PRANA_STATUS_OK);

    /* The default capacity refuses 1 MiB, naming the limit and the size. */
    small = start(w, "exec-m0", 1000, 0);
    CHECK_STATUS(prana_execution_run(w, small, copy_input, &seen, trigger, MIB, 1000, &res, &err),
                 PRANA_STATUS_CAPACITY_EXCEEDED);
    CHECK(strstr(err.message, "65536") != NULL);
    prana_execution_free(small);

    x = start(w, "exec-m1", 1000, MIB);
    memset(&seen, 0, sizeof seen);
    CHECK_STATUS(prana_execution_run(w, x, copy_input, &seen, trigger, MIB, 1000, &res, NULL),
                 PRANA_STATUS_OK);
    CHECK(res.outcome == PRANA_OUTCOME_SUSPENDED);
    CHECK_STR(seen.run, "notify");
    CHECK_STATUS(prana_execution_output(x, out, MIB + 1, &n, NULL), PRANA_STATUS_OK);
    CHECK(n == MIB && memcmp(out, trigger, MIB) == 0);
    store_result(w, x, &res);
    CHECK(state_len > MIB && state_len < PRANA_EXECUTION_JSON_FIXED_LEN + MIB);
    prana_execution_free(x);

    CHECK(request(res.resume_url, PRANA_ROUTE_RESUME, 2000, &d));
    CHECK(compare_and_set(&d.transition, 2000));
    /* Restored with a smaller capacity: refused, the output does not fit. */
    y = NULL;
    CHECK_STATUS(prana_execution_from_json(state_json, state_len, 0, &y, NULL),
                 PRANA_STATUS_CAPACITY_EXCEEDED);
    CHECK(y == NULL);
    y = restore(MIB);
    /* One byte over the capacity is refused and changes nothing. */
    {
        char *over = json_string(MIB + 1, 'o');
        CHECK(over != NULL);
        if (over != NULL) {
            CHECK_STATUS(prana_execution_resume(w, y, copy_input, &seen, &d.transition, over,
                                                MIB + 1, 2000, &res, NULL),
                         PRANA_STATUS_CAPACITY_EXCEEDED);
            free(over);
        }
    }
    memset(&seen, 0, sizeof seen);
    CHECK_STATUS(prana_execution_resume(w, y, copy_input, &seen, &d.transition, resume, MIB, 2000,
                                        &res, NULL),
                 PRANA_STATUS_OK);
    CHECK(res.outcome == PRANA_OUTCOME_COMPLETED);
    CHECK_STR(seen.run, "done");
    CHECK_STATUS(prana_execution_output(y, out, MIB + 1, &n, NULL), PRANA_STATUS_OK);
    CHECK(n == MIB && memcmp(out, resume, MIB) == 0);
    store_row(w, y, d.transition.resume_id);
    store_result(w, y, &res);
    rows_match(w, y);
    /* And the completed state round-trips with its 1 MiB output. */
    prana_execution_free(y);
    y = restore(MIB);
    CHECK_STATUS(prana_execution_output(y, out, MIB + 1, &n, NULL), PRANA_STATUS_OK);
    CHECK(n == MIB && memcmp(out, resume, MIB) == 0);
    prana_execution_free(y);
    prana_workflow_free(w);
    free(trigger);
    free(resume);
    free(out);
}

/* The page and form of a wait, from its stored row. */
static void test_page_and_form(void) {
    static const char config[] =
        "{\"title\":\"Expense <script>\",\"form\":[{\"name\":\"amount\",\"type\":\"number\","
        "\"required\":true},{\"name\":\"ok\",\"type\":\"boolean\"}]}";
    char page[8192];
    char json[256];
    size_t n = 0, count = 0, i;
    uint16_t http = 0;
    const struct prana_header_pair *h = prana_page_security_headers(&count);
    prana_error err;

    CHECK(prana_page_accepts_html(S("text/html,application/xhtml+xml,*/*;q=0.8")));
    CHECK(!prana_page_accepts_html(S("*/*")));
    CHECK(!prana_page_accepts_html(S("application/json, text/html;q=0")));
    for (i = 0; i < count; i++) {
        CHECK(h[i].name[0] != '\0' && h[i].value[0] != '\0');
    }
    CHECK(count == 5 && strstr(h[0].value, "script-src") == NULL &&
          strstr(h[0].value, "default-src 'none'") != NULL);

    CHECK_STATUS(prana_page_render_wait(S(config), S("https://gw/r?sig=a"), S("https://gw/c"),
                                        NULL, 0, page, sizeof page, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK(strlen(page) == n);
    CHECK(strstr(page, "Expense &lt;script&gt;") != NULL && strstr(page, "<script") == NULL);
    CHECK(strstr(page, "name=\"amount\"") != NULL);

    CHECK_STATUS(prana_form_decode(S(config), S("amount=12.5&ok=on"), json, sizeof json, &n,
                                   NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(json, "{\"amount\":12.5,\"ok\":true}");
    CHECK_STATUS(prana_form_decode(S(config), S("ok=on"), json, sizeof json, &n, &err),
                 PRANA_STATUS_FORM_FIELD_REQUIRED);
    CHECK(strstr(err.message, "amount") != NULL);
    /* The refused submission is shown again, keeping the values sent. */
    CHECK_STATUS(prana_page_render_wait(S(config), S("https://gw/r"), NULL, 0, S("amount=x"), page,
                                        sizeof page, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK(strstr(page, "value=\"x\"") != NULL);
    CHECK_STATUS(prana_form_decode(S("{}"), S("decision=reject"), json, sizeof json, &n, NULL),
                 PRANA_STATUS_OK);
    CHECK_STR(json, "{\"approved\":false}");

    CHECK_STATUS(prana_page_render_result(PRANA_PAGE_ALREADY_USED, page, sizeof page, &n, &http,
                                          NULL),
                 PRANA_STATUS_OK);
    CHECK(http == 409 && strstr(page, "Already used") != NULL);
    CHECK_STATUS(prana_page_render_result(PRANA_PAGE_DONE, page, sizeof page, &n, &http, NULL),
                 PRANA_STATUS_OK);
    CHECK(http == 200);

    /* The JSON a GET without HTML gets, from the stored row. */
    {
        prana_registration *reg = NULL;
        static const char row[] =
            "{\"resume_id\":\"webhook_e1_w_00000000000000000000000000\",\"execution_id\":\"e1\","
            "\"node_id\":\"w\",\"status\":\"active\",\"created_at\":0,\"expires_at\":100,"
            "\"webhook_config\":{\"title\":\"T\"}}";
        CHECK_STATUS(prana_registration_from_json(S(row), &reg, NULL), PRANA_STATUS_OK);
        CHECK_STATUS(prana_registration_describe(reg, 5, json, sizeof json, &n, NULL),
                     PRANA_STATUS_OK);
        CHECK_STR(json, "{\"node\":\"w\",\"status\":\"active\",\"expires_at\":100,\"title\":\"T\","
                        "\"description\":null,\"form\":null}");
        CHECK_STATUS(prana_registration_describe(reg, 100, json, sizeof json, &n, NULL),
                     PRANA_STATUS_OK);
        CHECK(strstr(json, "\"expired\"") != NULL);
        prana_registration_free(reg);
    }
}

int main(void) {
    fixtures();
    test_resume_end_to_end();
    test_cancel_through_the_port();
    test_cancel_without_a_port();
    test_extend_then_expire();
    test_one_mib_payloads();
    test_page_and_form();
    reset_store();
    prana_key_set_free(keys);
    prana_id_generator_free(gen);
    prana_base_url_free(base);
    return test_summary("protocol");
}
