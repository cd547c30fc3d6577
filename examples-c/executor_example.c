/*
 * executor_example: the whole host protocol of the workflow executor, in one
 * process standing in for two (the one that starts the execution and the
 * one that handles the resume request later).
 *
 *   parse workflow -> start -> store the rows -> run to the wait -> store
 *   the rows and the state JSON -> (request arrives) look the row up ->
 *   decide -> compare-and-set -> restore -> resume with the applied
 *   transition -> store the rows and the state; a replay is refused (409).
 *
 *   make -C examples-c run-executor
 *
 * The host owns randomness (the seed), the clock (`now`, unix ms), the node
 * handlers, and persistence: here a few strings stand in for the database.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prana_webhook.h"

static const char WORKFLOW[] =
    "{\"id\":\"approval\",\"start\":\"trigger\",\"nodes\":["
    "{\"key\":\"trigger\",\"type\":\"trigger\"},"
    "{\"key\":\"wait\",\"type\":\"wait\",\"params\":{\"mode\":\"webhook\",\"timeout_hours\":24}},"
    "{\"key\":\"done\",\"type\":\"echo\"}],"
    "\"connections\":["
    "{\"from\":\"trigger\",\"port\":\"main\",\"to\":\"wait\"},"
    "{\"from\":\"wait\",\"port\":\"main\",\"to\":\"done\"}]}";

/* The detail of the last failed call, filled by every fallible function. */
static prana_error err;

static void check(prana_status st, const char *what) {
    if (st != PRANA_STATUS_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, prana_status_code(st), err.message);
        exit(1);
    }
}

static void expect(bool ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "unexpected: %s\n", what);
        exit(1);
    }
}

/* The host's node handler: here one node type, "echo", which outputs its
 * input unchanged on the main port. */
static bool handler(void *user_data, const prana_node_call *call, char *output,
                    size_t output_cap, prana_node_result *result) {
    (void)user_data;
    if (call->node_type.len != 4 || memcmp(call->node_type.ptr, "echo", 4) != 0 ||
        call->input.len > output_cap) {
        snprintf(result->error_code, sizeof result->error_code, "unknown_node");
        snprintf(result->error_message, sizeof result->error_message, "no handler");
        return false;
    }
    memcpy(output, call->input.ptr, call->input.len);
    result->output_len = call->input.len;
    result->port[0] = '\0';
    return true;
}

/* The "database": the execution state and one row per registration. */
static char state[PRANA_EXECUTION_JSON_BUF_SIZE];
static char row_ids[PRANA_MAX_WAIT_NODES][PRANA_RESUME_ID_BUF_SIZE];
static char rows[PRANA_MAX_WAIT_NODES][PRANA_REGISTRATION_JSON_BUF_SIZE];
static size_t row_count;
static prana_run_result res; /* several KiB: not on the stack */

/* Store the row of registration `id` exactly as the library writes it
 * (insert, or replace the row of that ID). Never patched by hand. */
static void store_row(const prana_workflow *wf, const prana_execution *ex, const char *id) {
    size_t i, n;
    for (i = 0; i < row_count && strcmp(row_ids[i], id) != 0; i++) {
    }
    if (i == row_count) {
        expect(row_count < PRANA_MAX_WAIT_NODES, "room for the row");
        row_count++;
        memcpy(row_ids[i], id, strlen(id) + 1);
    }
    check(prana_execution_registration_json(wf, ex, id, PRANA_NUL_TERMINATED, rows[i],
                                            sizeof rows[i], &n, &err),
          "execution_registration_json");
}

/* After a call: the row of every transition it returned, in order, then
 * the state. */
static void store_result(const prana_workflow *wf, const prana_execution *ex) {
    size_t i, n;
    for (i = 0; i < res.transition_count; i++) {
        store_row(wf, ex, res.transitions[i].resume_id);
    }
    check(prana_execution_to_json(ex, state, sizeof state, &n, &err), "execution_to_json");
}

/* A compare-and-set on the row: `UPDATE ... SET status = :to WHERE
 * resume_id = :id AND status = :from`. True when exactly one row changed. */
static bool compare_and_set(const prana_transition *t, uint64_t now) {
    size_t i;
    for (i = 0; i < row_count; i++) {
        if (strcmp(row_ids[i], t->resume_id) == 0) {
            prana_registration *r = NULL;
            prana_lifecycle_status st;
            bool changed = false;
            check(prana_registration_from_json(rows[i], PRANA_NUL_TERMINATED, &r, &err), "row");
            check(prana_registration_status(r, &st, &err), "row status");
            if (st == t->from) {
                prana_transition applied;
                check(prana_registration_consume(r, now, &applied, &err), "consume");
                size_t n;
                check(prana_registration_to_json(r, rows[i], sizeof rows[i], &n, &err), "row");
                changed = true;
            }
            prana_registration_free(r);
            return changed;
        }
    }
    return false;
}

/* A resume request for `resume_id`: look the row up, let the library
 * decide, compare-and-set, restore the state, resume with the applied
 * transition, store what the call returned. */
static prana_http_answer handle_resume(const prana_workflow *wf, const char *resume_id,
                                       uint64_t now) {
    prana_registration *reg = NULL;
    prana_resume_decision d;
    size_t i;
    for (i = 0; i < row_count && reg == NULL; i++) {
        if (strcmp(row_ids[i], resume_id) == 0) {
            check(prana_registration_from_json(rows[i], PRANA_NUL_TERMINATED, &reg, &err), "row");
        }
    }
    check(prana_resume_decide(resume_id, PRANA_NUL_TERMINATED, reg, now, &d, &err), "decide");
    prana_registration_free(reg);
    if (d.resume) {
        if (!compare_and_set(&d.transition, now)) {
            /* Another request won the race: decide again on the fresh row. */
            return handle_resume(wf, resume_id, now);
        }
        prana_execution *ex = NULL; /* restored from the stored state */
        check(prana_execution_from_json(state, PRANA_NUL_TERMINATED, 0, &ex, &err), "restore");
        check(prana_execution_resume(wf, ex, handler, NULL, &d.transition, "{\"approved\":true}",
                                     PRANA_NUL_TERMINATED, now, &res, &err),
              "resume");
        store_row(wf, ex, d.transition.resume_id); /* the applied one, as the library has it */
        store_result(wf, ex);
        prana_execution_free(ex);
    }
    return d.answer;
}

int main(void) {
    const uint64_t t0 = 1767225600000u; /* 2026-01-01T00:00:00Z */
    uint8_t seed[PRANA_ID_SEED_LEN];
    prana_workflow *wf = NULL;
    prana_base_url *base = NULL;
    prana_id_generator *gen = NULL;
    prana_execution *ex = NULL;
    size_t n, count, i;

    memset(seed, 7, sizeof seed); /* a real host reads the OS's randomness */
    check(prana_workflow_new(WORKFLOW, PRANA_NUL_TERMINATED, &wf, &err), "workflow_new");
    check(prana_base_url_new("https://hooks.example.com", PRANA_NUL_TERMINATED, &base, &err),
          "base_url_new");
    check(prana_id_generator_new(seed, sizeof seed, &gen, &err), "id_generator_new");

    /* 1. Start: one pending registration per webhook wait; store each row. */
    check(prana_execution_start(wf, "exec-1", PRANA_NUL_TERMINATED, base, NULL, gen, t0, 0, &ex,
                                &err),
          "execution_start");
    check(prana_execution_registration_count(ex, &count, &err), "registration_count");
    for (i = 0; i < count; i++) {
        prana_registration *reg = NULL;
        char id[PRANA_RESUME_ID_BUF_SIZE];
        check(prana_execution_registration(ex, i, &reg, &err), "execution_registration");
        check(prana_registration_resume_id(reg, id, sizeof id, &n, &err), "resume_id");
        prana_registration_free(reg);
        store_row(wf, ex, id);
    }

    /* 2. Run until the wait; store the rows it changed and the state. */
    check(prana_execution_run(wf, ex, handler, NULL, "{\"amount\":42}", PRANA_NUL_TERMINATED, t0,
                              &res, &err),
          "execution_run");
    expect(res.outcome == PRANA_OUTCOME_SUSPENDED, "suspended at the wait");
    printf("suspended at %s; resume URL %s\n", res.node_id, res.resume_url);
    store_result(wf, ex);
    prana_execution_free(ex); /* the process may end here: all is stored */
    printf("stored: state %zu bytes, %zu registration row(s)\n", strlen(state), row_count);

    /* 3. An hour later the resume URL is called. */
    char resume_id[PRANA_RESUME_ID_BUF_SIZE];
    memcpy(resume_id, res.resume_id, sizeof resume_id);
    prana_http_answer a = handle_resume(wf, resume_id, t0 + 3600000u);
    expect(a.http_status == 200 && res.outcome == PRANA_OUTCOME_COMPLETED, "completed");
    check(prana_execution_from_json(state, PRANA_NUL_TERMINATED, 0, &ex, &err), "restore");
    char out[256];
    check(prana_execution_output(ex, out, sizeof out, &n, &err), "execution_output");
    prana_execution_free(ex);
    printf("resumed: %u, completed with output %s\n", a.http_status, out);

    /* 4. The same request again (a replay) is refused. */
    a = handle_resume(wf, resume_id, t0 + 3600001u);
    expect(a.http_status == 409 && strcmp(a.code, "webhook_already_used") == 0, "replay 409");
    printf("replay: %u %s\n", a.http_status, a.code);

    prana_id_generator_free(gen);
    prana_base_url_free(base);
    prana_workflow_free(wf);
    return 0;
}
